import Foundation
import Testing

/// The policy officer's loop: edit the Lua rules, re-run, no recompiling.
@Suite("EndToEnd policy loop")
struct EndToEndPolicyLoopTests {
    @Test func makingProcessInfoDisclosableChangesTheOutcome() throws {
        let dir = try E2E.copyOfRules()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = dir.appendingPathComponent("ledger.csv")
        try FileManager.default.copyItem(at: E2E.fixturesDir.appendingPathComponent("processInfoLedger.csv"), to: ledger)
        let args = ["classify", "ledger.csv", "--format", "jsonl", "--as-of", "2025-01-10"]

        // The shipped rules withhold 过程性信息 (第十六条第二款).
        let before = E2E.run(args, cwd: dir)
        #expect(before.status == 0, "stderr: \(before.stderr)")
        let b = try #require(JSONLines.parse(before.stdout).first ?? nil)
        #expect(b["outcome"] as? String == "withheld.process_info")

        // The officer decides process information is to be disclosed: drop it from ground_order.
        let steps = dir.appendingPathComponent("rules/steps.lua")
        var lua = try String(contentsOf: steps, encoding: .utf8)
        let entry = try #require(lua.range(of: "\"process_info\", "), "steps.lua no longer lists \"process_info\" in ground_order")
        lua.removeSubrange(entry)
        try lua.write(to: steps, atomically: true, encoding: .utf8)

        let after = E2E.run(args, cwd: dir)
        #expect(after.status == 0, "stderr: \(after.stderr)")
        let a = try #require(JSONLines.parse(after.stdout).first ?? nil)
        #expect(a["outcome"] as? String == "disclosed")
        #expect(a["outcome_label"] as? String == "予以公开")
        // The deadline is unaffected by the policy change.
        #expect(a["due"] as? String == b["due"] as? String)
        #expect(a["status"] as? String == "on_time")

        // The shipped rules are untouched.
        let shipped = E2E.run(["classify", E2E.fixture("processInfoLedger.csv"), "--format", "jsonl", "--as-of", "2025-01-10"])
        #expect((JSONLines.parse(shipped.stdout).first ?? nil)?["outcome"] as? String == "withheld.process_info")
    }
}
