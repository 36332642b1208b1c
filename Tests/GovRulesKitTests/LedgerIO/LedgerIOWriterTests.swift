import Foundation
import Testing
@testable import GovRulesKit

@Suite("LedgerIO CSV writer and sinks")
struct LedgerIOWriterTests {
    typealias S = LedgerIOSupport

    @Test func quotingOnlyWhenNeeded() throws {
        let sink = LedgerIOMemorySink()
        let w = CSVWriter(sink: sink)
        try w.writeField("plain")
        try w.writeField("a,b")
        try w.writeField("say \"hi\"")
        try w.writeField("line\nbreak")
        try w.writeField("cr\rhere")
        try w.writeField("")
        try w.writeField(" spaces ")
        try w.endRecord()
        try w.writeField("申请编号" as StaticString)
        try w.writeField("，全角逗号不需要引号")
        try S.withBytes("\"") { try w.writeField(bytes: $0) }
        try w.endRecord()
        #expect(sink.bytes.isEmpty) // buffered until flush
        try w.flush()
        let expected = "plain,\"a,b\",\"say \"\"hi\"\"\",\"line\nbreak\",\"cr\rhere\",, spaces \n"
            + "申请编号,，全角逗号不需要引号,\"\"\"\"\n"
        #expect(sink.string == expected)
        #expect(!sink.committed)
        try w.commit()
        #expect(sink.committed)
    }

    @Test func bom() throws {
        let sink = LedgerIOMemorySink()
        let w = CSVWriter(sink: sink, bom: true)
        try w.writeRecord(["id", "申请人"])
        try w.flush()
        #expect(sink.bytes == [0xEF, 0xBB, 0xBF] + Array("id,申请人\n".utf8))

        let plain = LedgerIOMemorySink()
        let w2 = CSVWriter(sink: plain)
        try w2.writeRecord(["id"])
        try w2.flush()
        #expect(plain.bytes == Array("id\n".utf8))
    }

    @Test func roundTripThroughTheReaderBeyondTheBuffer() throws {
        let sink = LedgerIOMemorySink()
        let w = CSVWriter(sink: sink)
        let samples = ["x", "", "a,b", "\"", "\"\"", "多行\r\n文本", "end\"", "，；、", String(repeating: "长", count: 30_000)]
        var expected: [[String]] = []
        for i in 0..<300 {
            let record = ["\(i)", samples[i % samples.count], samples[(i * 7) % samples.count], "尾"]
            expected.append(record)
            try w.writeRecord(record)
        }
        try w.flush()
        #expect(sink.bytes.count > 256 * 1024)
        #expect(sink.writeCalls > 1) // the 64 KiB buffer was handed over several times
        let rows = try S.readAll(try CSVReader(bytes: sink.bytes))
        #expect(rows.map(\.fields) == expected)
        #expect(rows.map(\.row) == Array(1...300))
    }

    @Test func atomicSinkLeavesExistingFileUntouchedOnAbandon() throws {
        let dir = try S.makeTemporaryDirectory()
        defer { S.removeTemporaryDirectory(dir) }
        let path = dir + "/out.csv"
        let old = Array("old,content\n".utf8)
        try S.write(old, to: path)

        let sink = try AtomicFileSink(path: path)
        #expect(sink.temporaryPath.hasPrefix(dir + "/.out.csv.tmp-"))
        let w = CSVWriter(sink: sink)
        try w.writeRecord(["new", "content"])
        try w.flush()
        #expect(FileManager.default.fileExists(atPath: sink.temporaryPath))
        #expect(try S.contents(of: path) == old)
        sink.abandon()
        #expect(try S.contents(of: path) == old)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.csv"])
    }

    @Test func atomicSinkDroppedWithoutCommitIsAbandoned() throws {
        let dir = try S.makeTemporaryDirectory()
        defer { S.removeTemporaryDirectory(dir) }
        let path = dir + "/out.csv"
        do {
            let sink = try AtomicFileSink(path: path)
            try sink.write("partial")
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test func atomicSinkCommitReplacesAndKeepsPermissions() throws {
        let dir = try S.makeTemporaryDirectory()
        defer { S.removeTemporaryDirectory(dir) }
        let path = dir + "/out.csv"
        try S.write(Array("old\n".utf8), to: path)
        #expect(chmod(path, 0o640) == 0)
        let sink = try AtomicFileSink(path: path)
        let w = CSVWriter(sink: sink, bom: true)
        try w.writeRecord(["申请编号", "a,b"])
        try w.commit()
        #expect(try S.contents(of: path) == [0xEF, 0xBB, 0xBF] + Array("申请编号,\"a,b\"\n".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.csv"])
        var st = stat()
        #expect(stat(path, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o640)
        sink.abandon() // after commit: no effect
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test func atomicSinkCreatesANewFile() throws {
        let dir = try S.makeTemporaryDirectory()
        defer { S.removeTemporaryDirectory(dir) }
        let sink = try AtomicFileSink(path: dir + "/./fresh.csv")
        #expect(sink.temporaryPath.hasPrefix(dir + "/./.fresh.csv.tmp-"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/fresh.csv"))
        try sink.write("x\n")
        try sink.commit()
        #expect(try S.contents(of: dir + "/fresh.csv") == Array("x\n".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["fresh.csv"])
    }

    @Test func atomicSinkOpenFailures() throws {
        let dir = try S.makeTemporaryDirectory()
        defer { S.removeTemporaryDirectory(dir) }
        let e1 = #expect(throws: Diagnostic.self) { try AtomicFileSink(path: dir + "/no-such-folder/out.csv") }
        #expect(e1?.code == "output-open-failed")
        #expect(e1?.message.contains("no-such-folder/out.csv") == true)
        let e2 = #expect(throws: Diagnostic.self) { try AtomicFileSink(path: dir) }
        #expect(e2?.code == "output-open-failed")
        #expect(e2?.message.contains("文件夹") == true)
    }

    @Test func standardOutputSinkBuffersUntilCommit() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        func drain() -> [UInt8] {
            var buf = [UInt8](repeating: 0, count: 4096)
            let n = buf.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            return n > 0 ? Array(buf[0..<n]) : []
        }
        let sink = StandardOutputSink(fileDescriptor: fds[1], name: "pipe")
        let w = CSVWriter(sink: sink)
        try w.writeRecord(["a", "b"])
        try w.flush()
        #expect(drain() == []) // still in the sink's buffer
        try sink.commit()
        #expect(drain() == Array("a,b\n".utf8))

        try sink.write("dropped")
        sink.abandon()
        try sink.commit()
        #expect(drain() == [])
    }
}
