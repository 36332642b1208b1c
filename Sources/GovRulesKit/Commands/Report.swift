import Foundation

/// `govrules report`: the statutory annual report of one year, from the same ledger the clerk
/// keeps, in the format the year prescribes.
public struct ReportOptions: Sendable {
    public var ledgers: [String]
    public var year: Int
    public var appeals: String?
    public var proactive: String?
    /// Sheets of workbook inputs (name or 1-based number); nil: the first visible one.
    public var sheet: String?
    public var appealsSheet: String?
    public var proactiveSheet: String?
    public var narrative: String?
    public var agency: String?
    public var previous: String?
    /// nil: from the output file's extension (report.docx), else md.
    public var format: ReportOutputKind?
    public var output: String?
    /// Print the provenance (SHA-256s, version, checks) on the page too, not only in the metadata.
    public var showProvenance = false
    /// Write a starting narrative file for the year's format instead of the report (no ledger needed).
    public var narrativeSkeleton = false
    public var rules: String?
    public var reports: String?
    public var formatSpec: String?
    public var allowInconsistent = false
    public var limits = SandboxLimits()
    public var jobs = 1
    /// The name an input file is recorded under in the provenance, by path (default: the path as
    /// given). The desk records an upload under the clerk's file name, not its temporary path.
    public var inputNames: [String: String] = [:]

    public init(ledgers: [String], year: Int) {
        self.ledgers = ledgers
        self.year = year
    }
}

public enum ReportCommand {
    /// The output format: as given, else from the output file's extension, else md.
    public static func outputKind(_ o: ReportOptions) -> ReportOutputKind {
        o.format ?? o.output.flatMap { ReportOutputKind(fileName: $0) } ?? .md
    }

    public static func run(_ o: ReportOptions) -> CommandOutcome {
        var o = o
        if let path = o.output, OutputFile.isStandardOutput(path) { o.output = nil }
        var warnings: [Diagnostic] = []
        do {
            let folder = try RulesFolder.locate(o.rules)
            // Before anything is read: never write over an input.
            let named = [o.appeals, o.proactive, o.narrative, o.previous, o.formatSpec].compactMap { $0 }
            try OutputGuard.check(outputs: o.output.map { [$0] } ?? [], standardOutput: o.output == nil,
                                  inputs: o.ledgers.map { OutputGuard.Input($0, role: "台账") }
                                      + named.map { OutputGuard.Input($0, role: "输入文件") } + OutputGuard.inputs(of: folder))
            let engine = try RuleEngine(folder: folder, limits: o.limits)
            let policy = engine.policy
            let keys = policy.outcomes.map(\.key)
            let format: ReportFormat
            if let spec = o.formatSpec {
                format = try ReportFormat.load(path: spec, validOutcomeKeys: keys)
            } else {
                let dir = try ResourceFolder.locate(o.reports, name: "reports")
                format = try ReportFormat.select(year: o.year, reportsDirectory: dir, validOutcomeKeys: keys)
            }
            if o.narrativeSkeleton {
                try write(Data(NarrativeSkeleton.text(format: format, year: o.year).utf8), to: o.output)
                return CommandOutcome(status: 0, diagnostics: warnings)
            }
            let kind = outputKind(o)
            if kind == .docx && o.output == nil && isatty(STDOUT_FILENO) != 0 {
                throw Diagnostic(code: "report-docx-terminal",
                    "--format docx 生成的是 Word 文件，不能显示在终端上；请用 -o 指定输出文件，如 -o 2024年度报告.docx。")
            }

            // Every application is classified as of the end of the year; deadlines play no part
            // in the counts, but a row the rules reject must not be silently left out.
            guard let yearEnd = Day(year: o.year, month: 12, day: 31) else {
                throw Diagnostic(code: "report-year", "年份 \(o.year) 无效")
            }
            let run = try LedgerRun(engine: engine, ledgers: o.ledgers, asOf: min(yearEnd, Day(year: policy.calendarLastYear, month: 12, day: 31)!), sheet: o.sheet)
            run.collectsActivity = true
            warnings += run.warnings
            var counter = ApplicationCounter(year: o.year)
            var rejected: [Diagnostic] = []
            var engines = [engine]
            while engines.count < max(1, o.jobs) { engines.append(try RuleEngine(folder: folder, limits: o.limits)) }
            let outcomeKeys = policy.outcomes.map(\.key)
            final class Part { var apps: [ReportApplication] = []; var rejected: [Diagnostic] = []; var cellWarnings: [Diagnostic] = [] }
            var cellWarnings: [Diagnostic] = []
            do { try ParallelRun(run: run, engines: engines).execute(
                makePartial: { Part() },
                accept: { row, _, _, part in
                    CellWarnings.keep(row.cellWarnings, in: &part.cellWarnings)
                    if let amount = row.activity?.feeAmount, amount < 0 {
                        part.rejected.append(Diagnostic(code: "cell-integer", file: row.file, line: row.row,
                            "列“收费金额”的值“\(amount)”不是有效的金额。允许：不小于 0 的整数（元），或留空"))
                        return
                    }
                    part.apps.append(ReportApplication(applicantType: row.applicantType, received: row.received,
                                                       replied: row.replied, outcome: outcomeKeys[row.countedOutcome],
                                                       activity: row.activity))
                },
                reject: { problems, _, _, part in part.rejected += problems },
                merge: { part in
                    counter.add(contentsOf: part.apps)
                    rejected += part.rejected
                    CellWarnings.keep(part.cellWarnings, in: &cellWarnings)
                })
            } catch let stop as RunawayRuleStop { throw DiagnosticList(rejected + [stop.diagnostic]) }
            warnings += cellWarnings
            warnings += run.calendarWarnings() + LedgerRun.memoWarnings(engines)
            if !rejected.isEmpty {
                return CommandOutcome(status: 1, diagnostics: warnings + rejected,
                    report: "台账有 \(rejected.count) 处错误；年度报告必须统计每一件申请，请改正后重新生成（可用 govrules classify 逐行查看）。\n")
            }

            var appeals: [AppealCase] = []
            if let path = o.appeals {
                warnings += try readAppeals(path, sheet: o.appealsSheet, policy: policy, rulesLabel: folder.label, into: &appeals)
            }
            var proactive: [ProactiveCell] = []
            if let path = o.proactive {
                warnings += try readProactive(path, sheet: o.proactiveSheet, policy: policy, rulesLabel: folder.label, into: &proactive)
            }
            let narrative = try o.narrative.map { try Narrative.load(path: $0) }
            let previous = try o.previous.map { try PreviousReport.load(path: $0) }
            let inputs = o.ledgers + [o.appeals, o.proactive, o.narrative, o.previous].compactMap { $0 }
            var provenance = try ReportProvenance.computing(rulesDirectory: folder.url.path, inputPaths: inputs,
                                                            generatedBy: "govrules \(GovRulesVersion.string)")
            for i in provenance.inputs.indices { provenance.inputs[i].path = o.inputNames[provenance.inputs[i].path] ?? provenance.inputs[i].path }
            let request = ReportRequest(year: o.year, agency: o.agency, format: format, counter: counter,
                                        appeals: appeals, proactive: proactive, narrative: narrative,
                                        previous: previous, provenance: provenance, allowInconsistent: o.allowInconsistent)
            let report = try buildReport(request)
            warnings += report.warnings
            try write(try report.renderData(kind, showProvenance: o.showProvenance), to: o.output)
            return CommandOutcome(status: 0, diagnostics: warnings)
        } catch {
            var f = CommandOutcome.failure(error)
            f.diagnostics = warnings + f.diagnostics
            return f
        }
    }

    /// To the file atomically (nothing is left half-written), or to standard output.
    private static func write(_ bytes: Data, to output: String?) throws {
        let sink: OutputSink = try output.map { try OutputFile.open(path: $0) } ?? StandardOutputSink()
        do {
            try bytes.withUnsafeBytes { try sink.write($0) }
            try sink.commit()
        } catch {
            sink.abandon()
            throw error
        }
    }

    static func readAppeals(_ path: String, sheet: String? = nil, policy: Policy, rulesLabel: String, into cases: inout [AppealCase]) throws -> [Diagnostic] {
        let cols = policy.appealsColumns
        guard let kindC = cols.firstIndex(where: { $0.key == "kind" }), let filedC = cols.firstIndex(where: { $0.key == "filed" }),
              let idC = cols.firstIndex(where: { $0.key == "id" }) else {
            throw Diagnostic(code: "rules-schema", file: rulesLabel + "/ledger.lua", "ledger.appeals_columns 必须有 id、kind、filed 列")
        }
        let routeC = cols.firstIndex { $0.key == "route" }
        let resultC = cols.firstIndex { $0.key == "result" }
        let concludedC = cols.firstIndex { $0.key == "concluded" }
        var seen: [String: Int] = [:]
        var collected: [AppealCase] = []
        let warnings = try TableReader.read(path: path, columns: cols, policy: policy, rulesLabel: rulesLabel, sheet: sheet) { d, record in
            var problems: [Diagnostic] = []
            let id = d.text(idC) ?? ""
            if let earlier = seen[id] {
                problems.append(Diagnostic(code: "id-duplicate", file: path, line: record.row, "案件编号“\(id)”重复：第\(earlier)行已使用"))
            }
            seen[id] = record.row
            let kind: AppealCase.Kind = d.choice(kindC) == 0 ? .review : .litigation
            let route = routeC.flatMap { d.choice($0) }.map { $0 == 0 ? AppealCase.Route.direct : .afterReview }
            if kind == .litigation && route == nil {
                problems.append(Diagnostic(code: "cell-required", file: path, line: record.row,
                    "案件“\(id)”是行政诉讼，必须填写“起诉方式”。允许：未经复议直接起诉（direct）、复议后起诉（after_review）"))
            }
            let result = resultC.flatMap { d.choice($0) }.map { [AppealCase.Result.upheld, .corrected, .other][$0] }
            let concluded = concludedC.flatMap { d.day($0) }
            if result != nil && concluded == nil {
                problems.append(Diagnostic(code: "cell-required", file: path, line: record.row,
                    "案件“\(id)”已填写“结果”，必须同时填写“审结日期”"))
            }
            if problems.isEmpty {
                collected.append(AppealCase(kind: kind, route: kind == .litigation ? route : nil, filed: d.day(filedC)!,
                                            result: result, concluded: concluded, id: id, file: path, line: record.row))
            }
            return problems
        }
        cases += collected
        return warnings
    }

    static func readProactive(_ path: String, sheet: String? = nil, policy: Policy, rulesLabel: String, into cells: inout [ProactiveCell]) throws -> [Diagnostic] {
        let cols = policy.proactiveColumns
        let idx = ["item", "row", "column", "value"].map { k in cols.firstIndex { $0.key == k } }
        guard idx.allSatisfy({ $0 != nil }) else {
            throw Diagnostic(code: "rules-schema", file: rulesLabel + "/ledger.lua", "ledger.proactive_columns 必须有 item、row、column、value 列")
        }
        var collected: [ProactiveCell] = []
        let warnings = try TableReader.read(path: path, columns: cols, policy: policy, rulesLabel: rulesLabel, sheet: sheet) { d, record in
            collected.append(ProactiveCell(item: d.text(idx[0]!) ?? "", row: d.text(idx[1]!) ?? "", column: d.text(idx[2]!) ?? "",
                                           value: d.text(idx[3]!) ?? "", file: path, line: record.row))
            return []
        }
        cells += collected
        return warnings
    }
}
