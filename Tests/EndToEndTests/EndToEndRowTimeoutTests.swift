import Foundation
import Testing

/// The instruction budget cannot stop a C library function that runs long without executing
/// Lua instructions (a backtracking pattern match). The row timeout must end such a run with a
/// clear message naming the row, leave `-o` untouched, and leave no temporary file behind.
@Suite("EndToEnd row timeout")
struct EndToEndRowTimeoutTests {
    @Test func backtrackingPatternIsStoppedByTheRowTimeout() throws {
        let dir = E2E.makeTempDir(prefix: "row-timeout")
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = dir.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        try """
        local steps = { { id = "probe", title = "探测", articles = { "测试" }, outcomes = { "disclosed" },
          decide = function(a)
            if a.id == "A-2" then string.find(string.rep("a", 100000), ".-.-.-.-.-b") end
            return "disclosed"
          end } }
        return {
          api_version = 1,
          ledger = { columns = {
            { key = "id", header = "申请编号", type = "text", required = true },
            { key = "received", header = "收到日期", type = "date", required = true },
            { key = "applicant_type", header = "申请人类型", type = "enum", required = true,
              values = { { "自然人", "natural_person" } } } } },
          outcomes = { { key = "disclosed", label = "予以公开", basis = {} } },
          steps = steps,
          calendar = { first_year = 2018, last_year = 2026 },
          classify = function(app) return { outcome = steps[1].decide(app), step = "probe" } end,
        }
        """.write(to: rules.appendingPathComponent("policy.lua"), atomically: true, encoding: .utf8)
        let ledger = dir.appendingPathComponent("ledger.csv")
        try "申请编号,收到日期,申请人类型\nA-1,2020-03-02,自然人\nA-2,2020-03-03,自然人\n"
            .write(to: ledger, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out.csv")
        try "earlier result\n".write(to: out, atomically: true, encoding: .utf8)

        let started = Date()
        let r = E2E.run(["classify", ledger.path, "--rules", rules.path, "--row-timeout", "1", "-o", out.path])
        let elapsed = Date().timeIntervalSince(started)

        #expect(r.status == 1)
        #expect(elapsed < 15, "the run must end soon after the 1-second limit, took \(elapsed) s")
        let line = try #require(r.stderrLines.first { $0.contains("error[rule-timeout]") })
        #expect(line.hasPrefix("\(ledger.path):3: error[rule-timeout]:"), "\(line)")
        #expect(line.contains("--row-timeout"))
        #expect(try String(contentsOf: out, encoding: .utf8) == "earlier result\n")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }
}
