import Foundation
import Testing
@testable import GovRulesKit

/// Rule files are untrusted input. Each attempt to leave the sandbox must fail with a clear
/// Chinese diagnostic naming the ledger row, write no output file, and have no side effect.
@Suite("Sandbox escape attempts")
struct SandboxEscapeTests {
    struct Attempt: CustomStringConvertible, Sendable {
        let name: String
        let snippet: String
        let code: String
        let messagePart: String
        var description: String { name }
    }

    static let marker = FileManager.default.temporaryDirectory.appendingPathComponent("govrules-escaped-marker").path

    static let attempts: [Attempt] = [
        Attempt(name: "os.execute", snippet: "os.execute('touch \(marker)')", code: "rule-error", messagePart: "os"),
        Attempt(name: "io.open", snippet: "io.open('\(marker)', 'w'):write('x')", code: "rule-error", messagePart: "io"),
        Attempt(name: "require os", snippet: "local os = require('os'); os.execute('touch \(marker)')", code: "rule-error",
                messagePart: "规则目录中没有模块“os”"),
        Attempt(name: "require a path outside the folder", snippet: "require('../../etc/passwd')", code: "rule-error",
                messagePart: "模块名“../../etc/passwd”无效"),
        Attempt(name: "load of a string.dump chunk", snippet: "local f = load(string.dump(function() end)); f()", code: "rule-error",
                messagePart: "dump"),
        Attempt(name: "load of binary bytecode", snippet: "assert(load('\\27Lua\\84\\0'))()", code: "rule-error",
                messagePart: "binary chunk"),
        Attempt(name: "dofile", snippet: "dofile('/etc/passwd')", code: "rule-error", messagePart: "dofile"),
        Attempt(name: "loadfile", snippet: "loadfile('/etc/passwd')()", code: "rule-error", messagePart: "loadfile"),
        Attempt(name: "package.loadlib", snippet: "package.loadlib('libc.so.6', 'system')", code: "rule-error", messagePart: "package"),
        Attempt(name: "debug library", snippet: "debug.sethook()", code: "rule-error", messagePart: "debug"),
        Attempt(name: "collectgarbage", snippet: "collectgarbage('stop')", code: "rule-error", messagePart: "collectgarbage"),
        Attempt(name: "infinite loop", snippet: "while true do end", code: "rule-budget", messagePart: "指令的上限"),
        Attempt(name: "infinite loop inside pcall", snippet: "pcall(function() while true do end end)", code: "rule-budget",
                messagePart: "指令的上限"),
        Attempt(name: "pcall retried forever", snippet: "while true do pcall(function() while true do end end) end",
                code: "rule-budget", messagePart: "指令的上限"),
        Attempt(name: "error handler that loops", snippet: "xpcall(function() while true do end end, function() while true do end end)",
                code: "rule-budget", messagePart: "指令的上限"),
        Attempt(name: "error handler that errors and loops", snippet: "xpcall(function() error('x') end, function() while true do end end)",
                code: "rule-budget", messagePart: "指令的上限"),
        Attempt(name: "__gc finalizer", snippet: "setmetatable({}, { __gc = function() while true do end end })",
                code: "rule-error", messagePart: "__gc"),
        Attempt(name: "memory bomb", snippet: "local t = {} for i = 1, 1e9 do t[i] = string.rep('x', 65536) .. i end",
                code: "rule-memory", messagePart: "内存超过上限"),
        Attempt(name: "memory bomb swallowed by pcall", snippet: "pcall(function() local s = string.rep('x', 1 << 30) end)",
                code: "rule-memory", messagePart: "内存超过上限"),
        Attempt(name: "string metatable", snippet: "getmetatable('').__index.upper = function() end", code: "rule-error",
                messagePart: "boolean"),
        Attempt(name: "assignment to a shared library", snippet: "string.format = nil", code: "rule-error",
                messagePart: "不能修改共享库 string.format"),
        Attempt(name: "rawset on a shared library", snippet: "rawset(table, 'insert', nil); assert(table.insert ~= nil); rawset(string, 'x', 1); error('after rawset')",
                code: "rule-error", messagePart: "after rawset"),
        Attempt(name: "math.random", snippet: "local x = math.random()", code: "rule-error", messagePart: "random"),
        Attempt(name: "table.move over a huge range (a loop in C)", snippet: "table.move({}, 1, 1e15, 2)", code: "rule-budget",
                messagePart: "指令的上限"),
    ]

    @Test(arguments: attempts)
    func escapeFailsClearly(_ attempt: Attempt) throws {
        try? FileManager.default.removeItem(atPath: Self.marker)
        let (outcome, output) = try SandboxHarness.classify(perRow: attempt.snippet)
        #expect(outcome.status == 1, "\(attempt.name): exit status")
        #expect(output == nil, "\(attempt.name): nothing may be written to -o")
        #expect(!FileManager.default.fileExists(atPath: Self.marker), "\(attempt.name): side effect happened")
        let first = try #require(outcome.diagnostics.first { $0.severity == .error })
        #expect(first.code == attempt.code, "\(attempt.name): \(first)")
        #expect(first.message.contains(attempt.messagePart), "\(attempt.name): \(first.message)")
        #expect(first.line == 2, "\(attempt.name): the diagnostic names the ledger row")
        #expect(first.message.contains("申请编号“A-1”"), "\(attempt.name): the diagnostic names the application")
        // Every row fails on its own: the state is reused and the next row is judged afresh.
        #expect(outcome.diagnostics.filter { $0.severity == .error }.count == 2)
    }

    @Test func libraryFunctionsKeepTheirResultsWhereTheyNoLongerLoopInC() throws {
        let started = Date()
        let (outcome, output) = try SandboxHarness.classify(perRow: """
            assert(string.rep('', 1e15) == '' and string.rep('', 2^53, '') == '' and ('').rep('', '1e15') == '')
            assert(string.rep('ab', 3, ',') == 'ab,ab,ab' and string.rep('x', 0) == '' and string.rep('', 2, 'y') == 'y')
            assert(not pcall(string.rep, '', 1.5) and not pcall(string.rep, '', 'z'))
            local t = table.move({ 1, 2, 3, 4, 5 }, 2, 4, 1)
            assert(table.concat(t, ',') == '2,3,4,4,5', table.concat(t, ','))
            t = table.move({ 1, 2, 3, 4, 5 }, 1, 3, 3)
            assert(table.concat(t, ',') == '1,2,1,2,3', table.concat(t, ','))
            local dst = table.move({ 'a', 'b' }, 1, 2, 2, { 'z' })
            assert(table.concat(dst, ',') == 'z,a,b')
            assert(#table.move({ 1 }, 3, 2, 1) == 1)
            assert(not pcall(table.move, {}, 1, 2.5, 1) and not pcall(table.move, 'x', 1, 2, 1))
            """)
        #expect(outcome.status == 0, "\(outcome.diagnostics)")
        #expect(output != nil)
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func unboundedRecursionIsStoppedWithAClearMessage() throws {
        let (outcome, output) = try SandboxHarness.classify(perRow: "local function f(n) return 1 + f(n + 1) end f(1)",
                                                            rows: 1, limits: {
            var l = SandboxHarness.quickLimits
            l.instructionsPerRow = 50_000_000
            return l
        }())
        #expect(outcome.status == 1)
        #expect(output == nil)
        let d = try #require(outcome.diagnostics.first)
        // Lua's own stack limit or the memory cap, whichever comes first: either is named.
        #expect((d.code == "rule-error" && d.message.contains("递归过深")) || d.code == "rule-memory", "\(d)")
    }

    @Test func rowsAfterABudgetFailureRunNormally() throws {
        // Only row A-1 loops; A-2 must be classified with a fresh budget.
        let (outcome, _) = try SandboxHarness.classify(perRow: "if a.id == 'A-1' then while true do end end")
        #expect(outcome.diagnostics.filter { $0.severity == .error }.map(\.line) == [2])
    }

    @Test func keepGoingWritesValidRowsAfterARuleFailure() throws {
        let rules = try SandboxHarness.folder(perRow: "if a.id == 'A-1' then local s = string.rep('x', 1 << 28) end")
        let ledger = try SandboxHarness.ledger()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("keepgoing-\(UUID().uuidString).csv")
        var o = ClassifyOptions(ledgers: [ledger.path], asOf: Day(year: 2020, month: 6, day: 1)!)
        o.rules = rules.path
        o.output = out.path
        o.keepGoing = true
        o.limits = SandboxHarness.quickLimits
        let outcome = ClassifyCommand.run(o)
        #expect(outcome.status == 3)
        let text = try String(contentsOf: out, encoding: .utf8)
        #expect(text.contains("A-2") && !text.contains("A-1"))
        let rejects = try String(contentsOfFile: ClassifyCommand.rejectsPath(for: out.path), encoding: .utf8)
        #expect(rejects.contains("A-1") && rejects.contains("内存超过上限"))
    }

    @Test func aLoopWhileLoadingTheRulesIsStopped() throws {
        let (outcome, _) = try SandboxHarness.classify(atLoad: "while true do end")
        #expect(outcome.status == 1)
        #expect(outcome.diagnostics.first?.code == "rule-budget")
        #expect(outcome.diagnostics.first?.message.contains("加载规则时") == true)
    }

    @Test func oneFileCannotChangeAnothersLibraries() throws {
        let (outcome, _) = try SandboxHarness.classify(
            perRow: "require('other'); assert(string.upper('a') == 'A', 'string.upper was replaced')",
            extraModules: ["other": "string = { upper = function() return 'pwned' end }\nupper_ok = true\nreturn true"])
        // `string = ...` in other.lua only rebinds that file's own global.
        #expect(outcome.status == 0, "\(outcome.diagnostics)")
    }

    @Test func sortedPairsAndAddresslessTostringMakeRulesDeterministic() throws {
        let (outcome, output) = try SandboxHarness.classify(perRow: """
            local keys = {}
            for k in pairs({ zeta = 1, alpha = 2, mid = 3, [2] = 0, [1] = 0 }) do keys[#keys + 1] = tostring(k) end
            assert(table.concat(keys, ",") == "1,2,alpha,mid,zeta", table.concat(keys, ","))
            assert(tostring({}) == "table", tostring({}))
            assert(tostring(print) == "nil" or print == nil)
            """)
        #expect(outcome.status == 0, "\(outcome.diagnostics)")
        #expect(output != nil)
    }

    @Test func syntaxErrorNamesTheFileAndLine() throws {
        let rules = try SandboxHarness.folder()
        try "local x = \nreturn {".write(to: rules.appendingPathComponent("broken.lua"), atomically: true, encoding: .utf8)
        var policy = try String(contentsOf: rules.appendingPathComponent("policy.lua"), encoding: .utf8)
        policy = "require('broken')\n" + policy
        try policy.write(to: rules.appendingPathComponent("policy.lua"), atomically: true, encoding: .utf8)
        do {
            _ = try RuleEngine(folder: RulesFolder(path: rules.path))
            Issue.record("a syntax error must stop loading")
        } catch let d as Diagnostic {
            #expect(d.code == "rule-syntax")
            #expect(d.file == rules.path + "/broken.lua", "\(d)")
            #expect(d.line == 2, "\(d)")
        }
    }

    @Test func unknownAPIVersionIsRefusedWithTheSupportedOnes() throws {
        let rules = try SandboxHarness.folder()
        var policy = try String(contentsOf: rules.appendingPathComponent("policy.lua"), encoding: .utf8)
        policy = policy.replacingOccurrences(of: "api_version = 1", with: "api_version = 7")
        try policy.write(to: rules.appendingPathComponent("policy.lua"), atomically: true, encoding: .utf8)
        do {
            _ = try RuleEngine(folder: RulesFolder(path: rules.path))
            Issue.record("api_version 7 must be refused")
        } catch let d as Diagnostic {
            #expect(d.code == "rules-api-version")
            #expect(d.message.contains("api_version = 7") && d.message.contains("支持的版本为 1"), "\(d.message)")
        }
    }
}
