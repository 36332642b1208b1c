import Foundation
import Testing

/// Ledgers as offices really keep them (issue 11, points 5 and 6): a title row and blank rows
/// above the header, a 序号 column, dates as spreadsheets export them. One fixture per case,
/// named after its test.
@Suite("EndToEnd ledger shapes")
struct EndToEndLedgerShapeTests {
    static let asOf = ["--as-of", "2024-12-31"]

    @Test func titleRowAndRunningNumber() throws {
        let path = E2E.fixture("titleRowAndRunningNumber.csv")
        let r = E2E.run(["classify", path] + Self.asOf)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let records = CSVText.parse(r.stdout)
        let header = try #require(records.first)
        #expect(Array(header.prefix(5)) == ["序号", "申请编号", "收到日期", "申请人类型", "办结日期"],
                "the title row is not written; 序号 passes through as a column of its own")
        let (_, rows) = CSVText.table(r.stdout)
        #expect(rows.map { $0["序号"] } == ["1", "2", "3"])
        #expect(rows.map { $0["申请编号"] } == ["SQ-2024-07", "SQ-2024-08", "SQ-2024-09"])
        #expect(rows.map { $0["start"] } == ["2024-03-04", "2024-03-05", "2024-03-06"])
        let warning = try #require(r.stderrLines.first { $0.hasPrefix("\(path):3: warning[header-row]: ") })
        #expect(warning.contains("以第3行为表头"))
        #expect(warning.contains("第1—2行"))
        #expect(warning.contains("石桥镇2024年政府信息公开申请登记台账"))
        #expect(!r.stderr.contains("error["))

        // In JSON lines too, the id is 申请编号, never the running number.
        let j = E2E.run(["classify", path, "--format", "jsonl"] + Self.asOf)
        #expect(j.status == 0)
        #expect(j.stdout.contains("\"id\": \"SQ-2024-07\""))
        #expect(j.stdout.contains("\"row\": 4"), "rows keep the spreadsheet's numbers")
    }

    /// Messages name the row as the spreadsheet shows it, title row included.
    @Test func rowNumbersBelowATitleRow() throws {
        let path = E2E.fixture("rowNumbersBelowATitleRow.csv")
        let r = E2E.run(["classify", path] + Self.asOf)
        #expect(r.status == 1)
        #expect(r.stdout == "")
        let errors = r.stderrLines.filter { $0.contains("error[") }
        #expect(errors.count == 1, "\(r.stderr)")
        let e = try #require(errors.first)
        #expect(e.hasPrefix("\(path):5: error[cell-date]: "))
        #expect(e.contains("列“收到日期”的值“2024-02-30”"))
        #expect(r.stderrLines.contains { $0.hasPrefix("\(path):2: warning[header-row]: 以第2行为表头；第1行是标题") })
    }

    @Test func runningNumberIsNotTheApplicationNumber() throws {
        let path = E2E.fixture("runningNumberIsNotTheApplicationNumber.csv")
        let r = E2E.run(["classify", path] + Self.asOf)
        #expect(r.status == 1)
        let e = try #require(r.stderrLines.first { $0.hasPrefix("\(path):1: error[header-missing]: ") }, "\(r.stderr)")
        #expect(e.contains("缺少必填列“申请编号”"))
        #expect(e.contains("第1列“序号”是行的顺序号，不是申请编号"))
    }

    /// `2024/03/04 0:00` and `2024-03-05 00:00:00` are those dates, silently; `45360` is
    /// 2024-03-09 with a warning naming that date; `2024-03-12 14:30` keeps the date, with a
    /// warning naming the time.
    @Test func excelDateCells() throws {
        let path = E2E.fixture("excelDateCells.csv")
        let r = E2E.run(["classify", path] + Self.asOf)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let (_, rows) = CSVText.table(r.stdout)
        #expect(rows.map { $0["start"] } == ["2024-03-04", "2024-03-05", "2024-03-09", "2024-03-12"])
        #expect(rows.first?["status"] == "on_time", "办结日期 2024-03-20 00:00:00 was read as a date")
        #expect(rows.first?["收到日期"] == "2024/03/04 0:00", "the cell passes through as written")
        let serial = try #require(r.stderrLines.first { $0.hasPrefix("\(path):4: warning[cell-date-serial]: ") }, "\(r.stderr)")
        #expect(serial.contains("列“收到日期”的值“45360”是 Excel 日期序列号，已按 2024-03-09 读取"))
        let time = try #require(r.stderrLines.first { $0.hasPrefix("\(path):5: warning[cell-date-time]: ") }, "\(r.stderr)")
        #expect(time.contains("列“收到日期”的值“2024-03-12 14:30”带有时刻 14:30"))
        #expect(time.contains("按日期 2024-03-12 计算"))
        #expect(!r.stderr.contains("\(path):2:") && !r.stderr.contains("\(path):3:"), "a midnight time is no warning")
        #expect(rows[2]["warnings"]?.contains("已按 2024-03-09 读取") == true, "the warnings column holds it too")
    }

    @Test func implausibleSerialDate() throws {
        let path = E2E.fixture("implausibleSerialDate.csv")
        let r = E2E.run(["classify", path] + Self.asOf)
        #expect(r.status == 1)
        let e = try #require(r.stderrLines.first { $0.hasPrefix("\(path):3: error[cell-date]: ") }, "\(r.stderr)")
        #expect(e.contains("列“收到日期”的值“12”是数字，不是日期"))
        #expect(e.contains("36526 至 73050"))
    }

    /// `--appeals` reads its table the same way: title row skipped, serial dates read.
    @Test func appealsWithTitleRow() throws {
        let path = E2E.fixture("appealsWithTitleRow.csv")
        let out = E2E.makeTempDir(prefix: "appeals")
        defer { try? FileManager.default.removeItem(at: out) }
        let json = out.appendingPathComponent("r.json").path
        let r = E2E.run(["report", "examples/requests.csv", "--year", "2024", "--appeals", path, "--format", "json", "-o", json])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stderrLines.contains { $0.hasPrefix("\(path):2: warning[header-row]: 以第2行为表头") })
        #expect(r.stderrLines.contains { $0.hasPrefix("\(path):3: warning[cell-date-serial]: ") && $0.contains("已按 2024-05-30 读取") })
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let review = (report["appeals"] as? [String: Any])?["review"] as? [String: Int]
        #expect(review?["upheld"] == 1, "the case below the title row is counted, concluded within the year")
        #expect(review?["pending"] == 0)
    }

    /// `govrules test` tables too.
    @Test func testTableWithTitleRow() throws {
        let path = E2E.fixture("testTableWithTitleRow.csv")
        let r = E2E.run(["test", path])
        #expect(r.status == 0, "stdout: \(r.stdout)\nstderr: \(r.stderr)")
        #expect(r.stdout.contains("PASS  \(path):3  TT-1"))
        #expect(r.stderrLines.contains { $0.hasPrefix("\(path):2: warning[header-row]: ") })
    }
}
