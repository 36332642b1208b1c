import Foundation
import Testing
@testable import GovRulesKit

/// `--jobs N` must not change a single byte of the output, on a ledger large enough to be split
/// into many chunks (ParallelRun uses chunks of 1,024 rows).
@Suite("Parallel classification")
struct ParallelRunTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The example ledger repeated with fresh ids, through the project's own reader and writer.
    static func largeLedger(copies: Int) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("govrules-large-\(UUID().uuidString).csv")
        let sink = try AtomicFileSink(path: url.path)
        let writer = CSVWriter(sink: sink)
        let reader = try CSVReader(path: repoRoot.appendingPathComponent("examples/requests.csv").path)
        let header = try #require(try reader.next()).strings
        try writer.writeRecord(header)
        var rows: [[String]] = []
        while let r = try reader.next() { if !r.isBlank { rows.append(r.strings) } }
        let idIndex = try #require(header.firstIndex(of: "申请编号"))
        for copy in 0..<copies {
            for var row in rows {
                row[idIndex] = "C\(copy)-" + row[idIndex]
                try writer.writeRecord(row)
            }
        }
        try writer.commit()
        return url
    }

    func classify(_ ledger: URL, jobs: Int, format: ClassifyOptions.Format) throws -> (CommandOutcome, Data) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("govrules-par-\(UUID().uuidString).out")
        var o = ClassifyOptions(ledgers: [ledger.path], asOf: Day(year: 2025, month: 1, day: 10)!)
        o.rules = Self.repoRoot.appendingPathComponent("rules").path
        o.output = out.path
        o.jobs = jobs
        o.format = format
        let outcome = ClassifyCommand.run(o)
        defer { try? FileManager.default.removeItem(at: out) }
        return (outcome, (try? Data(contentsOf: out)) ?? Data())
    }

    @Test(arguments: [ClassifyOptions.Format.csv, .jsonl])
    func jobsTwoAndThreeGiveTheSameBytesAsJobsOne(format: ClassifyOptions.Format) throws {
        let ledger = try Self.largeLedger(copies: 110)   // 58 × 110 = 6,380 rows: seven chunks
        defer { try? FileManager.default.removeItem(at: ledger) }
        let (one, bytesOne) = try classify(ledger, jobs: 1, format: format)
        #expect(one.status == 0, "\(one.diagnostics.prefix(3))")
        let lines = bytesOne.split(separator: UInt8(ascii: "\n")).count
        #expect(lines == 6_380 + (format == .csv ? 1 : 0))
        for jobs in [2, 3] {
            let (outcome, bytes) = try classify(ledger, jobs: jobs, format: format)
            #expect(outcome.status == 0)
            #expect(bytes == bytesOne, "--jobs \(jobs) output differs from --jobs 1")
            #expect(outcome.diagnostics.map(\.description) == one.diagnostics.map(\.description),
                    "diagnostics must come in input order too")
        }
    }

    @Test func aBadRowFarIntoTheLedgerStopsAllOutputWithAnyNumberOfJobs() throws {
        let ledger = try Self.largeLedger(copies: 40)
        defer { try? FileManager.default.removeItem(at: ledger) }
        // Corrupt one row near the end: an impossible date.
        var text = try String(contentsOf: ledger, encoding: .utf8)
        let target = "C39-2024-050,"
        let range = try #require(text.range(of: target))
        let lineEnd = text[range.upperBound...].firstIndex(of: ",")!
        text.replaceSubrange(range.upperBound..<lineEnd, with: "2024-02-30")
        try text.write(to: ledger, atomically: true, encoding: .utf8)
        for jobs in [1, 2] {
            let (outcome, bytes) = try classify(ledger, jobs: jobs, format: .csv)
            #expect(outcome.status == 1)
            #expect(bytes.isEmpty, "nothing may be written when a row is invalid")
            let errors = outcome.diagnostics.filter { $0.severity == .error }
            #expect(errors.count == 1)
            #expect(errors.first?.code == "cell-date")
            #expect(errors.first?.message.contains("2024-02-30") == true)
        }
    }

    @Test func duplicateIdsAcrossChunksAreFoundWithAnyNumberOfJobs() throws {
        let ledger = try Self.largeLedger(copies: 30)
        defer { try? FileManager.default.removeItem(at: ledger) }
        var text = try String(contentsOf: ledger, encoding: .utf8)
        // Give a row in the last copy the id of a row in the first copy.
        text = text.replacingOccurrences(of: "C29-2024-010,", with: "C0-2024-010,")
        try text.write(to: ledger, atomically: true, encoding: .utf8)
        for jobs in [1, 2] {
            let (outcome, _) = try classify(ledger, jobs: jobs, format: .csv)
            let dup = outcome.diagnostics.filter { $0.code == "id-duplicate" }
            #expect(dup.count == 1, "jobs \(jobs): \(dup)")
            #expect(dup.first?.message.contains("C0-2024-010") == true)
        }
    }
}
