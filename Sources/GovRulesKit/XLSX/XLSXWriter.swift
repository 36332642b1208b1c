import Foundation
import ZIPFoundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes one table as an .xlsx workbook, row by row, for every tabular output (classify, due,
/// and whatever else offers a spreadsheet download).
///
/// - Streaming: each row's XML goes straight to an unlinked spool file, so memory does not grow
///   with the table. Only the column widths are tracked (they are written before the rows, so
///   the sheet part is assembled at `commit()`: head, spooled rows, tail).
/// - The package is the minimal valid SpreadsheetML one ([Content_Types].xml, the package and
///   workbook relationships, workbook, styles, one worksheet), which Excel, WPS and LibreOffice
///   open without a repair prompt. Strings are inline (no shared-string table to hold).
/// - The header row is bold, frozen and auto-filtered; dates are date cells (`yyyy-mm-dd`);
///   widths fit the longest value, CJK characters counted double.
/// - Deterministic: the parts in a fixed order, every zip timestamp 1980-01-01 00:00, fixed
///   permissions; the same rows always give the same bytes.
/// - Written through an `OutputSink` only at `commit()`, so an `-o` file is atomic as for CSV.
public final class XLSXWriter {
    public enum Cell: Equatable, Sendable {
        case text(String)
        case date(Day)
        case integer(Int)
        case empty
    }

    /// Excel's limits.
    public static let maxRows = 1_048_576
    public static let maxColumns = 16_384
    public static let maxCellCharacters = 32_767

    private let sink: OutputSink
    private let sheetName: String
    private let columnCount: Int
    private var widths: [Int]
    private let spool: SpoolFile
    private var rowCount = 0
    private var buffer: [UInt8] = []
    private var finished = false

    /// - Parameters:
    ///   - sheetName: the sheet's tab (at most 31 characters, none of `: \ / ? * [ ]`; fixed up).
    ///   - header: the first row, bold, frozen and filtered.
    public init(sink: OutputSink, sheetName: String, header: [String]) throws {
        self.sink = sink
        self.sheetName = XLSXWriter.validSheetName(sheetName)
        columnCount = max(1, header.count)
        guard header.count <= Self.maxColumns else {
            throw Diagnostic(code: "xlsx-write", "表格有 \(header.count) 列，超过Excel工作表的上限 \(Self.maxColumns) 列")
        }
        widths = [Int](repeating: 0, count: columnCount)
        spool = try SpoolFile()
        buffer.reserveCapacity(128 * 1024)
        try writeRow(header.map { .text($0) }, style: Style.header)
    }

    /// Appends one row (cells past the header's width are kept too).
    public func writeRow(_ cells: [Cell]) throws { try writeRow(cells, style: nil) }

    private enum Style { static let date = 1, header = 2 }

    private func writeRow(_ cells: [Cell], style: Int?) throws {
        precondition(!finished, "XLSXWriter written after commit() or abandon()")
        guard rowCount < Self.maxRows else {
            throw Diagnostic(code: "xlsx-write", "结果超过Excel工作表的最大行数 \(Self.maxRows) 行；请分成几份输出，或输出为CSV")
        }
        rowCount += 1
        let r = String(rowCount)
        append("<row r=\"\(r)\">")
        for (i, cell) in cells.enumerated() {
            let ref = TableFile.columnLetters(i) + r
            switch cell {
            case .empty:
                continue
            case .text(let s):
                if s.isEmpty { continue }
                guard s.utf16.count <= Self.maxCellCharacters else {
                    throw Diagnostic(code: "xlsx-write", "第\(rowCount)行\(TableFile.columnLetters(i))列的内容超过Excel单元格的上限 \(Self.maxCellCharacters) 个字符")
                }
                let preserve = s.first?.isWhitespace == true || s.last?.isWhitespace == true || s.contains("\n")
                append("<c r=\"\(ref)\"\(style.map { " s=\"\($0)\"" } ?? "") t=\"inlineStr\"><is><t\(preserve ? " xml:space=\"preserve\"" : "")>")
                append(Self.escape(s))
                append("</t></is></c>")
                track(i, s.split(separator: "\n").map { TextWidth.of(String($0)) }.max() ?? 0)
            case .date(let d):
                append("<c r=\"\(ref)\" s=\"\(Style.date)\"><v>\(Self.serial(d))</v></c>")
                track(i, 10)
            case .integer(let n):
                append("<c r=\"\(ref)\"\(style.map { " s=\"\($0)\"" } ?? "")><v>\(n)</v></c>")
                track(i, String(n).count)
            }
        }
        append("</row>")
        if buffer.count >= 64 * 1024 { try flushBuffer() }
    }

    @inline(__always) private func track(_ i: Int, _ w: Int) {
        if i < widths.count { widths[i] = max(widths[i], w) } else {
            widths += [Int](repeating: 0, count: i + 1 - widths.count)
            widths[i] = w
        }
    }

    private func append(_ s: String) { buffer.append(contentsOf: s.utf8) }

    private func flushBuffer() throws {
        try buffer.withUnsafeBytes { try spool.write($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Builds the package and hands it to the sink, then commits the sink.
    public func commit() throws {
        precondition(!finished, "XLSXWriter committed twice")
        finished = true
        do {
            try flushBuffer()
            let head = Array(sheetHead().utf8), tail = Array(sheetTail().utf8)
            // ZIPFoundation creates the archive at a path of its own choosing, which must not exist yet.
            let folder = try SpoolFile.temporaryFolder()
            let zip = folder + "/book.xlsx"
            defer { unlink(zip); rmdir(folder) }
            let archive = try Archive(url: URL(fileURLWithPath: zip), accessMode: .create)
            for (path, text) in staticParts() {
                try Self.add(archive, path, Data(text.utf8))
            }
            let spooled = spool.size
            let total = Int64(head.count) + spooled + Int64(tail.count)
            try archive.addEntry(with: "xl/worksheets/sheet1.xml", type: .file, uncompressedSize: total,
                                 modificationDate: ZipPackage.fixedDate, permissions: 0o644, compressionMethod: .deflate,
                                 bufferSize: 256 * 1024) { position, size in
                try self.sheetBytes(head: head, tail: tail, spooled: spooled, from: position, count: size)
            }
            try Self.copy(zip, to: sink)
            try sink.commit()
        } catch let d as Diagnostic {
            sink.abandon()
            throw d
        } catch {
            sink.abandon()
            throw Diagnostic(code: "xlsx-write", "无法写出 .xlsx 工作簿：\(error)")
        }
    }

    /// Drops everything; the sink is abandoned (an `-o` file is left as it was).
    public func abandon() {
        finished = true
        sink.abandon()
    }

    // MARK: The parts

    private static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    private static let rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    private static let packageRels = "http://schemas.openxmlformats.org/package/2006/relationships"

    private var lastColumn: String { TableFile.columnLetters(max(widths.count, columnCount) - 1) }

    private func staticParts() -> [(String, String)] {
        let decl = XMLText.declaration
        let contentTypes = decl + """
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
            </Types>
            """
        let rootRels = decl + """
            <Relationships xmlns="\(Self.packageRels)">\
            <Relationship Id="rId1" Type="\(Self.rels)/officeDocument" Target="xl/workbook.xml"/>\
            </Relationships>
            """
        let name = XMLText.escape(sheetName)
        let quoted = "'" + name.replacingOccurrences(of: "'", with: "''") + "'"
        let workbook = decl + """
            <workbook xmlns="\(Self.main)" xmlns:r="\(Self.rels)">\
            <bookViews><workbookView/></bookViews>\
            <sheets><sheet name="\(name)" sheetId="1" r:id="rId1"/></sheets>\
            <definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">\(quoted)!$A$1:$\(lastColumn)$\(max(rowCount, 1))</definedName></definedNames>\
            </workbook>
            """
        let workbookRels = decl + """
            <Relationships xmlns="\(Self.packageRels)">\
            <Relationship Id="rId1" Type="\(Self.rels)/worksheet" Target="worksheets/sheet1.xml"/>\
            <Relationship Id="rId2" Type="\(Self.rels)/styles" Target="styles.xml"/>\
            </Relationships>
            """
        // Styles: 0 plain, 1 date (custom format 164), 2 header (bold). Fills 0 and 1 are the
        // two Excel requires (none, gray125).
        let styles = decl + """
            <styleSheet xmlns="\(Self.main)">\
            <numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>\
            <fonts count="2"><font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font>\
            <font><b/><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font></fonts>\
            <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
            <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
            <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
            <cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
            <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
            <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
            <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
            </styleSheet>
            """
        return [("[Content_Types].xml", contentTypes), ("_rels/.rels", rootRels), ("xl/workbook.xml", workbook),
                ("xl/_rels/workbook.xml.rels", workbookRels), ("xl/styles.xml", styles)]
    }

    private func sheetHead() -> String {
        var cols = ""
        for (i, w) in widths.enumerated() {
            // Excel's width unit is one digit of the default font; a little padding for the
            // filter button, and no column wider than a screen's third.
            let width = Double(min(max(w, 6), 60)) + 2.7
            cols += "<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(String(format: "%.1f", width))\" customWidth=\"1\"/>"
        }
        return XMLText.declaration + """
            <worksheet xmlns="\(Self.main)" xmlns:r="\(Self.rels)">\
            <dimension ref="A1:\(lastColumn)\(max(rowCount, 1))"/>\
            <sheetViews><sheetView tabSelected="1" workbookViewId="0">\
            <pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>\
            <selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>\
            <sheetFormatPr defaultRowHeight="15"/>\
            <cols>\(cols)</cols><sheetData>
            """
    }

    private func sheetTail() -> String {
        "</sheetData><autoFilter ref=\"A1:\(lastColumn)\(max(rowCount, 1))\"/>"
            + "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>"
    }

    private func sheetBytes(head: [UInt8], tail: [UInt8], spooled: Int64, from position: Int64, count: Int) throws -> Data {
        var out = Data(capacity: count)
        var pos = position
        var left = count
        if pos < Int64(head.count) {
            let n = min(left, head.count - Int(pos))
            out.append(contentsOf: head[Int(pos)..<Int(pos) + n])
            pos += Int64(n)
            left -= n
        }
        let spoolEnd = Int64(head.count) + spooled
        if left > 0 && pos < spoolEnd {
            let n = Int(min(Int64(left), spoolEnd - pos))
            out.append(try spool.read(at: pos - Int64(head.count), count: n))
            pos += Int64(n)
            left -= n
        }
        if left > 0 {
            let t = Int(pos - spoolEnd)
            let n = min(left, tail.count - t)
            if n > 0 { out.append(contentsOf: tail[t..<t + n]) }
        }
        return out
    }

    private static func add(_ archive: Archive, _ path: String, _ data: Data) throws {
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count),
                             modificationDate: ZipPackage.fixedDate, permissions: 0o644, compressionMethod: .deflate) { position, size in
            let start = Int(position)
            return data.subdata(in: start..<min(data.count, start + size))
        }
    }

    private static func copy(_ path: String, to sink: OutputSink) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Diagnostic(code: "xlsx-write", "无法读回临时文件 \(path)") }
        defer { close(fd) }
        let size = 256 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer, size)
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw Diagnostic(code: "xlsx-write", "无法读回临时文件 \(path)")
            }
            try sink.write(UnsafeRawBufferPointer(start: buffer, count: n))
        }
    }

    // MARK: Values

    /// The 1900-system serial of a day (Excel's 1900-02-29 kept: days from 1900-03-01 on count
    /// from 1899-12-30).
    static func serial(_ d: Day) -> Int {
        let base = d < Day(year: 1900, month: 3, day: 1)! ? Day(year: 1899, month: 12, day: 31)! : Day(year: 1899, month: 12, day: 30)!
        return d - base
    }

    /// XML text, with what XML 1.0 cannot carry written as SpreadsheetML's `_xHHHH_` escapes
    /// (and a literal `_xHHHH_` protected), as Excel itself does.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        let scalars = Array(s.unicodeScalars)
        for (i, u) in scalars.enumerated() {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\t", "\n": out.unicodeScalars.append(u)
            case "_" where i + 6 < scalars.count && scalars[i + 1] == "x" && scalars[i + 6] == "_"
                    && scalars[(i + 2)...(i + 5)].allSatisfy({ $0.properties.isASCIIHexDigit }):
                out += "_x005F_"
            default:
                if u.value < 0x20 || u.value == 0xFFFE || u.value == 0xFFFF {
                    out += String(format: "_x%04X_", u.value)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }

    static func validSheetName(_ s: String) -> String {
        var name = String(s.map { ":\\/?*[]".contains($0) ? "_" : $0 })
        if name.hasPrefix("'") { name.removeFirst() }
        if name.isEmpty { name = "Sheet1" }
        return String(name.prefix(31))
    }
}

/// An unlinked temporary file: written sequentially, read back at any offset.
final class SpoolFile {
    private let fd: Int32
    private(set) var size: Int64 = 0

    init() throws {
        let path = try SpoolFile.temporaryPath()
        fd = open(path, O_RDWR | O_CLOEXEC)
        unlink(path)
        guard fd >= 0 else { throw Diagnostic(code: "xlsx-write", "无法创建临时文件于 \(ProcessInfoTemporaryDirectory.path)") }
    }

    deinit { close(fd) }

    /// A new private folder in $TMPDIR (the caller removes it).
    static func temporaryFolder() throws -> String {
        var template = Array((ProcessInfoTemporaryDirectory.path + "/govrules-xlsx-XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw FileDescriptorWriter.outputFailure(code: "output-open-failed", name: ProcessInfoTemporaryDirectory.path, action: "创建临时文件夹于", errno)
        }
        return String(cString: template)
    }

    /// A new empty file's path in $TMPDIR (the caller removes it).
    static func temporaryPath() throws -> String {
        var template = Array((ProcessInfoTemporaryDirectory.path + "/govrules-xlsx-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw FileDescriptorWriter.outputFailure(code: "output-open-failed", name: ProcessInfoTemporaryDirectory.path, action: "创建临时文件于", errno)
        }
        close(fd)
        return String(cString: template)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        try FileDescriptorWriter.writeAll(fd, base, bytes.count, name: "临时文件")
        size += Int64(bytes.count)
    }

    func read(at offset: Int64, count: Int) throws -> Data {
        var data = Data(count: count)
        var done = 0
        try data.withUnsafeMutableBytes { b in
            while done < count {
                let n = pread(fd, b.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw Diagnostic(code: "xlsx-write", "无法读回临时文件") }
                done += n
            }
        }
        return data
    }
}
