import Foundation
import GovRulesKit

/// Where the desk finds the rules and formats, and how the commands run: the same settings the
/// command-line flags give.
public struct DeskSettings: Sendable {
    public var rules: String?
    public var reports: String?
    public var letters: String?
    public var limits = SandboxLimits()
    public var jobs = 1
    public init() {}
}

/// What a command said about a request that did not succeed: the diagnostics as the CLI prints
/// them (file names as the clerk uploaded them) and the closing note it prints on stderr.
struct CommandProblems: Error, Sendable {
    var diagnostics: [Diagnostic]
    var note: String

    var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
}

/// A ledger as uploaded, and what classify and due made of it when it arrived.
struct Upload: Sendable {
    let id: String
    let ledgerName: String
    let ledger: Data
    let asOf: Day
    let created: Date
    /// classify's exit status: 0, or 1 when the ledger has errors (nothing else is shown then).
    let status: Int32
    let problems: CommandProblems
    let summary: ClassifySummary?
    let due: [DueCommand.Entry]
}

/// Each desk request as a call to the function its command calls (ClassifyCommand.run,
/// DueCommand, ExplainCommand.run, ReportCommand.run), on the upload written to a private
/// workspace: the desk has no path of its own to a result. Every function here blocks; the
/// server runs them off its event threads.
enum DeskJobs {
    /// The ledger's file name as written in the workspace: the clerk's own name, without any
    /// folder part or control characters, so diagnostics name the file the clerk knows.
    static func safeName(_ given: String, fallback: String) -> String {
        var name = MultipartForm.baseName(given).filter { !$0.isASCII || ($0.asciiValue! >= 0x20 && $0 != "\u{7f}") }
        while name.hasPrefix(".") { name.removeFirst() }
        if name.count > 120 { name = String(name.suffix(120)) }
        return name.isEmpty ? fallback : name
    }

    /// Diagnostics name the workspace path; the clerk uploaded a file name.
    static func relabel(_ diagnostics: [Diagnostic], in w: Workspace) -> [Diagnostic] {
        diagnostics.map { d in
            var d = d
            d.file = d.file.map(w.unprefix)
            d.message = w.unprefix(d.message)
            return d
        }
    }

    static func problems(_ outcome: CommandOutcome, in w: Workspace) -> CommandProblems {
        CommandProblems(diagnostics: relabel(outcome.diagnostics, in: w), note: w.unprefix(outcome.report))
    }

    static func analyze(id: String, name: String, ledger: Data, asOf: Day, settings: DeskSettings) throws -> Upload {
        try Workspace.with { w in
            let path = try w.write(ledger, as: name)
            var c = ClassifyOptions(ledgers: [path], asOf: asOf)
            c.rules = settings.rules
            c.limits = settings.limits
            c.jobs = settings.jobs
            c.output = w.path + "/.classified.csv"
            let classified = ClassifyCommand.run(c)
            var due: [DueCommand.Entry] = []
            var problems = problems(classified, in: w)
            if classified.status == 0 {
                var d = DueOptions(ledgers: [path], asOf: asOf)
                d.rules = settings.rules
                d.limits = settings.limits
                let (entries, outcome) = DueCommand.list(d)
                due = entries ?? []
                if entries == nil { problems = self.problems(outcome, in: w) }
            }
            return Upload(id: id, ledgerName: name, ledger: ledger, asOf: asOf, created: Date(),
                          status: classified.status, problems: problems, summary: classified.summary, due: due)
        }
    }

    /// `govrules classify LEDGER --as-of D [--headers zh --bom]`, the file it writes with -o.
    static func classified(_ u: Upload, chinese: Bool, settings: DeskSettings) throws -> Result<Data, CommandProblems> {
        try Workspace.with { w in
            var c = ClassifyOptions(ledgers: [try w.write(u.ledger, as: u.ledgerName)], asOf: u.asOf)
            c.rules = settings.rules
            c.limits = settings.limits
            c.jobs = settings.jobs
            c.chineseHeaders = chinese
            c.bom = chinese
            c.output = w.path + "/.classified.csv"
            let outcome = ClassifyCommand.run(c)
            guard outcome.status == 0, let data = w.read(".classified.csv") else { return .failure(problems(outcome, in: w)) }
            return .success(data)
        }
    }

    static let xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    /// `govrules classify LEDGER --as-of D -o results.xlsx` (Chinese headers and values, the
    /// workbook's default), the file it writes.
    static func classifiedWorkbook(_ u: Upload, settings: DeskSettings) throws -> Result<Data, CommandProblems> {
        try Workspace.with { w in
            var c = ClassifyOptions(ledgers: [try w.write(u.ledger, as: u.ledgerName)], asOf: u.asOf)
            c.rules = settings.rules
            c.limits = settings.limits
            c.jobs = settings.jobs
            c.format = .xlsx
            c.chineseHeaders = true
            c.output = w.path + "/.classified.xlsx"
            let outcome = ClassifyCommand.run(c)
            guard outcome.status == 0, let data = w.read(".classified.xlsx") else { return .failure(problems(outcome, in: w)) }
            return .success(data)
        }
    }

    /// `govrules due LEDGER --as-of D -o due.xlsx`: the same list and workbook writer. The
    /// workbook names each row's ledger file, so the upload's private folder is taken off that
    /// name (the clerk sees the file they uploaded, as in the CLI's workbook).
    static func dueWorkbook(_ u: Upload, settings: DeskSettings) throws -> Result<Data, CommandProblems> {
        try Workspace.with { w in
            var d = DueOptions(ledgers: [try w.write(u.ledger, as: u.ledgerName)], asOf: u.asOf)
            d.rules = settings.rules
            d.limits = settings.limits
            let (listed, outcome) = DueCommand.list(d)
            guard var entries = listed else { return .failure(problems(outcome, in: w)) }
            for i in entries.indices { entries[i].file = w.unprefix(entries[i].file) }
            let sink = try OutputFile.open(path: w.path + "/.due.xlsx")
            do { try DueCommand.xlsx(entries, to: sink) } catch { sink.abandon(); throw error }
            guard let data = w.read(".due.xlsx") else { throw DeskError.internalError("无法读取到期清单工作簿") }
            return .success(data)
        }
    }

    /// `govrules due LEDGER --as-of D --format csv`.
    static func dueCSV(_ u: Upload, settings: DeskSettings) throws -> Result<Data, CommandProblems> {
        try Workspace.with { w in
            var d = DueOptions(ledgers: [try w.write(u.ledger, as: u.ledgerName)], asOf: u.asOf)
            d.rules = settings.rules
            d.limits = settings.limits
            d.format = .csv
            var text = ""
            let outcome = DueCommand.run(d) { text += $0 }
            guard outcome.status == 0 else { return .failure(problems(outcome, in: w)) }
            return .success(Data(text.utf8))
        }
    }

    /// `govrules explain LEDGER --id ID --as-of D`.
    static func explain(_ u: Upload, application: String, settings: DeskSettings) throws -> Result<String, CommandProblems> {
        try Workspace.with { w in
            var e = ExplainOptions(ledgers: [try w.write(u.ledger, as: u.ledgerName)], id: application, asOf: u.asOf)
            e.rules = settings.rules
            e.limits = settings.limits
            var text = ""
            let outcome = ExplainCommand.run(e) { text += $0 }
            guard outcome.status == 0 else { return .failure(problems(outcome, in: w)) }
            return .success(w.unprefix(text))
        }
    }

    /// `govrules letters LEDGER (--id ID | --from D --to D) -o DIR --format F`: the folder it
    /// writes, as one zip (each file exactly as the command writes it, names included).
    static func letters(_ u: Upload, ids: [String], from: Day?, to: Day?, format: LettersCommandOptions.Format,
                        settings: DeskSettings) throws -> Result<Data, CommandProblems> {
        try Workspace.with { w in
            var l = LetterOptions(ledgers: [try w.write(u.ledger, as: u.ledgerName)], asOf: u.asOf)
            l.ids = ids
            l.from = from
            l.to = to
            l.rules = settings.rules
            l.letters = settings.letters
            l.limits = settings.limits
            var o = LettersCommandOptions(letters: l, output: w.path + "/letters")
            o.format = format
            let outcome = LettersCommand.run(o)
            guard outcome.status == 0 else { return .failure(problems(outcome, in: w)) }
            let dir = w.path + "/letters"
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
            guard !names.isEmpty else {
                return .failure(CommandProblems(diagnostics: [], note: "所选范围内没有需要制作的文书。"))
            }
            var parts: [(path: String, data: Data)] = []
            for n in names {
                guard let d = FileManager.default.contents(atPath: dir + "/" + n) else { throw DeskError.internalError("无法读取文书 \(n)") }
                parts.append((n, d))
            }
            return .success(try ZipPackage.write(parts))
        }
    }

    struct ReportRequest: Sendable {
        var year: Int
        var agency: String?
        var format: ReportOutputKind
        /// (file name, bytes) of the files uploaded beside the ledger.
        var appeals: (String, Data)?
        var proactive: (String, Data)?
        var narrative: (String, Data)?
    }

    /// `govrules report LEDGER --year Y [--agency …] [--appeals …] [--proactive …] [--narrative …] --format F -o FILE`.
    /// Each input is recorded in the provenance under the name it was uploaded with.
    static func report(_ u: Upload, _ r: ReportRequest, settings: DeskSettings) throws -> Result<Data, CommandProblems> {
        try Workspace.with { w in
            // Each input in its own subfolder, so two uploads with the same name cannot collide.
            var names: [String: String] = [:]
            func put(_ file: (String, Data)?, _ folder: String) throws -> String? {
                guard let (name, data) = file else { return nil }
                try FileManager.default.createDirectory(atPath: w.path + "/" + folder, withIntermediateDirectories: false,
                                                        attributes: [.posixPermissions: 0o700])
                let p = try w.write(data, as: folder + "/" + name)
                names[p] = name
                return p
            }
            let ledger = try put((u.ledgerName, u.ledger), "ledger")!
            var o = ReportOptions(ledgers: [ledger], year: r.year)
            o.appeals = try put(r.appeals, "appeals")
            o.proactive = try put(r.proactive, "proactive")
            o.narrative = try put(r.narrative, "narrative")
            o.agency = r.agency
            o.format = r.format
            o.rules = settings.rules
            o.reports = settings.reports
            o.limits = settings.limits
            o.jobs = settings.jobs
            o.inputNames = names
            o.output = w.path + "/.report"
            let outcome = ReportCommand.run(o)
            guard outcome.status == 0, let data = w.read(".report") else {
                var p = problems(outcome, in: w)
                p.diagnostics = p.diagnostics.map { d in
                    var d = d
                    d.file = d.file.map { f in names.first { w.unprefix($0.key) == f }?.value ?? f }
                    return d
                }
                return .failure(p)
            }
            return .success(data)
        }
    }
}
