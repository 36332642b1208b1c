import Foundation
import Testing

/// Rows whose cell count is not the header's: cells beyond the header are never dropped
/// silently, missing cells are named, and a ledger cut off mid-row (still being copied) is not
/// classified as complete.
@Suite("EndToEnd record shape")
struct EndToEndRecordShapeTests {
    static let header = "申请编号,收到日期,申请人类型,备注\n"

    /// Runs classify on `ledger` (written as given) with -o over an earlier result.
    static func classify(_ prefix: String, ledger: String, extra: [String] = []) throws -> (GovrulesOutput, URL) {
        let dir = E2E.makeTempDir(prefix: prefix)
        let rules = try FaultFixtures.rules(in: dir, snippet: "")
        let path = dir.appendingPathComponent("ledger.csv")
        try ledger.write(to: path, atomically: true, encoding: .utf8)
        try "earlier result\n".write(to: dir.appendingPathComponent("out.csv"), atomically: true, encoding: .utf8)
        let r = E2E.run(["classify", "ledger.csv", "--rules", rules.path, "-o", "out.csv"] + extra, cwd: dir)
        #expect(try String(contentsOf: path, encoding: .utf8) == ledger, "the ledger must not change")
        #expect(FaultFixtures.temporaryFiles(in: dir).isEmpty)
        return (r, dir)
    }

    static func output(_ dir: URL) throws -> String {
        try String(contentsOf: dir.appendingPathComponent("out.csv"), encoding: .utf8)
    }

    @Test func aCellBeyondTheHeaderIsAnErrorNamingItsValue() throws {
        let (r, dir) = try Self.classify("shape-extra", ledger: Self.header + "A-1,2020-03-02,自然人,备注一\nA-2,2020-03-02,自然人,备注二,,请尽快答复\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(r.status == 1)
        #expect(r.stderrLines.contains { $0.hasPrefix("ledger.csv:3: error[row-extra-cells]: 这一行有 6 个单元格，比表头的 4 列多；第6列的值“请尽快答复”没有表头") }, "\(r.stderr)")
        #expect(try Self.output(dir) == "earlier result\n")
    }

    @Test func emptyCellsBeyondTheHeaderAreAccepted() throws {
        let (r, dir) = try Self.classify("shape-extra-empty", ledger: Self.header + "A-1,2020-03-02,自然人,备注一,,\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty, "\(r.stderr)")
        #expect(try Self.output(dir).contains("\nA-1,2020-03-02,自然人,备注一,disclosed,"))
    }

    @Test func aMissingTrailingOptionalCellIsAWarning() throws {
        let (r, dir) = try Self.classify("shape-short-optional", ledger: Self.header + "A-1,2020-03-02,自然人\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderrLines.contains { $0.hasPrefix("ledger.csv:2: warning[row-warning]: 申请编号“A-1”：这一行只有 3 个单元格，表头有 4 列；缺少的末尾列（“备注”）按空白处理") }, "\(r.stderr)")
        #expect(try Self.output(dir).contains("\nA-1,2020-03-02,自然人,,disclosed,"))
    }

    @Test func aMissingRequiredCellIsAnError() throws {
        let (r, dir) = try Self.classify("shape-short-required", ledger: Self.header + "A-1,2020-03-02\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(r.status == 1)
        #expect(r.stderrLines.contains { $0.hasPrefix("ledger.csv:2: error[row-short]: 这一行只有 2 个单元格，表头有 4 列，缺少必填列“申请人类型”") }, "\(r.stderr)")
        #expect(try Self.output(dir) == "earlier result\n")
    }

    @Test func aLastRowCutOffMidRecordIsNamedAsProbablyIncomplete() throws {
        // The copy stopped inside the last row: no line break, two of four cells.
        let (r, dir) = try Self.classify("shape-cut-off", ledger: Self.header + "A-1,2020-03-02,自然人,备注一\nA-2,2020-03", extra: ["--keep-going"])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(r.status == 3)
        #expect(r.stderrLines.contains { $0.hasPrefix("ledger.csv:3: error[row-cut-off]: 这是文件的最后一行，没有换行符，且只有 2 个单元格（表头有 4 列，缺少“申请人类型”、“备注”）：文件可能不完整") }, "\(r.stderr)")
        // The cut row is not classified as if it were complete.
        #expect(!(try Self.output(dir).contains("A-2,")))
    }

    @Test func aLedgerChangedWhileItIsReadWritesNothing() throws {
        let dir = E2E.makeTempDir(prefix: "changed-while-read")
        defer { try? FileManager.default.removeItem(at: dir) }
        // A slow rule (about 30,000 instructions a row), so the run is still reading when the
        // ledger grows: it is appended to as soon as the first results are written.
        let rules = try FaultFixtures.rules(in: dir, snippet: "local x = 0 for i = 1, 10000 do x = x + i end")
        let ledger = dir.appendingPathComponent("ledger.csv")
        try FaultFixtures.ledger(ledger, rows: 20000)
        let out = dir.appendingPathComponent("out.csv")
        try "earlier result\n".write(to: out, atomically: true, encoding: .utf8)
        let err = dir.appendingPathComponent("stderr.txt").path
        let pid = try #require(FaultRun.start(["classify", ledger.path, "--rules", rules.path, "--jobs", "1", "-o", out.path],
                                              stdout: "/dev/null", stderr: err))
        // Once the first results reach the temporary file, the ledger is open and being read.
        let deadline = Date().addingTimeInterval(30)
        func started() -> Bool {
            FaultFixtures.temporaryFiles(in: dir).contains { name in
                ((try? FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(name).path))?[.size] as? NSNumber)?.intValue ?? 0 > 0
            }
        }
        while !started() && Date() < deadline { usleep(1_000) }
        let handle = try FileHandle(forWritingTo: ledger)
        handle.seekToEndOfFile()
        handle.write(Data("A-20001,2020-03-02,自然人,还在复制\n".utf8))
        try handle.close()
        let ended = FaultRun.wait(pid, timeout: 60)

        #expect(ended.status == 1)
        let stderr = try String(contentsOfFile: err, encoding: .utf8)
        #expect(stderr.contains("\(ledger.path): error[csv-changed-while-read]: 输入文件在读取期间被修改"), "\(stderr)")
        #expect(try String(contentsOf: out, encoding: .utf8) == "earlier result\n")
        #expect(FaultFixtures.temporaryFiles(in: dir).isEmpty)
    }
}
