import Testing
@testable import GovRulesKit

@Suite struct ReportNarrativeTests {
    private func build(_ narrative: String?, agency: String? = "示例乡", year: Int = 2021,
                       applications: [ReportApplication] = []) throws -> AnnualReport {
        var counter = ApplicationCounter(year: year)
        counter.add(contentsOf: applications)
        return try buildReport(ReportRequest(
            year: year, agency: agency, format: try ReportFixtures.format(year >= 2021 ? "2021-30" : "2019-60"),
            counter: counter, narrative: narrative.map { Narrative.parse($0, file: "narrative.md") },
            provenance: ReportFixtures.provenance))
    }

    private func app(_ type: Int, _ received: String, _ replied: String?) -> ReportApplication {
        ReportApplication(applicantType: type, received: Day(iso: received)!, replied: replied.flatMap { Day(iso: $0) }, outcome: "disclosed")
    }

    @Test func parsesPreambleSectionsParagraphsAndComments() {
        let n = Narrative.parse("""
            \u{FEFF}# 标题
            开头第一行，
            开头第二行。

            <!-- 注释
            跨行 -->
            ## 一、总体情况
            第一段
            continues here
            and here.

            ### （一）小标题
            第二段
            ## 六、其他需要报告的事项
            无。
            """, file: "n.md")
        #expect(n.ignoredTitleLines == [1])
        #expect(n.preamble.map { Narrative.Block.join($0.lines.map(\.text)) } == ["开头第一行，开头第二行。"])
        #expect(n.sections.map(\.heading) == ["一、总体情况", "六、其他需要报告的事项"])
        #expect(n.sections[0].line == 7)
        #expect(n.sections[0].blocks.map(\.kind) == [.paragraph, .subheading, .paragraph])
        #expect(Narrative.Block.join(n.sections[0].blocks[0].lines.map(\.text)) == "第一段continues here and here.")
        #expect(n.sections[0].blocks[2].lines.first?.number == 13)
    }

    @Test func figuresAreInsertedByEnglishAndChineseNames() throws {
        let report = try build("""
            ## 一、总体情况
            {{year}}年{{agency}}新收{{新收.总计}}件（{{new.total}}），其中自然人{{new.natural_person}}件、商业企业{{新收.商业企业}}件；
            上年结转{{carried_over}}件，结转下年度{{结转下年度.自然人}}件，予以公开{{予以公开.总计}}件，
            复议{{appeals.review.total}}件，诉讼{{行政诉讼.总计}}件，{{ appeals.litigation_direct.pending }}，{{proactive.行政许可.本年处理决定数量}}，
            {{withheld.third_party}}、{{ 危及"三安全一稳定".总计 }}、{{format.document_number}}。
            """, applications: [app(0, "2021-02-01", "2021-03-01"), app(1, "2021-02-01", nil), app(0, "2020-05-01", nil)])
        let text = report.render(.txt)
        #expect(text.contains("2021年示例乡新收2件（2），其中自然人1件、商业企业1件；上年结转1件，结转下年度1件，予以公开1件，复议0件，诉讼0件，0，0，0、0、国办公开办函〔2021〕30号。"))
        #expect(report.warnings.map(\.code) == ["report-proactive-missing-cell", "report-narrative-section-missing", "report-narrative-section-missing"])
    }

    @Test func unknownFigureNamesFileAndLine() throws {
        let errors = reportDiagnostics {
            _ = try build("""
                前言 {{year}}

                ## 五、存在的主要问题及改进情况
                全年新收{{新收.合计}}件。
                """)
        }
        #expect(errors.count == 1)
        let e = try #require(errors.first)
        #expect(e.code == "report-narrative-unknown-figure")
        #expect(e.file == "narrative.md" && e.line == 4)
        #expect(e.message.hasPrefix("未知的数字名称 {{新收.合计}}。可用的名称如：新收、新收.natural_person"))
    }

    @Test func agencyFigureWithoutAgency() throws {
        let errors = reportDiagnostics { _ = try build("{{agency}}\n", agency: nil) }
        #expect(errors.map(\.code) == ["report-narrative-unknown-figure"])
        #expect(errors.first?.message == "未知的数字名称 {{agency}}。未提供机关名称（--agency）。")
        // Without an agency the title is just the year line.
        let report = try build(nil, agency: nil)
        #expect(report.render(.txt).hasPrefix("2021年政府信息公开工作年度报告\n\n一、总体情况\n"))
    }

    @Test func unterminatedFigure() throws {
        let errors = reportDiagnostics { _ = try build("## 六、其他需要报告的事项\n共{{new.total件\n") }
        #expect(errors.map(\.code) == ["report-narrative-unterminated-figure"])
        #expect(errors.first?.line == 2)
    }

    @Test func unknownAndDuplicateSections() throws {
        let errors = reportDiagnostics {
            _ = try build("""
                ## 七、附录
                x
                ## 一、总体情况
                a
                ## 一、总体情况（续）
                b
                """)
        }
        #expect(errors.map(\.code) == ["report-narrative-unknown-section", "report-narrative-duplicate-section"])
        #expect(errors.map(\.line) == [1, 5])
        #expect(errors[0].message.hasPrefix("叙述文件的章节标题“七、附录”不对应报告的任何一节。"))
        #expect(errors[1].message == "“一、总体情况”一节在叙述文件中出现两次（第 3 行已有）。")
    }

    @Test func sectionsMatchByNumberHeadingOrKey() throws {
        let report = try build("""
            ## 五、政府信息公开工作存在的主要问题及改进情况
            问题。
            ## overview
            总体。
            ## 六、其他需要报告的事项
            无。
            ## 三、收到和处理政府信息公开申请情况
            表后说明。
            """)
        let txt = report.render(.txt)
        #expect(txt.contains("一、总体情况\n总体。\n"))
        #expect(txt.contains("五、存在的主要问题及改进情况\n问题。\n"), "the format's heading is printed")
        #expect(txt.contains("\t0\n\n\n表后说明。\n四、政府信息公开行政复议、行政诉讼情况\n"), "prose under a table section follows the table")
    }

    @Test func withoutNarrativeEveryProseSectionIsPending() throws {
        let report = try build(nil)
        let txt = report.render(.txt)
        for heading in ["一、总体情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"] {
            #expect(txt.contains("\(heading)\n（待撰写）\n"))
        }
        #expect(report.warnings.map(\.code) == ["report-proactive-missing-cell", "report-narrative-missing"])
        #expect(report.warnings.last?.message == "未提供叙述文件：一、总体情况、五、存在的主要问题及改进情况、六、其他需要报告的事项 各节标为（待撰写）。")
        #expect(report.render(.html).contains("<p class=\"placeholder\">（待撰写）</p>"))
    }
}
