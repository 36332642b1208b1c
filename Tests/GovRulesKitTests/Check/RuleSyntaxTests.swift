import Testing
@testable import GovRulesKit

/// Lua syntax errors explained at the line to fix (issue 11, point 10).
@Suite("Rule syntax explanations")
struct RuleSyntaxTests {
    @Test(arguments: [
        ("local x = f(1， 2)", "全角逗号“，”", 14, ","),
        ("local x = f（1)", "全角左括号“（”", 12, "("),
        ("local t = { a = 1）", "全角右括号“）”", 18, ")"),
        ("local s = “文字”", "中文左双引号““”", 11, "\""),
        ("local t = { a：1 }", "全角冒号“：”", 14, ":"),
        ("local a = 1；", "全角分号“；”", 12, ";"),
        ("local a ＝ 1", "全角等号“＝”", 9, "="),
        ("local a =\u{3000}1", "全角空格", 10, " "),
    ])
    func fullWidthPunctuationIsNamedWithItsColumn(_ code: String, _ name: String, _ column: Int, _ ascii: String) throws {
        let source = "-- 注释里的，不算\nlocal ok = \"字符串里的，也不算\"\n" + code + "\n"
        let e = try #require(RuleSyntax.explain("unexpected symbol near '<\\239>'", line: 3, source: source))
        #expect(e.line == 3)
        #expect(e.text.contains("第3行第\(column)列是\(name)"), "\(e.text)")
        #expect(e.text.contains("请改为“\(ascii)”"))
    }

    @Test func otherCharactersOutsideStringsAreExplainedToo() throws {
        let e = try #require(RuleSyntax.explain("unexpected symbol near '<\\229>'", line: 1, source: "local 结果 = 1\n"))
        #expect(e.text.contains("第1行第7列是字符“结”"))
        #expect(e.text.contains("中文只能写在引号内的字符串或 -- 注释里"))
    }

    /// The `end` at column 1 closes the `if` opened further right: that `if` lacks its own.
    @Test func missingEndPointsAtTheUnclosedBlock() throws {
        let source = """
        local function f(x)
          if x then
            return 1
        end

        local function g()
          return 2
        end
        """
        let e = try #require(RuleSyntax.explain("'end' expected (to close 'function' at line 1) near <eof>", line: 8, source: source))
        #expect(e.line == 2)
        #expect(e.text.contains("第2行开始的 if 语句没有对应的 end"))
        #expect(e.text.contains("文件末尾第8行"))
    }

    @Test func missingEndOfTheLastBlockIsTheInnermostStillOpen() throws {
        let source = "local function f()\n  return 1\nend\n\nfor i = 1, 3 do\n  local y = i\n"
        let e = try #require(RuleSyntax.explain("'end' expected (to close 'for' at line 5) near <eof>", line: 6, source: source))
        #expect(e.line == 5)
        #expect(e.text.contains("第5行开始的 for 循环没有对应的 end"))
    }

    @Test func missingEndBeforeAnotherStatementTrustsLua() throws {
        let source = "local function f(a)\n  if a then\n    return 0\n  if a then end\nend\n"
        let e = try #require(RuleSyntax.explain("'end' expected (to close 'if' at line 2) near 'if'", line: 4, source: source))
        #expect(e.line == 2)
        #expect(e.text.contains("第2行开始的 if 语句"))
    }

    @Test func commonMessagesAreSaidInChinese() throws {
        #expect(RuleSyntax.explain("unfinished string near '\"abc'", line: 1, source: "x = \"abc\n")?.text.contains("引号不成对") == true)
        #expect(RuleSyntax.explain("'then' expected near 'return'", line: 1, source: "if x return end\n")?.text.contains("缺少 then") == true)
        #expect(RuleSyntax.explain("something Lua says", line: 1, source: "x = = 1\n") == nil)
    }
}
