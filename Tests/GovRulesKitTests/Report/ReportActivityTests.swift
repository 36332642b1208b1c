import Testing
@testable import GovRulesKit

/// The narrative's figures beyond table 三: deadlines, consultations, extensions, fees.
@Suite struct ReportActivityTests {
    private func app(_ received: String, _ replied: String?, _ activity: ApplicationActivity) -> ReportApplication {
        ReportApplication(applicantType: 0, received: Day(iso: received)!, replied: replied.flatMap { Day(iso: $0) },
                          outcome: "disclosed", activity: activity)
    }

    private func day(_ s: String) -> Day { Day(iso: s)! }

    private func sample() -> ApplicationCounter {
        var counter = ApplicationCounter(year: 2024)
        counter.add(contentsOf: [
            app("2024-01-08", "2024-01-18", ApplicationActivity(status: .onTime, finalDue: day("2024-02-05"))),
            app("2024-05-06", "2024-06-04", ApplicationActivity(status: .late, finalDue: day("2024-05-31"), extended: true)),
            // Carried over from 2023, consulted in 2023: the consultation is not this year's.
            app("2023-12-11", "2024-01-05", ApplicationActivity(status: .onTime, finalDue: day("2024-01-10"), consulted: day("2023-12-15"))),
            // Open on 31 December and past its final due date, closed (late) in 2025.
            app("2024-10-31", "2025-01-08", ApplicationActivity(status: .late, finalDue: day("2024-11-28"), consulted: day("2024-11-04"))),
            // Open on 31 December, not yet due.
            app("2024-12-20", nil, ApplicationActivity(status: .pending, finalDue: day("2025-01-20"), feeNotice: day("2024-12-23"))),
            app("2024-07-15", "2024-08-14", ApplicationActivity(status: .onTime, finalDue: day("2024-08-20"), feeNotice: day("2024-07-22"),
                                                               feePaid: day("2024-07-26"), feeAmount: 1700)),
            app("2024-04-29", "2024-06-14", ApplicationActivity(status: .onTime, finalDue: day("2024-06-20"), feeNotice: day("2024-05-08"),
                                                               feeNotPaid: true)),
            app("2024-03-01", "2024-03-20", ApplicationActivity(status: .onTime, finalDue: day("2024-03-29"), feeNotice: day("2024-03-05"),
                                                               feePaid: day("2024-03-08"))),
            // Not this year's at all: received after it, or closed before it.
            app("2025-01-02", nil, ApplicationActivity(status: .overdue, finalDue: day("2025-01-03"), consulted: day("2025-01-03"), extended: true)),
            app("2023-11-01", "2023-11-20", ApplicationActivity(status: .late, extended: true, feePaid: day("2023-11-10"), feeAmount: 100)),
            // No activity read (a caller that did not ask): counted in table 三 only.
            ReportApplication(applicantType: 0, received: day("2024-02-01"), replied: day("2024-02-20"), outcome: "disclosed"),
        ])
        return counter
    }

    @Test func countsTheYearsActivity() {
        let a = sample().activity
        #expect(a.closedOnTime == 5)
        #expect(a.closedLate == 1)
        #expect(a.overdueAtYearEnd == 1)
        #expect(a.consulted == 1)
        #expect(a.extended == 1)
        #expect(a.feeNotices == 4)
        #expect(a.feesPaid == 2)
        #expect(a.feeAmount == 1700)
        #expect(a.feesPaidWithoutAmount == 1)
        #expect(a.feesNotPaid == 1)
    }

    @Test func narrativeInsertsThemByChineseAndEnglishNames() throws {
        let text = """
            ## 一、总体情况
            按期{{按期办结}}，逾期{{逾期办结}}/{{closed.late}}，年末逾期{{年末逾期未办结}}，征求{{征求意见}}，延期{{延期答复}}。
            ## 六、其他需要报告的事项
            通知{{收费通知}}，收费{{收费件数}}件{{收费金额}}元（{{fee.amount}}），未缴{{逾期未缴费}}。
            """
        let report = try buildReport(ReportRequest(
            year: 2024, agency: "示例乡", format: try ReportFixtures.format("2021-30"), counter: sample(),
            narrative: Narrative.parse(text, file: "n.md"), provenance: ReportFixtures.provenance, allowInconsistent: true))
        let txt = report.render(.txt)
        #expect(txt.contains("按期5，逾期1/1，年末逾期1，征求1，延期1。"))
        #expect(txt.contains("通知4，收费2件1700元（1700），未缴1。"))
        // One paid fee has no amount: the sum leaves it out, and says so.
        let missing = report.warnings.filter { $0.code == "report-fee-amount-missing" }
        #expect(missing.count == 1)
        #expect(missing.first?.message.contains("1 件本年度已缴费的申请未填写“收费金额”") == true)
    }

    /// The skeleton is a narrative the report accepts as it is: every prose section, the format's
    /// sub-points, and only figures that exist.
    @Test(arguments: ["2019-60", "2021-30"])
    func skeletonIsAValidNarrative(formatName: String) throws {
        let format = try ReportFixtures.format(formatName)
        let year = formatName == "2019-60" ? 2020 : 2021
        let text = NarrativeSkeleton.text(format: format, year: year)
        let narrative = Narrative.parse(text, file: "skeleton.md")
        #expect(narrative.sections.map(\.heading) == format.sections.filter { $0.content == .prose }.map(\.heading))
        let overview = narrative.sections[0].blocks.filter { $0.kind == .subheading }.map { $0.lines[0].text }
        #expect(overview == ["（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）政府信息公开平台建设", "（五）监督保障"])
        let report = try buildReport(ReportRequest(
            year: year, agency: "示例乡", format: format, counter: ApplicationCounter(year: year),
            narrative: narrative, provenance: ReportFixtures.provenance))
        let txt = report.render(.txt)
        #expect(!txt.contains("{{"))
        #expect(txt.contains("全年新收政府信息公开申请0件"))
        #expect(txt.contains("逾期办结0件"))
        #expect(!txt.contains("<!--") && !txt.contains("请撰写"))
        // The fee measure applies from 2021: only the 30号 skeleton reports fees.
        #expect(txt.contains("收取信息处理费0件、共计0元") == (formatName == "2021-30"))
    }
}
