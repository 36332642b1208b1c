import Testing
@testable import GovRulesKit

@Suite("LedgerIO value parsers")
struct LedgerIOValueParserTests {
    typealias S = LedgerIOSupport

    func date(_ s: String) -> Day? { S.withBytes(s) { ValueParser.date($0) } }
    func bool(_ s: String) -> Bool? { S.withBytes(s) { ValueParser.bool($0) } }
    func integer(_ s: String) -> Int? { S.withBytes(s) { ValueParser.integer($0) } }
    func trimmed(_ s: String) -> String {
        S.withBytes(s) { String(decoding: ValueParser.trimmed($0), as: UTF8.self) }
    }
    func list(_ s: String) -> [String] {
        S.withBytes(s) { b in
            var ranges: [Range<Int>] = [0..<0] // cleared by listItems
            ValueParser.listItems(b, into: &ranges)
            return ranges.map { String(decoding: UnsafeBufferPointer(rebasing: b[$0]), as: UTF8.self) }
        }
    }

    @Test(arguments: [
        "2020-03-04", "2020/3/4", "2020.3.4", "2020年3月4日", "2020-3-04", "2020/03/4",
        "2020年03月04日", "  2020-03-04\u{3000}", "\t2020/3/4 ", "２０２０年３月４日", "2020-０3-04",
    ])
    func acceptedDateSpellings(_ s: String) {
        #expect(date(s) == Day(year: 2020, month: 3, day: 4), "\(s)")
    }

    @Test func leapDays() {
        #expect(date("2020-02-29") == Day(year: 2020, month: 2, day: 29))
        #expect(date("2000/2/29") == Day(year: 2000, month: 2, day: 29))
        #expect(date("2020-12-31") == Day(year: 2020, month: 12, day: 31))
    }

    @Test(arguments: [
        "", " ", "2021-02-29", "1900-02-29", "2020-04-31", "2020-13-01", "2020-00-10", "2020-01-00",
        "2020-1-32", "20-03-04", "02020-03-04", "2020-003-04", "2020-03-004", "2020/03-04", "2020-03/04",
        "2020.03/04", "2020-03-04-", "2020-03-", "2020-03", "2020", "2020年3月4", "2020年3月4号",
        "2020年3-4日", "2020-3月4日", "2020年3月4日x", "2020 - 03 - 04", "2020-03-04 00:00", "20200304",
        "abcd-ef-gh", "2020--03-04", "-2020-03-04", "2020-+3-04", "0000-01-01",
    ])
    func rejectedDates(_ s: String) {
        #expect(date(s) == nil, "\(s)")
    }

    @Test(arguments: ["是", "Y", "y", "yes", "YES", "Yes", "true", "TRUE", "True", "1", "√", "✓", "✔", " 是 ", "\u{3000}√"])
    func boolYes(_ s: String) {
        #expect(bool(s) == true, "\(s)")
    }

    @Test(arguments: ["否", "N", "n", "no", "NO", "No", "false", "FALSE", "False", "0", " 否\t"])
    func boolNo(_ s: String) {
        #expect(bool(s) == false, "\(s)")
    }

    @Test(arguments: ["", " ", "是的", "不是", "yess", "ye", "t", "f", "2", "-1", "00", "×", "x", "是否", "O", "on", "off", "Ｙ", "nO!"])
    func boolUnknown(_ s: String) {
        #expect(bool(s) == nil, "\(s)")
    }

    @Test func integers() {
        #expect(integer("15") == 15)
        #expect(integer(" 0 ") == 0)
        #expect(integer("-3") == -3)
        #expect(integer("+7") == 7)
        #expect(integer("１５") == 15)
        #expect(integer("1５") == 15)
        #expect(integer("007") == 7)
        #expect(integer("9223372036854775807") == Int.max)
        #expect(integer("-9223372036854775808") == Int.min)
        for bad in ["", " ", "+", "-", "1.5", "1,000", "15天", "十五", "9223372036854775808", "--1", "1 2", "0x10"] {
            #expect(integer(bad) == nil, "\(bad)")
        }
    }

    @Test func trimming() {
        #expect(trimmed("  a b\t") == "a b")
        #expect(trimmed("\u{3000}申请\u{3000}") == "申请")
        #expect(trimmed("\u{A0}x\u{A0}") == "x")
        #expect(trimmed("\r\nx\n") == "x")
        #expect(trimmed(" \u{3000} ") == "")
        #expect(trimmed("") == "")
        // Only whole U+3000 sequences are trimmed; other characters sharing its bytes stay.
        #expect(trimmed("、") == "、")
        #expect(trimmed("〇") == "〇")
    }

    @Test func listSplitting() {
        #expect(list("国家秘密;第三方合法权益") == ["国家秘密", "第三方合法权益"])
        #expect(list("state_secret；third_party、internal_affairs,process_info，enforcement_file")
                == ["state_secret", "third_party", "internal_affairs", "process_info", "enforcement_file"])
        #expect(list(" a ; ;; b\u{3000}、") == ["a", "b"])
        #expect(list("") == [])
        #expect(list(" ；、 ") == [])
        #expect(list("single") == ["single"])
        #expect(list("过程性信息") == ["过程性信息"])
    }

    @Test func asciiCaseInsensitiveComparison() {
        S.withBytes("Natural_Person") { b in
            #expect(ValueParser.equalsASCIICaseInsensitive(b, "natural_person"))
            #expect(ValueParser.equalsASCIICaseInsensitive(b, Array("NATURAL_PERSON".utf8)))
            #expect(!ValueParser.equalsASCIICaseInsensitive(b, "natural person"))
            #expect(!ValueParser.equalsASCIICaseInsensitive(b, "natural_perso"))
        }
        // '@' (0x40) and '`' (0x60) differ by 0x20 like letters but are not letters.
        S.withBytes("@") { #expect(!ValueParser.equalsASCIICaseInsensitive($0, "`")) }
        S.withBytes("_") { #expect(!ValueParser.equalsASCIICaseInsensitive($0, "\u{7F}")) }
        // Non-ASCII bytes compare exactly.
        S.withBytes("自然人") { b in
            #expect(ValueParser.equalsASCIICaseInsensitive(b, "自然人"))
            #expect(!ValueParser.equalsASCIICaseInsensitive(b, "自然囚"))
        }
    }

    @Test func headerNormalisation() {
        #expect(HeaderText.normalize("  申请编号\u{3000}") == "申请编号")
        #expect(HeaderText.normalize("延期工作日数（天）") == "延期工作日数(天)")
        #expect(HeaderText.normalize("【备注】") == "[备注]")
        #expect(HeaderText.normalize("［备注］") == "[备注]")
        #expect(HeaderText.normalize("ＡＰＰＬＩＣＡＮＴ＿ＴＹＰＥ") == "applicant_type")
        #expect(HeaderText.normalize("Applicant_Type") == "applicant_type")
        #expect(HeaderText.normalize("ｉｄ１２") == "id12")
        #expect(HeaderText.normalize("\u{FEFF}id") == "id")
        #expect(HeaderText.normalize("a \u{3000} b") == "a b")
        #expect(HeaderText.normalize("") == "")
        // Chinese text is otherwise untouched.
        #expect(HeaderText.normalize("收到日期") == "收到日期")
    }

    @Test func editDistances() {
        #expect(HeaderText.editDistance("收到日期", "收到日期") == 0)
        #expect(HeaderText.editDistance("收到日其", "收到日期") == 1)
        #expect(HeaderText.editDistance("收到日", "收到日期") == 1)
        #expect(HeaderText.editDistance("申请人类形", "申请人类型") == 1)
        #expect(HeaderText.editDistance("recieved", "received") == 2)
        #expect(HeaderText.editDistance("", "abc") == 3)
        #expect(HeaderText.editDistance("abc", "") == 3)
        #expect(HeaderText.editDistance("kitten", "sitting") == 3)
        // Counted in Characters, not bytes or scalars.
        #expect(HeaderText.editDistance("é", "e\u{301}") == 0)
    }
}
