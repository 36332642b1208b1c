#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A streaming UTF-8 validator: feed it consecutive chunks of one file; a multi-byte sequence
/// may be split between two chunks.
struct UTF8Validator {
    /// Continuation bytes still expected for the current sequence.
    private var needed = 0
    /// Allowed range of the next continuation byte (narrower right after E0, ED, F0, F4,
    /// which excludes overlong forms, surrogates and code points above U+10FFFF).
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF
    /// Whether any multi-byte sequence has been started.
    private(set) var sawNonASCII = false
    /// How many multi-byte sequences have been completed.
    private(set) var completedSequences = 0

    /// True when the last chunk ended inside a multi-byte sequence.
    var isMidSequence: Bool { needed > 0 }

    /// Validates `bytes`, continuing the sequence state of the previous chunk.
    /// - Returns: the index of the first byte that makes the input invalid, or nil.
    ///   After an error the validator's state is unspecified.
    mutating func firstInvalid(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let n = bytes.count
        var i = 0
        // The state lives in locals while the loop runs (a mutating method would otherwise
        // store it back on every byte) and is written back on the way out.
        var needed = self.needed, lower = self.lower, upper = self.upper
        var completed = completedSequences
        var nonASCII = sawNonASCII
        defer {
            self.needed = needed
            self.lower = lower
            self.upper = upper
            completedSequences = completed
            sawNonASCII = nonASCII
        }
        outer: while i < n {
            if needed == 0 {
                // ASCII, eight bytes at a time.
                while i + 8 <= n && UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                }
                // Then byte by byte: ASCII, and whole three-byte characters with no special
                // range (all of CJK), without the general state machine.
                while i < n {
                    let b = base[i]
                    if b < 0x80 {
                        i += 1
                        if b == 0x2C { continue outer }   // after a comma (a new cell), words again
                        continue
                    }
                    guard i + 2 < n, (b &- 0xE1) < 0x0C || b == 0xEE || b == 0xEF,
                          (base[i + 1] & 0xC0) == 0x80, (base[i + 2] & 0xC0) == 0x80 else { break }
                    nonASCII = true
                    completed &+= 1
                    i += 3
                }
                if i >= n { break }
                let b = base[i]
                nonASCII = true
                lower = 0x80
                upper = 0xBF
                switch b {
                case 0xC2...0xDF: needed = 1
                case 0xE0: needed = 2; lower = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: needed = 2
                case 0xED: needed = 2; upper = 0x9F
                case 0xF0: needed = 3; lower = 0x90
                case 0xF1...0xF3: needed = 3
                case 0xF4: needed = 3; upper = 0x8F
                default: return i // 80...C1, F5...FF never start a sequence
                }
                i += 1
            } else {
                let b = base[i]
                guard b >= lower, b <= upper else { return i }
                lower = 0x80
                upper = 0xBF
                needed -= 1
                if needed == 0 { completed &+= 1 }
                i += 1
            }
        }
        return nil
    }
}

/// Converts GB18030 (and so GBK and GB2312) to UTF-8 with glibc `iconv`, chunk by chunk.
///
/// A character split between two input chunks is reported as `.incompleteTail`; the caller
/// keeps the unconsumed bytes and passes them again in front of the next chunk.
final class GB18030Transcoder {
    enum Stop: Equatable {
        /// All input was converted.
        case inputConsumed
        /// The input ends inside a multi-byte character; the rest is unconsumed.
        case incompleteTail
        /// The output buffer is full; call again with the unconsumed input.
        case outputFull
        /// The unconsumed input starts with a byte sequence that is not GB18030.
        case invalidSequence
    }

    private let cd: iconv_t

    /// - Throws: `Diagnostic` (code `encoding-unavailable`) when the C library has no GB18030
    ///   converter (a system without glibc's gconv modules).
    init(file: String?) throws {
        let handle = iconv_open("UTF-8", "GB18030")
        guard let handle, Int(bitPattern: handle) != -1 else {
            throw Diagnostic(code: "encoding-unavailable", file: file,
                             "文件不是UTF-8编码，应按GB18030（GBK）读取，但本系统缺少GB18030转换模块（glibc gconv）；请把文件另存为“CSV UTF-8”后再试。")
        }
        cd = handle
    }

    deinit { iconv_close(cd) }

    /// Converts as much of `input` as possible into `output`.
    func convert(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer)
        -> (consumed: Int, produced: Int, stop: Stop)
    {
        guard input.count > 0, let inBase = input.baseAddress else { return (0, 0, .inputConsumed) }
        guard output.count > 0, let outBase = output.baseAddress else { return (0, 0, .outputFull) }
        var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: inBase)
            .assumingMemoryBound(to: CChar.self)
        var inLeft = input.count
        var outPtr: UnsafeMutablePointer<CChar>? = outBase.assumingMemoryBound(to: CChar.self)
        var outLeft = output.count
        let result = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
        let consumed = input.count - inLeft
        let produced = output.count - outLeft
        if result != -1 { return (consumed, produced, .inputConsumed) }
        let stop: Stop
        switch errno {
        case EINVAL: stop = .incompleteTail
        case E2BIG: stop = .outputFull
        default: stop = .invalidSequence // EILSEQ
        }
        return (consumed, produced, stop)
    }

    /// Forgets any shift state (GB18030 is stateless, so this is only hygiene).
    func reset() {
        _ = iconv(cd, nil, nil, nil, nil)
    }
}
