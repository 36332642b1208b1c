import CLuaSandbox

/// One classified application, as the rules decided it.
public struct ClassifiedRow {
    public let file: String
    public let row: Int
    public let id: String
    public let result: RawResult
    /// The rules' warnings, then the host's own (a recorded decision that differs, ...).
    public let warnings: [String]
    /// Index into `policy.outcomes` of the decision the ledger records, if any.
    public let recorded: Int?
    /// Index into the applicant_type values.
    public let applicantType: Int
    public let received: Day
    public let replied: Day?
    /// How some of the row's cells were read (a date with a time of day, an Excel serial
    /// number): shown on stderr with their own codes and in the output's warnings column.
    public var cellWarnings: [Diagnostic] = []

    /// Every warning's text, as the output's warnings column holds them.
    public var allWarnings: [String] { cellWarnings.isEmpty ? warnings : warnings + cellWarnings.map(\.message) }
    /// Set only when the run `collectsActivity` (the annual report's narrative figures).
    public internal(set) var activity: ApplicationActivity? = nil

    /// What the annual report counts: the recorded decision when there is one.
    public var countedOutcome: Int { recorded ?? result.outcome }
}

/// The ledgers of one run, opened together so that their headers are known before any row is
/// written (the output's columns are the union of the files' columns).
public final class LedgerRun {
    public let engine: RuleEngine
    public let asOf: Day
    let inputs: [(reader: RecordReader, map: HeaderMap)]
    /// The output's input columns: each is a policy column (by key) or a passed-through header.
    public let unionHeader: [String]
    /// For each input, for each union column: the field index in that file, or nil.
    let unionFields: [[Int?]]
    /// Per input: whether its fields are exactly the output's input columns, in order (one
    /// ledger, or several with the same header): a record can then be written out as it is.
    let writtenAsIs: [Bool]
    public private(set) var warnings: [Diagnostic] = []
    /// After a run: the accepted rows that wait for a calendar file, by the year they need.
    public internal(set) var calendarWaits: [Int: CalendarWait] = [:]
    /// The run's own decoder, for `explain` (ParallelRun's workers have their own).
    let decoder: RowDecoder
    /// Per input: the field holding 申请编号.
    private let idFields: [Int?]
    /// Per input: how many cells its header has (a record with another count is checked).
    let headerCounts: [Int]
    /// Whether each classified row carries its `activity` (the report asks; classify does not pay
    /// for it). Set before the rows run; the workers only read it.
    public var collectsActivity: Bool {
        get { activityColumns != nil }
        set { activityColumns = newValue ? ActivityColumns(engine.policy.columns) : nil }
    }
    private var activityColumns: ActivityColumns?

    /// - Parameter sheet: which sheet of a workbook ledger to read (name or 1-based number);
    ///   nil: the first visible one.
    public init(engine: RuleEngine, ledgers: [String], asOf: Day, sheet: String? = nil) throws {
        self.engine = engine
        self.asOf = asOf
        let policy = engine.policy
        var inputs: [(RecordReader, HeaderMap)] = []
        var problems: [Diagnostic] = []
        var warnings: [Diagnostic] = []
        for path in ledgers {
            do {
                let reader = try TableFile.open(path: path, sheet: sheet)
                guard let header = try HeaderSearch.locate(in: reader, file: path, columns: policy.columns) else {
                    throw Diagnostic(code: "ledger-empty", file: path,
                        "台账文件是空的：前\(HeaderSearch.searchRows)行内应有表头（如 申请编号,收到日期,申请人类型,…）")
                }
                let map = try HeaderMap(header, file: path, columns: policy.columns)
                map.columnLetters = reader.namesColumnsByLetter
                warnings += map.warnings + reader.warnings(headerRow: header.row)
                inputs.append((reader, map))
            } catch let d as Diagnostic {
                problems.append(d)
            } catch let l as DiagnosticList {
                problems += l.diagnostics
            }
        }
        if !problems.isEmpty { throw DiagnosticList(problems + warnings) }
        // Union of columns, in order of first appearance; policy columns match across files by key.
        var header: [String] = []
        var identity: [String: Int] = [:]
        var perInput: [[(Int, Int)]] = []   // (union index, field index)
        for (_, map) in inputs {
            var pairs: [(Int, Int)] = []
            // Two passed-through columns with the same header (a merged header cell gives its
            // text to each column it spans) are both kept: the k-th of a name matches the k-th.
            var occurrences: [String: Int] = [:]
            for (f, h) in map.headers.enumerated() {
                var id = map.columnOfField[f].map { "#" + policy.columns[$0].key } ?? HeaderText.normalize(h)
                if id.isEmpty { continue }
                if map.columnOfField[f] == nil {
                    let k = occurrences[id, default: 0]
                    occurrences[id] = k + 1
                    if k > 0 { id += "\u{0}\(k)" }
                }
                let u: Int
                if let existing = identity[id] { u = existing } else {
                    u = header.count
                    identity[id] = u
                    header.append(h.trimmed)
                }
                pairs.append((u, f))
            }
            perInput.append(pairs)
        }
        unionFields = perInput.map { pairs in
            var row = [Int?](repeating: nil, count: header.count)
            for (u, f) in pairs { row[u] = f }
            return row
        }
        writtenAsIs = unionFields.map { fields in fields.enumerated().allSatisfy { $0.element == $0.offset } }
        self.unionHeader = header
        self.inputs = inputs
        RowTimeout.setInputs(inputs.map(\.1.file))
        self.warnings = warnings
        let decoder = RowDecoder(engine: engine)
        self.decoder = decoder
        idFields = inputs.map { input in decoder.idColumn.flatMap { input.1.fieldOfColumn[$0] } }
        headerCounts = inputs.map { $0.1.headers.count }
    }

    /// What is wrong with a record whose cell count is not its header's: an error (cells beyond
    /// the header that hold something, a missing required cell, a last record cut off), or a
    /// warning (only trailing optional cells missing). Called on the reading thread, only for
    /// records whose count differs, so rows of the right shape cost one comparison.
    func checkShape(_ record: CSVRecord, input: Int, atEnd: Bool) -> (problem: Diagnostic?, warning: String?) {
        let expected = headerCounts[input]
        let count = record.count
        let map = inputs[input].map
        if count > expected {
            for f in expected..<count {
                let value = record.withField(f) { ValueParser.trimmed($0) }
                if value.isEmpty { continue }
                let text = String(decoding: value, as: UTF8.self)
                return (Diagnostic(code: "row-extra-cells", file: map.file, line: record.row,
                    "这一行有 \(count) 个单元格，比表头的 \(expected) 列多；第\(f + 1)列的值“\(TextWidth.truncate(text, to: 40))”没有表头，不能丢掉。请检查这一行是否多了逗号（单元格中的英文逗号要在整个单元格外加英文双引号），或为这一列补上表头"), nil)
            }
            return (nil, nil)
        }
        let missing = map.headers[count..<expected].map { $0.trimmed }
        let names = missing.filter { !$0.isEmpty }.map { "“\($0)”" }.joined(separator: "、")
        if atEnd {
            return (Diagnostic(code: "row-cut-off", file: map.file, line: record.row,
                "这是文件的最后一行，没有换行符，且只有 \(count) 个单元格（表头有 \(expected) 列，缺少\(names.isEmpty ? "末尾的列" : names)）：文件可能不完整（可能还在复制或保存中）。请确认文件已完整保存后重新运行"), nil)
        }
        let columns = engine.policy.columns
        let requiredMissing = (count..<expected).compactMap { f in map.columnOfField[f] }.filter { columns[$0].required }
        if !requiredMissing.isEmpty {
            let required = requiredMissing.map { "“\(map.headers[map.fieldOfColumn[$0]!].trimmed)”" }.joined(separator: "、")
            return (Diagnostic(code: "row-short", file: map.file, line: record.row,
                "这一行只有 \(count) 个单元格，表头有 \(expected) 列，缺少必填列\(required)。请检查这一行是否少了逗号或单元格"), nil)
        }
        return (nil, "这一行只有 \(count) 个单元格，表头有 \(expected) 列；缺少的末尾列\(names.isEmpty ? "" : "（\(names)）")按空白处理")
    }

    /// Streams every row, sequentially, with this run's own engine. `accept` gets each
    /// classified row with its record (valid only during the call); `reject` gets each invalid
    /// row with everything wrong with it. This is `ParallelRun` with one worker, whose row loop
    /// reads in place.
    public func run(accept: (ClassifiedRow, CSVRecord, Int) throws -> Void,
                    reject: ([Diagnostic], CSVRecord, Int) throws -> Void) throws {
        try withoutActuallyEscaping(accept) { accept in
            try withoutActuallyEscaping(reject) { reject in
                try ParallelRun(run: self, engines: [engine]).execute(
                    makePartial: {}, accept: { row, record, input, _ in try accept(row, record, input) },
                    reject: { problems, record, input, _ in try reject(problems, record, input) }, merge: { _ in })
            }
        }
    }

    /// What the reader found wrong with the record's cells (a workbook's #N/A, a formula never
    /// calculated), for the columns the rules read; a passed-through column keeps what it shows.
    func cellErrorProblems(_ record: CSVRecord, input: Int) -> [Diagnostic] {
        let (reader, map) = inputs[input]
        return CellErrors.problems(reader.cellErrors, record: record, map: map)
    }

    /// The duplicate-id diagnostic for this record, if its 申请编号 was seen before in the run.
    func checkUniqueId(_ record: CSVRecord, input: Int, registry: inout IdRegistry) -> Diagnostic? {
        guard let f = idFields[input] else { return nil }
        return record.withField(f) { raw -> Diagnostic? in
            let id = ValueParser.trimmed(raw)
            if id.isEmpty { return nil }
            if registry.count >= IdRegistry.maximumCount || record.row >= IdRegistry.maximumCount {
                return Diagnostic(code: "id-too-many", file: fileName(input: input), line: record.row,
                    "一次运行最多核对 \(IdRegistry.maximumCount) 个申请编号；请把台账分成几份分别运行")
            }
            guard let (firstInput, firstRow) = registry.insert(id, input: input, row: record.row) else { return nil }
            let text = String(decoding: id, as: UTF8.self)
            return Diagnostic(code: "id-duplicate", file: fileName(input: input), line: record.row,
                "申请编号“\(text)”重复：\(inputs[firstInput].map.file) 第\(firstRow)行已使用；申请编号在所有台账中必须唯一")
        }
    }

    /// Decodes and classifies one record with the given engine and decoder (one per thread).
    func classify(_ record: CSVRecord, input inputIndex: Int, decoder: RowDecoder, engine: RuleEngine,
                  preProblems: [Diagnostic], preWarning: String? = nil,
                  accept: (ClassifiedRow, CSVRecord) throws -> Void,
                  reject: ([Diagnostic], CSVRecord) throws -> Void) throws {
        let map = inputs[inputIndex].map
        var problems = decoder.decode(record, map: map)
        problems = CellErrors.merge(preProblems, into: problems)
        if !problems.isEmpty {
            try reject(problems, record)
            return
        }
        let idText = decoder.text(decoder.idColumn!) ?? ""
        engine.setRow(input: inputIndex, row: record.row)
        let evaluated = engine.evaluate(decoder, asOf: asOf)
        let raw: RawResult
        switch evaluated {
        case .success(let r): raw = r
        case .failure(let error):
            try reject([engine.diagnostic(error, file: map.file, line: record.row, context: "处理申请编号“\(idText)”时，")], record)
            if let stop = engine.lastStop { engine.recordStrike(RuleStrike(stop: stop, file: map.file, row: record.row)) }
            return
        }
        if raw.invalidCount > 0 {
            let policy = engine.policy
            let invalid = engine.lastInvalid().map { item -> Diagnostic in
                let c = policy.columns.firstIndex { $0.key == item.column }
                let field = c.flatMap { map.fieldOfColumn[$0] }
                let header = field.map { map.label(field: $0) } ?? "列“\(c.map { map.writtenHeader(ofColumn: $0, columns: policy.columns) } ?? item.column)”"
                let value = field.map { record.string($0).trimmed } ?? ""
                return Diagnostic(code: "rule-invalid", file: map.file, line: record.row,
                                  "\(header)的值“\(value)”：\(item.message)")
            }
            try reject(invalid.isEmpty ? [Diagnostic(code: "rule-invalid", file: map.file, line: record.row, "规则拒绝了这一行，但没有说明原因")] : invalid, record)
            return
        }
        if raw.status == .noCalendar || raw.missingCalendarYear != nil {
            engine.calendarWaits[raw.missingCalendarYear ?? 0, default: CalendarWait()].add(raw.status)
        }
        var warnings = raw.warningCount > 0 ? engine.lastWarnings() : []
        if let preWarning { warnings.append(preWarning) }
        let recorded = decoder.recordedOutcome
        if let recorded, recorded != raw.outcome {
            let policy = engine.policy
            warnings.append("台账记录的办理结果“\(policy.outcomes[recorded].label)”与规则结论“\(policy.outcomes[raw.outcome].label)”不一致；年度报告按记录的办理结果统计")
        }
        var row = ClassifiedRow(file: map.file, row: record.row, id: idText, result: raw, warnings: warnings,
                                recorded: recorded, applicantType: decoder.choice(decoder.applicantTypeColumn!) ?? 0,
                                received: decoder.day(decoder.receivedColumn!)!,
                                replied: decoder.repliedColumn.flatMap { decoder.day($0) },
                                cellWarnings: decoder.cellWarnings)
        if let activityColumns { row.activity = decoder.activity(activityColumns, result: raw) }
        try accept(row, record)
    }

    /// One warning per missing calendar year that rows of the last run wait for, naming the file
    /// to add and how many rows wait for it.
    public func calendarWarnings() -> [Diagnostic] {
        let rules = engine.folder.label
        let last = engine.policy.calendarLastYear
        return calendarWaits.keys.sorted().map { year in
            let w = calendarWaits[year]!
            guard year > 0 else {
                return Diagnostic(.warning, code: "no-calendar",
                    "有 \(w.deadline) 件申请的期限状态为“期限待定”（no_calendar），但规则没有说明缺少哪一年的工作日历")
            }
            let file = "\(rules)/calendar/\(year).lua"
            var parts: [String] = []
            if w.deadline > 0 {
                parts.append("\(w.deadline) 件申请的答复期限跨入 \(year) 年，已分类，期限状态为“期限待定”（no_calendar），答复期限暂不填写")
            }
            if w.daysLeft > 0 {
                parts.append("\(w.daysLeft) 件未办结申请的剩余工作日要数到 \(year) 年，暂不计算")
            }
            let copy = year > last ? "（可复制 \(rules)/calendar/\(last).lua 后按通知修改）" : ""
            return Diagnostic(.warning, code: "no-calendar",
                "规则目录中还没有 \(file)：" + parts.joined(separator: "；")
                + "。请依据国务院办公厅关于\(year)年部分节假日安排的通知添加该文件\(copy)，然后重新运行")
        }
    }

    /// A warning when the decision memo of any engine switched itself off: the rules changed their
    /// own state while rows ran (see MemoStatus.switchedOff). The output is what --no-memo gives.
    public static func memoWarnings(_ engines: [RuleEngine]) -> [Diagnostic] {
        guard engines.contains(where: { $0.memoStatus?.switchedOff == true }) else { return [] }
        return [Diagnostic(.warning, code: "rules-impure",
            "规则在处理台账行时修改了自己的状态（决定步骤能读到的局部变量或模块中的表），决定步骤的结论可能不只取决于这一行；本次运行从那一行起每一行都重新执行决定步骤，结果与 --no-memo 相同。请运行 govrules check 查看是哪个步骤")]
    }

    /// Writes the record's cells in union-column order.
    func writeInputFields(_ record: CSVRecord, input: Int, to w: CSVWriter) throws {
        // Most records hold no byte CSV must quote: one check for the record, none per field.
        let plain = record.isPlain
        if plain && writtenAsIs[input] && record.count == unionFields[input].count {
            try record.withStorage { try w.writePlainFields(bytes: $0, ends: $1) }
            return
        }
        for f in unionFields[input] {
            guard let f else { try w.writeEncoded(UnsafeBufferPointer(start: nil, count: 0)); continue }
            if plain { try w.writeEncoded(record.field(f)) } else { try w.writeField(bytes: record.field(f)) }
        }
    }

    public func fileName(input: Int) -> String { inputs[input].map.file }

    /// Per output input column: whether it holds a date column of the rules (in any ledger).
    func unionColumnIsDate() -> [Bool] {
        var isDate = [Bool](repeating: false, count: unionHeader.count)
        for (i, input) in inputs.enumerated() {
            for (u, f) in unionFields[i].enumerated() {
                if let f, let c = input.map.columnOfField[f], engine.policy.columns[c].type == .date { isDate[u] = true }
            }
        }
        return isDate
    }

    func hasIdColumn(input: Int) -> Bool { idFields[input] != nil }

    /// Bytes in the ledgers from `input` on, when they are regular files (nil for a pipe).
    func bytesOfInputs(from input: Int) -> Int? {
        var total = 0
        for i in input..<inputs.count {
            guard let size = inputs[i].reader.inputSize else { return nil }
            total += size
        }
        return total
    }
}

/// Sizes the id table once, from the first rows of a ledger and the size of what is left, so that
/// it does not grow step by step (holding its old and new slots at once) through a large ledger.
struct IdTableSizing {
    static let sampleRows = 1024
    private var rows = 0
    private var bytes = 0

    mutating func observe(_ record: CSVRecord, input: Int, run: LedgerRun, registry: inout IdRegistry) {
        guard rows < Self.sampleRows, run.hasIdColumn(input: input) else { return }
        rows += 1
        bytes += record.byteCount
        guard rows == Self.sampleRows, let left = run.bytesOfInputs(from: input), bytes > 0 else { return }
        registry.reserve(registry.count + max(0, left - bytes) / (bytes / rows) + 1)
    }
}

/// The rows of a run that wait for one year's calendar file.
public struct CalendarWait: Sendable, Equatable {
    /// Status no_calendar: the deadline itself runs into the year.
    public var deadline = 0
    /// Open applications whose deadline is known but whose working days left run into the year.
    public var daysLeft = 0
    public var total: Int { deadline + daysLeft }

    mutating func add(_ status: DeadlineStatus?) {
        if status == .noCalendar { deadline += 1 } else { daysLeft += 1 }
    }

    static func + (a: CalendarWait, b: CalendarWait) -> CalendarWait {
        CalendarWait(deadline: a.deadline + b.deadline, daysLeft: a.daysLeft + b.daysLeft)
    }
}
