import Foundation
import Testing
import ZIPFoundation
@testable import GovRulesKit

/// The workbook reader on packages built part by part, each showing one thing producers do.
@Suite("XLSX reader")
struct XLSXReaderTests {
    struct Row: Equatable, CustomStringConvertible {
        var row: Int
        var fields: [String]
        var description: String { "\(row): \(fields)" }
    }

    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    /// A package with the given sheet XML bodies (`<sheetData>…` and what follows), workbook
    /// attributes, styles and shared strings.
    static func workbook(sheets: [(name: String, state: String?, body: String)], workbookPr: String = "",
                         styles: String? = nil, sharedStrings: [String]? = nil,
                         absoluteTargets: Bool = false, prefix: String = "") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("book.xlsx")
        let archive = try Archive(url: url, accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate,
                                 provider: { pos, size in data.subdata(in: Int(pos)..<Int(pos) + size) })
        }
        let p = prefix.isEmpty ? "" : prefix + ":"
        let ns = prefix.isEmpty ? "xmlns=\"\(main)\"" : "xmlns:\(prefix)=\"\(main)\""
        try add("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>")
        try add("_rels/.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"\(rel)/officeDocument\" Target=\"\(absoluteTargets ? "/" : "")xl/workbook.xml\"/></Relationships>")
        var sheetList = "", rels = ""
        for (i, s) in sheets.enumerated() {
            sheetList += "<\(p)sheet name=\"\(s.name)\" sheetId=\"\(i + 1)\" \(s.state.map { "state=\"\($0)\"" } ?? "") r:id=\"rId\(i + 1)\"/>"
            rels += "<Relationship Id=\"rId\(i + 1)\" Type=\"\(rel)/worksheet\" Target=\"\(absoluteTargets ? "/xl/" : "")worksheets/sheet\(i + 1).xml\"/>"
            try add("xl/worksheets/sheet\(i + 1).xml", "<?xml version=\"1.0\"?><\(p)worksheet \(ns)><\(p)dimension ref=\"A1:A1\"/>\(s.body)</\(p)worksheet>")
        }
        if let styles {
            rels += "<Relationship Id=\"rS\" Type=\"\(rel)/styles\" Target=\"styles.xml\"/>"
            try add("xl/styles.xml", "<styleSheet xmlns=\"\(main)\">\(styles)</styleSheet>")
        }
        if let sharedStrings {
            rels += "<Relationship Id=\"rT\" Type=\"\(rel)/sharedStrings\" Target=\"sharedStrings.xml\"/>"
            try add("xl/sharedStrings.xml", "<sst xmlns=\"\(main)\">\(sharedStrings.joined())</sst>")
        }
        try add("xl/workbook.xml", "<\(p)workbook \(ns) xmlns:r=\"\(rel)\">\(workbookPr)<\(p)sheets>\(sheetList)</\(p)sheets></\(p)workbook>")
        try add("xl/_rels/workbook.xml.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\(rels)</Relationships>")
        try add("xl/cellimages.xml", "<etc:cellImages xmlns:etc=\"http://www.wps.cn/officeDocument/2017/etCustomData\"/>")
        return url.path
    }

    static func read(_ path: String, sheet: String? = nil) throws -> (rows: [Row], errors: [String], reader: XLSXReader) {
        let reader = try XLSXReader(path: path, sheet: sheet)
        var rows: [Row] = []
        var errors: [String] = []
        while let r = try reader.next() {
            rows.append(Row(row: r.row, fields: r.strings))
            errors += reader.cellErrors.map { "\(r.row):\($0.field): \($0.message)" }
        }
        return (rows, errors, reader)
    }

    /// Cells by reference, not order; row gaps kept; <dimension> ignored; blank rows skipped.
    @Test func cellsPlacedByReference() throws {
        let path = try Self.workbook(sheets: [("S", nil, """
            <sheetData><row r="1"><c r="C1" t="inlineStr"><is><t>c</t></is></c><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>
            <row r="2"><c r="A2" s="0"/></row>
            <row r="5"><c r="B5"><v>3.5</v></c><c r="D5"><v>0.30000000000000004</v></c><c r="E5"><v>1.2E+3</v></c></row></sheetData>
            """)])
        let (rows, errors, _) = try Self.read(path)
        #expect(rows == [Row(row: 1, fields: ["a", "", "c"]), Row(row: 5, fields: ["", "3.5", "", "0.3", "1200"])])
        #expect(errors.isEmpty)
    }

    /// Rich text runs joined, phonetic runs left out; booleans; a formula's cached string.
    @Test func sharedStringsAndTypes() throws {
        let path = try Self.workbook(sheets: [("S", nil, """
            <sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="b"><v>1</v></c>
            <c r="D1" t="str"><f>A1&amp;"x"</f><v>申请x</v></c><c r="E1" t="str"><f>""</f><v></v></c></row></sheetData>
            """)], sharedStrings: ["<si><t>申请</t></si>", "<si><r><t>收到</t></r><r><rPr><b/></rPr><t>日期</t></r><rPh sb=\"0\" eb=\"2\"><t>shoudao</t></rPh></si>"])
        let (rows, errors, _) = try Self.read(path)
        #expect(rows == [Row(row: 1, fields: ["申请", "收到日期", "TRUE", "申请x", ""])])
        #expect(errors.isEmpty)
    }

    /// Dates only where the style's format is a date format; 1900 and 1904 systems; the fake
    /// 1900-02-29 refused.
    @Test func datesByNumberFormat() throws {
        let styles = """
            <numFmts><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/><numFmt numFmtId="165" formatCode="0.00&quot;d&quot;"/></numFmts>
            <cellStyleXfs><xf numFmtId="14"/></cellStyleXfs>
            <cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="31"/></cellXfs>
            """
        let body = """
            <sheetData><row r="1"><c r="A1" s="0"><v>45355</v></c><c r="B1" s="1"><v>45355</v></c><c r="C1" s="2"><v>45355.75</v></c>
            <c r="D1" s="3"><v>45355</v></c><c r="E1" s="4"><v>45355</v></c><c r="F1" s="1"><v>60</v></c><c r="G1" s="1"><v>59</v></c><c r="H1" s="1"><v>61</v></c></row></sheetData>
            """
        let (rows, errors, _) = try Self.read(try Self.workbook(sheets: [("S", nil, body)], styles: styles))
        #expect(rows.first?.fields == ["45355", "2024-03-04", "2024-03-04", "45355", "2024-03-04", "", "1900-02-28", "1900-03-01"])
        #expect(errors.count == 1 && errors[0].hasPrefix("1:5: 是日期1900-02-29"), "\(errors)")
        let (rows1904, _, _) = try Self.read(try Self.workbook(sheets: [("S", nil, body)], workbookPr: "<workbookPr date1904=\"1\"/>", styles: styles))
        #expect(rows1904.first?.fields[1] == "2028-03-05")
    }

    /// Custom formats: date tokens outside quotes and brackets, or 年月日.
    @Test(arguments: [("yyyy-mm-dd", true), ("[$-804]yyyy\"年\"m\"月\"d\"日\"", true), ("0.00\"元\"", false),
                      ("[Red]#,##0", false), ("#,##0_);[Red](#,##0)", false), ("General", false), ("m/d", true),
                      ("[DBNum1]yyyy年m月", true), ("0.00E+00", false), ("\"day\"0", false)])
    func customDateFormats(code: String, isDate: Bool) {
        #expect(XLSXDates.isDateFormat(id: 200, custom: code) == isDate, "\(code)")
    }

    /// The first visible sheet by default; a hidden one by name or number; absolute targets;
    /// a namespace prefix on every element (x:row, x:c); WPS's extra parts ignored.
    @Test func sheetChoiceAbsoluteTargetsAndPrefixes() throws {
        let cell = { (t: String) in "<x:sheetData><x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>\(t)</x:t></x:is></x:c></x:row></x:sheetData>" }
        let path = try Self.workbook(sheets: [("隐藏", "hidden", cell("hidden")), ("台账", nil, cell("visible"))], absoluteTargets: true, prefix: "x")
        #expect(try Self.read(path).rows == [Row(row: 1, fields: ["visible"])])
        #expect(try Self.read(path, sheet: "隐藏").rows == [Row(row: 1, fields: ["hidden"])])
        #expect(try Self.read(path, sheet: "1").rows == [Row(row: 1, fields: ["hidden"])])
        #expect(throws: Diagnostic.self) { try Self.read(path, sheet: "3") }
    }

    /// A merged header gives its text to the whole range; merges among the data rows are filled
    /// the same way and warned about once the header row is known.
    @Test func mergedCells() throws {
        let path = try Self.workbook(sheets: [("S", nil, """
            <sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>编号</t></is></c><c r="B1" t="inlineStr"><is><t>征求意见</t></is></c></row>
            <row r="2"><c r="B2" t="inlineStr"><is><t>日期</t></is></c><c r="C2" t="inlineStr"><is><t>收到</t></is></c></row>
            <row r="3"><c r="A3" t="inlineStr"><is><t>1</t></is></c><c r="B3" t="inlineStr"><is><t>x</t></is></c></row>
            <row r="4"><c r="A4" t="inlineStr"><is><t>2</t></is></c></row></sheetData>
            <mergeCells count="3"><mergeCell ref="A1:A2"/><mergeCell ref="B1:C1"/><mergeCell ref="B3:B4"/></mergeCells>
            """)])
        let (rows, _, reader) = try Self.read(path)
        #expect(rows == [Row(row: 1, fields: ["编号", "征求意见", "征求意见"]), Row(row: 2, fields: ["编号", "日期", "收到"]),
                         Row(row: 3, fields: ["1", "x"]), Row(row: 4, fields: ["2", "x"])])
        let warnings = reader.warnings(headerRow: 2)
        #expect(warnings.count == 1)
        #expect(warnings.first?.code == "xlsx-merged-cells" && warnings.first?.message.contains("B3:B4") == true)
        #expect(reader.warnings(headerRow: 4).isEmpty)
    }

    /// A sheet that is not XML is a corrupt workbook, named as such; a DOCTYPE (entity tricks)
    /// is refused.
    @Test func malformedSheetAndDoctype() throws {
        let bad = try Self.workbook(sheets: [("S", nil, "<sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></row></sheetData>")])
        do { _ = try Self.read(bad); Issue.record("no error") } catch let d as Diagnostic {
            #expect(d.code == "xlsx-corrupt" && d.message.contains("sheet1.xml"), "\(d)")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-dtd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("b.xlsx")
        let archive = try Archive(url: url, accessMode: .create)
        for (p, t) in [("xl/workbook.xml", "<!DOCTYPE w [<!ENTITY a \"aaaa\">]><workbook xmlns=\"\(Self.main)\"><sheets/></workbook>")] {
            let data = Data(t.utf8)
            try archive.addEntry(with: p, type: .file, uncompressedSize: Int64(data.count), provider: { pos, size in data.subdata(in: Int(pos)..<Int(pos) + size) })
        }
        do { _ = try XLSXReader(path: url.path); Issue.record("no error") } catch let d as Diagnostic {
            #expect(d.code == "xlsx-corrupt" && d.message.contains("DOCTYPE"), "\(d)")
        }
    }

    @Test func columnLetters() {
        #expect(TableFile.columnLetters(0) == "A")
        #expect(TableFile.columnLetters(25) == "Z")
        #expect(TableFile.columnLetters(26) == "AA")
        #expect(TableFile.columnLetters(16383) == "XFD")
        #expect(Array("AB12".utf8).withUnsafeBufferPointer { CellReference.column($0) } == 27)
        #expect(Array("$C$5".utf8).withUnsafeBufferPointer { CellReference.column($0) } == 2)
        #expect(Array("XFE1".utf8).withUnsafeBufferPointer { CellReference.column($0) } == nil)
    }
}
