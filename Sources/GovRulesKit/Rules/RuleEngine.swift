import CLuaSandbox

/// Limits on what one row's rules may use.
public struct SandboxLimits: Sendable {
    public var memoryBytes: Int = 64 * 1024 * 1024
    /// VM instructions per row, so a loop in a rule cannot hang the host. The rules shipped use a
    /// few thousand per row. From about 8,000,000 on (a slice of at least 1 ms), rows first run without the counting hook and
    /// fall back to a counted run when they take long (see "The fast path" in sandbox.c), so the
    /// default is generous: a runaway row costs a fraction of a second before it is stopped.
    public var instructionsPerRow: Int = 20_000_000
    /// Loading the rules builds the calendar tables once; it gets a larger budget.
    public var instructionsAtLoad: Int = 200_000_000
    /// Wall-clock limit on one call into Lua, for what the instruction budget cannot stop (a C
    /// library function that runs long). Exceeding it ends the process (see RowTimeout).
    public var rowTimeoutSeconds: Double = 10
    /// The decision memo (see "The decision memo" in CLuaSandbox.h): rows whose steps would read
    /// the same cells with the same values as an earlier row get that row's decision without
    /// running the steps. `--no-memo` turns it off; coverage runs never use it.
    public var memo: Bool = true
    /// Trie nodes the memo may hold per worker (24 bytes each, plus ~32 per edge: under 4 MiB).
    public var memoNodes: Int = 65_536
    public init() {}
}

/// What the rules returned for one row, as plain integers (no strings cross on the hot path).
public struct RawResult: Sendable, Equatable {
    public var outcome: Int          // index into Policy.outcomes
    public var step: Int             // index into Policy.steps, -1 if the step id was unknown
    public var regime: Int?
    public var start: Day?
    public var due: Day?
    public var finalDue: Day?
    public var status: DeadlineStatus?
    public var warningCount: Int
    public var invalidCount: Int
    /// Open applications: working days from the as-of date to the final due date (negative when overdue).
    public var daysLeft: Int?
    /// The year whose calendar file the deadline (status no_calendar) or the working days left need.
    public var missingCalendarYear: Int? = nil
    /// What that year's absence leaves unknown, estimated with Monday–Friday working days (暂定).
    public var provisional: ProvisionalDeadline? = nil
}

/// A deadline estimated past the last calendar file: Monday–Friday working days, 1 January off.
/// Only ever shown labelled 暂定, never in a date field.
public struct ProvisionalDeadline: Sendable, Equatable {
    public var due: Day?
    public var finalDue: Day?
    public var daysLeft: Int?
}

public enum DeadlineStatus: Int, Sendable, CaseIterable {
    case onTime = 1, late, pending, paused, overdue, noCalendar
    public var key: String {
        switch self {
        case .onTime: "on_time"
        case .late: "late"
        case .pending: "pending"
        case .paused: "paused"
        case .overdue: "overdue"
        case .noCalendar: "no_calendar"
        }
    }
    public var chinese: String {
        switch self {
        case .onTime: "按期办结"
        case .late: "逾期办结"
        case .pending: "办理中"
        case .paused: "期限中止"
        case .overdue: "已超期"
        case .noCalendar: "期限待定"
        }
    }
}

/// What one engine's decision memo did over a run.
public struct MemoStatus: Sendable, Equatable {
    public var hits: Int
    public var misses: Int
    /// Distinct paths (decisions) stored, and trie nodes used.
    public var paths: Int
    public var nodes: Int
    /// The node cap was reached: later new paths ran the steps without being stored.
    public var full: Bool
    /// The rules changed their own state (an upvalue or a module table) on a row, or contradicted
    /// a stored path: every row from then on ran the steps, as with --no-memo.
    public var switchedOff: Bool
}

/// One worker's Lua state with the rules loaded and compiled: created once, used for every row.
public final class RuleEngine {
    public let folder: RulesFolder
    public let policy: Policy
    public let limits: SandboxLimits
    let lua: LuaSandbox
    private let policyRef: Int32
    private let evaluateRef: Int32
    private let lastRef: Int32
    private let explainRef: Int32
    private let probeRef: Int32
    /// Symbol indexes: the key of each column, and the first value symbol of each enum/list column.
    let keySymbols: [Int32]
    let valueBase: [Int32]
    let outcomeBase: Int32
    /// Rows accepted in the current run that wait for a calendar file, by the year they need
    /// (0: the rules did not say). Only this engine's thread touches it (see ParallelRun).
    var calendarWaits: [Int: CalendarWait] = [:]
    /// Rows of the current chunk this engine stopped because the rules ran away (RunawayRules).
    let strikes = StrikeCounter()

    public static let entryModule = "policy"

    /// - Parameter coverage: record executed rule lines from the start, loading included.
    public init(folder: RulesFolder, limits: SandboxLimits = SandboxLimits(), coverage: Bool = false) throws {
        self.folder = folder
        self.limits = limits
        let entryPath = folder.label + "/policy.lua"
        func fail(_ f: LuaFailure, _ context: String) -> Diagnostic {
            RuleFailure.diagnostic(f, file: entryPath, context: context,
                                   memoryLimit: limits.memoryBytes, budget: limits.instructionsAtLoad,
                                   rulePaths: folder.sources.map(\.path), sources: folder.sourceTexts, atLoad: true)
        }
        guard folder.sources.contains(where: { $0.module == Self.entryModule }) else {
            throw Diagnostic(code: "rules-entry", file: entryPath, "规则目录中没有入口文件 policy.lua")
        }
        RowTimeout.install(seconds: max(limits.rowTimeoutSeconds, 0.1))
        do {
            lua = try LuaSandbox(memoryLimit: limits.memoryBytes, instructionBudget: limits.instructionsAtLoad)
        } catch let f as LuaFailure { throw fail(f, "创建 Lua 环境时") }
        if coverage { gr_coverage_enable(lua.box, 1) }
        var policyRef: Int32 = -1
        var refs: [Int32] = []
        do {
            let setup = try lua.runChunk(hostPrelude, name: "=govrules-host", args: [folder.label], results: 2)
            for s in folder.sources { _ = try lua.call(setup[0], [s.module, s.path, s.code], results: 0) }
            let memo = limits.memo && !coverage
            refs = try lua.call(setup[1], [Self.entryModule, memo ? "memo" : ""], results: 5)
            policyRef = refs[0]
            lua.unref(setup[0]); lua.unref(setup[1])
        } catch let f as LuaFailure {
            // calendar.lua refuses a calendar file's data without knowing its lines: say what is
            // wrong at the calendar file's own line instead.
            if case .runtime = f {
                let located = CalendarChecks.findings(CalendarFile.all(in: folder)).filter(\.stopsLoading).map(\.diagnostic)
                if !located.isEmpty { throw DiagnosticList(located) }
            }
            throw fail(f, "加载规则时")
        }
        var decoder = PolicyDecoder(entryPath: entryPath)
        policy = try decoder.decode(lua.value(policyRef), rulesLabel: folder.label)
        self.policyRef = policyRef
        evaluateRef = refs[1]
        lastRef = refs[2]
        explainRef = refs[3]
        probeRef = refs[4]
        gr_set_evaluator(lua.box, evaluateRef)
        if limits.memo && !coverage && gr_memo_enable(lua.box, max(1, limits.memoNodes)) != 0 {
            gr_memo_set_function(lua.box, evaluateRef)
        }

        do {
            var keys: [Int32] = []
            var bases: [Int32] = []
            for c in policy.columns {
                keys.append(try lua.intern(c.key))
                var base: Int32 = 0
                for (i, v) in c.values.enumerated() {
                    let idx = try lua.intern(v.en)
                    if i == 0 { base = idx }
                }
                bases.append(base)
            }
            var ob: Int32 = 0
            for (i, o) in policy.outcomes.enumerated() {
                let idx = try lua.intern(o.key)
                if i == 0 { ob = idx }
            }
            keySymbols = keys
            valueBase = bases
            outcomeBase = ob
        } catch let f as LuaFailure { throw fail(f, "初始化时") }
        lua.setBudget(limits.instructionsPerRow)
    }

    /// Runs the rules on one row. `values` are in `policy.columns` order.
    func evaluate(_ values: UnsafeBufferPointer<gr_value>, asOf: Day) throws(LuaFailure) -> RawResult {
        var out = (Int64(0), Int64(0), Int64(0), Int64(0), Int64(0), Int64(0), Int64(0), Int64(0), Int64(0), Int64(0),
                   Int64(0), Int64(0), Int64(0), Int64(0))
        var extra = Int64(asOf.number)
        let status: Int32 = withUnsafeMutableBytes(of: &out) { o in
            keySymbols.withUnsafeBufferPointer { k in
                gr_call_row(lua.box, evaluateRef, k.baseAddress, values.baseAddress, Int32(values.count),
                            &extra, 1, o.baseAddress!.assumingMemoryBound(to: Int64.self), 14)
            }
        }
        if status != GR_OK {
            do { try lua.check(status) } catch let e as LuaFailure { throw e } catch { throw .runtime("\(error)") }
        }
        // Days of years 1–9999 only: anything else is a bug in the rules, not a date to print.
        @inline(__always) func outOfRange(_ v: Int64) -> Bool {
            v != Int64.min && (v < Int64(Day.firstSupported) || v > Int64(Day.lastSupported))
        }
        if outOfRange(out.3) || outOfRange(out.4) || outOfRange(out.5) || outOfRange(out.11) || outOfRange(out.12) {
            throw .runtime("规则返回的日期超出公元1年至9999年的范围（start、due、final_due 或 provisional）")
        }
        func day(_ v: Int64) -> Day? { v == Int64.min ? nil : Day(number: Int32(v)) }
        func int(_ v: Int64) -> Int? { v == Int64.min ? nil : Int(v) }
        var r = RawResult(outcome: Int(out.0) - 1, step: Int(out.1) - 1, regime: int(out.2),
                          start: day(out.3), due: day(out.4), finalDue: day(out.5),
                          status: int(out.6).flatMap(DeadlineStatus.init(rawValue:)),
                          warningCount: int(out.7) ?? 0, invalidCount: int(out.8) ?? 0, daysLeft: int(out.9))
        if r.status == .noCalendar {
            // The deadline is not known: whatever the rules put in the deadline fields, they stay empty.
            r.due = nil
            r.finalDue = nil
            r.daysLeft = nil
        }
        r.missingCalendarYear = int(out.10)
        if out.11 != Int64.min || out.12 != Int64.min || out.13 != Int64.min {
            r.provisional = ProvisionalDeadline(due: day(out.11), finalDue: day(out.12), daysLeft: int(out.13))
        }
        return r
    }

    /// Runs the rules on the row the decoder holds.
    func evaluate(_ decoder: RowDecoder, asOf: Day) -> Result<RawResult, LuaFailure> {
        Result { () throws(LuaFailure) in try evaluate(decoder.values, asOf: asOf) }
    }

    /// Runs `explain` on the row the decoder holds.
    func explain(_ decoder: RowDecoder, asOf: Day) -> Result<LuaValue, LuaFailure> {
        Result { () throws(LuaFailure) in try explain(decoder.values, asOf: asOf) }
    }

    /// A failure while running a row, as a diagnostic with this engine's limits and rule files.
    func diagnostic(_ failure: LuaFailure, file: String? = nil, line: Int? = nil, context: String) -> Diagnostic {
        RuleFailure.diagnostic(failure, file: file, line: line, context: context, memoryLimit: limits.memoryBytes,
                               budget: limits.instructionsPerRow, rulePaths: folder.sources.map(\.path),
                               stoppedAt: lastStop?.location, sources: folder.sourceTexts)
    }

    /// Which ledger row the next calls are about, for the watchdog's report.
    func setRow(input: Int, row: Int) { gr_set_row(lua.box, Int64(input), Int64(row)) }

    /// The warnings of the last evaluated row.
    func lastWarnings() -> [String] {
        (lua.value(lastRef).table?["warnings"].table?.array ?? []).map { $0.string ?? "\($0)" }
    }

    /// The rejections the rules raised for the last row: (column key, message).
    func lastInvalid() -> [(column: String, message: String)] {
        (lua.value(lastRef).table?["invalid"].table?.array ?? []).compactMap { v in
            guard let t = v.table else { return nil }
            return (t["column"].string ?? "", t["message"].string ?? "")
        }
    }

    /// Runs `explain` on one row and returns its trace table.
    func explain(_ values: UnsafeBufferPointer<gr_value>, asOf: Day) throws(LuaFailure) -> LuaValue {
        var out = Int64(0)
        var extra = Int64(asOf.number)
        let status: Int32 = keySymbols.withUnsafeBufferPointer { k in
            gr_call_row(lua.box, explainRef, k.baseAddress, values.baseAddress, Int32(values.count), &extra, 1, &out, 1)
        }
        if status != GR_OK {
            do { try lua.check(status) } catch let e as LuaFailure { throw e } catch { throw .runtime("\(error)") }
        }
        return lua.value(lastRef).table?["trace"] ?? .none
    }

    public var memoryPeak: Int { lua.memoryPeak }

    /// What the decision memo did: nil when it is off for this engine.
    public var memoStatus: MemoStatus? {
        var h: UInt64 = 0, m: UInt64 = 0, p: UInt64 = 0, n: UInt64 = 0
        var full: Int32 = 0
        let state = gr_memo_status(lua.box, &h, &m, &p, &n, &full)
        if state < 0 { return nil }
        return MemoStatus(hits: Int(h), misses: Int(m), paths: Int(p), nodes: Int(n), full: full != 0,
                          switchedOff: state > 0)
    }

    /// Runs each step on its own on the row's read-only view (for `check`): the index of the first
    /// step that changed the rules' own state or failed on the view (with the error), or nil.
    func probePurity(_ values: UnsafeBufferPointer<gr_value>, asOf: Day) throws(LuaFailure) -> (step: Int, error: String?)? {
        var out = Int64(0)
        var extra = Int64(asOf.number)
        let status: Int32 = keySymbols.withUnsafeBufferPointer { k in
            gr_call_row(lua.box, probeRef, k.baseAddress, values.baseAddress, Int32(values.count), &extra, 1, &out, 1)
        }
        if status != GR_OK {
            do { try lua.check(status) } catch let e as LuaFailure { throw e } catch { throw .runtime("\(error)") }
        }
        guard out > 0 else { return nil }
        return (Int(out) - 1, lua.value(lastRef).table?["probe_error"].string)
    }

    /// Rows run on the unhooked fast path, and rows run (or run again) under the counting hook.
    public var pathCounts: (fast: Int, counted: Int) {
        var f: UInt64 = 0, c: UInt64 = 0
        gr_path_counts(lua.box, &f, &c)
        return (Int(f), Int(c))
    }

    /// Whether rows may take the fast path with these limits (off under coverage or a small budget).
    public var fastPathEnabled: Bool { gr_fast_path_enabled(lua.box) != 0 }

    /// Lets rows run on the calling thread take the fast path: threads started by libdispatch
    /// (Swift concurrency, tests) block the signal that stops a long unhooked row, and rows on
    /// them are always counted. Worker threads call this; so may a caller that owns its thread.
    public static func allowPreemptionOnThisThread() { gr_thread_allow_preemption() }

    /// Forces every row through the counting hook (to measure what the fast path saves).
    public func disableFastPath(_ off: Bool = true) { gr_fast_path_disable(lua.box, off ? 1 : 0) }

    // MARK: Coverage

    /// rule file → lines executed since coverage was enabled.
    public func coveredLines() -> [String: Set<Int>] {
        let box = LineSink()
        gr_coverage_hits(lua.box, lineSinkCallback, Unmanaged.passUnretained(box).toOpaque())
        return box.lines
    }

    /// rule file → lines that hold code in the policy's functions (steps, deadline rules and the
    /// local helpers they call).
    public func executableLines() -> [String: Set<Int>] {
        let box = LineSink()
        _ = gr_active_lines(lua.box, policyRef, lineSinkCallback, Unmanaged.passUnretained(box).toOpaque())
        return box.lines
    }
}

private final class LineSink {
    var lines: [String: Set<Int>] = [:]
}

private let lineSinkCallback: gr_line_callback = { ctx, source, line in
    guard let ctx, let source else { return }
    let box = Unmanaged<LineSink>.fromOpaque(ctx).takeUnretainedValue()
    var name = String(cString: source)
    guard name.hasPrefix("@") else { return }
    name.removeFirst()
    box.lines[name, default: []].insert(Int(line))
}
