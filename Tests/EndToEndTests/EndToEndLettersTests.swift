import Foundation
import Testing
import ZIPFoundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// `govrules letters`: the letters come from the decision, the dated appeal rules and the office
/// profile; the templates only word them.
@Suite("EndToEnd letters")
struct EndToEndLettersTests {
    static let lettersDir = E2E.repoRoot.appendingPathComponent("letters").path

    func letters(_ args: [String], cwd: URL? = nil) -> (GovrulesOutput, URL) {
        let out = E2E.makeTempDir(prefix: "letters").appendingPathComponent("out")
        let r = E2E.run(["letters"] + args + ["-o", out.path, "--letters", Self.lettersDir], cwd: cwd)
        return (r, out)
    }

    func read(_ dir: URL, _ name: String) throws -> String {
        try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
    }

    /// Every outcome and every notice from one fixture ledger, compared with the golden letters.
    @Test func everyOutcomeAndNoticeMatchesItsGoldenLetter() throws {
        let (r, out) = letters([E2E.fixture("lettersEveryOutcome.csv"), "--from", "2024-01-01", "--to", "2024-12-31", "--format", "txt"])
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let golden = E2E.fixturesDir.appendingPathComponent("lettersEveryOutcome-golden")
        #expect(E2E.listing(out) == E2E.listing(golden))
        for name in E2E.listing(golden) {
            let expected = try read(golden, name)
            let actual = try? read(out, name)
            #expect(actual == expected, "\(name) differs from its golden file")
        }
        // Every 答复书 template of the shipped letters was used, and every notice kind.
        let kinds = Set(E2E.listing(out).map { String($0.split(separator: "-", maxSplits: 1)[1].dropLast(4)) })
        #expect(kinds == ["答复书", "补正告知书", "说明理由告知书", "征求意见书", "征求意见告知书", "延期答复告知书", "收费通知书", "公开决定告知书"])
    }

    @Test func appealSentenceFollowsTheLetterDate() throws {
        let (r, out) = letters([E2E.fixture("appealBeforeAndAfter2024.csv"), "--from", "2023-01-01", "--to", "2024-12-31", "--format", "txt"])
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let before = try read(out, "A-2023-答复书.txt")
        let after = try read(out, "A-2024-答复书.txt")
        // Before 2024-01-01 (行政复议法 1999): the applicant chooses the body.
        #expect(before.contains("向云溪县人民政府或者云州市人民政府办公室申请行政复议"))
        #expect(before.contains("2023年12月28日"))
        // From 2024-01-01 (行政复议法 2023): the same-level government only.
        #expect(after.contains("向云溪县人民政府申请行政复议"))
        #expect(!after.contains("云州市人民政府办公室"))
        #expect(after.contains("2024年1月5日"))
        // Both: 6 months to sue (since 2015-05-01), never the stale 3 months.
        for text in [before, after] {
            #expect(text.contains("6个月内向云溪县人民法院提起行政诉讼"))
            #expect(!text.contains("3个月"))
        }
    }

    @Test func refusalTellsTheApplicantToApplyForReconsiderationFirst() throws {
        let (r, out) = letters([E2E.fixture("refusalAfter2024.csv"), "--id", "R-1", "--format", "txt"])
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let text = try read(out, "R-1-答复书.txt")
        #expect(text.contains("第十六条第二款、第三十六条第（三）项"))
        #expect(text.contains("本机关决定不予公开"))
        #expect(text.contains("对行政复议决定不服的，可以自收到行政复议决定书之日起15日内向云溪县人民法院提起行政诉讼"))
        #expect(text.contains("《中华人民共和国行政复议法》第二十三条"))
        #expect(!text.contains("或者在6个月内"))
    }

    @Test func anEmptyColumnALetterNeedsWritesNothing() throws {
        let (r, out) = letters([E2E.fixture("correctionItemsMissing.csv"), "--from", "2024-01-01", "--to", "2024-12-31", "--format", "txt"])
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        #expect(r.status == 1)
        #expect(r.stderr.contains("error[letter-field-missing]"))
        #expect(r.stderr.contains("申请编号“C-1”的《补正告知书》需要列“补正事项”"))
        // All or nothing: C-2's letter is fine, but no folder is written.
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(E2E.listing(out.deletingLastPathComponent()).isEmpty)
    }

    /// `-o letters/` beside rules/ names the templates folder: refused, the templates untouched.
    @Test func theTemplatesFolderIsNeverTheOutput() throws {
        let before = E2E.listing(URL(fileURLWithPath: Self.lettersDir))
        let r = E2E.run(["letters", "examples/requests.csv", "--id", "2024-001", "-o", "letters/"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("error[letters-output]") && r.stderr.contains("模板目录"), "stderr: \(r.stderr)")
        #expect(E2E.listing(URL(fileURLWithPath: Self.lettersDir)) == before)
    }

    /// An existing output folder is replaced only when it holds letters alone.
    @Test func anOutputFolderWithOtherFilesIsLeftAsItWas() throws {
        let dir = E2E.makeTempDir(prefix: "letters-existing")
        defer { try? FileManager.default.removeItem(at: dir) }
        let note = dir.appendingPathComponent("备忘.xlsx")
        try Data("x".utf8).write(to: note)
        let r = E2E.run(["letters", "examples/requests.csv", "--id", "2024-001", "-o", dir.path, "--format", "txt"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("备忘.xlsx"))
        #expect(E2E.listing(dir) == ["备忘.xlsx"])
        // A folder of earlier letters is replaced whole.
        try FileManager.default.removeItem(at: note)
        try Data("old".utf8).write(to: dir.appendingPathComponent("2023-001-答复书.txt"))
        let again = E2E.run(["letters", "examples/requests.csv", "--id", "2024-001", "-o", dir.path, "--format", "txt"])
        #expect(again.status == 0, "stderr: \(again.stderr)")
        #expect(E2E.listing(dir) == ["2024-001-答复书.txt"])
    }

    @Test func docxHasTheLetterStructureAndConvertsWithLibreOffice() throws {
        let (r, out) = letters([E2E.fixture("refusalAfter2024.csv"), "--id", "R-1"])
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let file = out.appendingPathComponent("R-1-答复书.docx")
        let archive = try Archive(url: file, accessMode: .read)
        let entry = try #require(archive["word/document.xml"])
        var xml = Data()
        _ = try archive.extract(entry) { xml.append($0) }
        let paragraphs = try WordParagraphs.parse(xml)
        let texts = paragraphs.map(\.text)
        #expect(texts.first == "云溪县人民政府办公室")
        #expect(texts.dropFirst().first == "政府信息公开申请答复书")
        #expect(texts.contains("云政办公开〔2024〕\u{3000}\u{3000}号"))
        #expect(texts.contains("陈某："))
        #expect(texts.contains { $0.contains("本机关决定不予公开") })
        #expect(texts.last == "2024年5月20日")
        // The title paragraphs use the title style; the date is right-aligned.
        #expect(paragraphs.first?.style != nil)
        #expect(paragraphs.first?.style == paragraphs.dropFirst().first?.style)

        guard let soffice = ["/usr/bin/soffice", "/usr/local/bin/soffice", "/usr/bin/libreoffice"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            Issue.record("LibreOffice (soffice) is not installed; .ci/run installs it")
            return
        }
        let pdfDir = out.deletingLastPathComponent().appendingPathComponent("pdf")
        try FileManager.default.createDirectory(at: pdfDir, withIntermediateDirectories: true)
        let profile = out.deletingLastPathComponent().appendingPathComponent("lo-profile")
        try Shell.run(soffice, ["-env:UserInstallation=file://\(profile.path)", "--headless", "--convert-to", "pdf",
                                "--outdir", pdfDir.path, file.path])
        let pdf = pdfDir.appendingPathComponent("R-1-答复书.pdf")
        let text = try Shell.run("/usr/bin/pdftotext", [pdf.path, "-"])
        let flat = text.filter { !$0.isWhitespace }
        #expect(flat.contains("政府信息公开申请答复书"))
        #expect(flat.contains("本机关决定不予公开"))
        #expect(flat.contains("2024年5月20日"))
    }

    /// Names and addresses from the ledger are personal data: they go into letters, never into
    /// the annual report.
    @Test(arguments: ["txt", "md", "html", "json"])
    func personalDataNeverAppearsInTheAnnualReport(format: String) throws {
        let text = try String(contentsOf: E2E.repoRoot.appendingPathComponent("examples/requests.csv"), encoding: .utf8)
        let records = CSVText.parse(text)
        let header = records[0]
        let personal = ["申请人", "申请人通讯地址"].compactMap { header.firstIndex(of: $0) }
        #expect(personal.count == 2)
        let values = Set(records.dropFirst().flatMap { r in personal.compactMap { $0 < r.count ? r[$0] : nil } }.filter { $0.count >= 2 })
        #expect(values.count > 20)
        let r = E2E.run(["report", "examples/requests.csv", "--year", "2024", "--agency", "云溪县人民政府办公室",
                         "--appeals", "examples/appeals.csv", "--proactive", "examples/proactive-2024.csv",
                         "--narrative", "examples/narrative-2024.md", "--format", format])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        for v in values { #expect(!r.stdout.contains(v), "the report prints “\(v)” from the ledger") }
    }

    /// The README's 过程性信息 loop: one step changed in a copy of rules/, the letters change, no
    /// template is touched.
    @Test func changingAStepChangesItsLettersWithNoTemplateEdit() throws {
        let dir = try E2E.copyOfRules()
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["letters", E2E.repoRoot.appendingPathComponent("examples/requests.csv").path, "--id", "2024-005", "2024-035",
                    "--format", "txt", "--letters", Self.lettersDir]
        let before = E2E.run(args + ["-o", "before"], cwd: dir)
        #expect(before.status == 0, "stderr: \(before.stderr)")
        let steps = dir.appendingPathComponent("rules/steps.lua")
        var lua = try String(contentsOf: steps, encoding: .utf8)
        let entry = try #require(lua.range(of: "\"process_info\", "))
        lua.removeSubrange(entry)
        try lua.write(to: steps, atomically: true, encoding: .utf8)
        let after = E2E.run(args + ["-o", "after"], cwd: dir)
        #expect(after.status == 0, "stderr: \(after.stderr)")

        let b5 = try read(dir.appendingPathComponent("before"), "2024-005-答复书.txt")
        let a5 = try read(dir.appendingPathComponent("after"), "2024-005-答复书.txt")
        #expect(b5.contains("过程性信息") && b5.contains("第十六条第二款、第三十六条第（三）项") && b5.contains("本机关决定不予公开"))
        #expect(b5.contains("应当先申请行政复议"))
        #expect(a5.contains("第三十六条第（二）项") && a5.contains("本机关决定予以公开"))
        #expect(!a5.contains("过程性信息") && !a5.contains("应当先申请行政复议"))
        // 2024-035 is still withheld as internal affairs, but no longer gives 过程性信息 as a reason.
        let b35 = try read(dir.appendingPathComponent("before"), "2024-035-答复书.txt")
        let a35 = try read(dir.appendingPathComponent("after"), "2024-035-答复书.txt")
        #expect(b35.contains("过程性信息") && b35.contains("第十六条第一款、第十六条第二款"))
        #expect(!a35.contains("过程性信息") && a35.contains("第十六条第一款、第三十六条第（三）项"))
    }

    @Test func checkFindsAnUnknownPlaceholderAndAMissingOfficeField() throws {
        let dir = E2E.makeTempDir(prefix: "letters-check")
        defer { try? FileManager.default.removeItem(at: dir) }
        let copy = dir.appendingPathComponent("letters")
        try FileManager.default.copyItem(atPath: Self.lettersDir, toPath: copy.path)
        let template = copy.appendingPathComponent("答复书-不予公开.mustache")
        let original = try String(contentsOf: template, encoding: .utf8)
        try (original + "{{申请人姓名}}\n").write(to: template, atomically: true, encoding: .utf8)
        let newLine = original.filter { $0 == "\n" }.count + 1
        let office = copy.appendingPathComponent("office.lua")
        let profile = try String(contentsOf: office, encoding: .utf8)
        try profile.replacingOccurrences(of: "  phone = \"0871-6612345\",\n", with: "").write(to: office, atomically: true, encoding: .utf8)
        let r = E2E.run(["check", "--letters", copy.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("答复书-不予公开.mustache:\(newLine): error[letter-placeholder-unknown]: 占位符“{{申请人姓名}}”"))
        #expect(r.stderr.contains("error[office-field-missing]: 机关信息缺少“联系电话”（phone"))
        // The shipped letters pass.
        let shipped = E2E.run(["check", "--letters", Self.lettersDir])
        #expect(!shipped.stderr.contains("letter"), "stderr: \(shipped.stderr)")
    }

    @Test func explainNamesTheLetters() throws {
        let r = E2E.run(["explain", "examples/requests.csv", "--id", "2024-039", "--as-of", "2025-01-10"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("《征求意见书》 2024年10月8日　模板 征求意见书-其他机关"))
        #expect(r.stdout.contains("《延期答复告知书》 2024年11月1日"))
        #expect(r.stdout.contains("《答复书》 2024年11月29日　模板 答复书-予以公开"))
    }
}

/// The paragraphs of word/document.xml: their text and style.
final class WordParagraphs: NSObject, XMLParserDelegate {
    struct Item { var text = ""; var style: String? }
    var items: [Item] = []
    var current: Item?
    var inText = false

    static func parse(_ data: Data) throws -> [Item] {
        let p = XMLParser(data: data)
        let d = WordParagraphs()
        p.delegate = d
        guard p.parse() else { throw p.parserError ?? CocoaError(.fileReadCorruptFile) }
        return d.items.filter { !$0.text.isEmpty }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch name {
        case "w:p": current = Item()
        case "w:pStyle": current?.style = attributes["w:val"]
        case "w:t": inText = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current?.text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "w:t" { inText = false }
        if name == "w:p", let c = current { items.append(c); current = nil }
    }
}

enum Shell {
    @discardableResult
    static func run(_ path: String, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
        return String(decoding: data, as: UTF8.self)
    }
}
