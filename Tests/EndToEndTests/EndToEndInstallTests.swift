import Foundation
import Testing

/// The first hour of a new user (issue 11, point 1): `make install` into a folder on PATH, then
/// the installed command from another folder, through PATH or a symlink; a bare `govrules`; a
/// misspelt command; the clerk's commands' --help.
///
/// The install is `make install-files` of the debug binary these tests were built with (a
/// release build would take minutes), into a temporary prefix laid out as `make install` does.
@Suite("EndToEnd install")
struct EndToEndInstallTests {
    /// A temporary prefix with govrules installed, and an empty folder elsewhere to work in.
    struct Installed {
        let root: URL
        var prefix: URL { root.appendingPathComponent("prefix") }
        var bin: URL { prefix.appendingPathComponent("bin") }
        var share: URL { prefix.appendingPathComponent("share/govrules") }
        var work: URL { root.appendingPathComponent("work") }
        /// PATH with the installed bin first and no folder holding another govrules.
        var path: String { bin.path + ":/usr/local/bin:/usr/bin:/bin" }

        init() throws {
            root = E2E.makeTempDir(prefix: "install")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            let binary = try #require(E2E.binary).path
            let make = try Tool.run("make", ["-s", "install-files", "PREFIX=\(prefix.path)", "INSTALL_BIN=\(binary)"])
            try #require(make.status == 0, "make install-files failed: \(make.output)")
            // The trial is about December 2026 with no calendar for 2027: the installed copy is
            // this test's own, so it keeps that meaning after 2027.lua is added to rules/.
            let calendar = share.appendingPathComponent("rules/calendar")
            for name in try FileManager.default.contentsOfDirectory(atPath: calendar.path) {
                if let year = Int(name.replacingOccurrences(of: ".lua", with: "")), year > 2026 {
                    try FileManager.default.removeItem(at: calendar.appendingPathComponent(name))
                }
            }
        }

        /// Copies a fixture into the work folder under `name`.
        func place(_ fixture: String, as name: String) throws {
            try FileManager.default.copyItem(at: E2E.repoRoot.appendingPathComponent(E2E.fixture(fixture)),
                                             to: work.appendingPathComponent(name))
        }

        /// `govrules args…` as typed in a shell whose PATH holds the installed bin, in the work folder.
        func govrules(_ args: [String]) throws -> Tool.Output {
            try Tool.run("govrules", args, cwd: work, environment: ["PATH": path])
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    @Test func makeInstallLaysOutBinaryRulesAndReports() throws {
        let i = try Installed()
        defer { i.remove() }
        let fm = FileManager.default
        #expect(fm.isExecutableFile(atPath: i.bin.appendingPathComponent("govrules").path))
        #expect(fm.fileExists(atPath: i.share.appendingPathComponent("rules/policy.lua").path))
        #expect(fm.fileExists(atPath: i.share.appendingPathComponent("rules/tests/deadlines.csv").path))
        #expect(fm.fileExists(atPath: i.share.appendingPathComponent("reports/2021-30.json").path))
        // The default prefix needs no root.
        let makefile = try String(contentsOf: E2E.repoRoot.appendingPathComponent("Makefile"), encoding: .utf8)
        #expect(makefile.contains("PREFIX       ?= $(HOME)/.local"))
    }

    /// The new user's trial: from another folder, with the installed command on PATH, in
    /// December 2026 with no calendar file for 2027.
    @Test func newUserTrial() throws {
        let i = try Installed()
        defer { i.remove() }
        try i.place("newUserTrial.csv", as: "台账.csv")
        #expect(!FileManager.default.fileExists(atPath: i.work.appendingPathComponent("rules").path))

        let classified = try i.govrules(["classify", "台账.csv", "--as-of", "2026-12-07", "-o", "分类结果.csv", "--summary"])
        #expect(classified.status == 0, "\(classified.output)")
        let text = try String(contentsOf: i.work.appendingPathComponent("分类结果.csv"), encoding: .utf8)
        let (_, rows) = CSVText.table(text)
        #expect(rows.count == 4)
        let december = try #require(rows.first { $0["申请编号"] == "2026-104" })
        #expect(december["status"] == "no_calendar" && december["due"] == "" && december["final_due"] == "")
        #expect(december["outcome"] == "disclosed")
        let warnings = classified.stderr.split(separator: "\n").filter { $0.contains("warning[no-calendar]") }
        #expect(warnings.count == 1, "\(classified.stderr)")
        // It names the installed rules' calendar folder, where the file goes.
        #expect(warnings.first?.contains("\(i.share.path)/rules/calendar/2027.lua") == true)
        #expect(warnings.first?.contains("1 件申请的答复期限跨入 2027 年") == true)
        #expect(classified.stderr.contains("分类完成：共 4 件申请"))

        let due = try i.govrules(["due", "台账.csv", "--as-of", "2026-12-07"])
        #expect(due.status == 0, "\(due.output)")
        #expect(due.stdout.hasPrefix("截至 2026-12-07，未办结的申请 3 件："))
        for id in ["2026-101", "2026-102", "2026-104"] { #expect(due.stdout.contains(id), "\(id)") }
        #expect(!due.stdout.contains("2026-103"))
        let line = try #require(due.stdout.split(separator: "\n").first { $0.contains("2026-104") })
        #expect(line.contains("2027-01-04 暂定") && line.contains("期限待定"), "\(line)")

        let report = try i.govrules(["report", "台账.csv", "--year", "2026", "--agency", "石桥镇人民政府", "-o", "2026年度报告.md"])
        #expect(report.status == 0, "\(report.output)")
        let md = try String(contentsOf: i.work.appendingPathComponent("2026年度报告.md"), encoding: .utf8)
        #expect(md.contains("石桥镇人民政府"))
        #expect(md.contains("政府信息公开工作年度报告"))
    }

    /// Through a symbolic link in another folder, the command still finds its installed rules.
    @Test func installedCommandRunsThroughSymlink() throws {
        let i = try Installed()
        defer { i.remove() }
        try i.place("installedCommandRunsThroughSymlink.csv", as: "ledger.csv")
        let link = i.work.appendingPathComponent("gr")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: i.bin.appendingPathComponent("govrules"))
        let out = try Tool.run("./gr", ["classify", "ledger.csv", "--as-of", "2026-12-07", "--format", "jsonl"], cwd: i.work,
                               environment: ["PATH": "/usr/bin:/bin"])
        #expect(out.status == 0, "\(out.output)")
        let row = try #require(JSONLines.parse(out.stdout).first ?? nil)
        #expect(row["final_due"] as? String == "2026-12-18")
        // `test` finds the installed rules' own test tables too.
        let tests = try Tool.run("./gr", ["test"], cwd: i.work, environment: ["PATH": "/usr/bin:/bin"])
        #expect(tests.status == 0, "\(tests.output)")
        #expect(tests.stdout.contains("\(i.share.path)/rules/tests/decisions.csv"))
    }

    @Test func bareGovrulesPrintsShortUsage() throws {
        let r = E2E.run([])
        #expect(r.status == 0)
        #expect(r.stderr.isEmpty)
        #expect(r.stdout.contains("用法 Usage: govrules <命令 command>"))
        for c in ["classify", "due", "explain", "report", "test", "check", "serve"] {
            #expect(r.stdout.contains("\n  \(c) "), "\(c)")
        }
        #expect(r.stdout.contains("逐件分类") && r.stdout.contains("open applications, soonest due first"))
        #expect(r.stdout.split(separator: "\n").count < 20, "short: \(r.stdout)")
        #expect(!r.stdout.contains("Error"))
    }

    struct Misspelt: CustomTestStringConvertible, Sendable {
        var typed: String
        var meant: String?
        var testDescription: String { typed }
    }

    @Test(arguments: [Misspelt(typed: "clasify", meant: "classify"), Misspelt(typed: "classfy", meant: "classify"),
                      Misspelt(typed: "explian", meant: "explain"), Misspelt(typed: "reprot", meant: "report"),
                      Misspelt(typed: "chekc", meant: "check"), Misspelt(typed: "class", meant: "classify"),
                      Misspelt(typed: "frobnicate", meant: nil)])
    func misspeltCommandSuggestsTheNearest(_ m: Misspelt) throws {
        let r = E2E.run([m.typed, "examples/requests.csv"])
        #expect(r.status == 64)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("govrules：没有“\(m.typed)”这个命令。"), "\(r.stderr)")
        if let meant = m.meant {
            #expect(r.stderr.contains("是不是要用 \(meant)？"), "\(r.stderr)")
            #expect(r.stderr.contains("Did you mean '\(meant)'?"), "\(r.stderr)")
        } else {
            #expect(!r.stderr.contains("是不是要用"), "\(r.stderr)")
            #expect(r.stderr.contains("classify、due、explain、letters、report、test、check、serve"))
        }
    }

    @Test(arguments: ["classify", "due", "explain", "report"])
    func clerkCommandHelpHasAChineseLine(_ command: String) throws {
        let r = E2E.run([command, "--help"])
        #expect(r.status == 0)
        let line = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("中文：") }, "\(r.stdout)")
        #expect(line.count > 10)
    }
}
