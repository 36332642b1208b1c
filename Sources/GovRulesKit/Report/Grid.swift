/// A table with merged cells, as HTML describes one: each row lists the cells that start in it.
/// All three tables are laid out into this shape from the format data; the renderers only walk it.
struct Grid: Sendable, Equatable {
    enum Role: String, Sendable {
        /// 勾稽关系 note (top-left of table 三)
        case note
        /// column headers
        case header
        /// 第二十条第（X）项 block header of table 二
        case item
        /// a label that spans several rows (三、本年度办理结果, （三）不予公开)
        case group
        /// a row label
        case label
        /// a figure
        case number
    }

    struct Cell: Sendable, Equatable {
        var text: String
        var rowspan = 1
        var colspan = 1
        var role: Role
        /// For row labels: which label column the cell starts in (0 = leftmost).
        var level = 0
    }

    /// CSS class of the table (proactive, applications, appeals).
    var kind: String
    var columnCount: Int
    /// The first rows that are column headers (printed as <thead>).
    var headerRowCount: Int
    var rows: [[Cell]]

    /// For each row, what a word processor's text export shows: the cells that start in the row and,
    /// for each cell merged down from a row above, one empty slot at its first column — in column
    /// order. (This is how the published plain-text reports look.)
    func slots() -> [[Cell?]] {
        var coveredUntil = [Int](repeating: 0, count: columnCount)   // row index up to which a column is covered
        var coveredStart = [Bool](repeating: false, count: columnCount)  // first column of a covering cell
        var out: [[Cell?]] = []
        for (r, row) in rows.enumerated() {
            var line: [Cell?] = []
            var c = 0
            var pending = row[...]
            while c < columnCount {
                if coveredUntil[c] > r {
                    if coveredStart[c] { line.append(nil) }
                    c += 1
                    continue
                }
                guard let cell = pending.first else { break }
                pending = pending.dropFirst()
                line.append(cell)
                for k in c..<min(columnCount, c + cell.colspan) {
                    coveredUntil[k] = r + cell.rowspan
                    coveredStart[k] = k == c
                }
                c += cell.colspan
            }
            out.append(line)
        }
        return out
    }
}

extension Grid {
    /// Table 二: one block per 第二十条 item: a full-width item row, a header row, the data rows.
    /// A block narrower than the widest one stretches its last column.
    static func proactive(_ table: ReportFormat.ProactiveTable, figures: ProactiveFigures) -> Grid {
        let valueColumns = max(1, table.valueColumnCount)
        var rows: [[Cell]] = []
        for block in table.blocks {
            let n = block.columns.count
            func span(_ i: Int) -> Int { i == n - 1 ? valueColumns - n + 1 : 1 }
            rows.append([Cell(text: block.item, colspan: valueColumns + 1, role: .item)])
            rows.append([Cell(text: table.rowHeader, role: .header)]
                        + block.columns.enumerated().map { Cell(text: $1.label, colspan: span($0), role: .header) })
            for row in block.rows {
                rows.append([Cell(text: row, role: .label)]
                            + block.columns.enumerated().map {
                                Cell(text: figures.value(item: block.item, row: row, column: $1.label), colspan: span($0), role: .number)
                            })
            }
        }
        return Grid(kind: "proactive", columnCount: valueColumns + 1, headerRowCount: 0, rows: rows)
    }

    /// Table 三: the 勾稽关系 note over the label columns, 申请人情况 over the value columns, grouped
    /// column headers, and the rows with their merged labels.
    static func applications(_ table: ReportFormat.ApplicationsTable, figures: ApplicationTable) -> Grid {
        let depth = table.labelDepth
        let columns = table.columns
        let hasGroups = columns.contains { $0.group != nil }
        let headerRows = hasGroups ? 3 : 2
        var rows: [[Cell]] = []
        rows.append([Cell(text: table.note, rowspan: headerRows, colspan: depth, role: .note),
                     Cell(text: table.applicantHeader, colspan: columns.count, role: .header)])
        var second: [Cell] = []
        var third: [Cell] = []
        var i = 0
        while i < columns.count {
            if let group = columns[i].group {
                var j = i
                while j < columns.count, columns[j].group == group { j += 1 }
                second.append(Cell(text: group, colspan: j - i, role: .header))
                third += columns[i..<j].map { Cell(text: $0.label, role: .header) }
                i = j
            } else {
                second.append(Cell(text: columns[i].label, rowspan: hasGroups ? 2 : 1, role: .header))
                i += 1
            }
        }
        rows.append(second)
        if hasGroups { rows.append(third) }

        let order = columns.map { ApplicantColumn.allKeys.firstIndex(of: $0.key) ?? 0 }
        let data = table.rows
        for (r, row) in data.enumerated() {
            var cells: [Cell] = []
            for (k, label) in row.labels.enumerated() {
                let leaf = k == row.labels.count - 1
                if leaf {
                    cells.append(Cell(text: label, colspan: depth - k, role: .label, level: k))
                    continue
                }
                // A group label: merged with the rows below that share the labels up to here.
                func sharesGroup(_ other: ReportFormat.ApplicationsTable.Row) -> Bool {
                    other.labels.count > k + 1 && Array(other.labels[0...k]) == Array(row.labels[0...k])
                }
                if r > 0, sharesGroup(data[r - 1]) { continue }
                var span = 1
                while r + span < data.count, sharesGroup(data[r + span]) { span += 1 }
                cells.append(Cell(text: label, rowspan: span, role: .group, level: k))
            }
            let values = figures[row.key]
            cells += order.map { Cell(text: String(values[$0]), role: .number) }
            rows.append(cells)
        }
        return Grid(kind: "applications", columnCount: depth + columns.count, headerRowCount: headerRows, rows: rows)
    }

    /// Table 四: blocks of five columns; blocks sharing a group (行政诉讼) get a header above them.
    static func appeals(_ table: ReportFormat.AppealsTable, figures: AppealTable) -> Grid {
        let blocks = table.blocks
        let width = table.columns.count
        let hasGroups = blocks.contains { $0.group != nil }
        var first: [Cell] = []
        var second: [Cell] = []
        var third: [Cell] = []
        let columnHeaders = { (rowspan: Int) in table.columns.map { Cell(text: $0.label, rowspan: rowspan, role: .header) } }
        var i = 0
        while i < blocks.count {
            if hasGroups, let group = blocks[i].group {
                var j = i
                while j < blocks.count, blocks[j].group == group { j += 1 }
                first.append(Cell(text: group, colspan: width * (j - i), role: .header))
                for b in blocks[i..<j] {
                    second.append(Cell(text: b.label, colspan: width, role: .header))
                    third += columnHeaders(1)
                }
                i = j
            } else {
                first.append(Cell(text: blocks[i].label, colspan: width, role: .header))
                second += columnHeaders(hasGroups ? 2 : 1)
                i += 1
            }
        }
        var rows = [first, second]
        if hasGroups { rows.append(third) }
        rows.append(blocks.flatMap { b in table.columns.map { Cell(text: String(figures[b.key, $0.key]), role: .number) } })
        return Grid(kind: "appeals", columnCount: width * blocks.count, headerRowCount: rows.count - 1, rows: rows)
    }
}
