import Foundation
import Testing

/// Ledger files a clerk really produces, one fixture per case (Fixtures/<testName>.csv).
/// Bad rows: exit 1, nothing on stdout (classify writes nothing when a row is invalid, not even
/// the header), and `FILE:ROW: error[CODE]: …` naming the column as written, the value and what
/// is allowed, in Chinese.
@Suite("EndToEnd bad input")
struct EndToEndBadInputTests {
    static let asOf = ["--as-of", "2025-01-10"]

    struct Failure {
        var file: String
        var output: GovrulesOutput
        /// The one `FILE:ROW: error[CODE]: …` line, with the `FILE:ROW: error[CODE]: ` prefix removed.
        var message: String
    }

    /// Runs classify on the fixture; checks exit 1, empty stdout and exactly one error line for
    /// FILE:ROW with CODE, and returns that line's message.
    func rejected(_ fixture: String, extraFiles: [String] = [], row: Int?, code: String,
                  file reportedFixture: String? = nil,
                  sourceLocation: SourceLocation = #_sourceLocation) throws -> Failure {
        let path = E2E.fixture(fixture)
        let reported = E2E.fixture(reportedFixture ?? fixture)
        let r = E2E.run(["classify"] + extraFiles.map(E2E.fixture) + [path] + Self.asOf, sourceLocation: sourceLocation)
        #expect(r.status == 1, "exit status; stderr: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stdout == "", "nothing may be written to stdout when the ledger is invalid", sourceLocation: sourceLocation)
        let prefix = row.map { "\(reported):\($0): error[\(code)]: " } ?? "\(reported): error[\(code)]: "
        let lines = r.stderrLines.filter { $0.hasPrefix(prefix) }
        #expect(lines.count == 1, "expected one line starting \(prefix) in stderr:\n\(r.stderr)", sourceLocation: sourceLocation)
        let line = try #require(lines.first, sourceLocation: sourceLocation)
        // Every error line is about this row: no other row is blamed.
        let otherErrors = r.stderrLines.filter { $0.contains(": error[") && !$0.hasPrefix(prefix) }
        #expect(otherErrors.isEmpty, "unexpected errors: \(otherErrors)", sourceLocation: sourceLocation)
        return Failure(file: reported, output: r, message: String(line.dropFirst(prefix.count)))
    }

    static let applicantTypes = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]

    @Test func impossibleDate() throws {
        let f = try rejected("impossibleDate.csv", row: 3, code: "cell-date")
        #expect(f.message.contains("“收到日期”"))
        #expect(f.message.contains("2021-02-29"))
        #expect(f.message.contains("2020-03-04"), "names the accepted date forms")
        #expect(f.message.contains("2020年3月4日"))
    }

    @Test func unknownEnumValue() throws {
        let f = try rejected("unknownEnumValue.csv", row: 3, code: "cell-enum")
        #expect(f.message.contains("“申请人类型”"))
        #expect(f.message.contains("个人"))
        for v in Self.applicantTypes { #expect(f.message.contains(v), "allowed value \(v) not listed") }
    }

    /// English headers: the message names the column as the file writes it (`repeat`).
    @Test func badBool() throws {
        let f = try rejected("badBool.csv", row: 3, code: "cell-bool")
        #expect(f.message.contains("“repeat”"))
        #expect(f.message.contains("也许"))
        #expect(f.message.contains("是"))
        #expect(f.message.contains("否"))
    }

    @Test func badInteger() throws {
        let f = try rejected("badInteger.csv", row: 3, code: "cell-integer")
        #expect(f.message.contains("“延期工作日数”"))
        #expect(f.message.contains("十个"))
        #expect(f.message.contains("整数"))
    }

    @Test func missingRequiredCell() throws {
        let f = try rejected("missingRequiredCell.csv", row: 3, code: "cell-required")
        #expect(f.message.contains("“申请人类型”"))
        #expect(f.message.contains("不能为空"))
        for v in Self.applicantTypes { #expect(f.message.contains(v)) }
    }

    @Test func missingRequiredColumn() throws {
        let f = try rejected("missingRequiredColumn.csv", row: 1, code: "header-missing")
        #expect(f.message.contains("申请人类型"))
        #expect(f.message.contains("applicant_type"))
    }

    @Test func duplicateIdWithinFile() throws {
        let f = try rejected("duplicateIdWithinFile.csv", row: 3, code: "id-duplicate")
        #expect(f.message.contains("DW-1"))
        #expect(f.message.contains("\(f.file) 第2行"), "names where the id was first used")
    }

    @Test func duplicateIdAcrossFiles() throws {
        let f = try rejected("duplicateIdAcrossFiles_2.csv", extraFiles: ["duplicateIdAcrossFiles_1.csv"],
                             row: 3, code: "id-duplicate")
        #expect(f.message.contains("DA-1"))
        #expect(f.message.contains("\(E2E.fixture("duplicateIdAcrossFiles_1.csv")) 第2行"))
    }

    /// Aliased headers (受理日期, 答复日期): the message uses them, not the canonical names.
    @Test func repliedBeforeReceived() throws {
        let f = try rejected("repliedBeforeReceived.csv", row: 3, code: "date-order")
        #expect(f.message.contains("“答复日期”"))
        #expect(f.message.contains("2024-01-02"))
        #expect(f.message.contains("“受理日期”"))
        #expect(f.message.contains("2024-01-05"))
        #expect(f.message.contains("不能早于"))
    }

    @Test func correctionReceivedBeforeRequested() throws {
        let f = try rejected("correctionReceivedBeforeRequested.csv", row: 3, code: "date-order")
        #expect(f.message.contains("“补正收到日期”"))
        #expect(f.message.contains("2024-01-04"))
        #expect(f.message.contains("“补正告知日期”"))
        #expect(f.message.contains("不能早于"))
    }

    @Test func consultEndBeforeStart() throws {
        let f = try rejected("consultEndBeforeStart.csv", row: 3, code: "date-order")
        #expect(f.message.contains("“意见收到日期”"))
        #expect(f.message.contains("2024-01-08"))
        #expect(f.message.contains("“征求意见日期”"))
        #expect(f.message.contains("不能早于"))
    }

    @Test func feePaidBeforeNotice() throws {
        let f = try rejected("feePaidBeforeNotice.csv", row: 3, code: "date-order")
        #expect(f.message.contains("“缴费日期”"))
        #expect(f.message.contains("2024-01-08"))
        #expect(f.message.contains("“收费通知日期”"))
        #expect(f.message.contains("不能早于"))
    }

    /// 2019 Regulation art. 33(2): at most 20 working days; 20 is fine (row 2), 21 is not.
    @Test func extensionDaysAboveMaximum() throws {
        let f = try rejected("extensionDaysAboveMaximum.csv", row: 3, code: "rule-invalid")
        #expect(f.message.contains("“延期工作日数”"))
        #expect(f.message.contains("21"))
        #expect(f.message.contains("1 至 20"))
    }

    @Test func extendedNoWithExtensionDays() throws {
        let f = try rejected("extendedNoWithExtensionDays.csv", row: 3, code: "rule-invalid")
        #expect(f.message.contains("“延期工作日数”"))
        #expect(f.message.contains("“5”"))
        #expect(f.message.contains("延期答复"))
        #expect(f.message.contains("否"))
    }

    @Test func dateOutsideCalendar() throws {
        let f = try rejected("dateOutsideCalendar.csv", row: 3, code: "cell-date")
        #expect(f.message.contains("“收到日期”"))
        #expect(f.message.contains("2099-01-05"))
        #expect(f.message.contains("calendar/2099.lua"))
    }

    /// A misspelt known column is a warning (the row is still processed), not an error.
    @Test func misspeltHeader() throws {
        let file = E2E.fixture("misspeltHeader.csv")
        let r = E2E.run(["classify", file] + Self.asOf)
        #expect(r.status == 0)
        let warnings = r.stderrLines.filter { $0.hasPrefix("\(file):1: warning[") }
        #expect(warnings.count == 1, "stderr: \(r.stderr)")
        #expect(warnings.first?.contains("办结日其") == true)
        #expect(warnings.first?.contains("办结日期") == true, "names the known column it resembles")
        #expect(!r.stderr.contains("error["))
        let (header, rows) = CSVText.table(r.stdout)
        #expect(header.contains("办结日其"), "the column is passed through, not dropped")
        try #require(rows.count == 1)
        #expect(rows[0]["申请编号"] == "MH-1")
        #expect(rows[0]["办结日其"] == "2024-01-10")
        #expect(rows[0]["outcome"] == "disclosed")
    }

    @Test func unterminatedQuote() throws {
        let f = try rejected("unterminatedQuote.csv", row: 3, code: "csv-unterminated-quote")
        #expect(f.message.contains("引号"))
    }

    @Test func emptyFile() throws {
        let f = try rejected("emptyFile.csv", row: nil, code: "ledger-empty")
        #expect(f.message.contains("表头"))
    }

    /// A zip package named .csv is read by what it holds; this one has no workbook part.
    @Test func xlsxPassedAsCSV() throws {
        let f = try rejected("xlsxPassedAsCSV.csv", row: nil, code: "xlsx-not-workbook")
        #expect(f.message.contains(".xlsx"))
        #expect(f.message.contains("CSV"))
    }

    /// What Excel/WPS write on a Chinese Windows machine: GB18030, CRLF, Chinese dates.
    @Test func gb18030Ledger() throws {
        let file = E2E.fixture("gb18030Ledger.csv")
        let r = E2E.run(["classify", file] + Self.asOf)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stderr == "")
        let (header, rows) = CSVText.table(r.stdout)
        #expect(header == ["申请编号", "收到日期", "申请人类型", "申请内容", "不予公开情形", "备注"] + resultColumns)
        try #require(rows.count == 2)
        #expect(rows[0]["申请内容"] == "县人民防空工程总体规划（含附图）")
        #expect(rows[0]["收到日期"] == "2024年4月15日")
        #expect(rows[0]["备注"] == "经定密机关确认属于秘密级")
        #expect(rows[0]["outcome"] == "withheld.state_secret")
        #expect(rows[0]["start"] == "2024-04-15")
        #expect(rows[1]["申请内容"] == "“城南”地块出让合同")
        #expect(rows[1]["outcome"] == "withheld.third_party")
        #expect(rows[1]["outcome_label"] == "保护第三方合法权益")
        #expect(rows[1]["start"] == "2024-04-22")
        #expect(!r.stdout.contains("\u{FFFD}"))
    }

    @Test func utf8WithBOM() throws {
        let file = E2E.fixture("utf8WithBOM.csv")
        let r = E2E.run(["classify", file] + Self.asOf)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stderr == "")
        #expect(r.stdout.hasPrefix("申请编号,"), "the BOM must not end up in the first header")
        let (_, rows) = CSVText.table(r.stdout)
        try #require(rows.count == 1)
        #expect(rows[0]["申请编号"] == "BM-1")
        #expect(rows[0]["申请人类型"] == "科研机构")
        #expect(rows[0]["outcome"] == "disclosed")
    }

    @Test func crlfLineEndings() throws {
        let file = E2E.fixture("crlfLineEndings.csv")
        let r = E2E.run(["classify", file] + Self.asOf)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stderr == "")
        let (header, rows) = CSVText.table(r.stdout)
        #expect(header == ["申请编号", "收到日期", "申请人类型", "申请内容", "备注"] + resultColumns)
        try #require(rows.count == 2)
        #expect(rows[0]["备注"] == "末列备注", "no stray carriage return in the last input column")
        #expect(rows[1]["备注"] == "末列")
        #expect(rows[1]["申请人类型"] == "商业企业")
        #expect(!r.stdout.contains("\r"))
    }

    /// Row 2 spans two physical lines; the bad row is the spreadsheet's row 4 (physical line 5).
    @Test func quotedNewline() throws {
        let f = try rejected("quotedNewline.csv", row: 4, code: "cell-enum")
        #expect(f.message.contains("“申请人类型”"))
        #expect(f.message.contains("个人"))

        // With --keep-going the multi-line cell (with its comma and quotes) survives the round trip.
        let r = E2E.run(["classify", E2E.fixture("quotedNewline.csv"), "--keep-going"] + Self.asOf)
        #expect(r.status == 3)
        let (_, rows) = CSVText.table(r.stdout)
        try #require(rows.count == 2)
        #expect(rows[0]["申请内容"] == "第一行\n第二行，含逗号,和\"引号\"")
        #expect(rows[1]["申请编号"] == "QN-2")
    }
}
