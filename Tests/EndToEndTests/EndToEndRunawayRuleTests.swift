import Foundation
import Testing

/// A policy officer's broken rule must not keep a run going for hours: every kind of runaway
/// (loop, recursion, memory growth, string doubling, pattern backtracking) ends a 5,000-row run
/// within seconds, naming the rule file and line, and leaves the -o file as it was.
@Suite("EndToEnd runaway rules")
struct EndToEndRunawayRuleTests {
    struct Sabotage: CustomTestStringConvertible, Sendable {
        let name: String
        let snippet: String
        /// The reason named in the 规则失控 message.
        let reason: String
        var testDescription: String { name }
    }

    static let sabotages: [Sabotage] = [
        Sabotage(name: "endless loop", snippet: "while true do end", reason: "指令的上限"),
        Sabotage(name: "endless recursion", snippet: "local function f(n) return 1 + f(n + 1) end f(1)", reason: "递归过深"),
        Sabotage(name: "ever-growing table", snippet: "local t = {} local i = 0 while true do i = i + 1 t[i] = { i } end", reason: "内存超过上限"),
        Sabotage(name: "string doubling", snippet: "local s = 'x' while true do s = s .. s end", reason: "内存超过上限"),
    ]

    @Test(arguments: sabotages)
    func aRunawayRuleEndsTheWholeRunNamingItsLine(_ sabotage: Sabotage) throws {
        let dir = E2E.makeTempDir(prefix: "runaway")
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = try FaultFixtures.rules(in: dir, snippet: sabotage.snippet)
        let ledger = dir.appendingPathComponent("ledger.csv")
        try FaultFixtures.ledger(ledger, rows: 5000)
        let before = try Data(contentsOf: ledger)
        let out = dir.appendingPathComponent("out.csv")
        try "earlier result\n".write(to: out, atomically: true, encoding: .utf8)

        let started = Date()
        let r = E2E.run(["classify", ledger.path, "--rules", rules.path, "-o", out.path, "--keep-going"])
        let elapsed = Date().timeIntervalSince(started)

        let place = "\(rules.path)/policy.lua:\(FaultFixtures.snippetLine)"
        #expect(r.status == 1, "\(r.stderr)")
        #expect(elapsed < 60, "took \(elapsed) s")
        let stop = try #require(r.stderrLines.first { $0.contains("error[rule-runaway]") }, "\(r.stderr.prefix(2000))")
        #expect(stop.hasPrefix("\(place): error[rule-runaway]: 规则失控："), "\(stop)")
        #expect(stop.contains(sabotage.reason), "\(stop)")
        #expect(stop.contains("\(ledger.path) 第2行、第3行、第4行"), "\(stop)")
        // One message per stopped row, each naming the line, then the stop: not 5,000 rows' worth.
        let rowErrors = r.stderrLines.filter { $0.hasPrefix("\(ledger.path):") && $0.contains(": error[") }
        #expect(rowErrors.count == 3, "\(rowErrors)")
        #expect(rowErrors.allSatisfy { $0.contains(place) || r.stderr.contains("出错位置：\(place)") }, "\(rowErrors)")
        // --keep-going does not apply to a runaway rule: nothing written, nothing lost.
        #expect(try String(contentsOf: out, encoding: .utf8) == "earlier result\n")
        #expect(!FileManager.default.fileExists(atPath: out.path + ".rejects.csv"))
        #expect(try Data(contentsOf: ledger) == before)
        #expect(FaultFixtures.temporaryFiles(in: dir).isEmpty)
    }

    @Test func aBacktrackingPatternIsStoppedByTheRowTimeoutNamingItsLine() throws {
        let dir = E2E.makeTempDir(prefix: "runaway-pattern")
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = try FaultFixtures.rules(in: dir, snippet: "string.find(string.rep('a', 100000), '.-.-.-.-.-b')")
        let ledger = dir.appendingPathComponent("ledger.csv")
        try FaultFixtures.ledger(ledger, rows: 5000)
        let out = dir.appendingPathComponent("out.csv")
        try "earlier result\n".write(to: out, atomically: true, encoding: .utf8)

        let started = Date()
        let r = E2E.run(["classify", ledger.path, "--rules", rules.path, "--row-timeout", "1", "-o", out.path])
        let elapsed = Date().timeIntervalSince(started)

        #expect(r.status == 1)
        #expect(elapsed < 60, "took \(elapsed) s")
        let line = try #require(r.stderrLines.first { $0.contains("error[rule-timeout]") }, "\(r.stderr)")
        #expect(line.contains("正在运行 \(rules.path)/policy.lua:\(FaultFixtures.snippetLine)"), "\(line)")
        #expect(try String(contentsOf: out, encoding: .utf8) == "earlier result\n")
        #expect(FaultFixtures.temporaryFiles(in: dir).isEmpty)
    }

    /// Issue 11 point 12: one row stopped by the budget names the rule line that was running;
    /// the other rows are classified (fewer than three strikes do not stop the run).
    @Test func aRowStoppedByTheBudgetNamesTheRuleLine() throws {
        let dir = E2E.makeTempDir(prefix: "runaway-one")
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = try FaultFixtures.rules(in: dir, snippet: "while true do end")
        let ledger = dir.appendingPathComponent("ledger.csv")
        try "申请编号,收到日期,申请人类型\nOK-1,2020-03-02,自然人\nLOOP-2,2020-03-02,自然人\nOK-3,2020-03-02,自然人\n"
            .write(to: ledger, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out.csv")

        let r = E2E.run(["classify", ledger.path, "--rules", rules.path, "-o", out.path, "--keep-going"])

        #expect(r.status == 3, "\(r.stderr)")
        let line = try #require(r.stderrLines.first { $0.contains("error[rule-budget]") }, "\(r.stderr)")
        #expect(line.hasPrefix("\(ledger.path):3: error[rule-budget]: 处理申请编号“LOOP-2”时，规则执行超过 20000000 条指令的上限，在 \(rules.path)/policy.lua:\(FaultFixtures.snippetLine) 处被终止"), "\(line)")
        #expect(!r.stderr.contains("rule-runaway"))
        let rows = CSVText.parse(try String(contentsOf: out, encoding: .utf8))
        #expect(rows.dropFirst().map { $0[0] } == ["OK-1", "OK-3"])
    }

    /// Strikes are counted in input order over fixed chunks, so the verdict and every message
    /// are the same whatever --jobs is.
    @Test func theStopIsTheSameForAnyNumberOfWorkers() throws {
        let dir = E2E.makeTempDir(prefix: "runaway-jobs")
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = try FaultFixtures.rules(in: dir, snippet: "while true do end")
        let ledger = dir.appendingPathComponent("ledger.csv")
        // Mostly good rows, with a looping row now and then: the third one ends the run.
        var text = "申请编号,收到日期,申请人类型\n"
        for i in 1...3000 { text += (i % 700 == 0 ? "LOOP-\(i)" : "OK-\(i)") + ",2020-03-02,自然人\n" }
        try text.write(to: ledger, atomically: true, encoding: .utf8)
        let one = E2E.run(["classify", ledger.path, "--rules", rules.path, "--jobs", "1"])
        let two = E2E.run(["classify", ledger.path, "--rules", rules.path, "--jobs", "2"])
        #expect(one.status == 1 && two.status == 1)
        #expect(one.stdout.isEmpty && two.stdout.isEmpty)
        #expect(one.stderr == two.stderr)
        #expect(one.stderr.contains("第701行、第1401行、第2101行"), "\(one.stderr)")
    }
}
