/// Writes RFC 4180 CSV to an `OutputSink` through a 64 KiB buffer.
///
/// A field is quoted only when it contains `,` `"` CR or LF (quotes inside are doubled); records
/// end with `\n`. Nothing reaches the sink before the buffer fills or `flush()`/`commit()`;
/// a writer dropped without `flush()` loses its buffered bytes.
public final class CSVWriter {
    public let sink: OutputSink
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity = 64 * 1024
    private var count = 0
    private var atRecordStart = true

    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    /// - Parameter bom: start with the UTF-8 byte-order mark, which Excel on Windows needs to
    ///   open a UTF-8 CSV file with Chinese text correctly.
    public init(sink: OutputSink, bom: Bool = false) {
        self.sink = sink
        buffer = .allocate(capacity: capacity)
        if bom {
            buffer[0] = 0xEF
            buffer[1] = 0xBB
            buffer[2] = 0xBF
            count = 3
        }
    }

    deinit { buffer.deallocate() }

    /// Writes one field (UTF-8 bytes), preceded by a comma unless it starts the record.
    public func writeField(bytes: UnsafeBufferPointer<UInt8>) throws {
        if atRecordStart {
            atRecordStart = false
        } else {
            try append(CSVWriter.comma)
        }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        if !CSVBytes.containsSpecial(base, bytes.count) {
            try append(base, bytes.count)
            return
        }
        try append(CSVWriter.quote)
        var start = 0
        for i in 0..<bytes.count where bytes[i] == CSVWriter.quote {
            try append(base + start, i + 1 - start) // up to and including the quote
            try append(CSVWriter.quote)             // doubled
            start = i + 1
        }
        try append(base + start, bytes.count - start)
        try append(CSVWriter.quote)
    }

    /// Writes bytes already encoded as one or more CSV fields (`a,"b,c"`), preceded by a comma
    /// unless they start the record. Empty bytes write an empty field.
    @inline(__always) func writeEncoded(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        if atRecordStart {
            atRecordStart = false
        } else {
            try append(CSVWriter.comma)
        }
        if let base = bytes.baseAddress, bytes.count > 0 { try append(base, bytes.count) }
    }

    func writeEncoded(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { try writeEncoded($0) }
    }

    /// Writes a record's fields as they are (`bytes` back to back, `ends` the end of each): for
    /// fields known to need no quotes. One capacity check for the lot instead of one per field.
    func writePlainFields(bytes: UnsafeBufferPointer<UInt8>, ends: UnsafeBufferPointer<Int>) throws {
        let n = ends.count
        guard n > 0 else { return }
        let needed = bytes.count + n
        guard needed <= capacity else {   // a record larger than the buffer: field by field
            for k in 0..<n {
                let start = k == 0 ? 0 : ends[k - 1]
                try writeEncoded(UnsafeBufferPointer(rebasing: bytes[start..<ends[k]]))
            }
            return
        }
        if count + needed > capacity { try flush() }
        var out = buffer + count
        if atRecordStart {
            atRecordStart = false
        } else {
            out.pointee = CSVWriter.comma
            out += 1
        }
        var start = 0
        for k in 0..<n {
            if k > 0 {
                out.pointee = CSVWriter.comma
                out += 1
            }
            let end = ends[k]
            if end > start {   // then bytes is not empty and has a base address
                CSVBytes.copy(bytes.baseAddress! + start, to: out, end - start)
                out += end - start
            }
            start = end
        }
        count = buffer.distance(to: out)
    }

    /// A date as `YYYY-MM-DD` (no quoting needed), or an empty field.
    @inline(__always) func writeDate(_ day: Day?) throws {
        guard let day else { return try writeEncoded(UnsafeBufferPointer(start: nil, count: 0)) }
        try day.withISOBytes { try writeEncoded($0) }
    }

    /// The encoded form of one field: quoted when it must be.
    static func encode(_ s: String) -> [UInt8] {
        let bytes = Array(s.utf8)
        guard bytes.withUnsafeBufferPointer({ $0.count > 0 && CSVBytes.containsSpecial($0.baseAddress!, $0.count) }) else { return bytes }
        var out: [UInt8] = [quote]
        for b in bytes {
            out.append(b)
            if b == quote { out.append(quote) }
        }
        out.append(quote)
        return out
    }

    public func writeField(_ s: String) throws {
        var s = s
        try s.withUTF8 { try writeField(bytes: $0) }
    }

    /// A date as `YYYY-MM-DD`, or an empty field.
    public func writeField(_ day: Day?) throws {
        guard let day else { return try writeField(bytes: UnsafeBufferPointer(start: nil, count: 0)) }
        try day.withISOBytes { try writeField(bytes: $0) }
    }

    public func writeField(_ s: StaticString) throws {
        if s.hasPointerRepresentation {
            // The bytes of a pointer-backed StaticString live for the whole program.
            try writeField(bytes: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
        } else {
            try writeField(s.description)
        }
    }

    /// Writes a whole record: every field, then the line end.
    public func writeRecord(_ fields: [String]) throws {
        for field in fields { try writeField(field) }
        try endRecord()
    }

    /// Ends the current record with `\n`.
    public func endRecord() throws {
        try append(CSVWriter.lf)
        atRecordStart = true
    }

    /// Hands the buffered bytes to the sink.
    public func flush() throws {
        guard count > 0 else { return }
        let n = count
        count = 0
        try sink.write(UnsafeRawBufferPointer(start: buffer, count: n))
    }

    /// `flush()` then `sink.commit()`.
    public func commit() throws {
        try flush()
        try sink.commit()
    }

    @inline(__always) private func append(_ b: UInt8) throws {
        if count == capacity { try flush() }
        buffer[count] = b
        count += 1
    }

    @inline(__always) private func append(_ p: UnsafePointer<UInt8>, _ n: Int) throws {
        if count + n > capacity {
            try flush()
            if n >= capacity {
                try sink.write(UnsafeRawBufferPointer(start: p, count: n))
                return
            }
        }
        (buffer + count).update(from: p, count: n)
        count += n
    }
}

/// Word-at-a-time searches for the bytes that matter to CSV (`,` `"` CR LF), eight bytes per step:
/// most cells are plain text, and both reading and writing scan every byte of them.
enum CSVBytes {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Nonzero when some byte of `w` equals `byte` (exact as a test, not as a position).
    @inline(__always) static func has(_ w: UInt64, _ byte: UInt8) -> UInt64 {
        let x = w ^ (ones &* UInt64(byte))
        return (x &- ones) & ~x & highs
    }

    /// Copies `n` bytes (non-overlapping). Cells are a few bytes long, where a call to memcpy
    /// costs more than the copy: up to 16 bytes are moved as two overlapping words.
    @inline(__always) static func copy(_ src: UnsafePointer<UInt8>, to dst: UnsafeMutablePointer<UInt8>, _ n: Int) {
        if n >= 8 && n <= 16 {
            let a = UnsafeRawPointer(src).loadUnaligned(as: UInt64.self)
            let b = UnsafeRawPointer(src + n - 8).loadUnaligned(as: UInt64.self)
            UnsafeMutableRawPointer(dst).storeBytes(of: a, as: UInt64.self)
            UnsafeMutableRawPointer(dst + n - 8).storeBytes(of: b, as: UInt64.self)
        } else if n < 8 {
            for i in 0..<n { dst[i] = src[i] }
        } else {
            dst.update(from: src, count: n)
        }
    }

    /// Whether the bytes contain `,` `"` CR or LF, i.e. the field must be quoted.
    @inline(__always) static func containsSpecial(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        while i + 8 <= n {
            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            if has(w, 0x2C) | has(w, 0x22) | has(w, 0x0A) | has(w, 0x0D) != 0 { return true }
            i += 8
        }
        while i < n {
            let c = p[i]
            if c == 0x2C || c == 0x22 || c == 0x0A || c == 0x0D { return true }
            i += 1
        }
        return false
    }

    /// The index of the first `,` CR or LF at or after `from`, or `end` if none: where an unquoted
    /// field ends.
    @inline(__always) static func fieldEnd(_ p: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
        var i = from
        while i + 8 <= end {
            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            if has(w, 0x2C) | has(w, 0x0A) | has(w, 0x0D) != 0 { break }
            i += 8
        }
        while i < end {
            let c = p[i]
            if c == 0x2C || c == 0x0A || c == 0x0D { return i }
            i += 1
        }
        return end
    }
}
