import Testing
@testable import GovRulesKit

@Suite("Letter templates")
struct LetterTemplateTests {
    @Test func placeholdersAreFoundWithTheirLinesAndWhetherTheyAreConditional() throws {
        let t = try LetterTemplate(name: "t", file: "letters/t.mustache", text: """
        【称谓】{{收件人}}：
        {{#获取方式}}获取方式：{{获取方式}}{{/获取方式}}
        {{! 注释 }}{{决定}}
        """)
        #expect(t.uses.map(\.name) == ["收件人", "获取方式", "获取方式", "决定"])
        #expect(t.uses.map(\.line) == [1, 2, 2, 3])
        #expect(t.required == ["收件人", "决定"])
    }

    @Test func anUnclosedSectionAndAPartialAreErrors() {
        #expect(throws: DiagnosticList.self) { try LetterTemplate(name: "t", file: "t", text: "{{#理由}}因为") }
        #expect(throws: DiagnosticList.self) { try LetterTemplate(name: "t", file: "t", text: "{{> 其他}}") }
    }

    @Test func renderedTextBecomesBlocksAndEmptyLinesAreDropped() throws {
        let t = try LetterTemplate(name: "t", file: "t", text: """
        【标题】{{机关名称}}
        【文号】{{文号}}
        【称谓】{{收件人}}：
        　　{{决定}}
        {{#理由}}理由：{{理由}}{{/理由}}
        【落款】{{机关名称}}
        【日期】{{日期}}
        """)
        // A value cannot start a block of its own, and a line break in a cell is a space.
        let doc = LetterDocument(rendered: t.render(["机关名称": "某机关", "文号": "某〔2024〕1号",
                                                     "收件人": "【标题】张三", "决定": "第一行\n第二行", "日期": "2024年3月5日"]))
        #expect(doc.blocks == [.title("某机关"), .number("某〔2024〕1号"), .addressee("【标题】张三："),
                               .paragraph("第一行 第二行"), .signature("某机关"), .date("2024年3月5日")])
    }

    @Test func officialDatesHaveNoLeadingZeros() {
        #expect(Day(year: 2024, month: 3, day: 5)!.official == "2024年3月5日")
        #expect(Day(year: 2023, month: 12, day: 28)!.official == "2023年12月28日")
    }

    @Test func fileNamesNeverLeaveTheFolder() {
        #expect(LetterMaker.fileSafe("2024/041-答复书") == "2024_041-答复书")
        #expect(LetterMaker.fileSafe("../x") == "_._x")
    }
}
