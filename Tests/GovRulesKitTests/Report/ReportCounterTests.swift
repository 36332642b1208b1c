import Testing
@testable import GovRulesKit

@Suite struct ReportCounterTests {
    private func day(_ s: String) -> Day { Day(iso: s)! }
    private func app(_ type: Int, _ received: String, _ replied: String?, _ outcome: String = "disclosed") -> ReportApplication {
        ReportApplication(applicantType: type, received: day(received), replied: replied.map(day), outcome: outcome)
    }

    @Test func countsByDecisionsSection4() {
        var c = ApplicationCounter(year: 2020)
        c.add(app(0, "2020-01-01", "2020-01-20"))                 // new, closed
        c.add(app(0, "2020-12-31", nil))                          // new, carried forward
        c.add(app(1, "2020-06-01", "2021-01-04", "partial"))      // new, closed next year → carried forward
        c.add(app(2, "2019-12-30", "2020-01-02", "partial"))      // carried over, closed
        c.add(app(2, "2019-05-01", nil))                          // carried over, still open → carried forward
        c.add(app(3, "2019-05-01", "2019-12-31"))                 // closed before Y: ignored
        c.add(app(4, "2021-01-01", nil))                          // received after Y: ignored
        c.add(app(5, "2020-03-03", "2020-12-31", "other.no_fee")) // closed on the last day
        #expect(c.new == [2, 1, 0, 0, 0, 1])
        #expect(c.carriedOver == [0, 0, 2, 0, 0, 0])
        #expect(c.carriedForward == [1, 1, 1, 0, 0, 0])
        #expect(c.closed["disclosed"] == [1, 0, 0, 0, 0, 0])
        #expect(c.closed["partial"] == [0, 0, 1, 0, 0, 0])
        #expect(c.closed["other.no_fee"] == [0, 0, 0, 0, 0, 1])
        #expect(c.closedTotal == [1, 0, 1, 0, 0, 1])
        for i in 0..<6 {
            #expect(c.new[i] + c.carriedOver[i] == c.closedTotal[i] + c.carriedForward[i])
        }
    }

    @Test func tableRowsFollowTheFormat() throws {
        var c = ApplicationCounter(year: 2020)
        c.add(app(0, "2020-02-01", "2020-03-01", "other.no_correction"))
        c.add(app(1, "2020-02-01", "2020-03-01", "other.no_fee"))
        c.add(app(1, "2020-02-01", "2020-03-01", "other.other"))
        let t2019 = ApplicationTable(format: try ReportFixtures.format("2019-60"), counter: c)
        #expect(t2019["other"] == [1, 2, 0, 0, 0, 0, 3])
        #expect(t2019["total"] == [1, 2, 0, 0, 0, 0, 3])
        #expect(t2019.rows["other.no_fee"] == nil)
        let t2021 = ApplicationTable(format: try ReportFixtures.format("2021-30"), counter: c)
        #expect(t2021["other.no_correction"] == [1, 0, 0, 0, 0, 0, 1])
        #expect(t2021["other.no_fee"] == [0, 1, 0, 0, 0, 0, 1])
        #expect(t2021["other.other"] == [0, 1, 0, 0, 0, 0, 1])
        #expect(t2021.rows["other"] == nil)
    }

    @Test func invalidApplicantTypeIsAnError() throws {
        var c = ApplicationCounter(year: 2020)
        c.add(app(6, "2020-02-01", nil))
        let request = ReportRequest(year: 2020, format: try ReportFixtures.format("2019-60"), counter: c,
                                    provenance: ReportFixtures.provenance)
        let errors = reportDiagnostics { _ = try buildReport(request) }
        #expect(errors.map(\.code) == ["report-applicant-type-invalid"])
    }

    @Test func counterYearMustMatch() throws {
        let request = ReportRequest(year: 2021, format: try ReportFixtures.format("2021-30"),
                                    counter: ApplicationCounter(year: 2020), provenance: ReportFixtures.provenance)
        let errors = reportDiagnostics { _ = try buildReport(request) }
        #expect(errors.map(\.code) == ["report-year-mismatch"])
    }
}

@Suite struct ReportAppealsTests {
    private func day(_ s: String) -> Day { Day(iso: s)! }

    @Test func countsByYearOfFilingAndConclusion() throws {
        let cases = [
            AppealCase(kind: .review, filed: day("2020-01-05"), result: .upheld, concluded: day("2020-03-01")),
            AppealCase(kind: .review, filed: day("2020-02-05"), result: .corrected, concluded: day("2020-12-31")),
            AppealCase(kind: .review, filed: day("2020-11-05"), result: .other, concluded: day("2021-01-10")), // concluded later → pending
            AppealCase(kind: .review, filed: day("2020-12-05")),                                                 // pending
            AppealCase(kind: .review, filed: day("2019-12-05"), result: .upheld, concluded: day("2020-02-01")), // other year
            AppealCase(kind: .litigation, route: .direct, filed: day("2020-04-01"), result: .other, concluded: day("2020-06-01")),
            AppealCase(kind: .litigation, route: .afterReview, filed: day("2020-04-01"), result: .corrected, concluded: day("2020-06-01")),
            AppealCase(kind: .litigation, route: .afterReview, filed: day("2020-05-01")),
        ]
        let t = try AppealTable.count(cases, year: 2020)
        #expect(t.values["review"] == ["upheld": 1, "corrected": 1, "other": 0, "pending": 2, "total": 4])
        #expect(t.values["litigation_direct"] == ["upheld": 0, "corrected": 0, "other": 1, "pending": 0, "total": 1])
        #expect(t.values["litigation_after_review"] == ["upheld": 0, "corrected": 1, "other": 0, "pending": 1, "total": 2])
    }

    @Test func litigationNeedsARoute() {
        let cases = [AppealCase(kind: .litigation, filed: day("2020-04-01"), id: "L-7", file: "appeals.csv", line: 4)]
        let errors = reportDiagnostics { _ = try AppealTable.count(cases, year: 2020) }
        #expect(errors.count == 1)
        #expect(errors.first?.code == "report-appeal-route-missing")
        #expect(errors.first?.description.hasPrefix("appeals.csv:4: error[report-appeal-route-missing]") == true)
        #expect(errors.first?.message.contains("L-7") == true)
    }
}
