import Foundation

/// Reads one worksheet of an .xlsx workbook as a stream of records, like `CSVReader`.
///
/// A producer thread inflates the sheet part (ZIPFoundation hands it over in 64 KiB pieces) and
/// feeds libxml2's push parser; the rows it completes travel in small batches through a bounded
/// queue to `next()`. Memory stays flat whatever the sheet's length: a few batches, the shared
/// strings (bounded) and the merged ranges. The sheet XML is never held whole.
///
/// - Cells are placed by their reference (`C5`), never by their order; `<dimension>` is not read.
/// - Rows keep the sheet's own numbers; rows absent from the XML are simply not there, and rows
///   with no value at all are skipped (a blank line either way).
/// - Merged ranges: every cell of the range reads as its top-left cell (so a merged header gives
///   its text to each column it spans); merged ranges below the header are a warning.
public final class XLSXReader: RecordReader {
    public let path: String
    public let sheetName: String
    public var inputSize: Int? { nil }
    public var namesColumnsByLetter: Bool { true }
    public var checksRecordShape: Bool { false }
    public var endedWithoutLineBreak: Bool { false }
    public private(set) var cellErrors: [(field: Int, message: String)] = []

    private let queue: BatchQueue
    private var batch: RowBatch?
    private var position = 0
    private var finished = false
    private let storage = CSVRecordStorage()
    private let merges: [MergedRange]

    public convenience init(path: String, sheet: String? = nil) throws {
        do {
            try self.init(checkedPath: path, sheet: sheet)
        } catch let e as XLSXError {
            throw e.diagnostic
        }
    }

    private init(checkedPath path: String, sheet: String?) throws {
        self.path = path
        let workbook = try XLSXWorkbook(path: path)
        let (_, chosen) = try workbook.sheet(sheet, file: path)
        let part = chosen.part!
        sheetName = chosen.name
        // Merged ranges are listed after the cells, at the end of the sheet XML: one quick pass
        // (inflate only, no XML) finds them before the first row is handed out.
        merges = try MergeScan.ranges(in: part, of: workbook.package, file: path)
        let queue = BatchQueue()
        self.queue = queue
        let handler = SheetHandler(workbook: workbook, file: path, part: part, merges: merges, queue: queue)
        let package = workbook.package
        let thread = Thread {
            do {
                let parser = XMLPushParser(part: part, handler: handler)
                try package.stream(part, limit: XLSXLimits.sheetBytes) { try parser.feed($0) }
                try parser.finish()
                handler.flush()
                queue.finish(nil)
            } catch is XLSXCancelled {
                queue.finish(nil)
            } catch let e as XLSXError {
                queue.finish(e.diagnostic)
            } catch let e as XMLPushParser.SyntaxError {
                queue.finish(XLSXError.corrupt(path, "工作表 \(e.part) 第\(e.line)行：\(e.message)").diagnostic)
            } catch {
                queue.finish(error)
            }
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    deinit { queue.cancel() }

    public func next() throws -> CSVRecord? {
        if finished { return nil }
        storage.reset()
        cellErrors.removeAll(keepingCapacity: true)
        while batch == nil || position == batch!.count {
            batch = nil
            position = 0
            switch queue.pop() {
            case .batch(let b): batch = b
            case .end:
                finished = true
                return nil
            case .failure(let e):
                finished = true
                throw e
            }
        }
        let b = batch!
        let i = position
        position += 1
        b.copy(i, into: storage)
        for e in b.errors where e.index == i { cellErrors.append((e.field, e.message)) }
        return CSVRecord(row: b.rows[i], storage: storage)
    }

    public func warnings(headerRow: Int) -> [Diagnostic] {
        let data = merges.filter { $0.top > headerRow }
        guard !data.isEmpty else { return [] }
        let shown = data.prefix(10).map(\.reference).joined(separator: "、")
        let more = data.count > 10 ? "等 \(data.count) 处" : ""
        return [Diagnostic(.warning, code: "xlsx-merged-cells", file: path, line: data[0].top,
            "数据行中有合并单元格（\(shown)\(more)）：已把左上角单元格的值填入合并区域的每一格，请核对；台账的数据行最好不合并单元格，每行填写完整")]
    }
}

/// A merged range, zero-based columns, sheet row numbers.
struct MergedRange {
    var top: Int, left: Int, bottom: Int, right: Int
    var reference: String { "\(TableFile.columnLetters(left))\(top):\(TableFile.columnLetters(right))\(bottom)" }

    /// `B5:B7` (or a single cell `B5`).
    init?(_ ref: String) {
        let parts = ref.split(separator: ":")
        guard let a = CellReference(Substring(parts[0])) else { return nil }
        let b = parts.count > 1 ? CellReference(parts[1]) : a
        guard let b, let ac = a.column, let bc = b.column, let ar = a.row, let br = b.row else { return nil }
        top = min(ar, br); bottom = max(ar, br); left = min(ac, bc); right = max(ac, bc)
    }
}

/// `C5` → column 2, row 5.
struct CellReference {
    var column: Int?
    var row: Int?
    init?(_ s: Substring) {
        var col = 0, letters = 0, row = 0, digits = 0
        for u in s.utf8 {
            if digits == 0, (u >= 65 && u <= 90) || (u >= 97 && u <= 122) {
                col = col * 26 + Int((u & 0xDF) - 64)
                letters += 1
                if letters > 3 { return nil }
            } else if u >= 48 && u <= 57 {
                row = row * 10 + Int(u - 48)
                digits += 1
                if digits > 7 { return nil }
            } else if u == 36 {   // `$` of an absolute reference
                continue
            } else {
                return nil
            }
        }
        column = letters > 0 ? col - 1 : nil
        self.row = digits > 0 ? row : nil
    }

    /// The column of a cell's `r` attribute, straight from its bytes.
    @inline(__always) static func column(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        var col = 0, letters = 0
        for u in b {
            if (u >= 65 && u <= 90) || (u >= 97 && u <= 122) {
                col = col * 26 + Int((u & 0xDF) - 64)
                letters += 1
                if letters > 3 { return nil }
            } else if u == 36 {
                continue
            } else {
                break
            }
        }
        return letters > 0 && col <= 16384 ? col - 1 : nil
    }
}

/// Finds `<mergeCell ref="…"/>` in a sheet part by scanning its bytes (tags cannot occur inside
/// text, where `<` is always escaped).
enum MergeScan {
    static let maxRanges = 1_000_000

    static func ranges(in part: String, of package: XLSXPackage, file: String) throws -> [MergedRange] {
        var found: [MergedRange] = []
        var carry: [UInt8] = []
        let needle = Array("mergeCell".utf8)
        var tooMany = false
        try package.stream(part, limit: XLSXLimits.sheetBytes, checkCRC: false) { chunk in
            var buffer = carry
            buffer.append(contentsOf: chunk.bindMemory(to: UInt8.self))
            var resume = max(0, buffer.count - 512)
            buffer.withUnsafeBufferPointer { b in
                guard let base = b.baseAddress else { return }
                var from = 0
                while from < b.count,
                      let hit = needle.withUnsafeBytes({ ByteSearch.find(base + from, b.count - from, $0.baseAddress!, needle.count) }) {
                    let at = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
                    from = at + needle.count
                    // A tag: `<` then an optional `prefix:` right before the name, whitespace after.
                    var k = at - 1
                    while k >= 0, b[k] == UInt8(ascii: ":") || (b[k] >= 0x30 && b[k] <= 0x39) || ((b[k] | 0x20) >= 0x61 && (b[k] | 0x20) <= 0x7A) || b[k] == 0x5F { k -= 1 }
                    guard k >= 0, b[k] == UInt8(ascii: "<"), from < b.count else { continue }
                    guard b[from] == 0x20 || b[from] == 0x09 || b[from] == 0x0A || b[from] == 0x0D else { continue }
                    // The tag's end must be in this buffer, else look at it again with the next chunk.
                    guard let close = (from..<b.count).first(where: { b[$0] == UInt8(ascii: ">") }) else {
                        resume = min(resume, k)
                        return
                    }
                    let tag = String(decoding: UnsafeBufferPointer(rebasing: b[from..<close]), as: UTF8.self)
                    if let r = tag.range(of: "ref=\""), let q = tag[r.upperBound...].firstIndex(of: "\""),
                       let m = MergedRange(String(tag[r.upperBound..<q])) {
                        if found.count < maxRanges { found.append(m) } else { tooMany = true }
                    }
                    from = close
                    if close >= resume { resume = close + 1 }
                }
            }
            carry = resume < buffer.count ? Array(buffer[resume...]) : []
        }
        if tooMany {
            throw Diagnostic(code: "xlsx-too-large", file: file, "工作表的合并单元格超过 \(maxRanges) 处；请取消合并后再保存")
        }
        return found.sorted { ($0.top, $0.left) < ($1.top, $1.left) }
    }
}

/// Rows on their way from the producer thread: the cells back to back, with each field's end
/// relative to its record's first byte.
final class RowBatch {
    var bytes: [UInt8] = []
    var ends: [Int] = []
    var rows: [Int] = []
    var fieldStart: [Int] = []
    var byteStart: [Int] = []
    var errors: [(index: Int, field: Int, message: String)] = []
    var count: Int { rows.count }

    func copy(_ i: Int, into storage: CSVRecordStorage) {
        let fEnd = i + 1 < count ? fieldStart[i + 1] : ends.count
        let bStart = byteStart[i]
        bytes.withUnsafeBufferPointer { b in
            var last = 0
            for f in fieldStart[i]..<fEnd {
                let e = ends[f]
                if e > last { storage.append(b.baseAddress! + bStart + last, e - last) }
                storage.endField()
                last = e
            }
        }
    }
}

/// A bounded hand-over between the producer thread and `next()`.
final class BatchQueue: @unchecked Sendable {
    enum Item { case batch(RowBatch), end, failure(Error) }
    private let lock = NSCondition()
    private var items: [RowBatch] = []
    private var done = false
    private var error: Error?
    private var cancelled = false
    static let capacity = 4

    /// Blocks while the queue is full; throws when the reader has gone away.
    func push(_ b: RowBatch) throws {
        lock.lock()
        defer { lock.unlock() }
        while items.count >= Self.capacity && !cancelled { lock.wait() }
        if cancelled { throw XLSXCancelled() }
        items.append(b)
        lock.broadcast()
    }

    func pop() -> Item {
        lock.lock()
        defer { lock.unlock() }
        while items.isEmpty && !done { lock.wait() }
        if !items.isEmpty {
            let b = items.removeFirst()
            lock.broadcast()
            return .batch(b)
        }
        if let error { return .failure(error) }
        return .end
    }

    func finish(_ e: Error?) {
        lock.lock()
        done = true
        error = e
        lock.broadcast()
        lock.unlock()
    }

    var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    func cancel() {
        lock.lock()
        cancelled = true
        lock.broadcast()
        lock.unlock()
    }
}
