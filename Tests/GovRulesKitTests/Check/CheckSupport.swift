import Foundation
import Testing
@testable import GovRulesKit

/// A copy of the shipped rules/ and reports/ in a temporary folder, edited by a fixture of
/// Fixtures/check/ (see its README), and `govrules check` run on it.
struct CheckWorkspace {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/check")

    let root: URL
    var rules: String { root.appendingPathComponent("rules").path }
    var reports: String { root.appendingPathComponent("reports").path }

    /// Copies the shipped folders and applies `Fixtures/check/<fixture>.edit` (none: unchanged).
    init(fixture: String? = nil) throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("govrules-check-\(fixture ?? "shipped")-\(UUID().uuidString)")
        let fm = FileManager.default
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        for name in ["rules", "reports"] {
            try fm.copyItem(at: Self.repository.appendingPathComponent(name), to: root.appendingPathComponent(name))
        }
        if let fixture {
            let text = try String(contentsOf: Self.fixtures.appendingPathComponent(fixture + ".edit"), encoding: .utf8)
            try apply(text)
        }
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// The last year rules/calendar/ has a file for.
    func lastCalendarYear() throws -> Int {
        let names = try FileManager.default.contentsOfDirectory(atPath: rules + "/calendar")
        return try #require(names.compactMap { n in n.hasSuffix(".lua") ? Int(n.dropLast(4)) : nil }.max())
    }

    /// Applies an edit script: `=== FILE`, then pairs of `<<<` find / `>>>` replacement blocks;
    /// `=== delete FILE`.
    private func apply(_ script: String) throws {
        var file: String?
        var find: [String]?
        var replace: [String]?
        var mode = 0  // 0 none, 1 find, 2 replace
        func flush() throws {
            defer { find = nil; replace = nil; mode = 0 }
            guard let f = file, let find, let replace else { return }
            let url = root.appendingPathComponent(f)
            let text = try String(contentsOf: url, encoding: .utf8)
            let needle = find.joined(separator: "\n")
            let parts = text.components(separatedBy: needle)
            guard parts.count == 2 else {
                throw Diagnostic(code: "fixture", file: f, "the fixture's find text occurs \(parts.count - 1) times, expected once:\n\(needle)")
            }
            try (parts[0] + replace.joined(separator: "\n") + parts[1]).write(to: url, atomically: true, encoding: .utf8)
        }
        for line in script.components(separatedBy: "\n") {
            if mode == 0 && line.hasPrefix("#") { continue }
            if line.hasPrefix("=== ") {
                try flush()
                let target = String(line.dropFirst(4))
                if target.hasPrefix("delete ") {
                    try FileManager.default.removeItem(at: root.appendingPathComponent(String(target.dropFirst(7))))
                    file = nil
                } else {
                    file = target
                }
            } else if line == "<<<" {
                try flush()
                find = []; mode = 1
            } else if line == ">>>" {
                replace = []; mode = 2
            } else if mode == 1 {
                find!.append(line)
            } else if mode == 2 {
                replace!.append(line)
            }
        }
        // A trailing newline of the script ends the last block, not a line of it.
        if mode == 2, replace?.last == "" { replace!.removeLast() }
        try flush()
    }

    func check(today: String = "2025-06-01") -> CheckResult {
        var o = CheckOptions(today: Day(iso: today)!)
        o.rules = rules
        o.reports = reports
        return CheckCommand.check(o)
    }

    func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    func text(_ relative: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
    }

    /// The 1-based line of the first line containing `needle` (after the first line containing
    /// `after`, when given).
    func line(of needle: String, in relative: String, after: String? = nil) throws -> Int {
        let lines = try text(relative).components(separatedBy: "\n")
        var start = 0
        if let after {
            guard let i = lines.firstIndex(where: { $0.contains(after) }) else { throw Diagnostic(code: "fixture", "no line contains \(after)") }
            start = i + 1
        }
        guard let i = lines[start...].firstIndex(where: { $0.contains(needle) }) else {
            throw Diagnostic(code: "fixture", "no line contains \(needle)")
        }
        return i + 1
    }

    /// The line of the `decide` function of the step with this id (what StepSpec.line holds).
    func decideLine(_ id: String) throws -> Int {
        try line(of: "decide = function", in: "rules/steps.lua", after: "id = \"\(id)\"")
    }
}

extension CheckResult {
    func with(code: String) -> [Diagnostic] { diagnostics.filter { $0.code == code } }
    var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    var listing: String { diagnostics.map(\.description).joined(separator: "\n") }
}
