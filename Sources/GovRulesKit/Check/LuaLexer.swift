/// A Lua 5.4 tokenizer for `govrules check`'s static look at the rule files. It only needs to
/// be right about what is code and what is not (comments, short and long strings), the value of
/// string literals and the line of every token; it never judges whether the code is valid Lua
/// (the engine has already loaded it).
struct LuaToken: Equatable {
    enum Kind: Equatable {
        case name       // identifiers
        case keyword
        case string     // `text` holds the decoded value
        case number
        case symbol     // operators and punctuation
    }
    var kind: Kind
    var text: String
    var line: Int
    /// Byte offset of the token's first byte in the source (for columns in messages).
    var offset: Int = 0

    func isSymbol(_ s: String) -> Bool { kind == .symbol && text == s }
    func isKeyword(_ s: String) -> Bool { kind == .keyword && text == s }
    func isName(_ s: String) -> Bool { kind == .name && text == s }
}

enum LuaLexer {
    static let keywords: Set<String> = [
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
        "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    ]
    private static let symbols3 = ["..."]
    private static let symbols2 = ["..", "==", "~=", "<=", ">=", "//", "::", "<<", ">>"]

    static func tokenize(_ source: String) -> [LuaToken] {
        let b = Array(source.utf8)
        var tokens: [LuaToken] = []
        var i = 0
        var line = 1
        let n = b.count

        func isNameStart(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F }
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        func at(_ k: Int) -> UInt8 { k < n ? b[k] : 0 }

        /// `[[`, `[==[`: the level, or nil when `i` does not open a long bracket.
        func longBracketLevel(_ start: Int) -> Int? {
            guard at(start) == 0x5B else { return nil }
            var k = start + 1
            var level = 0
            while at(k) == 0x3D { level += 1; k += 1 }
            return at(k) == 0x5B ? level : nil
        }
        /// Skips a long bracket starting at `i`; returns its content.
        func readLong(level: Int) -> String {
            i += level + 2
            // A newline right after the opening bracket is not part of the string.
            if at(i) == 0x0D { i += 1; if at(i) == 0x0A { i += 1 }; line += 1 }
            else if at(i) == 0x0A { i += 1; if at(i) == 0x0D { i += 1 }; line += 1 }
            let start = i
            while i < n {
                if b[i] == 0x5D {
                    var k = i + 1
                    var l = 0
                    while at(k) == 0x3D { l += 1; k += 1 }
                    if l == level && at(k) == 0x5D {
                        let text = String(decoding: b[start..<i], as: UTF8.self)
                        i = k + 1
                        return text
                    }
                }
                if b[i] == 0x0A { line += 1 }
                i += 1
            }
            return String(decoding: b[start..<n], as: UTF8.self)
        }

        while i < n {
            let c = b[i]
            if c == 0x0A { line += 1; i += 1; continue }
            if c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0B || c == 0x0C { i += 1; continue }
            // Comments.
            if c == 0x2D && at(i + 1) == 0x2D {
                i += 2
                if let level = longBracketLevel(i) { _ = readLong(level: level); continue }
                while i < n && b[i] != 0x0A { i += 1 }
                continue
            }
            let startLine = line
            let startOffset = i
            if isNameStart(c) {
                let s = i
                while i < n && (isNameStart(b[i]) || isDigit(b[i])) { i += 1 }
                let text = String(decoding: b[s..<i], as: UTF8.self)
                tokens.append(LuaToken(kind: keywords.contains(text) ? .keyword : .name, text: text, line: startLine, offset: startOffset))
                continue
            }
            if isDigit(c) || (c == 0x2E && isDigit(at(i + 1))) {
                let s = i
                var previous: UInt8 = 0
                while i < n {
                    let d = b[i]
                    let exponentSign = (d == 0x2B || d == 0x2D) && (previous == 0x65 || previous == 0x45 || previous == 0x70 || previous == 0x50)
                    guard isNameStart(d) || isDigit(d) || d == 0x2E || exponentSign else { break }
                    previous = d
                    i += 1
                }
                tokens.append(LuaToken(kind: .number, text: String(decoding: b[s..<i], as: UTF8.self), line: startLine, offset: startOffset))
                continue
            }
            if c == 0x22 || c == 0x27 {
                tokens.append(LuaToken(kind: .string, text: readShortString(b, &i, &line), line: startLine, offset: startOffset))
                continue
            }
            if let level = longBracketLevel(i) {
                tokens.append(LuaToken(kind: .string, text: readLong(level: level), line: startLine, offset: startOffset))
                continue
            }
            var matched: String?
            for s in symbols3 + symbols2 where i + s.utf8.count <= n && Array(b[i..<(i + s.utf8.count)]) == Array(s.utf8) {
                matched = s; break
            }
            if let m = matched {
                tokens.append(LuaToken(kind: .symbol, text: m, line: startLine, offset: startOffset))
                i += m.utf8.count
                continue
            }
            // Any other byte (including stray UTF-8 outside strings) is a one-character symbol.
            var len = 1
            if c >= 0xC0 { while i + len < n && (b[i + len] & 0xC0) == 0x80 { len += 1 } }
            tokens.append(LuaToken(kind: .symbol, text: String(decoding: b[i..<(i + len)], as: UTF8.self), line: startLine, offset: startOffset))
            i += len
        }
        return tokens
    }

    /// Reads a quoted string at `i` (on the quote), decoding the escapes Lua knows.
    private static func readShortString(_ b: [UInt8], _ i: inout Int, _ line: inout Int) -> String {
        let quote = b[i]
        i += 1
        var out: [UInt8] = []
        let n = b.count
        func hexValue(_ c: UInt8) -> UInt32? {
            switch c {
            case 0x30...0x39: return UInt32(c - 0x30)
            case 0x41...0x46: return UInt32(c - 0x41 + 10)
            case 0x61...0x66: return UInt32(c - 0x61 + 10)
            default: return nil
            }
        }
        while i < n {
            let c = b[i]
            if c == quote { i += 1; break }
            if c == 0x0A { break }  // unfinished string: Lua would not have loaded the file
            if c != 0x5C { out.append(c); i += 1; continue }
            i += 1
            guard i < n else { break }
            let e = b[i]
            switch e {
            case 0x6E: out.append(0x0A); i += 1           // \n
            case 0x74: out.append(0x09); i += 1           // \t
            case 0x72: out.append(0x0D); i += 1           // \r
            case 0x61: out.append(0x07); i += 1           // \a
            case 0x62: out.append(0x08); i += 1           // \b
            case 0x66: out.append(0x0C); i += 1           // \f
            case 0x76: out.append(0x0B); i += 1           // \v
            case 0x0A: out.append(0x0A); line += 1; i += 1
            case 0x78:                                    // \xXX
                i += 1
                var v: UInt32 = 0
                for _ in 0..<2 where i < n { if let h = hexValue(b[i]) { v = v * 16 + h; i += 1 } }
                out.append(UInt8(truncatingIfNeeded: v))
            case 0x7A:                                    // \z skips whitespace
                i += 1
                while i < n && (b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x09 || b[i] == 0x0D) {
                    if b[i] == 0x0A { line += 1 }
                    i += 1
                }
            case 0x75:                                    // \u{XXX}
                i += 1
                if i < n && b[i] == 0x7B { i += 1 }
                var v: UInt32 = 0
                while i < n, let h = hexValue(b[i]) { v = v &* 16 &+ h; i += 1 }
                if i < n && b[i] == 0x7D { i += 1 }
                if let s = Unicode.Scalar(v) { out.append(contentsOf: Array(String(Character(s)).utf8)) }
            case 0x30...0x39:                             // \ddd
                var v = 0
                var k = 0
                while k < 3 && i < n && b[i] >= 0x30 && b[i] <= 0x39 { v = v * 10 + Int(b[i] - 0x30); i += 1; k += 1 }
                out.append(UInt8(truncatingIfNeeded: v))
            default: out.append(e); i += 1                // \\ \" \' and anything else
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
