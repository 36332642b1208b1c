import Foundation
import CLuaSandbox

/// Turns one CSV record into the typed values the rules read, checking every cell against the
/// column's declared type. Works on the record's bytes: the common cells (dates, bools, enums)
/// are parsed and matched without creating Strings.
///
/// After `decode`, `values` holds one `gr_value` per policy column; it points into the record's
/// buffer and is valid until the reader moves on.
final class RowDecoder {
    let policy: Policy
    /// The table's columns: the request ledger's (columns), or another table read the
    /// same way (the appeals ledger, the proactive-disclosure figures).
    let columns: [ColumnSpec]
    /// One value per column, in a buffer of its own: the row path writes it 30 times a row, and
    /// an Array there would check for uniqueness on every write.
    private let store: UnsafeMutablePointer<gr_value>
    var values: UnsafeBufferPointer<gr_value> { UnsafeBufferPointer(start: store, count: columns.count) }
    private let types: [ColumnType]
    private let required: [Bool]
    /// The allowed values of every enum and list column, both spellings.
    private let choices: ChoiceTable
    private let defaults: [Int?]
    /// (column, the column it may not precede), for the columns that have such a rule.
    private let datePairs: [(later: Int, earlier: Int)]
    private let valueBase: [Int32]
    private let outcomeBase: Int32
    private let outcomeByLabel: OutcomeLabels.Table
    private let firstDay: Day
    private let lastDay: Day
    private let rulesLabel: String
    private var listRanges: [Range<Int>] = []
    /// Decision cells already matched, by their bytes: a ledger spells its decisions a few
    /// dozen ways, so after the first rows no cell is normalised through Strings again.
    private var decisionMemo: [(bytes: [UInt8], outcome: Int?)] = []

    let idColumn: Int?
    let receivedColumn: Int?
    let repliedColumn: Int?
    let applicantTypeColumn: Int?
    let decisionColumn: Int?

    convenience init(engine: RuleEngine) {
        self.init(columns: engine.policy.columns, policy: engine.policy, valueBase: engine.valueBase,
                  outcomeBase: engine.outcomeBase, rulesLabel: engine.folder.label)
    }

    /// A decoder for a table that is not passed to Lua (symbol bases are then plain indexes).
    init(columns: [ColumnSpec], policy: Policy, valueBase: [Int32]? = nil, outcomeBase: Int32 = 0, rulesLabel: String) {
        self.policy = policy
        self.columns = columns
        store = .allocate(capacity: max(1, columns.count))
        store.initialize(repeating: gr_value(), count: max(1, columns.count))
        types = columns.map(\.type)
        required = columns.map(\.required)
        choices = ChoiceTable(columns)
        defaults = columns.map { c in c.defaultValue.flatMap { d in c.values.firstIndex { $0.en == d } } }
        let afterColumn = columns.map { c in c.after.flatMap { a in columns.firstIndex { $0.key == a } } }
        datePairs = afterColumn.enumerated().compactMap { c, a in a.map { (c, $0) } }
        self.valueBase = valueBase ?? [Int32](repeating: 0, count: columns.count)
        self.outcomeBase = outcomeBase
        outcomeByLabel = OutcomeLabels.table(policy.outcomes)
        firstDay = Day(year: policy.calendarFirstYear, month: 1, day: 1) ?? Day(number: 0)
        lastDay = Day(year: policy.calendarLastYear, month: 12, day: 31) ?? Day(number: 0)
        self.rulesLabel = rulesLabel
        idColumn = columns.firstIndex { $0.key == "id" }
        receivedColumn = columns.firstIndex { $0.key == "received" }
        repliedColumn = columns.firstIndex { $0.key == "replied" }
        applicantTypeColumn = columns.firstIndex { $0.key == "applicant_type" }
        decisionColumn = columns.firstIndex { $0.type == .outcome }
    }

    deinit { store.deallocate() }

    /// The cell's text, for text columns read outside the hot path.
    func text(_ column: Int) -> String? {
        let v = store[column]
        guard v.kind == Int32(GR_BYTES), let p = v.p else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: p, count: v.len), as: UTF8.self)
    }

    // MARK: Typed access after decode

    func day(_ column: Int) -> Day? {
        let v = store[column]
        return v.kind == Int32(GR_INT) ? Day(number: Int32(truncatingIfNeeded: v.i)) : nil
    }

    /// Index of the chosen value of an enum column.
    func choice(_ column: Int) -> Int? {
        let v = store[column]
        return v.kind == Int32(GR_SYMBOL) ? Int(Int32(v.i) - valueBase[column]) : nil
    }

    /// Index into `policy.outcomes` of the recorded decision, if any.
    var recordedOutcome: Int? {
        guard let c = decisionColumn else { return nil }
        let v = store[c]
        return v.kind == Int32(GR_SYMBOL) ? Int(Int32(v.i) - outcomeBase) : nil
    }

    // MARK: Decoding

    /// Date cells of the current row read from a time or a serial number, to be told to the user.
    private var dateNotes: [(column: Int, reading: ValueParser.DateReading)] = []
    /// The warnings about how the last decoded row's cells were read (a date with a time of
    /// day, an Excel serial number); empty for almost every row.
    private(set) var cellWarnings: [Diagnostic] = []

    /// Decodes the record; returns every problem found in it (empty when the row is valid).
    /// `cellWarnings` then holds what was read with a warning.
    func decode(_ record: CSVRecord, map: HeaderMap) -> [Diagnostic] {
        if !dateNotes.isEmpty { dateNotes.removeAll(keepingCapacity: true) }
        if !cellWarnings.isEmpty { cellWarnings.removeAll(keepingCapacity: true) }
        defer { if !dateNotes.isEmpty { cellWarnings = dateWarnings(record, map) } }
        var problems: [Diagnostic] = []
        let n = columns.count
        // The loop reads the record's storage and the per-column tables through raw pointers:
        // it runs 30 times a row.
        record.withStorage { bytes, ends in
            map.fieldOfColumn.withUnsafeBufferPointer { fieldOf in
                required.withUnsafeBufferPointer { required in
                    for c in 0..<n {
                        guard let f = fieldOf[c] else {
                            store[c] = defaultValue(c)
                            if required[c] {
                                problems.append(Diagnostic(code: "cell-required", file: map.file, line: record.row,
                                    "缺少必填列“\(columns[c].header)”（\(columns[c].key)）"))
                            }
                            continue
                        }
                        // A short row reads as empty cells past its end.
                        let cell: UnsafeBufferPointer<UInt8>
                        if f < ends.count, let base = bytes.baseAddress {
                            let start = f == 0 ? 0 : ends[f - 1]
                            cell = ValueParser.trimmed(UnsafeBufferPointer(start: base + start, count: ends[f] - start))
                        } else {
                            cell = UnsafeBufferPointer(start: nil, count: 0)
                        }
                        if cell.isEmpty {
                            store[c] = defaultValue(c)
                            if required[c] {
                                problems.append(cellProblem(record, map, c, f, "不能为空", allowed: allowedText(c)))
                            }
                            continue
                        }
                        if let problem = decodeCell(c, cell) {
                            store[c] = gr_value()
                            problems.append(cellProblem(record, map, c, f, problem, allowed: allowedText(c)))
                        }
                    }
                }
            }
        }
        if !problems.isEmpty { return problems }
        let file = map.file
        // Consistency: a date may not precede the one it follows (replied before received, ...).
        for (c, a) in datePairs {
            guard let later = day(c), let earlier = day(a) else { continue }
            if later < earlier {
                let f = map.fieldOfColumn[c]!
                problems.append(Diagnostic(code: "date-order", file: file, line: record.row,
                    "\(map.label(field: f))的值“\(record.string(f).trimmed)”早于“\(map.writtenHeader(ofColumn: a, columns: columns))”（\(earlier.iso)）；\(columns[c].header)不能早于\(columns[a].header)"))
            }
        }
        return problems
    }

    private func dateWarnings(_ record: CSVRecord, _ map: HeaderMap) -> [Diagnostic] {
        dateNotes.compactMap { c, reading in
            guard let f = map.fieldOfColumn[c], let d = day(c) else { return nil }
            let shown = "列“\(map.headers[f].trimmed)”的值“\(record.string(f).trimmed)”"
            func hms(_ t: (Int, Int, Int)) -> String {
                t.2 == 0 ? String(format: "%d:%02d", t.0, t.1) : String(format: "%d:%02d:%02d", t.0, t.1, t.2)
            }
            switch reading {
            case .date: return nil
            case .time(let h, let m, let sec):
                return Diagnostic(.warning, code: "cell-date-time", file: map.file, line: record.row,
                    "\(shown)带有时刻 \(hms((h, m, sec)))；按日期 \(d.iso) 计算，时刻不计入期限")
            case .serial(_, let time):
                let t = time.map { "，时刻 \(hms($0)) 不计" } ?? ""
                return Diagnostic(.warning, code: "cell-date-serial", file: map.file, line: record.row,
                    "\(shown)是 Excel 日期序列号，已按 \(d.iso) 读取\(t)；请核对，并在表格中把该列设为日期格式")
            }
        }
    }

    private func defaultValue(_ c: Int) -> gr_value {
        if let d = defaults[c] { return gr_value(kind: Int32(GR_SYMBOL), aux: 0, i: Int64(valueBase[c]) + Int64(d), p: nil, len: 0) }
        return gr_value()
    }

    /// Parses one non-empty cell into `values[c]`; returns what is wrong with it, or nil.
    private func decodeCell(_ c: Int, _ cell: UnsafeBufferPointer<UInt8>) -> String? {
        switch types[c] {
        case .text:
            store[c] = gr_value(kind: Int32(GR_BYTES), aux: 0, i: 0,
                                 p: UnsafeRawPointer(cell.baseAddress!).assumingMemoryBound(to: CChar.self), len: cell.count)
        case .date:
            guard let (d, reading) = ValueParser.dateCell(cell) else {
                return ValueParser.isNumber(cell)
                    ? "是数字，不是日期；Excel 日期序列号只接受 \(ValueParser.plausibleSerials.lowerBound) 至 \(ValueParser.plausibleSerials.upperBound)（2000—2099年的日期）"
                    : "不是有效的日期"
            }
            if reading != .date { dateNotes.append((c, reading)) }
            if d < firstDay || d > lastDay {
                let y = d.year
                return "在工作日历覆盖的年份（\(policy.calendarFirstYear)—\(policy.calendarLastYear)年）之外；请在规则目录中添加 \(rulesLabel)/calendar/\(y).lua（依据国务院办公厅\(y)年部分节假日安排的通知）"
            }
            store[c] = gr_value(kind: Int32(GR_INT), aux: 0, i: Int64(d.number), p: nil, len: 0)
        case .bool:
            guard let b = ValueParser.bool(cell) else { return "不是“是”或“否”" }
            store[c] = gr_value(kind: Int32(GR_BOOL), aux: 0, i: b ? 1 : 0, p: nil, len: 0)
        case .integer:
            guard let n = ValueParser.integer(cell) else { return "不是整数" }
            store[c] = gr_value(kind: Int32(GR_INT), aux: 0, i: Int64(n), p: nil, len: 0)
        case .enum:
            guard let k = match(c, cell) else { return "不是允许的取值" }
            store[c] = gr_value(kind: Int32(GR_SYMBOL), aux: 0, i: Int64(valueBase[c]) + Int64(k), p: nil, len: 0)
        case .list:
            ValueParser.listItems(cell, into: &listRanges)
            var mask: UInt64 = 0
            for r in listRanges {
                let item = UnsafeBufferPointer(rebasing: cell[r])
                guard let k = match(c, item) else {
                    return "中的“\(String(decoding: item, as: UTF8.self))”不是允许的取值（多项之间用；、，分隔）"
                }
                mask |= 1 << UInt64(k)
            }
            store[c] = mask == 0 ? gr_value()
                : gr_value(kind: Int32(GR_SYMBOLSET), aux: valueBase[c], i: Int64(bitPattern: mask), p: nil, len: 0)
        case .outcome:
            guard let k = matchDecision(cell) else {
                return "不是已知的办理结果"
            }
            store[c] = gr_value(kind: Int32(GR_SYMBOL), aux: 0, i: Int64(outcomeBase) + Int64(k), p: nil, len: 0)
        }
        return nil
    }

    private func matchDecision(_ cell: UnsafeBufferPointer<UInt8>) -> Int? {
        for m in decisionMemo where m.bytes.count == cell.count {
            if m.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, cell.baseAddress!, cell.count) == 0 }) { return m.outcome }
        }
        let k = OutcomeLabels.match(String(decoding: cell, as: UTF8.self), outcomeByLabel)
        if decisionMemo.count < 256 { decisionMemo.append((Array(cell), k)) }
        return k
    }

    private func match(_ c: Int, _ cell: UnsafeBufferPointer<UInt8>) -> Int? {
        choices.match(column: c, cell)
    }

    private func allowedText(_ c: Int) -> String {
        let spec = columns[c]
        switch spec.type {
        case .text: return "任意文字"
        case .date: return "日期，如 2020-03-04、2020/3/4、2020.3.4、2020年3月4日（可带时刻，如 2020/3/4 0:00），或 Excel 日期序列号（如 43894）"
        case .bool: return "是/否、Y/N、yes/no、true/false、1/0、√，或留空（否）"
        case .integer: return "整数"
        case .enum: return spec.allowedText
        case .list: return spec.allowedText + "（可填多项）"
        case .outcome:
            return "结果键（如 withheld.third_party）或年度报告表三的行名（如“保护第三方合法权益”“（三）4.保护第三方合法权益”，也可带分组名：“（三）不予公开4.保护第三方合法权益”“不予公开-保护第三方合法权益”）"
        }
    }

    private func cellProblem(_ record: CSVRecord, _ map: HeaderMap, _ c: Int, _ f: Int, _ problem: String, allowed: String) -> Diagnostic {
        let value = record.string(f).trimmed
        let spec = columns[c]
        let code: String
        switch spec.type {
        case .date: code = value.isEmpty ? "cell-required" : "cell-date"
        case .bool: code = "cell-bool"
        case .integer: code = "cell-integer"
        case .enum, .list: code = value.isEmpty ? "cell-required" : "cell-enum"
        case .outcome: code = "cell-decision"
        case .text: code = "cell-required"
        }
        let shown = value.isEmpty ? "\(map.label(field: f))\(problem)" : "\(map.label(field: f))的值“\(value)”\(problem)"
        return Diagnostic(code: code, file: map.file, line: record.row, "\(shown)。允许：\(allowed)")
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{3000}"))) }
}

/// Every enum and list column's allowed values (Chinese and English spellings) in one flat byte
/// table, so that matching a cell is a few length checks and memcmps with no Swift arrays touched.
struct ChoiceTable {
    private var bytes: [UInt8] = []
    /// Per value: (offset of the Chinese spelling, its length, offset of the English, its length).
    private var values: [(zh: Int, zhCount: Int, en: Int, enCount: Int)] = []
    /// Per column: the range of its values in `values`.
    private var ranges: [Range<Int>] = []

    init(_ columns: [ColumnSpec]) {
        for c in columns {
            let first = values.count
            for v in c.values {
                let zh = Array(v.zh.utf8), en = Array(v.en.utf8)
                values.append((bytes.count, zh.count, bytes.count + zh.count, en.count))
                bytes += zh
                bytes += en
            }
            ranges.append(first..<values.count)
        }
    }

    /// The index (within its column) of the value the cell spells: the Chinese exactly, or the
    /// English in any ASCII case.
    func match(column c: Int, _ cell: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let p = cell.baseAddress else { return nil }
        let n = cell.count
        let range = ranges[c]
        return bytes.withUnsafeBufferPointer { b -> Int? in
            values.withUnsafeBufferPointer { v -> Int? in
                for k in range {
                    let e = v[k]
                    if e.zhCount == n && memcmp(b.baseAddress! + e.zh, p, n) == 0 { return k - range.lowerBound }
                    if e.enCount == n && ValueParser.equalsASCIICaseInsensitive(
                        cell, UnsafeBufferPointer(rebasing: b[e.en..<(e.en + n)])) { return k - range.lowerBound }
                }
                return nil
            }
        }
    }
}
