import Foundation
import Testing
@testable import GovRulesKit

/// Paths and small helpers shared by the Report… suites. Fixtures are found through #filePath (the
/// source tree), so that recording golden files writes to the repository, not to a bundled copy.
enum ReportFixtures {
    static let testsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()        // Tests/GovRulesKitTests/Report
    static let root = testsDir.deletingLastPathComponent().appendingPathComponent("Fixtures/report")
    static let reportsDir = testsDir.deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("reports").path

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    /// The outcome keys of decisions.md §1 (the default policy).
    static let outcomeKeys = [
        "disclosed", "partial",
        "withheld.state_secret", "withheld.prohibited_by_law", "withheld.security_stability", "withheld.third_party",
        "withheld.internal_affairs", "withheld.process_info", "withheld.enforcement_file", "withheld.query_matter",
        "unavailable.not_held", "unavailable.needs_creation", "unavailable.unclear",
        "not_processed.petition", "not_processed.repeat", "not_processed.publication", "not_processed.excessive",
        "not_processed.confirmation",
        "other.no_correction", "other.no_fee", "other.other",
    ]

    static func format(_ name: String) throws -> ReportFormat {
        try ReportFormat.load(path: reportsDir + "/\(name).json", validOutcomeKeys: outcomeKeys)
    }

    /// A tiny CSV reader for the fixtures (no quoting: fixture cells contain no commas).
    /// Returns (line number, cells by header) for each data row.
    static func csv(_ relative: String) throws -> [(line: Int, cells: [String: String])] {
        let lines = try text(relative).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var rows: [(Int, [String: String])] = []
        for (i, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            rows.append((i + 1, Dictionary(uniqueKeysWithValues: zip(header, cells))))
        }
        return rows
    }

    static func applications(_ relative: String) throws -> [ReportApplication] {
        try csv(relative).map { row in
            let c = row.cells
            return ReportApplication(applicantType: Int(c["applicant_type"]!)!, received: Day(iso: c["received"]!)!,
                                     replied: c["replied"].flatMap { Day(iso: $0) }, outcome: c["outcome"]!)
        }
    }

    static func appeals(_ relative: String) throws -> [AppealCase] {
        try csv(relative).map { row in
            let c = row.cells
            return AppealCase(kind: AppealCase.Kind(rawValue: c["kind"]!)!, route: c["route"].flatMap { AppealCase.Route(rawValue: $0) },
                              filed: Day(iso: c["filed"]!)!, result: c["result"].flatMap { AppealCase.Result(rawValue: $0) },
                              concluded: c["concluded"].flatMap { Day(iso: $0) }, id: "A\(row.line)",
                              file: relative, line: row.line)
        }
    }

    static func proactive(_ relative: String) throws -> [ProactiveCell] {
        try csv(relative).map { row in
            ProactiveCell(item: row.cells["item"]!, row: row.cells["row"]!, column: row.cells["column"]!,
                          value: row.cells["value"]!, file: relative, line: row.line)
        }
    }

    static func counter(year: Int, _ applications: [ReportApplication]) -> ApplicationCounter {
        var counter = ApplicationCounter(year: year)
        counter.add(contentsOf: applications)
        return counter
    }

    static let provenance = ReportProvenance(
        rulesSHA256: SHA256.hex(SHA256.hash(Array("rules".utf8))),
        inputs: [ReportProvenance.Input(path: "ledger.csv", sha256: SHA256.hex(SHA256.hash(Array("ledger".utf8))))],
        generatedBy: "govrules 0.0.0-test")

    /// The request every golden test uses: the multi-year sample ledger counted for `year`.
    static func goldenRequest(format: ReportFormat, year: Int, previous: PreviousReport? = nil) throws -> ReportRequest {
        ReportRequest(
            year: year, agency: "示例县人民政府办公室", format: format,
            counter: counter(year: year, try applications("golden/applications.csv")),
            appeals: try appeals("golden/appeals.csv"),
            proactive: try proactive("golden/proactive-\(format.name).csv"),
            narrative: Narrative.parse(try text("golden/narrative.md"), file: "golden/narrative.md"),
            previous: previous, provenance: provenance)
    }

    /// Compares `actual` with a golden file; with GOVRULES_RECORD=1 writes it and fails, so that a
    /// recording run can never pass by accident.
    static func assertGolden(_ actual: String, _ relative: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = root.appendingPathComponent(relative)
        if ProcessInfo.processInfo.environment["GOVRULES_RECORD"] == "1" {
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            do {
                try actual.write(to: url, atomically: true, encoding: .utf8)
                Issue.record("Recorded golden file \(url.path); run again without GOVRULES_RECORD to check it.",
                             sourceLocation: sourceLocation)
            } catch {
                Issue.record("Could not record \(url.path): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("Missing golden file \(url.path); record it with GOVRULES_RECORD=1.", sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let i = (0..<min(a.count, e.count)).first { a[$0] != e[$0] } ?? min(a.count, e.count)
            Issue.record("""
                \(relative) differs from the rendered output at line \(i + 1):
                  expected: \(i < e.count ? String(e[i]) : "<end of file>")
                  actual:   \(i < a.count ? String(a[i]) : "<end of output>")
                Re-record with GOVRULES_RECORD=1 if the change is intended.
                """, sourceLocation: sourceLocation)
        }
    }
}

/// The diagnostics of a thrown error (a `DiagnosticList` or a single `Diagnostic`).
func reportDiagnostics(_ body: () throws -> Void) -> [Diagnostic] {
    do {
        try body()
        return []
    } catch let list as DiagnosticList {
        return list.diagnostics
    } catch let d as Diagnostic {
        return [d]
    } catch {
        return [Diagnostic(code: "unexpected", "\(error)")]
    }
}
