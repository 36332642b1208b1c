import Foundation
import Testing

/// `-o FILE` atomicity and `--keep-going` (cli.md "Exit status").
@Suite("EndToEnd output and keep-going")
struct EndToEndOutputTests {
    static let asOf = ["--as-of", "2025-01-10"]
    static let previous = Data("上一次的结果，不能被破坏\nprevious,content\n".utf8)

    /// MX-1, MX-3, MX-5 are valid; MX-2 (row 3, 2024-02-30) and MX-4 (row 5, 个人) are not.
    static let mixed = "mixedValidAndInvalid.csv"

    @Test(arguments: ["csv", "jsonl"])
    func failedRunLeavesExistingFileByteIdenticalAndNoTempFile(format: String) throws {
        let dir = E2E.makeTempDir(prefix: "atomic")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.csv")
        try Self.previous.write(to: out)

        // A bad row (no --keep-going)…
        let r = E2E.run(["classify", E2E.fixture(Self.mixed), "--format", format, "-o", out.path] + Self.asOf)
        #expect(r.status == 1)
        #expect(r.stdout == "")
        #expect(errorLines(r.stderr, file: E2E.fixture(Self.mixed), row: 3, code: "cell-date").count == 1)
        #expect(try Data(contentsOf: out) == Self.previous)
        #expect(E2E.listing(dir) == ["out.csv"])

        // …and a file-level error (missing required column) leave it alone as well.
        let r2 = E2E.run(["classify", E2E.fixture("missingRequiredColumn.csv"), "--format", format, "-o", out.path] + Self.asOf)
        #expect(r2.status == 1)
        #expect(try Data(contentsOf: out) == Self.previous)
        #expect(E2E.listing(dir) == ["out.csv"])
    }

    @Test func failedRunWithBadRowLateInALargeLedgerLeavesFileAlone() throws {
        let dir = E2E.makeTempDir(prefix: "atomic-large")
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = dir.appendingPathComponent("large.csv")
        try Self.largeLedgerWithBadLastRow().write(to: ledger, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out.csv")
        try Self.previous.write(to: out)
        let r = E2E.run(["classify", ledger.path, "-o", out.path] + Self.asOf)
        #expect(r.status == 1)
        #expect(r.stdout == "")
        #expect(try Data(contentsOf: out) == Self.previous)
        #expect(E2E.listing(dir) == ["large.csv", "out.csv"])
    }

    @Test(arguments: ["csv", "jsonl"])
    func successfulRunWritesWhatStdoutWouldShow(format: String) throws {
        let dir = E2E.makeTempDir(prefix: "atomic-ok")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.\(format)")
        try Self.previous.write(to: out)
        let toStdout = E2E.run(["classify", "examples/requests.csv", "--format", format] + Self.asOf)
        let toFile = E2E.run(["classify", "examples/requests.csv", "--format", format, "-o", out.path] + Self.asOf)
        #expect(toStdout.status == 0)
        #expect(toFile.status == 0)
        #expect(toFile.stdout == "")
        #expect(!toStdout.stdoutData.isEmpty)
        #expect(try Data(contentsOf: out) == toStdout.stdoutData)
        #expect(E2E.listing(dir) == ["out.\(format)"])
    }

    @Test func keepGoingWithOutputFileWritesValidRowsAndRejectsFile() throws {
        let dir = E2E.makeTempDir(prefix: "keep-going")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.csv")
        let file = E2E.fixture(Self.mixed)
        let r = E2E.run(["classify", file, "--keep-going", "-o", out.path] + Self.asOf)
        #expect(r.status == 3)
        #expect(r.stdout == "")
        // Every rejected row is also listed on stderr.
        #expect(errorLines(r.stderr, file: file, row: 3, code: "cell-date").count == 1)
        #expect(errorLines(r.stderr, file: file, row: 5, code: "cell-enum").count == 1)

        let (header, rows) = CSVText.table(try String(contentsOf: out, encoding: .utf8))
        #expect(header == ["申请编号", "收到日期", "申请人类型", "申请内容"] + resultColumns)
        #expect(rows.map { $0["申请编号"] ?? "" } == ["MX-1", "MX-3", "MX-5"])
        #expect(rows.allSatisfy { $0["outcome"] == "disclosed" })

        let rejectsURL = dir.appendingPathComponent("out.csv.rejects.csv")
        #expect(E2E.listing(dir) == ["out.csv", "out.csv.rejects.csv"])
        let rejects = CSVText.parse(try String(contentsOf: rejectsURL, encoding: .utf8))
        try #require(rejects.count == 3, "header + 2 rejected rows: \(rejects)")
        // Each rejected row keeps its cells, with the row number and the reason.
        let r3 = try #require(rejects.first { $0.contains("MX-2") })
        #expect(r3.contains("2024-02-30"))
        #expect(r3.contains("3"))
        #expect(r3.last?.contains("收到日期") == true)
        #expect(r3.last?.contains("2024-02-30") == true)
        let r5 = try #require(rejects.first { $0.contains("MX-4") })
        #expect(r5.contains("个人"))
        #expect(r5.contains("5"))
        #expect(r5.last?.contains("申请人类型") == true)
        #expect(r5.last?.contains("自然人") == true)
    }

    @Test func keepGoingToStdoutPutsRejectsOnStderr() throws {
        let file = E2E.fixture(Self.mixed)
        let r = E2E.run(["classify", file, "--keep-going"] + Self.asOf)
        #expect(r.status == 3)
        let (_, rows) = CSVText.table(r.stdout)
        #expect(rows.map { $0["申请编号"] ?? "" } == ["MX-1", "MX-3", "MX-5"])
        #expect(!r.stdout.contains("MX-2"))
        #expect(!r.stdout.contains("MX-4"))
        // The rejected rows with their reasons are on stderr.
        let rejectLines = r.stderrLines.filter { $0.contains("MX-2") || $0.contains("MX-4") }
        #expect(rejectLines.contains { $0.contains("MX-2") && $0.contains("2024-02-30") && $0.contains("不是有效的日期") })
        #expect(rejectLines.contains { $0.contains("MX-4") && $0.contains("个人") && $0.contains("自然人") })
        #expect(errorLines(r.stderr, file: file, row: 3, code: "cell-date").count == 1)
        #expect(errorLines(r.stderr, file: file, row: 5, code: "cell-enum").count == 1)

        let jsonl = E2E.run(["classify", file, "--keep-going", "--format", "jsonl"] + Self.asOf)
        #expect(jsonl.status == 3)
        #expect(JSONLines.parse(jsonl.stdout).map { $0?["id"] as? String } == ["MX-1", "MX-3", "MX-5"])
    }

    @Test func keepGoingWithNothingRejectedExitsZero() throws {
        let dir = E2E.makeTempDir(prefix: "keep-going-clean")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.csv")
        let r = E2E.run(["classify", "examples/requests.csv", "--keep-going", "-o", out.path] + Self.asOf)
        #expect(r.status == 0)
        #expect(E2E.listing(dir) == ["out.csv"])
    }

    /// A clean `--keep-going -o FILE` run after one with rejects must not leave the old
    /// FILE.rejects.csv claiming rows were rejected: FILE and FILE.rejects.csv describe one run.
    @Test func keepGoingCleanRunDoesNotLeaveStaleRejects() throws {
        let dir = E2E.makeTempDir(prefix: "keep-going-stale")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.csv")
        let first = E2E.run(["classify", E2E.fixture(Self.mixed), "--keep-going", "-o", out.path] + Self.asOf)
        #expect(first.status == 3)
        let second = E2E.run(["classify", "examples/requests.csv", "--keep-going", "-o", out.path] + Self.asOf)
        #expect(second.status == 0)
        let rejectsPath = dir.appendingPathComponent("out.csv.rejects.csv").path
        let stale = FileManager.default.fileExists(atPath: rejectsPath)
            && CSVText.parse((try? String(contentsOfFile: rejectsPath, encoding: .utf8)) ?? "").count > 1
        #expect(!stale, "out.csv.rejects.csv still lists the rows rejected by the previous run")
    }

    /// Help text: "Without --keep-going, any invalid row means no output"; stderr says
    /// "未写出任何结果". With more than the stdout buffer of valid rows before the bad one, the rows
    /// (cut mid-record) already went to stdout.
    @Test func badRowLateInALargeLedgerWritesNothingToStdout() throws {
        let dir = E2E.makeTempDir(prefix: "large")
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = dir.appendingPathComponent("large.csv")
        try Self.largeLedgerWithBadLastRow().write(to: ledger, atomically: true, encoding: .utf8)
        let r = E2E.run(["classify", ledger.path] + Self.asOf)
        #expect(r.status == 1)
        #expect(errorLines(r.stderr, file: ledger.path, row: 1502, code: "cell-date").count == 1)
        #expect(r.stdoutData.isEmpty,
                "stdout got \(r.stdoutData.count) bytes although the run failed, starting: \(r.stdout.prefix(80))…")
    }

    /// 1500 valid rows (~190 KB of output), then row 1502 with an impossible date.
    static func largeLedgerWithBadLastRow() -> String {
        var s = "申请编号,收到日期,申请人类型,申请内容\n"
        for i in 1...1500 { s += "L-\(i),2024-03-01,自然人,某县某镇某村某项目的有关文件材料及批复意见\n" }
        s += "L-bad,2024-02-30,自然人,最后一行日期无效\n"
        return s
    }
}
