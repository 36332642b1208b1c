import Foundation

/// `govrules check [--rules DIR] [--reports DIR]`: are the rules and the report formats consistent,
/// before anything runs? Every finding is a `Diagnostic` (`file:line: error[code]: message`, in
/// Chinese); the exit status is 1 when any is an error.
///
/// | code | severity | what |
/// |---|---|---|
/// | (the engine's own: `rule-syntax`, `rules-api-version`, `rule-error`, `rules-schema`, …) | error | the rules do not load |
/// | `step-unknown-outcome` | error | a step declares an outcome key that outcomes.lua lacks |
/// | `step-no-outcomes` | error | a step declares no outcomes |
/// | `step-duplicate-id` | error | two steps share an id |
/// | `step-no-articles` | error | a step cites no article |
/// | `outcome-never-given` | warning | an outcome key no step declares: its report row can only be 0 |
/// | `outcome-not-in-format` | error | an outcome key no row of a report format counts |
/// | (`report-format-*` from loading a format: `report-format-unknown-outcome`, `…-invalid`, `…-malformed`) | error | a format file is wrong |
/// | `report-format-overlap` | error | two formats apply to the same report year |
/// | `report-format-year-uncovered` | warning | a report year up to this year that no format covers |
/// | `step-undeclared-outcome` | error | a step gave an outcome its `outcomes` does not list |
/// | `step-outcome-unobserved` | warning | no row made a step give one of its declared outcomes |
/// | `step-unreachable` | warning | no row reaches the step and makes it decide |
/// | `steps-no-decision` | error | a valid row on which no step decides (classify would fail) |
/// | `step-runtime-error` | error | the rules failed on a valid synthetic row |
/// | `step-impure` | error | a step changed the rules' own state (an upvalue, a module table) or wrote to the row |
/// | `check-search-unavailable` | warning | the rows for the reachability search could not be built |
/// | `check-search-incomplete` | warning | the row budget ran out before every step was searched |
/// | `step-enum-value` | error | a step compares a column with a value it does not have |
/// | `step-compare-type` | error | a step compares a bool/list/date/integer column with a string |
/// | `step-unknown-field` | error | a step reads a field that is no ledger column |
/// | `calendar-year-missing` | warning | a year from 2018 through next year without a calendar file |
/// | `calendar-work-weekday`, `calendar-off-overlap`, `calendar-off-outside-year`, … | error | calendar data that cannot be right (CalendarChecks) |
/// | (`letters-*`, `letter-*`, `office-*`: see `LetterChecks`) | | the letters and their templates |
public struct CheckOptions: Sendable {
    public var rules: String?
    public var reports: String?
    /// The letters folder (templates and office.lua); default ./letters, then the installed copy.
    public var letters: String?
    /// "Today", for the calendar check (next year's file) and the report years.
    public var today: Day
    public var limits = SandboxLimits()
    /// Combinations tried per step before sampling.
    public var maxCandidatesPerStep = 5_000
    /// Synthetic rows run through the rules in the whole reachability search, at most.
    public var maxRowsSearched = 60_000
    /// The first year the calendar must cover.
    public var calendarFromYear = 2018

    public init(today: Day) { self.today = today }
}

/// What `govrules check` found.
public struct CheckResult: Sendable {
    public var diagnostics: [Diagnostic]
    public var stepCount = 0
    public var outcomeCount = 0
    public var formatCount = 0
    /// Synthetic ledger rows run through the rules by the reachability search.
    public var rowsEvaluated = 0

    public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }
    public var warningCount: Int { diagnostics.filter { $0.severity == .warning }.count }
    /// `检查完成：0 个错误，1 个警告`
    public var summary: String { "检查完成：\(errorCount) 个错误，\(warningCount) 个警告" }
    public var status: Int32 { errorCount > 0 ? 1 : 0 }
}

public enum CheckCommand {
    public static func run(_ o: CheckOptions) -> CommandOutcome {
        let r = check(o)
        var report = ""
        if r.stepCount > 0 {
            report += "已检查 \(r.stepCount) 个决定步骤、\(r.outcomeCount) 个办理结论、\(r.formatCount) 个报告格式；可达性检查在规则上运行了 \(r.rowsEvaluated) 行构造的台账。\n"
        }
        report += r.summary + "\n"
        return CommandOutcome(status: r.status, diagnostics: r.diagnostics, report: report)
    }

    public static func check(_ o: CheckOptions) -> CheckResult {
        var result = CheckResult(diagnostics: [])
        var out: [Diagnostic] = []
        func collect(_ error: Error) {
            switch error {
            case let d as Diagnostic: out.append(d)
            case let l as DiagnosticList: out += l.diagnostics
            default: out.append(Diagnostic(code: "internal", "\(error)"))
            }
        }

        // 1. The rules load (syntax, api_version, schema, calendar continuity).
        var engine: RuleEngine?
        do {
            engine = try RuleEngine(folder: try RulesFolder.locate(o.rules), limits: o.limits)
        } catch { collect(error) }

        if let engine {
            let policy = engine.policy
            result.stepCount = policy.steps.count
            result.outcomeCount = policy.outcomes.count
            out += stepDeclarations(policy)
            out += staticScan(policy, folder: engine.folder)
            var search = StepReachability(engine: engine, maxCandidates: o.maxCandidatesPerStep, maxRows: o.maxRowsSearched)
            let found = search.run()
            result.rowsEvaluated = found.rowsEvaluated
            out += reachability(found, policy: policy, search: search, engine: engine)
            out += calendar(policy, folder: engine.folder, today: o.today, fromYear: o.calendarFromYear)
            out += CalendarChecks.findings(CalendarFile.all(in: engine.folder)).map(\.diagnostic)
            out += LetterChecks.run(policy: policy, rulesLabel: engine.folder.label, letters: o.letters)
        }

        // 3, 8. Report formats.
        do {
            let dir = try ResourceFolder.locate(o.reports, name: "reports")
            var label = dir
            while label.count > 1 && label.hasSuffix("/") { label.removeLast() }
            let (formats, problems) = FormatChecks.load(directory: dir, label: label,
                                                         validOutcomeKeys: engine?.policy.outcomes.map(\.key))
            result.formatCount = formats.count
            out += problems
            if let policy = engine?.policy {
                for f in formats where f.valid { out += FormatChecks.coverage(f, outcomes: policy.outcomes) }
            }
            out += FormatChecks.yearRanges(formats, directoryLabel: label, currentYear: o.today.year)
        } catch { collect(error) }
        result.diagnostics = out
        return result
    }

    // MARK: 2, 4. What each step declares

    static func stepDeclarations(_ policy: Policy) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let keys = policy.outcomes.map(\.key)
        let known = Set(keys)
        var ids: [String: StepSpec] = [:]
        for s in policy.steps {
            let who = "步骤 \(s.id)（\(s.title)）"
            if let other = ids[s.id] {
                out.append(Diagnostic(code: "step-duplicate-id", file: s.file, line: s.line,
                    "\(who)的 id 与 \(other.file):\(other.line) 的步骤重复；每个步骤的 id 必须唯一（测试、覆盖率和 explain 按 id 找步骤）"))
            }
            ids[s.id] = ids[s.id] ?? s
            if s.outcomes.isEmpty {
                out.append(Diagnostic(code: "step-no-outcomes", file: s.file, line: s.line,
                    "\(who)没有声明 outcomes：请列出它可能给出的每个结论键（年度报告格式据此核对）"))
            }
            for o in s.outcomes where !known.contains(o) {
                let near = keys.map { ($0, HeaderText.editDistance(o, $0)) }.filter { $0.1 <= 3 }.min { $0.1 < $1.1 }
                out.append(Diagnostic(code: "step-unknown-outcome", file: s.file, line: s.line,
                    "\(who)声明的结论 \(o) 不是 outcomes.lua 中的结论键\(near.map { "；是否想写 \($0.0)？" } ?? "；可用：\(keys.joined(separator: "、"))")"))
            }
            if s.articles.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                out.append(Diagnostic(code: "step-no-articles", file: s.file, line: s.line,
                    "\(who)没有引用任何条文（articles 为空）：每个步骤都必须注明所依据的条例条款，如 articles = { \"第三十六条第二项\" }"))
            }
        }
        // An outcome that no step can give is not an error (a recorded decision may still use
        // it), but its row of table 三 will only ever count recorded decisions.
        let given = Set(policy.steps.flatMap(\.outcomes))
        let outcomesFile = policy.steps.first.map { step -> String in
            guard let slash = step.file.lastIndex(of: "/") else { return "outcomes.lua" }
            return String(step.file[...slash]) + "outcomes.lua"
        }
        for o in policy.outcomes where !given.contains(o.key) {
            out.append(Diagnostic(.warning, code: "outcome-never-given", file: outcomesFile,
                "结论 \(o.key)（\(o.label)）没有任何决定步骤会给出：规则不会再得出这个结论，年度报告中这一行只统计台账中记录为该结果的申请"))
        }
        return out
    }

    // MARK: 6. Values the steps compare against

    static func staticScan(_ policy: Policy, folder: RulesFolder) -> [Diagnostic] {
        let files = Set(policy.steps.map(\.file))
        var out: [Diagnostic] = []
        for s in folder.sources where files.contains(s.path) {
            out += StepLiteralScan(policy: policy, path: s.path, source: s.code, steps: policy.steps).diagnostics()
        }
        return out
    }

    // MARK: 5. Reachability and outcomes, by running the rules

    static func reachability(_ r: StepReachability.Outcome, policy: Policy, search: StepReachability, engine: RuleEngine) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let steps = policy.steps
        func who(_ i: Int) -> String { "步骤 \(steps[i].id)（\(steps[i].title)）" }
        if let problem = r.setupProblem {
            out.append(Diagnostic(.warning, code: "check-search-unavailable", file: steps.first?.file, line: steps.first?.line,
                "\(problem)；未能检查步骤是否可达、结论是否与声明一致"))
        }
        if let imp = r.impure, steps.indices.contains(imp.step) {
            let s = steps[imp.step]
            let what = imp.error.map { "：\($0)" } ?? "修改了规则自己的状态（局部变量、upvalue 或模块中的表）"
            out.append(Diagnostic(code: "step-impure", file: s.file, line: s.line,
                "\(who(imp.step)) 在构造的台账行（\(search.describe(imp.row))）上\(what)。决定步骤只能读取这一行并作出结论：否则结论会取决于此前处理过哪些行（以及 --jobs 如何分配），govrules 记住相同取值的结论也就不再可靠"))
        }
        for f in r.failures {
            var d = engine.diagnostic(f.failure, file: steps.indices.contains(f.step) ? steps[f.step].file : nil,
                                      line: steps.indices.contains(f.step) ? steps[f.step].line : nil,
                                      context: "在构造的台账行（\(search.describe(f.row))）上")
            d.code = "step-runtime-error"
            // Point at the line that failed when Lua said which.
            if let r = d.message.range(of: "出错位置：", options: .backwards) {
                let position = d.message[r.upperBound...].prefix { $0 != "\n" }
                if let colon = position.lastIndex(of: ":"), let line = Int(position[position.index(after: colon)...]), line > 0 {
                    d.file = String(position[..<colon])
                    d.line = line
                }
            }
            out.append(d)
        }
        if r.setupProblem != nil { return out }
        if let row = r.undecidedRow, let last = steps.indices.last {
            out.append(Diagnostic(code: "steps-no-decision", file: steps[last].file, line: steps[last].line,
                "在台账行（\(search.describe(row))）上没有任何步骤作出决定，classify 会因此出错：最后一个步骤应当总能作出决定"))
        }
        let known = Set(policy.outcomes.map(\.key))
        let unsearched = steps.indices.filter { !r.searched[$0] && !r.reachable[$0] }
        if !unsearched.isEmpty {
            out.append(Diagnostic(.warning, code: "check-search-incomplete", file: steps[unsearched[0]].file, line: steps[unsearched[0]].line,
                "可达性检查已达到 \(r.rowsEvaluated) 行构造台账的上限，未能查完这些步骤：\(unsearched.map { steps[$0].id }.joined(separator: "、"))；它们是否可达、结论是否都能出现，请用测试用例（govrules test --coverage）确认"))
        }
        for (k, s) in steps.enumerated() {
            // Outcomes given that the step does not declare.
            for (text, seen) in r.observed[k].sorted(by: { $0.key < $1.key }) where !s.outcomes.contains(text) {
                var m: String
                if case .string = seen.value {
                    m = "\(who(k))给出了结论 \(text)，但它的 outcomes 没有声明这一结论（例如 \(search.describe(seen.row))）"
                    m += known.contains(text) ? "；请把 \(text) 加入 outcomes，或改正 decide" : "；而且 \(text) 不是 outcomes.lua 中的结论键"
                } else {
                    m = "\(who(k))返回了 \(text)，而结论应是 outcomes.lua 中的结论键（字符串）（例如 \(search.describe(seen.row))）"
                }
                out.append(Diagnostic(code: "step-undeclared-outcome", file: s.file, line: s.line, m))
            }
            if let b = r.blockedBy[k] {
                out.append(Diagnostic(.warning, code: "step-unreachable", file: s.file, line: s.line,
                    "\(who(k))永远不会被执行：它前面的\(who(b))对所有到达那里的台账行都已作出决定（尝试了 \(r.tried[b]) 种取值组合）；请把它移到步骤 \(steps[b].id) 之前，或删去"))
                continue
            }
            if !r.searched[k] && !r.reachable[k] { continue }
            // A step that failed while being searched is reported by its error.
            if !r.reachable[k] && r.failures.contains(where: { $0.step == k }) { continue }
            if !r.reachable[k] {
                let catchers = r.caughtBy[k].keys.sorted()
                let fields = r.reads[k].sorted().map { policy.columns[$0].key }
                let unknown = r.unknownReads[k].sorted().joined(separator: "、")
                var read = fields.isEmpty ? "它没有读取任何台账列" : "它读取的列：\(fields.joined(separator: "、"))"
                if !unknown.isEmpty {
                    read = fields.isEmpty ? "它只读取了 \(unknown)，这不是台账列，总是 nil" : read + "；它还读取了 \(unknown)，这不是台账列，总是 nil"
                }
                if catchers.isEmpty {
                    out.append(Diagnostic(.warning, code: "step-unreachable", file: s.file, line: s.line,
                        "\(who(k))在所有构造的台账行上都没有作出决定（尝试了 \(r.tried[k]) 种取值组合；\(read)）：它的条件可能永远不成立"))
                } else {
                    let names = catchers.map { who($0) }.joined(separator: "、")
                    let example = catchers.first.flatMap { c in r.caughtBy[k][c].map { rows in
                        "例如 \(rows.map(search.describe).joined(separator: "；")) 时由步骤 \(steps[c].id) 先作出决定" } } ?? ""
                    out.append(Diagnostic(.warning, code: "step-unreachable", file: s.file, line: s.line,
                        "\(who(k))不会作出决定：能使它作出决定的台账行都先被前面的\(names)处理了（\(example)；尝试了 \(r.tried[k]) 种取值组合，\(read)）；请调整步骤顺序或条件"))
                }
                continue
            }
            // Declared outcomes never given.
            for o in s.outcomes where r.observed[k][o] == nil && r.searched[k] {
                out.append(Diagnostic(.warning, code: "step-outcome-unobserved", file: s.file, line: s.line,
                    "\(who(k))声明的结论 \(o)：未能构造出使步骤给出该结论的台账行（尝试了 \(r.tried[k]) 种取值组合）；如果它确实不会出现，请从 outcomes 中删去"))
            }
        }
        return out
    }

    // MARK: 7. Calendar

    static func calendar(_ policy: Policy, folder: RulesFolder, today: Day, fromYear: Int) -> [Diagnostic] {
        let first = policy.calendarFirstYear, last = policy.calendarLastYear
        let file: String? = folder.sources.first { $0.module == "calendar" }?.path
        var out: [Diagnostic] = []
        let next = today.year + 1
        guard fromYear <= next else { return out }
        for y in fromYear...next where first == 0 || y < first || y > last {
            var m = "工作日历缺少 \(y) 年：请添加 \(folder.label)/calendar/\(y).lua（依据国务院办公厅关于\(y)年部分节假日安排的通知）"
            if y == next { m += "；该通知通常在上一年年底发布，发布后即应添加，以便计算跨年的答复期限" }
            else if y > today.year - 1 { m += "；没有它，收到日期或期限落在该年的申请都无法计算期限" }
            else { m += "；没有它，该年的台账无法分类" }
            out.append(Diagnostic(.warning, code: "calendar-year-missing", file: file, line: file == nil ? nil : 1, m))
        }
        return out
    }
}
