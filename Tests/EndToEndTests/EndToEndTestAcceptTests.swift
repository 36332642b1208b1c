import Foundation
import Testing

/// `govrules test --accept` (issue 11, point 13): after an intended change (here a local time
/// limit of 15 working days instead of 20), the failing cases' expectation cells get the actual
/// results, every changed cell is printed, and nothing else in the file changes.
@Suite("EndToEnd test --accept")
struct EndToEndTestAcceptTests {
    /// A copy of the shipped rules whose tests/ holds only `fixture` (as tests/<fixture>), with
    /// the 2019 Regulation's 20 working days shortened to 15 when `shorter` is set.
    struct Workspace {
        let dir: URL
        let table: URL
        var rules: String { dir.appendingPathComponent("rules").path }

        init(fixture: String, shorter: Bool = true) throws {
            dir = try E2E.copyOfRules()
            let tests = dir.appendingPathComponent("rules/tests")
            for name in try FileManager.default.contentsOfDirectory(atPath: tests.path) {
                try FileManager.default.removeItem(at: tests.appendingPathComponent(name))
            }
            table = tests.appendingPathComponent(fixture)
            try FileManager.default.copyItem(at: E2E.repoRoot.appendingPathComponent(E2E.fixture(fixture)), to: table)
            if shorter {
                let deadline = dir.appendingPathComponent("rules/deadline.lua")
                let text = try String(contentsOf: deadline, encoding: .utf8)
                let changed = text.replacingOccurrences(of: "[2019] = { days = 20,", with: "[2019] = { days = 15,")
                try #require(changed != text, "deadline.lua no longer says [2019] = { days = 20,")
                try changed.write(to: deadline, atomically: true, encoding: .utf8)
            }
        }

        func remove() { try? FileManager.default.removeItem(at: dir) }
        func bytes() throws -> Data { try Data(contentsOf: table) }
        func expected(_ name: String) throws -> Data { try Data(contentsOf: E2E.repoRoot.appendingPathComponent(E2E.fixture(name))) }
    }

    @Test func testAcceptRewritesFailingExpectations() throws {
        let w = try Workspace(fixture: "testAcceptRewritesFailingExpectations.csv")
        defer { w.remove() }
        let r = E2E.run(["test", "--rules", w.rules, "--accept"])
        #expect(r.status == 0, "stdout: \(r.stdout)\nstderr: \(r.stderr)")
        let file = "\(w.rules)/tests/testAcceptRewritesFailingExpectations.csv"
        let block = try #require(r.stdout.components(separatedBy: "--accept：把实际结果写入失败用例的期望列\n").last)
        #expect(block == """
              \(file):2  expect_due：2024-12-02 → 2024-11-25
              \(file):2  expect_final_due：2024-12-02 → 2024-11-25
              \(file):3  expect_due：2024-12-03 → 2024-11-26
              \(file):3  expect_final_due：2024-12-03 → 2024-11-26
            已更新 4 个单元格（2 个用例），写入 \(file)。
            重新运行：3 passed, 0 failed

            """)
        // Byte for byte: the BOM, CRLF line endings, the quoted cell (still quoted), the other
        // rows and columns as they were; only the four cells differ.
        #expect(try w.bytes() == (try w.expected("testAcceptRewritesFailingExpectations.expected.csv")))
        #expect(E2E.listing(w.table.deletingLastPathComponent()) == ["testAcceptRewritesFailingExpectations.csv"])
        // And now the table passes as it is.
        let again = E2E.run(["test", "--rules", w.rules])
        #expect(again.status == 0 && again.stdout.hasSuffix("3 passed, 0 failed\n"), "\(again.stdout)")
    }

    /// A table saved by Excel on a Chinese Windows machine is GB18030: the new (Chinese) text is
    /// written in GB18030 too, and a column after the expectations is kept.
    @Test func testAcceptKeepsGB18030Encoding() throws {
        let w = try Workspace(fixture: "testAcceptKeepsGB18030Encoding.csv", shorter: false)
        defer { w.remove() }
        let r = E2E.run(["test", "--rules", w.rules, "--accept"])
        #expect(r.status == 0, "stdout: \(r.stdout)\nstderr: \(r.stderr)")
        #expect(r.stdout.contains("\(w.rules)/tests/testAcceptKeepsGB18030Encoding.csv:2  expect_warnings：无 → 补正告知晚于收到申请后7个工作日（第三十条）：收到 2024-03-04，告知 2024-03-20，相隔12个工作日\n"))
        #expect(try w.bytes() == (try w.expected("testAcceptKeepsGB18030Encoding.expected.csv")))
    }

    /// A case that errors has no result to accept: it is listed and left alone, the others are
    /// still accepted, and the run fails.
    @Test func testAcceptLeavesWhatItCannotAccept() throws {
        let w = try Workspace(fixture: "testAcceptLeavesWhatItCannotAccept.csv")
        defer { w.remove() }
        let before = try String(contentsOf: w.table, encoding: .utf8)
        let r = E2E.run(["test", "--rules", w.rules, "--accept"])
        #expect(r.status == 1, "\(r.stdout)")
        let file = "\(w.rules)/tests/testAcceptLeavesWhatItCannotAccept.csv"
        #expect(r.stdout.contains("  未接受 \(file):3  用例出错，没有可写入期望列的结果；请先改正用例或规则\n"), "\(r.stdout)")
        #expect(r.stdout.contains("  \(file):2  expect_due：2024-12-02 → 2024-11-25\n"))
        #expect(r.stdout.hasSuffix("重新运行：1 passed, 1 failed\n"), "\(r.stdout)")
        let after = try String(contentsOf: w.table, encoding: .utf8)
        #expect(after == before.replacingOccurrences(of: "2024-11-20,2024-12-02", with: "2024-11-20,2024-11-25"))
    }

    @Test func testWithoutAcceptChangesNothing() throws {
        let w = try Workspace(fixture: "testWithoutAcceptChangesNothing.csv")
        defer { w.remove() }
        let before = try w.bytes()
        let r = E2E.run(["test", "--rules", w.rules])
        #expect(r.status == 1)
        #expect(r.stdout.hasSuffix("1 passed, 2 failed\n"), "\(r.stdout)")
        #expect(!r.stdout.contains("--accept："))
        #expect(r.stderr.contains("可运行 govrules test --rules \(w.rules) --accept"), "\(r.stderr)")
        #expect(try w.bytes() == before)
        // No temporary file is left beside the table either.
        #expect(E2E.listing(w.table.deletingLastPathComponent()) == ["testWithoutAcceptChangesNothing.csv"])
    }

    @Test func testAcceptNeedsTextFormat() {
        let r = E2E.run(["test", "--accept", "--format", "junit"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--accept"))
    }
}
