import Foundation
import Testing
@testable import GovRulesKit

@Suite struct ReportFormatTests {
    private func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-format-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The 2019 format's JSON with one edit applied to its text.
    private func edited2019(_ edit: (String) -> String) throws -> Data {
        Data(edit(try String(contentsOfFile: ReportFixtures.reportsDir + "/2019-60.json", encoding: .utf8)).utf8)
    }

    @Test func bothOfficialFormatsLoad() throws {
        let f2019 = try ReportFixtures.format("2019-60")
        #expect(f2019.name == "2019-60")
        #expect(f2019.coverDocument.number == "国办公开办函〔2019〕60号")
        #expect(f2019.fromYear == 2019 && f2019.toYear == 2020)
        #expect(f2019.sections.map(\.heading) == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                                                  "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"])
        #expect(f2019.applications.rows.count == 23)
        #expect(f2019.applications.rows.contains { $0.labels.last == "3.危及“三安全一稳定”" })
        #expect(f2019.proactive.blocks.map(\.item) == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项", "第二十条第（九）项"])

        let f2021 = try ReportFixtures.format("2021-30")
        #expect(f2021.coverDocument.number == "国办公开办函〔2021〕30号")
        #expect(f2021.fromYear == 2021 && f2021.toYear == nil)
        #expect(f2021.applications.rows.count == 25)
        #expect(f2021.proactive.blocks.count == 4)
        #expect(f2021.proactive.blocks[0].rows == ["规章", "行政规范性文件"])
    }

    @Test func coverageListsCountedAndMissingKeys() throws {
        for name in ["2019-60", "2021-30"] {
            let coverage = try ReportFixtures.format(name).coverage(validOutcomeKeys: ReportFixtures.outcomeKeys)
            #expect(Set(coverage.counted) == Set(ReportFixtures.outcomeKeys), "\(name)")
            #expect(coverage.missing.isEmpty)
            #expect(coverage.unknown.isEmpty)
        }
        let f = try ReportFixtures.format("2021-30")
        let coverage = f.coverage(validOutcomeKeys: ReportFixtures.outcomeKeys + ["other.transferred"])
        #expect(coverage.missing == ["other.transferred"])
        #expect(f.countedOutcomeKeys.first == "disclosed" && f.countedOutcomeKeys.last == "other.other")
    }

    @Test func selectionByYear() throws {
        let dir = ReportFixtures.reportsDir
        let keys = ReportFixtures.outcomeKeys
        #expect(try ReportFormat.select(year: 2019, reportsDirectory: dir, validOutcomeKeys: keys).name == "2019-60")
        #expect(try ReportFormat.select(year: 2020, reportsDirectory: dir, validOutcomeKeys: keys).name == "2019-60")
        #expect(try ReportFormat.select(year: 2021, reportsDirectory: dir, validOutcomeKeys: keys).name == "2021-30")
        #expect(try ReportFormat.select(year: 2030, reportsDirectory: dir, validOutcomeKeys: keys).name == "2021-30")
        let errors = reportDiagnostics { _ = try ReportFormat.select(year: 2018, reportsDirectory: dir, validOutcomeKeys: keys) }
        #expect(errors.map(\.code) == ["report-format-none-for-year"])
        #expect(errors.first?.message.contains("2018") == true)
        #expect(errors.first?.message.contains("2019-60.json") == true)
    }

    @Test func overlappingYearRangesAreAmbiguous() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(atPath: ReportFixtures.reportsDir + "/2021-30.json", toPath: dir.appendingPathComponent("2021-30.json").path)
        let next = try String(contentsOfFile: ReportFixtures.reportsDir + "/2021-30.json", encoding: .utf8)
            .replacingOccurrences(of: "\"name\": \"2021-30\"", with: "\"name\": \"2025-99\"")
            .replacingOccurrences(of: "\"from_year\": 2021", with: "\"from_year\": 2025")
        try next.write(to: dir.appendingPathComponent("2025-99.json"), atomically: true, encoding: .utf8)
        let errors = reportDiagnostics { _ = try ReportFormat.select(year: 2026, reportsDirectory: dir.path, validOutcomeKeys: ReportFixtures.outcomeKeys) }
        #expect(errors.map(\.code) == ["report-format-ambiguous"])
        #expect(errors.first?.message.contains("2021-30.json、2025-99.json") == true)
        // A new format is only a new file: bounding the old one makes the new one apply.
        let old = try String(contentsOfFile: ReportFixtures.reportsDir + "/2021-30.json", encoding: .utf8)
            .replacingOccurrences(of: "\"from_year\": 2021,", with: "\"from_year\": 2021, \"to_year\": 2024,")
        try old.write(to: dir.appendingPathComponent("2021-30.json"), atomically: true, encoding: .utf8)
        #expect(try ReportFormat.select(year: 2026, reportsDirectory: dir.path, validOutcomeKeys: ReportFixtures.outcomeKeys).name == "2025-99")
        #expect(try ReportFormat.select(year: 2024, reportsDirectory: dir.path, validOutcomeKeys: ReportFixtures.outcomeKeys).name == "2021-30")
    }

    @Test func unknownOutcomeKeyNamesFileAndLine() throws {
        let data = try edited2019 { $0.replacingOccurrences(of: "\"counts\": [\"withheld.query_matter\"]", with: "\"counts\": [\"withheld.query_mater\"]") }
        let errors = reportDiagnostics { _ = try ReportFormat.parse(data, file: "reports/broken.json", validOutcomeKeys: ReportFixtures.outcomeKeys) }
        #expect(errors.count == 1)
        let e = try #require(errors.first)
        #expect(e.code == "report-format-unknown-outcome")
        #expect(e.file == "reports/broken.json")
        #expect(e.line == 91)
        #expect(e.message.contains("未知的结果键 withheld.query_mater"))
        #expect(e.message.contains("withheld.query_matter"), "lists the valid keys")
    }

    @Test func duplicateOutcomeKeyIsAnError() throws {
        let data = try edited2019 { $0.replacingOccurrences(of: "\"counts\": [\"other.no_correction\", \"other.no_fee\", \"other.other\"]",
                                                            with: "\"counts\": [\"other.no_correction\", \"other.no_fee\", \"other.other\", \"disclosed\"]") }
        let errors = reportDiagnostics { _ = try ReportFormat.parse(data, file: "f.json", validOutcomeKeys: ReportFixtures.outcomeKeys) }
        #expect(errors.map(\.code) == ["report-format-duplicate-outcome"])
        #expect(errors.first?.message == "结果键 disclosed 同时计入行 disclosed 和 other。")
    }

    @Test func malformedJSONNamesFileAndLine() throws {
        let data = try edited2019 { $0.replacingOccurrences(of: "\"from_year\": 2019,", with: "\"from_year\": 2019") }
        let errors = reportDiagnostics { _ = try ReportFormat.parse(data, file: "reports/bad.json", validOutcomeKeys: ReportFixtures.outcomeKeys) }
        #expect(errors.count == 1)
        #expect(errors.first?.code == "report-format-malformed")
        #expect(errors.first?.file == "reports/bad.json")
        #expect(errors.first?.message.hasPrefix("报告格式文件不是有效的 JSON") == true)
    }

    @Test func missingFieldAndWrongValueKind() throws {
        let missing = try edited2019 { $0.replacingOccurrences(of: "\"note\": ", with: "\"notes\": ") }
        let e1 = reportDiagnostics { _ = try ReportFormat.parse(missing, file: "f.json", validOutcomeKeys: ReportFixtures.outcomeKeys) }
        #expect(e1.map(\.code) == ["report-format-invalid"])
        #expect(e1.first?.message == "缺少字段 applications_table.note。")

        let kind = try edited2019 { $0.replacingOccurrences(of: "\"value\": \"signed_integer\"", with: "\"value\": \"signed\"") }
        let e2 = reportDiagnostics { _ = try ReportFormat.parse(kind, file: "f.json", validOutcomeKeys: ReportFixtures.outcomeKeys) }
        #expect(e2.map(\.code) == ["report-format-invalid"])
        #expect(e2.first?.message.hasPrefix("字段 proactive_table.blocks[1].columns[1].value 的值无效") == true)
    }

    @Test func structuralProblemsAreAllListed() throws {
        let data = try edited2019 {
            $0.replacingOccurrences(of: "\"figure\": \"carried_forward\", ", with: "")
              .replacingOccurrences(of: "{\"key\": \"research\", \"label\": \"科研机构\", \"group\": \"法人或其他组织\"},", with: "")
        }
        let errors = reportDiagnostics { _ = try ReportFormat.parse(data, file: "f.json", validOutcomeKeys: ReportFixtures.outcomeKeys) }
        #expect(errors.count == 3)
        #expect(errors.map(\.message).contains("申请表的行 carried_forward 须恰有 counts 或 figure 之一。"))
        #expect(errors.map(\.message).contains("申请表须恰有一行 figure 为 carried_forward，现有 0 行。"))
        #expect(errors.contains { $0.message.hasPrefix("applications_table.columns 的 key 应恰为") })
    }

    @Test func gridMergesFollowTheOfficialLayout() throws {
        for (name, resultRows) in [("2019-60", 20), ("2021-30", 22)] {
            let f = try ReportFixtures.format(name)
            let grid = Grid.applications(f.applications, figures: ApplicationTable(rows: [:]))
            #expect(grid.columnCount == 10)
            #expect(grid.headerRowCount == 3)
            #expect(grid.rows[0][0] == Grid.Cell(text: "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rowspan: 3, colspan: 3, role: .note))
            #expect(grid.rows[0][1] == Grid.Cell(text: "申请人情况", colspan: 7, role: .header))
            #expect(grid.rows[1].map(\.text) == ["自然人", "法人或其他组织", "总计"])
            #expect(grid.rows[1].map(\.rowspan) == [2, 1, 2])
            #expect(grid.rows[1][1].colspan == 5)
            #expect(grid.rows[2].map(\.text) == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"])
            #expect(grid.rows[3][0] == Grid.Cell(text: "一、本年新收政府信息公开申请数量", colspan: 3, role: .label))
            let results = grid.rows[5][0]
            #expect(results.text == "三、本年度办理结果" && results.rowspan == resultRows)
            #expect(grid.rows[5][1] == Grid.Cell(text: "（一）予以公开", colspan: 2, role: .label, level: 1))
            let groups = grid.rows.flatMap { $0 }.filter { $0.role == .group }.map { "\($0.text)/\($0.rowspan)" }
            #expect(groups == ["三、本年度办理结果/\(resultRows)", "（三）不予公开/8", "（四）无法提供/3", "（五）不予处理/5"]
                    + (name == "2021-30" ? ["（六）其他处理/3"] : []))
            #expect(grid.rows.last?.first == Grid.Cell(text: "四、结转下年度继续办理", colspan: 3, role: .label))
            // Every row fills exactly the table's width.
            for (r, row) in grid.slots().enumerated() where r >= 3 {
                #expect(row.count >= 8, "row \(r)")
            }
        }
    }

    @Test func appealsAndProactiveGrids() throws {
        let f = try ReportFixtures.format("2021-30")
        let appeals = Grid.appeals(f.appeals, figures: .zero)
        #expect(appeals.columnCount == 15)
        #expect(appeals.rows[0].map { "\($0.text)/\($0.colspan)" } == ["行政复议/5", "行政诉讼/10"])
        #expect(appeals.rows[1].map { "\($0.text)/\($0.rowspan)/\($0.colspan)" }
                == ["结果维持/2/1", "结果纠正/2/1", "其他结果/2/1", "尚未审结/2/1", "总计/2/1", "未经复议直接起诉/1/5", "复议后起诉/1/5"])
        #expect(appeals.rows[2].count == 10)
        #expect(appeals.rows[3].count == 15)

        let proactive = Grid.proactive(f.proactive, figures: ProactiveFigures(entries: []))
        #expect(proactive.columnCount == 4)
        #expect(proactive.rows[0] == Grid.Cell(text: "第二十条第（一）项", colspan: 4, role: .item).asRow)
        // Single-value blocks: the value cell spans the 3 value columns.
        #expect(proactive.rows[4].map(\.colspan) == [4])
        #expect(proactive.rows[5].map { "\($0.text)/\($0.colspan)" } == ["信息内容/1", "本年处理决定数量/3"])
        #expect(proactive.rows[6].map { "\($0.text)/\($0.colspan)" } == ["行政许可/1", "0/3"])
    }
}

extension Grid.Cell {
    var asRow: [Grid.Cell] { [self] }
}
