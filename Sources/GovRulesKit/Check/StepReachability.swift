import CLuaSandbox

/// The dynamic half of `govrules check`: for every decision step, look for a ledger row on which
/// every earlier step returns nil and this step decides, by running the rules themselves on
/// synthetic rows. The rows are written as CSV text and read back through `CSVReader`,
/// `HeaderMap` and `RowDecoder`, so their values reach the rules exactly as a real ledger's do,
/// and evaluated with the policy's `explain`, whose trace says which step decided and which
/// ledger fields each step read.
///
/// Strategy (as far as can be shown from the step conditions — a search, not a proof):
/// - start from a neutral row: required columns filled with valid values, every other cell empty
///   so that defaults apply;
/// - for step k, starting from a row that reaches it, enumerate the values of the fields step k
///   read (and those read by any earlier step that caught a candidate), growing the set while
///   new fields turn up; bool: empty/是/否, enum: each value, list: empty and each single value;
///   above `maxCandidates` combinations, sample deterministically;
/// - a row on which step k returns nil becomes the starting row for step k + 1 (the one closest
///   to the previous starting row); when no row gets past step k, the search widens to every field
///   the steps so far read, and failing that the later steps are reported as never reached.
///
/// Every outcome each step gave on any row is recorded, so undeclared and unobservable outcomes
/// can be reported too.
struct StepReachability {
    struct Choice {
        var cell: String
        var shown: String
    }

    /// One row's trace.
    struct Trace {
        /// Per step that ran, in order: did it decide, what it returned, the columns it read.
        var applied: [Bool]
        var outcomes: [LuaValue]
        var read: [[Int]]
        /// Fields read that are no ledger column (always nil).
        var unknownRead: [[String]]
        var decided: Int?

        func passes(_ k: Int) -> Bool {
            if let d = decided { return d > k }
            return applied.count > k + 1
        }
    }

    enum Evaluation {
        case trace(Trace)
        case rejected(String)
        case failed(LuaFailure)
    }

    struct Outcome {
        var reachable: [Bool]
        /// A row on which the step decided.
        var decidingRow: [[Int]?]
        /// Per step: the earlier steps that decided candidate rows first, each with up to three such rows.
        var caughtBy: [[Int: [[Int]]]]
        /// Steps never reached at all: the step that decided every row reaching it.
        var blockedBy: [Int?]
        /// Per step: every outcome it gave (as text), with one row that gave it.
        var observed: [[String: (value: LuaValue, row: [Int])]]
        /// Rows on which no step decided.
        var undecidedRow: [Int]?
        /// Lua errors while explaining a row (first one per message).
        var failures: [(failure: LuaFailure, row: [Int], step: Int)]
        var rowsEvaluated: Int
        var rowsRejected: Int
        /// The fields each step was seen to read, and those it read that are no column.
        var reads: [Set<Int>]
        var unknownReads: [Set<String>]
        /// False for the steps the row budget did not leave room to search.
        var searched: [Bool]
        /// Combinations tried while searching for each step.
        var tried: [Int]
        /// The neutral row could not be built or explained.
        var setupProblem: String?
        /// The first step seen changing the rules' own state, or writing to the row, on a row.
        var impure: (step: Int, error: String?, row: [Int])? = nil
    }

    let engine: RuleEngine
    let policy: Policy
    let asOf: Day
    let maxCandidates: Int
    let maxRounds = 4
    /// Rows evaluated at most in the whole search (about 30 µs each), so the check stays quick
    /// whatever the rules.
    let maxRows: Int
    /// Per policy column: the values tried, index 0 being the neutral row's.
    let choices: [[Choice]]
    let columnIndex: [String: Int]
    private var cache: [[Int]: Evaluation] = [:]
    private(set) var rowsEvaluated = 0
    private(set) var rowsRejected = 0
    /// Rows also run step by step with the state fingerprint between steps (the first ones only:
    /// a step that keeps state changes it on nearly every row).
    private var rowsProbed = 0
    static let maxRowsProbed = 500
    private var impure: (step: Int, error: String?, row: [Int])?

    init(engine: RuleEngine, maxCandidates: Int = 5_000, maxRows: Int = 60_000) {
        self.engine = engine
        self.policy = engine.policy
        self.maxCandidates = max(maxCandidates, 1)
        self.maxRows = max(maxRows, 1)
        let first = policy.calendarFirstYear, last = policy.calendarLastYear
        // A mid-year weekday inside the calendar, so deadlines can be computed.
        let lastDate = Day(year: last, month: 6, day: 3) ?? Day(number: 0)
        let firstDate = Day(year: first, month: 6, day: 3) ?? lastDate
        self.asOf = Day(year: last, month: 12, day: 31) ?? lastDate
        var index: [String: Int] = [:]
        for (i, c) in policy.columns.enumerated() where index[c.key] == nil { index[c.key] = i }
        columnIndex = index
        let outcomeKeys = policy.outcomes.map(\.key)
        choices = policy.columns.map { c in
            func shown(_ v: String) -> String { v.isEmpty ? "\(c.header)=（空）" : "\(c.header)=\(v)" }
            var list: [Choice] = []
            func add(_ cell: String, _ display: String? = nil) {
                if !list.contains(where: { $0.cell == cell }) { list.append(Choice(cell: cell, shown: display ?? shown(cell))) }
            }
            if !c.required {
                switch c.type {
                case .enum where c.defaultValue != nil:
                    if let d = c.values.first(where: { $0.en == c.defaultValue }) { add(d.en, "\(c.header)=\(d.zh)（\(c.key)=\(d.en)）") }
                default: add("")
                }
            }
            switch c.type {
            case .text: add(c.key == "id" ? "check-1" : "文本")
            case .date:
                add(lastDate.iso)
                if c.required { add(firstDate.iso) }
            case .bool:
                add("是"); add("否")
            case .integer:
                add("0"); add("1")
            case .enum, .list:
                for v in c.values { add(v.en, "\(c.header)=\(v.zh)（\(c.key)=\(v.en)）") }
            case .outcome:
                for k in outcomeKeys { add(k) }
            }
            if list.isEmpty { add("") }
            return list
        }
    }

    /// Columns whose values are worth enumerating (all of them: text, dates and integers get a
    /// couple of values each).
    var enumerableColumns: [Bool] { choices.map { $0.count > 1 } }

    /// How a row differs from the neutral row, for messages.
    func describe(_ row: [Int]) -> String {
        let parts = row.enumerated().filter { $0.element != 0 }.map { choices[$0.offset][$0.element].shown }
        return parts.isEmpty ? "各列留空或取默认值的台账行" : parts.joined(separator: "、")
    }

    // MARK: Evaluation

    private static func csvField(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    /// Evaluates the rows not yet in the cache, all through one in-memory CSV.
    private mutating func evaluate(_ rows: [[Int]]) {
        let fresh = rows.filter { cache[$0] == nil }
        guard !fresh.isEmpty else { return }
        var text = policy.columns.map { Self.csvField($0.key) }.joined(separator: ",") + "\n"
        for row in fresh {
            text += row.enumerated().map { Self.csvField(choices[$0.offset][$0.element].cell) }.joined(separator: ",") + "\n"
        }
        do {
            let reader = try CSVReader(bytes: Array(text.utf8), name: "<check>")
            guard let header = try reader.next() else { return }
            let map = try HeaderMap(header: header.strings, file: "<check>", policy: policy)
            let decoder = RowDecoder(engine: engine)
            var i = 0
            while let record = try reader.next(), i < fresh.count {
                defer { i += 1 }
                rowsEvaluated += 1
                let problems = decoder.decode(record, map: map)
                if !problems.isEmpty {
                    rowsRejected += 1
                    cache[fresh[i]] = .rejected(problems.map(\.message).joined(separator: "；"))
                    continue
                }
                switch engine.explain(decoder, asOf: asOf) {
                case .success(let value): cache[fresh[i]] = .trace(parse(value))
                case .failure(let f): cache[fresh[i]] = .failed(f)
                }
                if impure == nil && rowsProbed < Self.maxRowsProbed {
                    rowsProbed += 1
                    if case .success(let found?) = Swift.Result(catching: { () throws(LuaFailure) in
                        try engine.probePurity(decoder.values, asOf: asOf) }) {
                        impure = (found.step, found.error, fresh[i])
                    }
                }
            }
        } catch {
            for row in fresh where cache[row] == nil { cache[row] = .rejected("\(error)") }
        }
    }

    private func parse(_ value: LuaValue) -> Trace {
        var t = Trace(applied: [], outcomes: [], read: [], unknownRead: [], decided: nil)
        let entries = value.table?["steps"].table?.array ?? []
        for e in entries {
            let entry = e.table ?? LuaTable()
            let outcome = entry["outcome"]
            t.applied.append(entry["applied"].bool ?? !outcome.isNone)
            t.outcomes.append(outcome)
            let keys = (entry["read"].table?.array ?? []).compactMap(\.string)
            t.read.append(keys.compactMap { columnIndex[$0] })
            t.unknownRead.append(keys.filter { columnIndex[$0] == nil })
        }
        if let d = value.table?["decided"].int { t.decided = d - 1 }
        else if let last = t.applied.indices.last, t.applied[last] { t.decided = last }
        return t
    }

    // MARK: Candidates

    /// Assignments of `fields` around `base`: all of them when there are at most `maxCandidates`,
    /// fewest changes first; otherwise every row with one or two changes, then a deterministic
    /// sample.
    func candidates(around base: [Int], fields: [Int], seed: UInt64) -> [[Int]] {
        let sizes = fields.map { choices[$0].count }
        var product = 1
        for s in sizes { product = product > maxCandidates ? product : product * s }
        var out: [[Int]] = []
        if product <= maxCandidates {
            var digits = [Int](repeating: 0, count: fields.count)
            var all: [(changes: Int, row: [Int])] = []
            while true {
                var row = base
                var changes = 0
                for (j, f) in fields.enumerated() {
                    row[f] = digits[j]
                    if digits[j] != base[f] { changes += 1 }
                }
                all.append((changes, row))
                var j = 0
                while j < digits.count {
                    digits[j] += 1
                    if digits[j] < sizes[j] { break }
                    digits[j] = 0
                    j += 1
                }
                if j == digits.count { break }
            }
            // Stable: fewest changes first, enumeration order within.
            var buckets: [[[Int]]] = Array(repeating: [], count: fields.count + 1)
            for a in all { buckets[a.changes].append(a.row) }
            return buckets.flatMap { $0 }
        }
        var seen = Set<[Int]>()
        func add(_ r: [Int]) { if out.count < maxCandidates && seen.insert(r).inserted { out.append(r) } }
        add(base)
        for (a, fa) in fields.enumerated() {
            for va in 0..<sizes[a] where va != base[fa] {
                var r = base; r[fa] = va; add(r)
            }
        }
        for (a, fa) in fields.enumerated() {
            for (b, fb) in fields.enumerated() where b > a {
                for va in 0..<sizes[a] where va != base[fa] {
                    for vb in 0..<sizes[b] where vb != base[fb] {
                        var r = base; r[fa] = va; r[fb] = vb; add(r)
                    }
                }
            }
        }
        var rng = SplitMix64(seed: seed)
        var attempts = 0
        while out.count < maxCandidates && attempts < maxCandidates * 4 {
            attempts += 1
            var r = base
            for (j, f) in fields.enumerated() { r[f] = Int(rng.next() % UInt64(sizes[j])) }
            add(r)
        }
        return out
    }

    // MARK: Search

    mutating func run() -> Outcome {
        let n = policy.steps.count
        var result = Outcome(reachable: Array(repeating: false, count: n), decidingRow: Array(repeating: nil, count: n),
                             caughtBy: Array(repeating: [:], count: n), blockedBy: Array(repeating: nil, count: n),
                             observed: Array(repeating: [:], count: n), undecidedRow: nil, failures: [],
                             rowsEvaluated: 0, rowsRejected: 0, reads: Array(repeating: [], count: n),
                             unknownReads: Array(repeating: [], count: n), searched: Array(repeating: true, count: n),
                             tried: Array(repeating: 0, count: n), setupProblem: nil)
        var base = [Int](repeating: 0, count: policy.columns.count)
        evaluate([base])
        switch cache[base] {
        case .trace?: break
        case .rejected(let why)?:
            result.setupProblem = "无法构造可用的台账行：\(why)"
            return finish(result)
        case .failed(let f)?:
            result.failures.append((f, base, 0))
            result.setupProblem = "规则在最简单的台账行上出错"
            return finish(result)
        case nil:
            result.setupProblem = "无法构造可用的台账行"
            return finish(result)
        }
        var seenFailures = Set<String>()
        let isEnum = enumerableColumns
        let enumerable: (Int) -> Bool = { isEnum[$0] }
        var blocker: Int?

        /// Records what a batch of rows showed; returns the first row (fewest changes) passing `k`.
        func absorb(_ rows: [[Int]], step k: Int, grow: inout Set<Int>, result: inout Outcome) -> [Int]? {
            var passing: [Int]?
            for row in rows {
                switch cache[row] {
                case .trace(let t)?:
                    for (i, applied) in t.applied.enumerated() where applied && i < n {
                        let text = Self.text(t.outcomes[i])
                        if result.observed[i][text] == nil { result.observed[i][text] = (t.outcomes[i], row) }
                    }
                    for (i, r) in t.read.enumerated() where i < n { result.reads[i].formUnion(r) }
                    for (i, r) in t.unknownRead.enumerated() where i < n { result.unknownReads[i].formUnion(r) }
                    if k < t.read.count { grow.formUnion(t.read[k].filter(enumerable)) }
                    if let d = t.decided {
                        if d == k {
                            result.reachable[k] = true
                            if result.decidingRow[k] == nil { result.decidingRow[k] = row }
                        } else if d < k {
                            if result.caughtBy[k][d, default: []].count < 3 { result.caughtBy[k][d, default: []].append(row) }
                            grow.formUnion(t.read[d].filter(enumerable))
                        } else if passing == nil {
                            passing = row
                        }
                    } else {
                        if result.undecidedRow == nil { result.undecidedRow = row }
                        if passing == nil && t.passes(k) { passing = row }
                    }
                case .failed(let f)?:
                    let key: String
                    switch f {
                    case .runtime(let m), .syntax(let m), .memory(let m), .budget(let m): key = m
                    }
                    if seenFailures.insert(key).inserted && result.failures.count < 5 { result.failures.append((f, row, k)) }
                default: break
                }
            }
            return passing
        }

        var truncated = false
        func budgeted(_ rows: [[Int]]) -> [[Int]] {
            let left = maxRows - rowsEvaluated
            if rows.count <= left { return rows }
            truncated = true
            return Array(rows.prefix(max(left, 0)))
        }
        for k in 0..<n {
            if let b = blocker { result.blockedBy[k] = b; continue }
            if rowsEvaluated >= maxRows {
                for i in k..<n { result.searched[i] = false }
                break
            }
            var fields = Set<Int>()
            if case .trace(let t)? = cache[base], k < t.read.count { fields.formUnion(t.read[k].filter(enumerable)) }
            var tried = Set<[Int]>()
            var next: [Int]? = nil
            func changes(_ r: [Int]) -> Int { zip(r, base).filter { $0 != $1 }.count }
            for round in 0..<maxRounds {
                let rows = budgeted(candidates(around: base, fields: fields.sorted(), seed: UInt64(k * 16 + round + 1)).filter { !tried.contains($0) })
                tried.formUnion(rows)
                evaluate(rows)
                var grow = fields
                if let p = absorb(rows, step: k, grow: &grow, result: &result), next == nil || changes(p) < changes(next!) {
                    next = p
                }
                if grow == fields { break }
                fields = grow
            }
            if next == nil && k < n - 1 {
                // Nothing got past step k from this starting row: widen to every field read so far.
                var wide = Set<Int>()
                for i in 0...k { wide.formUnion(result.reads[i].filter(enumerable)) }
                let rows = budgeted(candidates(around: base, fields: wide.sorted(), seed: UInt64(k * 16 + 15)).filter { !tried.contains($0) })
                tried.formUnion(rows)
                evaluate(rows)
                var ignored = Set<Int>()
                next = absorb(rows, step: k, grow: &ignored, result: &result)
            }
            result.tried[k] = tried.count
            if truncated { result.searched[k] = false }
            if let p = next { base = p } else if !truncated && k < n - 1 { blocker = k }
        }
        return finish(result)
    }

    private func finish(_ r: Outcome) -> Outcome {
        var r = r
        r.rowsEvaluated = rowsEvaluated
        r.rowsRejected = rowsRejected
        r.impure = impure
        return r
    }

    /// An outcome as the rules returned it, as text.
    static func text(_ v: LuaValue) -> String {
        switch v {
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .number(let d): return String(d)
        case .none: return "nil"
        case .table: return "（一个表）"
        case .function: return "（一个函数）"
        case .other: return "（非字符串值）"
        }
    }
}

/// A small deterministic generator (SplitMix64) for sampling combinations.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
