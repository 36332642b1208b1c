/// Parsers for ledger cell values, working directly on the UTF-8 bytes of a field
/// (`CSVRecord.withField`) without creating Strings.
///
/// Every parser ignores surrounding whitespace (see `trimmed`) and returns nil for a value it
/// does not accept; an empty cell is the caller's business (it usually means "use the default").
public enum ValueParser {
    // MARK: Whitespace

    /// `bytes` without leading and trailing whitespace: ASCII space, tab, CR and LF,
    /// U+3000 IDEOGRAPHIC SPACE and U+00A0 NO-BREAK SPACE.
    @inline(__always)
    public static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        // Most cells start and end with a byte no whitespace character starts or ends with.
        if let p = bytes.baseAddress, bytes.count > 0 {
            let first = p[0], last = p[bytes.count - 1]
            if first > 0x20 && first != 0xE3 && first != 0xC2 && last > 0x20 && last != 0x80 && last != 0xA0 { return bytes }
        }
        let r = trimmedRange(bytes, 0..<bytes.count)
        if r.count == bytes.count { return bytes }
        return UnsafeBufferPointer(rebasing: bytes[r])
    }

    /// The sub-range of `range` without surrounding whitespace.
    static func trimmedRange(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lo = range.lowerBound
        var hi = range.upperBound
        while lo < hi {
            let n = whitespaceLength(b, at: lo, limit: hi)
            if n == 0 { break }
            lo += n
        }
        while lo < hi {
            let n = whitespaceLengthBefore(b, end: hi, limit: lo)
            if n == 0 { break }
            hi -= n
        }
        return lo..<hi
    }

    /// Length of the whitespace character starting at `i` (0 if none).
    @inline(__always)
    private static func whitespaceLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int, limit: Int) -> Int {
        switch b[i] {
        case 0x20, 0x09, 0x0A, 0x0D: return 1
        case 0xE3 where i + 2 < limit && b[i + 1] == 0x80 && b[i + 2] == 0x80: return 3
        case 0xC2 where i + 1 < limit && b[i + 1] == 0xA0: return 2
        default: return 0
        }
    }

    /// Length of the whitespace character ending just before `end` (0 if none).
    @inline(__always)
    private static func whitespaceLengthBefore(_ b: UnsafeBufferPointer<UInt8>, end: Int, limit: Int) -> Int {
        switch b[end - 1] {
        case 0x20, 0x09, 0x0A, 0x0D: return 1
        case 0x80 where end - 3 >= limit && b[end - 3] == 0xE3 && b[end - 2] == 0x80: return 3
        case 0xA0 where end - 2 >= limit && b[end - 2] == 0xC2: return 2
        default: return 0
        }
    }

    // MARK: Digits

    /// The value of the (ASCII or full-width ０-９) digit at `i` and its byte length, or nil.
    @inline(__always)
    private static func digit(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> (value: Int, length: Int)? {
        let c = b[i]
        if c >= 0x30 && c <= 0x39 { return (Int(c - 0x30), 1) }
        if c == 0xEF, i + 2 < b.count, b[i + 1] == 0xBC, b[i + 2] >= 0x90, b[i + 2] <= 0x99 {
            return (Int(b[i + 2] - 0x90), 3)
        }
        return nil
    }

    /// Reads at most `maxDigits` digits from `i`. Returns the value, the digit count and the index
    /// after them.
    @inline(__always)
    private static func digits(_ b: UnsafeBufferPointer<UInt8>, from i: Int, maxDigits: Int)
        -> (value: Int, count: Int, next: Int)
    {
        var value = 0, count = 0, j = i
        while j < b.count, count < maxDigits, let d = digit(b, at: j) {
            value = value * 10 + d.value
            count += 1
            j += d.length
        }
        return (value, count, j)
    }

    /// Whether `b[i...]` starts with `seq`.
    @inline(__always)
    private static func has(_ b: UnsafeBufferPointer<UInt8>, at i: Int, _ seq: (UInt8, UInt8, UInt8)) -> Bool {
        i + 2 < b.count && b[i] == seq.0 && b[i + 1] == seq.1 && b[i + 2] == seq.2
    }

    private static let nian: (UInt8, UInt8, UInt8) = (0xE5, 0xB9, 0xB4) // 年
    private static let yue: (UInt8, UInt8, UInt8) = (0xE6, 0x9C, 0x88)  // 月
    private static let ri: (UInt8, UInt8, UInt8) = (0xE6, 0x97, 0xA5)   // 日

    // MARK: Dates

    /// A date in one of the ledger spellings: `2020-03-04`, `2020/3/4`, `2020.3.4`,
    /// `2020年3月4日` (4-digit year, 1- or 2-digit month and day, ASCII or full-width digits; the
    /// same separator twice). Returns nil for anything else, including impossible dates
    /// (`2021-02-29`).
    public static func date(_ bytes: UnsafeBufferPointer<UInt8>) -> Day? {
        let b = trimmed(bytes)
        guard let (day, end) = datePrefix(b), end == b.count else { return nil }
        return day
    }

    /// How a ledger date cell was written, beyond the plain date.
    public enum DateReading: Equatable, Sendable {
        /// A date as written, or with the midnight time spreadsheets add (`2020/3/4 0:00`).
        case date
        /// A date with another time of day (hour, minute, second): the date is kept.
        case time(Int, Int, Int)
        /// A bare Excel serial number (1900 date system); `time` when it has a fraction that is
        /// not midnight.
        case serial(Int, time: (Int, Int, Int)?)

        public static func == (a: DateReading, b: DateReading) -> Bool {
            switch (a, b) {
            case (.date, .date): return true
            case let (.time(h, m, s), .time(h2, m2, s2)): return (h, m, s) == (h2, m2, s2)
            case let (.serial(n, t), .serial(n2, t2)): return n == n2 && t.map { [$0.0, $0.1, $0.2] } == t2.map { [$0.0, $0.1, $0.2] }
            default: return false
            }
        }
    }

    /// Serial numbers read as dates: 2000-01-01 (36526) to 2099-12-31 (73050). A smaller or
    /// larger number in a date column is far likelier a typing mistake than a date.
    public static let plausibleSerials = 36_526...73_050

    /// A date cell as spreadsheets export it: every form `date` accepts, optionally followed by
    /// a time (`2020/3/4 0:00`, `2020-03-04 00:00:00`, `2020-03-04T08:30`), or a bare Excel
    /// serial number (`43894`, `43894.5`) in the 1900 date system. Returns nil for anything else.
    public static func dateCell(_ bytes: UnsafeBufferPointer<UInt8>) -> (day: Day, reading: DateReading)? {
        let b = trimmed(bytes)
        if let (day, end) = datePrefix(b) {
            if end == b.count { return (day, .date) }
            // One or more spaces (or an ISO `T`), then the time.
            var i = end
            if b[i] == UInt8(ascii: "T") { i += 1 } else {
                while i < b.count, b[i] == 0x20 { i += 1 }
                guard i > end else { return nil }
            }
            guard let t = time(b, from: i) else { return nil }
            return (day, t == (0, 0, 0) ? .date : .time(t.0, t.1, t.2))
        }
        return serial(b)
    }

    /// `H:MM`, `HH:MM:SS`, optionally with fractional seconds (`00:00:00.000`), to the end.
    private static func time(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> (Int, Int, Int)? {
        let h = digits(b, from: start, maxDigits: 2)
        guard h.count > 0, h.value < 24, h.next < b.count, b[h.next] == UInt8(ascii: ":") else { return nil }
        let m = digits(b, from: h.next + 1, maxDigits: 2)
        guard m.count == 2, m.value < 60 else { return nil }
        var i = m.next
        var second = 0
        if i < b.count, b[i] == UInt8(ascii: ":") {
            let s = digits(b, from: i + 1, maxDigits: 2)
            guard s.count == 2, s.value < 60 else { return nil }
            second = s.value
            i = s.next
            if i < b.count, b[i] == UInt8(ascii: ".") {
                let f = digits(b, from: i + 1, maxDigits: 9)
                guard f.count > 0 else { return nil }
                i = f.next
            }
        }
        return i == b.count ? (h.value, m.value, second) : nil
    }

    /// A bare Excel serial number: ASCII digits, optionally `.` and a fraction of the day.
    /// Serial 60 is 1900-02-29, a day that never was (Lotus 1-2-3's leap-year bug, kept by
    /// Excel), so it is refused; from 61 on, serial n is 1899-12-30 plus n days.
    private static func serial(_ b: UnsafeBufferPointer<UInt8>) -> (day: Day, reading: DateReading)? {
        var i = 0, whole = 0
        while i < b.count, b[i] >= 0x30, b[i] <= 0x39, i < 6 { whole = whole * 10 + Int(b[i] - 0x30); i += 1 }
        guard i > 0 else { return nil }
        var fraction = 0.0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            let s = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39, i - s < 12 { fraction += Double(b[i] - 0x30) * scale; scale /= 10; i += 1 }
            guard i > s else { return nil }
        }
        guard i == b.count, whole != 60, plausibleSerials.contains(whole),
              let epoch = Day(year: 1899, month: 12, day: 30) else { return nil }
        let day = Day(number: epoch.number + Int32(whole))
        let seconds = Int((fraction * 86_400).rounded())
        let time = seconds == 0 || seconds >= 86_400 ? nil : (seconds / 3600, seconds / 60 % 60, seconds % 60)
        return (day, .serial(whole, time: time))
    }

    /// Whether the cell is a bare number (`12`, `4.5`): in a date column, a serial number out of
    /// the plausible range.
    public static func isNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let b = trimmed(bytes)
        var digitsSeen = 0, dots = 0
        for c in b {
            if c >= 0x30 && c <= 0x39 { digitsSeen += 1 } else if c == UInt8(ascii: ".") { dots += 1 } else { return false }
        }
        return digitsSeen > 0 && dots <= 1
    }

    /// The date at the start of `b` and the index after it.
    private static func datePrefix(_ b: UnsafeBufferPointer<UInt8>) -> (Day, Int)? {
        let y = digits(b, from: 0, maxDigits: 4)
        guard y.count == 4, y.next < b.count else { return nil }
        var i = y.next
        let sep = b[i]
        let cjk: Bool
        if sep == UInt8(ascii: "-") || sep == UInt8(ascii: "/") || sep == UInt8(ascii: ".") {
            cjk = false
            i += 1
        } else if has(b, at: i, nian) {
            cjk = true
            i += 3
        } else {
            return nil
        }
        guard i < b.count else { return nil }
        let m = digits(b, from: i, maxDigits: 2)
        guard m.count > 0, m.next < b.count else { return nil }
        i = m.next
        if cjk {
            guard has(b, at: i, yue) else { return nil }
            i += 3
        } else {
            guard b[i] == sep else { return nil }
            i += 1
        }
        guard i < b.count else { return nil }
        let d = digits(b, from: i, maxDigits: 2)
        guard d.count > 0 else { return nil }
        i = d.next
        if cjk {
            guard has(b, at: i, ri) else { return nil }
            i += 3
        }
        guard let day = Day(year: y.value, month: m.value, day: d.value) else { return nil }
        return (day, i)
    }

    // MARK: Booleans

    /// 是/否, Y/N, yes/no, true/false, 1/0 (English case-insensitive), and the check marks
    /// √ ✓ ✔ for yes. Returns nil for anything else, including an empty cell.
    public static func bool(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        let b = trimmed(bytes)
        switch b.count {
        case 1:
            switch b[0] {
            case UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "1"): return true
            case UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "0"): return false
            default: return nil
            }
        case 3:
            if has(b, at: 0, (0xE6, 0x98, 0xAF)) { return true }  // 是
            if has(b, at: 0, (0xE5, 0x90, 0xA6)) { return false } // 否
            if has(b, at: 0, (0xE2, 0x88, 0x9A)) { return true }  // √ U+221A
            if has(b, at: 0, (0xE2, 0x9C, 0x93)) { return true }  // ✓ U+2713
            if has(b, at: 0, (0xE2, 0x9C, 0x94)) { return true }  // ✔ U+2714
            if equalsASCIICaseInsensitive(b, "yes") { return true }
            return nil
        case 2:
            return equalsASCIICaseInsensitive(b, "no") ? false : nil
        case 4:
            return equalsASCIICaseInsensitive(b, "true") ? true : nil
        case 5:
            return equalsASCIICaseInsensitive(b, "false") ? false : nil
        default:
            return nil
        }
    }

    // MARK: Integers

    /// A whole number: optional `+`/`-`, then ASCII or full-width digits. Returns nil when empty,
    /// malformed or out of `Int`'s range.
    public static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let b = trimmed(bytes)
        var i = 0
        var negative = false
        if i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") {
            negative = b[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < b.count else { return nil }
        var value = 0
        while i < b.count {
            guard let d = digit(b, at: i) else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? times10.subtractingReportingOverflow(d.value)
                                      : times10.addingReportingOverflow(d.value)
            if o1 || o2 { return nil }
            value = next
            i += d.length
        }
        return value
    }

    // MARK: Lists

    /// Splits a list cell on `;` `；` `、` `,` `，`. Each item is trimmed; empty items are skipped.
    /// `ranges` is cleared first and receives index ranges into `bytes`.
    public static func listItems(_ bytes: UnsafeBufferPointer<UInt8>, into ranges: inout [Range<Int>]) {
        ranges.removeAll(keepingCapacity: true)
        let n = bytes.count
        var start = 0
        var i = 0
        while i <= n {
            var sepLength = 0
            if i == n {
                sepLength = 0
            } else {
                switch bytes[i] {
                case UInt8(ascii: ";"), UInt8(ascii: ","):
                    sepLength = 1
                case 0xEF where i + 2 < n && bytes[i + 1] == 0xBC && (bytes[i + 2] == 0x9B || bytes[i + 2] == 0x8C):
                    sepLength = 3 // ； ，
                case 0xE3 where i + 2 < n && bytes[i + 1] == 0x80 && bytes[i + 2] == 0x81:
                    sepLength = 3 // 、
                default:
                    i += 1
                    continue
                }
            }
            let item = trimmedRange(bytes, start..<i)
            if !item.isEmpty { ranges.append(item) }
            if i == n { break }
            i += sepLength
            start = i
        }
    }

    // MARK: Comparison

    /// Whether `bytes` equals `candidate`, ASCII letters compared case-insensitively and every
    /// other byte exactly.
    public static func equalsASCIICaseInsensitive(_ bytes: UnsafeBufferPointer<UInt8>, _ candidate: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == candidate.count else { return false }
        for i in 0..<bytes.count {
            let a = bytes[i], c = candidate[i]
            if a == c { continue }
            guard a ^ c == 0x20 else { return false }
            let lower = a | 0x20
            guard lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z") else { return false }
        }
        return true
    }

    public static func equalsASCIICaseInsensitive(_ bytes: UnsafeBufferPointer<UInt8>, _ candidate: StaticString) -> Bool {
        candidate.withUTF8Buffer { equalsASCIICaseInsensitive(bytes, $0) }
    }

    public static func equalsASCIICaseInsensitive(_ bytes: UnsafeBufferPointer<UInt8>, _ candidate: [UInt8]) -> Bool {
        candidate.withUnsafeBufferPointer { equalsASCIICaseInsensitive(bytes, $0) }
    }
}

/// Normalisation of column headers, so that `申请编号 `, `（备注）` and `(备注)` match.
public enum HeaderText {
    /// Trims whitespace (including U+3000 and no-break space), collapses inner whitespace runs to
    /// one ASCII space, drops zero-width characters and BOMs, maps full-width ASCII forms
    /// (U+FF01–U+FF5E: letters, digits, brackets, punctuation) and 【】〔〕 to half-width, and
    /// lowercases ASCII letters.
    public static func normalize(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in s.unicodeScalars {
            var v = scalar.value
            switch v {
            case 0xFEFF, 0x200B, 0x200C, 0x200D, 0x2060:
                continue
            case 0xFF01...0xFF5E:
                v -= 0xFEE0
            case 0x3010, 0x3014: // 【 〔
                v = 0x5B
            case 0x3011, 0x3015: // 】 〕
                v = 0x5D
            default:
                break
            }
            if v >= 0x41 && v <= 0x5A { v += 0x20 }
            let mapped = Unicode.Scalar(v)!
            if mapped.properties.isWhitespace {
                pendingSpace = true
                continue
            }
            if pendingSpace && !out.isEmpty { out.append(" ") }
            pendingSpace = false
            out.append(mapped)
        }
        return String(out)
    }

    /// Levenshtein distance counted in Characters (insertions, deletions, substitutions).
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let substitution = previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)
                current[j] = Swift.min(substitution, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}
