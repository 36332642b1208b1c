/// Finds a table's header row. Offices put a title row (`石桥镇2024年政府信息公开申请登记台账`) and
/// blank rows above the header, so the header is the first row, within the first `searchRows`,
/// that names every required column; the rows above it are skipped with a warning saying which
/// row was taken. Row numbers stay the spreadsheet's own: the reader counts every row.
///
/// Works on rows as strings, so any reader (CSV, a workbook's sheet) feeds the same search.
struct HeaderRow {
    /// The header's cells as written.
    let cells: [String]
    /// The spreadsheet row it is on (1 when nothing was skipped).
    let row: Int
    /// Set when rows above the header were skipped.
    let warning: Diagnostic?
}

enum HeaderSearch {
    static let searchRows = 10

    /// Reads rows from `next` until the header is found, at most down to row `searchRows`.
    /// Returns nil for a table with no non-blank row. When no row names every required column,
    /// the row naming the most known columns is returned (so that HeaderMap lists what is
    /// missing from it), else the first non-blank row.
    static func locate(file: String, columns: [ColumnSpec],
                       next: () throws -> (row: Int, cells: [String])?) throws -> HeaderRow? {
        let names = KnownHeaders(columns)
        var best: (row: Int, cells: [String], known: Int)?
        var skipped: [(row: Int, text: String)] = []
        while let (row, cells) = try next() {
            let text = cells.map(\.trimmed).filter { !$0.isEmpty }
            if text.isEmpty {
                if row > searchRows { break }
                skipped.append((row, ""))
                continue
            }
            let (known, complete) = names.match(cells)
            if complete {
                return HeaderRow(cells: cells, row: row, warning: skipped.isEmpty ? nil : warning(file, row, skipped))
            }
            if best == nil || known > best!.known { best = (row, cells, known) }
            skipped.append((row, text.joined(separator: " ")))
            if row >= searchRows { break }
        }
        guard let best else {
            if skipped.isEmpty { return nil }
            throw Diagnostic(code: "header-not-found", file: file, line: 1,
                "前\(searchRows)行都是空行，找不到表头；表头应在前\(searchRows)行内（如 \(columns.filter(\.required).map(\.header).joined(separator: ",")),…）")
        }
        return HeaderRow(cells: best.cells, row: best.row, warning: nil)
    }

    /// The header of a table (CSV or a workbook's sheet); the reader is left on the first row below it.
    static func locate(in reader: RecordReader, file: String, columns: [ColumnSpec]) throws -> HeaderRow? {
        try locate(file: file, columns: columns) {
            guard let r = try reader.next() else { return nil }
            return (r.row, r.strings)
        }
    }

    private static func warning(_ file: String, _ row: Int, _ skipped: [(row: Int, text: String)]) -> Diagnostic {
        let range = row == 2 ? "第1行" : "第1—\(row - 1)行"
        var what = "是空行"
        if let title = skipped.first(where: { !$0.text.isEmpty }) {
            let text = "“\(TextWidth.truncate(title.text, to: 40))”"
            what = row == 2 ? "是标题（\(text)）" : "是标题或空行（第\(title.row)行：\(text)）"
        }
        return Diagnostic(.warning, code: "header-row", file: file, line: row,
            "以第\(row)行为表头；\(range)\(what)，已跳过。各行仍按表格中的行号称呼")
    }
}

/// Every header a table's columns may be written as, normalised, for telling a header row from
/// a title row.
struct KnownHeaders {
    private var column: [String: Int] = [:]
    private let required: [Int]

    init(_ columns: [ColumnSpec]) {
        for (i, c) in columns.enumerated() {
            for name in HeaderMap.names(of: c) { column[HeaderText.normalize(name)] = i }
        }
        required = columns.indices.filter { columns[$0].required }
    }

    /// How many cells name a known column, and whether every required column is named.
    func match(_ cells: [String]) -> (known: Int, complete: Bool) {
        var seen = Set<Int>()
        var known = 0
        for cell in cells {
            if let c = column[HeaderText.normalize(cell)] { known += 1; seen.insert(c) }
        }
        return (known, known > 0 && required.allSatisfy(seen.contains))
    }
}
