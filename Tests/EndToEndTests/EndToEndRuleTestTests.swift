import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// `govrules test`: the rule test tables kept in the rules folder.
@Suite("EndToEnd test command")
struct EndToEndRuleTestTests {
    static func summary(_ stdout: String) -> (passed: Int, failed: Int)? {
        guard let last = stdout.split(separator: "\n").last else { return nil }
        let parts = last.split(separator: " ")
        guard parts.count == 4, parts[1] == "passed,", parts[3] == "failed",
              let p = Int(parts[0]), let f = Int(parts[2]) else { return nil }
        return (p, f)
    }

    @Test func shippedTablesPass() throws {
        let r = E2E.run(["test"])
        #expect(r.status == 0, "stdout:\n\(r.stdout)\nstderr:\n\(r.stderr)")
        let s = try #require(Self.summary(r.stdout), "last line must be `N passed, 0 failed`: \(r.stdout.suffix(200))")
        #expect(s.failed == 0)
        #expect(s.passed > 0)
        let passLines = r.stdout.split(separator: "\n").filter { $0.hasPrefix("PASS") }
        #expect(passLines.count == s.passed)
        #expect(!r.stdout.contains("FAIL"))
    }

    /// Changes one expect_outcome in the copy's decisions.csv; returns (row, expected, actual).
    static func breakOneExpectation(in dir: URL) throws -> (row: Int, wrong: String, actual: String) {
        let url = dir.appendingPathComponent("rules/tests/decisions.csv")
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        let header = lines[0].components(separatedBy: ",")
        let col = try #require(header.firstIndex(of: "expect_outcome"))
        // First data line whose expectation is filled, with no quoted cells on or before it
        // (so the line number is the spreadsheet row).
        for i in 1..<lines.count {
            if lines[i].contains("\"") { break }
            var cells = lines[i].components(separatedBy: ",")
            guard cells.count > col, !cells[col].isEmpty else { continue }
            let actual = cells[col]
            let wrong = actual == "withheld.state_secret" ? "partial" : "withheld.state_secret"
            cells[col] = wrong
            lines[i] = cells.joined(separator: ",")
            try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
            return (i + 1, wrong, actual)
        }
        throw SetupError(description: "no data row of decisions.csv has an expect_outcome to break")
    }

    struct SetupError: Error, CustomStringConvertible { var description: String }

    @Test func wrongExpectationFailsWithRowDiffAndRerunCommand() throws {
        let dir = try E2E.copyOfRules()
        defer { try? FileManager.default.removeItem(at: dir) }
        let broken = try Self.breakOneExpectation(in: dir)
        let where_ = "rules/tests/decisions.csv:\(broken.row)"

        // The policy officer works in the copied folder: ./rules is the copy.
        let r = E2E.run(["test"], cwd: dir)
        #expect(r.status == 1, "stdout:\n\(r.stdout)\nstderr:\n\(r.stderr)")
        let s = try #require(Self.summary(r.stdout))
        #expect(s.failed == 1)
        let lines = r.stdout.components(separatedBy: "\n")
        let failIndex = try #require(lines.firstIndex { $0.hasPrefix("FAIL") }, "no FAIL line:\n\(r.stdout)")
        #expect(lines[failIndex].contains(where_))
        #expect(lines.filter { $0.hasPrefix("FAIL") }.count == 1)
        let detail = lines[failIndex...].prefix(6)
        #expect(detail.contains { $0.trimmingCharacters(in: .whitespaces) == "outcome：期望 \(broken.wrong)，实际 \(broken.actual)" },
                "\(detail)")
        let rerunLine = try #require(detail.first { $0.contains("govrules test") }, "no re-run command: \(detail)")
        let command = String(rerunLine[rerunLine.range(of: "govrules test")!.lowerBound...])
            .trimmingCharacters(in: .whitespaces)
        #expect(command.contains(where_))

        // Run the printed command (govrules → the built binary), from the same folder.
        let args = command.split(separator: " ").map(String.init)
        try #require(args.first == "govrules")
        let rerun = E2E.run(Array(args.dropFirst()), cwd: dir)
        #expect(rerun.status == 1)
        let rerunSummary = try #require(Self.summary(rerun.stdout), "\(rerun.stdout)\n\(rerun.stderr)")
        #expect(rerunSummary.passed == 0)
        #expect(rerunSummary.failed == 1)
        let rerunCases = rerun.stdout.split(separator: "\n").filter { $0.hasPrefix("PASS") || $0.hasPrefix("FAIL") }
        #expect(rerunCases.count == 1)
        #expect(rerunCases.first?.contains(where_) == true)
    }

    @Test func unknownExpectationColumnIsAnError() throws {
        let dir = try E2E.copyOfRules()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("rules/tests/decisions.csv")
        var text = try String(contentsOf: url, encoding: .utf8)
        let header = try #require(text.range(of: "expect_outcome,"))
        text.replaceSubrange(header, with: "expect_outcom,")
        try text.write(to: url, atomically: true, encoding: .utf8)

        let r = E2E.run(["test"], cwd: dir)
        #expect(r.status == 1)
        let errors = r.stderrLines.filter { $0.hasPrefix("rules/tests/decisions.csv:1: error[") }
        #expect(errors.count == 1, "stderr:\n\(r.stderr)")
        #expect(errors.first?.contains("“expect_outcom”") == true)
        #expect(errors.first?.contains("expect_outcome") == true, "suggests the known expectation columns")
    }

    @Test func junitIsWellFormedXML() throws {
        let r = E2E.run(["test", "--format", "junit"])
        #expect(r.status == 0)
        let counter = JUnitCounter()
        let parser = XMLParser(data: r.stdoutData)
        parser.delegate = counter
        #expect(parser.parse(), "not well-formed: \(String(describing: parser.parserError))")
        #expect(counter.suites == 1)
        #expect(counter.testcases > 0)
        #expect(counter.failures == 0)
        #expect(counter.declaredTests == counter.testcases)
        let text = E2E.run(["test"])
        #expect(Self.summary(text.stdout)?.passed == counter.testcases)

        // A failing case appears as <failure> and the document stays well-formed.
        let dir = try E2E.copyOfRules()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Self.breakOneExpectation(in: dir)
        let failing = E2E.run(["test", "--format", "junit"], cwd: dir)
        #expect(failing.status == 1)
        let c2 = JUnitCounter()
        let p2 = XMLParser(data: failing.stdoutData)
        p2.delegate = c2
        #expect(p2.parse())
        #expect(c2.failures == 1)
    }
}

final class JUnitCounter: NSObject, XMLParserDelegate {
    var suites = 0
    var testcases = 0
    var failures = 0
    var declaredTests: Int?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        switch elementName {
        case "testsuite":
            suites += 1
            declaredTests = attributeDict["tests"].flatMap(Int.init)
        case "testcase": testcases += 1
        case "failure", "error": failures += 1
        default: break
        }
    }
}
