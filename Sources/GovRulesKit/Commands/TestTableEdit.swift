import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Rewrites cells of a test table in place for `govrules test --accept`, and nothing else: every
/// other byte of the file (other rows and columns, quoting, line endings, the byte-order mark,
/// the encoding) stays as it was. The file is replaced atomically.
///
/// The table is scanned as raw bytes: `,` `"` CR and LF are single bytes in UTF-8 and never occur
/// inside a GB18030 character (its trail bytes are 0x30 and above), so a GB18030 table from
/// Excel is edited the same way, with the new text encoded in GB18030.
enum TestTableEdit {
    /// One expectation cell to rewrite: spreadsheet row (header = 1), field index, the column's
    /// header, its text before and after.
    struct Cell: Sendable {
        var row: Int
        var field: Int
        var column: String
        var old: String
        var new: String
    }

    /// A message's text up to its first `；`/`;`, which `govrules test` splits expectations on:
    /// still a substring of the message, so the expectation matches it. Nil if that is empty.
    static func fragment(_ message: String) -> String? {
        let head = message.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "；" || $0 == ";" }).first
            .map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
        return head.isEmpty ? nil : head
    }

    static func apply(path: String, cells: [Cell]) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Diagnostic(code: "tests-write", file: path, "无法读取测试用例表")
        }
        let bytes = try rewrite([UInt8](data), cells: cells, file: path)
        let sink = try OutputFile.open(path: path)
        do {
            try bytes.withUnsafeBytes { try sink.write($0) }
            try sink.commit()
        } catch {
            sink.abandon()
            throw error
        }
    }

    /// The file's bytes with the cells replaced.
    static func rewrite(_ input: [UInt8], cells: [Cell], file: String) throws -> [UInt8] {
        let bom = input.starts(with: [0xEF, 0xBB, 0xBF])
        let gb18030 = !bom && String(validating: input, as: UTF8.self) == nil
        let records = scan(input, from: bom ? 3 : 0)
        var replacements: [(range: Range<Int>, bytes: [UInt8])] = []
        var appended: [Int: [Int: [UInt8]]] = [:]   // record index → field → text, for short rows
        for cell in cells {
            guard let r = records.firstIndex(where: { $0.row == cell.row }) else {
                throw Diagnostic(code: "tests-write", file: file, line: cell.row, "找不到这一行，未写入（测试用例表在运行期间被改动了？）")
            }
            let record = records[r]
            var text = try encode(cell.new, gb18030: gb18030, file: file)
            if cell.field < record.fields.count {
                let f = record.fields[cell.field]
                if f.quoted || needsQuotes(cell.new) { text = quoted(text) }
                replacements.append((f.start..<f.end, text))
            } else {
                appended[r, default: [:]][cell.field] = needsQuotes(cell.new) ? quoted(text) : text
            }
        }
        // A short (ragged) row gets the missing fields up to the last one written, before its end.
        for (r, fields) in appended {
            let record = records[r]
            var bytes: [UInt8] = []
            for f in record.fields.count...fields.keys.max()! {
                bytes.append(UInt8(ascii: ","))
                bytes += fields[f] ?? []
            }
            replacements.append((record.end..<record.end, bytes))
        }
        var out = input
        for r in replacements.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            out.replaceSubrange(r.range, with: r.bytes)
        }
        return out
    }

    struct Field { var start: Int; var end: Int; var quoted: Bool }
    struct Record { var row: Int; var fields: [Field]; var end: Int }

    /// Every record with the byte span of each field (quotes included) and where it ends
    /// (before its line break). Rows are numbered as CSVReader numbers them: a quoted line break
    /// adds none, a blank line adds one; LF, CRLF and a lone CR end a record.
    static func scan(_ b: [UInt8], from start: Int) -> [Record] {
        let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var records: [Record] = []
        var i = start
        var row = 1
        let n = b.count
        while i < n {
            var fields: [Field] = []
            while true {
                let fieldStart = i
                var isQuoted = false
                if i < n && b[i] == quote {
                    isQuoted = true
                    i += 1
                    while i < n {
                        if b[i] == quote {
                            if i + 1 < n && b[i + 1] == quote { i += 2; continue }
                            i += 1
                            break
                        }
                        i += 1
                    }
                }
                while i < n && b[i] != comma && b[i] != lf && b[i] != cr { i += 1 }
                fields.append(Field(start: fieldStart, end: i, quoted: isQuoted))
                if i < n && b[i] == comma { i += 1; continue }
                break
            }
            let end = i
            if i < n && b[i] == cr { i += 1; if i < n && b[i] == lf { i += 1 } } else if i < n && b[i] == lf { i += 1 }
            records.append(Record(row: row, fields: fields, end: end))
            row += 1
        }
        return records
    }

    static func needsQuotes(_ s: String) -> Bool {
        s.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
    }

    static func quoted(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for c in bytes {
            out.append(c)
            if c == UInt8(ascii: "\"") { out.append(c) }
        }
        out.append(UInt8(ascii: "\""))
        return out
    }

    static func encode(_ s: String, gb18030: Bool, file: String) throws -> [UInt8] {
        let utf8 = Array(s.utf8)
        guard gb18030, !utf8.allSatisfy({ $0 < 0x80 }) else { return utf8 }
        let cd = iconv_open("GB18030", "UTF-8")
        guard let cd, Int(bitPattern: cd) != -1 else {
            throw Diagnostic(code: "encoding-unavailable", file: file,
                             "测试用例表是GB18030（GBK）编码，但本系统缺少GB18030转换模块（glibc gconv），无法写入；请把文件另存为“CSV UTF-8”后再试")
        }
        defer { iconv_close(cd) }
        var input = utf8.map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: utf8.count * 2 + 8)
        let produced: Int = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                var inPtr: UnsafeMutablePointer<CChar>? = inBuf.baseAddress
                var inLeft = inBuf.count
                var outPtr: UnsafeMutablePointer<CChar>? = outBuf.baseAddress
                var outLeft = outBuf.count
                let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                return r == -1 || inLeft != 0 ? -1 : outBuf.count - outLeft
            }
        }
        guard produced >= 0 else {
            throw Diagnostic(code: "tests-write", file: file, "“\(s)”无法用GB18030编码写入")
        }
        return output[0..<produced].map { UInt8(bitPattern: $0) }
    }
}
