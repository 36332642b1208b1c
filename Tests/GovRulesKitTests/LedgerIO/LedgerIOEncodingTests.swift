import Foundation
import Testing
@testable import GovRulesKit

@Suite("LedgerIO encodings")
struct LedgerIOEncodingTests {
    typealias S = LedgerIOSupport
    typealias Row = LedgerIOSupport.Row

    @Test func gb18030Header() throws {
        let reader = try CSVReader(path: try S.fixture("gb18030Header"))
        #expect(reader.encoding == .gb18030)
        let rows = try S.readAll(reader)
        #expect(rows == [
            Row(row: 1, fields: ["申请编号", "收到日期", "申请人", "申请内容"]),
            // 𠮷 is a 4-byte GB18030 sequence; the quoted field holds a full-width comma.
            Row(row: 2, fields: ["2020-001", "2020年3月4日", "张𠮷", "查询《规划》，附件"]),
            Row(row: 3, fields: ["2020-002", "2020/3/5", "李四", "€欧元符号"]),
        ])
    }

    @Test func gb18030AtEveryChunkSize() throws {
        // Every split of 2- and 4-byte characters across raw chunks must decode identically.
        let bytes = try S.fixtureBytes("gb18030Header")
        let expected = try S.readAll(try CSVReader(bytes: bytes))
        for chunk in 8...40 {
            let reader = try CSVReader(bytes: bytes, name: "t", chunkSize: chunk)
            #expect(reader.encoding == .gb18030, "chunk \(chunk)")
            #expect(try S.readAll(reader) == expected, "chunk \(chunk)")
        }
    }

    @Test func utf8Bom() throws {
        let reader = try CSVReader(path: try S.fixture("utf8Bom"))
        #expect(reader.encoding == .utf8BOM)
        let rows = try S.readAll(reader)
        #expect(rows == [
            Row(row: 1, fields: ["申请编号", "收到日期"]),
            Row(row: 2, fields: ["2020-001", "2020-03-04"]),
        ])
        // The BOM is not part of the first header cell.
        #expect(rows[0].fields[0].unicodeScalars.first == "申")
    }

    @Test func utf8NoBom() throws {
        let reader = try CSVReader(path: try S.fixture("utf8NoBom"))
        #expect(reader.encoding == .utf8)
        #expect(try S.readAll(reader) == [
            Row(row: 1, fields: ["id", "received", "applicant"]),
            Row(row: 2, fields: ["2020-001", "2020.3.4", "王五"]),
        ])
    }

    @Test func pureASCIIAndEmptyAreUTF8() throws {
        #expect(try CSVReader(bytes: Array("a,b\n1,2\n".utf8)).encoding == .utf8)
        #expect(try CSVReader(bytes: []).encoding == .utf8)
    }

    @Test func gb18030WithItsOwnBOMIsStripped() throws {
        // GB18030 encodes U+FEFF as 84 31 95 33.
        let bytes: [UInt8] = [0x84, 0x31, 0x95, 0x33] + ledgerIOGB18030("申请编号\n1\n")
        let reader = try CSVReader(bytes: bytes)
        #expect(reader.encoding == .gb18030)
        #expect(try S.readAll(reader) == [Row(row: 1, fields: ["申请编号"]), Row(row: 2, fields: ["1"])])
    }

    @Test func utf8SplitAtSniffBoundaryIsStillUTF8() throws {
        // The first chunk ends in the middle of "张" (E5 BC A0): still detected as UTF-8.
        let text = "ab,张三\n"
        let bytes = Array(text.utf8)
        for chunk in 8...12 {
            let reader = try CSVReader(bytes: bytes, name: "t", chunkSize: chunk)
            #expect(reader.encoding == .utf8, "chunk \(chunk)")
            #expect(try S.readAll(reader) == [Row(row: 1, fields: ["ab", "张三"])])
        }
    }

    @Test func detectDirectly() {
        func detect(_ bytes: [UInt8], whole: Bool = true) -> SourceEncoding {
            bytes.withUnsafeBytes { SourceEncoding.detect($0, isWholeFile: whole) }
        }
        #expect(detect([0xEF, 0xBB, 0xBF, 0x61]) == .utf8BOM)
        #expect(detect(Array("申请".utf8)) == .utf8)
        #expect(detect(ledgerIOGB18030("申请")) == .gb18030)
        // A sequence cut at the end of a partial chunk is fine; overlong and surrogate forms are not.
        #expect(detect([0x61, 0xE7, 0x94], whole: false) == .utf8)
        #expect(detect([0xC0, 0x80]) == .gb18030)
        #expect(detect([0xED, 0xA0, 0x80]) == .gb18030)
        #expect(detect([0xF4, 0x90, 0x80, 0x80]) == .gb18030)
    }

    @Test func xlsxPretendingToBeCSV() throws {
        let path = try S.fixture("xlsxPretendingToBeCSV")
        let error = #expect(throws: Diagnostic.self) { try CSVReader(path: path) }
        #expect(error?.code == "csv-not-text")
        #expect(error?.file == path)
        #expect(error?.message.contains("这不是CSV文本文件") == true)
        #expect(error?.message.contains("另存为") == true)
        #expect(error?.message.contains(".xlsx") == true)
    }

    @Test func nulInFirstChunk() throws {
        let error = #expect(throws: Diagnostic.self) { try CSVReader(path: try S.fixture("nulInFirstChunk")) }
        #expect(error?.code == "csv-not-text")
        #expect(error?.message.contains("这不是CSV文本文件") == true)
    }

    @Test func nulLater() throws {
        // With a small chunk the NUL is not in the sniffed prefix; it is reported with its row.
        let reader = try CSVReader(bytes: try S.fixtureBytes("nulLater"), name: "nulLater.csv", chunkSize: 8)
        let (rows, error) = S.readUntilError(reader)
        #expect(rows.map(\.row) == [1, 2, 3])
        #expect(error?.code == "csv-not-text")
        #expect(error?.line == 4)
        #expect(error?.file == "nulLater.csv")
    }

    @Test func utf16Export() throws {
        let error = #expect(throws: Diagnostic.self) { try CSVReader(path: try S.fixture("utf16Export")) }
        #expect(error?.code == "csv-utf16")
        #expect(error?.message.contains("UTF-16") == true)
    }

    @Test func invalidUtf8Later() throws {
        // 2001 valid UTF-8 rows (more than the 64 KiB sniffed), then a row saved as GBK.
        let path = try S.fixture("invalidUtf8Later")
        let reader = try CSVReader(path: path)
        #expect(reader.encoding == .utf8)
        let (rows, error) = S.readUntilError(reader)
        #expect(rows.count == 2001)
        #expect(rows.last == Row(row: 2001, fields: ["2001", "张三", "申请公开某某文件的内容"]))
        let e = try #require(error)
        #expect(e.code == "csv-invalid-utf8")
        #expect(e.line == 2002)
        #expect(e.file == path)
        #expect(e.message.contains("文件在第2002行含有无效的UTF-8字节；请以UTF-8或GB18030（GBK）编码保存"))
        // Nothing more after an error.
        #expect(try reader.next() == nil)
    }

    @Test func asciiPrefixThenGb18030() throws {
        // Read whole, the file is GB18030 from the start. With a small chunk the first chunk is
        // pure ASCII (so UTF-8 is guessed); at the first GBK byte the reader switches losslessly.
        let path = try S.fixture("asciiPrefixThenGb18030")
        let expected = [
            Row(row: 1, fields: ["id", "received", "applicant_type"]),
            Row(row: 2, fields: ["2020-001", "2020-03-04", "natural_person"]),
            Row(row: 3, fields: ["2020-002", "2020/3/5", "business"]),
            Row(row: 4, fields: ["2020-003", "2020年3月6日", "自然人"]),
        ]
        let whole = try CSVReader(path: path)
        #expect(whole.encoding == .gb18030)
        #expect(try S.readAll(whole) == expected)
        for chunk in [16, 32, 64] {
            let reader = try CSVReader(path: path, chunkSize: chunk)
            #expect(reader.encoding == .utf8)
            #expect(try S.readAll(reader) == expected, "chunk \(chunk)")
            #expect(reader.encoding == .gb18030)
        }
    }

    @Test func truncatedUtf8AtEndOfFile() throws {
        var bytes = Array("id,name\n1,张三\n2,".utf8)
        bytes += [0xE6, 0x9D] // the first two bytes of 李
        let reader = try CSVReader(bytes: bytes, name: "t.csv", chunkSize: 8)
        let (rows, error) = S.readUntilError(reader)
        #expect(rows.count == 2)
        #expect(error?.code == "csv-invalid-utf8")
        #expect(error?.line == 3)
    }

    @Test func invalidGb18030() throws {
        let reader = try CSVReader(path: try S.fixture("invalidGb18030"))
        #expect(reader.encoding == .gb18030)
        let (rows, error) = S.readUntilError(reader)
        #expect(rows == [Row(row: 1, fields: ["申请编号", "申请人"]), Row(row: 2, fields: ["2020-001", "张三"])])
        #expect(error?.code == "csv-invalid-gb18030")
        #expect(error?.line == 3)
    }

    @Test func truncatedGb18030AtEndOfFile() throws {
        let bytes = ledgerIOGB18030("申请编号\n张三\n") + [0xD5] // a lone lead byte at EOF
        let (rows, error) = S.readUntilError(try CSVReader(bytes: bytes, name: "t.csv"))
        #expect(rows.count == 2)
        #expect(error?.code == "csv-invalid-gb18030")
        #expect(error?.line == 3)
    }

    @Test func transcoderReportsSplitCharacter() throws {
        let t = try GB18030Transcoder(file: nil)
        let input: [UInt8] = [0x61, 0x95, 0x34, 0xB2] // "a" + 3 of the 4 bytes of 𠮷
        var out = [UInt8](repeating: 0, count: 16)
        let r = input.withUnsafeBytes { i in out.withUnsafeMutableBytes { t.convert(i, into: $0) } }
        #expect(r.consumed == 1)
        #expect(r.produced == 1)
        #expect(r.stop == .incompleteTail)
        let full: [UInt8] = [0x95, 0x34, 0xB2, 0x35]
        let r2 = full.withUnsafeBytes { i in out.withUnsafeMutableBytes { t.convert(i, into: $0) } }
        #expect(r2.stop == .inputConsumed)
        #expect(String(decoding: out[0..<r2.produced], as: UTF8.self) == "𠮷")
    }

    @Test func utf8ValidatorAcrossChunks() {
        var v = UTF8Validator()
        let a: [UInt8] = [0x61, 0xF0, 0x9F]       // "a" + start of 😀
        let b: [UInt8] = [0x98, 0x80, 0x62, 0xFF] // rest of 😀, "b", invalid
        #expect(a.withUnsafeBufferPointer { v.firstInvalid(in: $0) } == nil)
        #expect(v.isMidSequence)
        #expect(b.withUnsafeBufferPointer { v.firstInvalid(in: $0) } == 3)
    }
}

/// GB18030 bytes of `s` (through the same iconv the reader uses, in reverse).
func ledgerIOGB18030(_ s: String) -> [UInt8] {
    let cd = iconv_open("GB18030", "UTF-8")
    defer { iconv_close(cd) }
    var input = Array(s.utf8).map { CChar(bitPattern: $0) }
    var output = [CChar](repeating: 0, count: input.count * 2 + 16)
    let produced = input.withUnsafeMutableBufferPointer { ib -> Int in
        output.withUnsafeMutableBufferPointer { ob -> Int in
            var ip = ib.baseAddress, op = ob.baseAddress
            var il = ib.count, ol = ob.count
            _ = iconv(cd, &ip, &il, &op, &ol)
            return ob.count - ol
        }
    }
    return output[0..<produced].map { UInt8(bitPattern: $0) }
}
