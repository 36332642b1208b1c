import Foundation
/// `govrules classify`: every ledger row through the rules, the input columns followed by the
/// result columns, as CSV or JSON lines.
public struct ClassifyOptions: Sendable {
    public enum Format: String, Sendable, CaseIterable { case csv, jsonl, xlsx }
    public var ledgers: [String]
    /// A workbook ledger's sheet (name or 1-based number); nil: the first visible one.
    public var sheet: String?
    public var rules: String?
    public var asOf: Day
    public var format: Format = .csv
    public var output: String?
    public var keepGoing = false
    public var chineseHeaders = false
    public var bom = false
    public var summary = false
    /// Add a column naming the deciding step, its title and its rule file and line.
    public var explain = false
    /// Lua states (threads) working on chunks of the ledger; the output is the same for any value.
    public var jobs = 1
    /// When set, diagnostics are handed over as they are found, in input order, instead of being
    /// collected: memory then stays flat however many rows are wrong (the CLI prints them to stderr).
    public var emit: (@Sendable (Diagnostic) -> Void)?
    public var limits = SandboxLimits()

    public init(ledgers: [String], asOf: Day) {
        self.ledgers = ledgers
        self.asOf = asOf
    }
}

/// What a command tells the caller: the diagnostics to print and the exit status.
public struct CommandOutcome: Sendable {
    public var status: Int32
    public var diagnostics: [Diagnostic]
    /// Extra text for standard error (summaries).
    public var report: String = ""
    /// classify's counts by outcome and by deadline status, whether or not `--summary` prints them
    /// (the desk shows them as a table).
    public var summary: ClassifySummary?

    public static func failure(_ error: Error) -> CommandOutcome {
        switch error {
        case let d as Diagnostic: return CommandOutcome(status: 1, diagnostics: [d])
        case let l as DiagnosticList: return CommandOutcome(status: 1, diagnostics: l.diagnostics)
        default: return CommandOutcome(status: 1, diagnostics: [Diagnostic(code: "internal", "\(error)")])
        }
    }
}

/// What `classify --summary` counts, as data.
public struct ClassifySummary: Sendable {
    public struct Count: Sendable {
        public var key: String
        public var label: String
        public var count: Int
    }
    public var total: Int
    public var rejected: Int
    /// Only the outcomes and statuses that occur, in the policy's order.
    public var byOutcome: [Count]
    public var byStatus: [Count]
    /// Applications with no 办结日期 yet: their outcome is what the rules decide on the facts so
    /// far (暂定), not a decision the office made.
    public var open: Int = 0
    public var byOutcomeClosed: [Count] = []
    public var byOutcomeOpen: [Count] = []
}

public enum ClassifyCommand {
    /// How many row warnings are printed on stderr (all are in the output's warnings column).
    static let warningsShown = 200

    /// What one worker made of one chunk of rows.
    final class ChunkOutput {
        let out = ByteSink()
        let rejects = ByteSink()
        /// CSV rows go here: the run's own writer when there is one worker (rows are then
        /// already in input order, and an invalid run's output is discarded by its sink), else
        /// a writer into `out`, merged in input order.
        let writer: CSVWriter
        lazy var rejectWriter = CSVWriter(sink: rejects)
        /// .xlsx rows, written in input order at merge (the sheet numbers its rows).
        var xlsxRows: [[XLSXWriter.Cell]] = []
        var counts: [Int]
        /// Of `counts`, the open applications (no 办结日期).
        var openCounts: [Int]
        var statusCounts = [Int](repeating: 0, count: DeadlineStatus.allCases.count + 1)
        var total = 0
        var rejected: [Diagnostic] = []
        var rejectedRows = 0
        /// The chunk's first warnings (no more can be shown), as diagnostics; then only a count.
        var warnings: [Diagnostic] = []
        var warningCount = 0
        init(outcomes: Int, writer: CSVWriter? = nil) {
            counts = [Int](repeating: 0, count: outcomes)
            openCounts = counts
            self.writer = writer ?? CSVWriter(sink: out)
        }
    }

    public static func run(_ o: ClassifyOptions) -> CommandOutcome { run(o, sink: nil) }

    /// - Parameter given: where the output goes instead of `o.output` or standard output (for a
    ///   caller such as a web page offering the results as a download, e.g. with `format = .xlsx`);
    ///   committed on success, abandoned on failure.
    public static func run(_ o: ClassifyOptions, sink given: OutputSink?) -> CommandOutcome {
        var o = o
        // `-o -` and `-o /dev/stdout` mean standard output, as it is.
        if let path = o.output, OutputFile.isStandardOutput(path) { o.output = nil }
        let sink: OutputSink
        let folder: RulesFolder
        do {
            folder = try RulesFolder.locate(o.rules)
            // Before anything is read or created: never write over an input.
            try OutputGuard.check(outputs: o.output.map { [$0, rejectsPath(for: $0)] } ?? [],
                                  standardOutput: o.output == nil,
                                  inputs: o.ledgers.map { OutputGuard.Input($0, role: "台账") } + OutputGuard.inputs(of: folder))
            if let given {
                sink = given
            } else if o.format == .xlsx && o.output == nil && isatty(STDOUT_FILENO) != 0 {
                throw Diagnostic(code: "output-binary", "xlsx 工作簿不能显示在终端上；请用 -o 指定文件，如 -o 分类结果.xlsx")
            } else if let path = o.output {
                // A rejects file is only written when rows are rejected; its leftovers go anyway.
                TemporaryFiles.removeAbandoned(of: rejectsPath(for: path))
                sink = try OutputFile.open(path: path)
            } else if o.keepGoing {
                sink = StandardOutputSink()   // every valid row is written whatever happens
            } else {
                sink = try SpooledStandardOutputSink()   // nothing appears unless every row is valid
            }
        } catch { return .failure(error) }
        var rejectsSink: OutputSink?
        var committed = false
        defer {
            if !committed { sink.abandon(); rejectsSink?.abandon() }
        }
        do {
            let engine = try RuleEngine(folder: folder, limits: o.limits)
            let run = try LedgerRun(engine: engine, ledgers: o.ledgers, asOf: o.asOf, sheet: o.sheet)
            var engines = [engine]
            while engines.count < max(1, o.jobs) { engines.append(try RuleEngine(folder: folder, limits: o.limits)) }
            let policy = engine.policy
            let fields = ResultFields(policy: policy, chinese: o.chineseHeaders && o.format == .csv)
            let writer = CSVWriter(sink: sink, bom: o.bom)
            let xlsx: XLSXWriter? = o.format == .xlsx
                ? try XLSXWriter(sink: sink, sheetName: o.chineseHeaders ? "分类结果" : "results",
                                 header: run.unionHeader + ResultColumn.allCases.map { o.chineseHeaders ? $0.chinese : $0.rawValue }
                                    + (o.explain ? [o.chineseHeaders ? "决定依据" : "explain"] : []))
                : nil
            let xlsxCells = XLSXResultCells(run: run, fields: fields, chinese: o.chineseHeaders, explain: o.explain)
            if o.format == .csv {
                for h in run.unionHeader { try writer.writeField(h) }
                for c in ResultColumn.allCases { try writer.writeField(o.chineseHeaders ? c.chinese : c.rawValue) }
                if o.explain { try writer.writeField(o.chineseHeaders ? "决定依据" : "explain") }
                try writer.endRecord()
            }
            var rejectWriter: CSVWriter?
            var rejected: [Diagnostic] = []
            if let emit = o.emit { run.warnings.forEach(emit) }
            var rejectedRows = 0
            var counts = [Int](repeating: 0, count: policy.outcomes.count)
            var openCounts = counts
            var statusCounts = [Int](repeating: 0, count: DeadlineStatus.allCases.count + 1)
            var total = 0
            var rowWarnings: [Diagnostic] = []
            var warningsNotShown = 0
            var warningsEmitted = 0
            let outcomeCount = policy.outcomes.count
            let keepGoing = o.keepGoing
            let format = o.format
            let explain = o.explain
            let direct = engines.count == 1 && format == .csv

            do { try ParallelRun(run: run, engines: engines).execute(
                makePartial: { ChunkOutput(outcomes: outcomeCount, writer: direct ? writer : nil) },
                accept: { row, record, input, part in
                    part.total += 1
                    part.counts[row.result.outcome] += 1
                    if row.replied == nil { part.openCounts[row.result.outcome] += 1 }
                    part.statusCounts[row.result.status?.rawValue ?? 0] += 1
                    for d in row.cellWarnings {
                        part.warningCount += 1
                        guard part.warnings.count < ClassifyCommand.warningsShown else { continue }
                        part.warnings.append(d)
                    }
                    for w in row.warnings {
                        part.warningCount += 1
                        guard part.warnings.count < ClassifyCommand.warningsShown else { continue }
                        part.warnings.append(Diagnostic(.warning, code: "row-warning", file: row.file, line: row.row, "申请编号“\(row.id)”：\(w)"))
                    }
                    switch format {
                    case .csv:
                        try run.writeInputFields(record, input: input, to: part.writer)
                        try writeCSVResult(row, fields, part.writer, explain: explain)
                    case .jsonl:
                        try part.out.writeJSONLine(row, fields, explain: explain)
                    case .xlsx:
                        part.xlsxRows.append(xlsxCells.cells(row, record, input: input))
                    }
                },
                reject: { problems, record, input, part in
                    part.rejected += problems
                    part.rejectedRows += 1
                    guard keepGoing else { return }
                    let w = part.rejectWriter
                    try w.writeField(run.fileName(input: input))
                    try w.writeField(String(record.row))
                    try run.writeInputFields(record, input: input, to: w)
                    try w.writeField(problems.map(\.message).joined(separator: "；"))
                    try w.endRecord()
                },
                merge: { part in
                    try part.writer.flush()
                    try part.rejectWriter.flush()
                    total += part.total
                    for i in counts.indices { counts[i] += part.counts[i]; openCounts[i] += part.openCounts[i] }
                    for i in statusCounts.indices { statusCounts[i] += part.statusCounts[i] }
                    // Every warning is in its row's warnings column; stderr shows the first ones,
                    // so that memory does not grow with a large ledger's warnings.
                    let room = max(0, ClassifyCommand.warningsShown - rowWarnings.count - warningsEmitted)
                    if let emit = o.emit {
                        part.warnings.prefix(room).forEach(emit)
                        warningsEmitted += min(room, part.warnings.count)
                    } else {
                        rowWarnings += part.warnings.prefix(room)
                    }
                    warningsNotShown += max(0, part.warningCount - min(room, part.warnings.count))
                    if part.rejectedRows > 0 {
                        if let emit = o.emit {
                            part.rejected.forEach(emit)
                            if rejected.isEmpty, let first = part.rejected.first { rejected = [first] }   // remembers that rows were rejected
                        } else {
                            rejected += part.rejected
                        }
                        rejectedRows += part.rejectedRows
                        if keepGoing && rejectWriter == nil {
                            if let out = o.output {
                                let rs = try OutputFile.open(path: rejectsPath(for: out))
                                rejectsSink = rs
                                rejectWriter = CSVWriter(sink: rs, bom: o.bom)
                            } else {
                                rejectWriter = CSVWriter(sink: StandardOutputSink(fileDescriptor: 2, name: "标准错误"))
                            }
                            try rejectWriter!.writeRecord(["文件", "行号"] + run.unionHeader + ["错误原因"])
                        }
                    }
                    // Without --keep-going a rejected row means no output at all.
                    if rejected.isEmpty || keepGoing {
                        try writer.flush()
                        try part.out.bytes.withUnsafeBytes { try sink.write($0) }
                        for r in part.xlsxRows { try xlsx?.writeRow(r) }
                    }
                    if keepGoing, let rw = rejectWriter {
                        try rw.flush()
                        try part.rejects.bytes.withUnsafeBytes { try rw.sink.write($0) }
                    }
                })
            } catch let stop as RunawayRuleStop {
                // Even under --keep-going: the rows already reported, then why the run stopped.
                var outcome = CommandOutcome(status: 1, diagnostics: (o.emit != nil ? [] : run.warnings + rowWarnings + rejected) + [stop.diagnostic])
                outcome.report = o.output.map { "\($0) 保持原样。\n" } ?? ""
                return outcome
            }

            // One warning for the whole run per calendar year that rows wait for.
            let calendarWarnings = run.calendarWarnings() + LedgerRun.memoWarnings(engines)
            if let emit = o.emit { calendarWarnings.forEach(emit) }
            // With `emit`, everything was already handed over.
            let streamed = o.emit != nil
            var outcome = CommandOutcome(status: 0, diagnostics: streamed ? [] : run.warnings + rowWarnings + calendarWarnings)
            if warningsNotShown > 0 {
                outcome.report += "另有 \(warningsNotShown) 条提示未在此列出；每一行的提示都在输出的 warnings 列中。\n"
            }
            if !rejected.isEmpty && !o.keepGoing {
                outcome.status = 1
                outcome.diagnostics = streamed ? [] : run.warnings + rejected + calendarWarnings
                outcome.report = "共有 \(rejectedRows) 行有错误，未写出任何结果。改正后重新运行；或加 --keep-going 先写出有效行，把错误行另存为 .rejects.csv。\n"
                return outcome
            }
            if let xlsx { try xlsx.commit() } else { try writer.commit() }
            try rejectWriter?.commit()
            committed = true
            // A rejects file left by an earlier run would describe rows this run did not reject.
            if let out = o.output, rejectWriter == nil {
                let stale = rejectsPath(for: out)
                if FileManager.default.fileExists(atPath: stale) { try? FileManager.default.removeItem(atPath: stale) }
            }
            if !rejected.isEmpty {
                outcome.status = 3
                if !streamed { outcome.diagnostics += rejected }
            }
            func byOutcome(_ n: [Int]) -> [ClassifySummary.Count] {
                policy.outcomes.indices.filter { n[$0] > 0 }.map {
                    ClassifySummary.Count(key: policy.outcomes[$0].key, label: policy.outcomes[$0].label, count: n[$0])
                }
            }
            let closedCounts = zip(counts, openCounts).map { $0 - $1 }
            outcome.summary = ClassifySummary(
                total: total, rejected: rejectedRows,
                byOutcome: byOutcome(counts),
                byStatus: DeadlineStatus.allCases.filter { statusCounts[$0.rawValue] > 0 }.map {
                    ClassifySummary.Count(key: $0.key, label: $0.chinese, count: statusCounts[$0.rawValue])
                },
                open: openCounts.reduce(0, +), byOutcomeClosed: byOutcome(closedCounts), byOutcomeOpen: byOutcome(openCounts))
            if o.summary {
                outcome.report += summaryText(policy: policy, closed: closedCounts, open: openCounts, statusCounts: statusCounts, total: total,
                                             rejected: rejectedRows, output: o.output,
                                             rejectsPath: o.keepGoing && !rejected.isEmpty ? o.output.map(rejectsPath(for:)) : nil)
            }
            return outcome
        } catch {
            return .failure(error)
        }
    }

    public static func rejectsPath(for output: String) -> String { output + ".rejects.csv" }

    static func writeCSVResult(_ row: ClassifiedRow, _ f: ResultFields, _ w: CSVWriter, explain: Bool = false) throws {
        // The fixed texts were encoded once (ResultFields); only dates and warnings vary per row.
        let r = row.result
        try w.writeEncoded(f.outcomeCells[r.outcome])
        try w.writeEncoded(row.recorded.map { f.keyCells[$0] } ?? [])
        if let regime = r.regime {
            if let cell = f.regimeCell(regime) { try w.writeEncoded(cell) } else { try w.writeField(String(regime)) }
        } else {
            try w.writeEncoded([])
        }
        try w.writeDate(r.start)
        try w.writeDate(r.due)
        try w.writeDate(r.finalDue)
        try w.writeEncoded(f.statusCells[r.status?.rawValue ?? 0])
        if row.warnings.isEmpty && row.cellWarnings.isEmpty { try w.writeEncoded([]) } else { try w.writeField(row.allWarnings.joined(separator: "；")) }
        try w.writeEncoded(r.step >= 0 && r.step < f.stepCells.count ? f.stepCells[r.step] : [])
        if explain { try w.writeField(f.stepExplanation(r)) }
        try w.endRecord()
    }

    /// Closed applications by outcome, then the open ones apart: an open application has no
    /// decision yet (予以公开 there is only what the rules would decide on the facts so far).
    static func summaryText(policy: Policy, closed: [Int], open: [Int], statusCounts: [Int], total: Int, rejected: Int,
                            output: String?, rejectsPath: String?) -> String {
        let openTotal = open.reduce(0, +)
        var s = "分类完成：共 \(total) 件申请（已办结 \(total - openTotal) 件，未办结 \(openTotal) 件）"
        if rejected > 0 { s += "，另有 \(rejected) 行有错误未分类" }
        s += "。\n"
        let labels = policy.outcomes.map { TextWidth.truncate($0.label, to: 40) }
        let width = labels.indices.filter { closed[$0] + open[$0] > 0 }.map { TextWidth.of(labels[$0]) }.max() ?? 0
        func list(_ n: [Int]) -> String {
            labels.indices.filter { n[$0] > 0 }.map {
                "  " + labels[$0] + String(repeating: " ", count: width - TextWidth.of(labels[$0])) + "  \(n[$0])\n"
            }.joined()
        }
        if total - openTotal > 0 { s += "\n已办结的申请，按办理结论：\n" + list(closed) }
        if openTotal > 0 {
            s += "\n未办结的申请（尚未答复；以下是按台账现有内容的暂定结论，不是已作出的决定）：\n" + list(open)
        }
        s += "\n按答复期限：\n"
        for st in DeadlineStatus.allCases where statusCounts[st.rawValue] > 0 {
            s += "  \(st.chinese)（\(st.key)）  \(statusCounts[st.rawValue])\n"
        }
        if let output { s += "\n结果已写入 \(output)\n" }
        if let rejectsPath { s += "错误行已写入 \(rejectsPath)\n" }
        return s
    }
}

extension OutputSink {
    func writeJSONLine(_ row: ClassifiedRow, _ f: ResultFields, explain: Bool = false) throws {
        let r = row.result
        let o = f.policy.outcomes[r.outcome]
        var s = "{\"id\": \(JSONText.quote(row.id)), \"outcome\": \(JSONText.quote(o.key)), \"outcome_label\": \(JSONText.quote(o.label)), "
        s += "\"basis\": \(JSONText.array(o.basis)), \"recorded\": \(JSONText.quote(row.recorded.map { f.policy.outcomes[$0].key })), "
        s += "\"regime\": \(JSONText.quote(r.regime.map(String.init))), \"start\": \(JSONText.quote(r.start?.iso)), "
        s += "\"due\": \(JSONText.quote(r.due?.iso)), \"final_due\": \(JSONText.quote(r.finalDue?.iso)), "
        s += "\"status\": \(JSONText.quote(r.status?.key)), \"warnings\": \(JSONText.array(row.allWarnings)), "
        s += "\"step\": \(JSONText.quote(f.stepID(r))), \"file\": \(JSONText.quote(row.file)), \"row\": \(row.row)"
        if explain { s += ", \"explain\": \(JSONText.quote(f.stepExplanation(r)))" }
        s += "}\n"
        try write(s)
    }
}

/// One classified row as .xlsx cells: the input's columns (dates the rules read become date
/// cells), then the result columns; statuses and steps in Chinese when `chinese`, as
/// `--headers zh` writes them in CSV.
struct XLSXResultCells {
    let run: LedgerRun
    let fields: ResultFields
    let chinese: Bool
    let explain: Bool
    /// Per union column: whether it is a date column of the rules.
    let isDate: [Bool]

    init(run: LedgerRun, fields: ResultFields, chinese: Bool, explain: Bool) {
        self.run = run
        self.fields = fields
        self.chinese = chinese
        self.explain = explain
        isDate = run.unionColumnIsDate()
    }

    func cells(_ row: ClassifiedRow, _ record: CSVRecord, input: Int) -> [XLSXWriter.Cell] {
        var cells: [XLSXWriter.Cell] = []
        let policy = fields.policy
        for (u, f) in run.unionFields[input].enumerated() {
            guard let f else { cells.append(.empty); continue }
            if isDate[u], let d = record.withField(f, { ValueParser.date($0) }) {
                cells.append(.date(d))
            } else {
                cells.append(.text(record.string(f)))
            }
        }
        let r = row.result
        let o = policy.outcomes[r.outcome]
        cells.append(.text(o.key))
        cells.append(.text(o.label))
        cells.append(.text(fields.basisJoined[r.outcome]))
        cells.append(row.recorded.map { .text(policy.outcomes[$0].key) } ?? .empty)
        cells.append(r.regime.map { .text(String($0)) } ?? .empty)
        for d in [r.start, r.due, r.finalDue] { cells.append(d.map { .date($0) } ?? .empty) }
        cells.append(r.status.map { .text(chinese ? $0.chinese : $0.key) } ?? .empty)
        cells.append(.text(row.warnings.joined(separator: "；")))
        let step = r.step >= 0 && r.step < policy.steps.count ? policy.steps[r.step] : nil
        cells.append(step.map { .text(chinese ? $0.title : $0.id) } ?? .empty)
        if explain { cells.append(.text(fields.stepExplanation(r))) }
        return cells
    }
}
