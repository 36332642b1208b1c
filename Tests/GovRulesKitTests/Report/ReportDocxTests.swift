import Foundation
import Testing
@testable import GovRulesKit

/// `report --format docx`, read back from the zip: every part parses, the tables are the HTML's
/// grids cell for cell, and the provenance is in the properties, not on the page.
@Suite struct ReportDocxTests {
    static func parts(_ report: AnnualReport, showProvenance: Bool = false) throws -> [String: Data] {
        let data = try report.renderData(.docx, showProvenance: showProvenance)
        return Dictionary(uniqueKeysWithValues: try DocxReading.parts(data).map { ($0.path, $0.data) })
    }

    @Test func everyPartParses() throws {
        let (r2020, r2021) = try ReportGoldenTests.reports()
        for report in [r2020, r2021] {
            let parts = try Self.parts(report)
            #expect(parts.count == 11)
            for (path, data) in parts {
                #expect(DocxReading.wellFormednessError(data) == nil, "\(path)")
            }
        }
    }

    /// Table 三 of the 2021 format: 3 header rows and 25 data rows on a 10-column grid; the merges
    /// where the official table has them; every figure in its cell.
    @Test(arguments: ["2019-60", "2021-30"])
    func tableThreeGrid(formatName: String) throws {
        let (r2020, r2021) = try ReportGoldenTests.reports()
        let report = formatName == "2019-60" ? r2020 : r2021
        let document = try #require(try Self.parts(report)["word/document.xml"])
        let reader = try DocxTableReader.read(document)
        #expect(reader.tables.count == 3)
        let table = try #require(reader.tables.first { $0.rows.first?.cells.first?.text.contains("勾稽关系") == true })
        #expect(table.gridColumns.count == 10)
        let dataRows = report.format.applications.rows
        #expect(table.rows.count == 3 + dataRows.count)
        #expect(table.rows.prefix(3).allSatisfy { $0.isHeader })
        #expect(!table.rows[3].isHeader)
        // Every row covers the whole grid, every cell has borders.
        for (r, row) in table.rows.enumerated() {
            #expect(row.cells.reduce(0) { $0 + $1.gridSpan } == 10, "row \(r)")
            #expect(row.cells.allSatisfy { $0.hasBorders }, "row \(r)")
        }
        // Header: the note over 3 label columns and 3 rows, 申请人情况 over the 7 figures.
        let h = table.rows
        #expect(h[0].cells.map(\.gridSpan) == [3, 7])
        #expect(h[0].cells[0].vMerge == "restart" && h[1].cells[0].vMerge == "continue" && h[2].cells[0].vMerge == "continue")
        #expect(h[1].cells.map(\.text) == ["", "自然人", "法人或其他组织", "总计"])
        #expect(h[1].cells.map(\.gridSpan) == [3, 1, 5, 1])
        #expect(h[2].cells.map(\.text) == ["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""])
        // 三、本年度办理结果 runs down the first column over every outcome row and （七）总计.
        let resultRows = dataRows.filter { $0.labels.first == "三、本年度办理结果" }.count
        #expect(resultRows == (formatName == "2019-60" ? 20 : 22))
        let firstResult = 3 + 2
        #expect(h[firstResult].cells[0].text == "三、本年度办理结果" && h[firstResult].cells[0].vMerge == "restart")
        for r in (firstResult + 1)..<(firstResult + resultRows) {
            #expect(h[r].cells[0].vMerge == "continue", "row \(r)")
        }
        #expect(h[firstResult + resultRows].cells[0].text == "四、结转下年度继续办理")
        #expect(h[firstResult + resultRows].cells[0].gridSpan == 3)
        // Every figure, in the format's column order.
        let order = report.format.applications.columns.map { ApplicantColumn.allKeys.firstIndex(of: $0.key)! }
        for (i, row) in dataRows.enumerated() {
            let cells = h[3 + i].cells
            let values = report.applications[row.key]
            #expect(cells.suffix(7).map(\.text) == order.map { String(values[$0]) }, "\(row.key)")
            #expect(cells.dropLast(7).last?.text == row.labels.last, "\(row.key)")
        }
    }

    @Test func provenanceInThePropertiesNotOnThePage() throws {
        let (r2020, _) = try ReportGoldenTests.reports()
        let rules = try #require(ReportFixtures.provenance.rulesSHA256)
        let parts = try Self.parts(r2020)
        let text = { (path: String) in String(decoding: parts[path]!, as: UTF8.self) }
        #expect(!text("word/document.xml").contains(rules))
        #expect(text("docProps/custom.xml").contains("name=\"govrules.rules_sha256\"><vt:lpwstr>\(rules)</vt:lpwstr>"))
        #expect(text("docProps/custom.xml").contains("name=\"govrules.input.1\"><vt:lpwstr>ledger.csv SHA-256 "))
        #expect(text("docProps/custom.xml").contains("name=\"govrules.generated_by\"><vt:lpwstr>govrules 0.0.0-test</vt:lpwstr>"))
        #expect(text("docProps/core.xml").contains("<dc:description>本报告由 govrules 0.0.0-test 生成"))
        #expect(text("docProps/core.xml").contains("<dc:title>\(r2020.document.title.joined())</dc:title>"))

        let shown = try Self.parts(r2020, showProvenance: true)
        #expect(String(decoding: shown["word/document.xml"]!, as: UTF8.self).contains("规则目录 SHA-256：\(rules)"))
    }

    @Test func headingsAndTitleTakeTheirRoles() throws {
        let (_, r2021) = try ReportGoldenTests.reports()
        let doc = r2021.document()
        let paragraphs = doc.blocks.compactMap { block -> Paragraph? in
            if case .paragraph(let p) = block { return p } else { return nil }
        }
        #expect(paragraphs.filter { $0.role == .title }.map(\.text) == r2021.document.title)
        #expect(paragraphs.filter { $0.role == .heading1 }.map(\.text) == r2021.format.sections.map(\.heading))
        #expect(paragraphs.filter { $0.role == .heading2 }.map(\.text) == ["（一）依申请公开", "（二）复议和诉讼"])
        #expect(doc.pageNumbers == .outside && doc.page == .officialA4)
    }
}
