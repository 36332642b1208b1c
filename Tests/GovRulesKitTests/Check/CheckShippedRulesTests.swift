import Foundation
import Testing
@testable import GovRulesKit

/// `govrules check` on the rules and formats as shipped.
@Suite struct CheckShippedRulesTests {
    /// At the end of the last year the calendar covers, next year's file is due. (Not a fixed
    /// year: the test must hold after the policy officer adds next year's calendar.)
    @Test func shippedRulesPassWithNextYearCalendarWarning() throws {
        let w = try CheckWorkspace()
        defer { w.remove() }
        let last = try w.lastCalendarYear()
        let r = w.check(today: "\(last)-11-30")
        #expect(r.errors.isEmpty, "\(r.listing)")
        #expect(r.diagnostics.count == 1, "\(r.listing)")
        let d = try #require(r.with(code: "calendar-year-missing").first)
        #expect(d.severity == .warning)
        #expect(d.file == w.path("rules/calendar.lua") && d.line == 1)
        #expect(d.message.contains(w.rules + "/calendar/\(last + 1).lua"))
        #expect(r.status == 0)
        #expect(r.summary == "检查完成：0 个错误，1 个警告")
    }

    @Test func shippedRulesPassMidYear() throws {
        let w = try CheckWorkspace()
        defer { w.remove() }
        let r = w.check(today: "2025-06-01")
        #expect(r.diagnostics.isEmpty, "\(r.listing)")
        #expect(r.summary == "检查完成：0 个错误，0 个警告")
        #expect(r.stepCount == 11 && r.formatCount == 2)
    }

    /// Every step of the shipped rules is reachable and gives every outcome it declares, found
    /// quickly and on few rows.
    @Test func shippedStepsAreReachableWithEveryOutcome() throws {
        let engine = try RuleEngine(folder: RulesFolder(path: CheckWorkspace.repository.appendingPathComponent("rules").path))
        var search = StepReachability(engine: engine)
        let start = Date()
        let r = search.run()
        #expect(Date().timeIntervalSince(start) < 3)
        #expect(r.setupProblem == nil && r.failures.isEmpty && r.rowsRejected == 0)
        for (k, s) in engine.policy.steps.enumerated() {
            #expect(r.reachable[k], "\(s.id)")
            #expect(Set(r.observed[k].keys) == Set(s.outcomes), "\(s.id)")
        }
        let exemptions = try #require(engine.policy.steps.firstIndex { $0.id == "exemptions" })
        let read = Set(r.reads[exemptions].map { engine.policy.columns[$0].key })
        #expect(read == ["grounds", "third_party", "separable", "public_interest"])
    }

    @Test func commandOutcomeEndsWithTheSummary() throws {
        let w = try CheckWorkspace()
        defer { w.remove() }
        var o = CheckOptions(today: Day(year: try w.lastCalendarYear(), month: 11, day: 30)!)
        o.rules = w.rules
        o.reports = w.reports
        let outcome = CheckCommand.run(o)
        #expect(outcome.status == 0)
        #expect(outcome.diagnostics.map(\.code) == ["calendar-year-missing"])
        #expect(outcome.report.hasSuffix("检查完成：0 个错误，1 个警告\n"))
        #expect(outcome.diagnostics[0].description.hasPrefix(w.path("rules/calendar.lua") + ":1: warning[calendar-year-missing]: "))
    }
}

/// The limits of the reachability search.
@Suite struct CheckSearchLimitsTests {
    private func options(_ w: CheckWorkspace) -> CheckOptions {
        var o = CheckOptions(today: Day(iso: "2025-06-01")!)
        o.rules = w.rules
        o.reports = w.reports
        return o
    }

    /// Above the per-step limit the combinations are sampled, the same way on every run.
    @Test func samplingIsDeterministic() throws {
        let w = try CheckWorkspace()
        defer { w.remove() }
        var o = options(w)
        o.maxCandidatesPerStep = 20
        let a = CheckCommand.check(o), b = CheckCommand.check(o)
        #expect(a.errors.isEmpty, "\(a.listing)")
        #expect(a.diagnostics == b.diagnostics && a.rowsEvaluated == b.rowsEvaluated)
        #expect(a.rowsEvaluated < 313)
    }

    /// When the row budget runs out, the steps not searched are named once, not reported as
    /// unreachable.
    @Test func rowBudgetRunsOut() throws {
        let w = try CheckWorkspace()
        defer { w.remove() }
        var o = options(w)
        o.maxRowsSearched = 30
        let r = CheckCommand.check(o)
        #expect(r.errors.isEmpty && r.with(code: "step-unreachable").isEmpty && r.with(code: "step-outcome-unobserved").isEmpty, "\(r.listing)")
        let d = try #require(r.with(code: "check-search-incomplete").first, "\(r.listing)")
        #expect(d.message.contains("disclose"))
        #expect(r.rowsEvaluated == 30)
    }
}
