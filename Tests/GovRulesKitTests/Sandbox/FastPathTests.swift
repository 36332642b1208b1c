import Foundation
import Testing
@testable import GovRulesKit
#if canImport(Glibc)
import Glibc
#endif

/// Rows first run without the instruction-count hook, and are run again counted when that run
/// cannot prove it stayed within the budget (see "The fast path" in sandbox.c). These tests hold
/// the fast path to the same verdicts as the counted run: every escape attempt, a slow but
/// legitimate row, identical output on a real ledger, and a thread that cannot be signalled.
@Suite("Sandbox fast path")
struct FastPathTests {
    /// A budget large enough for the fast path (its slice must be at least 1 ms).
    static var fastLimits: SandboxLimits {
        var l = SandboxHarness.quickLimits
        l.instructionsPerRow = 20_000_000
        return l
    }

    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theDefaultBudgetUsesTheFastPathAndSmallOnesDoNot() throws {
        RuleEngine.allowPreemptionOnThisThread()
        let folder = try RulesFolder.locate(Self.repoRoot.appendingPathComponent("rules").path)
        #expect(try RuleEngine(folder: folder, limits: SandboxLimits()).fastPathEnabled)
        #expect(try RuleEngine(folder: folder, limits: Self.fastLimits).fastPathEnabled)
        #expect(try !RuleEngine(folder: folder, limits: SandboxHarness.quickLimits).fastPathEnabled)
        #expect(try !RuleEngine(folder: folder, limits: SandboxLimits(), coverage: true).fastPathEnabled,
                "coverage needs the line hook on every row")
    }

    @Test(arguments: SandboxEscapeTests.attempts)
    func escapeFailsTheSameWayOnTheFastPath(_ attempt: SandboxEscapeTests.Attempt) throws {
        RuleEngine.allowPreemptionOnThisThread()
        try? FileManager.default.removeItem(atPath: SandboxEscapeTests.marker)
        let started = Date()
        let (outcome, output) = try SandboxHarness.classify(perRow: attempt.snippet, limits: Self.fastLimits)
        #expect(outcome.status == 1, "\(attempt.name): exit status")
        #expect(output == nil, "\(attempt.name): nothing may be written to -o")
        #expect(!FileManager.default.fileExists(atPath: SandboxEscapeTests.marker), "\(attempt.name): side effect happened")
        let errors = outcome.diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 2, "\(attempt.name): both rows fail on their own")
        let first = try #require(errors.first)
        #expect(first.code == attempt.code, "\(attempt.name): \(first)")
        #expect(first.message.contains(attempt.messagePart), "\(attempt.name): \(first.message)")
        #expect(first.line == 2)
        // Stopped by the budget, not by the 10-second row timeout (which would end the process).
        #expect(Date().timeIntervalSince(started) < 8, "\(attempt.name) took too long")
    }

    @Test func aSlowRowWithinTheBudgetIsRunAgainCountedAndSucceeds() throws {
        RuleEngine.allowPreemptionOnThisThread()
        // About 6 million instructions: longer than the fast path's 2.5 ms slice on any machine
        // this runs on, well within the 20 million budget.
        let (outcome, output) = try SandboxHarness.classify(
            perRow: "local x = 0 for i = 1, 3000000 do x = x + i end assert(x > 0)", rows: 2, limits: Self.fastLimits)
        #expect(outcome.status == 0, "\(outcome.diagnostics)")
        #expect(output?.contains("A-2") == true)
    }

    @Test func fastAndCountedRunsGiveTheSameBytes() throws {
        RuleEngine.allowPreemptionOnThisThread()
        func run(_ limits: SandboxLimits) throws -> (CommandOutcome, Data) {
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("govrules-fast-\(UUID().uuidString).csv")
            defer { try? FileManager.default.removeItem(at: out) }
            var o = ClassifyOptions(ledgers: [Self.repoRoot.appendingPathComponent("examples/requests.csv").path],
                                    asOf: Day(year: 2025, month: 1, day: 10)!)
            o.rules = Self.repoRoot.appendingPathComponent("rules").path
            o.output = out.path
            o.limits = limits
            let outcome = ClassifyCommand.run(o)
            return (outcome, try Data(contentsOf: out))
        }
        var counted = SandboxLimits()
        counted.instructionsPerRow = 3_000_000   // below the fast path's minimum: every row counted
        let (fastOutcome, fast) = try run(SandboxLimits())
        let (countedOutcome, slow) = try run(counted)
        #expect(fastOutcome.status == 0 && countedOutcome.status == 0)
        #expect(fast.count > 10_000)
        #expect(fast == slow)

        // Without the decision memo: a row it has not seen also walks the rules' state (a fraction
        // of a millisecond), which on a loaded machine can push a row past the slice; this counts
        // the fast path alone.
        var noMemo = SandboxLimits()
        noMemo.memo = false
        let measured = try RulesBenchmark.run(ledger: Self.repoRoot.appendingPathComponent("examples/requests.csv").path,
                                              rules: Self.repoRoot.appendingPathComponent("rules").path,
                                              asOf: Day(year: 2025, month: 1, day: 10)!, limits: noMemo)
        #expect(measured.rows == 58)
        // Every row fits the slice on an idle machine; under load (the test suite runs many
        // processes at once) a row the scheduler preempts for longer than a slice is run again
        // counted, which is exactly the design, so only most rows must take the fast path.
        #expect(measured.fastRows + measured.countedRows == 58, "\(measured)")
        #expect(measured.fastRows >= 40, "\(measured)")
    }

    @Test func aThreadThatBlocksThePreemptionSignalRunsRowsCounted() throws {
        // libdispatch's threads block every signal: a runaway row there must still be stopped by
        // the budget, not left to the 10-second timeout that ends the process.
        final class Box: @unchecked Sendable { var result: (CommandOutcome, String?)?; var error: Error? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let t = Thread {
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, SIGUSR2)
            pthread_sigmask(SIG_BLOCK, &set, nil)
            do { box.result = try SandboxHarness.classify(perRow: "while true do end", rows: 1, limits: Self.fastLimits) } catch { box.error = error }
            done.signal()
        }
        t.start()
        #expect(done.wait(timeout: .now() + 8) == .success, "the row was not stopped")
        let (outcome, output) = try #require(box.result)
        #expect(output == nil)
        #expect(outcome.diagnostics.first?.code == "rule-budget", "\(outcome.diagnostics)")
    }

    @Test func aModuleRequiredWhileARowRunsIsLoadedForThatRowOnly() throws {
        // Loading `heavy` costs about as much as the row's own work; the two together exceed the
        // budget. Every row must fail alike, whichever row happened to load the module first (or
        // whether a row was run twice), or the verdict would depend on how rows were split.
        let heavy = "local x = 0 for i = 1, 700000 do x = x + i end return { x = x }"
        var limits = SandboxHarness.quickLimits
        limits.instructionsPerRow = 2_000_000
        let (outcome, output) = try SandboxHarness.classify(
            perRow: "local h = require('heavy') local y = 0 for i = 1, 700000 do y = y + i end assert(h.x == y)",
            extraModules: ["heavy": heavy], rows: 3, limits: limits)
        #expect(output == nil)
        let errors = outcome.diagnostics.filter { $0.code == "rule-budget" }
        #expect(errors.map(\.line) == [2, 3, 4], "\(outcome.diagnostics)")
        // Stopped alike, at the same rule line: three such rows end the run (RunawayRules).
        #expect(outcome.diagnostics.last?.code == "rule-runaway", "\(outcome.diagnostics)")

        // Within the budget, a row-time require works, row after row.
        limits.instructionsPerRow = 4_000_000
        let (fine, text) = try SandboxHarness.classify(
            perRow: "local h = require('heavy') local y = 0 for i = 1, 700000 do y = y + i end assert(h.x == y)",
            extraModules: ["heavy": heavy], rows: 3, limits: limits)
        #expect(fine.status == 0, "\(fine.diagnostics)")
        #expect(text?.contains("A-3") == true)
    }
}
