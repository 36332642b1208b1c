import ArgumentParser
import Foundation
import GovRulesKit

@main
struct GovRules: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "govrules",
        abstract: "Classify 政府信息公开 applications under the 2019 Regulation, with rules in Lua.",
        discussion: """
        The rules (rules/*.lua) decide each application's statutory outcome and reply deadline; \
        edit them and no recompiling is needed. Diagnostics about ledgers and rules are in Chinese.

        Exit status: 0 success; 1 invalid input, a rule error or a failed check; \
        3 rows were rejected under --keep-going; 64 bad flags.
        """,
        version: GovRulesVersion.string,
        subcommands: [Classify.self, Due.self, Explain.self, Letters.self, Report.self, RuleTest.self, Check.self, Serve.self, BenchRules.self]
    )

    /// Before anything else: closed standard streams onto /dev/null, the signal handlers that
    /// remove unfinished output files. Then a bare `govrules` gets the short bilingual usage; a
    /// first word that is no command gets the nearest one. Everything else is ArgumentParser's.
    static func main() {
        StandardStreams.prepare()
        let args = Array(CommandLine.arguments.dropFirst())
        guard let first = args.first else {
            CommandSupport.writeOutput(Usage.short)
            if let failure = CommandSupport.outputFailure {
                StandardStreams.writeError(failure.description + "\n")
                Foundation.exit(1)
            }
            return
        }
        let names = configuration.subcommands.map { $0._commandName } + ["help"]
        if !first.hasPrefix("-") && !names.contains(first) {
            let visible = configuration.subcommands.filter { $0.configuration.shouldDisplay }.map { $0._commandName }
            StandardStreams.writeError(Usage.unknownCommand(first, known: visible))
            Foundation.exit(64)
        }
        main(args)
    }
}

/// Flags shared by the commands that run the rules.
struct RuleOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The rules folder (default ./rules, then the copy installed beside the executable).", valueName: "dir"))
    var rules: String?

    @Option(name: .customLong("lua-memory"), help: ArgumentHelp("Memory cap for the rules, in MiB.", valueName: "MiB"))
    var luaMemory: Int = 64

    @Option(name: .customLong("lua-instructions"), help: ArgumentHelp("Lua instructions allowed per ledger row before the rules are stopped.", valueName: "n"))
    var luaInstructions: Int = SandboxLimits().instructionsPerRow

    @Option(name: .customLong("row-timeout"), help: ArgumentHelp("Seconds one row may take, for what the instruction limit cannot stop (a library call running long); past it govrules reports the row and exits without writing output.", valueName: "seconds"))
    var rowTimeout: Double = 10

    @Flag(name: .customLong("no-memo"), help: "Run the decision steps on every row. By default a row whose steps would read the same cells with the same values as an earlier row gets that row's decision without running them; the output is the same either way.")
    var noMemo = false

    func validate() throws {
        guard (1...4096).contains(luaMemory) else { throw ValidationError("--lua-memory must be between 1 and 4096 MiB.") }
        guard luaInstructions >= 1000 else { throw ValidationError("--lua-instructions must be at least 1000.") }
        guard rowTimeout >= 0.1 && rowTimeout <= 86_400 else { throw ValidationError("--row-timeout must be between 0.1 and 86400 seconds.") }
    }

    var limits: SandboxLimits {
        var l = SandboxLimits()
        l.memoryBytes = luaMemory * 1024 * 1024
        l.instructionsPerRow = luaInstructions
        l.rowTimeoutSeconds = rowTimeout
        l.memo = !noMemo
        return l
    }
}

/// `--as-of DATE`, default today.
struct AsOfOption: ParsableArguments {
    @Option(name: .customLong("as-of"), help: ArgumentHelp("The date deadlines are judged against (default: today). Accepts 2020-03-04, 2020/3/4, 2020年3月4日.", valueName: "date"))
    var asOfText: String?

    func validate() throws {
        if let t = asOfText, CommandSupport.parseDate(t) == nil {
            throw ValidationError("--as-of: '\(t)' is not a valid date (use YYYY-MM-DD).")
        }
    }

    var asOf: Day { asOfText.flatMap(CommandSupport.parseDate) ?? CommandSupport.today() }
}

/// `--sheet NAME|N`: which sheet of an .xlsx ledger to read.
struct SheetOption: ParsableArguments {
    @Option(help: ArgumentHelp("For .xlsx ledgers: the sheet to read, by name or 1-based number (default: the first visible sheet).", valueName: "name|N"))
    var sheet: String?
}

/// `--jobs N`: how many Lua states work in parallel.
struct JobsOption: ParsableArguments {
    @Option(name: [.customShort("j"), .long], help: ArgumentHelp("Lua states working in parallel on chunks of the ledger (default: the number of cores). The output is the same for any N.", valueName: "N"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard (1...256).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 256.") }
    }
}

enum CommandSupport {
    static func parseDate(_ s: String) -> Day? {
        var bytes = Array(s.utf8)
        return bytes.withUnsafeMutableBufferPointer { ValueParser.date(UnsafeBufferPointer($0)) }
    }

    static func today() -> Day {
        let c = Calendar.current.dateComponents([.year, .month, .day], from: Date())
        return Day(year: c.year!, month: c.month!, day: c.day!)!
    }

    /// Prints diagnostics and the report to standard error and exits with the outcome's status.
    static func finish(_ outcome: CommandOutcome) throws {
        var err = ""
        for d in outcome.diagnostics { err += d.description + "\n" }
        err += outcome.report
        if let failure = outputFailure {
            err += failure.description + "\n"
        }
        StandardStreams.writeError(err)
        if outputFailure != nil && outcome.status == 0 { throw ExitCode(1) }
        if outcome.status != 0 { throw ExitCode(outcome.status) }
    }

    /// The first failure to write standard output (closed, full disk…): the command then fails.
    nonisolated(unsafe) static var outputFailure: Diagnostic?

    /// Writes a command's text to standard output; a failure is reported by `finish`.
    static func writeOutput(_ text: String) {
        guard outputFailure == nil else { return }
        do { try StandardStreams.writeOutput(text) } catch {
            outputFailure = error as? Diagnostic ?? Diagnostic(code: "output-write-failed", "写入标准输出失败：\(error)")
        }
    }
}

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run every ledger row through the rules: the input columns followed by the result columns.",
        discussion: """
        中文：逐件判断台账中每件申请的办理结论、依据条文和答复期限，结果列写在原台账各列之后；\
        台账有错误时逐条列出（文件:行号、列名、填写的值），不写出任何结果。

        Result columns: outcome, outcome_label, basis, recorded, regime, start, due, final_due, status, \
        warnings, step. With -o the file is written atomically: on any error it is left as it was. \
        Without --keep-going, any invalid row means no output; every problem is listed on stderr.
        """
    )

    @Argument(help: ArgumentHelp("Ledgers: CSV files (UTF-8 or GB18030) or .xlsx workbooks; Chinese or English headers.", valueName: "ledger"))
    var ledgers: [String]

    @OptionGroup var sheetOption: SheetOption

    @OptionGroup var ruleOptions: RuleOptions
    @OptionGroup var asOfOption: AsOfOption

    @Option(help: "Output format: csv, jsonl or xlsx (default: xlsx when -o names a .xlsx file, else csv).")
    var format: ClassifyOptions.Format?

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(name: .long, help: "Write the valid rows and put each invalid row, with its reason, in FILE.rejects.csv (stderr without -o); exit status 3 if any row was rejected.")
    var keepGoing = false

    @Option(name: .long, help: ArgumentHelp("Language of the result column headers: en or zh (default en; zh, with Chinese status and step values, for xlsx).", valueName: "en|zh"))
    var headers: String?

    @Flag(name: .long, help: "Start the CSV with a UTF-8 byte-order mark (for Excel on Windows).")
    var bom = false

    @Flag(name: .long, help: "Print a summary by outcome and deadline status to standard error.")
    var summary = false

    @Flag(name: .long, help: "Add a column naming the deciding step, its articles and its rule file and line (see also: govrules explain).")
    var explain = false

    @OptionGroup var jobsOption: JobsOption

    func validate() throws {
        if let headers, !["en", "zh"].contains(headers) { throw ValidationError("--headers must be 'en' or 'zh'.") }
        if ledgers.isEmpty { throw ValidationError("Name at least one ledger file.") }
    }

    func run() throws {
        var o = ClassifyOptions(ledgers: ledgers, asOf: asOfOption.asOf)
        o.sheet = sheetOption.sheet
        o.rules = ruleOptions.rules
        o.limits = ruleOptions.limits
        o.format = format ?? OutputFormat.fromExtension(output, xlsx: .xlsx, otherwise: .csv)
        o.output = output
        o.keepGoing = keepGoing
        o.chineseHeaders = (headers ?? (o.format == .xlsx ? "zh" : "en")) == "zh"
        o.bom = bom
        o.summary = summary
        o.explain = explain
        o.jobs = jobsOption.jobs
        o.emit = { d in StandardStreams.writeError(d.description + "\n") }
        try CommandSupport.finish(ClassifyCommand.run(o))
    }
}

struct Due: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open applications with their final due date and working days left, soonest first.",
        discussion: """
        中文：列出未办结的申请及其最终答复期限、剩余工作日，按到期先后排列；期限待定的申请以“暂定”估算列出。

        Working days left is negative when the application is overdue. 期限中止 means the clock is paused \
        (correction, consultation or fee notice). 期限待定 (status no_calendar) means the deadline runs into a \
        year with no calendar file yet: the date and days shown are an estimate marked 暂定 (Monday–Friday, \
        1 January off), in --format csv only in the provisional_final_due and provisional_days_left columns.
        """
    )

    @Argument(help: ArgumentHelp("Ledgers: CSV files or .xlsx workbooks.", valueName: "ledger"))
    var ledgers: [String]

    @OptionGroup var sheetOption: SheetOption

    @OptionGroup var ruleOptions: RuleOptions
    @OptionGroup var asOfOption: AsOfOption

    @Option(help: ArgumentHelp("Show only applications due within N working days (overdue ones included).", valueName: "N"))
    var within: Int?

    @Option(help: "Output format: table (for a terminal), csv or xlsx (default: xlsx when -o names a .xlsx file, else table).")
    var format: DueOptions.Format?

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "file"))
    var output: String?

    func validate() throws {
        if let w = within, w < 0 { throw ValidationError("--within must be zero or more working days.") }
    }

    func run() throws {
        var o = DueOptions(ledgers: ledgers, asOf: asOfOption.asOf)
        o.sheet = sheetOption.sheet
        o.rules = ruleOptions.rules
        o.limits = ruleOptions.limits
        o.within = within
        o.format = format ?? OutputFormat.fromExtension(output, xlsx: .xlsx, otherwise: .table)
        o.output = output
        try CommandSupport.finish(DueCommand.run(o) { text in
            CommandSupport.writeOutput(text)
        })
    }
}

extension ClassifyOptions.Format: ExpressibleByArgument {}

/// `-o results.xlsx` chooses the workbook format unless --format says otherwise.
enum OutputFormat {
    static func fromExtension<F>(_ output: String?, xlsx: F, otherwise: F) -> F {
        output.map { $0.lowercased().hasSuffix(".xlsx") } == true ? xlsx : otherwise
    }
}
extension DueOptions.Format: ExpressibleByArgument {}

struct RuleTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the rule test cases kept in the rules folder (rules/tests/*.csv).",
        discussion: """
        One row per case: ledger columns as input; expect_outcome, expect_step, expect_recorded, expect_regime, \
        expect_start, expect_due, expect_final_due, expect_status, expect_warnings as the expected result \
        (a blank cell is not checked; expect_warnings lists Chinese fragments separated by ；, or 无 for none). \
        Optional columns: 用例 (the case's name) and as_of. Unknown columns are an error.
        """
    )

    @Argument(help: ArgumentHelp("Test tables (default: every .csv in <rules>/tests).", valueName: "file"))
    var files: [String] = []

    @OptionGroup var ruleOptions: RuleOptions

    @Option(name: .customLong("case"), help: ArgumentHelp("Run one case: its 申请编号, or FILE:ROW.", valueName: "id"))
    var only: String?

    @Option(help: "Output format: text or junit.")
    var format: RuleTestOptions.Format = .text

    @Flag(help: "Report which decision steps (each outcome of each step) and which rule lines the cases exercised; list every one not exercised as file:line.")
    var coverage = false

    @Option(name: .customLong("min-coverage"), help: ArgumentHelp("Fail when step coverage is below P percent (implies --coverage).", valueName: "P"))
    var minCoverage: Double?

    @Option(name: .customLong("min-line-coverage"), help: ArgumentHelp("Fail when rule-line coverage is below P percent (implies --coverage).", valueName: "P"))
    var minLineCoverage: Double?

    @Flag(help: "Write the actual results into the expectation cells of the failing cases (every changed cell is printed, file:row, column, old → new; nothing else in the files changes; each file is replaced atomically), then run the cases again. 把失败用例的实际结果写入期望列。")
    var accept = false

    func validate() throws {
        if accept && format != .text { throw ValidationError("--accept prints what it changes: use it with --format text.") }
        for p in [minCoverage, minLineCoverage].compactMap({ $0 }) where !(0...100).contains(p) {
            throw ValidationError("Coverage thresholds are percentages from 0 to 100.")
        }
    }

    func run() throws {
        var o = RuleTestOptions()
        o.coverage = coverage
        o.minCoverage = minCoverage
        o.minLineCoverage = minLineCoverage
        o.rules = ruleOptions.rules
        o.limits = ruleOptions.limits
        o.files = files
        o.only = only
        o.format = format
        o.accept = accept
        try CommandSupport.finish(RuleTestCommand.run(o) { CommandSupport.writeOutput($0) })
    }
}

extension RuleTestOptions.Format: ExpressibleByArgument {}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render the annual report (政府信息公开工作年度报告) of a year in its statutory format.",
        discussion: """
        中文：用同一份台账生成该年度的《政府信息公开工作年度报告》，生成前自动核对各表的勾稽关系。

        Reports for 2019 and 2020 use 国办公开办函〔2019〕60号, from 2021 国办公开办函〔2021〕30号 (reports/*.json). \
        Table 三 counts the ledger (the recorded decision where the ledger has one); table 四 comes from --appeals, \
        table 二 from --proactive, sections 一、五、六 from --narrative. Every identity of the tables is checked \
        before anything is written.

        --format docx writes a Word document laid out as an official document (GB/T 9704-2012: A4, 仿宋 body, \
        page numbers "— 1 —"). The provenance (SHA-256 of the rules and inputs, the govrules version) goes into the \
        metadata of every format (HTML <meta>, Markdown comment, JSON "provenance", docx properties) and is printed \
        only with --show-provenance. --narrative-skeleton writes a starting narrative file for the year's format.
        """
    )

    @Argument(help: ArgumentHelp("Request ledgers (the same files classify reads: CSV or .xlsx).", valueName: "ledger"))
    var ledgers: [String] = []

    @OptionGroup var sheetOption: SheetOption

    @Option(name: .customLong("appeals-sheet"), help: ArgumentHelp("For an .xlsx --appeals file: the sheet to read (default: the first visible one).", valueName: "name|N"))
    var appealsSheet: String?

    @Option(name: .customLong("proactive-sheet"), help: ArgumentHelp("For an .xlsx --proactive file: the sheet to read (default: the first visible one).", valueName: "name|N"))
    var proactiveSheet: String?

    @Option(help: ArgumentHelp("The report year.", valueName: "year"))
    var year: Int

    @Option(help: ArgumentHelp("Appeals ledger (行政复议、行政诉讼) for table 四.", valueName: "file"))
    var appeals: String?

    @Option(help: ArgumentHelp("Proactive-disclosure figures (主动公开) for table 二.", valueName: "file"))
    var proactive: String?

    @Option(help: ArgumentHelp("Markdown prose for sections 一、五、六; may insert figures such as {{new.total}}.", valueName: "file"))
    var narrative: String?

    @Option(help: ArgumentHelp("The agency's name, printed in the title.", valueName: "name"))
    var agency: String?

    @Option(help: ArgumentHelp("Last year's report as JSON (govrules report --format json), to check 上年结转.", valueName: "file"))
    var previous: String?

    @Option(help: "Output format: md, html, txt, json or docx (default: from the -o file's extension, else md).")
    var format: ReportOutputKind?

    @Flag(name: .customLong("show-provenance"), help: "Also print the provenance (SHA-256s, version, checks) at the end of the report.")
    var showProvenance = false

    @Flag(name: .customLong("narrative-skeleton"), help: "Write a starting narrative (Markdown) for the year's format, with every section, the sub-points the format expects and the figures as {{placeholders}}; no ledger needed.")
    var narrativeSkeleton = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "file"))
    var output: String?

    @OptionGroup var ruleOptions: RuleOptions

    @Option(help: ArgumentHelp("The report formats folder (default ./reports, then the installed copy).", valueName: "dir"))
    var reports: String?

    @Option(name: .customLong("format-spec"), help: ArgumentHelp("Use this format file instead of choosing by year.", valueName: "file"))
    var formatSpec: String?

    @Flag(name: .customLong("allow-inconsistent"), help: "Write the report even if a check fails (the failures are listed in the JSON's checks).")
    var allowInconsistent = false

    @OptionGroup var jobsOption: JobsOption

    func validate() throws {
        guard (1990...2200).contains(year) else { throw ValidationError("--year must be a four-digit year.") }
        if ledgers.isEmpty && !narrativeSkeleton { throw ValidationError("Missing expected argument '<ledger> ...'") }
        if let output, format == nil, !narrativeSkeleton, ReportOutputKind(fileName: output) == nil,
           !URL(fileURLWithPath: output).pathExtension.isEmpty {
            throw ValidationError("Cannot tell the format from '\(output)': use --format md|html|txt|json|docx.")
        }
    }

    func run() throws {
        var o = ReportOptions(ledgers: ledgers, year: year)
        o.showProvenance = showProvenance
        o.narrativeSkeleton = narrativeSkeleton
        o.appeals = appeals
        o.proactive = proactive
        o.sheet = sheetOption.sheet
        o.appealsSheet = appealsSheet
        o.proactiveSheet = proactiveSheet
        o.narrative = narrative
        o.agency = agency
        o.previous = previous
        o.format = format
        o.output = output
        o.rules = ruleOptions.rules
        o.limits = ruleOptions.limits
        o.reports = reports
        o.formatSpec = formatSpec
        o.allowInconsistent = allowInconsistent
        o.jobs = jobsOption.jobs
        try CommandSupport.finish(ReportCommand.run(o))
    }
}

extension ReportOutputKind: ExpressibleByArgument {}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain one application: every decision step with the cells it read and the article it applies, then how the deadline was counted.",
        discussion: """
        中文：逐步说明一件申请（--id 申请编号）为何这样认定：每个判断步骤是否适用、读取了台账哪些内容、依据哪一条，\
        以及答复期限是怎样算出来的。

        The output is in Chinese, for the clerk and the policy officer; --format json gives the same trace for machines.
        """
    )

    @Argument(help: ArgumentHelp("Ledgers: CSV files or .xlsx workbooks.", valueName: "ledger"))
    var ledgers: [String]

    @OptionGroup var sheetOption: SheetOption

    @Option(help: ArgumentHelp("The application's 申请编号.", valueName: "id"))
    var id: String

    @OptionGroup var ruleOptions: RuleOptions
    @OptionGroup var asOfOption: AsOfOption

    @Option(help: "Output format: text or json.")
    var format: ExplainOptions.Format = .text

    func run() throws {
        var o = ExplainOptions(ledgers: ledgers, id: id, asOf: asOfOption.asOf)
        o.sheet = sheetOption.sheet
        o.rules = ruleOptions.rules
        o.limits = ruleOptions.limits
        o.format = format
        try CommandSupport.finish(ExplainCommand.run(o) { CommandSupport.writeOutput($0) })
    }
}

extension ExplainOptions.Format: ExpressibleByArgument {}

struct Letters: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the letters of the chosen applications: the 答复书 and the procedural notices (补正告知书, 征求意见书, 延期答复告知书, 收费通知书, …).",
        discussion: """
        Choose the applications with --id (every letter each gets) or with --from/--to (every letter dated \
        in that range). Which letters an application gets, the decision each states, the article it cites \
        and the appeal route for its date come from the rules (rules/letters.lua, rules/appeal.lua); the \
        wording comes from the templates in the letters folder (letters/*.mustache) and the office's \
        particulars from letters/office.lua. Files are named 申请编号-文书, e.g. 2024-041-答复书.docx. \
        The folder is written all at once: if any letter cannot be made (an empty column it needs, a \
        missing office field), every problem is listed and nothing is written.
        """
    )

    @Argument(help: ArgumentHelp("Ledger CSV files.", valueName: "ledger"))
    var ledgers: [String]

    @Option(name: .customLong("id"), parsing: .upToNextOption, help: ArgumentHelp("The applications' 申请编号 (one or more).", valueName: "id"))
    var ids: [String] = []

    @Option(help: ArgumentHelp("First letter date to include (YYYY-MM-DD).", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("Last letter date to include (YYYY-MM-DD).", valueName: "date"))
    var to: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("The folder to write the letters into.", valueName: "dir"))
    var output: String

    @Option(help: "File format: docx or txt.")
    var format: LettersCommandOptions.Format = .docx

    @Option(help: ArgumentHelp("The letters folder: templates and office.lua (default ./letters, then the installed copy).", valueName: "dir"))
    var letters: String?

    @OptionGroup var ruleOptions: RuleOptions
    @OptionGroup var asOfOption: AsOfOption

    func validate() throws {
        if ids.isEmpty && from == nil && to == nil {
            throw ValidationError("Choose the applications: --id ID… or --from DATE --to DATE.")
        }
        if !ids.isEmpty && (from != nil || to != nil) {
            throw ValidationError("--id and --from/--to cannot be combined.")
        }
        for (flag, v) in [("--from", from), ("--to", to)] {
            if let v, CommandSupport.parseDate(v) == nil { throw ValidationError("\(flag): '\(v)' is not a valid date (use YYYY-MM-DD).") }
        }
        if let f = from.flatMap(CommandSupport.parseDate), let t = to.flatMap(CommandSupport.parseDate), f > t {
            throw ValidationError("--from is after --to.")
        }
    }

    func run() throws {
        var l = LetterOptions(ledgers: ledgers, asOf: asOfOption.asOf)
        l.ids = ids
        l.from = from.flatMap(CommandSupport.parseDate)
        l.to = to.flatMap(CommandSupport.parseDate)
        l.rules = ruleOptions.rules
        l.letters = letters
        l.limits = ruleOptions.limits
        var o = LettersCommandOptions(letters: l, output: output)
        o.format = format
        try CommandSupport.finish(LettersCommand.run(o))
    }
}

extension LettersCommandOptions.Format: ExpressibleByArgument {}
