import Foundation
import Testing

/// .xlsx ledgers, read by the built binary. The fixtures (Fixtures/xlsx/, made by
/// make_fixtures.py with LibreOffice, openpyxl, XlsxWriter and msoffcrypto-tool) are one per case,
/// named after their test.
@Suite("EndToEnd xlsx reading")
struct EndToEndXLSXReadTests {
    static let asOf = ["--as-of", "2025-01-10"]
    static let resultColumns = ["outcome", "outcome_label", "basis", "recorded", "regime", "start", "due", "final_due", "status", "warnings", "step"]

    func classify(_ fixture: String, _ extra: [String] = []) -> GovrulesOutput {
        E2E.run(["classify", E2E.fixture("xlsx/" + fixture)] + Self.asOf + extra)
    }

    /// Each row's id and result columns.
    func results(_ csv: String) -> [[String]] {
        CSVText.table(csv).rows.map { row in [row["申请编号"] ?? ""] + Self.resultColumns.map { row[$0] ?? "" } }
    }

    /// LibreOffice's save of examples/requests.csv (dates became date cells) classifies to the
    /// very bytes the CSV does.
    @Test func requestsTwin() throws {
        let x = classify("requestsTwin.xlsx")
        // Its CSV twin is the copy of examples/requests.csv the workbook was made from.
        let c = E2E.run(["classify", E2E.fixture("xlsx/requestsTwin.csv")] + Self.asOf)
        #expect(x.status == 0, "stderr: \(x.stderr)")
        #expect(c.status == 0)
        #expect(x.stdoutData == c.stdoutData)
        #expect(x.stdout.count > 10_000)
    }

    /// Date cells in two formats and dates typed as text in one column, as LibreOffice saves them;
    /// a merged header cell over two columns gives its text to both.
    @Test func libreOfficeMixedDates() throws {
        let x = classify("libreOfficeMixedDates.xlsx")
        let c = E2E.run(["classify", E2E.fixture("xlsx/libreOfficeMixedDates.csv")] + Self.asOf)
        #expect(x.status == 0, "stderr: \(x.stderr)")
        #expect(c.status == 0, "stderr: \(c.stderr)")
        #expect(results(x.stdout) == results(c.stdout))
        #expect(results(x.stdout).count == 5)
        let (header, rows) = CSVText.table(x.stdout)
        #expect(Array(header.prefix(7)) == ["申请编号", "收到日期", "申请人类型", "申请内容", "办结日期", "备注", "备注"])
        // A date cell reads as an ISO date; a date typed as text is kept as typed.
        #expect(rows[0]["收到日期"] == "2024-03-04")
        #expect(rows[1]["收到日期"] == "2024/3/11")
        #expect(rows[2]["start"] == "2024-04-15")
        #expect(rows[3]["start"] == "2024-05-06")
        let records = CSVText.parse(x.stdout)
        #expect(records[1][5] == "日期单元格" && records[1][6] == "第1件")
    }

    /// XlsxWriter: inline strings, the 1904 date system, a formula column with cached results,
    /// booleans. Same results as the CSV twin, input columns included.
    @Test func xlsxWriter1904() throws {
        let x = classify("xlsxWriter1904.xlsx")
        let c = E2E.run(["classify", E2E.fixture("xlsx/xlsxWriter1904.csv")] + Self.asOf)
        #expect(x.status == 0, "stderr: \(x.stderr)")
        #expect(x.stdoutData == c.stdoutData, "xlsx:\n\(x.stdout)\ncsv:\n\(c.stdout)")
        #expect(CSVText.table(x.stdout).rows.first?["收到日期"] == "2024-03-04")
    }

    /// A formula saved without its result (openpyxl cannot calculate): a cell error naming the
    /// column and its letter, nothing written.
    @Test func formulaNoCachedValue() throws {
        let dir = E2E.makeTempDir(prefix: "xlsx-formula")
        let out = dir.appendingPathComponent("out.csv").path
        let r = classify("formulaNoCachedValue.xlsx", ["-o", out])
        #expect(r.status == 1)
        let errors = r.stderrLines.filter { $0.contains("error[") }
        #expect(errors.count == 1, "\(r.stderr)")
        #expect(errors.first?.hasPrefix("Tests/EndToEndTests/Fixtures/xlsx/formulaNoCachedValue.xlsx:3: error[cell-error]: 列“收到日期”（B列）的单元格是公式") == true, "\(r.stderr)")
        #expect(errors.first?.contains("计算结果") == true)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// #N/A in a column the rules read is an error naming it; in a passed-through column it is
    /// kept as Excel shows it.
    @Test func cellErrorValue() throws {
        let r = classify("cellErrorValue.xlsx")
        #expect(r.status == 1)
        #expect(r.stdout == "")
        let errors = r.stderrLines.filter { $0.contains("error[") }
        #expect(errors == ["Tests/EndToEndTests/Fixtures/xlsx/cellErrorValue.xlsx:3: error[cell-error]: 列“收到日期”（B列）的单元格是错误值“#N/A”（公式出错或引用无效）；请在Excel/WPS中改正该单元格"], "\(r.stderr)")
        let kept = classify("cellErrorValue.xlsx", ["--keep-going"])
        #expect(kept.status == 3)
        #expect(CSVText.table(kept.stdout).rows.first?["备注"] == "#N/A")
    }

    @Test func noHeader() throws {
        let r = classify("noHeader.xlsx")
        #expect(r.status == 1)
        #expect(r.stdout == "")
        #expect(r.stderr.contains("noHeader.xlsx:1: error[header-missing]: 台账缺少必填列“申请编号”"), "\(r.stderr)")
    }

    func refused(_ fixture: String, code: String) throws -> String {
        let dir = E2E.makeTempDir(prefix: "xlsx-bad")
        let out = dir.appendingPathComponent("out.csv").path
        let r = E2E.run(["classify", E2E.fixture("xlsx/" + fixture), "-o", out] + Self.asOf)
        #expect(r.status == 1)
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(E2E.listing(dir).isEmpty, "nothing half-written")
        let prefix = "Tests/EndToEndTests/Fixtures/xlsx/\(fixture): error[\(code)]: "
        let line = try #require(r.stderrLines.first { $0.hasPrefix(prefix) }, "stderr: \(r.stderr)")
        #expect(r.stderrLines.count == 1, "\(r.stderr)")
        return String(line.dropFirst(prefix.count))
    }

    @Test func oldFormat() throws {
        let m = try refused("oldFormat.xls", code: "xlsx-old-format")
        #expect(m.contains(".xls") && m.contains("97-2003") && m.contains("另存为"))
    }

    @Test func encryptedWorkbook() throws {
        let m = try refused("encryptedWorkbook.xlsx", code: "xlsx-encrypted")
        #expect(m.contains("密码") && m.contains("加密"))
    }

    @Test func corruptZip() throws {
        let m = try refused("corruptZip.xlsx", code: "xlsx-corrupt")
        #expect(m.contains("损坏"))
    }

    @Test func zipBomb() throws {
        let m = try refused("zipBomb.xlsx", code: "xlsx-too-large")
        #expect(m.contains("400:1") && m.contains("压缩炸弹"))
    }

    /// --sheet by name and by number; an unknown sheet lists the sheets there are.
    @Test func sheetOption() throws {
        let byName = classify("xlsxWriter1904.xlsx", ["--sheet", "台账"])
        #expect(byName.status == 0, "\(byName.stderr)")
        let byNumber = classify("xlsxWriter1904.xlsx", ["--sheet", "1"])
        #expect(byNumber.stdoutData == byName.stdoutData)
        let missing = classify("xlsxWriter1904.xlsx", ["--sheet", "复议"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("error[xlsx-no-sheet]: 工作簿中没有工作表“复议”；现有工作表：1.“台账”"), "\(missing.stderr)")
    }

    /// due and explain read the same workbook.
    @Test func dueAndExplainReadWorkbooks() throws {
        let due = E2E.run(["due", E2E.fixture("xlsx/requestsTwin.xlsx")] + Self.asOf)
        let dueCSV = E2E.run(["due", E2E.fixture("xlsx/requestsTwin.csv")] + Self.asOf)
        #expect(due.status == 0)
        #expect(due.stdout == dueCSV.stdout)
        let explain = E2E.run(["explain", E2E.fixture("xlsx/requestsTwin.xlsx"), "--id", "2024-041"] + Self.asOf)
        #expect(explain.status == 0, "\(explain.stderr)")
        #expect(explain.stdout.contains("requestsTwin.xlsx 第45行"))
    }

    /// A policy officer's test table kept as a workbook runs like its CSV.
    @Test func ruleTestsTable() throws {
        let x = E2E.run(["test", E2E.fixture("xlsx/ruleTestsTable.xlsx")])
        let c = E2E.run(["test", "rules/tests/decisions.csv"])
        #expect(x.status == 0, "\(x.stdout)\(x.stderr)")
        #expect(x.stdout.hasSuffix("58 passed, 0 failed\n"), "\(x.stdout)")
        #expect(x.stdout.replacingOccurrences(of: E2E.fixture("xlsx/ruleTestsTable.xlsx"), with: "rules/tests/decisions.csv") == c.stdout)
    }

    /// report --appeals and --proactive as workbooks give the report the CSVs give.
    @Test func reportReadsWorkbookAppealsAndProactive() throws {
        let args = ["report", "examples/requests.csv", "--year", "2024", "--agency", "云溪县人民政府办公室", "--format", "json"]
        let x = E2E.run(args + ["--appeals", E2E.fixture("xlsx/appealsTwin.xlsx"), "--proactive", E2E.fixture("xlsx/proactiveTwin.xlsx")])
        let c = E2E.run(args + ["--appeals", "examples/appeals.csv", "--proactive", "examples/proactive-2024.csv"])
        #expect(x.status == 0, "\(x.stderr)")
        func body(_ s: String) -> [String] { s.split(separator: "\n").map(String.init).filter { !$0.contains("sha256") && !$0.contains("\"path\"") } }
        #expect(body(x.stdout) == body(c.stdout))
        #expect(body(x.stdout).count > 20)
    }
}
