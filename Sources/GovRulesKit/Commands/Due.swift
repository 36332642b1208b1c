import Foundation
/// `govrules due`: the open applications with their final due date and the working days left,
/// soonest first, for the clerk's morning look at what is about to be late.
public struct DueOptions: Sendable {
    public enum Format: String, Sendable, CaseIterable { case table, csv, xlsx }
    public var ledgers: [String]
    /// A workbook ledger's sheet (name or 1-based number); nil: the first visible one.
    public var sheet: String?
    public var rules: String?
    public var asOf: Day
    public var within: Int?
    public var format: Format = .table
    /// Write to this file (atomically) instead of standard output.
    public var output: String?
    public var limits = SandboxLimits()
    public init(ledgers: [String], asOf: Day) {
        self.ledgers = ledgers
        self.asOf = asOf
    }
}

public enum DueCommand {
    /// One open application on the due list.
    public struct Entry: Sendable {
        public var id: String
        public var received: Day
        public var finalDue: Day?
        public var daysLeft: Int?
        public var status: DeadlineStatus?
        /// Status no_calendar: the Monday–Friday estimate, shown only labelled 暂定.
        public var provisional: ProvisionalDeadline?
        public var subject: String
        public var file: String
        public var row: Int
        /// Working days left, for ordering and --within: the estimate while the deadline waits for a calendar.
        var sortDaysLeft: Int? { daysLeft ?? provisional?.daysLeft }
    }

    public static func run(_ o: DueOptions, write: (String) -> Void) -> CommandOutcome { run(o, sink: nil, write: write) }

    /// - Parameter given: where the output goes instead of `o.output` or `write` (for a caller
    ///   such as a web page offering the list as a download, e.g. with `format = .xlsx`);
    ///   committed on success, abandoned on failure.
    public static func run(_ o: DueOptions, sink given: OutputSink?, write: (String) -> Void) -> CommandOutcome {
        // Before anything is read: never write the list over the ledger or a rule file.
        if given == nil {
            do {
                try OutputGuard.check(outputs: o.output.map { [$0] } ?? [], standardOutput: o.output == nil,
                                      inputs: o.ledgers.map { OutputGuard.Input($0, role: "台账") }
                                          + OutputGuard.inputs(of: try RulesFolder.locate(o.rules)))
            } catch {
                return .failure(error)
            }
        }
        let (entries, outcome) = list(o)
        guard let entries else { return outcome }
        do {
            let text: String
            switch o.format {
            case .csv: text = csv(entries)
            case .table: text = table(entries, asOf: o.asOf, within: o.within)
            case .xlsx:
                let sink: OutputSink
                if let given { sink = given } else if let path = o.output { sink = try OutputFile.open(path: path) } else {
                    guard isatty(STDOUT_FILENO) == 0 else {
                        throw Diagnostic(code: "output-binary", "xlsx 工作簿不能显示在终端上；请用 -o 指定文件，如 -o 到期情况.xlsx")
                    }
                    sink = try SpooledStandardOutputSink()
                }
                try xlsx(entries, to: sink)
                return outcome
            }
            if let sink = try given ?? o.output.map({ try OutputFile.open(path: $0) }) {
                do { try sink.write(text); try sink.commit() } catch { sink.abandon(); throw error }
            } else {
                write(text)
            }
            return outcome
        } catch {
            var failed = CommandOutcome.failure(error)
            failed.diagnostics = outcome.diagnostics + failed.diagnostics
            return failed
        }
    }

    /// The list as a workbook: Chinese headers, dates as date cells, working days as numbers;
    /// an estimate (暂定, no calendar yet) only in columns of its own, as in the CSV.
    public static func xlsx(_ entries: [Entry], to sink: OutputSink) throws {
        let w = try XLSXWriter(sink: sink, sheetName: "到期情况",
                               header: ["申请编号", "收到日期", "最终答复期限", "剩余工作日", "状态", "申请内容",
                                        "暂定最终答复期限（估算）", "暂定剩余工作日（估算）", "文件", "行号"])
        do {
            for e in entries {
                let provisionalDays = e.daysLeft == nil ? e.provisional?.daysLeft : nil
                try w.writeRow([.text(e.id), .date(e.received), e.finalDue.map { .date($0) } ?? .empty,
                                e.daysLeft.map { .integer($0) } ?? .empty, .text(statusText(e)), .text(e.subject),
                                e.provisional?.finalDue.map { .date($0) } ?? .empty, provisionalDays.map { .integer($0) } ?? .empty,
                                .text(e.file), .integer(e.row)])
            }
            try w.commit()
        } catch {
            w.abandon()
            throw error
        }
    }

    /// The due list as data, soonest first (what `run` prints); nil entries when the ledger has
    /// errors, which the outcome then lists.
    public static func list(_ o: DueOptions) -> (entries: [Entry]?, outcome: CommandOutcome) {
        do {
            let engine = try RuleEngine(folder: try RulesFolder.locate(o.rules), limits: o.limits)
            let run = try LedgerRun(engine: engine, ledgers: o.ledgers, asOf: o.asOf, sheet: o.sheet)
            let subjectColumn = engine.policy.columns.firstIndex { $0.key == "subject" }
            var entries: [Entry] = []
            var rejected: [Diagnostic] = []
            var cellWarnings: [Diagnostic] = []
            do { try run.run(accept: { row, record, input in
                CellWarnings.keep(row.cellWarnings, in: &cellWarnings)
                guard row.replied == nil else { return }
                let subjectField = subjectColumn.flatMap { run.inputs[input].map.fieldOfColumn[$0] }
                entries.append(Entry(id: row.id, received: row.received, finalDue: row.result.finalDue,
                                     daysLeft: row.result.daysLeft, status: row.result.status,
                                     provisional: row.result.provisional,
                                     subject: subjectField.map { record.string($0).trimmed } ?? "",
                                     file: row.file, row: row.row))
            }, reject: { problems, _, _ in rejected += problems })
            } catch let stop as RunawayRuleStop { throw DiagnosticList(run.warnings + rejected + [stop.diagnostic]) }
            if !rejected.isEmpty {
                return (nil, CommandOutcome(status: 1, diagnostics: run.warnings + rejected,
                                            report: "台账有 \(rejected.count) 处错误；请先改正（可用 govrules classify 查看），再查看到期情况。\n"))
            }
            // Soonest first (an application waiting for next year's calendar by its estimate);
            // paused applications (no running clock) last; ties by id for stability.
            entries.sort { a, b in
                switch (a.sortDaysLeft, b.sortDaysLeft) {
                case let (x?, y?) where x != y: return x < y
                case (.some, nil): return true
                case (nil, .some): return false
                default: return (a.finalDue ?? a.provisional?.finalDue ?? a.received, a.id)
                              < (b.finalDue ?? b.provisional?.finalDue ?? b.received, b.id)
                }
            }
            if let n = o.within { entries = entries.filter { ($0.sortDaysLeft ?? Int.max) <= n } }
            return (entries, CommandOutcome(status: 0, diagnostics: run.warnings + cellWarnings + run.calendarWarnings() + LedgerRun.memoWarnings([run.engine])))
        } catch {
            return (nil, .failure(error))
        }
    }

    /// `!!` overdue, `!` due within 3 working days, else empty.
    /// An application waiting for next year's calendar is marked by its estimate.
    public static func mark(_ e: Entry) -> String {
        let left = e.sortDaysLeft
        let estimated = e.status == .noCalendar && (left ?? 0) < 0
        return e.status == .overdue || estimated ? "!!"
            : ((left ?? 99) <= 3 && (e.status == .pending || e.status == .noCalendar) ? "!" : "")
    }

    /// The final due date, the estimate labelled 暂定, or — while the clock has not started.
    public static func finalDueText(_ e: Entry) -> String {
        if let d = e.finalDue { return d.iso }
        if let p = e.provisional?.finalDue { return "\(p.iso) 暂定" }
        return "—"
    }

    public static func daysLeftText(_ e: Entry) -> String {
        e.daysLeft.map(String.init) ?? e.sortDaysLeft.map { "\($0) 暂定" } ?? "—"
    }

    public static func statusText(_ e: Entry) -> String {
        switch e.status {
        case .overdue: return "已超期"
        case .paused: return "期限中止"
        case .pending: return (e.daysLeft ?? 99) <= 3 ? "即将到期" : "办理中"
        case .noCalendar: return "期限待定"
        default: return e.status?.chinese ?? ""
        }
    }

    /// The estimate is in a column of its own, named provisional, so that no script reading
    /// final_due or days_left ever takes it for a deadline.
    static func csv(_ entries: [Entry]) -> String {
        var s = "id,received,final_due,days_left,status,subject,provisional_final_due,provisional_days_left\n"
        for e in entries {
            let fields = [e.id, e.received.iso, e.finalDue?.iso ?? "", e.daysLeft.map(String.init) ?? "",
                          e.status?.key ?? "", e.subject, e.provisional?.finalDue?.iso ?? "",
                          e.daysLeft == nil ? e.provisional?.daysLeft.map(String.init) ?? "" : ""]
            s += fields.map(csvQuote).joined(separator: ",") + "\n"
        }
        return s
    }

    static func csvQuote(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    static func table(_ entries: [Entry], asOf: Day, within: Int?) -> String {
        var s = "截至 \(asOf.iso)，未办结的申请 \(entries.count) 件"
        if let within { s += "（\(within) 个工作日内到期及已超期）" }
        s += "：\n\n"
        if entries.isEmpty { return s + "（无）\n" }
        let header = ["", "申请编号", "收到日期", "最终答复期限", "剩余工作日", "状态", "申请内容"]
        var rows = [header]
        for e in entries {
            rows.append([mark(e), e.id, e.received.iso, finalDueText(e), daysLeftText(e), statusText(e), TextWidth.truncate(e.subject, to: 30)])
        }
        let widths = (0..<header.count).map { c in rows.map { TextWidth.of($0[c]) }.max() ?? 0 }
        let rightAligned: Set<Int> = [4]
        for (i, r) in rows.enumerated() {
            var line = ""
            for c in 0..<r.count {
                let pad = String(repeating: " ", count: widths[c] - TextWidth.of(r[c]))
                line += rightAligned.contains(c) ? pad + r[c] : r[c] + (c == r.count - 1 ? "" : pad)
                if c < r.count - 1 { line += "  " }
            }
            s += line + "\n"
            if i == 0 { s += String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1)) + "\n" }
        }
        s += "\n!! 已超期　! 3 个工作日内到期　剩余工作日为负数表示已超过的工作日数；“期限中止”表示补正、征求意见或缴费期间，期限暂停计算。\n"
        if entries.contains(where: { $0.provisional != nil }) {
            s += "“期限待定”表示答复期限跨入了还没有工作日历的年份（应添加的日历文件见提示）；标“暂定”的日期和天数按周一至周五上班、1月1日放假估算，不是正式期限，仅供安排工作参考。添加日历文件后重新运行即得正式结果。\n"
        }
        return s
    }
}

/// Display width in a terminal: CJK and full-width characters take two cells.
enum TextWidth {
    static func of(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { $0 + width($1) }
    }

    static func width(_ u: Unicode.Scalar) -> Int {
        let v = u.value
        if v < 0x1100 { return 1 }
        if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v) { return 2 }
        return 1
    }

    static func truncate(_ s: String, to cells: Int) -> String {
        if of(s) <= cells { return s }
        var out = ""
        var w = 0
        for ch in s {
            let cw = of(String(ch))
            if w + cw > cells - 1 { break }
            out.append(ch)
            w += cw
        }
        return out + "…"
    }
}
