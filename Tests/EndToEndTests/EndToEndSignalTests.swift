import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A clerk pressing Ctrl-C, a scheduled job killed: the run ends with the signal's status and a
/// one-line message, the -o file keeps its old bytes, and no temporary file is left. A temporary
/// file left by a run that could not clean up (SIGKILL) is removed by the next run.
@Suite("EndToEnd signals", .serialized)
struct EndToEndSignalTests {
    @Test func sigtermAndSigintAtAnyMomentLeaveTheOldResult() throws {
        let dir = E2E.makeTempDir(prefix: "signals")
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = try FaultFixtures.rules(in: dir, snippet: "")
        let ledger = dir.appendingPathComponent("ledger.csv")
        try FaultFixtures.ledger(ledger, rows: 200_000)
        let ledgerBytes = try Data(contentsOf: ledger)
        let out = dir.appendingPathComponent("out.csv")
        let err = dir.appendingPathComponent("stderr.txt").path
        var interrupted = 0

        for (signal, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            // Microseconds after the start (before the handlers may be installed), then after
            // the temporary file appeared: at once, early in the rows, later in the rows.
            for (delay, afterTemporary) in [(UInt32(20_000), false), (0, true), (150_000, true), (500_000, true)] {
                try "earlier result\n".write(to: out, atomically: true, encoding: .utf8)
                let pid = try #require(FaultRun.start(["classify", ledger.path, "--rules", rules.path, "-o", out.path],
                                                      stdout: "/dev/null", stderr: err))
                if afterTemporary {
                    let deadline = Date().addingTimeInterval(30)
                    while FaultFixtures.temporaryFiles(in: dir).isEmpty && Date() < deadline && kill(pid, 0) == 0 { usleep(500) }
                }
                usleep(delay)
                kill(pid, signal)
                let ended = FaultRun.wait(pid, timeout: 60)
                let stderr = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
                let result = try Data(contentsOf: out)
                if ended.signal == signal {
                    interrupted += 1
                    #expect(result == Data("earlier result\n".utf8), "\(name) after \(delay) µs: out.csv changed")
                    // The message, unless the signal came before the handlers were installed.
                    if afterTemporary {
                        #expect(stderr.contains("error[interrupted]") && stderr.contains(name), "\(name) after \(delay) µs: \(stderr)")
                    }
                } else {
                    // The run was faster than the signal: then it must have finished properly.
                    #expect(ended.status == 0, "\(name) after \(delay) µs: \(ended) \(stderr)")
                    #expect(String(decoding: result.suffix(200), as: UTF8.self).contains("A-200000,"))
                }
                #expect(FaultFixtures.temporaryFiles(in: dir).isEmpty, "\(name) after \(delay) µs: \(E2E.listing(dir))")
            }
        }
        #expect(interrupted >= 4, "only \(interrupted) of 8 runs were still going when signalled")
        #expect(try Data(contentsOf: ledger) == ledgerBytes)
    }

    @Test func aTemporaryFileOfAGoneProcessIsRemovedByTheNextRun() throws {
        let dir = E2E.makeTempDir(prefix: "stale-temp")
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = try FaultFixtures.rules(in: dir, snippet: "")
        try FaultFixtures.ledger(dir.appendingPathComponent("ledger.csv"), rows: 3)
        // A process id that is not running, and one that is (this test's own).
        var gone: Int32 = 4_000_000
        while kill(gone, 0) == 0 || errno == EPERM { gone -= 1 }
        let stale = [".out.csv.tmp-\(gone)", ".out.csv.tmp-\(gone)-2", ".out.csv.rejects.csv.tmp-\(gone)"]
        let kept = [".out.csv.tmp-\(getpid())", ".other.csv.tmp-\(gone)", ".out.csv.tmp-notapid"]
        for name in stale + kept { try "half".write(to: dir.appendingPathComponent(name), atomically: false, encoding: .utf8) }

        let r = E2E.run(["classify", "ledger.csv", "--rules", rules.path, "-o", "out.csv"], cwd: dir)

        #expect(r.status == 0, "\(r.stderr)")
        let left = Set(E2E.listing(dir))
        for name in stale { #expect(!left.contains(name), "\(name) was not removed") }
        for name in kept { #expect(left.contains(name), "\(name) is not ours to remove") }
        #expect(try String(contentsOf: dir.appendingPathComponent("out.csv"), encoding: .utf8).contains("A-3,"))
    }
}
