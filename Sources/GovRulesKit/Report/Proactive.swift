import Foundation

/// One cell of table 二 (主动公开) as the office supplies it (decisions.md §6).
public struct ProactiveCell: Sendable, Equatable {
    /// 条目, e.g. 第二十条第（五）项
    public var item: String
    /// 信息内容, e.g. 行政许可
    public var row: String
    /// 指标, e.g. 本年增/减
    public var column: String
    /// 数值, e.g. 14, -3, 251000元, 12.5
    public var value: String
    public var file: String
    public var line: Int

    public init(item: String, row: String, column: String, value: String, file: String, line: Int) {
        self.item = item
        self.row = row
        self.column = column
        self.value = value
        self.file = file
        self.line = line
    }
}

/// Table 二 checked against a format: every cell of the format in table order, with the value
/// to print.
public struct ProactiveFigures: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var item: String
        public var row: String
        public var column: String
        /// As printed: the supplied value (integers normalised, e.g. `+3` → `3`), or "0" when the
        /// file did not give the cell.
        public var value: String
        public var supplied: Bool
    }

    /// In the order of the format: block by block, row by row, column by column.
    public var entries: [Entry]

    /// The value printed for a cell of the format.
    public func value(item: String, row: String, column: String) -> String {
        entries.first { $0.item == item && $0.row == row && $0.column == column }?.value ?? "0"
    }

    /// Checks `cells` against `format`. Errors: cells the format lacks, duplicates, bad values.
    /// Warnings: cells of the format that were not supplied (printed as 0).
    static func check(_ cells: [ProactiveCell], format: ReportFormat) -> (figures: ProactiveFigures, errors: [Diagnostic], warnings: [Diagnostic]) {
        let table = format.proactive
        struct Slot { var block: Int; var row: Int; var column: Int }
        var index: [String: Slot] = [:]
        for (b, block) in table.blocks.enumerated() {
            for (r, row) in block.rows.enumerated() {
                for (c, column) in block.columns.enumerated() {
                    index[cellKey(block.item, row, column.label)] = Slot(block: b, row: r, column: c)
                }
            }
        }
        var errors: [Diagnostic] = []
        var warnings: [Diagnostic] = []
        var given: [String: (value: String, line: Int, file: String)] = [:]
        for cell in cells {
            let key = cellKey(cell.item, cell.row, cell.column)
            guard let slot = index[key] else {
                errors.append(Diagnostic(code: "report-proactive-unknown-cell", file: cell.file, line: cell.line,
                    "\(format.name) 格式的主动公开表（表二）没有这一格：\(cell.item) / \(cell.row) / \(cell.column)。\(allowedCells(format, item: cell.item))"))
                continue
            }
            let block = table.blocks[slot.block]
            let column = block.columns[slot.column]
            if let previous = given[key] {
                errors.append(Diagnostic(code: "report-proactive-duplicate-cell", file: cell.file, line: cell.line,
                    "\(block.item) / \(block.rows[slot.row]) / \(column.label) 重复给出（第 \(previous.line) 行已有 \(previous.value)）。"))
                continue
            }
            switch checkValue(cell.value, column: column) {
            case .success(let printed):
                given[key] = (printed, cell.line, cell.file)
            case .failure(let problem):
                errors.append(Diagnostic(code: "report-proactive-bad-value", file: cell.file, line: cell.line,
                    "\(block.item) / \(block.rows[slot.row]) / \(column.label) 的数值“\(cell.value)”无效：\(problem.message)"))
                given[key] = (cell.value, cell.line, cell.file)
            }
        }
        var entries: [Entry] = []
        var missing: [String] = []
        for block in table.blocks {
            for row in block.rows {
                for column in block.columns {
                    let g = given[cellKey(block.item, row, column.label)]
                    entries.append(Entry(item: block.item, row: row, column: column.label, value: g?.value ?? "0", supplied: g != nil))
                    if g == nil { missing.append("\(block.item) / \(row) / \(column.label)") }
                }
            }
        }
        if !missing.isEmpty {
            let file = cells.first?.file
            let what = cells.isEmpty ? "未提供主动公开数据（表二），各格均按 0 填报。" : "主动公开数据（表二）缺少以下各格，按 0 填报：\(missing.joined(separator: "；"))。"
            warnings.append(Diagnostic(.warning, code: "report-proactive-missing-cell", file: file, what))
        }
        return (ProactiveFigures(entries: entries), errors, warnings)
    }

    private static func cellKey(_ item: String, _ row: String, _ column: String) -> String {
        normalizeLabel(item) + "\u{1}" + normalizeLabel(row) + "\u{1}" + normalizeLabel(column)
    }

    private static func allowedCells(_ format: ReportFormat, item: String) -> String {
        let blocks = format.proactive.blocks
        let describe: (ReportFormat.ProactiveTable.Block) -> String = { b in
            "\(b.item)：信息内容 \(b.rows.joined(separator: "、"))；指标 \(b.columns.map(\.label).joined(separator: "、"))"
        }
        if let block = blocks.first(where: { normalizeLabel($0.item) == normalizeLabel(item) }) {
            return "该条目可填的格：\(describe(block))。"
        }
        return "可填的格：" + blocks.map(describe).joined(separator: "。") + "。"
    }

    /// Validates one value against its column's kind; returns the text to print.
    static func checkValue(_ raw: String, column: ReportFormat.ProactiveTable.Column) -> Result<String, ValueError> {
        let v = raw.trimmingCharacters(in: .whitespaces)
        switch column.value {
        case .integer:
            guard !v.isEmpty, v.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(v) else {
                return .failure(ValueError("应为非负整数（如 14）。"))
            }
            return .success(String(n))
        case .signedInteger:
            var s = v
            var negative = false
            if let first = s.first, "-－−+＋".contains(first) {
                negative = "-－−".contains(first)
                s.removeFirst()
            }
            guard !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(s) else {
                return .failure(ValueError("应为整数，可为负数（如 14 或 -3）。"))
            }
            return .success(String(negative ? -n : n))
        case .decimal:
            guard isDecimal(v) else { return .failure(ValueError("应为非负数，可带小数（如 12.5）。")) }
            return .success(v)
        case .amount:
            let units = column.units ?? []
            let example = "如 251000\(units.first ?? "")"
            for unit in units.sorted(by: { $0.count > $1.count }) where v.hasSuffix(unit) {
                let number = String(v.dropLast(unit.count)).trimmingCharacters(in: .whitespaces)
                if isDecimal(number) { return .success(number + unit) }
                return .failure(ValueError("应为金额加单位（\(example)），单位前须是数字。"))
            }
            if isDecimal(v), Double(v) == 0 { return .success(v) }
            return .failure(ValueError("应为金额加单位（\(example)），单位可为：\(units.joined(separator: "、"))。"))
        }
    }

    struct ValueError: Error, Equatable {
        var message: String
        init(_ message: String) { self.message = message }
    }

    private static func isDecimal(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return false }
        return true
    }
}

/// Label comparison that forgives what typing in a spreadsheet changes: spaces, full-width vs
/// half-width brackets, slashes and colons, and the kind of quotation marks.
func normalizeLabel(_ s: String) -> String {
    var out = ""
    for ch in s {
        switch ch {
        case " ", "\t", "\u{3000}", "\u{00A0}": continue
        case "(": out.append("（")
        case ")": out.append("）")
        case "／": out.append("/")
        case ":": out.append("：")
        case "\"", "“", "”", "'", "‘", "’": out.append("\"")
        default: out.append(ch)
        }
    }
    return out
}
