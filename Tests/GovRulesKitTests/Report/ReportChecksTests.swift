import Foundation
import Testing
@testable import GovRulesKit

/// Each check, made to fail by feeding a tampered table (the counted tables are consistent by
/// construction).
@Suite struct ReportChecksTests {
    private func sample() throws -> (format: ReportFormat, table: ApplicationTable, appeals: AppealTable) {
        let format = try ReportFixtures.format("2019-60")
        let request = try ReportFixtures.goldenRequest(format: format, year: 2020)
        let appeals = try AppealTable.count(request.appeals, year: 2020)
        return (format, ApplicationTable(format: format, counter: request.counter), appeals)
    }

    private func failed(_ checks: [ReportCheck]) -> [ReportCheck] { checks.filter { !$0.ok } }

    @Test func consistentTablesPassEveryCheck() throws {
        let (format, table, appeals) = try sample()
        let checks = ReportChecks.run(format: format, year: 2020, applications: table, appeals: appeals, previous: nil)
        #expect(checks.count == 7 + 23 + 7 + 3)
        #expect(failed(checks).isEmpty)
        #expect(checks.first == ReportCheck(name: "balance.natural_person", ok: true,
            detail: "自然人列：一、本年新收政府信息公开申请数量 16 + 二、上年结转政府信息公开申请数量 2 = 18 = 三（七）总计 17 + 四、结转下年度继续办理 1"))
    }

    @Test func balanceFailsForTheColumn() throws {
        var (format, table, appeals) = try sample()
        table.rows["carried_forward"]![2] += 1   // 科研机构
        table.rows["carried_forward"]![6] += 1
        let bad = failed(ReportChecks.run(format: format, year: 2020, applications: table, appeals: appeals, previous: nil))
        #expect(bad.map(\.name) == ["balance.research", "balance.total"])
        #expect(bad[0].detail == "科研机构列：一、本年新收政府信息公开申请数量 1 + 二、上年结转政府信息公开申请数量 1 = 2，不等于 三（七）总计 1 + 四、结转下年度继续办理 2 = 3")
    }

    @Test func rowTotalFailsForTheRow() throws {
        var (format, table, appeals) = try sample()
        table.rows["withheld.process_info"]![6] = 5
        let bad = failed(ReportChecks.run(format: format, year: 2020, applications: table, appeals: appeals, previous: nil))
        // The 总计 column of the detail rows no longer sums to （七） either.
        #expect(bad.map(\.name) == ["row_total.withheld.process_info", "detail_sum.total"])
        #expect(bad[0].detail == "6.属于四类过程性信息 行：总计列为 5，而各申请人列之和为 1")
    }

    @Test func detailRowsMustSumToTheTotal() throws {
        var (format, table, appeals) = try sample()
        table.rows["partial"]![1] += 1   // 商业企业, and its row total
        table.rows["partial"]![6] += 1
        let bad = failed(ReportChecks.run(format: format, year: 2020, applications: table, appeals: appeals, previous: nil))
        #expect(bad.map(\.name) == ["detail_sum.business", "detail_sum.total"])
        #expect(bad[0].detail == "商业企业列：办理结果各行之和为 6，而 三（七）总计 为 5")
    }

    @Test func anOutcomeTheFormatDoesNotCountIsNamed() throws {
        var counter = ApplicationCounter(year: 2020)
        counter.add(ReportApplication(applicantType: 0, received: Day(iso: "2020-03-01")!, replied: Day(iso: "2020-03-20")!, outcome: "other.transferred"))
        let request = ReportRequest(year: 2020, format: try ReportFixtures.format("2019-60"), counter: counter, provenance: ReportFixtures.provenance)
        let errors = reportDiagnostics { _ = try buildReport(request) }
        #expect(errors.map(\.code) == ["report-check-failed", "report-check-failed"])
        #expect(errors[0].message == "核对未通过（detail_sum.natural_person）：自然人列：办理结果各行之和为 0，而 三（七）总计 为 1；2019-60 格式没有计入这些办理结果的行：other.transferred 1 件。")
    }

    @Test func appealsBlockTotal() throws {
        var (format, table, appeals) = try sample()
        appeals["litigation_after_review", "pending"] += 2
        let bad = failed(ReportChecks.run(format: format, year: 2020, applications: table, appeals: appeals, previous: nil))
        #expect(bad.map(\.name) == ["appeals_total.litigation_after_review"])
        #expect(bad[0].detail == "复议后起诉：总计为 4，而 结果维持 1 + 结果纠正 1 + 其他结果 1 + 尚未审结 3 = 6")
    }

    @Test func previousYearMustAgree() throws {
        let (format, table, appeals) = try sample()
        var previous = PreviousReport(year: 2019, carriedForward: [
            "natural_person": 2, "business": 1, "research": 1, "nonprofit": 0, "legal_service": 0, "other_org": 0, "total": 4,
        ], file: "2019.json")
        #expect(failed(ReportChecks.run(format: format, year: 2020, applications: table, appeals: appeals, previous: previous)).isEmpty)
        previous.carriedForward["nonprofit"] = 1
        previous.carriedForward["total"] = 5
        previous.year = 2018
        let bad = failed(ReportChecks.run(format: format, year: 2020, applications: table, appeals: appeals, previous: previous))
        #expect(bad.map(\.name) == ["previous_year", "previous.nonprofit", "previous.total"])
        #expect(bad[0].detail == "上年报告（2019.json）是 2018 年度的，而本报告为 2020 年度，应提供 2019 年度的报告")
        #expect(bad[1].detail == "社会公益组织列：本年二、上年结转政府信息公开申请数量为 0，而 2018 年度报告的四、结转下年度继续办理为 1")
    }

    @Test func failedChecksAreErrorsUnlessAllowed() throws {
        let format = try ReportFixtures.format("2019-60")
        var request = try ReportFixtures.goldenRequest(format: format, year: 2020)
        let json = #"{"year": 2019, "format": "2019-60", "applications": {"carried_forward": {"natural_person": 3, "business": 1, "research": 1, "nonprofit": 0, "legal_service": 0, "other_org": 0, "total": 5}}}"#
        request.previous = try PreviousReport.parse(Data(json.utf8), file: "report-2019.json")
        let errors = reportDiagnostics { _ = try buildReport(request) }
        #expect(errors.map(\.description) == [
            "report-2019.json: error[report-check-failed]: 核对未通过（previous.natural_person）：自然人列：本年二、上年结转政府信息公开申请数量为 2，而 2019 年度报告的四、结转下年度继续办理为 3。",
            "report-2019.json: error[report-check-failed]: 核对未通过（previous.total）：总计列：本年二、上年结转政府信息公开申请数量为 4，而 2019 年度报告的四、结转下年度继续办理为 5。",
        ])

        request.allowInconsistent = true
        let report = try buildReport(request)
        #expect(report.warnings.filter { $0.code == "report-check-failed" }.map(\.severity) == [.warning, .warning])
        let json2 = report.render(.json)
        #expect(json2.contains(#"{"name": "previous.natural_person", "ok": false, "detail": "自然人列：本年二、上年结转政府信息公开申请数量为 2，而 2019 年度报告的四、结转下年度继续办理为 3"}"#))
        #expect(report.render(.txt, showProvenance: true).contains("数据核对：48 项中 2 项未通过（previous.natural_person、previous.total）。"))
    }

    @Test func previousReportMustBeAReport() {
        let errors = reportDiagnostics { _ = try PreviousReport.parse(Data(#"{"year": 2019}"#.utf8), file: "x.json") }
        #expect(errors.map(\.description) == ["x.json: error[report-previous-malformed]: 上年报告缺少 applications.carried_forward。"])
        let garbage = reportDiagnostics { _ = try PreviousReport.parse(Data("not json".utf8), file: "x.json") }
        #expect(garbage.map(\.code) == ["report-previous-malformed"])
    }
}
