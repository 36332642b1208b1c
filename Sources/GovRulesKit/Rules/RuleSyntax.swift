/// Explains a Lua syntax error in a rule file in Chinese, at the line to fix. Lua's own message
/// is exact but written for programmers, and two mistakes a policy officer makes all the time
/// come out at the wrong place or in terms nobody reading it uses:
/// - full-width punctuation typed with a Chinese input method (`，` `（` `“`): Lua says
///   `unexpected symbol near '<\239>'`;
/// - a missing `end`: Lua notices only at the end of the file, and names the outermost block
///   still open there, not the one that lacks its `end`.
enum RuleSyntax {
    struct Explanation: Equatable {
        var line: Int
        var text: String
    }

    /// `message` is Lua's text after `file:line:`; `line` is the line Lua reported.
    static func explain(_ message: String, line: Int, source: String) -> Explanation? {
        let tokens = LuaLexer.tokenize(source)
        let bytes = Array(source.utf8)
        if let e = fullWidth(tokens, bytes: bytes, reportedLine: line) { return e }
        if message.contains("'end' expected") { return missingEnd(message, tokens, source: source, reportedLine: line) }
        if let t = translate(message) { return Explanation(line: line, text: t) }
        return nil
    }

    // MARK: Full-width punctuation

    /// Characters a Chinese input method types in place of Lua's, with what to type instead.
    static let punctuation: [Character: (name: String, ascii: String)] = [
        "，": ("全角逗号", ","), "、": ("顿号", ","), "。": ("句号", "."), "．": ("全角句点", "."),
        "（": ("全角左括号", "("), "）": ("全角右括号", ")"),
        "“": ("中文左双引号", "\""), "”": ("中文右双引号", "\""), "‘": ("中文左单引号", "'"), "’": ("中文右单引号", "'"),
        "：": ("全角冒号", ":"), "；": ("全角分号", ";"), "＝": ("全角等号", "="),
        "【": ("中文左方括号", "["), "】": ("中文右方括号", "]"), "［": ("全角左方括号", "["), "］": ("全角右方括号", "]"),
        "｛": ("全角左花括号", "{"), "｝": ("全角右花括号", "}"), "《": ("中文书名号", "<"), "》": ("中文书名号", ">"),
        "＜": ("全角小于号", "<"), "＞": ("全角大于号", ">"), "＋": ("全角加号", "+"), "－": ("全角减号", "-"),
        "＊": ("全角星号", "*"), "／": ("全角斜杠", "/"), "！": ("全角感叹号", "~"), "～": ("全角波浪号", "~"),
        "＃": ("全角井号", "#"), "…": ("省略号", "..."), "—": ("破折号", "-"), "\u{3000}": ("全角空格", " "),
        "\u{00A0}": ("不换行空格", " "),
    ]

    /// The first character outside strings and comments that Lua cannot read, on or before the
    /// line Lua reported (Lua stops at the first one it meets).
    private static func fullWidth(_ tokens: [LuaToken], bytes: [UInt8], reportedLine: Int) -> Explanation? {
        guard let t = tokens.first(where: { $0.kind == .symbol && $0.text.utf8.first.map { $0 >= 0x80 } == true }),
              t.line <= reportedLine else { return nil }
        let column = Self.column(of: t.offset, in: bytes)
        let ch = t.text
        let what: String
        if let first = ch.first, let p = punctuation[first] {
            what = "\(p.name)“\(ch)”：Lua 代码里的标点必须是半角（英文）符号，请改为“\(p.ascii)”"
        } else if let v = ch.unicodeScalars.first?.value, (0xFF01...0xFF5E).contains(v), let a = Unicode.Scalar(v - 0xFEE0) {
            what = "全角字符“\(ch)”：Lua 代码里的符号必须是半角（英文）字符，请改为“\(Character(a))”"
        } else {
            what = "字符“\(ch)”：Lua 代码里只能用英文字母、数字和半角符号；中文只能写在引号内的字符串或 -- 注释里"
        }
        return Explanation(line: t.line, text: "第\(t.line)行第\(column)列是\(what)")
    }

    /// The column as an editor shows it: characters (not bytes) from the start of the line.
    static func column(of offset: Int, in b: [UInt8]) -> Int {
        var start = min(offset, b.count)
        while start > 0 && b[start - 1] != 0x0A { start -= 1 }
        var n = 1
        for k in start..<min(offset, b.count) where b[k] & 0xC0 != 0x80 { n += 1 }
        return n
    }

    // MARK: Missing end

    static let blockNames = ["function": "function 函数", "if": "if 语句", "for": "for 循环", "while": "while 循环",
                             "do": "do 语句块", "repeat": "repeat 循环"]

    /// Pairs every block opener with its `end`. The block that lacks its `end` is usually the
    /// first whose `end`, as the file is indented, belongs to an outer block: an `end` that
    /// stands further left than the line that opened the block it closes. With no such clue,
    /// the innermost block still open at the end of the file.
    private static func missingEnd(_ message: String, _ tokens: [LuaToken], source: String, reportedLine: Int) -> Explanation? {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        func indent(_ line: Int) -> Int {
            guard line >= 1, line <= lines.count else { return 0 }
            var w = 0
            for ch in lines[line - 1] {
                if ch == " " { w += 1 } else if ch == "\t" { w += 4 } else { break }
            }
            return w
        }
        var firstOnLine = Set<Int>()   // token indexes that start their line
        var lastLine = 0
        for (k, t) in tokens.enumerated() where t.line != lastLine { firstOnLine.insert(k); lastLine = t.line }

        var stack: [(keyword: String, line: Int)] = []
        var awaitingDo = 0
        var suspect: (keyword: String, line: Int)?
        for (k, t) in tokens.enumerated() where t.kind == .keyword {
            switch t.text {
            case "function", "if", "repeat":
                stack.append((t.text, t.line))
            case "while", "for":
                stack.append((t.text, t.line)); awaitingDo += 1
            case "do":
                if awaitingDo > 0 { awaitingDo -= 1 } else { stack.append(("do", t.line)) }
            case "end", "until":
                guard let open = stack.popLast() else { continue }
                if suspect == nil, firstOnLine.contains(k), open.line != t.line, indent(t.line) < indent(open.line) {
                    suspect = open
                }
            default: break
            }
        }
        let atEOF = message.contains("<eof>")
        var culprit: (keyword: String, line: Int)?
        if atEOF { culprit = suspect ?? stack.last }
        if culprit == nil, let r = message.range(of: #"to close '(\w+)' at line (\d+)"#, options: .regularExpression) {
            let parts = message[r].split(separator: " ")
            if parts.count == 6, let l = Int(parts[5]) { culprit = (String(parts[2].dropFirst().dropLast()), l) }
        }
        guard let c = culprit else {
            return Explanation(line: reportedLine, text: "第\(reportedLine)行处缺少 end：某个语句块（function、if、for、while、do）没有以 end 结束")
        }
        let name = blockNames[c.keyword] ?? c.keyword
        let closer = c.keyword == "repeat" ? "until" : "end"
        var text = "缺少 \(closer)：第\(c.line)行开始的 \(name)没有对应的 \(closer)"
        if atEOF { text += "（Lua 读到文件末尾第\(reportedLine)行才发现）" }
        return Explanation(line: c.line, text: text)
    }

    // MARK: Other messages

    private static func translate(_ m: String) -> String? {
        func near() -> String {
            guard let r = m.range(of: " near ") else { return "" }
            return "（在 \(m[r.upperBound...]) 处）"
        }
        if m.hasPrefix("unfinished string") { return "字符串没有结束：引号不成对\(near())" }
        if m.hasPrefix("unfinished long string") || m.hasPrefix("unfinished long comment") { return "[[ … ]] 没有结束\(near())" }
        if m.hasPrefix("unexpected symbol") { return "这里有 Lua 无法识别的写法\(near())" }
        if m.hasPrefix("'=' expected") { return "这里应有“=”\(near())" }
        if m.hasPrefix("')' expected") { return "缺少右括号“)”\(near())" }
        if m.hasPrefix("'}' expected") { return "缺少右花括号“}”（表没有结束）\(near())" }
        if m.hasPrefix("']' expected") { return "缺少右方括号“]”\(near())" }
        if m.hasPrefix("'then' expected") { return "if 或 elseif 的条件后缺少 then\(near())" }
        if m.hasPrefix("'do' expected") { return "for 或 while 的条件后缺少 do\(near())" }
        if m.hasPrefix("'until' expected") { return "repeat 循环缺少 until\(near())" }
        if m.hasPrefix("<name> expected") { return "这里应是一个名字（变量名或字段名）\(near())" }
        if m.hasPrefix("malformed number") { return "数字写法有误\(near())" }
        return nil
    }
}
