import Foundation
import Testing
@testable import GovRulesKit

/// The decision memo (CLuaSandbox.h, memo.c) is sound only while a step is a pure function of the
/// cells it reads. These tests change one step of the shipped rules at a time and hold the memo to
/// the output of --no-memo: a step that keeps a counter or writes to a module table is caught (the
/// memo switches itself off, the run warns, and `check` names the step), a step cannot write to the
/// row, a step that calls `require` is not remembered, and a full memo only stops remembering.
@Suite("Decision memo")
struct MemoTests {
    static let repoRoot = FastPathTests.repoRoot

    /// The shipped rules with `old` replaced by `new` in `file`.
    static func rules(patching file: String = "steps.lua", _ old: String, _ new: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("govrules-memo-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("rules"), to: dir)
        let url = dir.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        try #require(text.contains(old), "the patch must apply")
        try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
        return dir
    }

    /// Small enough that no row takes the unhooked fast path: a step that keeps state would see a
    /// row run twice there (fast, then counted), with or without the memo.
    static var countedLimits: SandboxLimits {
        var l = SandboxLimits()
        l.instructionsPerRow = 2_000_000
        return l
    }

    /// Classifies examples/requests.csv; returns the outcome and the output's bytes.
    static func classify(rules: URL?, memo: Bool, jobs: Int = 1, limits: SandboxLimits = countedLimits,
                         ledger: String = "examples/requests.csv") throws -> (CommandOutcome, Data?) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("govrules-memo-out-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: out) }
        var o = ClassifyOptions(ledgers: [repoRoot.appendingPathComponent(ledger).path], asOf: Day(year: 2025, month: 1, day: 10)!)
        o.rules = (rules ?? repoRoot.appendingPathComponent("rules")).path
        o.output = out.path
        o.jobs = jobs
        o.keepGoing = true
        o.limits = limits
        o.limits.memo = memo
        let outcome = ClassifyCommand.run(o)
        return (outcome, try? Data(contentsOf: out))
    }

    static let alreadyPublic = """
      decide = function(a)
        if a.already_public then return "disclosed" end
    """

    @Test func theShippedRulesAnswerMostRowsFromTheMemoWithTheSameOutput() throws {
        let folder = try RulesFolder.locate(Self.repoRoot.appendingPathComponent("rules").path)
        let engine = try RuleEngine(folder: folder, limits: Self.countedLimits)
        let run = try LedgerRun(engine: engine, ledgers: [Self.repoRoot.appendingPathComponent("examples/requests.csv").path],
                                asOf: Day(year: 2025, month: 1, day: 10)!)
        var rows = 0
        try run.run(accept: { _, _, _ in rows += 1 }, reject: { _, _, _ in })
        let status = try #require(engine.memoStatus)
        #expect(status.hits + status.misses == rows)
        #expect(status.hits > 0 && status.paths == status.misses && !status.switchedOff && !status.full)
        let (memo, a) = try Self.classify(rules: nil, memo: true)
        let (plain, b) = try Self.classify(rules: nil, memo: false)
        #expect(memo.status == 0 && plain.status == 0)
        #expect(a != nil && a == b)
        #expect(memo.diagnostics.map(\.description) == plain.diagnostics.map(\.description))
    }

    @Test func aStepThatKeepsACounterSwitchesTheMemoOffAndCheckNamesIt() throws {
        // Every other row that reaches the step is decided differently: not a function of the row.
        let rules = try Self.rules(Self.alreadyPublic, """
          decide = function(a)
            counter = counter + 1
            if a.already_public and counter % 2 == 0 then return "disclosed" end
            if a.already_public then return "partial" end
        """)
        try patch(rules, "local steps = {}", "local steps = {}\nlocal counter = 0")
        for jobs in [1, 2] {
            let (memo, a) = try Self.classify(rules: rules, memo: true, jobs: jobs)
            let (plain, b) = try Self.classify(rules: rules, memo: false, jobs: jobs)
            #expect(a != nil && a == b, "jobs \(jobs): the memo must not change the output")
            #expect(memo.diagnostics.contains { $0.code == "rules-impure" }, "\(memo.diagnostics)")
            #expect(!plain.diagnostics.contains { $0.code == "rules-impure" })
        }
        let found = CheckCommand.check(checkOptions(rules))
        let impure = try #require(found.diagnostics.first { $0.code == "step-impure" }, "\(found.diagnostics)")
        #expect(impure.message.contains("already_public"))
        #expect(impure.file?.hasSuffix("steps.lua") == true && impure.line != nil)
        #expect(impure.severity == .error)
    }

    @Test func aStepThatWritesToAModuleTableIsCaught() throws {
        let rules = try Self.rules(Self.alreadyPublic, """
          decide = function(a)
            by_nature.seen = (by_nature.seen or 0) + 1
            if a.already_public then return "disclosed" end
        """)
        let (memo, a) = try Self.classify(rules: rules, memo: true)
        let (_, b) = try Self.classify(rules: rules, memo: false)
        #expect(a != nil && a == b)
        #expect(memo.diagnostics.contains { $0.code == "rules-impure" })
        let found = CheckCommand.check(checkOptions(rules))
        #expect(found.diagnostics.contains { $0.code == "step-impure" && $0.message.contains("already_public") },
                "\(found.diagnostics)")
    }

    @Test func aStepCannotWriteToTheRowOrToAListCell() throws {
        for write in ["a.subject = \"x\"", "a.withdrawn_later = true", "if a.grounds then a.grounds[1] = 'x' end"] {
            let rules = try Self.rules(Self.alreadyPublic, """
              decide = function(a)
                \(write)
                if a.already_public then return "disclosed" end
            """)
            let (memo, a) = try Self.classify(rules: rules, memo: true)
            let (plain, b) = try Self.classify(rules: rules, memo: false)
            #expect(a == b, "\(write)")
            #expect(memo.diagnostics.map(\.description) == plain.diagnostics.map(\.description), "\(write)")
            let errors = memo.diagnostics.filter { $0.severity == .error }
            #expect(!errors.isEmpty && errors.allSatisfy { $0.message.contains("不能修改台账行") }, "\(write): \(errors)")
            let found = CheckCommand.check(checkOptions(rules))
            #expect(found.diagnostics.contains { $0.code == "step-impure" && $0.message.contains("不能修改台账行") }, "\(write)")
        }
    }

    @Test func aStepThatRequiresAModuleIsNotRemembered() throws {
        let rules = try Self.rules(Self.alreadyPublic, """
          decide = function(a)
            local outcomes = require "outcomes"
            if a.already_public and #outcomes > 0 then return "disclosed" end
        """)
        let (memo, a) = try Self.classify(rules: rules, memo: true)
        let (_, b) = try Self.classify(rules: rules, memo: false)
        #expect(memo.status == 0 && a != nil && a == b)
        let folder = try RulesFolder.locate(rules.path)
        let engine = try RuleEngine(folder: folder, limits: Self.countedLimits)
        let run = try LedgerRun(engine: engine, ledgers: [Self.repoRoot.appendingPathComponent("examples/requests.csv").path],
                                asOf: Day(year: 2025, month: 1, day: 10)!)
        try run.run(accept: { _, _, _ in }, reject: { _, _, _ in })
        let status = try #require(engine.memoStatus)
        // Rows decided before the step still have their paths remembered; none that reach it.
        #expect(status.hits > 0 && !status.switchedOff)
        #expect(status.paths < status.misses, "\(status)")
    }

    @Test func aFullMemoStopsRememberingAndChangesNothing() throws {
        var limits = Self.countedLimits
        limits.memoNodes = 6
        let folder = try RulesFolder.locate(Self.repoRoot.appendingPathComponent("rules").path)
        let engine = try RuleEngine(folder: folder, limits: limits)
        let run = try LedgerRun(engine: engine, ledgers: [Self.repoRoot.appendingPathComponent("examples/requests.csv").path],
                                asOf: Day(year: 2025, month: 1, day: 10)!)
        try run.run(accept: { _, _, _ in }, reject: { _, _, _ in })
        let status = try #require(engine.memoStatus)
        #expect(status.full && status.nodes <= 6 && status.paths > 0)
        let (_, a) = try Self.classify(rules: nil, memo: true, limits: limits)
        let (_, b) = try Self.classify(rules: nil, memo: false)
        #expect(a != nil && a == b)
    }

    @Test func coverageRunsNeverUseTheMemo() throws {
        let folder = try RulesFolder.locate(Self.repoRoot.appendingPathComponent("rules").path)
        #expect(try RuleEngine(folder: folder, limits: Self.countedLimits, coverage: true).memoStatus == nil)
        var off = Self.countedLimits
        off.memo = false
        #expect(try RuleEngine(folder: folder, limits: off).memoStatus == nil)
        #expect(try RuleEngine(folder: folder, limits: Self.countedLimits).memoStatus != nil)
    }

    func patch(_ rules: URL, _ old: String, _ new: String, file: String = "steps.lua") throws {
        let url = rules.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        try #require(text.contains(old))
        try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
    }

    func checkOptions(_ rules: URL) -> CheckOptions {
        var o = CheckOptions(today: Day(year: 2025, month: 1, day: 10)!)
        o.rules = rules.path
        o.reports = Self.repoRoot.appendingPathComponent("reports").path
        return o
    }
}
