import Foundation
import Testing

/// An output that is one of the inputs is refused before anything is read, with a message
/// naming both; the clerk's ledger (or a rule file) keeps its bytes.
@Suite("EndToEnd output over input")
struct EndToEndOutputOverInputTests {
    /// A temp folder with the mini rules and a 3-row ledger; returns it and the ledger's bytes.
    static func setUp(_ prefix: String) throws -> (URL, Data) {
        let dir = E2E.makeTempDir(prefix: prefix)
        try FaultFixtures.rules(in: dir, snippet: "")
        let ledger = dir.appendingPathComponent("ledger.csv")
        try FaultFixtures.ledger(ledger, rows: 3)
        return (dir, try Data(contentsOf: ledger))
    }

    @Test func outputNamingTheLedgerIsRefused() throws {
        let (dir, before) = try Self.setUp("over-input")
        defer { try? FileManager.default.removeItem(at: dir) }

        let r = FaultRun.shell("\"$G\" classify ledger.csv --rules rules -o ledger.csv", in: dir)

        #expect(r.status == 1)
        #expect(r.stderr.contains("ledger.csv: error[output-is-input]: 输出文件“ledger.csv”就是台账“ledger.csv”，写出结果会覆盖它"), "\(r.stderr)")
        #expect(try Data(contentsOf: dir.appendingPathComponent("ledger.csv")) == before)
        #expect(FaultFixtures.temporaryFiles(in: dir).isEmpty)
    }

    @Test func outputThroughASymlinkToTheLedgerIsRefused() throws {
        let (dir, before) = try Self.setUp("over-input-link")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link.csv").path, withDestinationPath: "ledger.csv")

        let r = FaultRun.shell("\"$G\" classify ledger.csv --rules rules -o link.csv", in: dir)

        #expect(r.status == 1)
        #expect(r.stderr.contains("输出文件“link.csv”就是台账“ledger.csv”（“link.csv”是指向它的链接）"), "\(r.stderr)")
        #expect(try Data(contentsOf: dir.appendingPathComponent("ledger.csv")) == before)
    }

    @Test func outputThroughAHardLinkToTheLedgerIsRefused() throws {
        let (dir, before) = try Self.setUp("over-input-hard")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.linkItem(atPath: dir.appendingPathComponent("ledger.csv").path, toPath: dir.appendingPathComponent("same.csv").path)

        let r = FaultRun.shell("\"$G\" classify ledger.csv --rules rules -o same.csv", in: dir)

        #expect(r.status == 1)
        #expect(r.stderr.contains("输出文件“same.csv”就是台账“ledger.csv”（两个名字指向同一个文件）"), "\(r.stderr)")
        #expect(try Data(contentsOf: dir.appendingPathComponent("ledger.csv")) == before)
    }

    @Test func standardOutputAppendedToTheLedgerIsRefused() throws {
        let (dir, before) = try Self.setUp("over-input-append")
        defer { try? FileManager.default.removeItem(at: dir) }

        let r = FaultRun.shell("\"$G\" classify ledger.csv --rules rules >> ledger.csv", in: dir)

        #expect(r.status == 1)
        #expect(r.stderr.contains("error[output-is-input]: 标准输出被重定向到了台账“ledger.csv”"), "\(r.stderr)")
        #expect(try Data(contentsOf: dir.appendingPathComponent("ledger.csv")) == before)
    }

    @Test func outputNamingARuleFileIsRefused() throws {
        let (dir, _) = try Self.setUp("over-rules")
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = dir.appendingPathComponent("rules/policy.lua")
        let rulesBefore = try Data(contentsOf: policy)

        let r = FaultRun.shell("\"$G\" classify ledger.csv --rules rules -o rules/policy.lua", in: dir)

        #expect(r.status == 1)
        #expect(r.stderr.contains("输出文件“rules/policy.lua”就是规则文件“rules/policy.lua”"), "\(r.stderr)")
        #expect(try Data(contentsOf: policy) == rulesBefore)
    }

    @Test func aRejectsFileThatWouldReplaceTheLedgerIsRefused() throws {
        let (dir, _) = try Self.setUp("over-rejects")
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = dir.appendingPathComponent("out.csv.rejects.csv")
        try FaultFixtures.ledger(ledger, rows: 2)
        let before = try Data(contentsOf: ledger)

        let r = FaultRun.shell("\"$G\" classify out.csv.rejects.csv --rules rules -o out.csv --keep-going", in: dir)

        #expect(r.status == 1)
        #expect(r.stderr.contains("输出文件“out.csv.rejects.csv”就是台账“out.csv.rejects.csv”"), "\(r.stderr)")
        #expect(try Data(contentsOf: ledger) == before)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.csv").path))
    }

    @Test func dueOverItsLedgerIsRefused() throws {
        let (dir, before) = try Self.setUp("due-over-input")
        defer { try? FileManager.default.removeItem(at: dir) }

        for output in ["ledger.csv", "ledger.xlsx"] {
            if output == "ledger.xlsx" { try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent(output).path, withDestinationPath: "ledger.csv") }
            let r = FaultRun.shell("\"$G\" due ledger.csv --rules rules --as-of 2025-01-10 -o \(output)", in: dir)

            #expect(r.status == 1)
            #expect(r.stderr.contains("error[output-is-input]: 输出文件“\(output)”就是台账“ledger.csv”"), "\(r.stderr)")
            #expect(try Data(contentsOf: dir.appendingPathComponent("ledger.csv")) == before)
        }
    }

    @Test func reportOverItsLedgerIsRefused() throws {
        let dir = E2E.makeTempDir(prefix: "report-over-input")
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = dir.appendingPathComponent("requests.csv")
        try FileManager.default.copyItem(at: E2E.repoRoot.appendingPathComponent("examples/requests.csv"), to: ledger)
        let before = try Data(contentsOf: ledger)

        let r = E2E.run(["report", ledger.path, "--year", "2024", "--format", "md", "-o", ledger.path])

        #expect(r.status == 1)
        #expect(r.stderr.contains("error[output-is-input]: 输出文件“\(ledger.path)”就是台账“\(ledger.path)”"), "\(r.stderr)")
        #expect(try Data(contentsOf: ledger) == before)
    }
}
