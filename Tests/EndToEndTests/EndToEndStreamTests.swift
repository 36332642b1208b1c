import Foundation
import Testing

/// Standard streams as scripts leave them: closed, a pipe that closes early, a full disk, a
/// file opened for appending. Diagnostics go to stderr and nowhere else; results are never lost
/// without a non-zero exit.
@Suite("EndToEnd standard streams")
struct EndToEndStreamTests {
    /// A ledger whose rows each lack the optional last cell: every row has a warning on stderr.
    static func ledgerWithWarnings(_ url: URL, rows: Int) throws {
        var text = "申请编号,收到日期,申请人类型,备注\n"
        for i in 1...rows { text += "A-\(i),2020-03-02,自然人\n" }
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// What classify writes with every stream open, for comparing bytes.
    static func reference(_ dir: URL, ledger: String = "ledger.csv") -> Data {
        let r = FaultRun.shell("\"$G\" classify \(ledger) --rules rules -o reference.csv", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        return (try? Data(contentsOf: dir.appendingPathComponent("reference.csv"))) ?? Data()
    }

    @Test func withStderrClosedNoDiagnosticLandsInTheOutput() throws {
        let dir = E2E.makeTempDir(prefix: "stderr-closed")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FaultFixtures.rules(in: dir, snippet: "")
        try Self.ledgerWithWarnings(dir.appendingPathComponent("ledger.csv"), rows: 20)
        let expected = Self.reference(dir)
        #expect(String(decoding: expected, as: UTF8.self).hasPrefix("申请编号,"))

        let r = FaultRun.shell("\"$G\" classify ledger.csv --rules rules -o out.csv 2>&-", in: dir)

        #expect(r.status == 0)
        #expect(try Data(contentsOf: dir.appendingPathComponent("out.csv")) == expected)
        #expect(FaultFixtures.temporaryFiles(in: dir).isEmpty)
    }

    @Test func withStdoutClosedAndNoOutputFileTheRunFails() throws {
        let dir = E2E.makeTempDir(prefix: "stdout-closed")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FaultFixtures.rules(in: dir, snippet: "")
        try FaultFixtures.ledger(dir.appendingPathComponent("ledger.csv"), rows: 3)

        let r = FaultRun.shell("\"$G\" classify ledger.csv --rules rules >&-", in: dir)

        #expect(r.status == 1)
        #expect(r.stderr.contains("error[output-stdout-closed]: 标准输出已关闭"), "\(r.stderr)")
        // With -o, a closed stdout is no concern: the file is written.
        let withFile = FaultRun.shell("\"$G\" classify ledger.csv --rules rules -o out.csv >&-", in: dir)
        #expect(withFile.status == 0, "\(withFile.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("out.csv"), encoding: .utf8).contains("A-3"))
    }

    @Test func aStdoutThatCannotBeWrittenIsAnError() throws {
        let dir = E2E.makeTempDir(prefix: "stdout-full")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FaultFixtures.rules(in: dir, snippet: "")
        try FaultFixtures.ledger(dir.appendingPathComponent("ledger.csv"), rows: 3)

        let r = FaultRun.shell("\"$G\" classify ledger.csv --rules rules > /dev/full", in: dir)

        #expect(r.status == 1)
        #expect(r.stderr.contains("error[output-write-failed]: 写入“标准输出”失败：磁盘空间已满"), "\(r.stderr)")
    }

    @Test func devStdoutAndDashWriteIntoAPipe() throws {
        let dir = E2E.makeTempDir(prefix: "dev-stdout")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FaultFixtures.rules(in: dir, snippet: "")
        try FaultFixtures.ledger(dir.appendingPathComponent("ledger.csv"), rows: 50)
        let expected = Self.reference(dir)

        for name in ["/dev/stdout", "-"] {
            let r = FaultRun.shell("\"$G\" classify ledger.csv --rules rules -o \(name) | cat > piped.csv", in: dir)
            #expect(r.status == 0, "\(name): \(r.stderr)")
            #expect(r.stderr.isEmpty, "\(name): \(r.stderr)")
            #expect(try Data(contentsOf: dir.appendingPathComponent("piped.csv")) == expected, "\(name)")
        }
    }

    @Test func devStdoutAppendedToALogIsAppendedNotReplaced() throws {
        let dir = E2E.makeTempDir(prefix: "dev-stdout-append")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FaultFixtures.rules(in: dir, snippet: "")
        try FaultFixtures.ledger(dir.appendingPathComponent("ledger.csv"), rows: 5)
        let expected = Self.reference(dir)
        let log = dir.appendingPathComponent("log.csv")
        try "earlier lines\n".write(to: log, atomically: true, encoding: .utf8)

        let r = FaultRun.shell("\"$G\" classify ledger.csv --rules rules -o /dev/stdout >> log.csv", in: dir)

        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Data(contentsOf: log) == Data("earlier lines\n".utf8) + expected)
    }

    /// Issue 11 point 2: `2>&1 | head` closes the pipe that carries the diagnostics while the
    /// run is still going. The run ends (SIGPIPE), out.csv keeps its old bytes, no temp file.
    @Test func closingTheDiagnosticsPipeEarlyLeavesTheOutputFileAsItWas() throws {
        let dir = E2E.makeTempDir(prefix: "stderr-pipe")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FaultFixtures.rules(in: dir, snippet: "")
        // Every row has an error, and --keep-going lists them all: megabytes of stderr, far
        // more than a pipe holds, so the writer meets the closed pipe mid-run.
        var text = "申请编号,收到日期,申请人类型\n"
        for i in 1...20000 { text += "A-\(i),2020-02-30,自然人\n" }
        try text.write(to: dir.appendingPathComponent("ledger.csv"), atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out.csv")
        try "earlier result\n".write(to: out, atomically: true, encoding: .utf8)

        let r = FaultRun.shell("{ \"$G\" classify ledger.csv --rules rules -o out.csv --keep-going 2>&1; echo $? > status.txt; } | head -n 1", in: dir)

        #expect(r.stdout.contains("error[cell-date]"), "\(r.stdout)")
        let status = try String(contentsOf: dir.appendingPathComponent("status.txt"), encoding: .utf8)
        #expect(status == "141\n", "exit status \(status)")
        #expect(try String(contentsOf: out, encoding: .utf8) == "earlier result\n")
        #expect(!FileManager.default.fileExists(atPath: out.path + ".rejects.csv"))
        #expect(FaultFixtures.temporaryFiles(in: dir).isEmpty, "\(E2E.listing(dir))")
    }

    @Test func closingTheResultsPipeEarlyEndsTheRunWithSIGPIPE() throws {
        let dir = E2E.makeTempDir(prefix: "stdout-pipe")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FaultFixtures.rules(in: dir, snippet: "")
        try FaultFixtures.ledger(dir.appendingPathComponent("ledger.csv"), rows: 50000)

        let r = FaultRun.shell("{ \"$G\" classify ledger.csv --rules rules; echo $? > status.txt; } | head -c 100 > head.txt", in: dir)

        #expect(r.status == 0)
        let status = try String(contentsOf: dir.appendingPathComponent("status.txt"), encoding: .utf8)
        #expect(status == "141\n", "exit status \(status)")
        #expect(r.stderr.contains("error[interrupted]") && r.stderr.contains("SIGPIPE"), "\(r.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("head.txt"), encoding: .utf8).hasPrefix("申请编号,"))
    }
}
