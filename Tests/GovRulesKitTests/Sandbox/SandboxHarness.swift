import Foundation
@testable import GovRulesKit

/// Builds a throw-away rules folder whose single decision step runs a snippet of Lua, and
/// classifies a two-row ledger with it, so each escape attempt is tried exactly as a rule file
/// would try it.
enum SandboxHarness {
    static func folder(perRow snippet: String = "", atLoad: String = "", extraModules: [String: String] = [:],
                       policyFields: String = "") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("govrules-sandbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let policy = """
        \(atLoad)
        local out = {}
        local steps = {
          { id = "probe", title = "探测", articles = { "测试" }, outcomes = { "disclosed" },
            decide = function(a)
              local W, I, R
              \(snippet)
              out.W, out.I, out.R = W, I, R
              return "disclosed"
            end },
        }
        return {
          \(policyFields)
          api_version = 1,
          ledger = { columns = {
            { key = "id", header = "申请编号", type = "text", required = true },
            { key = "received", header = "收到日期", type = "date", required = true },
            { key = "applicant_type", header = "申请人类型", type = "enum", required = true,
              values = { { "自然人", "natural_person" } } },
          } },
          outcomes = { { key = "disclosed", label = "予以公开", basis = {} } },
          steps = steps,
          calendar = { first_year = 2018, last_year = 2026 },
          classify = function(app, as_of)
            out.W, out.I, out.R = nil, nil, nil
            local outcome = steps[1].decide(app)
            -- A snippet may set W (warnings), I (invalid) or R (extra result fields) to test what
            -- the host does with what rules hand back.
            local r = { outcome = outcome, step = "probe", warnings = out.W, invalid = out.I }
            for k, v in pairs(out.R or {}) do r[k] = v end
            return r
          end,
        }
        """
        try policy.write(to: dir.appendingPathComponent("policy.lua"), atomically: true, encoding: .utf8)
        for (name, code) in extraModules {
            try code.write(to: dir.appendingPathComponent(name + ".lua"), atomically: true, encoding: .utf8)
        }
        return dir
    }

    static func ledger(rows: Int = 2) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("govrules-ledger-\(UUID().uuidString).csv")
        var text = "申请编号,收到日期,申请人类型\n"
        for i in 1...rows { text += "A-\(i),2020-03-0\(i),自然人\n" }
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Classifies a small ledger with the snippet; returns the outcome and the output file's text.
    static func classify(perRow snippet: String = "", atLoad: String = "", extraModules: [String: String] = [:],
                         rows: Int = 2, limits: SandboxLimits = quickLimits) throws -> (CommandOutcome, String?) {
        let rules = try folder(perRow: snippet, atLoad: atLoad, extraModules: extraModules)
        let ledgerURL = try ledger(rows: rows)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("govrules-out-\(UUID().uuidString).csv")
        var o = ClassifyOptions(ledgers: [ledgerURL.path], asOf: Day(year: 2020, month: 6, day: 1)!)
        o.rules = rules.path
        o.output = out.path
        o.limits = limits
        let outcome = ClassifyCommand.run(o)
        let text = try? String(contentsOf: out, encoding: .utf8)
        return (outcome, text)
    }

    static var quickLimits: SandboxLimits {
        var l = SandboxLimits()
        l.memoryBytes = 16 * 1024 * 1024
        l.instructionsPerRow = 200_000
        l.instructionsAtLoad = 2_000_000
        return l
    }
}
