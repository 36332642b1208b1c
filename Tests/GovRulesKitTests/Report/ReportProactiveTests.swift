import Testing
@testable import GovRulesKit

@Suite struct ReportProactiveTests {
    private func cell(_ item: String, _ row: String, _ column: String, _ value: String, line: Int = 2) -> ProactiveCell {
        ProactiveCell(item: item, row: row, column: column, value: value, file: "proactive.csv", line: line)
    }

    private func check(_ cells: [ProactiveCell], _ format: String) throws -> (figures: ProactiveFigures, errors: [Diagnostic], warnings: [Diagnostic]) {
        ProactiveFigures.check(cells, format: try ReportFixtures.format(format))
    }

    @Test func valuesOfEveryKind() throws {
        let r2019 = try check([
            cell("第二十条第（五）项", "行政许可", "本年增/减", "-14"),
            cell("第二十条第(六)项", "行政处罚", "本年增／减", "＋3", line: 3),          // half-width brackets, full-width slash and plus
            cell("第二十条第（九）项", "政府集中采购", "采购总金额", "251000元", line: 4),
            cell("第二十条第（一）项", "规章", "本年新制作数量", " 7 ", line: 5),
        ], "2019-60")
        #expect(r2019.errors.isEmpty)
        #expect(r2019.figures.value(item: "第二十条第（五）项", row: "行政许可", column: "本年增/减") == "-14")
        #expect(r2019.figures.value(item: "第二十条第（六）项", row: "行政处罚", column: "本年增/减") == "3")
        #expect(r2019.figures.value(item: "第二十条第（九）项", row: "政府集中采购", column: "采购总金额") == "251000元")
        #expect(r2019.figures.value(item: "第二十条第（一）项", row: "规章", column: "本年新制作数量") == "7")
        #expect(r2019.figures.entries.count == 22)

        let r2021 = try check([cell("第二十条第（八）项", "行政事业性收费", "本年收费金额（单位：万元）", "12.35")], "2021-30")
        #expect(r2021.errors.isEmpty)
        #expect(r2021.figures.value(item: "第二十条第（八）项", row: "行政事业性收费", column: "本年收费金额（单位：万元）") == "12.35")
    }

    @Test func unknownCellNamesFileLineAndAllowedCells() throws {
        // 其他对外管理服务事项 is a 2019 row; the 2021 format dropped it.
        let r = try check([cell("第二十条第（五）项", "其他对外管理服务事项", "本年处理决定数量", "3", line: 7)], "2021-30")
        let e = try #require(r.errors.first)
        #expect(r.errors.count == 1)
        #expect(e.code == "report-proactive-unknown-cell")
        #expect(e.description == "proactive.csv:7: error[report-proactive-unknown-cell]: 2021-30 格式的主动公开表（表二）没有这一格：第二十条第（五）项 / 其他对外管理服务事项 / 本年处理决定数量。该条目可填的格：第二十条第（五）项：信息内容 行政许可；指标 本年处理决定数量。")

        let unknownItem = try check([cell("第二十条第（九）项", "政府集中采购", "采购项目数量", "1")], "2021-30")
        #expect(unknownItem.errors.first?.message.contains("可填的格：第二十条第（一）项：信息内容 规章、行政规范性文件；指标 本年制发件数、本年废止件数、现行有效件数。第二十条第（五）项") == true)
    }

    @Test func badValuesHaveClearMessages() throws {
        let r = try check([
            cell("第二十条第（一）项", "规章", "本年新制作数量", "-1", line: 2),
            cell("第二十条第（五）项", "行政许可", "本年增/减", "十四", line: 3),
            cell("第二十条第（九）项", "政府集中采购", "采购总金额", "251000", line: 4),
            cell("第二十条第（九）项", "政府集中采购", "采购项目数量", "2.5", line: 5),
            cell("第二十条第（六）项", "行政处罚", "处理决定数量", "", line: 6),
        ], "2019-60")
        #expect(r.errors.map(\.code) == Array(repeating: "report-proactive-bad-value", count: 5))
        #expect(r.errors.map(\.line) == [2, 3, 4, 5, 6])
        #expect(r.errors[0].message == "第二十条第（一）项 / 规章 / 本年新制作数量 的数值“-1”无效：应为非负整数（如 14）。")
        #expect(r.errors[1].message == "第二十条第（五）项 / 行政许可 / 本年增/减 的数值“十四”无效：应为整数，可为负数（如 14 或 -3）。")
        #expect(r.errors[2].message == "第二十条第（九）项 / 政府集中采购 / 采购总金额 的数值“251000”无效：应为金额加单位（如 251000元），单位可为：元。")
        #expect(r.errors[3].message.hasSuffix("应为非负整数（如 14）。"))

        let d = try check([cell("第二十条第（八）项", "行政事业性收费", "本年收费金额（单位：万元）", "12.5万元")], "2021-30")
        #expect(d.errors.first?.message == "第二十条第（八）项 / 行政事业性收费 / 本年收费金额（单位：万元） 的数值“12.5万元”无效：应为非负数，可带小数（如 12.5）。")
    }

    @Test func duplicateCellIsAnError() throws {
        let r = try check([cell("第二十条第（五）项", "行政许可", "本年处理决定数量", "1", line: 2),
                           cell("第二十条第（五）项", "行政许可", "本年处理决定数量", "2", line: 9)], "2021-30")
        #expect(r.errors.map(\.code) == ["report-proactive-duplicate-cell"])
        #expect(r.errors.first?.line == 9)
        #expect(r.errors.first?.message.contains("第 2 行已有 1") == true)
    }

    @Test func missingCellsArePrintedAsZeroWithAWarning() throws {
        let r = try check([cell("第二十条第（五）项", "行政许可", "本年处理决定数量", "9")], "2021-30")
        #expect(r.errors.isEmpty)
        #expect(r.warnings.count == 1)
        let w = try #require(r.warnings.first)
        #expect(w.severity == .warning && w.code == "report-proactive-missing-cell")
        #expect(w.message.hasPrefix("主动公开数据（表二）缺少以下各格，按 0 填报：第二十条第（一）项 / 规章 / 本年制发件数；"))
        #expect(r.figures.entries.filter { !$0.supplied }.allSatisfy { $0.value == "0" })
        #expect(r.figures.entries.filter(\.supplied).map(\.value) == ["9"])

        let none = try check([], "2021-30")
        #expect(none.warnings.first?.message == "未提供主动公开数据（表二），各格均按 0 填报。")
    }

    @Test func errorsStopTheReport() throws {
        let request = ReportRequest(year: 2021, format: try ReportFixtures.format("2021-30"), counter: ApplicationCounter(year: 2021),
                                    proactive: [cell("第二十条第（五）项", "行政许可", "本年增/减", "3", line: 4)],
                                    provenance: ReportFixtures.provenance)
        let errors = reportDiagnostics { _ = try buildReport(request) }
        #expect(errors.map(\.code) == ["report-proactive-unknown-cell"])
        #expect(errors.first?.line == 4)
    }
}
