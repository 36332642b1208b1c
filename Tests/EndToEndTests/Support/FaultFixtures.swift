import Foundation

/// Builds the pieces the fault tests need on disk: a tiny rules folder whose one step runs a
/// given Lua line (always on line 4 of policy.lua), and generated ledgers.
enum FaultFixtures {
    /// The line of policy.lua that holds the snippet given to `rules(in:snippet:)`.
    static let snippetLine = 4

    /// `dir/rules/policy.lua`: three columns, one outcome, one step that runs `snippet` on the
    /// rows whose 申请编号 does not start with "OK".
    @discardableResult
    static func rules(in dir: URL, snippet: String) throws -> URL {
        let rules = dir.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        try """
        local steps = { { id = "probe", title = "探测", articles = { "测试" }, outcomes = { "disclosed" },
          decide = function(a)
            if a.id:sub(1, 2) ~= "OK" then
              \(snippet)
            end
            return "disclosed"
          end } }
        return {
          api_version = 1,
          ledger = { columns = {
            { key = "id", header = "申请编号", type = "text", required = true },
            { key = "received", header = "收到日期", type = "date", required = true },
            { key = "applicant_type", header = "申请人类型", type = "enum", required = true,
              values = { { "自然人", "natural_person" } } },
            { key = "note", header = "备注", type = "text" } } },
          outcomes = { { key = "disclosed", label = "予以公开", basis = {} } },
          steps = steps,
          calendar = { first_year = 2018, last_year = 2026 },
          classify = function(app) return { outcome = steps[1].decide(app), step = "probe" } end,
        }
        """.write(to: rules.appendingPathComponent("policy.lua"), atomically: true, encoding: .utf8)
        return rules
    }

    /// A ledger of `rows` valid rows for the rules above; ids are `prefix-N`.
    static func ledger(_ url: URL, rows: Int, prefix: String = "A") throws {
        var text = "申请编号,收到日期,申请人类型,备注\n"
        text.reserveCapacity(rows * 40)
        for i in 1...rows { text += "\(prefix)-\(i),2020-03-02,自然人,第\(i)件\n" }
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Names in `dir` that look like a temporary output file (`.NAME.tmp-PID`).
    static func temporaryFiles(in dir: URL) -> [String] {
        E2E.listing(dir).filter { $0.contains(".tmp-") }
    }
}
