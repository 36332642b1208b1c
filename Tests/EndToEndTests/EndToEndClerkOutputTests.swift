import Foundation
import Testing

/// Output a clerk can read (issue 11, point 9): closed and open applications apart in the
/// summary, an open application's decision called provisional, `--headers zh` in Chinese
/// throughout, and the English default unchanged.
@Suite("EndToEnd clerk output")
struct EndToEndClerkOutputTests {
    static let asOf = ["--as-of", "2025-01-10"]

    @Test func summaryCountsClosedAndOpenApart() throws {
        let dir = E2E.makeTempDir(prefix: "summary")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.csv").path
        let r = E2E.run(["classify", E2E.fixture("summaryCountsClosedAndOpenApart.csv"), "--summary", "-o", out] + Self.asOf)
        #expect(r.status == 0, "\(r.stderr)")
        let expected = """
        分类完成：共 5 件申请（已办结 3 件，未办结 2 件）。

        已办结的申请，按办理结论：
          予以公开                  2
          本机关不掌握相关政府信息  1

        未办结的申请（尚未答复；以下是按台账现有内容的暂定结论，不是已作出的决定）：
          予以公开                  1
          本机关不掌握相关政府信息  1

        按答复期限：
          按期办结（on_time）  3
          办理中（pending）  2

        结果已写入 \(out)

        """
        #expect(r.stderr == expected)
    }

    @Test func explainOpenApplicationIsProvisional() throws {
        let file = E2E.fixture("explainOpenApplicationIsProvisional.csv")
        let open = E2E.run(["explain", file, "--id", "K-4"] + Self.asOf)
        #expect(open.status == 0, "\(open.stderr)")
        let decision = try #require(open.stdout.components(separatedBy: "二、决定步骤").first)
        #expect(decision.contains("暂定：这件申请尚未办结（台账未填写办结日期）。以上是按台账现有内容得出的暂定结论，不是已作出的决定"))
        let closed = E2E.run(["explain", file, "--id", "K-1"] + Self.asOf)
        #expect(closed.status == 0)
        #expect(!closed.stdout.contains("暂定"))

        for (id, provisional) in [("K-4", true), ("K-1", false)] {
            let json = E2E.run(["explain", file, "--id", id, "--format", "json"] + Self.asOf)
            let obj = try #require(try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any])
            #expect(obj["provisional"] as? Bool == provisional, "\(id)")
        }
    }

    @Test func headersZhWritesStatusAndStepInChinese() throws {
        let r = E2E.run(["classify", E2E.fixture("headersZhWritesStatusAndStepInChinese.csv"), "--headers", "zh"] + Self.asOf)
        #expect(r.status == 0, "\(r.stderr)")
        let (header, rows) = CSVText.table(r.stdout)
        #expect(header.suffix(11) == ["结论", "结论（报告行）", "依据", "记录的办理结果", "适用条例", "起算日", "法定答复期限",
                                      "最终答复期限", "期限状态", "提示", "决定步骤"])
        #expect(rows.map { $0["期限状态"] ?? "" } == ["按期办结", "按期办结", "按期办结", "办理中", "办理中"])
        #expect(rows.map { $0["决定步骤"] ?? "" } == ["予以公开", "本机关不掌握：信息不存在或非本机关负责", "予以公开", "予以公开",
                                                 "本机关不掌握：信息不存在或非本机关负责"])
        #expect(rows.map { $0["结论（报告行）"] ?? "" }.first == "予以公开")
    }

    /// The default (English headers) is byte for byte what it was before --headers zh learnt
    /// Chinese statuses: keys and step ids, as cli.md specifies.
    @Test func defaultOutputKeepsKeys() throws {
        let r = E2E.run(["classify", E2E.fixture("defaultOutputKeepsKeys.csv")] + Self.asOf)
        #expect(r.status == 0, "\(r.stderr)")
        let expected = try Data(contentsOf: E2E.repoRoot.appendingPathComponent(E2E.fixture("defaultOutputKeepsKeys.expected.csv")))
        #expect(r.stdoutData == expected, "\(r.stdout)")
        let (_, rows) = CSVText.table(r.stdout)
        #expect(rows.map { $0["status"] ?? "" } == ["on_time", "on_time", "on_time", "pending", "pending"])
        #expect(rows.map { $0["step"] ?? "" } == ["disclose", "holder", "disclose", "disclose", "holder"])
    }
}
