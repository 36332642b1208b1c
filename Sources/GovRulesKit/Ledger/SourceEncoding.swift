/// The character encoding a ledger file was saved in, detected from its first bytes.
///
/// Excel and WPS on a Chinese Windows machine write "CSV" as GB18030 (GBK); "CSV UTF-8" is UTF-8
/// with a byte-order mark; other tools write UTF-8 without one. The clerk never says which.
public enum SourceEncoding: String, Sendable, CaseIterable, CustomStringConvertible {
    /// UTF-8 starting with the byte-order mark EF BB BF (the mark is not part of the data).
    case utf8BOM = "utf-8-bom"
    /// UTF-8 without a byte-order mark (also chosen for pure ASCII files and empty files).
    case utf8 = "utf-8"
    /// GB18030, a superset of GBK and GB2312; transcoded to UTF-8 while reading.
    case gb18030 = "gb18030"

    public var description: String { rawValue }

    /// The name shown to the clerk.
    public var displayName: String {
        switch self {
        case .utf8BOM: return "UTF-8（带BOM）"
        case .utf8: return "UTF-8"
        case .gb18030: return "GB18030（GBK）"
        }
    }

    /// Decides the encoding from the first chunk of a file.
    ///
    /// - Parameters:
    ///   - prefix: the first bytes of the file (typically 64 KiB, or the whole file if smaller).
    ///   - isWholeFile: true when `prefix` is the entire file; otherwise a multi-byte UTF-8
    ///     sequence cut off at the end of `prefix` still counts as valid UTF-8.
    /// - Returns: `.utf8BOM` when the BOM is present; `.utf8` when `prefix` is valid UTF-8;
    ///   otherwise `.gb18030`. Binary content is checked separately by `binaryContentKind`.
    ///   (`CSVReader` still switches to GB18030 later if a pure-ASCII prefix is followed by
    ///   bytes that are not UTF-8.)
    public static func detect(_ prefix: UnsafeRawBufferPointer, isWholeFile: Bool) -> SourceEncoding {
        let bytes = prefix.bindMemory(to: UInt8.self)
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { return .utf8BOM }
        var validator = UTF8Validator()
        if validator.firstInvalid(in: bytes) != nil { return .gb18030 }
        if validator.isMidSequence && isWholeFile {
            // The file ends inside a multi-byte sequence. If everything before it was valid
            // UTF-8 containing non-ASCII text, it is a truncated UTF-8 file (reported as such
            // later, with its row) rather than GB18030.
            return validator.completedSequences > 0 ? .utf8 : .gb18030
        }
        return .utf8
    }

    /// What kind of non-text file this looks like, or nil when it looks like text.
    static func binaryContentKind(_ prefix: UnsafeRawBufferPointer) -> BinaryContentKind? {
        let b = prefix.bindMemory(to: UInt8.self)
        func starts(with sig: [UInt8]) -> Bool {
            guard b.count >= sig.count else { return false }
            for i in 0..<sig.count where b[i] != sig[i] { return false }
            return true
        }
        if starts(with: [0x50, 0x4B, 0x03, 0x04]) || starts(with: [0x50, 0x4B, 0x05, 0x06]) { return .zip }
        if starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .oleExcel }
        if starts(with: [0x25, 0x50, 0x44, 0x46, 0x2D]) { return .pdf }
        if starts(with: [0xFF, 0xFE]) || starts(with: [0xFE, 0xFF]) { return .utf16 }
        if b.firstIndex(of: 0) != nil {
            // UTF-16 without a BOM: text with a NUL in every other byte.
            return .nul
        }
        return nil
    }

    enum BinaryContentKind {
        case zip, oleExcel, pdf, utf16, nul
    }

    static func binaryContentDiagnostic(_ kind: BinaryContentKind, file: String) -> Diagnostic {
        let what: String
        switch kind {
        case .zip: what = "它看起来是Excel工作簿（.xlsx）或其他压缩文件"
        case .oleExcel: what = "它看起来是旧版Excel工作簿（.xls）"
        case .pdf: what = "它看起来是PDF文件"
        case .utf16: what = "它是UTF-16（“Unicode文本”）编码"
        case .nul: what = "文件中含有NUL（0）字节，是二进制文件"
        }
        return Diagnostic(
            code: kind == .utf16 ? "csv-utf16" : "csv-not-text", file: file,
            "这不是CSV文本文件：\(what)。请在Excel/WPS中“另存为”CSV（逗号分隔）文件，编码选UTF-8或GB18030（GBK）。")
    }
}
