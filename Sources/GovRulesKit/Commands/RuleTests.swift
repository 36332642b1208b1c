import Foundation
import CLuaSandbox

/// `govrules test`: the rule test cases in rules/tests/*.csv, one row per case: ledger columns as
/// input, `expect_*` columns as the expected result. A blank expectation is not checked.
public struct RuleTestOptions: Sendable {
    public enum Format: String, Sendable, CaseIterable { case text, junit }
    public var rules: String?
    /// Test files; default every .csv in <rules>/tests.
    public var files: [String] = []
    /// Run only the case with this id (申请编号) or at this row (`FILE:ROW`).
    public var only: String?
    public var format: Format = .text
    public var limits = SandboxLimits()
    /// Report which steps (and each outcome a step can give) and which rule lines the cases ran.
    public var coverage = false
    /// Fail when step coverage is below this percentage (implies `coverage`).
    public var minCoverage: Double?
    /// Fail when rule-line coverage is below this percentage (implies `coverage`).
    public var minLineCoverage: Double?
    /// Write the actual results into the expectation cells of failing cases (TestTableEdit).
    public var accept = false
    public init() {}
}

/// One expectation a test table may state.
enum Expectation: String, CaseIterable {
    case outcome = "expect_outcome"
    case step = "expect_step"
    case recorded = "expect_recorded"
    case regime = "expect_regime"
    case start = "expect_start"
    case due = "expect_due"
    case finalDue = "expect_final_due"
    case status = "expect_status"
    case warnings = "expect_warnings"
    /// The row must be rejected with a message containing this text.
    case error = "expect_error"
    /// The letters the row gets (rules/letters.lua), in any order, joined with ；: 补正告知书；答复书. 无: none.
    case letters = "expect_letters"

    var field: String { String(rawValue.dropFirst("expect_".count)) }
}

public struct RuleTestCase: Sendable {
    public var file: String
    public var row: Int
    public var id: String
    public var name: String
    /// (field, expected, actual) for each expectation that failed.
    public var failures: [(field: String, expected: String, actual: String)]
    public var error: String?
    public var passed: Bool { failures.isEmpty && error == nil }
    /// The step that decided and its outcome (for coverage).
    public var step: Int?
    public var outcome: Int?
    /// For `--accept`: the new text of each failing expectation cell, and why a failure could
    /// not be accepted.
    var fixes: [TestTableEdit.Cell] = []
    var notAccepted: [String] = []
}

public enum RuleTestCommand {
    static let caseNameHeaders = ["用例", "case", "name", "用例名称"]
    static let asOfHeaders = ["as_of", "截至日期"]

    public static func run(_ o: RuleTestOptions, write: (String) -> Void) -> CommandOutcome {
        do {
            let folder = try RulesFolder.locate(o.rules)
            let wantCoverage = o.coverage || o.minCoverage != nil || o.minLineCoverage != nil
            let engine = try RuleEngine(folder: folder, limits: o.limits, coverage: wantCoverage)
            var files = o.files
            if files.isEmpty {
                let dir = folder.url.appendingPathComponent("tests")
                let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
                // Workbooks too; not the lock files Excel (~$) and LibreOffice (.~lock) leave beside an open one.
                files = names.filter { ($0.hasSuffix(".csv") || $0.hasSuffix(".xlsx")) && !$0.hasPrefix("~$") && !$0.hasPrefix(".") }.sorted().map { folder.label + "/tests/" + $0 }
                if files.isEmpty {
                    throw Diagnostic(code: "tests-none", file: folder.label + "/tests",
                                     "没有找到测试用例表（\(folder.label)/tests/*.csv 或 *.xlsx）")
                }
            }
            var cases: [RuleTestCase] = []
            var problems: [Diagnostic] = []
            var warnings: [Diagnostic] = []
            for file in files {
                do { cases += try runFile(file, engine: engine, only: o.only, warnings: &warnings) }
                catch let d as Diagnostic { problems.append(d) }
                catch let l as DiagnosticList { problems += l.diagnostics }
            }
            if !problems.isEmpty { return CommandOutcome(status: 1, diagnostics: problems) }
            if let only = o.only, cases.isEmpty {
                throw Diagnostic(code: "tests-no-match", "没有找到用例“\(only)”（可写申请编号，或 文件:行号）")
            }
            var coverageReport: Coverage?
            if wantCoverage { coverageReport = Coverage(cases: cases, engine: engine) }
            switch o.format {
            case .text:
                write(text(cases, rulesArg: o.rules))
                if let c = coverageReport { write(c.text) }
            case .junit: write(junit(cases))
            }
            var failed = cases.filter { !$0.passed }.count
            var hint = ""
            if o.accept && failed > 0 {
                failed = try accept(cases, o: o, engine: engine, files: files, write: write)
            } else if failed > 0 {
                hint = "若这些变化是有意的（如改了期限规则），可运行 govrules test\(o.rules.map { " --rules \($0)" } ?? "") --accept，把实际结果写入失败用例的期望列。\n"
            }
            var outcome = CommandOutcome(status: failed == 0 ? 0 : 1, diagnostics: warnings, report: hint)
            if let c = coverageReport {
                if let min = o.minCoverage, c.stepPercent < min {
                    outcome.status = 1
                    outcome.diagnostics.append(Diagnostic(code: "coverage-low",
                        "决定步骤覆盖率 \(Coverage.percent(c.stepPercent)) 低于要求的 \(Coverage.percent(min))；请为上面列出的未覆盖步骤补充用例"))
                }
                if let min = o.minLineCoverage, c.linePercent < min {
                    outcome.status = 1
                    outcome.diagnostics.append(Diagnostic(code: "coverage-low",
                        "规则行覆盖率 \(Coverage.percent(c.linePercent)) 低于要求的 \(Coverage.percent(min))"))
                }
            }
            return outcome
        } catch {
            return .failure(error)
        }
    }

    /// `--accept`: writes the actual results into the failing expectation cells, printing each
    /// change, then runs the cases again. Returns how many cases still fail.
    static func accept(_ cases: [RuleTestCase], o: RuleTestOptions, engine: RuleEngine, files: [String],
                       write: (String) -> Void) throws -> Int {
        var s = "\n--accept：把实际结果写入失败用例的期望列\n"
        var edited: [String] = []
        var cells = 0
        var accepted = 0
        for file in files {
            let failing = cases.filter { $0.file == file && !$0.passed }
            for c in failing where c.fixes.isEmpty || !c.notAccepted.isEmpty {
                let why = c.notAccepted.isEmpty ? ["用例出错：\(c.error ?? "")"] : c.notAccepted
                for w in why { s += "  未接受 \(c.file):\(c.row)  \(w)\n" }
            }
            // A case is accepted whole or not at all: half its cells would leave it failing.
            let whole = failing.filter { !$0.fixes.isEmpty && $0.notAccepted.isEmpty }
            let cellsToWrite = whole.flatMap(\.fixes)
            guard !cellsToWrite.isEmpty else { continue }
            try TestTableEdit.apply(path: file, cells: cellsToWrite)
            for f in cellsToWrite.sorted(by: { ($0.row, $0.field) < ($1.row, $1.field) }) {
                s += "  \(file):\(f.row)  \(f.column)：\(f.old.isEmpty ? "（空）" : f.old) → \(f.new)\n"
            }
            cells += cellsToWrite.count
            accepted += whole.count
            edited.append(file)
        }
        if edited.isEmpty {
            write(s + "没有写入任何更改。\n")
            return cases.filter { !$0.passed }.count
        }
        // Run again from the files as now written.
        var again: [RuleTestCase] = []
        var ignored: [Diagnostic] = []
        for file in files { again += try runFile(file, engine: engine, only: o.only, warnings: &ignored) }
        let stillFailing = again.filter { !$0.passed }.count
        s += "已更新 \(cells) 个单元格（\(accepted) 个用例），写入 \(edited.joined(separator: "、"))。\n"
        s += "重新运行：\(again.count - stillFailing) passed, \(stillFailing) failed\n"
        write(s)
        return stillFailing
    }

    /// `warnings` receives the table's header warnings (a title row skipped, a misspelt column).
    static func runFile(_ path: String, engine: RuleEngine, only: String?, warnings: inout [Diagnostic]) throws -> [RuleTestCase] {
        let policy = engine.policy
        let reader = try TableFile.open(path: path)
        guard let headerRow = try HeaderSearch.locate(in: reader, file: path, columns: policy.columns) else {
            throw Diagnostic(code: "tests-empty", file: path, "测试用例表是空的：前\(HeaderSearch.searchRows)行内应有表头")
        }
        let header = headerRow.cells
        // Columns that are not ledger columns must be known test columns: a misspelt
        // expectation must not pass silently.
        var ledgerHeader = header
        var expectationField: [Expectation: Int] = [:]
        var nameField: Int?
        var asOfField: Int?
        var problems: [Diagnostic] = []
        let known = Set(policy.columns.flatMap { [$0.key, $0.header] + $0.aliases }.map(HeaderText.normalize))
        for (i, h) in header.enumerated() {
            let n = HeaderText.normalize(h)
            if let e = Expectation.allCases.first(where: { $0.rawValue == n }) {
                expectationField[e] = i; ledgerHeader[i] = ""
            } else if caseNameHeaders.contains(n) {
                nameField = i; ledgerHeader[i] = ""
            } else if asOfHeaders.contains(n) {
                asOfField = i; ledgerHeader[i] = ""
            } else if !n.isEmpty && !known.contains(n) {
                let hint = n.hasPrefix("expect") ? "可用的期望列：\(Expectation.allCases.map(\.rawValue).joined(separator: "、"))"
                    : "应为台账的列名（如 收到日期 / received）、用例、as_of 或 expect_* 期望列"
                problems.append(Diagnostic(code: "tests-unknown-column", file: path, line: headerRow.row,
                                           "第\(i + 1)列“\(h)”不是已知的列；\(hint)"))
            }
        }
        if expectationField.isEmpty {
            problems.append(Diagnostic(code: "tests-no-expectation", file: path, line: headerRow.row,
                "测试用例表没有任何期望列（\(Expectation.allCases.map(\.rawValue).joined(separator: "、"))）"))
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
        let map = try HeaderMap(header: ledgerHeader, file: path, columns: policy.columns, headerRow: headerRow.row,
                                warnings: headerRow.warning.map { [$0] } ?? [])
        map.columnLetters = reader.namesColumnsByLetter
        warnings += map.warnings
        let decoder = RowDecoder(engine: engine)
        var cases: [RuleTestCase] = []
        let expectedErrorField = expectationField[.error]
        func finish(_ c: inout RuleTestCase, _ record: CSVRecord) {
            let expected = expectedErrorField.map { record.string($0).trimmed } ?? ""
            if expected.isEmpty {
                if c.error != nil { c.notAccepted.append("用例出错，没有可写入期望列的结果；请先改正用例或规则") }
                return
            }
            if let e = c.error, e.contains(expected) { c.error = nil; return }
            c.failures.append(("error", expected, c.error ?? "（无错误）"))
            if let e = c.error, let fragment = TestTableEdit.fragment(e), let f = expectedErrorField {
                c.fixes.append(.init(row: record.row, field: f, column: header[f], old: record.string(f), new: fragment))
            } else {
                c.notAccepted.append("expect_error：这一行不再出错；请手工填写它应有的结果，再删去 expect_error")
            }
            c.error = nil
        }
        while let record = try reader.next() {
            if record.isBlank { continue }
            let id = record.string(map.fieldOfColumn[decoder.idColumn!] ?? 0).trimmed
            if let only, only != id && only != "\(path):\(record.row)" { continue }
            var c = RuleTestCase(file: path, row: record.row, id: id,
                                 name: nameField.map { record.string($0).trimmed } ?? "", failures: [])
            let asOfText = asOfField.map { record.string($0).trimmed } ?? ""
            let asOf: Day
            if asOfText.isEmpty {
                asOf = Day(year: policy.calendarLastYear, month: 12, day: 31) ?? Day(number: 0)
            } else if let d = Day(iso: asOfText) ?? parseLooseDate(asOfText) {
                asOf = d
            } else {
                c.error = "as_of 的值“\(asOfText)”不是有效日期"
                cases.append(c); continue
            }
            let problems = CellErrors.merge(CellErrors.problems(reader.cellErrors, record: record, map: map),
                                            into: decoder.decode(record, map: map))
            if !problems.isEmpty {
                c.error = problems.map(\.message).joined(separator: "；")
                finish(&c, record); cases.append(c); continue
            }
            let evaluated = engine.evaluate(decoder, asOf: asOf)
            let raw: RawResult
            switch evaluated {
            case .success(let r): raw = r
            case .failure(let f):
                c.error = engine.diagnostic(f, context: "").message
                finish(&c, record); cases.append(c); continue
            }
            if raw.invalidCount > 0 {
                c.error = engine.lastInvalid().map { "\($0.column)：\($0.message)" }.joined(separator: "；")
                finish(&c, record); cases.append(c); continue
            }
            c.step = raw.step >= 0 ? raw.step : nil
            c.outcome = raw.outcome
            let warnings = raw.warningCount > 0 ? engine.lastWarnings() : []
            finish(&c, record)
            for (e, f) in expectationField.sorted(by: { $0.value < $1.value }) where e != .error {
                let expected = record.string(f).trimmed
                if expected.isEmpty { continue }
                let actual = e == .letters ? lettersValue(engine: engine, decoder: decoder, asOf: asOf)
                    : actualValue(e, raw, warnings, decoder: decoder, policy: policy)
                if !matches(e, expected: expected, actual: actual, warnings: warnings) {
                    c.failures.append((e.field, expected, actual))
                    if let text = acceptedText(e, actual: actual, warnings: warnings) {
                        c.fixes.append(.init(row: record.row, field: f, column: header[f], old: record.string(f), new: text))
                    } else {
                        c.notAccepted.append("\(e.rawValue)：实际结果为空，而空白的期望列表示不检查；请手工处理")
                    }
                }
            }
            cases.append(c)
        }
        return cases
    }

    /// The cell text that makes expectation `e` hold for this actual result (nil: none can).
    static func acceptedText(_ e: Expectation, actual: String, warnings: [String]) -> String? {
        switch e {
        case .start, .due, .finalDue: return actual.isEmpty ? "无" : actual
        case .warnings:
            if warnings.isEmpty { return "无" }
            // Each warning by its text up to the first ；, which is what matches() splits on.
            let parts = warnings.map(TestTableEdit.fragment)
            return parts.contains(where: { $0 == nil }) ? nil : parts.map { $0! }.joined(separator: "；")
        case .error: return nil
        case .letters: return actual.isEmpty || actual == "（规则出错）" ? nil : actual
        default: return actual.isEmpty ? nil : actual
        }
    }

    /// The kinds of letter the row gets, joined with ；, or 无.
    static func lettersValue(engine: RuleEngine, decoder: RowDecoder, asOf: Day) -> String {
        guard case .success(let trace) = engine.explain(decoder, asOf: asOf), let t = trace.table else { return "（规则出错）" }
        let kinds = LetterMaker.kinds(fromTrace: t)
        return kinds.isEmpty ? "无" : kinds.joined(separator: "；")
    }

    static func parseLooseDate(_ s: String) -> Day? {
        var b = Array(s.utf8)
        return b.withUnsafeMutableBufferPointer { ValueParser.date(UnsafeBufferPointer($0)) }
    }

    static func actualValue(_ e: Expectation, _ r: RawResult, _ warnings: [String], decoder: RowDecoder, policy: Policy) -> String {
        switch e {
        case .outcome: return policy.outcomes[r.outcome].key
        case .step: return r.step >= 0 ? policy.steps[r.step].id : ""
        case .recorded: return decoder.recordedOutcome.map { policy.outcomes[$0].key } ?? ""
        case .regime: return r.regime.map(String.init) ?? ""
        case .start: return r.start?.iso ?? ""
        case .due: return r.due?.iso ?? ""
        case .finalDue: return r.finalDue?.iso ?? ""
        case .status: return r.status?.key ?? ""
        case .warnings: return warnings.isEmpty ? "无" : warnings.joined(separator: "；")
        case .error, .letters: return ""
        }
    }

    static func matches(_ e: Expectation, expected: String, actual: String, warnings: [String]) -> Bool {
        switch e {
        case .warnings:
            if expected == "无" { return warnings.isEmpty }
            let parts = expected.split(whereSeparator: { $0 == "；" || $0 == ";" }).map { String($0).trimmed }.filter { !$0.isEmpty }
            return parts.count == warnings.count && parts.allSatisfy { p in warnings.contains { $0.contains(p) } }
        case .letters:
            func set(_ s: String) -> [String] {
                s.split(whereSeparator: { $0 == "；" || $0 == ";" || $0 == "、" }).map { String($0).trimmed }.filter { !$0.isEmpty && $0 != "无" }.sorted()
            }
            return set(expected) == set(actual)
        case .start, .due, .finalDue:
            if ["空", "无", "-"].contains(expected) { return actual.isEmpty }
            return (Day(iso: expected) ?? parseLooseDate(expected))?.iso == actual
        default:
            return expected.lowercased() == actual.lowercased()
        }
    }

    static func text(_ cases: [RuleTestCase], rulesArg: String?) -> String {
        var s = ""
        for c in cases {
            let title = c.name.isEmpty ? c.id : "\(c.id) \(c.name)"
            if c.passed {
                s += "PASS  \(c.file):\(c.row)  \(title)\n"
                continue
            }
            s += "FAIL  \(c.file):\(c.row)  \(title)\n"
            if let e = c.error { s += "      错误：\(e)\n" }
            for f in c.failures {
                s += "      \(f.field)：期望 \(f.expected)，实际 \(f.actual.isEmpty ? "（空）" : f.actual)\n"
            }
            let rules = rulesArg.map { " --rules \($0)" } ?? ""
            s += "      重新运行此用例：govrules test\(rules) --case \(c.file):\(c.row)\n"
        }
        let failed = cases.filter { !$0.passed }.count
        s += "\n\(cases.count - failed) passed, \(failed) failed\n"
        return s
    }

    static func junit(_ cases: [RuleTestCase]) -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let failed = cases.filter { !$0.passed }.count
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"govrules\" tests=\"\(cases.count)\" failures=\"\(failed)\">\n"
        for c in cases {
            s += "  <testcase classname=\"\(esc(c.file))\" name=\"\(esc(c.id + (c.name.isEmpty ? "" : " " + c.name)))\""
            if c.passed { s += "/>\n"; continue }
            let detail = ([c.error].compactMap { $0 } + c.failures.map { "\($0.field): expected \($0.expected), got \($0.actual)" }).joined(separator: "\n")
            s += ">\n    <failure message=\"\(esc(c.file)):\(c.row)\">\(esc(detail))</failure>\n  </testcase>\n"
        }
        return s + "</testsuite>\n"
    }
}

/// What the test cases exercised: each (step, outcome) a step declares, and each rule line.
struct Coverage {
    var branches: [(step: StepSpec, outcome: String, covered: Bool)] = []
    var lines: [(file: String, executable: Set<Int>, run: Set<Int>)] = []

    init(cases: [RuleTestCase], engine: RuleEngine) {
        let policy = engine.policy
        var taken = Set<String>()
        for c in cases {
            if let s = c.step, let o = c.outcome { taken.insert(policy.steps[s].id + "\u{0}" + policy.outcomes[o].key) }
        }
        for step in policy.steps {
            for o in step.outcomes { branches.append((step, o, taken.contains(step.id + "\u{0}" + o))) }
        }
        let executable = engine.executableLines()
        let run = engine.coveredLines()
        let texts = Dictionary(engine.folder.sources.map { ($0.path, $0.code.split(separator: "\n", omittingEmptySubsequences: false)) },
                               uniquingKeysWith: { a, _ in a })
        for file in executable.keys.sorted() {
            // A closing `end` holds only the implicit return of a function that always returns
            // earlier: not a line anyone could cover.
            let code = executable[file]!.filter { line in
                guard let text = texts[file], line - 1 < text.count else { return true }
                let t = text[line - 1].trimmingCharacters(in: .whitespaces)
                return !["end", "end,", "end)", "end;", "end },", "end }"].contains(t)
            }
            lines.append((file, code, run[file, default: []].intersection(code)))
        }
    }

    var stepPercent: Double {
        branches.isEmpty ? 100 : 100 * Double(branches.filter(\.covered).count) / Double(branches.count)
    }

    var linePercent: Double {
        let total = lines.reduce(0) { $0 + $1.executable.count }
        let run = lines.reduce(0) { $0 + $1.run.count }
        return total == 0 ? 100 : 100 * Double(run) / Double(total)
    }

    static func percent(_ p: Double) -> String { String(format: "%.1f%%", p) }

    var text: String {
        var s = "\n覆盖率\n"
        let covered = branches.filter(\.covered).count
        s += "  决定步骤（每个步骤可给出的每个结论）：\(covered)/\(branches.count)（\(Coverage.percent(stepPercent))）\n"
        for b in branches where !b.covered {
            s += "    \(b.step.file):\(b.step.line): 未覆盖：步骤 \(b.step.id)（\(b.step.title)）→ \(b.outcome)\n"
        }
        let total = lines.reduce(0) { $0 + $1.executable.count }
        let run = lines.reduce(0) { $0 + $1.run.count }
        s += "  规则行：\(run)/\(total)（\(Coverage.percent(linePercent))）\n"
        for f in lines {
            let missing = f.executable.subtracting(f.run).sorted()
            if missing.isEmpty { continue }
            s += "    \(f.file): 未执行的行：\(Coverage.ranges(missing).map { "\(f.file):\($0)" }.joined(separator: " "))\n"
        }
        return s
    }

    /// [3,4,5,9] → ["3-5", "9"]
    static func ranges(_ lines: [Int]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < lines.count {
            var j = i
            while j + 1 < lines.count && lines[j + 1] == lines[j] + 1 { j += 1 }
            out.append(i == j ? "\(lines[i])" : "\(lines[i])-\(lines[j])")
            i = j + 1
        }
        return out
    }
}
