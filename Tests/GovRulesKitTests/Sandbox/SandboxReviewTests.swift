import Foundation
import Testing
@testable import GovRulesKit

/// Findings of a red-team review of the sandbox, each kept as a test: what rules hand back,
/// what they can reach, and what could make two runs differ.
@Suite("Sandbox review findings")
struct SandboxReviewTests {
    @Test func exponentialWarningsStructureIsRefusedInsideTheBudget() throws {
        let started = Date()
        let (outcome, output) = try SandboxHarness.classify(perRow: "W = {'w'} for i = 1, 40 do W = {W, W} end", rows: 1)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(outcome.status == 1)
        #expect(output == nil)
        #expect(outcome.diagnostics.first?.message.contains("结果的 warnings 第1条必须是") == true, "\(outcome.diagnostics)")
    }

    @Test func tooManyOrTooLongWarningsAreRefused() throws {
        let (many, _) = try SandboxHarness.classify(perRow: "W = {} for i = 1, 1000 do W[i] = 'x' end", rows: 1)
        #expect(many.diagnostics.first?.message.contains("最多 64 条") == true, "\(many.diagnostics)")
        let (long, _) = try SandboxHarness.classify(perRow: "W = { string.rep('x', 100000) }", rows: 1)
        #expect(long.diagnostics.first?.message.contains("4096") == true, "\(long.diagnostics)")
    }

    @Test func malformedInvalidListIsARuleErrorNotACrash() throws {
        let (outcome, _) = try SandboxHarness.classify(perRow: "I = { 'x' }", rows: 1)
        #expect(outcome.status == 1)
        #expect(outcome.diagnostics.first?.code == "rule-error")
        #expect(outcome.diagnostics.first?.message.contains("invalid 第1条") == true, "\(outcome.diagnostics)")
    }

    @Test func datesOutsideYearsOneToNineThousandAreRefused() throws {
        let (outcome, _) = try SandboxHarness.classify(perRow: "R = { start = 2147483647 }", rows: 1)
        #expect(outcome.status == 1)
        #expect(outcome.diagnostics.first?.message.contains("日期超出") == true, "\(outcome.diagnostics)")
    }

    @Test func hugeApiVersionIsRefusedNotACrash() throws {
        let rules = try SandboxHarness.folder(policyFields: "junk = math.huge,")
        var policy = try String(contentsOf: rules.appendingPathComponent("policy.lua"), encoding: .utf8)
        policy = policy.replacingOccurrences(of: "api_version = 1", with: "api_version = math.huge")
        try policy.write(to: rules.appendingPathComponent("policy.lua"), atomically: true, encoding: .utf8)
        #expect(throws: Diagnostic.self) { _ = try RuleEngine(folder: RulesFolder(path: rules.path)) }
    }

    @Test func rawsetOnALibraryProxyDoesNotReachOtherFiles() throws {
        let (outcome, _) = try SandboxHarness.classify(
            perRow: "require('other'); assert(string.format('%d', 1) == '1', 'string.format replaced'); assert(math.floor(1.5) == 1)",
            extraModules: ["other": "rawset(string, 'format', function() return 'pwned' end)\nrawset(math, 'floor', function() return 42 end)\nreturn true"])
        #expect(outcome.status == 0, "\(outcome.diagnostics)")
    }

    @Test func formatCannotPrintAddresses() throws {
        let (p, _) = try SandboxHarness.classify(perRow: "W = { string.format('%p', {}) }", rows: 1)
        #expect(p.diagnostics.first?.message.contains("%p") == true, "\(p.diagnostics)")
        let (s, output) = try SandboxHarness.classify(perRow: "W = { string.format('%s|%s', {}, 'x') }", rows: 1)
        #expect(s.status == 0)
        #expect(output?.contains("table|x") == true)
    }

    @Test func sortIsStableAndNextIsNotOffered() throws {
        let (outcome, _) = try SandboxHarness.classify(perRow: """
            local t = {}
            for i = 1, 2000 do t[i] = { key = i % 3, order = i } end
            table.sort(t, function(a, b) return a.key < b.key end)
            for i = 2, #t do
              assert(t[i - 1].key < t[i].key or (t[i - 1].key == t[i].key and t[i - 1].order < t[i].order), 'not stable at ' .. i)
            end
            assert(next == nil, 'next must not be offered: its order changes between runs')
            """, rows: 1, limits: {
                var l = SandboxHarness.quickLimits
                l.instructionsPerRow = 20_000_000
                return l
            }())
        #expect(outcome.status == 0, "\(outcome.diagnostics)")
    }

    @Test func aRowThatFitsAfterCollectingGarbageIsNotCountedAsOutOfMemory() throws {
        // Each row builds a 5 MB string under a 16 MiB cap: some allocation is refused until Lua's
        // emergency collection frees the previous row's string; no row may fail for that.
        let (outcome, _) = try SandboxHarness.classify(perRow: "local s = string.rep('x', 5e6) W = { 'len=' .. #s }", rows: 6)
        #expect(outcome.status == 0, "\(outcome.diagnostics)")
    }

    @Test func aModuleWhoseLoadingFailedIsTriedAgainNotCalledACycle() throws {
        let (outcome, _) = try SandboxHarness.classify(
            perRow: "require('lazy')",
            extraModules: ["lazy": "for i = 1, 1e7 do end\nreturn true"])
        let messages = outcome.diagnostics.map(\.message)
        #expect(outcome.diagnostics.map(\.code) == ["rule-budget", "rule-budget"], "\(messages)")
        #expect(!messages.contains { $0.contains("循环引用") })
    }

    @Test func aSymlinkOutOfTheRulesFolderIsRefused() throws {
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("govrules-secret-\(UUID().uuidString).lua")
        try "return 'SECRET'".write(to: outside, atomically: true, encoding: .utf8)
        let rules = try SandboxHarness.folder()
        try FileManager.default.createSymbolicLink(atPath: rules.appendingPathComponent("ext.lua").path, withDestinationPath: outside.path)
        do {
            _ = try RuleEngine(folder: RulesFolder(path: rules.path))
            Issue.record("a link out of the rules folder must be refused")
        } catch let d as Diagnostic {
            #expect(d.code == "rules-outside")
            #expect(d.file?.hasSuffix("/ext.lua") == true)
        }
    }

    @Test func rowsCannotKeepStateInGlobals() throws {
        let (outcome, _) = try SandboxHarness.classify(perRow: "N = (N or 0) + 1", rows: 2)
        #expect(outcome.diagnostics.map(\.code) == ["rule-error", "rule-error"])
        #expect(outcome.diagnostics.first?.message.contains("不能修改全局变量“N”") == true, "\(outcome.diagnostics)")
        // A module first required while a row runs is frozen too, once loaded.
        let (lazy, _) = try SandboxHarness.classify(perRow: "require('counter').bump()",
            extraModules: ["counter": "count = 0\nreturn { bump = function() count = count + 1 end }"], rows: 1)
        #expect(lazy.diagnostics.first?.message.contains("不能修改全局变量“count”") == true, "\(lazy.diagnostics)")
    }

    @Test func pairsRefusesKeysWithNoStableOrder() throws {
        let (outcome, _) = try SandboxHarness.classify(perRow: "for k in pairs({ [{}] = 1, [{}] = 2 }) do end", rows: 1)
        #expect(outcome.diagnostics.first?.message.contains("pairs 不支持以表或函数为键") == true, "\(outcome.diagnostics)")
    }

    @Test func loadCannotPoseAsARuleFile() throws {
        let (outcome, _) = try SandboxHarness.classify(perRow: "assert(load('error(\"x\")', '@rules/steps.lua'))()", rows: 1)
        let message = try #require(outcome.diagnostics.first?.message)
        #expect(message.contains("(load)"), "\(message)")
        #expect(!message.contains("出错位置：rules/steps.lua"), "\(message)")
    }
}
