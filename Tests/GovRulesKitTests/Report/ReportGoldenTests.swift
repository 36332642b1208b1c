import Foundation
import Testing
@testable import GovRulesKit

/// Every renderer × both formats, from a multi-year sample ledger (Fixtures/report/golden/).
/// Re-record with `GOVRULES_RECORD=1 swift test --filter Report` (the recording run fails on purpose).
@Suite struct ReportGoldenTests {
    /// The 2020 report (2019 format) and the 2021 report (2021 format) of the same ledger; the 2021
    /// report is checked against the 2020 report's JSON.
    static func reports() throws -> (r2020: AnnualReport, r2021: AnnualReport) {
        let r2020 = try buildReport(try ReportFixtures.goldenRequest(format: try ReportFixtures.format("2019-60"), year: 2020))
        let previous = try PreviousReport.parse(Data(r2020.render(.json).utf8), file: "2020.json")
        let r2021 = try buildReport(try ReportFixtures.goldenRequest(format: try ReportFixtures.format("2021-30"), year: 2021, previous: previous))
        return (r2020, r2021)
    }

    @Test(arguments: ReportOutputKind.textKinds)
    func golden(kind: ReportOutputKind) throws {
        let (r2020, r2021) = try Self.reports()
        ReportFixtures.assertGolden(r2020.render(kind), "golden/2019-60.\(kind.rawValue)")
        ReportFixtures.assertGolden(r2021.render(kind), "golden/2021-30.\(kind.rawValue)")
    }

    @Test func sampleFigures() throws {
        let (r2020, r2021) = try Self.reports()
        // 2020: 28 received in 2020, 4 carried over from 2019 (one closed in 2019 is not counted).
        #expect(r2020.applications["new"] == [16, 5, 1, 2, 2, 2, 28])
        #expect(r2020.applications["carried_over"] == [2, 1, 1, 0, 0, 0, 4])
        #expect(r2020.applications["total"] == [17, 5, 1, 2, 2, 1, 28])
        #expect(r2020.applications["other"] == [2, 1, 0, 0, 0, 0, 3])
        #expect(r2020.applications["carried_forward"] == [1, 1, 1, 0, 0, 1, 4])
        #expect(r2020.appeals.values["review"] == ["upheld": 1, "corrected": 1, "other": 1, "pending": 2, "total": 5])
        #expect(r2020.appeals.values["litigation_direct"] == ["upheld": 1, "corrected": 1, "other": 1, "pending": 1, "total": 4])
        #expect(r2020.appeals.values["litigation_after_review"] == ["upheld": 1, "corrected": 1, "other": 1, "pending": 1, "total": 4])
        #expect(r2021.applications["carried_over"] == r2020.applications["carried_forward"])
        #expect(r2021.applications["other.no_fee"] == [0, 2, 0, 0, 0, 0, 2])
        #expect(r2021.checks.filter { $0.name.hasPrefix("previous") }.count == 8)
        #expect(r2021.checks.allSatisfy { $0.ok })
        // The omitted 行政强制 / 处理决定数量 cell is printed as 0, with a warning.
        #expect(r2020.warnings.map(\.code) == ["report-proactive-missing-cell"])
        #expect(r2020.warnings.first?.message.contains("第二十条第（六）项 / 行政强制 / 处理决定数量") == true)
        #expect(r2021.warnings.isEmpty)
    }

    @Test func renderingIsDeterministic() throws {
        for kind in ReportOutputKind.allCases {
            let a = try Self.reports()
            let b = try Self.reports()
            #expect(try a.r2020.renderData(kind) == b.r2020.renderData(kind), "\(kind)")
            #expect(try a.r2021.renderData(kind) == b.r2021.renderData(kind), "\(kind)")
            #expect(try a.r2021.renderData(kind) == a.r2021.renderData(kind), "\(kind)")
        }
    }

    @Test func jsonFollowsTheCLIContract() throws {
        let (r2020, r2021) = try Self.reports()
        for (report, rowKeys) in [(r2020, ["other"]), (r2021, ["other.no_correction", "other.no_fee", "other.other"])] {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(report.render(.json).utf8)) as? [String: Any])
            #expect(Set(object.keys) == ["year", "format", "agency", "applications", "appeals", "proactive", "checks", "provenance"])
            let applications = try #require(object["applications"] as? [String: [String: Int]])
            let expectedRows = ["new", "carried_over", "total", "carried_forward", "disclosed", "partial"]
                + ReportFixtures.outcomeKeys.filter { $0.hasPrefix("withheld") || $0.hasPrefix("unavailable") || $0.hasPrefix("not_processed") }
                + rowKeys
            #expect(Set(applications.keys) == Set(expectedRows))
            for (_, columns) in applications {
                #expect(Set(columns.keys) == Set(ApplicantColumn.allKeys))
            }
            let appeals = try #require(object["appeals"] as? [String: [String: Int]])
            #expect(Set(appeals.keys) == ["review", "litigation_direct", "litigation_after_review"])
            #expect(Set(appeals["review"]!.keys) == ["upheld", "corrected", "other", "pending", "total"])
            let proactive = try #require(object["proactive"] as? [[String: String]])
            #expect(proactive.allSatisfy { Set($0.keys) == ["item", "row", "column", "value"] })
            let checks = try #require(object["checks"] as? [[String: Any]])
            #expect(checks.allSatisfy { $0["ok"] as? Bool == true && $0["name"] is String && $0["detail"] is String })
            let provenance = try #require(object["provenance"] as? [String: Any])
            #expect(provenance["generated_by"] as? String == "govrules 0.0.0-test")
            #expect((provenance["rules_sha256"] as? String)?.count == 64)
            #expect((provenance["inputs"] as? [[String: String]])?.first?["path"] == "ledger.csv")
        }
    }

    /// The provenance is metadata in every format that has a place for it, and on the page only
    /// when asked for.
    @Test func provenanceIsMetadataUnlessShown() throws {
        let (r2020, _) = try Self.reports()
        let rules = try #require(ReportFixtures.provenance.rulesSHA256)
        let json = r2020.render(.json)
        #expect(json.contains("\"rules_sha256\": \"\(rules)\""))

        let html = r2020.render(.html)
        let head = try #require(html.components(separatedBy: "</head>").first)
        #expect(head.contains("<meta name=\"govrules:rules-sha256\" content=\"\(rules)\">"))
        #expect(head.contains("<meta name=\"generator\" content=\"govrules 0.0.0-test\">"))
        #expect(!html.components(separatedBy: "<body>")[1].contains(rules))
        #expect(!html.contains("<footer class=\"provenance\">"))

        let md = r2020.render(.md)
        let comment = try #require(md.components(separatedBy: "<!--").last)
        #expect(comment.contains(rules) && comment.hasSuffix("-->\n"))
        #expect(!md.components(separatedBy: "<!--")[0].contains(rules))

        #expect(!r2020.render(.txt).contains(rules))

        for kind in [ReportOutputKind.txt, .md, .html] {
            let shown = r2020.render(kind, showProvenance: true)
            #expect(shown.contains("规则目录 SHA-256：\(rules)"), "\(kind)")
            #expect(shown.contains("本报告由 govrules 0.0.0-test 生成"), "\(kind)")
        }
        #expect(r2020.render(.txt, showProvenance: true).hasPrefix(r2020.render(.txt).dropLast()))
    }

    @Test func htmlIsSelfContainedAndMergesCellsLikeTheOfficialTable() throws {
        let (r2020, r2021) = try Self.reports()
        for (report, rowspan) in [(r2020, 20), (r2021, 22)] {
            let html = report.render(.html)
            #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script") && !html.contains("<link"))
            #expect(html.contains("@page { size: A4;"))
            #expect(html.contains("<th class=\"note\" rowspan=\"3\" colspan=\"3\">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</th><th class=\"header\" colspan=\"7\">申请人情况</th>"))
            #expect(html.contains("<th class=\"header\" rowspan=\"2\">自然人</th><th class=\"header\" colspan=\"5\">法人或其他组织</th><th class=\"header\" rowspan=\"2\">总计</th>"))
            #expect(html.contains("<th class=\"group l0\" rowspan=\"\(rowspan)\" scope=\"row\">三、本年度办理结果</th>"))
            #expect(html.contains("<th class=\"group l1\" rowspan=\"8\" scope=\"row\">（三）不予公开</th>"))
            #expect(html.contains("<th class=\"header\" colspan=\"5\">行政复议</th><th class=\"header\" colspan=\"10\">行政诉讼</th>"))
            #expect(html.contains("<th class=\"label l0\" colspan=\"3\" scope=\"row\">四、结转下年度继续办理</th>"))
        }
        #expect(r2021.render(.html).contains("<th class=\"group l1\" rowspan=\"3\" scope=\"row\">（六）其他处理</th>"))
    }
}
