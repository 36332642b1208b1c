#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What every table reader gives the commands: one record (spreadsheet row) at a time, with the
/// row number the spreadsheet shows. The CSV reader and the workbook reader both fill the same
/// `CSVRecord` views, so header mapping, cell checks, the parallel run and every message are
/// the same code for both; a workbook only adds the column letter to messages and the cell
/// errors a CSV cannot have (#N/A, a formula never calculated).
public protocol RecordReader: AnyObject {
    /// The file name used in diagnostics.
    var path: String { get }
    /// The size of the input when it is a regular text file (sizes the duplicate-id table).
    var inputSize: Int? { get }
    /// The next record, valid until the next call; nil at the end.
    func next() throws -> CSVRecord?
    /// Whether messages name a column by its letter as well (列“收到日期”（C列）).
    var namesColumnsByLetter: Bool { get }
    /// The cells of the record last returned that hold no usable value: (field, what is wrong).
    var cellErrors: [(field: Int, message: String)] { get }
    /// Warnings about the table once its header row is known (merged cells among the data rows).
    func warnings(headerRow: Int) -> [Diagnostic]
    /// Whether a record with more or fewer fields than the header says something (a CSV line
    /// cut or joined); a workbook's rows simply omit their empty trailing cells.
    var checksRecordShape: Bool { get }
    /// Whether the last record ended at the end of the file without a line break (CSV).
    var endedWithoutLineBreak: Bool { get }
}

extension CSVReader: RecordReader {
    public var namesColumnsByLetter: Bool { false }
    public var cellErrors: [(field: Int, message: String)] { [] }
    public func warnings(headerRow: Int) -> [Diagnostic] { [] }
    public var checksRecordShape: Bool { true }
}

/// Opens a table by what the file holds, not by its name: a zip package with a workbook is read
/// as .xlsx, an OLE compound file (an old .xls, or a password-encrypted workbook) is refused
/// with what to do, anything else is CSV.
public enum TableFile {
    /// - Parameter sheet: for a workbook, the sheet's name or 1-based position (default: the
    ///   first visible sheet); ignored for CSV.
    public static func open(path: String, sheet: String? = nil) throws -> RecordReader {
        switch sniff(path) {
        case .zip:
            return try XLSXReader(path: path, sheet: sheet)
        case .ole(let kind):
            throw oleDiagnostic(kind, file: path)
        case .other:
            return try CSVReader(path: path)
        }
    }

    /// Column letters as a spreadsheet shows them: 0 → A, 25 → Z, 26 → AA.
    public static func columnLetters(_ index: Int) -> String {
        var n = index + 1
        var s = ""
        while n > 0 {
            let r = (n - 1) % 26
            s = String(UnicodeScalar(UInt8(65 + r))) + s
            n = (n - 1) / 26
        }
        return s
    }

    enum OLEKind { case encryptedWorkbook, word, excel97 }
    enum Kind { case zip, ole(OLEKind), other }

    /// Reads the first bytes (a file that cannot be opened is left to the CSV reader, whose
    /// message names the reason).
    static func sniff(_ path: String) -> Kind {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .other }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return .other }
        var head = [UInt8](repeating: 0, count: 8)
        guard pread(fd, &head, 8, 0) == 8 else { return .other }
        if head[0] == 0x50 && head[1] == 0x4B && (head[2] == 3 || head[2] == 5) { return .zip }
        guard head == [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] else { return .other }
        // An OLE compound file: its directory names the streams. An encrypted .xlsx/.docx is an
        // OLE file holding "EncryptionInfo" and "EncryptedPackage"; a .doc holds "WordDocument";
        // an .xls "Workbook" (or "Book"). The names are UTF-16LE; the directory may be anywhere,
        // so the first 32 MiB are searched.
        let size = min(Int(st.st_size), 32 << 20)
        var bytes = [UInt8](repeating: 0, count: size)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, size, 0) }
        if n > 0 { bytes.removeSubrange(n...) }
        func contains(_ name: String) -> Bool {
            let pattern = name.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
            return bytes.withUnsafeBytes { b in
                pattern.withUnsafeBytes { p in ByteSearch.find(b.baseAddress, b.count, p.baseAddress!, p.count) != nil }
            }
        }
        if contains("EncryptedPackage") { return .ole(.encryptedWorkbook) }
        if contains("WordDocument") { return .ole(.word) }
        return .ole(.excel97)
    }

    static func oleDiagnostic(_ kind: OLEKind, file: String) -> Diagnostic {
        switch kind {
        case .encryptedWorkbook:
            return Diagnostic(code: "xlsx-encrypted", file: file,
                "这是设置了打开密码的加密工作簿，govrules无法读取。请在Excel中打开，“文件→信息→保护工作簿→用密码进行加密”，清空密码后保存（WPS：“文件→文档加密→密码加密”，清除打开密码）；或另存为CSV（逗号分隔）文件。")
        case .word:
            return Diagnostic(code: "xlsx-old-format", file: file,
                "这是Word文档（.doc），不是台账。请打开登记台账的Excel/WPS工作簿，保存为.xlsx或CSV（逗号分隔）文件。")
        case .excel97:
            return Diagnostic(code: "xlsx-old-format", file: file,
                "这是旧版Excel工作簿（.xls，Excel 97-2003格式），govrules读取.xlsx工作簿和CSV文件。请在Excel/WPS中打开，“另存为”Excel工作簿（.xlsx）或CSV（逗号分隔）文件。")
        }
    }
}

extension HeaderMap {
    /// How a message names field `f`: 列“收到日期”, and for a workbook 列“收到日期”（C列）.
    func label(field f: Int) -> String {
        let name = f < headers.count ? headers[f] : ""
        return columnLetters ? "列“\(name)”（\(TableFile.columnLetters(f))列）" : "列“\(name)”"
    }
}

/// Cell errors (see `RecordReader.cellErrors`) as diagnostics, and merged with the decoder's.
enum CellErrors {
    /// One `cell-error` per flagged cell in a column the table's rules read.
    static func problems(_ errors: [(field: Int, message: String)], record: CSVRecord, map: HeaderMap) -> [Diagnostic] {
        guard !errors.isEmpty else { return [] }
        return errors.compactMap { e in
            guard e.field < map.columnOfField.count, map.columnOfField[e.field] != nil else { return nil }
            return Diagnostic(code: "cell-error", file: map.file, line: record.row, "\(map.label(field: e.field))的单元格\(e.message)")
        }
    }

    /// The decoder's problems plus the others; a cell with a cell error is not blamed twice
    /// (its empty or error text would also fail the column's type).
    static func merge(_ pre: [Diagnostic], into decoded: [Diagnostic]) -> [Diagnostic] {
        guard !pre.isEmpty else { return decoded }
        let blamed = pre.filter { $0.code == "cell-error" }.compactMap { d -> String? in
            guard let end = d.message.range(of: "列）") else { return nil }
            return String(d.message[..<end.upperBound])
        }
        return decoded.filter { d in !blamed.contains { d.message.hasPrefix($0) } } + pre
    }
}

/// `memmem` (a GNU extension the Glibc module does not show): memchr for the first byte, then memcmp.
enum ByteSearch {
    static func find(_ haystack: UnsafeRawPointer?, _ count: Int, _ needle: UnsafeRawPointer, _ n: Int) -> UnsafeRawPointer? {
        guard let haystack, n > 0, count >= n else { return nil }
        let first = Int32(needle.load(as: UInt8.self))
        var p = haystack
        let last = haystack + (count - n)
        while p <= last {
            guard let hit = memchr(p, first, last - p + 1) else { return nil }
            let h = UnsafeRawPointer(hit)
            if memcmp(h, needle, n) == 0 { return h }
            p = h + 1
        }
        return nil
    }
}
