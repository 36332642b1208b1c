import Testing
@testable import GovRulesKit

/// Finding the header below title and blank rows, and 序号 never being 申请编号.
@Suite("LedgerIO header search")
struct LedgerIOHeaderSearchTests {
    static let columns = [
        ColumnSpec(key: "id", header: "申请编号", aliases: ["编号", "序号"], type: .text, required: true, values: []),
        ColumnSpec(key: "received", header: "收到日期", aliases: [], type: .date, required: true, values: []),
        ColumnSpec(key: "subject", header: "申请内容", aliases: [], type: .text, required: false, values: []),
    ]

    func locate(_ rows: [[String]]) throws -> HeaderRow? {
        var i = 0
        return try HeaderSearch.locate(file: "t.csv", columns: Self.columns) {
            guard i < rows.count else { return nil }
            i += 1
            return (i, rows[i - 1])
        }
    }

    @Test func headerOnTheFirstRowGivesNoWarning() throws {
        let h = try #require(try locate([["申请编号", "收到日期"], ["1", "2024-01-01"]]))
        #expect(h.row == 1)
        #expect(h.warning == nil)
    }

    @Test func titleAndBlankRowsAreSkippedWithAWarning() throws {
        let h = try #require(try locate([["石桥镇2024年政府信息公开申请登记台账", ""], ["", ""], ["序号", "申请编号", "收到日期"]]))
        #expect(h.row == 3)
        #expect(h.cells == ["序号", "申请编号", "收到日期"])
        let w = try #require(h.warning)
        #expect(w.severity == .warning)
        #expect(w.code == "header-row")
        #expect(w.line == 3)
        #expect(w.message.contains("以第3行为表头"))
        #expect(w.message.contains("第1—2行"))
        #expect(w.message.contains("石桥镇2024年政府信息公开申请登记台账"))
    }

    @Test func onlyBlankRowsAboveAreCalledBlank() throws {
        let h = try #require(try locate([[""], ["申请编号", "收到日期"]]))
        #expect(h.row == 2)
        #expect(h.warning?.message.contains("第1行是空行") == true)
    }

    /// A row naming some columns but not every required one is not the header; when no row
    /// names them all, the closest row is returned, so that its missing columns are listed.
    @Test func withoutACompleteHeaderTheClosestRowIsReturned() throws {
        let h = try #require(try locate([["台账"], ["申请编号", "申请内容"], ["1", "x"]]))
        #expect(h.row == 2)
        #expect(h.warning == nil)
        #expect(throws: DiagnosticList.self) { try HeaderMap(h, file: "t.csv", columns: Self.columns) }
    }

    @Test func theHeaderMustBeWithinTheFirstTenRows() throws {
        let rows = (1...10).map { ["标题\($0)"] } + [["申请编号", "收到日期"]]
        let h = try #require(try locate(rows))
        #expect(h.row == 1, "row 11 is not searched; the first row stands in so its missing columns are named")
    }

    @Test func tenBlankRowsHaveNoHeader() throws {
        let rows = [[String]](repeating: [""], count: 11) + [["申请编号", "收到日期"]]
        #expect(throws: Diagnostic.self) { _ = try locate(rows) }
        #expect(try locate([]) == nil)
    }

    /// Even a rules folder that still lists 序号 as an alias of id does not take it as 申请编号.
    @Test func runningNumberIsNeverTheApplicationNumber() throws {
        let map = try HeaderMap(header: ["序号", "申请编号", "收到日期"], file: "t.csv", columns: Self.columns)
        #expect(map.columnOfField[0] == nil)
        #expect(map.columnOfField[1] == 0)
        let error = #expect(throws: DiagnosticList.self) {
            try HeaderMap(header: ["序号", "收到日期"], file: "t.csv", columns: Self.columns, headerRow: 2)
        }
        let d = try #require(error?.diagnostics.first { $0.code == "header-missing" })
        #expect(d.line == 2)
        #expect(d.message.contains("“序号”是行的顺序号，不是申请编号"))
    }
}
