import Foundation

/// Turns a failure inside Lua into a diagnostic a policy officer can act on: the rule file and
/// line first, then what happened in Chinese, with Lua's traceback kept for the details.
enum RuleFailure {
    /// `context`: what the host was doing, e.g. "处理 requests.csv 第5行（申请编号 2020-001）时".
    static func diagnostic(_ failure: LuaFailure, file: String? = nil, line: Int? = nil,
                           context: String, memoryLimit: Int, budget: Int, rulePaths: [String] = [],
                           stoppedAt: String? = nil, sources: [String: String] = [:], atLoad: Bool = false) -> Diagnostic {
        // Where a budget or memory stop hit: the rule line that was running.
        let at = stoppedAt.flatMap { $0.isEmpty ? nil : "，在 \($0) 处被终止" } ?? ""
        let atLine = stoppedAt.flatMap { $0.isEmpty ? nil : "\n  出错位置：\($0)" } ?? ""
        // Lua shortens long chunk names to "...tail"; give the rule file its full name back.
        func full(_ f: String?) -> String? {
            guard let f, f.hasPrefix("...") else { return f }
            let tail = f.dropFirst(3)
            return rulePaths.first { $0.hasSuffix(tail) } ?? f
        }
        func fullText(_ text: String) -> String {
            var t = text
            for p in rulePaths where p.count > 55 {
                for cut in stride(from: 1, to: p.count, by: 1) {
                    let tail = "..." + p.dropFirst(cut)
                    if tail.count <= 59 && t.contains(tail) { t = t.replacingOccurrences(of: tail, with: p); break }
                }
            }
            return t
        }
        let failure: LuaFailure = {
            switch failure {
            case .runtime(let m): return .runtime(fullText(m))
            case .syntax(let m): return .syntax(fullText(m))
            default: return failure
            }
        }()
        switch failure {
        case .syntax(let msg):
            let (f, l, text) = splitPosition(msg)
            let path = full(f) ?? file
            if let path, let l, let source = sources[path], let e = RuleSyntax.explain(text, line: l, source: source) {
                return Diagnostic(code: "rule-syntax", file: path, line: e.line,
                                  "规则文件有语法错误：\(e.text)\n  Lua 的原始信息：\(path):\(l): \(text)")
            }
            return Diagnostic(code: "rule-syntax", file: path, line: l ?? line,
                              "规则文件有语法错误：\(text)")
        case .runtime(let msg):
            let (head, trace) = splitTraceback(msg)
            var (f, l, text) = splitPosition(withoutHostPosition(head))
            // An error raised inside the host's own functions is the rule's that called them.
            if f == nil, let frame = firstRuleFrame(msg) { (f, l) = (frame.0, frame.1) }
            var m = "\(context)规则出错：\(translate(text))"
            if let trace, !trace.isEmpty { m += "\n" + trace }
            // While loading, the rule file and line are where to look, a calendar file included.
            if atLoad, let f { return Diagnostic(code: "rule-error", file: full(f), line: l, m) }
            if let f { return Diagnostic(code: "rule-error", file: file, line: line, m + "\n  出错位置：\(full(f) ?? f):\(l ?? 0)") }
            return Diagnostic(code: "rule-error", file: file, line: line, m + atLine)
        case .memory:
            return Diagnostic(code: "rule-memory", file: file, line: line,
                "\(context)规则使用的内存超过上限 \(memoryLimit / (1024 * 1024)) MiB\(at)（可用 --lua-memory 调整）；请检查规则中是否有无限增长的表或字符串")
        case .budget:
            return Diagnostic(code: "rule-budget", file: file, line: line,
                "\(context)规则执行超过 \(budget) 条指令的上限\(at.isEmpty ? "，已被终止" : at)（可能是死循环或无限递归；可用 --lua-instructions 调整上限）")
        }
    }

    /// `rules/steps.lua:42: message` → ("rules/steps.lua", 42, "message")
    static func splitPosition(_ msg: String) -> (String?, Int?, String) {
        let parts = msg.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        if parts.count == 3, let line = Int(parts[1]), parts[0].hasSuffix(".lua") {
            return (String(parts[0]), line, parts[2].trimmingCharacters(in: .whitespaces))
        }
        return (nil, nil, msg)
    }

    /// The host prelude's chunk name: its frames and positions are never shown (they are not
    /// the policy officer's files).
    static let hostChunk = "govrules-host"

    static func withoutHostPosition(_ text: String) -> String {
        text.replacingOccurrences(of: hostChunk + #":\d+:\s*"#, with: "", options: .regularExpression)
    }

    /// The first `file.lua:line` frame of the traceback.
    static func firstRuleFrame(_ msg: String) -> (String, Int)? {
        guard let r = msg.range(of: "\nstack traceback:") else { return nil }
        for frame in msg[r.upperBound...].split(separator: "\n") {
            let (f, l, _) = splitPosition(frame.trimmingCharacters(in: .whitespaces))
            if let f, let l { return (f, l) }
        }
        return nil
    }

    static func splitTraceback(_ msg: String) -> (String, String?) {
        guard let r = msg.range(of: "\nstack traceback:") else { return (msg, nil) }
        let trace = msg[r.upperBound...].split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.hasPrefix("[C]") && !$0.isEmpty && !$0.contains("(...tail calls...)") && !$0.contains(hostChunk) }
            .map { "    " + $0.replacingOccurrences(of: "in local 'fn'", with: "（加载该文件时）") }
        return (String(msg[..<r.lowerBound]), trace.isEmpty ? nil : "  调用栈：\n" + trace.joined(separator: "\n"))
    }

    /// Common Lua messages, said in Chinese; anything else is kept as Lua wrote it.
    static func translate(_ text: String) -> String {
        if text.contains("stack overflow") { return "递归过深（栈溢出）：\(text)" }
        if text.hasPrefix("attempt to call a nil value") { return "调用了不存在的函数（\(text)）" }
        if text.hasPrefix("attempt to index a nil value") { return "对空值（nil）取字段（\(text)）" }
        if text.hasPrefix("attempt to perform arithmetic") { return "对非数值做算术运算（\(text)）" }
        if text.hasPrefix("attempt to compare") { return "比较了不可比较的值（\(text)）" }
        return text
    }
}
