import Foundation
import Testing
import GovRulesKit
import ZIPFoundation

/// `classify -o results.xlsx` and `due -o due.xlsx`: the workbook read back (by LibreOffice,
/// and by govrules' own reader), deterministic, atomic.
@Suite("EndToEnd xlsx writing")
struct EndToEndXLSXWriteTests {
    static let asOf = ["--as-of", "2025-01-10"]

    /// LibreOffice converts the workbook back to CSV; nil (with the reason) when soffice is absent
    /// outside CI. Under CI=true a missing soffice fails the test: .ci/run installs it.
    static func soffice() -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let p = "\(dir)/soffice"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    static func toCSV(_ xlsx: URL) throws -> String {
        let dir = xlsx.deletingLastPathComponent()
        let profile = E2E.makeTempDir(prefix: "soffice-profile")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: soffice()!)
        p.arguments = ["-env:UserInstallation=file://\(profile.path)", "--headless", "--convert-to",
                       "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true", "--outdir", dir.path, xlsx.path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try? FileManager.default.removeItem(at: profile)
        let csv = xlsx.deletingPathExtension().appendingPathExtension("csv")
        return try String(contentsOf: csv, encoding: .utf8)
    }

    /// The workbook LibreOffice opens is the CSV output, cell for cell (dates as date cells come
    /// back as YYYY-MM-DD).
    @Test func roundTripThroughLibreOffice() throws {
        guard Self.soffice() != nil else {
            let ci = ProcessInfo.processInfo.environment["CI"] == "true"
            #expect(!ci, "soffice (LibreOffice) is missing under CI; .ci/run installs libreoffice-calc-nogui")
            if !ci { print("skipped: soffice (LibreOffice) not installed; the .xlsx round trip is checked in CI") }
            return
        }
        let dir = E2E.makeTempDir(prefix: "xlsx-soffice")
        let out = dir.appendingPathComponent("results.xlsx")
        let x = E2E.run(["classify", "examples/requests.csv", "-o", out.path, "--headers", "en"] + Self.asOf)
        #expect(x.status == 0, "\(x.stderr)")
        let c = E2E.run(["classify", "examples/requests.csv"] + Self.asOf)
        #expect(try Self.toCSV(out) == c.stdout)
        // Chinese by default: headers, statuses and steps as --headers zh writes them in CSV.
        let zh = dir.appendingPathComponent("zh.xlsx")
        #expect(E2E.run(["classify", "examples/requests.csv", "-o", zh.path] + Self.asOf).status == 0)
        let czh = E2E.run(["classify", "examples/requests.csv", "--headers", "zh"] + Self.asOf)
        #expect(try Self.toCSV(zh) == czh.stdout)
    }

    func read(_ path: String) throws -> [[String]] {
        let reader = try XLSXReader(path: path)
        var rows: [[String]] = []
        while let r = try reader.next() { rows.append(r.strings) }
        return rows
    }

    /// Read back by govrules itself: the same table as the CSV output; the same bytes every run.
    @Test func deterministicAndReadableBack() throws {
        let dir = E2E.makeTempDir(prefix: "xlsx-det")
        let a = dir.appendingPathComponent("a.xlsx"), b = dir.appendingPathComponent("b.xlsx")
        #expect(E2E.run(["classify", "examples/requests.csv", "-o", a.path, "--jobs", "1"] + Self.asOf).status == 0)
        #expect(E2E.run(["classify", "examples/requests.csv", "-o", b.path, "--jobs", "2"] + Self.asOf).status == 0)
        #expect(try Data(contentsOf: a) == Data(contentsOf: b))
        let csv = CSVText.parse(E2E.run(["classify", "examples/requests.csv", "--headers", "zh"] + Self.asOf).stdout)
        let rows = try read(a.path)
        #expect(rows.count == csv.count)
        for (x, c) in zip(rows, csv) {
            var padded = x
            while padded.count < c.count { padded.append("") }
            #expect(padded == c)
        }
        #expect(rows.first?.contains("期限状态") == true)
        // The workbook itself: header frozen and filtered, dates as date cells.
        let sheet = try XLSXTestSupport.part(a.path, "xl/worksheets/sheet1.xml")
        #expect(sheet.contains("<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"))
        let lastColumn = TableFile.columnLetters(csv[0].count - 1)
        #expect(sheet.contains("<autoFilter ref=\"A1:\(lastColumn)\(csv.count)\"/>"), "\(lastColumn)\(csv.count)")
        #expect(sheet.contains("<c r=\"B2\" s=\"1\"><v>45271</v></c>"))
    }

    /// -o FILE.xlsx keeps its -o semantics: an invalid ledger leaves FILE exactly as it was.
    @Test func invalidLedgerLeavesWorkbookAlone() throws {
        let dir = E2E.makeTempDir(prefix: "xlsx-atomic")
        let out = dir.appendingPathComponent("results.xlsx")
        try Data("earlier".utf8).write(to: out)
        let r = E2E.run(["classify", E2E.fixture("impossibleDate.csv"), "-o", out.path] + Self.asOf)
        #expect(r.status == 1)
        #expect(try Data(contentsOf: out) == Data("earlier".utf8))
        #expect(E2E.listing(dir) == ["results.xlsx"])
    }

    /// due -o due.xlsx: the list as CSV gives it, with dates as date cells and days as numbers.
    @Test func dueWorkbook() throws {
        let dir = E2E.makeTempDir(prefix: "xlsx-due")
        let out = dir.appendingPathComponent("due.xlsx")
        let r = E2E.run(["due", "examples/requests.csv", "-o", out.path] + Self.asOf)
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try read(out.path)
        let csv = CSVText.table(E2E.run(["due", "examples/requests.csv", "--format", "csv"] + Self.asOf).stdout).rows
        #expect(rows.first == ["申请编号", "收到日期", "最终答复期限", "剩余工作日", "状态", "申请内容",
                               "暂定最终答复期限（估算）", "暂定剩余工作日（估算）", "文件", "行号"])
        #expect(rows.count == csv.count + 1)
        #expect(rows[1][0] == csv[0]["id"] && rows[1][2] == csv[0]["final_due"] && rows[1][3] == csv[0]["days_left"])
        let sheet = try XLSXTestSupport.part(out.path, "xl/worksheets/sheet1.xml")
        #expect(sheet.contains("<c r=\"D2\"><v>\(csv[0]["days_left"]!)</v></c>"))
    }
}

enum XLSXTestSupport {
    /// One part of a zip package, as text.
    static func part(_ path: String, _ name: String) throws -> String {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        let entry = try #require(archive[name], "no part \(name)")
        var data = Data()
        _ = try archive.extract(entry) { data.append($0) }
        return String(decoding: data, as: UTF8.self)
    }
}
