import Foundation
import Testing
@testable import GovRulesKit

/// Reproduces a real published report: 南山嘴乡 2020 (2019 format, no applications).
@Suite struct ReportReferenceTests {
    /// The label and number tokens of a plain-text report, in order. Each line is one token, trimmed;
    /// the word processor's artefacts are ignored: `[bookmark: _GoBack]`, blank lines, and a line
    /// break inside a table cell (a line without the leading tab right after a cell line continues
    /// that cell, e.g. "本年新" / "制作数量").
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var previousWasCell = false
        for raw in text.replacingOccurrences(of: "[bookmark: _GoBack]", with: "").split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            let token = line.trimmingCharacters(in: .whitespaces)
            if token.isEmpty {
                previousWasCell = false
                continue
            }
            if previousWasCell && !line.hasPrefix("\t") {
                tokens[tokens.count - 1] += token
                continue
            }
            tokens.append(token)
            previousWasCell = line.hasPrefix("\t")
        }
        return tokens
    }

    /// The report without its provenance footer (which the published text does not have).
    static func body(_ txt: String) -> String {
        guard let r = txt.range(of: "\n" + provenanceRule + "\n") else { return txt }
        return String(txt[..<r.lowerBound])
    }

    func township2020() throws -> AnnualReport {
        let dir = "township2020"
        let request = ReportRequest(
            year: 2020, agency: "南山嘴乡", format: try ReportFixtures.format("2019-60"),
            counter: ApplicationCounter(year: 2020),
            proactive: try ReportFixtures.proactive("\(dir)/proactive.csv"),
            narrative: try Narrative.load(path: ReportFixtures.path("\(dir)/narrative.md")),
            provenance: ReportFixtures.provenance)
        return try buildReport(request)
    }

    @Test func township2020MatchesThePublishedText() throws {
        let report = try township2020()
        let expected = Self.tokens(try ReportFixtures.text("township2020/reference.txt"))
        let actual = Self.tokens(Self.body(report.render(.txt)))
        #expect(expected.count > 300)
        if actual != expected {
            let i = (0..<min(actual.count, expected.count)).first { actual[$0] != expected[$0] } ?? min(actual.count, expected.count)
            Issue.record("""
                token \(i + 1) differs (of \(expected.count) expected, \(actual.count) rendered):
                  expected: \(i < expected.count ? expected[i] : "<end>")
                  rendered: \(i < actual.count ? actual[i] : "<end>")
                """)
        }
        // The only warning: table 二 cells the office left out are printed as 0.
        #expect(report.warnings.map(\.code) == ["report-proactive-missing-cell"])
        #expect(report.checks.allSatisfy { $0.ok })
    }

    @Test func township2020InEveryOutputFormat() throws {
        let report = try township2020()
        let json = report.render(.json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["year"] as? Int == 2020)
        #expect(object["format"] as? String == "2019-60")
        #expect(object["agency"] as? String == "南山嘴乡")
        let html = report.render(.html)
        #expect(html.contains("<h1><span>南山嘴乡</span><span>2020年政府信息公开工作年度报告</span></h1>"))
        #expect(html.contains("（国办公开办函〔2019〕60号）有关规定编制"))
        let md = report.render(.md)
        #expect(md.hasPrefix("# 南山嘴乡2020年政府信息公开工作年度报告\n"))
        #expect(md.contains("\n## 六、其他需要报告的事项\n\n无。\n"))
    }
}
