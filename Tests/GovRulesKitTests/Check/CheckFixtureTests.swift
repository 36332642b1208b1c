import Foundation
import Testing
@testable import GovRulesKit

/// One broken copy of the shipped rules or formats per test: the edit is
/// `Fixtures/check/<test name>.edit`.
@Suite struct CheckFixtureTests {
    private func run(_ fixture: String, today: String = "2025-06-01") throws -> (CheckWorkspace, CheckResult) {
        let w = try CheckWorkspace(fixture: fixture)
        return (w, w.check(today: today))
    }

    @Test func stepGivingUndeclaredOutcome() throws {
        let (w, r) = try run("stepGivingUndeclaredOutcome")
        defer { w.remove() }
        let d = try #require(r.with(code: "step-undeclared-outcome").first, "\(r.listing)")
        #expect(d.severity == .error)
        let line1 = try w.decideLine("fee")
        #expect(d.file == w.path("rules/steps.lua") && d.line == line1)
        #expect(d.message.contains("步骤 fee") && d.message.contains("other.other"))
        #expect(d.message.contains("缴费情况=逾期未缴"))
        // The outcome it declares is now never given.
        let u = try #require(r.with(code: "step-outcome-unobserved").first)
        #expect(u.severity == .warning && u.line == d.line && u.message.contains("other.no_fee"))
        #expect(r.status == 1)
    }

    @Test func outcomeNoFormatCounts() throws {
        let (w, r) = try run("outcomeNoFormatCounts")
        defer { w.remove() }
        let found = r.with(code: "outcome-not-in-format")
        #expect(found.count == 2, "\(r.listing)")
        for name in ["2019-60", "2021-30"] {
            let d = try #require(found.first { $0.file == w.path("reports/\(name).json") })
            #expect(d.severity == .error)
            // Where the row would go: after the last unavailable.* row.
            let line2 = try w.line(of: "\"key\": \"not_processed.petition\"", in: "reports/\(name).json")
            #expect(d.line == line2)
            #expect(d.message.contains("unavailable.lost") && d.message.contains("信息已灭失"))
        }
        // The new outcome is otherwise fine: declared, known, and given.
        #expect(r.errors.count == 2, "\(r.listing)")
        #expect(r.warningCount == 0, "\(r.listing)")
    }

    @Test func outcomeWithoutReplyLetter() throws {
        let (w, r) = try run("outcomeWithoutReplyLetter")
        defer { w.remove() }
        let d = try #require(r.with(code: "letters-outcome-no-reply").first, "\(r.listing)")
        #expect(d.severity == .error && d.file == w.path("rules/letters.lua"))
        #expect(d.message.contains("other.other") && d.message.contains("答复书"))
        let misspelt = try #require(r.with(code: "letters-reply-unknown-outcome").first, "\(r.listing)")
        #expect(misspelt.message.contains("other.other_renamed"))
        #expect(r.errors.count == 2, "\(r.listing)")
    }

    @Test func stepWithNoArticles() throws {
        let (w, r) = try run("stepWithNoArticles")
        defer { w.remove() }
        #expect(r.errors.count == 1, "\(r.listing)")
        let d = try #require(r.with(code: "step-no-articles").first)
        let line3 = try w.decideLine("excessive")
        #expect(d.file == w.path("rules/steps.lua") && d.line == line3)
        #expect(d.message.contains("步骤 excessive") && d.message.contains("articles"))
    }

    @Test func stepShadowedByEarlierStep() throws {
        let (w, r) = try run("stepShadowedByEarlierStep")
        defer { w.remove() }
        #expect(r.errors.isEmpty, "\(r.listing)")
        let found = r.with(code: "step-unreachable")
        #expect(found.count == 1, "\(r.listing)")
        let d = try #require(found.first)
        #expect(d.severity == .warning)
        let line4 = try w.decideLine("other_agency")
        #expect(d.file == w.path("rules/steps.lua") && d.line == line4)
        #expect(d.message.contains("步骤 other_agency") && d.message.contains("步骤 holder"))
        #expect(d.message.contains("信息掌握情况=非本机关负责"))
        #expect(r.status == 0)
    }

    @Test func stepAfterDisclose() throws {
        let (w, r) = try run("stepAfterDisclose")
        defer { w.remove() }
        #expect(r.errors.isEmpty, "\(r.listing)")
        let found = r.with(code: "step-unreachable")
        #expect(found.count == 1, "\(r.listing)")
        let d = try #require(found.first)
        let line5 = try w.decideLine("late_withdrawal")
        #expect(d.file == w.path("rules/steps.lua") && d.line == line5)
        #expect(d.message.contains("步骤 late_withdrawal") && d.message.contains("永远不会被执行") && d.message.contains("步骤 disclose"))
        #expect(r.rowsEvaluated < 20_000)
    }

    @Test func misspeltEnumLiteral() throws {
        let (w, r) = try run("misspeltEnumLiteral")
        defer { w.remove() }
        let d = try #require(r.with(code: "step-enum-value").first, "\(r.listing)")
        #expect(r.with(code: "step-enum-value").count == 1)
        #expect(d.severity == .error)
        let line6 = try w.line(of: "\"not_corected\"", in: "rules/steps.lua")
        #expect(d.file == w.path("rules/steps.lua") && d.line == line6)
        #expect(d.message.contains("correction == \"not_corected\""))
        #expect(d.message.contains("none") && d.message.contains("still_unclear"))
        #expect(d.message.contains("是否想写 not_corrected"))
        // The running rules agree: other.no_correction can no longer be given.
        #expect(r.with(code: "step-outcome-unobserved").first?.message.contains("other.no_correction") == true)
    }

    @Test func misspeltEnumTableKey() throws {
        let (w, r) = try run("misspeltEnumTableKey")
        defer { w.remove() }
        let d = try #require(r.with(code: "step-enum-value").first, "\(r.listing)")
        let line7 = try w.line(of: "publicaton =", in: "rules/steps.lua")
        #expect(d.file == w.path("rules/steps.lua") && d.line == line7)
        #expect(d.message.contains("by_nature") && d.message.contains("\"publicaton\"") && d.message.contains("publication"))
        #expect(r.with(code: "step-outcome-unobserved").first?.message.contains("not_processed.publication") == true)
    }

    @Test func calendarYearMissingInMiddle() throws {
        let (w, r) = try run("calendarYearMissingInMiddle")
        defer { w.remove() }
        #expect(r.status == 1)
        let d = try #require(r.errors.first, "\(r.listing)")
        #expect(d.code == "rule-error")
        // The file that raised it (calendar.lua, which loads the calendar files), not policy.lua.
        #expect(d.file == w.path("rules/calendar.lua"))
        #expect(d.line != nil)
        #expect(d.message.contains("calendar/2022.lua"))
        // The formats are still checked, as far as they can be without the rules.
        #expect(r.formatCount == 2)
        #expect(r.errors.count == 1, "\(r.listing)")
    }

    @Test func formatCountsUnknownKey() throws {
        let (w, r) = try run("formatCountsUnknownKey")
        defer { w.remove() }
        #expect(r.errors.count == 1, "\(r.listing)")
        let d = try #require(r.with(code: "report-format-unknown-outcome").first)
        let line8 = try w.line(of: "\"other.misc\"", in: "reports/2021-30.json")
        #expect(d.file == w.path("reports/2021-30.json") && d.line == line8)
        #expect(d.message.contains("other.misc"))
    }

    @Test func unsupportedApiVersion() throws {
        let (w, r) = try run("unsupportedApiVersion")
        defer { w.remove() }
        let d = try #require(r.errors.first, "\(r.listing)")
        #expect(d.code == "rules-api-version" && d.file == w.path("rules/policy.lua"))
        #expect(d.message.contains("api_version = 2"))
        #expect(r.status == 1)
    }

    @Test func formatsCoverTheSameYear() throws {
        let (w, r) = try run("formatsCoverTheSameYear")
        defer { w.remove() }
        #expect(r.errors.count == 1, "\(r.listing)")
        let d = try #require(r.with(code: "report-format-overlap").first)
        let line9 = try w.line(of: "\"from_year\"", in: "reports/2021-30.json")
        #expect(d.file == w.path("reports/2021-30.json") && d.line == line9)
        #expect(d.message.contains("2019-60.json") && d.message.contains("\"to_year\": 2020"))
    }

    @Test func stepReadsUnknownField() throws {
        let (w, r) = try run("stepReadsUnknownField")
        defer { w.remove() }
        let d = try #require(r.with(code: "step-unknown-field").first, "\(r.listing)")
        let line10 = try w.line(of: "a.withdrawm", in: "rules/steps.lua")
        #expect(d.file == w.path("rules/steps.lua") && d.line == line10)
        #expect(d.message.contains("a.withdrawm") && d.message.contains("是否想写 withdrawn"))
        // The search sees a step that never decides.
        let u = try #require(r.with(code: "step-unreachable").first)
        let line11 = try w.decideLine("withdrawn")
        #expect(u.line == line11)
    }

    @Test func stepDeclaresUnknownOutcome() throws {
        let (w, r) = try run("stepDeclaresUnknownOutcome")
        defer { w.remove() }
        let d = try #require(r.with(code: "step-unknown-outcome").first, "\(r.listing)")
        let line12 = try w.decideLine("fee")
        #expect(d.file == w.path("rules/steps.lua") && d.line == line12)
        #expect(d.message.contains("other.no_fe") && d.message.contains("是否想写 other.no_fee"))
        // …and gives other.no_fee, which it no longer declares.
        #expect(r.with(code: "step-undeclared-outcome").first?.message.contains("other.no_fee") == true)
    }

    @Test func stepComparesBoolWithString() throws {
        let (w, r) = try run("stepComparesBoolWithString")
        defer { w.remove() }
        let d = try #require(r.with(code: "step-compare-type").first, "\(r.listing)")
        let line13 = try w.line(of: "a.already_public == \"是\"", in: "rules/steps.lua")
        #expect(d.file == w.path("rules/steps.lua") && d.line == line13)
        #expect(d.message.contains("already_public") && d.message.contains("true、false"))
    }

    @Test func commentsAndStringsAreNotCode() throws {
        let (w, r) = try run("commentsAndStringsAreNotCode")
        defer { w.remove() }
        #expect(r.diagnostics.isEmpty, "\(r.listing)")
    }
}

/// Rules that fail, or leave a row undecided, on valid rows.
@Suite struct CheckRuleFailureTests {
    @Test func stepFailsOnSomeRows() throws {
        let w = try CheckWorkspace(fixture: "stepFailsOnSomeRows")
        defer { w.remove() }
        let r = w.check()
        let d = try #require(r.with(code: "step-runtime-error").first, "\(r.listing)")
        let line = try w.line(of: "\"not_processed.repeat\" .. a.subject", in: "rules/steps.lua")
        #expect(d.severity == .error && d.file == w.path("rules/steps.lua") && d.line == line)
        #expect(d.message.contains("重复申请=是") && d.message.contains("concatenate"))
        #expect(r.status == 1)
    }

    @Test func lastStepDoesNotAlwaysDecide() throws {
        let w = try CheckWorkspace(fixture: "lastStepDoesNotAlwaysDecide")
        defer { w.remove() }
        let r = w.check()
        #expect(r.errors.count == 1, "\(r.listing)")
        let d = try #require(r.with(code: "steps-no-decision").first)
        let line = try w.decideLine("disclose")
        #expect(d.file == w.path("rules/steps.lua") && d.line == line)
        #expect(d.message.contains("申请方式=传真"))
    }
}
