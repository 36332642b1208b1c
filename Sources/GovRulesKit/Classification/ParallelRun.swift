import Foundation

/// Runs the ledgers of a `LedgerRun` through N rule engines on N threads, chunk by chunk, and
/// hands each chunk's result to `merge` on the calling thread strictly in input order, so the
/// output does not depend on the number of workers.
///
/// The calling thread reads and splits the CSV (and checks 申请编号 uniqueness, which needs the
/// whole run's order); each worker owns a Lua state and a record buffer, decodes and evaluates
/// its rows and builds its part of the output. With one worker everything runs inline.
final class ParallelRun {
    /// Records copied out of the reader's buffer, to be replayed by a worker.
    struct Chunk {
        var seq = 0
        var inputs: [Int] = []
        var rows: [Int] = []
        var recordEnd: [Int] = []       // index into fieldEnd after each record
        var fieldEnd: [Int] = []        // end offset of each field, from its record's first byte
        var byteEnd: [Int] = []         // index into bytes after each record
        var bytes: [UInt8] = []
        var preProblems: [Int: [Diagnostic]] = [:]   // record index → duplicate-id and shape problems
        var preWarnings: [Int: String] = [:]         // record index → shape warning
        var count: Int { rows.count }

        init() {}

        /// An empty chunk with room for a chunk like the last one, so appending never regrows.
        init(reserving rows: Int, bytes: Int, fields: Int) {
            inputs.reserveCapacity(rows)
            self.rows.reserveCapacity(rows)
            recordEnd.reserveCapacity(rows)
            byteEnd.reserveCapacity(rows)
            fieldEnd.reserveCapacity(fields + fields / 8)
            self.bytes.reserveCapacity(bytes + bytes / 8)
        }
    }

    let run: LedgerRun
    let engines: [RuleEngine]
    let chunkRows: Int

    init(run: LedgerRun, engines: [RuleEngine], chunkRows: Int = 1024) {
        precondition(!engines.isEmpty)
        self.run = run
        self.engines = engines
        self.chunkRows = chunkRows
    }

    /// - Parameters:
    ///   - process: on a worker thread: classifies every row of a chunk into a partial result.
    ///   - merge: on the calling thread, in input order.
    func execute<Partial>(makePartial: @escaping () -> Partial,
                          accept: @escaping (ClassifiedRow, CSVRecord, Int, inout Partial) throws -> Void,
                          reject: @escaping ([Diagnostic], CSVRecord, Int, inout Partial) throws -> Void,
                          merge: (Partial) throws -> Void) throws {
        let workers = engines.map { Worker(run: run, engine: $0) }
        for e in engines { e.calendarWaits = [:] }
        defer {
            // Read once every worker has stopped (both paths below end with that).
            var waits: [Int: CalendarWait] = [:]
            for e in engines { waits.merge(e.calendarWaits, uniquingKeysWith: +) }
            run.calendarWaits = waits
        }
        // Rows stopped because the rules ran away, counted over the run in input order.
        var tally = RunawayRules.Tally(limits: engines[0].limits)
        let process = { (chunk: Chunk, worker: Worker) throws -> (Partial, [RuleStrike]) in
            var partial = makePartial()
            _ = worker.engine.takeStrikes()
            try worker.process(chunk, accept: { try accept($0, $1, $2, &partial) },
                               reject: { try reject($0, $1, $2, &partial) })
            return (partial, worker.engine.takeStrikes())
        }
        func mergeChunk(_ result: (Partial, [RuleStrike])) throws {
            try merge(result.0)
            try tally.add(result.1)
        }
        if workers.count == 1 {
            // One worker needs no copies: rows go from the reader's buffer straight to the rules,
            // and a partial result is handed over every `chunkRows` rows, as the workers would.
            let worker = workers[0]
            var seen = IdRegistry()
            var partial = makePartial()
            var rows = 0
            let strikes = worker.engine.strikes
            _ = worker.engine.takeStrikes()
            for (inputIndex, input) in run.inputs.enumerated() {
                var sizing = IdTableSizing()
                while let record = try input.reader.next() {
                    if record.isBlank { continue }
                    sizing.observe(record, input: inputIndex, run: run, registry: &seen)
                    var pre = (run.checkUniqueId(record, input: inputIndex, registry: &seen).map { [$0] } ?? [])
                        + run.cellErrorProblems(record, input: inputIndex)
                    var preWarning: String?
                    if input.reader.checksRecordShape && record.count != run.headerCounts[inputIndex] {
                        let shape = run.checkShape(record, input: inputIndex, atEnd: input.reader.endedWithoutLineBreak)
                        if let p = shape.problem { pre.append(p) }
                        preWarning = shape.warning
                    }
                    try run.classify(record, input: inputIndex, decoder: worker.decoder, engine: worker.engine,
                                     preProblems: pre, preWarning: preWarning,
                                     accept: { try accept($0, $1, inputIndex, &partial) },
                                     reject: { try reject($0, $1, inputIndex, &partial) })
                    rows += 1
                    if rows == chunkRows || strikes.stopped {
                        try mergeChunk((partial, worker.engine.takeStrikes()))
                        partial = makePartial()
                        rows = 0
                    }
                }
            }
            if rows > 0 { try mergeChunk((partial, worker.engine.takeStrikes())) }
            return
        }

        // A bounded pipeline: at most `window` chunks are read but not yet merged.
        let window = workers.count * 3
        let state = PipelineState<(Partial, [RuleStrike])>(workers: workers.count)
        let work = UncheckedBox(process)
        for w in workers {
            let worker = UncheckedBox(w)
            let t = Thread {
                RuleEngine.allowPreemptionOnThisThread()
                while let chunk = state.nextChunk() {
                    state.finish(chunk.seq, Result { try work.value(chunk, worker.value) })
                }
            }
            t.stackSize = 8 << 20
            t.start()
        }
        do {
            try readChunks { chunk in
                state.enqueue(chunk)
                while let r = state.takeNext(waitWhileInFlightAtLeast: window) { try mergeChunk(r.get()) }
            }
            state.finishReading()
            while let r = state.takeNext(waitWhileInFlightAtLeast: 1) { try mergeChunk(r.get()) }
        } catch {
            state.stopAndWait()
            throw error
        }
        state.stopAndWait()
    }

    /// Reads every input in order, in chunks of `chunkRows` records.
    private func readChunks(_ body: (Chunk) throws -> Void) throws {
        var chunk = Chunk()
        var seq = 0
        var seen = IdRegistry()
        for (inputIndex, input) in run.inputs.enumerated() {
            var sizing = IdTableSizing()
            while let record = try input.reader.next() {
                if record.isBlank { continue }
                sizing.observe(record, input: inputIndex, run: run, registry: &seen)
                let index = chunk.count
                chunk.inputs.append(inputIndex)
                chunk.rows.append(record.row)
                record.withStorage { bytes, ends in   // the record copied whole: its bytes and its field ends
                    chunk.bytes.append(contentsOf: bytes)
                    chunk.fieldEnd.append(contentsOf: ends)
                }
                chunk.byteEnd.append(chunk.bytes.count)
                chunk.recordEnd.append(chunk.fieldEnd.count)
                let pre = (run.checkUniqueId(record, input: inputIndex, registry: &seen).map { [$0] } ?? [])
                    + run.cellErrorProblems(record, input: inputIndex)
                if !pre.isEmpty { chunk.preProblems[index] = pre }
                if input.reader.checksRecordShape && record.count != run.headerCounts[inputIndex] {
                    let shape = run.checkShape(record, input: inputIndex, atEnd: input.reader.endedWithoutLineBreak)
                    if let p = shape.problem { chunk.preProblems[index, default: []].append(p) }
                    if let w = shape.warning { chunk.preWarnings[index] = w }
                }
                if chunk.count == chunkRows {
                    chunk.seq = seq
                    seq += 1
                    let sizes = (chunk.bytes.count, chunk.fieldEnd.count)
                    try body(chunk)
                    chunk = Chunk(reserving: chunkRows, bytes: sizes.0, fields: sizes.1)
                }
            }
        }
        if chunk.count > 0 {
            chunk.seq = seq
            try body(chunk)
        }
    }

    /// One worker: a rule engine, a decoder and a record buffer of its own.
    final class Worker {
        let run: LedgerRun
        let engine: RuleEngine
        let decoder: RowDecoder
        let storage = CSVRecordStorage()
        nonisolated(unsafe) static let emptyBytes = UnsafePointer(UnsafeMutablePointer<UInt8>.allocate(capacity: 1))
        nonisolated(unsafe) static let emptyEnds = UnsafePointer(UnsafeMutablePointer<Int>.allocate(capacity: 1))

        init(run: LedgerRun, engine: RuleEngine) {
            self.run = run
            self.engine = engine
            self.decoder = RowDecoder(engine: engine)
        }

        func process(_ chunk: Chunk, accept: (ClassifiedRow, CSVRecord, Int) throws -> Void,
                     reject: ([Diagnostic], CSVRecord, Int) throws -> Void) throws {
            defer { storage.reset() }   // never left pointing into the chunk, even after an error
            try chunk.bytes.withUnsafeBufferPointer { bytes in
                try chunk.fieldEnd.withUnsafeBufferPointer { ends in
                    // (Never empty: a non-blank record has a byte and a field. Stay safe anyway.)
                    let b = bytes.baseAddress ?? Worker.emptyBytes, e = ends.baseAddress ?? Worker.emptyEnds
                    var fieldStart = 0
                    var byteStart = 0
                    for i in 0..<chunk.count {
                        // The worker reads the record where the chunk holds it: no copy.
                        storage.borrow(bytes: b + byteStart, count: chunk.byteEnd[i] - byteStart,
                                       ends: e + fieldStart, fieldCount: chunk.recordEnd[i] - fieldStart)
                        fieldStart = chunk.recordEnd[i]
                        byteStart = chunk.byteEnd[i]
                        let record = CSVRecord(row: chunk.rows[i], storage: storage)
                        let input = chunk.inputs[i]
                        try run.classify(record, input: input, decoder: decoder, engine: engine,
                                         preProblems: chunk.preProblems[i] ?? [], preWarning: chunk.preWarnings[i],
                                         accept: { try accept($0, $1, input) }, reject: { try reject($0, $1, input) })
                        // The run is going to stop (RunawayRules): the rest of the chunk would
                        // only pay the runaway rule's cost again.
                        if engine.strikes.stopped { break }
                    }
                }
            }
        }
    }
}

/// The state the reading thread and the workers share, behind one lock.
private final class PipelineState<Partial>: @unchecked Sendable {
    private let lock = NSCondition()
    private var queue: [ParallelRun.Chunk] = []
    private var queueHead = 0
    private var results: [Int: Result<Partial, Error>] = [:]
    private var produced = 0
    private var nextToMerge = 0
    private var readingDone = false
    private var stopped = false
    private var running: Int

    init(workers: Int) { running = workers }

    func enqueue(_ chunk: ParallelRun.Chunk) {
        lock.lock()
        queue.append(chunk)
        produced += 1
        lock.broadcast()
        lock.unlock()
    }

    /// A worker's next chunk, or nil when there is no more work (it then exits).
    func nextChunk() -> ParallelRun.Chunk? {
        lock.lock()
        defer { lock.unlock() }
        while queueHead == queue.count && !readingDone && !stopped { lock.wait() }
        if stopped || queueHead == queue.count {
            running -= 1
            lock.broadcast()
            return nil
        }
        let chunk = queue[queueHead]
        queue[queueHead] = ParallelRun.Chunk()   // a taken chunk's buffers are freed as soon as it is processed
        queueHead += 1
        if queueHead > 64 && queueHead * 2 > queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
        return chunk
    }

    func finish(_ seq: Int, _ result: Result<Partial, Error>) {
        lock.lock()
        results[seq] = result
        lock.broadcast()
        lock.unlock()
    }

    /// The next result in input order: waits for it while `limit` or more chunks are in flight;
    /// returns nil when it is not there and fewer are (or nothing is left).
    func takeNext(waitWhileInFlightAtLeast limit: Int) -> Result<Partial, Error>? {
        lock.lock()
        defer { lock.unlock() }
        while results[nextToMerge] == nil && produced - nextToMerge >= limit && running > 0 { lock.wait() }
        guard let r = results.removeValue(forKey: nextToMerge) else { return nil }
        nextToMerge += 1
        return r
    }

    func finishReading() {
        lock.lock()
        readingDone = true
        lock.broadcast()
        lock.unlock()
    }

    func stopAndWait() {
        lock.lock()
        stopped = true
        lock.broadcast()
        while running > 0 { lock.wait() }
        lock.unlock()
    }
}

/// Hands a value to a worker thread. Safe here because each worker only touches its own
/// engine and buffers, and `process` only reads shared, immutable run state.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
