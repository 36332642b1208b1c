import Foundation
import Testing
@testable import GovRulesKit

/// The per-row evaluator gets one reused table for every row (sandbox.c, "One row table a worker").
/// Whatever a rule does to that table, the next row must see its own cells and nothing else: these
/// tests have `classify` vandalise the row after computing its result, and hold the output to the
/// shipped rules' byte for byte.
@Suite("Reused row table")
struct RowReuseTests {
    static let classifyBody = """
      local r = deadline.compute(app, as_of)
    """

    static func vandalised(_ damage: String) throws -> URL {
        try MemoTests.rules(patching: "policy.lua", classifyBody, classifyBody + damage)
    }

    static func expectSameOutput(as rules: URL, _ limits: SandboxLimits) throws {
        for memo in [true, false] {
            let (shipped, a) = try MemoTests.classify(rules: nil, memo: memo, limits: limits)
            let (changed, b) = try MemoTests.classify(rules: rules, memo: memo, limits: limits)
            #expect(shipped.status == 0 && changed.status == 0)
            #expect(a != nil && a == b, "memo \(memo): a rule's writes to the row reached a later row")
        }
    }

    @Test(arguments: [false, true])
    func aRuleThatClearsEveryCellLeavesTheNextRowWhole(counted: Bool) throws {
        let rules = try Self.vandalised("""

          local keys = {}
          for k in pairs(app) do keys[#keys + 1] = k end
          for _, k in ipairs(keys) do app[k] = nil end
        """)
        try Self.expectSameOutput(as: rules, counted ? MemoTests.countedLimits : SandboxLimits())
    }

    @Test(arguments: [false, true])
    func aRuleThatOverwritesAndAddsCellsLeavesTheNextRowAsTheLedgerHasIt(counted: Bool) throws {
        let rules = try Self.vandalised("""

          app.received = 1
          app.replied = 2
          app.consult_start = 3
          app.extension_days = 99
          app.applicant_type = "legal_person"
          app.scratch = "left over"
        """)
        try Self.expectSameOutput(as: rules, counted ? MemoTests.countedLimits : SandboxLimits())
    }

    @Test func aKeyARuleAddsIsGoneOnTheNextRow() throws {
        // Row n sees a key row n-1 added only if the table is reused without being cleaned.
        let rules = try MemoTests.rules(patching: "policy.lua", Self.classifyBody, Self.classifyBody + """

          if app.scratch ~= nil then error("一行看到了上一行写入的字段", 0) end
          app.scratch = true
        """)
        let (outcome, data) = try MemoTests.classify(rules: rules, memo: true, limits: SandboxLimits())
        #expect(outcome.status == 0, "\(outcome.diagnostics.map(\.description))")
        #expect(data != nil)
    }

    @Test func theRowsMetatableIsTheHostsAndCannotBeChanged() throws {
        let rules = try MemoTests.rules(patching: "policy.lua", Self.classifyBody, Self.classifyBody + """

          if getmetatable(app) ~= false then error("行的元表可以被读取", 0) end
          if pcall(setmetatable, app, {}) then error("行的元表可以被替换", 0) end
        """)
        let (outcome, _) = try MemoTests.classify(rules: rules, memo: false, limits: SandboxLimits())
        #expect(outcome.status == 0, "\(outcome.diagnostics.map(\.description))")
    }
}
