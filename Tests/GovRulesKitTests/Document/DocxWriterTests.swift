import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation
@testable import GovRulesKit

/// Reads a .docx back: every part's bytes by path.
enum DocxReading {
    static func parts(_ data: Data) throws -> [(path: String, data: Data)] {
        let archive = try Archive(data: data, accessMode: .read)
        var out: [(path: String, data: Data)] = []
        for entry in archive {
            var bytes = Data()
            _ = try archive.extract(entry, consumer: { bytes.append($0) })
            out.append((entry.path, bytes))
        }
        return out
    }

    /// Parses the XML; returns the parser's error, nil when well formed.
    static func wellFormednessError(_ data: Data) -> Error? {
        let parser = XMLParser(data: data)
        return parser.parse() ? nil : (parser.parserError ?? NSError(domain: "xml", code: 1))
    }
}

@Suite struct DocxWriterTests {
    /// A letter-shaped document with a merged table: the shapes the report and the letters use.
    static func sample() -> Document {
        var doc = Document(properties: DocumentProperties(title: "答复书 <测试> & “引号”", creator: "云溪县人民政府办公室",
                                                          custom: [("govrules.input", "a.csv 0123abcd")]))
        doc.blocks = [
            .paragraph(Paragraph("政府信息公开申请答复书", role: .title)),
            .paragraph(Paragraph("云政办公开〔2024〕41号", role: .documentNumber)),
            .paragraph(Paragraph("张建国：", role: .addressee)),
            .paragraph(Paragraph([Run("本机关于2024年10月8日收到您的申请。"), Run("特此告知。", bold: true)])),
            .paragraph(Paragraph("一、总体情况", role: .heading1)),
            .table(Table(columnWidths: [10, 20, 20], rows: [
                Table.Row([Table.Cell("合并", rowSpan: 2), Table.Cell("横跨两列", columnSpan: 2)]),
                Table.Row([Table.Cell("1"), Table.Cell("2")]),
                Table.Row([Table.Cell("x\u{1}y"), Table.Cell("3"), Table.Cell("4")]),
            ], headerRowCount: 1)),
            .pageBreak,
        ]
        doc.blocks += Document.signatureBlock(agency: "云溪县人民政府办公室", date: "2024年10月30日")
        return doc
    }

    @Test func everyPartIsWellFormedXML() throws {
        let parts = try DocxReading.parts(try DocxWriter.write(Self.sample()))
        #expect(parts.map(\.path) == ["[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml",
                                      "docProps/custom.xml", "word/document.xml", "word/styles.xml", "word/settings.xml",
                                      "word/footer1.xml", "word/footer2.xml", "word/_rels/document.xml.rels"])
        for part in parts {
            let error = DocxReading.wellFormednessError(part.data)
            #expect(error == nil, "\(part.path): \(String(describing: error))")
        }
    }

    @Test func sameDocumentSameBytes() throws {
        let a = try DocxWriter.write(Self.sample())
        let b = try DocxWriter.write(Self.sample())
        #expect(a == b)
        var other = Self.sample()
        other.properties.creator = "另一机关"
        #expect(try DocxWriter.write(other) != a)
    }

    @Test func mergedCellsBecomeGridSpanAndVMerge() throws {
        let xml = DocxWriter.parts(Self.sample()).first { $0.path == "word/document.xml" }!.xml
        let rows = xml.components(separatedBy: "<w:tr>").dropFirst().map { $0.components(separatedBy: "</w:tr>")[0] }
        #expect(rows.count == 3)
        #expect(rows[0].contains("<w:tblHeader/>"))
        #expect(rows[0].components(separatedBy: "<w:tc>").count - 1 == 2)
        #expect(rows[0].contains("<w:vMerge w:val=\"restart\"/>"))
        #expect(rows[0].contains("<w:gridSpan w:val=\"2\"/>"))
        // Row 2 starts with the continuation of the merged cell, then its own two cells.
        #expect(rows[1].components(separatedBy: "<w:tc>").count - 1 == 3)
        #expect(rows[1].contains("<w:vMerge/>"))
        #expect(!rows[1].contains("<w:tblHeader/>"))
        // A control character XML cannot carry is dropped.
        #expect(rows[2].contains(">xy<"))
        // Every cell has its own borders.
        #expect(xml.components(separatedBy: "<w:tcBorders>").count - 1 == 2 + 3 + 3)
        // The grid fills the type area (156 mm).
        #expect(xml.contains("<w:tblW w:w=\"\(Twips.mm(156))\" w:type=\"dxa\"/>"))
    }

    @Test func officialPageSetupAndFonts() throws {
        let parts = DocxWriter.parts(Self.sample())
        let xml = parts.first { $0.path == "word/document.xml" }!.xml
        #expect(xml.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"))
        #expect(xml.contains("<w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1587\""))
        let styles = parts.first { $0.path == "word/styles.xml" }!.xml
        #expect(styles.contains("<w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"仿宋_GB2312\" w:cs=\"Times New Roman\"/><w:sz w:val=\"32\"/>"))
        #expect(styles.contains("w:eastAsia=\"方正小标宋简体\" w:cs=\"Times New Roman\"/><w:sz w:val=\"44\"/>"))
        #expect(styles.contains("w:eastAsia=\"黑体\""))
        #expect(styles.contains("w:eastAsia=\"楷体_GB2312\""))
        let odd = parts.first { $0.path == "word/footer1.xml" }!.xml
        let even = parts.first { $0.path == "word/footer2.xml" }!.xml
        #expect(odd.contains("<w:jc w:val=\"right\"/>") && even.contains("<w:jc w:val=\"left\"/>"))
        #expect(odd.contains("— </w:t>") && odd.contains(" PAGE ") && odd.contains(" —</w:t>"))
        #expect(parts.first { $0.path == "word/settings.xml" }!.xml.contains("<w:evenAndOddHeaders/>"))
        let custom = parts.first { $0.path == "docProps/custom.xml" }!.xml
        #expect(custom.contains("name=\"govrules.input\"><vt:lpwstr>a.csv 0123abcd</vt:lpwstr>"))
        let core = parts.first { $0.path == "docProps/core.xml" }!.xml
        #expect(core.contains("<dc:title>答复书 &lt;测试&gt; &amp; “引号”</dc:title>"))
        #expect(!core.contains("dcterms:created"))
    }

    @Test func signatureBlockCentresTheAgencyOverTheDate() {
        let blocks = Document.signatureBlock(agency: "云溪县人民政府办公室", date: "2024年10月30日", sealLines: 3)
        #expect(blocks.count == 6)
        guard case .paragraph(let agency) = blocks[4], case .paragraph(let date) = blocks[5] else {
            Issue.record("expected paragraphs")
            return
        }
        #expect(date.rightIndentCharacters == 4)
        // The date is 3 characters and 8 half-width digits, 7 wide; the 10-character name sticks out
        // by 1.5 on each side.
        #expect(agency.rightIndentCharacters == 2.5)
        #expect(agency.role == .signature && date.text == "2024年10月30日")
    }

    @Test func pageNumbersCentredOrNone() {
        var doc = Self.sample()
        doc.pageNumbers = .centered
        var parts = DocxWriter.parts(doc)
        #expect(parts.filter { $0.path.hasPrefix("word/footer") }.count == 1)
        #expect(!parts.first { $0.path == "word/settings.xml" }!.xml.contains("evenAndOdd"))
        doc.pageNumbers = .none
        parts = DocxWriter.parts(doc)
        #expect(parts.filter { $0.path.hasPrefix("word/footer") }.isEmpty)
        #expect(!parts.first { $0.path == "word/document.xml" }!.xml.contains("footerReference"))
    }
}
