import Foundation
import Testing

/// `govrules due` on the shipped example, as of 2025-01-10.
@Suite("EndToEnd due")
struct EndToEndDueTests {
    static let base = ["due", "examples/requests.csv", "--as-of", "2025-01-10"]

    /// Ids of the example rows with an empty 办结日期 (the open applications).
    static func openIDs() throws -> Set<String> {
        let text = try String(contentsOf: E2E.repoRoot.appendingPathComponent("examples/requests.csv"), encoding: .utf8)
        let (_, rows) = CSVText.table(text)
        return Set(rows.filter { ($0["办结日期"] ?? "").isEmpty }.compactMap { $0["申请编号"] })
    }

    @Test func csvListsOpenApplicationsSoonestFirst() throws {
        let r = E2E.run(Self.base + ["--format", "csv"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let records = CSVText.parse(r.stdout)
        try #require(!records.isEmpty)
        #expect(records[0] == ["id", "received", "final_due", "days_left", "status", "subject", "provisional_final_due", "provisional_days_left"])
        let rows = records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(records[0], $0)) }
        #expect(Set(rows.compactMap { $0["id"] }) == (try Self.openIDs()))
        #expect(rows.count == (try Self.openIDs()).count)

        // Soonest first: days_left ascending; applications whose clock has not started last.
        let days = rows.map { Int($0["days_left"] ?? "") }
        let known = days.compactMap { $0 }
        #expect(known == known.sorted())
        if let firstUnknown = days.firstIndex(where: { $0 == nil }) {
            #expect(days[firstUnknown...].allSatisfy { $0 == nil }, "rows without days_left must come last")
        }
        // Negative days_left exactly for the overdue ones.
        for row in rows {
            let d = Int(row["days_left"] ?? "")
            #expect((row["status"] == "overdue") == ((d ?? 0) < 0), "row \(row)")
        }

        // Hand-verified against the 2024/2025 calendars.
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0["id"]!, $0) })
        // Received Thu 2024-10-31 → 20th working day 2024-11-28; 30 working days overdue on
        // 2025-01-10 (2025-01-01 is a holiday).
        #expect(byID["2024-044"]?["final_due"] == "2024-11-28")
        #expect(byID["2024-044"]?["days_left"] == "-30")
        #expect(byID["2024-044"]?["status"] == "overdue")
        #expect(byID["2024-044"]?["subject"] == "县城区2024年新增公共停车位建设项目预算")
        // Received Fri 2024-12-27 → 20th working day is Sunday 2025-01-26 (a make-up working day
        // before 春节 2025); 11 working days left.
        #expect(byID["2024-054"]?["received"] == "2024-12-27")
        #expect(byID["2024-054"]?["final_due"] == "2025-01-26")
        #expect(byID["2024-054"]?["days_left"] == "11")
        #expect(byID["2024-054"]?["status"] == "pending")
        // Correction requested, not received: no final due date yet.
        #expect(byID["2024-047"]?["final_due"] == "")
        #expect(byID["2024-047"]?["days_left"] == "")
        #expect(byID["2024-047"]?["status"] == "paused")
        #expect(rows.first?["id"] == "2024-044")
    }

    @Test func withinKeepsOverdueAndSoonDueOnly() throws {
        let all = E2E.run(Self.base + ["--format", "csv"])
        let within = E2E.run(Self.base + ["--format", "csv", "--within", "3"])
        #expect(within.status == 0)
        let allRows = CSVText.table(all.stdout).rows
        let (header, rows) = CSVText.table(within.stdout)
        #expect(header == ["id", "received", "final_due", "days_left", "status", "subject", "provisional_final_due", "provisional_days_left"])
        let expected = allRows.filter { Int($0["days_left"] ?? "").map { $0 <= 3 } ?? false }
        #expect(rows == expected)
        #expect(rows.map { $0["id"] ?? "" } == ["2024-044", "2024-048", "2024-051"])
        #expect(rows.contains { $0["status"] == "overdue" })
    }

    @Test func tableMarksOverdue() throws {
        let r = E2E.run(Self.base)
        #expect(r.status == 0)
        #expect(r.stdout.contains("2025-01-10"))
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let overdue = try #require(lines.first { $0.contains("2024-044") })
        #expect(overdue.hasPrefix("!!"))
        #expect(overdue.contains("已超期"))
        #expect(overdue.contains("-30"))
        // One line per open application; only the overdue one carries the overdue mark.
        let open = try Self.openIDs()
        let entries = lines.compactMap { line -> (id: String, line: String)? in
            let id = line.split(separator: " ").map(String.init).first { open.contains($0) }
            return id.map { ($0, line) }
        }
        #expect(entries.count == open.count)
        #expect(entries.filter { $0.line.hasPrefix("!!") }.map(\.id) == ["2024-044"])
        #expect(entries.filter { $0.line.contains("已超期") }.map(\.id) == ["2024-044"])
        // Soonest first in the table as well.
        #expect(entries.first?.id == "2024-044")
    }
}
