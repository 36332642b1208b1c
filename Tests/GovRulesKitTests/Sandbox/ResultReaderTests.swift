import Foundation
import Testing
@testable import GovRulesKit

/// The host reads a plain `classify` result itself and leaves everything else to the prelude's
/// `finish` (sandbox.c, "Reading a result"). These change what the shipped `classify` returns and
/// check that each kind of result is read, or refused, with the message a policy officer needs.
@Suite("Reading a classify result")
struct ResultReaderTests {
    static let returnLine = "  return r\nend"

    /// The shipped rules with `policy.classify` returning `expression` (which may use `r`).
    static func returning(_ expression: String) throws -> URL {
        try MemoTests.rules(patching: "policy.lua", returnLine, "  return \(expression)\nend")
    }

    static func messages(_ rules: URL) throws -> (Int32, String, Data?) {
        let (outcome, data) = try MemoTests.classify(rules: rules, memo: true, limits: SandboxLimits())
        return (outcome.status, outcome.diagnostics.map(\.description).joined(separator: "\n"), data)
    }

    @Test func anUnknownOutcomeKeyIsNamed() throws {
        let (status, text, _) = try Self.messages(try Self.returning(#"(function() r.outcome = "nonsense"; return r end)()"#))
        #expect(status != 0)
        #expect(text.contains("规则返回了未知的结果键“nonsense”"), "\(text)")
    }

    @Test func anUnknownStatusIsNamed() throws {
        let (status, text, _) = try Self.messages(try Self.returning(#"(function() r.status = "sometimes"; return r end)()"#))
        #expect(status != 0)
        #expect(text.contains("规则返回了未知的期限状态“sometimes”"), "\(text)")
    }

    @Test func aResultThatIsNotATableIsRefused() throws {
        let (status, text, _) = try Self.messages(try Self.returning("r.outcome"))
        #expect(status != 0)
        #expect(text.contains("classify 必须返回一个表"), "\(text)")
    }

    @Test func aDateGivenAsTextNamesTheFieldAndTheValue() throws {
        let (status, text, _) = try Self.messages(try Self.returning(#"(function() r.start = "2024-01-02"; return r end)()"#))
        #expect(status != 0)
        #expect(text.contains("classify 的结果中 start 必须是整数或 nil"), "\(text)")
        #expect(text.contains("字符串“2024-01-02”"), "\(text)")
    }

    @Test func aDateGivenAsTextWithWarningsIsRefusedTheSameWay() throws {
        // With warnings the prelude's `finish` reads the result; the message must not change.
        let (status, text, _) = try Self.messages(try Self.returning(
            #"(function() r.start = "2024-01-02"; r.warnings = { "提示" }; return r end)()"#))
        #expect(status != 0)
        #expect(text.contains("classify 的结果中 start 必须是整数或 nil"), "\(text)")
    }

    @Test func aResultReadThroughAMetatableGivesTheSameOutput() throws {
        let (status, text, data) = try Self.messages(try Self.returning("setmetatable({}, { __index = r })"))
        #expect(status == 0, "\(text)")
        let (_, shipped) = try MemoTests.classify(rules: nil, memo: true, limits: SandboxLimits())
        #expect(data != nil && data == shipped)
    }

    @Test func integralFloatsAreReadAsIntegersAsBefore() throws {
        let (status, text, data) = try Self.messages(try Self.returning(
            "(function() if r.due then r.due = r.due + 0.0 end; return r end)()"))
        #expect(status == 0, "\(text)")
        let (_, shipped) = try MemoTests.classify(rules: nil, memo: true, limits: SandboxLimits())
        #expect(data != nil && data == shipped)
    }
}
