import Foundation
import Testing

/// What a policy officer's typing mistakes and impossible calendar data come back as (issue 11,
/// points 10 and 11): Chinese, at the file and line to fix, never a host frame. Each case puts
/// its fixture (Fixtures/<testName>.lua) into a copy of rules/.
@Suite("EndToEnd policy mistakes")
struct EndToEndPolicyMistakeTests {
    /// A copy of rules/ with `relativePath` replaced by the test's fixture.
    static func rules(with fixture: String, at relativePath: String) throws -> (dir: URL, rules: String) {
        let dir = try E2E.copyOfRules()
        let target = dir.appendingPathComponent("rules").appendingPathComponent(relativePath)
        try FileManager.default.removeItem(at: target)
        try FileManager.default.copyItem(at: E2E.repoRoot.appendingPathComponent(E2E.fixture(fixture)), to: target)
        return (dir, dir.appendingPathComponent("rules").path)
    }

    /// Runs check and classify on the broken copy; both must fail with the one located error.
    static func failures(_ rules: String) -> [GovrulesOutput] {
        [E2E.run(["check", "--rules", rules]),
         E2E.run(["classify", "examples/requests.csv", "--rules", rules, "--as-of", "2025-01-10"])]
    }

    @Test func fullWidthPunctuationInRuleFile() throws {
        let (dir, rules) = try Self.rules(with: "fullWidthPunctuationInRuleFile.lua", at: "policy.lua")
        defer { try? FileManager.default.removeItem(at: dir) }
        for r in Self.failures(rules) {
            #expect(r.status == 1)
            let e = try #require(r.stderrLines.first { $0.hasPrefix("\(rules)/policy.lua:35: error[rule-syntax]: ") }, "\(r.stderr)")
            #expect(e.contains("第35行第29列是全角逗号“，”"))
            #expect(e.contains("请改为“,”"))
            #expect(r.stderr.contains("Lua 的原始信息：\(rules)/policy.lua:35:"), "the original Lua message follows")
            #expect(!r.stderr.contains("govrules-host"))
        }
    }

    /// Lua notices a missing `end` only at the end of the file, naming the function; the block
    /// that lacks it is the `if` whose `end` the file's indentation gives to the `for`.
    @Test func missingEndInRuleFile() throws {
        let (dir, rules) = try Self.rules(with: "missingEndInRuleFile.lua", at: "policy.lua")
        defer { try? FileManager.default.removeItem(at: dir) }
        for r in Self.failures(rules) {
            #expect(r.status == 1)
            let e = try #require(r.stderrLines.first { $0.hasPrefix("\(rules)/policy.lua:30: error[rule-syntax]: ") }, "\(r.stderr)")
            #expect(e.contains("缺少 end：第30行开始的 if 语句没有对应的 end"))
            #expect(e.contains("Lua 读到文件末尾"))
            #expect(r.stderr.contains("'end' expected (to close 'function' at line 26) near <eof>"), "Lua's own message follows")
        }
    }

    @Test func runtimeErrorInCalendarFile() throws {
        let (dir, rules) = try Self.rules(with: "runtimeErrorInCalendarFile.lua", at: "calendar/2024.lua")
        defer { try? FileManager.default.removeItem(at: dir) }
        for r in Self.failures(rules) {
            #expect(r.status == 1)
            let e = try #require(r.stderrLines.first { $0.hasPrefix("\(rules)/calendar/2024.lua:20: error[rule-error]: ") }, "\(r.stderr)")
            #expect(e.contains("加载规则时规则出错：对空值（nil）取字段"))
            #expect(!r.stderr.contains("govrules-host"), "no host frame: \(r.stderr)")
            #expect(!r.stderr.contains("policy.lua: error"), "the error is not blamed on policy.lua")
        }
    }

    @Test func invalidDateInCalendarFile() throws {
        let (dir, rules) = try Self.rules(with: "invalidDateInCalendarFile.lua", at: "calendar/2024.lua")
        defer { try? FileManager.default.removeItem(at: dir) }
        for r in Self.failures(rules) {
            #expect(r.status == 1)
            let e = try #require(r.stderrLines.first { $0.hasPrefix("\(rules)/calendar/2024.lua:17: error[calendar-date-invalid]: ") }, "\(r.stderr)")
            #expect(e.contains("“春节”的日期“2024-02-1”无效，应写作 YYYY-MM-DD"))
            #expect(!r.stderr.contains("govrules-host"))
            #expect(!r.stderr.contains("calendar.lua:"), "not the line of calendar.lua that noticed it")
        }
    }

    @Test func yearFieldDiffersFromFileName() throws {
        let (dir, rules) = try Self.rules(with: "yearFieldDiffersFromFileName.lua", at: "calendar/2024.lua")
        defer { try? FileManager.default.removeItem(at: dir) }
        for r in Self.failures(rules) {
            #expect(r.status == 1)
            let e = try #require(r.stderrLines.first { $0.hasPrefix("\(rules)/calendar/2024.lua:7: error[calendar-year-field]: ") }, "\(r.stderr)")
            #expect(e.contains("year 字段是 2023，但文件名是 2024.lua"))
        }
    }

    @Test func reversedOffRange() throws {
        let (dir, rules) = try Self.rules(with: "reversedOffRange.lua", at: "calendar/2024.lua")
        defer { try? FileManager.default.removeItem(at: dir) }
        for r in Self.failures(rules) {
            #expect(r.status == 1)
            let e = try #require(r.stderrLines.first { $0.hasPrefix("\(rules)/calendar/2024.lua:18: error[calendar-off-reversed]: ") }, "\(r.stderr)")
            #expect(e.contains("“清明节”的放假区间结束日 2024-04-04 早于开始日 2024-04-06"))
        }
    }

    /// Data calendar.lua loads but that cannot be right: `check` names each with its line.
    @Test func impossibleCalendarData() throws {
        let (dir, rules) = try Self.rules(with: "impossibleCalendarData.lua", at: "calendar/2024.lua")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = E2E.run(["check", "--rules", rules])
        #expect(r.status == 1, "\(r.stderr)")
        let file = "\(rules)/calendar/2024.lua"
        let outside = try #require(r.stderrLines.first { $0.hasPrefix("\(file):20: error[calendar-off-outside-year]: ") }, "\(r.stderr)")
        #expect(outside.contains("“端午节”的放假区间 2023-06-22 至 2023-06-24 不在 2024 年内"))
        let across = try #require(r.stderrLines.first { $0.hasPrefix("\(file):20: error[calendar-off-overlap]: ") }, "\(r.stderr)")
        #expect(across.contains("\(rules)/calendar/2023.lua 第18行“端午节”"))
        let overlap = try #require(r.stderrLines.first { $0.hasPrefix("\(file):22: error[calendar-off-overlap]: ") }, "\(r.stderr)")
        #expect(overlap.contains("“国庆节”的放假区间 2024-10-01 至 2024-10-07 与第21行“中秋节”的区间 2024-09-15 至 2024-10-02 重叠"))
        let weekday = try #require(r.stderrLines.first { $0.hasPrefix("\(file):21: error[calendar-work-weekday]: ") }, "\(r.stderr)")
        #expect(weekday.contains("“中秋节”的调休上班日 2024-09-13 是星期五，本来就是工作日"))
        #expect(r.stderr.contains("检查完成：4 个错误"))
    }

    /// The shipped calendar has none of it.
    @Test func shippedCalendarHasNoImpossibleData() {
        let r = E2E.run(["check"])
        #expect(!r.stderr.contains("error[calendar-"), "\(r.stderr)")
    }
}
