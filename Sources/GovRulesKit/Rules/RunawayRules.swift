import CLuaSandbox

/// Why the rules were stopped on a row, and where: the reasons a rule "runs away" (as opposed
/// to raising an error), each costing up to a full budget, the memory cap or the stack on
/// every row it hits.
struct RuleStop: Hashable, Sendable {
    enum Kind: Hashable, Sendable { case budget, memory, stack }
    let kind: Kind
    /// The rule line that was running: "rules/steps.lua:12", or "" when no rule frame was seen.
    let location: String

    /// The rule file and line of `location`, for a diagnostic's position.
    var fileAndLine: (file: String, line: Int)? {
        guard let colon = location.lastIndex(of: ":"), let line = Int(location[location.index(after: colon)...]) else { return nil }
        return (String(location[..<colon]), line)
    }
}

/// A row stopped for a `RuleStop`.
struct RuleStrike: Sendable {
    let stop: RuleStop
    let file: String
    let row: Int
}

/// One engine's strikes within the chunk it is working on. Once the same stop has hit
/// `RunawayRules.limit` rows of the chunk, `stopped` tells the worker to leave the chunk: the
/// run is going to end, so the rest of the chunk would only cost time.
final class StrikeCounter {
    private(set) var strikes: [RuleStrike] = []
    private(set) var stopped = false
    /// Whether this counter turned the engine's fast path off for the rest of the chunk.
    var fastPathPaused = false

    func record(_ strike: RuleStrike) {
        strikes.append(strike)
        if strikes.lazy.filter({ $0.stop == strike.stop }).count >= RunawayRules.limit { stopped = true }
    }

    /// Hands over the chunk's strikes and starts the next chunk.
    func take() -> [RuleStrike] {
        defer { strikes = []; stopped = false }
        return strikes
    }
}

/// Ends the run: the same rule line was stopped `RunawayRules.limit` times for the same reason.
/// `--keep-going` does not apply: every further row would pay the same cost for nothing.
struct RunawayRuleStop: Error {
    let diagnostic: Diagnostic
}

enum RunawayRules {
    static let limit = 3

    /// Strikes seen so far in the run, in input order (chunks are merged in order, and chunk
    /// boundaries do not depend on the number of workers, so the verdict does not either).
    struct Tally {
        private var byStop: [RuleStop: [RuleStrike]] = [:]
        let limits: SandboxLimits

        init(limits: SandboxLimits) { self.limits = limits }

        mutating func add(_ strikes: [RuleStrike]) throws {
            for s in strikes {
                byStop[s.stop, default: []].append(s)
                if let rows = byStop[s.stop], rows.count >= RunawayRules.limit {
                    throw RunawayRuleStop(diagnostic: RunawayRules.diagnostic(s.stop, rows: rows, limits: limits))
                }
            }
        }
    }

    static func diagnostic(_ stop: RuleStop, rows: [RuleStrike], limits: SandboxLimits) -> Diagnostic {
        let reason: String
        switch stop.kind {
        case .budget: reason = "执行超过 \(limits.instructionsPerRow) 条指令的上限（可能是死循环）"
        case .memory: reason = "使用的内存超过上限 \(limits.memoryBytes / (1024 * 1024)) MiB（可能是无限增长的表或字符串）"
        case .stack: reason = "递归过深（栈溢出，可能是无限递归）"
        }
        var files: [String] = []
        var rowsOf: [String: [Int]] = [:]
        for r in rows {
            if rowsOf[r.file] == nil { files.append(r.file) }
            rowsOf[r.file, default: []].append(r.row)
        }
        let list = files.map { f in "\(f) " + rowsOf[f]!.map { "第\($0)行" }.joined(separator: "、") }.joined(separator: "；")
        let place = stop.location.isEmpty ? "规则" : "规则 \(stop.location) 处"
        let position = stop.fileAndLine
        return Diagnostic(code: "rule-runaway", file: position?.file, line: position?.line,
            "规则失控：\(place)已在 \(rows.count) 行（\(list)）因\(reason)被终止，运行已停止，未写出任何结果。请修改规则后重新运行（--keep-going 只跳过台账数据有误的行，不跳过失控的规则）")
    }
}

extension RuleEngine {
    /// Notes a row stopped for `strike`. The rest of the chunk runs counted: the fast path would
    /// let the same runaway go on unhooked (a recursion to Lua's own limit, say) before the
    /// counted run that gives the verdict anyway, so it only costs time here.
    func recordStrike(_ strike: RuleStrike) {
        strikes.record(strike)
        if !strikes.fastPathPaused {
            strikes.fastPathPaused = true
            disableFastPath(true)
        }
    }

    /// The chunk's strikes; the next chunk starts afresh (fast path back on).
    func takeStrikes() -> [RuleStrike] {
        if strikes.fastPathPaused {
            strikes.fastPathPaused = false
            disableFastPath(false)
        }
        return strikes.take()
    }

    /// Why the last failed call was stopped, when the rules ran away (nil for an ordinary error).
    var lastStop: RuleStop? {
        var p: UnsafePointer<CChar>?
        let code = gr_stop(lua.box, &p)
        let location = p.map { String(cString: $0) } ?? ""
        switch Int(code) {
        case Int(GR_STOP_BUDGET): return RuleStop(kind: .budget, location: location)
        case Int(GR_STOP_MEMORY): return RuleStop(kind: .memory, location: location)
        case Int(GR_STOP_STACK): return RuleStop(kind: .stack, location: location)
        default: return nil
        }
    }
}
