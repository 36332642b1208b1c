import Foundation
import Testing

/// `govrules classify` on the shipped example ledger and on the spec's example.
@Suite("EndToEnd classify")
struct EndToEndClassifyTests {
    static let example = "examples/requests.csv"
    static let asOf = ["--as-of", "2025-01-10"]

    /// The example ledger's own header and data records (blank records dropped).
    static func exampleInput() throws -> (header: [String], rows: [[String]]) {
        let text = try String(contentsOf: E2E.repoRoot.appendingPathComponent(example), encoding: .utf8)
        let records = CSVText.parse(text)
        let rows = records.dropFirst().filter { !$0.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }
        return (records[0], Array(rows))
    }

    @Test func csvHeaderIsInputColumnsThenResultColumnsAndOneRowPerInputRow() throws {
        let input = try Self.exampleInput()
        let r = E2E.run(["classify", Self.example] + Self.asOf)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let records = CSVText.parse(r.stdout)
        try #require(!records.isEmpty)
        #expect(records[0] == input.header + resultColumns)
        let rows = Array(records.dropFirst())
        #expect(rows.count == input.rows.count)
        // Input cells pass through untouched, in input order.
        for (out, inp) in zip(rows, input.rows) {
            #expect(Array(out.prefix(input.header.count)) == inp + Array(repeating: "", count: max(0, input.header.count - inp.count)))
            #expect(out.count == input.header.count + resultColumns.count)
        }
        // stderr holds only warnings (the example has one deliberate mismatch), never errors.
        #expect(!r.stderr.contains("error["))
    }

    /// Values verified by hand against decisions.md/cli.md and the 2023–2025 official calendars.
    @Test func handVerifiedRowsInCSV() throws {
        let r = E2E.run(["classify", Self.example] + Self.asOf)
        #expect(r.status == 0)
        let (_, rows) = CSVText.table(r.stdout)
        let byID = Dictionary(rows.map { ($0["申请编号"] ?? "", $0) }, uniquingKeysWith: { a, _ in a })

        // 2023-086: received Mon 2023-12-11; 20 working days skipping 2024-01-01 → 2024-01-09;
        // replied 2024-01-05 → on time.
        let a = try #require(byID["2023-086"])
        #expect(a["outcome"] == "disclosed")
        #expect(a["outcome_label"] == "予以公开")
        #expect(a["recorded"] == "disclosed")
        #expect(a["regime"] == "2019")
        #expect(a["start"] == "2023-12-11")
        #expect(a["due"] == "2024-01-09")
        #expect(a["final_due"] == "2024-01-09")
        #expect(a["status"] == "on_time")
        #expect(a["warnings"] == "")
        #expect(a["step"] == "disclose")

        // 2023-089: extended without a number of days → statutory maximum 20 more working days:
        // due 2024-01-18; final across 春节 2024 (2-04 and 2-18 Sundays are working days) → 2024-02-20.
        let b = try #require(byID["2023-089"])
        #expect(b["due"] == "2024-01-18")
        #expect(b["final_due"] == "2024-02-20")
        #expect(b["status"] == "on_time")

        // 2023-091: the clock starts when the correction arrives (2024-01-08); the 20th working day
        // is Sunday 2024-02-04, a make-up working day; already proactively disclosed.
        let c = try #require(byID["2023-091"])
        #expect(c["start"] == "2024-01-08")
        #expect(c["due"] == "2024-02-04")
        #expect(c["final_due"] == "2024-02-04")
        #expect(c["outcome"] == "disclosed")
        #expect(c["step"] == "already_public")

        // 2024-041: third party consents → disclosed, but the ledger recorded 保护第三方合法权益:
        // a warning. Consultation 10-18 → 10-29 pauses 7 working days: due 11-11, final 11-20.
        let d = try #require(byID["2024-041"])
        #expect(d["outcome"] == "disclosed")
        #expect(d["recorded"] == "withheld.third_party")
        #expect(d["due"] == "2024-11-11")
        #expect(d["final_due"] == "2024-11-20")
        #expect(d["status"] == "on_time")
        #expect(d["warnings"]?.contains("保护第三方合法权益") == true)

        // 2024-044: still open, due 2024-11-28 → overdue on 2025-01-10.
        let e = try #require(byID["2024-044"])
        #expect(e["due"] == "2024-11-28")
        #expect(e["final_due"] == "2024-11-28")
        #expect(e["status"] == "overdue")
        #expect(e["recorded"] == "")

        // 2024-047: correction requested, not received → the clock has not started.
        let f = try #require(byID["2024-047"])
        #expect(f["start"] == "")
        #expect(f["due"] == "")
        #expect(f["final_due"] == "")
        #expect(f["status"] == "paused")

        // 2024-002: third party objects but the record is separable → partial (第三十七条).
        let g = try #require(byID["2024-002"])
        #expect(g["outcome"] == "partial")
        #expect(g["basis"] == "第三十七条")
    }

    @Test func chineseHeadersSwitchOnlyTheResultHeaders() throws {
        let en = E2E.run(["classify", Self.example] + Self.asOf)
        let zh = E2E.run(["classify", Self.example, "--headers", "zh"] + Self.asOf)
        #expect(en.status == 0)
        #expect(zh.status == 0)
        let enRecords = CSVText.parse(en.stdout)
        let zhRecords = CSVText.parse(zh.stdout)
        try #require(enRecords.count == zhRecords.count && !enRecords.isEmpty)
        let inputCount = enRecords[0].count - resultColumns.count
        #expect(Array(zhRecords[0].prefix(inputCount)) == Array(enRecords[0].prefix(inputCount)))
        let zhResult = Array(zhRecords[0].suffix(resultColumns.count))
        #expect(zhResult.count == resultColumns.count)
        for (h, key) in zip(zhResult, resultColumns) {
            #expect(h != key)
            #expect(h.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF }, "not a Chinese header: \(h)")
        }
        #expect(Set(zhResult).count == zhResult.count, "duplicate Chinese result headers")
        // The data rows are identical, except that statuses and deciding steps are in Chinese too
        // (issue 11, point 9): 按期办结 for on_time, the step's title for its id.
        let status = inputCount + resultColumns.firstIndex(of: "status")!
        let step = inputCount + resultColumns.firstIndex(of: "step")!
        let zhStatus = ["on_time": "按期办结", "late": "逾期办结", "pending": "办理中", "paused": "期限中止",
                        "overdue": "已超期", "no_calendar": "期限待定"]
        for (e, z) in zip(enRecords.dropFirst(), zhRecords.dropFirst()) {
            #expect(e.indices.filter { $0 != status && $0 != step }.allSatisfy { e[$0] == z[$0] })
            #expect(zhStatus[e[status]] == z[status], "\(e[status]) → \(z[status])")
            #expect(z[step] != e[step] && z[step].unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF })
        }
    }

    @Test func jsonLinesOneObjectPerRowWithTheSpecKeys() throws {
        let input = try Self.exampleInput()
        let csv = E2E.run(["classify", Self.example] + Self.asOf)
        let r = E2E.run(["classify", Self.example, "--format", "jsonl"] + Self.asOf)
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "", "jsonl must end with a newline")
        let objects = JSONLines.parse(r.stdout)
        #expect(objects.count == input.rows.count)
        let (_, csvRows) = CSVText.table(csv.stdout)
        #expect(csvRows.count == objects.count)
        for (i, object) in objects.enumerated() {
            let o = try #require(object, "line \(i + 1) is not a JSON object")
            for k in jsonKeys { #expect(o[k] != nil, "line \(i + 1) lacks \(k)") }
            // Input order.
            #expect(o["id"] as? String == input.rows[i][0])
            #expect(o["basis"] is [Any])
            #expect(o["warnings"] is [Any])
            #expect(o["regime"] as? String == "2019" || o["regime"] as? String == "2008")
            #expect(["on_time", "late", "pending", "paused", "overdue"].contains(o["status"] as? String ?? ""))
            for k in ["recorded", "start", "due", "final_due"] {
                #expect(o[k] is NSNull || o[k] is String, "\(k) must be a string or null")
            }
            // Same fields as the CSV columns.
            let row = csvRows[i]
            for k in ["outcome", "outcome_label", "regime", "status"] {
                #expect(o[k] as? String == row[k], "\(k) differs between jsonl and csv on line \(i + 1)")
            }
            for k in ["recorded", "start", "due", "final_due"] {
                #expect((o[k] as? String ?? "") == row[k], "\(k) differs between jsonl and csv on line \(i + 1)")
            }
            #expect(((o["basis"] as? [String]) ?? []).joined(separator: "；") == row["basis"])
            #expect(((o["warnings"] as? [String]) ?? []).joined(separator: "；") == row["warnings"])
        }
        // Hand-verified rows (see handVerifiedRowsInCSV).
        let byID = Dictionary(objects.compactMap { $0 }.map { ($0["id"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        let a = try #require(byID["2024-044"])
        #expect(a["outcome"] as? String == "disclosed")
        #expect(a["recorded"] is NSNull)
        #expect(a["due"] as? String == "2024-11-28")
        #expect(a["status"] as? String == "overdue")
        #expect((a["warnings"] as? [Any])?.isEmpty == true)
        let b = try #require(byID["2024-047"])
        #expect(b["start"] is NSNull)
        #expect(b["due"] is NSNull)
        #expect(b["final_due"] is NSNull)
        #expect(b["status"] as? String == "paused")
        let c = try #require(byID["2024-041"])
        #expect(c["recorded"] as? String == "withheld.third_party")
        #expect(c["final_due"] as? String == "2024-11-20")
        #expect((c["warnings"] as? [String])?.count == 1)
    }

    /// cli.md's own example: received 2020-03-04, the third party objects.
    @Test func specExampleReproduced() throws {
        let r = E2E.run(["classify", E2E.fixture("specExample.csv"), "--format", "jsonl"] + Self.asOf)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stderr == "")
        let objects = JSONLines.parse(r.stdout)
        try #require(objects.count == 1)
        let o = try #require(objects[0])
        #expect(o["id"] as? String == "2020-001")
        #expect(o["outcome"] as? String == "withheld.third_party")
        #expect(o["outcome_label"] as? String == "保护第三方合法权益")
        #expect(o["basis"] as? [String] == ["第十五条", "第三十二条"])
        #expect(o["recorded"] is NSNull)
        #expect(o["regime"] as? String == "2019")
        #expect(o["start"] as? String == "2020-03-04")
        #expect(o["due"] as? String == "2020-04-01")
        // Consultation 03-10 → 03-16 pauses 4 working days; 清明 2020-04-04..06 → 04-08.
        #expect(o["final_due"] as? String == "2020-04-08")
        #expect(o["status"] as? String == "on_time")
        #expect((o["warnings"] as? [Any])?.isEmpty == true)

        let csv = E2E.run(["classify", E2E.fixture("specExample.csv")] + Self.asOf)
        #expect(csv.status == 0)
        let (_, rows) = CSVText.table(csv.stdout)
        try #require(rows.count == 1)
        #expect(rows[0]["basis"] == "第十五条；第三十二条")
        #expect(rows[0]["outcome"] == "withheld.third_party")
    }

    @Test(arguments: ["csv", "jsonl"])
    func twoRunsAreByteIdentical(format: String) throws {
        let args = ["classify", Self.example, "examples/requests-gbk.csv", "--format", format] + Self.asOf
        let first = E2E.run(args)
        let second = E2E.run(args)
        #expect(first.status == 0)
        #expect(!first.stdoutData.isEmpty)
        #expect(first.stdoutData == second.stdoutData)
        #expect(first.stderrData == second.stderrData)
    }

    /// `--jobs N` splits the ledger over parallel Lua states; the output must not depend on N.
    @Test(arguments: ["csv", "jsonl"])
    func outputDoesNotDependOnJobs(format: String) throws {
        let dir = E2E.makeTempDir(prefix: "jobs")
        defer { try? FileManager.default.removeItem(at: dir) }
        // The example ledger repeated 40 times with fresh ids: enough rows for several chunks.
        let text = try String(contentsOf: E2E.repoRoot.appendingPathComponent(Self.example), encoding: .utf8)
        let records = CSVText.parse(text)
        var big = text.split(separator: "\n", maxSplits: 1)[0] + "\n"
        for copy in 1...40 {
            for r in records.dropFirst() where !r.allSatisfy(\.isEmpty) {
                var cells = r
                cells[0] = "\(cells[0])-\(copy)"
                big += cells.map { $0.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : $0 }
                    .joined(separator: ",") + "\n"
            }
        }
        let ledger = dir.appendingPathComponent("big.csv")
        try big.write(to: ledger, atomically: true, encoding: .utf8)

        let one = E2E.run(["classify", ledger.path, "--format", format, "--jobs", "1"] + Self.asOf)
        let two = E2E.run(["classify", ledger.path, "--format", format, "--jobs", "2"] + Self.asOf)
        let four = E2E.run(["classify", ledger.path, "--format", format, "--jobs", "4"] + Self.asOf)
        #expect(one.status == 0, "stderr: \(one.stderr.prefix(500))")
        #expect(one.stdoutData.count > 100_000)
        #expect(one.stdoutData == two.stdoutData)
        #expect(one.stdoutData == four.stdoutData)
        #expect(one.stderrData == two.stderrData)
        #expect(one.stderrData == four.stderrData)

        // With rejected rows too: same rows written, same rejects, same messages.
        func keepGoing(_ jobs: String) throws -> (Data, Data, Data) {
            let out = dir.appendingPathComponent("kg-\(jobs).\(format)")
            let r = E2E.run(["classify", E2E.fixture("mixedValidAndInvalid.csv"), ledger.path, "--keep-going",
                             "--format", format, "--jobs", jobs, "-o", out.path] + Self.asOf)
            #expect(r.status == 3)
            return (try Data(contentsOf: out), try Data(contentsOf: URL(fileURLWithPath: out.path + ".rejects.csv")), r.stderrData)
        }
        let k1 = try keepGoing("1"), k2 = try keepGoing("2")
        #expect(k1.0 == k2.0)
        #expect(k1.1 == k2.1)
        #expect(k1.2 == k2.2)
    }
}
