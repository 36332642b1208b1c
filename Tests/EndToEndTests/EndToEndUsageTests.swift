import Foundation
import GovRulesKit
import Testing

/// Flags: usage errors exit 64 (cli.md), help and version.
@Suite("EndToEnd usage")
struct EndToEndUsageTests {
    struct BadFlags: CustomTestStringConvertible, Sendable {
        var args: [String]
        /// Something the error message must mention.
        var mentions: String
        var testDescription: String { args.joined(separator: " ") }
    }

    static let badFlags: [BadFlags] = [
        BadFlags(args: ["classify", "examples/requests.csv", "--no-such-flag"], mentions: "--no-such-flag"),
        BadFlags(args: ["classify", "examples/requests.csv", "--format", "xml"], mentions: "xml"),
        BadFlags(args: ["classify", "examples/requests.csv", "--as-of", "2021-02-29"], mentions: "2021-02-29"),
        BadFlags(args: ["classify", "examples/requests.csv", "--headers", "fr"], mentions: "--headers"),
        BadFlags(args: ["classify"], mentions: "ledger"),
        BadFlags(args: ["due"], mentions: "ledger"),
        BadFlags(args: ["due", "examples/requests.csv", "--as-of", "2021-02-29"], mentions: "2021-02-29"),
        BadFlags(args: ["due", "examples/requests.csv", "--format", "xml"], mentions: "xml"),
        BadFlags(args: ["due", "examples/requests.csv", "--within", "soon"], mentions: "soon"),
        BadFlags(args: ["test", "--format", "xml"], mentions: "xml"),
        BadFlags(args: ["report", "examples/requests.csv", "--year", "2024", "--format", "pdf"], mentions: "pdf"),
        BadFlags(args: ["report", "examples/requests.csv", "--year", "2024", "-o", "report-2024.pdf"], mentions: "report-2024.pdf"),
        BadFlags(args: ["report", "--year", "2024"], mentions: "ledger"),
        BadFlags(args: ["no-such-command"], mentions: "no-such-command"),
    ]

    @Test(arguments: badFlags)
    func usageErrorExits64(_ c: BadFlags) {
        let r = E2E.run(c.args)
        #expect(r.status == 64, "stderr: \(r.stderr)")
        #expect(r.stdout == "")
        #expect(r.stderr.contains(c.mentions), "stderr should mention \(c.mentions): \(r.stderr)")
    }

    static let helpFlags: [(String, [String])] = [
        ("classify", ["--rules", "--as-of", "--format", "-o", "--output", "--keep-going", "--headers", "--bom", "--summary"]),
        ("due", ["--rules", "--as-of", "--within", "--format"]),
        ("test", ["--rules", "--case", "--format"]),
        ("report", ["--year", "--appeals", "--proactive", "--narrative", "--agency", "--previous", "--format",
                    "-o", "--rules", "--reports", "--show-provenance", "--narrative-skeleton"]),
        ("check", ["--rules", "--reports"]),
    ]

    @Test(arguments: helpFlags)
    func helpMentionsEveryFlag(_ command: String, _ flags: [String]) {
        let r = E2E.run([command, "--help"])
        #expect(r.status == 0)
        let help = r.stdout + r.stderr
        for flag in flags {
            // As a whole word: "--format" must not be satisfied by "--format-spec".
            let found = help.components(separatedBy: CharacterSet(charactersIn: " ,[]<>\n\t=")).contains(flag)
            #expect(found, "`govrules \(command) --help` does not mention \(flag)")
        }
    }

    @Test func topLevelHelpListsTheCommands() {
        let r = E2E.run(["--help"])
        #expect(r.status == 0)
        for c in ["classify", "due", "test"] { #expect(r.stdout.contains(c)) }
    }

    @Test func versionPrintsTheVersion() {
        let r = E2E.run(["--version"])
        #expect(r.status == 0)
        #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == GovRulesVersion.string)
        #expect(r.stdout.range(of: #"^\d+\.\d+\.\d+"#, options: .regularExpression) != nil)
    }
}
