import Foundation
import Testing
@testable import GovRulesKit

/// The workbook writer's values, and a workbook read back by the reader.
@Suite("XLSX writer")
struct XLSXWriterTests {
    final class Memory: OutputSink {
        var bytes: [UInt8] = []
        var committed = false
        var abandoned = false
        func write(_ b: UnsafeRawBufferPointer) throws { bytes.append(contentsOf: b) }
        func commit() throws { committed = true }
        func abandon() { abandoned = true }
    }

    @Test func serials() {
        #expect(XLSXWriter.serial(Day(year: 2023, month: 12, day: 11)!) == 45271)
        #expect(XLSXWriter.serial(Day(year: 1900, month: 3, day: 1)!) == 61)
        #expect(XLSXWriter.serial(Day(year: 1900, month: 2, day: 28)!) == 59)
        #expect(XLSXWriter.serial(Day(year: 1900, month: 1, day: 1)!) == 1)
    }

    /// What XML 1.0 cannot carry becomes _xHHHH_, and a literal _xHHHH_ is protected; the
    /// reader undoes both.
    @Test func escapes() throws {
        #expect(XLSXWriter.escape("a&b<c>") == "a&amp;b&lt;c&gt;")
        #expect(XLSXWriter.escape("x\u{1}y") == "x_x0001_y")
        #expect(XLSXWriter.escape("_x0041_") == "_x005F_x0041_")
        #expect(XLSXWriter.validSheetName("a/b:c*[d]?") == "a_b_c__d__")
        #expect(XLSXWriter.validSheetName(String(repeating: "表", count: 40)).count == 31)
    }

    @Test func writtenWorkbookReadsBack() throws {
        let sink = Memory()
        let w = try XLSXWriter(sink: sink, sheetName: "表", header: ["编号", "日期", "天数", "备注"])
        try w.writeRow([.text("1"), .date(Day(year: 2024, month: 3, day: 4)!), .integer(-3), .text(" 前后空格 \n第二行_x0041_\u{1}")])
        try w.writeRow([.text("2"), .empty, .integer(0), .text("")])
        try w.commit()
        #expect(sink.committed && !sink.abandoned)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("w-\(UUID().uuidString).xlsx").path
        try Data(sink.bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try XLSXReader(path: path)
        var rows: [[String]] = []
        while let r = try reader.next() { rows.append(r.strings) }
        #expect(rows == [["编号", "日期", "天数", "备注"], ["1", "2024-03-04", "-3", " 前后空格 \n第二行_x0041_\u{1}"], ["2", "", "0"]])
        #expect(reader.sheetName == "表")
        // The same rows give the same bytes.
        let again = Memory()
        let w2 = try XLSXWriter(sink: again, sheetName: "表", header: ["编号", "日期", "天数", "备注"])
        try w2.writeRow([.text("1"), .date(Day(year: 2024, month: 3, day: 4)!), .integer(-3), .text(" 前后空格 \n第二行_x0041_\u{1}")])
        try w2.writeRow([.text("2"), .empty, .integer(0), .text("")])
        try w2.commit()
        #expect(again.bytes == sink.bytes)
    }

    @Test func tooLongCellIsRefusedAndNothingCommitted() throws {
        let sink = Memory()
        let w = try XLSXWriter(sink: sink, sheetName: "S", header: ["a"])
        #expect(throws: Diagnostic.self) { try w.writeRow([.text(String(repeating: "x", count: 32_768))]) }
        w.abandon()
        #expect(sink.abandoned && !sink.committed && sink.bytes.isEmpty)
    }
}
