import Foundation
import Testing

/// December: next year's holiday notice is out, but rules/calendar/2027.lua has not been added.
/// A deadline that runs into 2027 is not known (status no_calendar, 期限待定): the row is still
/// classified, `due` lists it with an estimate labelled 暂定, `report` works, and one warning per
/// run names the file to add.
///
/// Every test runs on a copy of the shipped rules whose calendar ends with 2026, so that the
/// tests keep their meaning after the policy officer adds 2027.lua to the shipped rules.
@Suite("EndToEnd no calendar")
struct EndToEndNoCalendarTests {
    static let asOf = ["--as-of", "2026-12-07"]

    /// A copy of the shipped rules with no calendar file after 2026; `rules` is its path.
    struct RulesUntil2026 {
        let dir: URL
        var rules: String { dir.appendingPathComponent("rules").path }
        init() throws {
            dir = try E2E.copyOfRules()
            let calendar = dir.appendingPathComponent("rules/calendar")
            for name in try FileManager.default.contentsOfDirectory(atPath: calendar.path) {
                if let year = Int(name.replacingOccurrences(of: ".lua", with: "")), year > 2026 {
                    try FileManager.default.removeItem(at: calendar.appendingPathComponent(name))
                }
            }
        }
        func remove() { try? FileManager.default.removeItem(at: dir) }
    }

    static func calendarWarnings(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { $0.contains("warning[no-calendar]") }
    }

    @Test func noCalendarRowIsClassified() throws {
        let r = try RulesUntil2026()
        defer { r.remove() }
        let file = E2E.fixture("noCalendarRowIsClassified.csv")
        let out = E2E.run(["classify", file, "--format", "jsonl", "--rules", r.rules] + Self.asOf)
        #expect(out.status == 0, "stderr: \(out.stderr)")
        let rows = JSONLines.parse(out.stdout).compactMap { $0 }
        #expect(rows.count == 4)
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0["id"] as! String, $0) })
        for id in ["N-1", "N-2"] {
            let row = try #require(byID[id])
            #expect(row["status"] as? String == "no_calendar", "\(id)")
            #expect(row["due"] is NSNull && row["final_due"] is NSNull, "\(id): \(row)")
            #expect(row["outcome"] as? String == "disclosed", "\(id)")
            #expect((row["warnings"] as? [String])?.isEmpty == true, "\(id)")
        }
        #expect(byID["N-1"]?["start"] as? String == "2026-12-04")
        #expect(byID["N-2"]?["start"] as? String == "2026-12-01")
        // Deadlines inside 2026 are computed as before.
        #expect(byID["P-1"]?["final_due"] as? String == "2026-12-18")
        #expect(byID["P-1"]?["status"] as? String == "pending")
        #expect(byID["C-1"]?["final_due"] as? String == "2026-12-29")
        #expect(byID["C-1"]?["status"] as? String == "on_time")

        // One warning for the run, naming the file to add and how many rows wait for it.
        let warnings = Self.calendarWarnings(out.stderr)
        #expect(warnings.count == 1, "stderr: \(out.stderr)")
        let w = try #require(warnings.first)
        #expect(w.hasPrefix("warning[no-calendar]: 规则目录中还没有 \(r.rules)/calendar/2027.lua："))
        #expect(w.contains("2 件申请的答复期限跨入 2027 年"))
        #expect(w.contains("期限待定"))
        #expect(w.contains("\(r.rules)/calendar/2026.lua"))
        #expect(!out.stderr.contains("error["))

        // CSV: the date cells stay empty, the status is the key.
        let csv = E2E.run(["classify", file, "--rules", r.rules] + Self.asOf)
        #expect(csv.status == 0)
        let (_, table) = CSVText.table(csv.stdout)
        let n1 = try #require(table.first { $0["申请编号"] == "N-1" })
        #expect(n1["due"] == "" && n1["final_due"] == "" && n1["status"] == "no_calendar")
        #expect(Self.calendarWarnings(csv.stderr).count == 1)

        // --summary counts them under 期限待定.
        let summary = E2E.run(["classify", file, "--summary", "-o", r.dir.appendingPathComponent("out.csv").path,
                               "--rules", r.rules] + Self.asOf)
        #expect(summary.status == 0)
        #expect(summary.stderr.contains("期限待定（no_calendar）  2"), "stderr: \(summary.stderr)")
    }

    @Test func dueListsNoCalendarRowsAsProvisional() throws {
        let r = try RulesUntil2026()
        defer { r.remove() }
        let file = E2E.fixture("dueListsNoCalendarRowsAsProvisional.csv")
        let csv = E2E.run(["due", file, "--format", "csv", "--rules", r.rules] + Self.asOf)
        #expect(csv.status == 0, "stderr: \(csv.stderr)")
        let records = CSVText.parse(csv.stdout)
        #expect(records.first == ["id", "received", "final_due", "days_left", "status", "subject",
                                  "provisional_final_due", "provisional_days_left"])
        let (_, rows) = CSVText.table(csv.stdout)
        // Every open application, soonest first (the estimate orders those waiting for 2027).
        #expect(rows.map { $0["id"] ?? "" } == ["O-1", "P-1", "N-1", "N-2"])
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0["id"]!, $0) })
        // Received Fri 2026-12-04: 20 working days to Mon 2027-01-04, 1 January off; 19 left on 12-07.
        #expect(byID["N-1"]?["final_due"] == "" && byID["N-1"]?["days_left"] == "")
        #expect(byID["N-1"]?["status"] == "no_calendar")
        #expect(byID["N-1"]?["provisional_final_due"] == "2027-01-04")
        #expect(byID["N-1"]?["provisional_days_left"] == "19")
        // Received 2026-12-01, extended by 10: statutory 2026-12-29, then 10 more to 2027-01-13.
        #expect(byID["N-2"]?["provisional_final_due"] == "2027-01-13")
        #expect(byID["N-2"]?["provisional_days_left"] == "26")
        // Known deadlines carry no estimate.
        #expect(byID["P-1"]?["final_due"] == "2026-12-18" && byID["P-1"]?["days_left"] == "9")
        #expect(byID["P-1"]?["provisional_final_due"] == "" && byID["P-1"]?["provisional_days_left"] == "")
        #expect(byID["O-1"]?["days_left"] == "-22")
        #expect(Self.calendarWarnings(csv.stderr).count == 1)

        let table = E2E.run(["due", file, "--rules", r.rules] + Self.asOf)
        #expect(table.status == 0)
        #expect(table.stdout.hasPrefix("截至 2026-12-07，未办结的申请 4 件："))
        let n1 = try #require(table.stdout.split(separator: "\n").first { $0.contains("N-1") })
        #expect(n1.contains("2027-01-04 暂定") && n1.contains("19 暂定") && n1.contains("期限待定"), "\(n1)")
        #expect(table.stdout.contains("标“暂定”的日期和天数按周一至周五上班、1月1日放假估算，不是正式期限"))
        let warnings = Self.calendarWarnings(table.stderr)
        #expect(warnings.count == 1 && warnings[0].contains("2 件申请的答复期限跨入 2027 年"), "\(table.stderr)")

        // --within uses the estimate too: nothing waiting for 2027 is due within 3 days.
        let soon = E2E.run(["due", file, "--format", "csv", "--within", "3", "--rules", r.rules] + Self.asOf)
        #expect(CSVText.table(soon.stdout).rows.map { $0["id"] ?? "" } == ["O-1"])
    }

    @Test func reportCountsNoCalendarRows() throws {
        let r = try RulesUntil2026()
        defer { r.remove() }
        let file = E2E.fixture("reportCountsNoCalendarRows.csv")
        let out = E2E.run(["report", file, "--year", "2026", "--format", "json", "--rules", r.rules])
        #expect(out.status == 0, "stderr: \(out.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: out.stdoutData) as? [String: Any])
        let apps = try #require(json["applications"] as? [String: [String: Int]])
        #expect(apps["new"]?["total"] == 3)
        #expect(apps["disclosed"]?["total"] == 1)
        #expect(apps["carried_forward"]?["total"] == 2)
        let warnings = Self.calendarWarnings(out.stderr)
        #expect(warnings.count == 1 && warnings[0].contains("1 件申请的答复期限跨入 2027 年"), "\(out.stderr)")
    }

    @Test func explainNoCalendarRow() throws {
        let r = try RulesUntil2026()
        defer { r.remove() }
        let file = E2E.fixture("explainNoCalendarRow.csv")
        let out = E2E.run(["explain", file, "--id", "N-1", "--rules", r.rules] + Self.asOf)
        #expect(out.status == 0, "stderr: \(out.stderr)")
        let deadline = try #require(out.stdout.components(separatedBy: "三、答复期限").last)
        #expect(deadline.contains("起算日：2026-12-04（收到申请之日）"))
        #expect(deadline.contains("期限待定：答复期限要计入 2027 年的工作日，但规则目录中还没有 \(r.rules)/calendar/2027.lua"))
        #expect(deadline.contains("法定答复期限约为 2027-01-04，最终答复期限约为 2027-01-04；截至 2026-12-07 约剩 19 个工作日"))
        #expect(deadline.contains("暂定估算（按周一至周五上班、1月1日放假估算，不是正式期限）"))
        #expect(deadline.contains("期限状态：期限待定（no_calendar）"))
        // No correction was asked for, and none is described.
        #expect(!deadline.contains("补正"), "\(deadline)")

        let json = E2E.run(["explain", file, "--id", "N-1", "--format", "json", "--rules", r.rules] + Self.asOf)
        let obj = try #require(try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any])
        let d = try #require(obj["deadline"] as? [String: Any])
        #expect(d["status"] as? String == "no_calendar")
        #expect(d["due"] is NSNull && d["final_due"] is NSNull && d["days_left"] is NSNull)
        #expect(d["calendar_missing"] as? String == "\(r.rules)/calendar/2027.lua")
        let p = try #require(d["provisional"] as? [String: Any])
        #expect(p["final_due"] as? String == "2027-01-04" && p["days_left"] as? Int == 19)
    }

    /// The receipt date itself in a year with no calendar file is still an error.
    @Test func receiptInMissingYearIsAnError() throws {
        let r = try RulesUntil2026()
        defer { r.remove() }
        let file = E2E.fixture("receiptInMissingYearIsAnError.csv")
        let out = E2E.run(["classify", file, "--rules", r.rules] + Self.asOf)
        #expect(out.status == 1)
        #expect(out.stdout.isEmpty)
        let errors = errorLines(out.stderr, file: file, row: 3, code: "cell-date")
        #expect(errors.count == 1, "stderr: \(out.stderr)")
        #expect(errors.first?.contains("列“收到日期”的值“2027-01-04”") == true)
        #expect(errors.first?.contains("\(r.rules)/calendar/2027.lua") == true)
    }

    /// In January, before 2027.lua is added: a deadline inside 2026 is still known (and overdue),
    /// only the working days since it are estimated.
    @Test func asOfInMissingYearKeepsKnownDeadlines() throws {
        let r = try RulesUntil2026()
        defer { r.remove() }
        let file = E2E.fixture("asOfInMissingYearKeepsKnownDeadlines.csv")
        let january = ["--as-of", "2027-01-11"]
        let classified = E2E.run(["classify", file, "--format", "jsonl", "--rules", r.rules] + january)
        #expect(classified.status == 0, "stderr: \(classified.stderr)")
        let rows = JSONLines.parse(classified.stdout).compactMap { $0 }
        let p1 = try #require(rows.first { $0["id"] as? String == "P-1" })
        #expect(p1["final_due"] as? String == "2026-12-18" && p1["status"] as? String == "overdue")
        #expect(rows.first { $0["id"] as? String == "N-1" }?["status"] as? String == "no_calendar")
        let warnings = Self.calendarWarnings(classified.stderr)
        #expect(warnings.count == 1, "\(classified.stderr)")
        #expect(warnings.first?.contains("1 件申请的答复期限跨入 2027 年") == true)
        #expect(warnings.first?.contains("1 件未办结申请的剩余工作日要数到 2027 年") == true)

        let due = E2E.run(["due", file, "--format", "csv", "--rules", r.rules] + january)
        let byID = Dictionary(uniqueKeysWithValues: CSVText.table(due.stdout).rows.map { ($0["id"]!, $0) })
        // (2026-12-18, 2027-01-11]: 9 working days in December, 1 January off, then 6.
        #expect(byID["P-1"]?["final_due"] == "2026-12-18" && byID["P-1"]?["days_left"] == "")
        #expect(byID["P-1"]?["provisional_days_left"] == "-15")
        #expect(byID["N-1"]?["provisional_final_due"] == "2027-01-04")
        #expect(byID["N-1"]?["provisional_days_left"] == "-5")
    }

    /// Point 4 of issue 11: the shipped tests do not depend on 2026 being the last calendar year.
    /// A copy of rules/ gets a 2027.lua (a fixture in the notice's shape): `govrules test`, the
    /// deadline oracle and the calendar check stay green, and December's deadline is now known.
    @Test func shippedTestsPassWithNextYearCalendar() throws {
        let dir = try E2E.copyOfRules()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = dir.appendingPathComponent("rules")
        let next = rules.appendingPathComponent("calendar/2027.lua")
        try? FileManager.default.removeItem(at: next)
        try FileManager.default.copyItem(at: E2E.repoRoot.appendingPathComponent(E2E.fixture("shippedTestsPassWithNextYearCalendar.lua")),
                                         to: next)

        let tests = E2E.run(["test", "--rules", rules.path, "--min-coverage", "100"])
        #expect(tests.status == 0, "stdout: \(tests.stdout)\nstderr: \(tests.stderr)")
        #expect(tests.stdout.contains(" 0 failed"))

        let holidays = [E2E.repoRoot.appendingPathComponent("../shared/domain/holidays.json").standardized,
                        E2E.repoRoot.appendingPathComponent("Tests/data/holidays.json")]
            .first { FileManager.default.fileExists(atPath: $0.path) }!.path
        let binary = try #require(E2E.binary).path
        let oracle = try Tool.run("python3", ["Tests/scripts/deadline_oracle.py", holidays,
                                              rules.appendingPathComponent("tests/deadlines.csv").path,
                                              "--govrules", binary, "--rules", rules.path])
        #expect(oracle.status == 0, "\(oracle.output)")
        #expect(oracle.output.contains("cases agree"))
        let calendar = try Tool.run("python3", ["Tests/scripts/check_calendar.py", holidays, "--rules", rules.path])
        #expect(calendar.status == 0, "\(calendar.output)")
        #expect(calendar.output.contains("2027 checked for shape only"))

        let file = E2E.fixture("shippedTestsPassWithNextYearCalendar.csv")
        let out = E2E.run(["classify", file, "--format", "jsonl", "--rules", rules.path] + Self.asOf)
        #expect(out.status == 0 && Self.calendarWarnings(out.stderr).isEmpty, "\(out.stderr)")
        let row = try #require(JSONLines.parse(out.stdout).first ?? nil)
        #expect(row["status"] as? String == "pending" && row["final_due"] as? String == "2027-01-04")
    }
}
