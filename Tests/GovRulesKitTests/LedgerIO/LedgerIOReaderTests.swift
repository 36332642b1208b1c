import Foundation
import Testing
@testable import GovRulesKit

@Suite("LedgerIO CSV reader")
struct LedgerIOReaderTests {
    typealias S = LedgerIOSupport
    typealias Row = LedgerIOSupport.Row

    @Test func crlfQuotedNewline() throws {
        let rows = try S.readAll(try CSVReader(path: try S.fixture("crlfQuotedNewline")))
        #expect(rows == [
            Row(row: 1, fields: ["id", "subject", "remark"]),
            // A quoted line break is kept as written and does not add a row.
            Row(row: 2, fields: ["2020-001", "第一行\r\n第二行", "x"]),
            Row(row: 3, fields: ["2020-002", "a\nb\nc", "y"]),
            Row(row: 4, fields: ["2020-003", "plain", "z"]),
        ])
    }

    @Test func lfLineEndings() throws {
        let rows = try S.readAll(try CSVReader(bytes: Array("a,b\n1,2\n3,4".utf8)))
        #expect(rows == [Row(row: 1, fields: ["a", "b"]), Row(row: 2, fields: ["1", "2"]), Row(row: 3, fields: ["3", "4"])])
    }

    @Test func loneCR() throws {
        let rows = try S.readAll(try CSVReader(path: try S.fixture("loneCR")))
        #expect(rows == [
            Row(row: 1, fields: ["id", "subject"]),
            Row(row: 2, fields: ["2020-001", "a"]),
            Row(row: 3, fields: ["2020-002", "x\ry"]),
            Row(row: 4, fields: ["2020-003", "b"]), // no line end after the last record
        ])
    }

    @Test func quotedCommasAndQuotes() throws {
        let rows = try S.readAll(try CSVReader(path: try S.fixture("quotedCommasAndQuotes")))
        #expect(rows == [
            Row(row: 1, fields: ["id", "subject"]),
            Row(row: 2, fields: ["1", "a,b"]),
            Row(row: 3, fields: ["2", "He said \"hi\""]),
            Row(row: 4, fields: ["3", ""]),
            Row(row: 5, fields: ["4", "\"quoted\" start"]),
            Row(row: 6, fields: ["5", "abc"]),   // text after a closing quote is kept, as Excel does
            Row(row: 7, fields: ["6", "x\"y"]),  // a quote inside an unquoted field is literal
            Row(row: 8, fields: ["7", "", ""]),
        ])
    }

    @Test func blankRows() throws {
        let reader = try CSVReader(path: try S.fixture("blankRows"))
        var seen: [(Int, Bool)] = []
        while let r = try reader.next() { seen.append((r.row, r.isBlank)) }
        // Blank rows still count as spreadsheet rows, so row 6 is "2,b".
        #expect(seen.map(\.0) == [1, 2, 3, 4, 5, 6])
        #expect(seen.map(\.1) == [false, false, true, true, true, false])
    }

    @Test func empty() throws {
        let reader = try CSVReader(path: try S.fixture("empty"))
        #expect(try reader.next() == nil)
        #expect(try reader.next() == nil)
    }

    @Test func headerOnly() throws {
        let rows = try S.readAll(try CSVReader(path: try S.fixture("headerOnly")))
        #expect(rows == [Row(row: 1, fields: ["申请编号", "收到日期", "申请人类型"])])
        let noNewline = try S.readAll(try CSVReader(bytes: Array("申请编号,收到日期".utf8)))
        #expect(noNewline == [Row(row: 1, fields: ["申请编号", "收到日期"])])
    }

    @Test func trailingCommaAtEndOfFileMakesAnEmptyField() throws {
        #expect(try S.readAll(try CSVReader(bytes: Array("a,".utf8))) == [Row(row: 1, fields: ["a", ""])])
        #expect(try S.readAll(try CSVReader(bytes: Array("\"a\"".utf8))) == [Row(row: 1, fields: ["a"])])
    }

    @Test func unterminatedQuote() throws {
        let path = try S.fixture("unterminatedQuote")
        let (rows, error) = S.readUntilError(try CSVReader(path: path))
        #expect(rows.map(\.row) == [1, 2])
        let e = try #require(error)
        #expect(e.code == "csv-unterminated-quote")
        #expect(e.line == 3) // where the quoted field began
        #expect(e.file == path)
        #expect(e.message.contains("第3行"))
    }

    @Test func everyFixtureAtEveryChunkSize() throws {
        // Small chunks put every CR/LF pair, quote pair and multi-byte character on a boundary.
        for name in ["crlfQuotedNewline", "loneCR", "quotedCommasAndQuotes", "blankRows", "headerOnly",
                     "utf8Bom", "utf8NoBom", "gb18030Header", "empty"] {
            let bytes = try S.fixtureBytes(name)
            let expected = try S.readAll(try CSVReader(bytes: bytes))
            for chunk in 8...48 {
                #expect(try S.readAll(try CSVReader(bytes: bytes, name: name, chunkSize: chunk)) == expected,
                        "\(name) chunk \(chunk)")
            }
        }
        for name in ["unterminatedQuote", "invalidGb18030"] {
            let bytes = try S.fixtureBytes(name)
            let expected = S.readUntilError(try CSVReader(bytes: bytes))
            for chunk in 8...48 {
                let got = S.readUntilError(try CSVReader(bytes: bytes, name: name, chunkSize: chunk))
                #expect(got.rows == expected.rows, "\(name) chunk \(chunk)")
                #expect(got.error?.code == expected.error?.code && got.error?.line == expected.error?.line,
                        "\(name) chunk \(chunk)")
            }
        }
    }

    @Test func fileLargerThanTheChunkSize() throws {
        // UTF-8: a 3-byte character straddles the first 64 KiB boundary; a quoted field with a
        // doubled quote, a comma and a line break straddles the second.
        let chunk = CSVReader.defaultChunkSize
        var text = "id,subject\n"
        var row = 1
        func fill(to length: Int) {
            while text.utf8.count < length {
                row += 1
                text += "\(row),普通内容\n"
            }
        }
        fill(to: chunk - 60)
        row += 1
        let straddleRow1 = row
        // "申" starts at byte chunk - 1.
        let pad = String(repeating: "a", count: chunk - 1 - text.utf8.count - "\(row),".utf8.count)
        text += "\(row),\(pad)申请\n"
        fill(to: 2 * chunk - 100)
        row += 1
        let straddleRow2 = row
        // The boundary falls inside "换" of the quoted field, after the doubled quote.
        let filler = String(repeating: "b", count: 2 * chunk - 10 - text.utf8.count - "\(row),\"".utf8.count)
        text += "\(row),\"\(filler)前\"\"后\n换行,逗号\",end\n"
        row += 1
        text += "\(row),last\n"
        #expect(text.utf8.count > 2 * chunk)

        let dir = try S.makeTemporaryDirectory()
        defer { S.removeTemporaryDirectory(dir) }
        let path = dir + "/big.csv"
        try S.write(Array(text.utf8), to: path)
        let reader = try CSVReader(path: path)
        #expect(reader.encoding == .utf8)
        var count = 0
        var lastRow = 0
        while let r = try reader.next() {
            count += 1
            #expect(r.row == count)
            if r.row == straddleRow1 { #expect(r.string(1) == pad + "申请") }
            if r.row == straddleRow2 {
                #expect(r.count == 3)
                #expect(r.string(1) == filler + "前\"后\n换行,逗号")
                #expect(r.string(2) == "end")
            }
            lastRow = r.row
        }
        #expect(lastRow == row)
    }

    @Test func gb18030FileLargerThanTheChunkSize() throws {
        // A 2-byte character straddles the first raw chunk boundary and a 4-byte one the second.
        let chunk = CSVReader.defaultChunkSize
        var bytes = ledgerIOGB18030("申请编号,申请内容\n")
        var row = 1
        func fill(to length: Int) {
            while bytes.count < length {
                row += 1
                bytes += ledgerIOGB18030("\(row),内容\n")
            }
        }
        fill(to: chunk - 40)
        row += 1
        let row1 = row
        let pad1 = String(repeating: "a", count: chunk - 1 - bytes.count - "\(row),".utf8.count)
        bytes += ledgerIOGB18030("\(row),\(pad1)申请\n")
        fill(to: 2 * chunk - 40)
        row += 1
        let row2 = row
        let pad2 = String(repeating: "b", count: 2 * chunk - 2 - bytes.count - "\(row),\"".utf8.count)
        bytes += ledgerIOGB18030("\(row),\"\(pad2)𠮷\n吉\",end\n")
        #expect(bytes.count > 2 * chunk)

        let dir = try S.makeTemporaryDirectory()
        defer { S.removeTemporaryDirectory(dir) }
        let path = dir + "/big-gb.csv"
        try S.write(bytes, to: path)
        let reader = try CSVReader(path: path)
        #expect(reader.encoding == .gb18030)
        var found = 0
        var count = 0
        while let r = try reader.next() {
            count += 1
            #expect(r.row == count)
            if r.row == row1 { #expect(r.string(1) == pad1 + "申请"); found += 1 }
            if r.row == row2 { #expect(r.strings == ["\(row2)", pad2 + "𠮷\n吉", "end"]); found += 1 }
        }
        #expect(found == 2)
        #expect(count == row2)
    }

    @Test func oversizedRecordIsRejectedInsteadOfGrowingMemory() throws {
        var text = "id,subject\n1,\"unclosed\n"
        for i in 0..<200 { text += "\(i),some more text that is swallowed\n" }
        let reader = try CSVReader(bytes: Array(text.utf8), name: "t.csv", chunkSize: 64, maxRecordBytes: 1024)
        let (rows, error) = S.readUntilError(reader)
        #expect(rows.count == 1)
        #expect(error?.code == "csv-record-too-large")
        #expect(error?.line == 2)
        #expect(error?.message.contains("引号") == true)
    }

    @Test func withFieldGivesRawBytesAndShortRowsReadEmpty() throws {
        let reader = try CSVReader(bytes: Array("a,\"b\"\"c\"\n".utf8))
        let r = try #require(try reader.next())
        #expect(r.count == 2)
        #expect(r.withField(1) { Array($0) } == Array("b\"c".utf8))
        #expect(r.withField(5) { $0.count } == 0)
        #expect(r.string(7) == "")
    }

    @Test func openFailures() throws {
        let missing = "/nonexistent-\(UUID().uuidString)/ledger.csv"
        let e1 = #expect(throws: Diagnostic.self) { try CSVReader(path: missing) }
        #expect(e1?.code == "csv-open-failed")
        #expect(e1?.message.contains(missing) == true)
        #expect(e1?.message.contains("不存在") == true)

        let dir = try S.makeTemporaryDirectory()
        defer { S.removeTemporaryDirectory(dir) }
        let e2 = #expect(throws: Diagnostic.self) { try CSVReader(path: dir) }
        #expect(e2?.code == "csv-open-failed")
        #expect(e2?.message.contains("文件夹") == true)
    }

    @Test func readsFromAFileDescriptor() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let text = Array("a,b\n1,2\n".utf8)
        _ = text.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
        close(fds[1])
        let reader = try CSVReader(fileDescriptor: fds[0], name: "<stdin>", closeWhenDone: true)
        #expect(try S.readAll(reader) == [Row(row: 1, fields: ["a", "b"]), Row(row: 2, fields: ["1", "2"])])
    }

    @Test func staleRecordTraps() async {
        await #expect(processExitsWith: .failure) {
            let reader = try CSVReader(bytes: Array("a\nb\n".utf8))
            let first = try reader.next()!
            _ = try reader.next()
            _ = first.string(0)
        }
    }
}
