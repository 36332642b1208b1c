/// A calendar date as a day number: days since 1970-01-01 (proleptic Gregorian).
///
/// Dates cross the Swift/Lua boundary as these integers, so the rules do arithmetic on
/// numbers and never parse or format date strings per row.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let number: Int32

    public init(number: Int32) { self.number = number }

    /// Returns nil for an impossible date such as 2021-02-29.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= Day.daysIn(month: month, year: year) else { return nil }
        self.number = Int32(Day.daysFromCivil(year, month, day))
    }

    public static func < (a: Day, b: Day) -> Bool { a.number < b.number }

    /// 0001-01-01 and 9999-12-31, the range the ISO formatting covers.
    public static let firstSupported: Int32 = -719_162
    public static let lastSupported: Int32 = 2_932_896

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Howard Hinnant's days_from_civil: exact for every Gregorian date, no tables.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public var components: (year: Int, month: Int, day: Int) {
        let z = Int(number) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public var year: Int { components.year }

    /// 1 = Monday ... 7 = Sunday (1970-01-01 was a Thursday).
    public var weekday: Int {
        let w = (Int(number) + 3) % 7
        return (w < 0 ? w + 7 : w) + 1
    }

    /// Writes `YYYY-MM-DD` (10 bytes, years 0–9999) without building a String: output writes
    /// three dates per row.
    @inline(__always)
    public func withISOBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let k = Int(number) - Int(Day.isoTableFirst)
        if k >= 0 && k < Day.isoTableDays {
            return try body(UnsafeBufferPointer(start: Day.isoTable + k * 10, count: 10))
        }
        let (y, m, d) = components
        var b: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (UInt8(48 + y / 1000 % 10), UInt8(48 + y / 100 % 10), UInt8(48 + y / 10 % 10), UInt8(48 + y % 10), 45,
             UInt8(48 + m / 10), UInt8(48 + m % 10), 45, UInt8(48 + d / 10), UInt8(48 + d % 10))
        return try withUnsafeBytes(of: &b) { raw in
            try body(raw.bindMemory(to: UInt8.self))
        }
    }

    /// `YYYY-MM-DD` of every day from 2010 through 2039, ten bytes each (110 KB, built on first
    /// use, in about a millisecond): a ledger's dates fall here, and the civil-date arithmetic
    /// was a visible share of writing a row. Other days are computed.
    static let isoTableFirst: Int32 = Day(year: 2010, month: 1, day: 1)!.number
    static let isoTableDays = Int(Day(year: 2040, month: 1, day: 1)!.number - isoTableFirst)
    nonisolated(unsafe) static let isoTable: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: isoTableDays * 10)
        for k in 0..<isoTableDays {
            let (y, m, d) = Day(number: isoTableFirst + Int32(k)).components
            let digits: [UInt8] = [UInt8(48 + y / 1000 % 10), UInt8(48 + y / 100 % 10), UInt8(48 + y / 10 % 10), UInt8(48 + y % 10), 45,
                                   UInt8(48 + m / 10), UInt8(48 + m % 10), 45, UInt8(48 + d / 10), UInt8(48 + d % 10)]
            (table + k * 10).initialize(from: digits, count: 10)
        }
        return UnsafePointer(table)
    }()

    /// ISO 8601, `2020-03-04`.
    public var iso: String {
        let (y, m, d) = components
        var s = String(y)
        s += m < 10 ? "-0\(m)" : "-\(m)"
        s += d < 10 ? "-0\(d)" : "-\(d)"
        return s
    }

    public var description: String { iso }

    public static func + (a: Day, n: Int) -> Day { Day(number: a.number + Int32(n)) }
    public static func - (a: Day, b: Day) -> Int { Int(a.number - b.number) }

    /// Parses strictly `YYYY-MM-DD` (used for flags and data files; ledger cells accept more spellings).
    public init?(iso: String) {
        let parts = iso.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }
}
