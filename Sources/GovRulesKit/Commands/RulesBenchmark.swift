import Foundation
import CLuaSandbox

/// `govrules bench-rules` (hidden, for `make bench`): the rules' own cost inside the host, I/O
/// excluded. The ledger is read and decoded block by block outside the clock (rows pre-parsed,
/// text cells copied so they outlive the reader), then only the calls into the rules are timed:
/// building each row's Lua table, running `classify`, reading the integer results back. This is
/// the baseline the "host overhead" target compares the one-worker classify total with.
public enum RulesBenchmark {
    public struct Measurement: Sendable {
        public var rows: Int
        public var seconds: Double          // wall time spent in evaluate calls only
        public var cpuSeconds: Double       // thread CPU time spent in those calls
        public var fastRows: Int
        public var countedRows: Int
        /// The decision memo's hits, misses and stored paths (nil with --no-memo).
        public var memo: MemoStatus? = nil
    }

    public static func run(ledger: String, rules: String?, asOf: Day, limits: SandboxLimits,
                           countedOnly: Bool = false, blockRows: Int = 1024) throws -> Measurement {
        RuleEngine.allowPreemptionOnThisThread()   // as classify's threads do
        let folder = try RulesFolder.locate(rules)
        let engine = try RuleEngine(folder: folder, limits: limits)
        if countedOnly { engine.disableFastPath() }
        let run = try LedgerRun(engine: engine, ledgers: [ledger], asOf: asOf)
        let decoder = RowDecoder(engine: engine)
        let width = engine.policy.columns.count
        var block: [gr_value] = []
        var textOffsets: [(slot: Int, offset: Int)] = []
        var arena: [UInt8] = []
        var rowsInBlock = 0
        var result = Measurement(rows: 0, seconds: 0, cpuSeconds: 0, fastRows: 0, countedRows: 0)

        func flush() throws {
            guard rowsInBlock > 0 else { return }
            try arena.withUnsafeBufferPointer { a in
                for (slot, offset) in textOffsets {
                    block[slot].p = UnsafeRawPointer(a.baseAddress! + offset).assumingMemoryBound(to: CChar.self)
                }
                let wall0 = DispatchTime.now().uptimeNanoseconds
                let cpu0 = threadCPUTime()
                try block.withUnsafeBufferPointer { b in
                    for r in 0..<rowsInBlock {
                        let row = UnsafeBufferPointer(rebasing: b[(r * width)..<((r + 1) * width)])
                        if case .failure(let f) = Swift.Result(catching: { () throws(LuaFailure) in try engine.evaluate(row, asOf: asOf) }) {
                            throw engine.diagnostic(f, context: "基准测试时，")
                        }
                    }
                }
                result.cpuSeconds += threadCPUTime() - cpu0
                result.seconds += Double(DispatchTime.now().uptimeNanoseconds - wall0) / 1e9
            }
            result.rows += rowsInBlock
            rowsInBlock = 0
            block.removeAll(keepingCapacity: true)
            textOffsets.removeAll(keepingCapacity: true)
            arena.removeAll(keepingCapacity: true)
        }

        let (reader, map) = run.inputs[0]
        while let record = try reader.next() {
            if record.isBlank { continue }
            guard decoder.decode(record, map: map).isEmpty else { continue }   // classify would reject it
            for c in 0..<width {
                var v = decoder.values[c]
                if v.kind == Int32(GR_BYTES), let p = v.p {
                    textOffsets.append((block.count, arena.count))
                    arena.append(contentsOf: UnsafeRawBufferPointer(start: p, count: v.len))
                    v.p = nil
                }
                block.append(v)
            }
            rowsInBlock += 1
            if rowsInBlock == blockRows { try flush() }
        }
        try flush()
        (result.fastRows, result.countedRows) = engine.pathCounts
        result.memo = engine.memoStatus
        return result
    }

    private static func threadCPUTime() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
