import Foundation
import Testing

/// Ledger values as offices write them (issue 11, points 7 and 8). One fixture per case, named
/// after its test.
@Suite("EndToEnd ledger values")
struct EndToEndLedgerValueTests {
    static let asOf = ["--as-of", "2024-12-31"]

    /// 延期工作日数 = 0 adds no day: with 延期答复 = 是 a warning, with 否 or empty nothing at all;
    /// no row is rejected. 2024-03-04 + 20 working days = 2024-04-01.
    @Test func zeroExtensionDays() throws {
        let path = E2E.fixture("zeroExtensionDays.csv")
        let r = E2E.run(["classify", path] + Self.asOf)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let (_, rows) = CSVText.table(r.stdout)
        #expect(rows.map { $0["申请编号"] } == ["ZE-1", "ZE-2", "ZE-3", "ZE-4"])
        for row in rows.prefix(3) {
            #expect(row["due"] == "2024-04-01")
            #expect(row["final_due"] == "2024-04-01", "no extension: \(row)")
        }
        #expect(rows[3]["final_due"] == "2024-04-29", "是 with no days still extends by the maximum (20)")
        let w = try #require(r.stderrLines.first { $0.hasPrefix("\(path):2: warning[row-warning]: ") }, "\(r.stderr)")
        #expect(w.contains("延期答复为“是”但延期工作日数为0"))
        #expect(rows[0]["warnings"]?.contains("延期工作日数为0") == true)
        #expect(!r.stderr.contains("\(path):3:") && !r.stderr.contains("\(path):4:"), "否 or empty with 0 is simply no extension")
        #expect(!r.stderr.contains("error["))
    }

    /// A recorded 办理结果 copied with its group label from a report's merged row header.
    @Test func decisionWithGroupLabel() throws {
        let path = E2E.fixture("decisionWithGroupLabel.csv")
        let r = E2E.run(["classify", path] + Self.asOf)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let (_, rows) = CSVText.table(r.stdout)
        #expect(rows.map { $0["recorded"] } == ["withheld.security_stability", "withheld.third_party", "other.no_fee"])
        #expect(rows.map { $0["outcome"] } == rows.map { $0["recorded"] }, "the rules agree: no mismatch")
        #expect(!r.stderr.contains("不一致"), "\(r.stderr)")
    }

    /// An item under another group's label, or a group label alone that is no row, stays the
    /// clear error listing what is allowed.
    @Test func decisionGroupLabelMismatch() throws {
        let path = E2E.fixture("decisionGroupLabelMismatch.csv")
        let r = E2E.run(["classify", path] + Self.asOf)
        #expect(r.status == 1)
        #expect(r.stdout == "")
        let e = try #require(r.stderrLines.first { $0.hasPrefix("\(path):3: error[cell-decision]: ") }, "\(r.stderr)")
        #expect(e.contains("列“办理结果”的值“不予公开：本机关不掌握相关政府信息”不是已知的办理结果"))
        #expect(e.contains("允许："))
        #expect(!r.stderr.contains("\(path):2: error"), "（一）予以公开 is a row of its own")
    }
}
