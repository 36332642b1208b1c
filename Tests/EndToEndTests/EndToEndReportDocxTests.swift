import Foundation
import Testing
import ZIPFoundation

/// `report --format docx` from the built binary, and the .docx as LibreOffice prints it: the make
/// demo inputs, converted to PDF once (soffice), checked for A4, the page count, page numbers and
/// every figure of table 三. The typeface names are mapped to the distribution's CJK fonts with
/// Tests/data/docx-fonts.conf (FONTCONFIG_FILE); no font is shipped.
@Suite("EndToEnd report docx", .serialized)
struct EndToEndReportDocxTests {
    static let demo = ["report", "examples/requests.csv", "--year", "2024", "--agency", "云溪县人民政府办公室",
                       "--appeals", "examples/appeals.csv", "--proactive", "examples/proactive-2024.csv",
                       "--narrative", "examples/narrative-2024.md"]

    static func parts(_ data: Data) throws -> [String: Data] {
        let archive = try Archive(data: data, accessMode: .read)
        var out: [String: Data] = [:]
        for entry in archive {
            var bytes = Data()
            _ = try archive.extract(entry, consumer: { bytes.append($0) })
            out[entry.path] = bytes
        }
        return out
    }

    @Test func formatFromTheFileNameAndByteIdenticalRuns() throws {
        let dir = E2E.makeTempDir(prefix: "docx")
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.docx"), b = dir.appendingPathComponent("b.docx")
        let first = E2E.run(Self.demo + ["-o", a.path])
        let second = E2E.run(Self.demo + ["--format", "docx", "-o", b.path])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(second.status == 0, "\(second.stderr)")
        let bytes = try Data(contentsOf: a)
        #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        #expect(bytes == (try Data(contentsOf: b)))
        let parts = try Self.parts(bytes)
        let document = String(decoding: try #require(parts["word/document.xml"]), as: UTF8.self)
        // The example narrative's figures, from the ledger: two late replies, one fee of 42700 元.
        #expect(document.contains("2件逾期答复"))
        #expect(document.contains("收取信息处理费1件、共计42700元"))
        // The provenance is in the properties only.
        #expect(!document.contains("SHA-256"))
        #expect(String(decoding: try #require(parts["docProps/custom.xml"]), as: UTF8.self).contains("examples/requests.csv SHA-256 "))
    }

    @Test func narrativeSkeletonNeedsNoLedger() throws {
        let r = E2E.run(["report", "--year", "2024", "--narrative-skeleton"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("## 一、总体情况\n"))
        #expect(r.stdout.contains("### （五）监督保障\n"))
        #expect(r.stdout.contains("{{逾期办结}}"))
        let old = E2E.run(["report", "--year", "2020", "--narrative-skeleton"])
        #expect(old.stdout.contains("国办公开办函〔2019〕60号格式"))
        #expect(!old.stdout.contains("{{收费金额}}"))
    }

    @Test func negativeFeeAmountIsRefusedAndNothingIsWritten() throws {
        let dir = E2E.makeTempDir(prefix: "docx-fee")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("r.docx")
        let fixture = E2E.fixture("negativeFeeAmount.csv")
        let r = E2E.run(["report", fixture, "--year", "2024", "-o", out.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(fixture):2: error[cell-integer]: 列“收费金额”的值“-300”不是有效的金额。允许：不小于 0 的整数（元），或留空"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    // MARK: the PDF

    struct Printed {
        var pdfinfo: String
        var layout: String
        var fonts: String
        /// Table 三's rows, in the format's order: the 7 figures of each.
        var tableThree: [[Int]]
    }

    /// One conversion for every assertion below.
    static let printed: Result<Printed?, Error> = Result { try printDemo() }

    static func tool(_ name: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
    }

    /// nil when LibreOffice or poppler are missing outside CI (a note is printed). Under CI=true the
    /// tools must be there: `.ci/run` installs them.
    static func printDemo() throws -> Printed? {
        let missing = ["soffice", "pdfinfo", "pdftotext", "pdffonts"].filter { !tool($0) }
        if !missing.isEmpty {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                throw ToolError("CI=true but \(missing.joined(separator: ", ")) not installed (.ci/run installs them)")
            }
            print("note: EndToEnd report docx: \(missing.joined(separator: ", ")) not installed; the PDF checks did not run")
            return nil
        }
        let dir = E2E.makeTempDir(prefix: "docx-pdf")
        defer { try? FileManager.default.removeItem(at: dir) }
        let docx = dir.appendingPathComponent("report-2024.docx")
        let r = E2E.run(demo + ["-o", docx.path])
        guard r.status == 0 else { throw ToolError("govrules report failed: \(r.stderr)") }
        let json = E2E.run(demo + ["--format", "json"])
        guard json.status == 0 else { throw ToolError("govrules report --format json failed: \(json.stderr)") }

        let fonts = E2E.repoRoot.appendingPathComponent("Tests/data/docx-fonts.conf").path
        try shell("soffice -env:UserInstallation=file://\(dir.path)/profile --headless --convert-to pdf --outdir \(dir.path) \(docx.path)",
                  environment: ["FONTCONFIG_FILE": fonts, "HOME": dir.path], in: dir)
        let pdf = dir.appendingPathComponent("report-2024.pdf").path
        guard FileManager.default.fileExists(atPath: pdf) else { throw ToolError("soffice wrote no PDF") }

        let object = try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any]
        let applications = object?["applications"] as? [String: [String: Int]] ?? [:]
        let format = try JSONSerialization.jsonObject(with: Data(contentsOf: E2E.repoRoot.appendingPathComponent("reports/2021-30.json")))
        let rows = ((format as? [String: Any])?["applications_table"] as? [String: Any])?["rows"] as? [[String: Any]] ?? []
        let rowKeys = rows.compactMap { $0["key"] as? String }
        let columns = ["natural_person", "business", "research", "nonprofit", "legal_service", "other_org", "total"]
        return Printed(pdfinfo: try shell("pdfinfo \(pdf)", in: dir),
                       layout: try shell("pdftotext -layout \(pdf) -", in: dir),
                       fonts: try shell("pdffonts \(pdf)", in: dir),
                       tableThree: rowKeys.map { key in columns.map { applications[key]![$0]! } })
    }

    struct ToolError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    /// Runs a command line with its output in a file (no pipe a stray child could hold open).
    @discardableResult
    static func shell(_ command: String, environment: [String: String] = [:], in dir: URL) throws -> String {
        let out = dir.appendingPathComponent("shell-\(UUID().uuidString).out")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "timeout 300 \(command) > \(out.path) 2>&1"]
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        p.currentDirectoryURL = dir
        try p.run()
        p.waitUntilExit()
        let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        guard p.terminationStatus == 0 else { throw ToolError("`\(command)` failed (\(p.terminationStatus)): \(text)") }
        return text
    }

    static func printedOrSkip() throws -> Printed? { try printed.get() }

    @Test func printsOnA4() throws {
        guard let p = try Self.printedOrSkip() else { return }
        let size = try #require(p.pdfinfo.split(separator: "\n").first { $0.hasPrefix("Page size:") })
        let numbers = size.split(separator: " ").compactMap { Double($0) }
        #expect(numbers.count >= 2 && numbers[0].rounded() == 595 && numbers[1].rounded() == 842, "\(size)")
    }

    /// Four pages, each with its page number "— N —" (odd right, even left).
    @Test func pageCountAndPageNumbers() throws {
        guard let p = try Self.printedOrSkip() else { return }
        let pages = p.pdfinfo.split(separator: "\n").first { $0.hasPrefix("Pages:") }
            .flatMap { Int($0.split(separator: " ").last ?? "") }
        #expect(pages == 4, "\(p.pdfinfo)")
        // pdftotext drops the half-width spaces around the number.
        let lines = Set(p.layout.split(separator: "\n").map { $0.filter { !$0.isWhitespace } })
        for n in 1...max(1, pages ?? 1) {
            #expect(lines.contains("—\(n)—"), "page \(n) has no page number")
        }
    }

    @Test func everyFigureOfTableThreeIsPrinted() throws {
        guard let p = try Self.printedOrSkip() else { return }
        #expect(p.tableThree.count == 25)
        // Each row's seven figures on one printed line, as often as the table has such a row.
        let lines = p.layout.split(separator: "\n").map { line in
            line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        }
        var needed: [[Int]: Int] = [:]
        for row in p.tableThree { needed[row, default: 0] += 1 }
        for (figures, count) in needed {
            let wanted = figures.map(String.init)
            let found = lines.filter { words in
                words.count >= 7 && (0...(words.count - 7)).contains { Array(words[$0..<($0 + 7)]) == wanted }
            }.count
            #expect(found >= count, "figures \(wanted.joined(separator: " ")) printed \(found) times, table has \(count) such rows")
        }
    }

    /// The fontconfig aliases took effect: the text is set in a CJK serif, not a fallback.
    @Test func typefacesMappedToInstalledCJKFonts() throws {
        guard let p = try Self.printedOrSkip() else { return }
        #expect(p.fonts.contains("NotoSerifCJK") || p.fonts.contains("UMing"), "\(p.fonts)")
    }
}
