#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One CSV record (one spreadsheet row) as returned by `CSVReader.next()`.
///
/// A record is a view into the reader's reused buffer: it is valid only until the next call to
/// `next()` on the same reader. Using it afterwards is a programming error and traps. Copy what
/// you need (`string(_:)`, `strings`) if it must outlive that.
public struct CSVRecord {
    /// The row number as a spreadsheet shows it: the header is row 1. A quoted field holding
    /// line breaks does not add rows; a blank line does.
    public let row: Int
    let storage: CSVRecordStorage
    let generation: UInt64

    init(row: Int, storage: CSVRecordStorage) {
        self.row = row
        self.storage = storage
        self.generation = storage.generation
    }

    @inline(__always) private func checkValid() {
        precondition(generation == storage.generation,
                     "CSVRecord (row \(row)) used after CSVReader.next() was called again")
    }

    /// About how many bytes the record took in the file (its cells, separators and line end).
    public var byteCount: Int {
        checkValid()
        return storage.byteCount + storage.fieldCount
    }

    /// Number of fields in this record as written in the file (rows may be ragged).
    public var count: Int {
        checkValid()
        return storage.fieldCount
    }

    /// Calls `body` with the bytes (UTF-8) of field `i`, unquoted and with doubled quotes undone.
    /// A field index beyond `count` (a short row) reads as an empty field.
    /// The buffer is valid only inside `body`.
    @inline(__always)
    public func withField<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        checkValid()
        return try body(storage.field(i))
    }

    /// The bytes of field `i`, valid until the reader moves on (the row path; see `withField`).
    @inline(__always) func field(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        checkValid()
        return storage.field(i)
    }

    /// The record's bytes and its fields' end offsets (relative to the bytes), for copying it whole.
    func withStorage<R>(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<Int>) throws -> R) rethrows -> R {
        checkValid()
        return try body(UnsafeBufferPointer(start: storage.bytes, count: storage.byteCount),
                        UnsafeBufferPointer(start: storage.ends, count: storage.fieldCount))
    }

    /// True when no field holds a byte that CSV must quote: the fields can be written as they are.
    var isPlain: Bool {
        checkValid()
        return !storage.needsQuoting
    }

    /// Field `i` as a String (for headers and messages; the hot path uses `withField`).
    /// A field index beyond `count` gives "".
    public func string(_ i: Int) -> String {
        withField(i) { String(decoding: $0, as: UTF8.self) }
    }

    /// Every field as a String.
    public var strings: [String] { (0..<count).map { string($0) } }

    /// True when every field is empty or only whitespace (spaces, tabs, U+3000, line breaks):
    /// such a row is skipped by the caller.
    public var isBlank: Bool {
        checkValid()
        for i in 0..<storage.fieldCount where ValueParser.trimmed(storage.field(i)).count != 0 {
            return false
        }
        return true
    }
}

/// The reader's single reused record buffer: all field bytes back to back plus the end offset of
/// each field. It grows to the largest record and is never reallocated per record.
final class CSVRecordStorage {
    /// The record's bytes and field ends: the buffers below, or a record borrowed from elsewhere.
    private(set) var bytes: UnsafeMutablePointer<UInt8>
    private(set) var byteCount = 0
    private(set) var ends: UnsafeMutablePointer<Int>
    private(set) var fieldCount = 0
    private var ownBytes: UnsafeMutablePointer<UInt8>
    private var byteCapacity: Int
    private var ownEnds: UnsafeMutablePointer<Int>
    private var fieldCapacity: Int
    /// Bumped by `reset()`, so stale `CSVRecord`s are detected.
    private(set) var generation: UInt64 = 0

    init() {
        byteCapacity = 4096
        ownBytes = .allocate(capacity: byteCapacity)
        bytes = ownBytes
        fieldCapacity = 64
        ownEnds = .allocate(capacity: fieldCapacity)
        ends = ownEnds
    }

    /// Makes the storage show a record held elsewhere (a worker's chunk), without copying it:
    /// `ends` are relative to `bytes`. Valid until `reset()`; nothing may be appended meanwhile.
    @inline(__always) func borrow(bytes: UnsafePointer<UInt8>, count: Int, ends: UnsafePointer<Int>, fieldCount: Int) {
        generation &+= 1
        self.bytes = UnsafeMutablePointer(mutating: bytes)
        byteCount = count
        self.ends = UnsafeMutablePointer(mutating: ends)
        self.fieldCount = fieldCount
    }

    deinit {
        ownBytes.deallocate()
        ownEnds.deallocate()
    }

    @inline(__always) func reset() {
        bytes = ownBytes
        ends = ownEnds
        byteCount = 0
        fieldCount = 0
        generation &+= 1
    }

    @inline(__always) func append(_ p: UnsafePointer<UInt8>, _ n: Int) {
        if byteCount + n > byteCapacity { growBytes(to: byteCount + n) }
        CSVBytes.copy(p, to: bytes + byteCount, n)
        byteCount += n
    }

    @inline(__always) func append(_ b: UInt8) {
        if byteCount == byteCapacity { growBytes(to: byteCount + 1) }
        bytes[byteCount] = b
        byteCount += 1
    }

    @inline(__always) func endField() {
        if fieldCount == fieldCapacity { growFields() }
        ends[fieldCount] = byteCount
        fieldCount += 1
    }

    /// Whether some field holds `,` `"` CR or LF (and would need quotes when written out).
    var needsQuoting: Bool { CSVBytes.containsSpecial(bytes, byteCount) }

    @inline(__always) func field(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        precondition(i >= 0, "negative CSV field index")
        guard i < fieldCount else { return UnsafeBufferPointer(start: bytes, count: 0) }
        let start = i == 0 ? 0 : ends[i - 1]
        return UnsafeBufferPointer(start: bytes + start, count: ends[i] - start)
    }

    private func growBytes(to needed: Int) {
        var cap = byteCapacity * 2
        while cap < needed { cap *= 2 }
        let new = UnsafeMutablePointer<UInt8>.allocate(capacity: cap)
        new.update(from: ownBytes, count: byteCount)
        ownBytes.deallocate()
        ownBytes = new
        bytes = new
        byteCapacity = cap
    }

    private func growFields() {
        let cap = fieldCapacity * 2
        let new = UnsafeMutablePointer<Int>.allocate(capacity: cap)
        new.update(from: ownEnds, count: fieldCount)
        ownEnds.deallocate()
        ownEnds = new
        ends = new
        fieldCapacity = cap
    }
}

/// A streaming RFC 4180 CSV reader working on bytes.
///
/// - Reads the file in fixed-size chunks (`read(2)`); memory stays bounded by the chunk buffers
///   plus the largest single record, whatever the file size.
/// - Detects the encoding from the first chunk (UTF-8 with or without BOM, else GB18030/GBK,
///   which is transcoded to UTF-8 on the fly); fields are always handed out as UTF-8.
/// - Accepts LF, CRLF and a lone CR as record ends; quoted fields may hold commas, doubled
///   quotes and line breaks (which are kept as written). Like Excel, a quote inside an unquoted
///   field is literal and text after a closing quote is appended to the field.
/// - Bad input throws a `Diagnostic` with the file and the spreadsheet row.
///
/// Records returned by `next()` share one buffer and are valid only until the next call.
public final class CSVReader {
    /// The file name used in diagnostics (the path as given, or the name of an in-memory source).
    public let path: String
    /// The encoding detected from the first chunk. It changes from `.utf8` to `.gb18030` when a
    /// file whose first chunk was pure ASCII later has bytes that are not UTF-8 (ASCII reads the
    /// same in both, so nothing already returned changes).
    public private(set) var encoding: SourceEncoding
    /// Bytes requested per read.
    public let chunkSize: Int

    public static let defaultChunkSize = 64 * 1024
    /// A single record larger than this is rejected (it is nearly always an unclosed quote
    /// swallowing the rest of the file), which keeps memory bounded.
    public static let defaultMaxRecordBytes = 16 * 1024 * 1024

    private enum Source {
        case file(fd: Int32, owned: Bool)
        case memory([UInt8], offset: Int)
    }

    private enum PendingError {
        case invalidUTF8, invalidGB18030, nul
    }

    private enum State {
        case fieldStart, unquoted, quoted, quoteSeen
    }

    private var source: Source
    private let maxRecordBytes: Int
    /// The file's size when it is a regular file (nil for a pipe or memory).
    public private(set) var inputSize: Int?
    /// The regular file's modification time when it was opened, to notice a ledger that is
    /// still being written (copied, saved) while it is read.
    private var inputModified: timespec?
    /// Whether the last record returned ended at the end of the file without a line break: with
    /// too few cells it was probably cut off.
    public private(set) var endedWithoutLineBreak = false

    // Input side.
    private let raw: UnsafeMutablePointer<UInt8>
    private let rawCapacity: Int
    private var rawCount = 0
    private var rawStart = 0
    private var firstChunkPending = true
    private var atStartOfInput = true
    private var outputFullLeft = false
    private var validator = UTF8Validator()
    private var transcoder: GB18030Transcoder?
    private var decoded: UnsafeMutablePointer<UInt8>?
    private var decodedCapacity = 0

    // The window of UTF-8 bytes the parser works on (either `raw` or `decoded`).
    private var window: UnsafeMutablePointer<UInt8>
    private var pos = 0
    private var end = 0
    /// Raised when the parser has consumed the window up to `end`.
    private var pendingError: PendingError?

    // Parser side.
    private var state = State.fieldStart
    private var skipLF = false
    private var recordStarted = false
    private var nextRow = 1
    private var finished = false
    private let storage = CSVRecordStorage()

    /// Opens a CSV file.
    /// - Throws: `Diagnostic` `csv-open-failed` when the file cannot be opened or is a folder;
    ///   `csv-not-text` / `csv-utf16` when it is not a CSV text file; `csv-read-failed`.
    public convenience init(path: String) throws {
        try self.init(path: path, chunkSize: CSVReader.defaultChunkSize)
    }

    /// Opens a CSV file with a given chunk size (tests use small chunks to exercise boundaries).
    convenience init(path: String, chunkSize: Int, maxRecordBytes: Int = CSVReader.defaultMaxRecordBytes) throws {
        var fd: Int32
        repeat { fd = open(path, O_RDONLY | O_CLOEXEC) } while fd < 0 && errno == EINTR
        if fd < 0 {
            throw CSVReader.openFailure(path: path, errno: errno)
        }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw CSVReader.openFailure(path: path, errno: EISDIR)
        }
        try self.init(source: .file(fd: fd, owned: true), name: path, chunkSize: chunkSize,
                      maxRecordBytes: maxRecordBytes)
        if (st.st_mode & S_IFMT) == S_IFREG {
            inputSize = Int(st.st_size)
            inputModified = st.st_mtim
        }
    }

    /// Reads CSV from an already open file descriptor (for example standard input).
    /// - Parameter closeWhenDone: close `fileDescriptor` when the reader is deallocated.
    public convenience init(fileDescriptor: Int32, name: String, closeWhenDone: Bool) throws {
        try self.init(source: .file(fd: fileDescriptor, owned: closeWhenDone), name: name,
                      chunkSize: CSVReader.defaultChunkSize, maxRecordBytes: CSVReader.defaultMaxRecordBytes)
    }

    /// Reads CSV from bytes in memory (tests, or content already loaded).
    public convenience init(bytes: [UInt8], name: String = "<memory>") throws {
        try self.init(bytes: bytes, name: name, chunkSize: CSVReader.defaultChunkSize)
    }

    convenience init(bytes: [UInt8], name: String, chunkSize: Int,
         maxRecordBytes: Int = CSVReader.defaultMaxRecordBytes) throws {
        try self.init(source: .memory(bytes, offset: 0), name: name, chunkSize: chunkSize,
                      maxRecordBytes: maxRecordBytes)
    }

    private init(source: Source, name: String, chunkSize: Int, maxRecordBytes: Int) throws {
        let chunkSize = max(chunkSize, 8)
        // Room for a GB18030 character carried over from the previous chunk.
        let rawCapacity = chunkSize + 8
        let raw = UnsafeMutablePointer<UInt8>.allocate(capacity: rawCapacity)
        var source = source
        let encoding: SourceEncoding
        let transcoder: GB18030Transcoder?
        var count = 0
        do {
            // Fill the whole first chunk (short reads are normal on pipes) for sniffing.
            while count < chunkSize {
                let n = try CSVReader.readChunk(from: &source, into: raw + count, max: chunkSize - count, name: name)
                if n == 0 { break }
                count += n
            }
            let prefix = UnsafeRawBufferPointer(start: raw, count: count)
            if let kind = SourceEncoding.binaryContentKind(prefix) {
                throw SourceEncoding.binaryContentDiagnostic(kind, file: name)
            }
            encoding = SourceEncoding.detect(prefix, isWholeFile: count < chunkSize)
            transcoder = encoding == .gb18030 ? try GB18030Transcoder(file: name) : nil
        } catch {
            raw.deallocate()
            if case .file(let fd, true) = source { close(fd) }
            throw error
        }
        self.path = name
        self.source = source
        self.chunkSize = chunkSize
        self.maxRecordBytes = maxRecordBytes
        self.raw = raw
        self.rawCapacity = rawCapacity
        self.rawCount = count
        self.encoding = encoding
        self.transcoder = transcoder
        self.window = raw
        if transcoder != nil { allocateDecodedWindow() }
    }

    private func allocateDecodedWindow() {
        // GB18030 → UTF-8 grows at most 3/2 (two bytes become three).
        decodedCapacity = 2 * rawCapacity + 16
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: decodedCapacity)
        decoded = buffer
        window = buffer
    }

    deinit {
        raw.deallocate()
        decoded?.deallocate()
        if case .file(let fd, true) = source { close(fd) }
    }

    /// Returns the next record, or nil at the end of the file.
    ///
    /// The returned record is valid until the next call. After a thrown error (or the end of the
    /// file) further calls return nil.
    /// - Throws: `Diagnostic` with the row: `csv-unterminated-quote`, `csv-invalid-utf8`,
    ///   `csv-invalid-gb18030`, `csv-not-text` (a NUL byte), `csv-record-too-large`,
    ///   `csv-read-failed`.
    public func next() throws -> CSVRecord? {
        if finished { return nil }
        storage.reset()
        do {
            while true {
                if pos < end {
                    if try scan() { return makeRecord() }
                    continue
                }
                if let pending = pendingError {
                    throw diagnostic(for: pending)
                }
                if try !refill() {
                    return try finishAtEndOfInput()
                }
            }
        } catch {
            finished = true
            throw error
        }
    }

    // MARK: - Parsing

    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    private func makeRecord() -> CSVRecord {
        let record = CSVRecord(row: nextRow, storage: storage)
        nextRow += 1
        recordStarted = false
        state = .fieldStart
        return record
    }

    /// At the end of a regular file: throws when its size or modification time is no longer
    /// what it was when it was opened (what was read may be neither the old file nor the new).
    private func checkUnchanged() throws {
        guard let size = inputSize, let modified = inputModified, case .file(let fd, _) = source else { return }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return }
        if Int(st.st_size) != size || st.st_mtim.tv_sec != modified.tv_sec || st.st_mtim.tv_nsec != modified.tv_nsec {
            throw Diagnostic(code: "csv-changed-while-read", file: path,
                "输入文件在读取期间被修改（大小或修改时间变了，可能还在复制、导出或被其他程序保存），读到的内容可能不完整，未写出任何结果。请等文件保存完毕后重新运行")
        }
    }

    private func finishAtEndOfInput() throws -> CSVRecord? {
        try checkUnchanged()
        switch state {
        case .quoted:
            throw Diagnostic(code: "csv-unterminated-quote", file: path, line: nextRow,
                             "第\(nextRow)行有一个以英文双引号（\"）开始的单元格，直到文件末尾都没有结束的引号。请检查该行单元格中的引号是否成对。")
        case .fieldStart:
            if !recordStarted {
                finished = true
                return nil
            }
            storage.endField()
        case .unquoted, .quoteSeen:
            storage.endField()
        }
        finished = true
        endedWithoutLineBreak = true
        return makeRecord()
    }

    @inline(__always) private func checkRecordSize() throws {
        if storage.byteCount &+ storage.fieldCount &* 8 > maxRecordBytes {
            var message = "第\(nextRow)行的记录超过\(maxRecordBytes / (1024 * 1024))MB"
            if state == .quoted {
                message += "，很可能是某个单元格的英文双引号（\"）没有闭合，把后面的内容都当成了同一个单元格"
            }
            message += "。请检查该行。"
            throw Diagnostic(code: "csv-record-too-large", file: path, line: nextRow, message)
        }
    }

    /// Parses from `pos` towards `end`. Returns true when a record is complete (its fields are in
    /// `storage`), false when the window is exhausted mid-record.
    private func scan() throws -> Bool {
        let d = window
        let e = end
        let s = storage
        var p = pos
        defer { pos = p }
        while p < e {
            switch state {
            case .fieldStart:
                let c = d[p]
                if skipLF {
                    skipLF = false
                    if c == CSVReader.lf { p += 1; continue }
                }
                recordStarted = true
                switch c {
                case CSVReader.quote:
                    state = .quoted
                    p += 1
                case CSVReader.comma:
                    s.endField()
                    p += 1
                    try checkRecordSize()
                case CSVReader.lf:
                    s.endField()
                    p += 1
                    return true
                case CSVReader.cr:
                    s.endField()
                    p += 1
                    skipLF = true
                    return true
                default:
                    // The common case, fields without quotes: take them one after another here,
                    // without going round the state machine per field.
                    var q = p
                    while true {
                        let f = CSVBytes.fieldEnd(d, from: q, end: e)
                        if f > q {
                            s.append(d + q, f - q)
                            try checkRecordSize()
                        }
                        if f == e {
                            p = e
                            state = .unquoted
                            return false
                        }
                        let c = d[f]
                        s.endField()
                        q = f + 1
                        if c == CSVReader.lf { p = q; return true }
                        if c == CSVReader.cr { p = q; skipLF = true; return true }
                        // After a comma: empty fields, then either another plain field or back
                        // to the state machine (a quote, a line end, the window's end).
                        while q < e && d[q] == CSVReader.comma {
                            s.endField()
                            q += 1
                        }
                        try checkRecordSize()
                        if q == e || d[q] == CSVReader.quote || d[q] == CSVReader.lf || d[q] == CSVReader.cr { break }
                    }
                    p = q
                }
            case .unquoted:
                let q = CSVBytes.fieldEnd(d, from: p, end: e)
                if q > p {
                    s.append(d + p, q - p)
                    try checkRecordSize()
                }
                p = q
                if q == e { return false }
                let c = d[q]
                p += 1
                s.endField()
                state = .fieldStart
                if c == CSVReader.lf { return true }
                if c == CSVReader.cr { skipLF = true; return true }
            case .quoted:
                let rest = e - p
                if let hit = memchr(d + p, Int32(CSVReader.quote), rest) {
                    let q = UnsafeMutableRawPointer(d).distance(to: hit)
                    s.append(d + p, q - p)
                    p = q + 1
                    state = .quoteSeen
                } else {
                    s.append(d + p, rest)
                    p = e
                }
                try checkRecordSize()
            case .quoteSeen:
                let c = d[p]
                switch c {
                case CSVReader.quote:
                    s.append(CSVReader.quote)
                    p += 1
                    state = .quoted
                case CSVReader.comma:
                    s.endField()
                    p += 1
                    state = .fieldStart
                case CSVReader.lf:
                    s.endField()
                    p += 1
                    state = .fieldStart
                    return true
                case CSVReader.cr:
                    s.endField()
                    p += 1
                    state = .fieldStart
                    skipLF = true
                    return true
                default:
                    // `"ab"c` → `abc`, as Excel reads it.
                    state = .unquoted
                }
            }
        }
        return false
    }

    // MARK: - Input

    /// Makes the next window of UTF-8 bytes available in `window[pos..<end]`.
    /// Returns false at the end of the input.
    private func refill() throws -> Bool {
        while true {
            if firstChunkPending {
                firstChunkPending = false
            } else if transcoder == nil {
                let n = try CSVReader.readChunk(from: &source, into: raw, max: chunkSize, name: path)
                if n == 0 {
                    if validator.isMidSequence {
                        // The file ends inside a multi-byte character.
                        pendingError = .invalidUTF8
                        pos = 0
                        end = 0
                        return true
                    }
                    return false
                }
                rawStart = 0
                rawCount = n
            } else {
                let left = rawCount - rawStart
                if left > 0 && rawStart > 0 { memmove(raw, raw + rawStart, left) }
                rawCount = left
                rawStart = 0
                if !outputFullLeft {
                    // Exactly chunkSize when possible, so chunk boundaries stay predictable.
                    let n = try CSVReader.readChunk(from: &source, into: raw + rawCount,
                                                    max: Swift.min(chunkSize, rawCapacity - rawCount), name: path)
                    if n == 0 {
                        if rawCount > 0 {
                            // The file ends inside a multi-byte character.
                            pendingError = .invalidGB18030
                            pos = 0
                            end = 0
                            return true
                        }
                        return false
                    }
                    rawCount += n
                }
            }
            try decodeWindow()
            if atStartOfInput {
                atStartOfInput = false
                let w = window
                if end - pos >= 3, w[pos] == 0xEF, w[pos + 1] == 0xBB, w[pos + 2] == 0xBF { pos += 3 }
            }
            if pos < end || pendingError != nil { return true }
        }
    }

    /// Turns the raw bytes in `raw[rawStart..<rawCount]` into the parser window.
    private func decodeWindow() throws {
        let avail = rawCount - rawStart
        var limit = avail
        var sawNUL = false
        if let hit = memchr(raw + rawStart, 0, avail) {
            limit = UnsafeMutableRawPointer(raw + rawStart).distance(to: hit)
            sawNUL = true
        }
        pos = 0
        if let transcoder, let decoded {
            let input = UnsafeRawBufferPointer(start: raw + rawStart, count: limit)
            let output = UnsafeMutableRawBufferPointer(start: decoded, count: decodedCapacity)
            let (consumed, produced, stop) = transcoder.convert(input, into: output)
            rawStart += consumed
            end = produced
            outputFullLeft = false
            switch stop {
            case .inputConsumed:
                if sawNUL { pendingError = .nul }
            case .incompleteTail:
                // A NUL can never continue a GB18030 character.
                if sawNUL { pendingError = .invalidGB18030 }
            case .outputFull:
                outputFullLeft = true
            case .invalidSequence:
                pendingError = .invalidGB18030
            }
        } else {
            let bytes = UnsafeBufferPointer(start: raw + rawStart, count: limit)
            let carriedSequence = validator.isMidSequence
            if let bad = validator.firstInvalid(in: bytes) {
                if validator.completedSequences == 0 && !carriedSequence {
                    // Everything so far was ASCII, which reads the same in GB18030: the file was
                    // GB18030 after all (its first chunk just had no Chinese). Switch losslessly
                    // and decode this chunk again.
                    encoding = .gb18030
                    transcoder = try GB18030Transcoder(file: path)
                    allocateDecodedWindow()
                    try decodeWindow()
                    return
                }
                end = bad
                pendingError = .invalidUTF8
            } else {
                end = limit
                if sawNUL { pendingError = .nul }
            }
            rawStart = rawCount
        }
    }

    private func diagnostic(for error: PendingError) -> Diagnostic {
        let row = nextRow
        switch error {
        case .invalidUTF8:
            return Diagnostic(code: "csv-invalid-utf8", file: path, line: row,
                              "文件在第\(row)行含有无效的UTF-8字节；请以UTF-8或GB18030（GBK）编码保存（文件开头是UTF-8，此处却不是，可能是不同编码的内容被拼接在一起）。")
        case .invalidGB18030:
            return Diagnostic(code: "csv-invalid-gb18030", file: path, line: row,
                              "文件按GB18030（GBK）编码读取，但在第\(row)行含有无效的字节；请以UTF-8或GB18030（GBK）编码保存。")
        case .nul:
            return Diagnostic(code: "csv-not-text", file: path, line: row,
                              "文件在第\(row)行含有NUL（0）字节，这不是CSV文本文件。请在Excel/WPS中“另存为”CSV（逗号分隔）文件。")
        }
    }

    private static func readChunk(from source: inout Source, into buffer: UnsafeMutablePointer<UInt8>,
                             max: Int, name: String) throws -> Int {
        switch source {
        case .file(let fd, _):
            while true {
                let n = read(fd, buffer, max)
                if n >= 0 { return n }
                let err = errno
                if err == EINTR { continue }
                throw Diagnostic(code: "csv-read-failed", file: name,
                                 "读取文件“\(name)”失败：\(CSVReader.reason(err))")
            }
        case .memory(let bytes, let offset):
            let n = Swift.min(max, bytes.count - offset)
            if n > 0 {
                bytes.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress! + offset, count: n) }
                source = .memory(bytes, offset: offset + n)
            }
            return n
        }
    }

    static func openFailure(path: String, errno err: Int32) -> Diagnostic {
        Diagnostic(code: "csv-open-failed", file: path, "无法打开文件“\(path)”：\(reason(err))")
    }

    /// The OS reason in Chinese for the common cases, followed by the system's own wording.
    static func reason(_ err: Int32) -> String {
        let system = String(cString: strerror(err))
        let chinese: String?
        switch err {
        case ENOENT: chinese = "文件或文件夹不存在"
        case EACCES, EPERM: chinese = "没有读取权限"
        case EISDIR: chinese = "这是一个文件夹，不是文件"
        case ENOTDIR: chinese = "路径中的某一级不是文件夹"
        case ENAMETOOLONG: chinese = "路径太长"
        case EMFILE, ENFILE: chinese = "同时打开的文件太多"
        case EIO: chinese = "磁盘读写错误"
        default: chinese = nil
        }
        if let chinese { return "\(chinese)（\(system)）" }
        return system
    }
}
