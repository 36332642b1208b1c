import Foundation
import Testing

/// The decision memo is on by default; `--no-memo` runs the steps on every row. The two must give
/// byte-identical output, warnings and errors on every ledger: random ledgers from
/// scripts/gen-ledger.py (several seeds, both header languages, one and two workers), the oracle's
/// deadline cases and every decision case of the shipped rules.
@Suite("End to end: the decision memo changes nothing but speed")
struct EndToEndMemoTests {
    /// A random ledger from scripts/gen-ledger.py, written into `dir`.
    static func generate(rows: Int, seed: Int, headers: String, into dir: URL) throws -> String {
        let path = dir.appendingPathComponent("ledger-\(seed)-\(headers).csv").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", E2E.repoRoot.appendingPathComponent("scripts/gen-ledger.py").path,
                       "--rows", String(rows), "--seed", String(seed), "--headers", headers, "-o", path]
        try p.run()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0, "gen-ledger.py failed")
        return path
    }

    static func bothWays(_ args: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let memo = E2E.run(args, sourceLocation: sourceLocation)
        let plain = E2E.run(args + ["--no-memo"], sourceLocation: sourceLocation)
        #expect(memo.status == plain.status, "exit status of \(args)", sourceLocation: sourceLocation)
        #expect(memo.stdoutData == plain.stdoutData, "stdout of \(args)", sourceLocation: sourceLocation)
        #expect(memo.stderrData == plain.stderrData, "stderr of \(args)", sourceLocation: sourceLocation)
        #expect(!memo.stdoutData.isEmpty || !memo.stderrData.isEmpty, sourceLocation: sourceLocation)
    }

    @Test(arguments: [(11, "zh"), (12, "en"), (13, "zh")])
    func randomLedgersGiveTheSameBytesWithAndWithoutTheMemo(_ seed: Int, _ headers: String) throws {
        let dir = E2E.makeTempDir(prefix: "memo")
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = try Self.generate(rows: 4000, seed: seed, headers: headers, into: dir)
        for jobs in ["1", "2"] {
            Self.bothWays(["classify", ledger, "--as-of", "2025-01-10", "--jobs", jobs, "--explain"])
            Self.bothWays(["classify", ledger, "--as-of", "2024-07-01", "--jobs", jobs, "--format", "jsonl"])
        }
        Self.bothWays(["report", ledger, "--year", "2024", "--format", "json", "--jobs", "2"])
        Self.bothWays(["due", ledger, "--as-of", "2024-12-20"])
    }

    @Test func everyRuleCaseGivesTheSameBytesWithAndWithoutTheMemo() {
        // Rows the rules reject (and why), warnings and results alike.
        for cases in ["rules/tests/decisions.csv", "rules/tests/deadlines.csv"] {
            for jobs in ["1", "3"] {
                Self.bothWays(["classify", cases, "--as-of", "2025-01-10", "--keep-going", "--jobs", jobs,
                               "--format", "jsonl", "--explain"])
            }
        }
        let memo = E2E.run(["test"])
        let plain = E2E.run(["test", "--no-memo"])
        #expect(memo.status == 0, "\(memo.stderr)")
        #expect(memo.stdoutData == plain.stdoutData)
        #expect(memo.status == plain.status)
    }
}
