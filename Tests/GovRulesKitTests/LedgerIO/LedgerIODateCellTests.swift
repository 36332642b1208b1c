import Testing
@testable import GovRulesKit

/// Date cells as spreadsheets export them: with a time of day, or as a bare Excel serial number.
@Suite("LedgerIO date cells")
struct LedgerIODateCellTests {
    typealias S = LedgerIOSupport

    func cell(_ s: String) -> (day: Day, reading: ValueParser.DateReading)? {
        S.withBytes(s) { ValueParser.dateCell($0) }
    }

    @Test(arguments: ["2026/03/09 0:00", "2026-03-09 00:00:00", "2026/3/9 0:00:00", "2026-03-09T00:00",
                      "2026-03-09 00:00:00.000", "2026年3月9日 0:00", "2026-03-09", " 2026.3.9  0:00 "])
    func midnightIsThePlainDate(_ s: String) throws {
        let r = try #require(cell(s), "\(s)")
        #expect(r.day == Day(year: 2026, month: 3, day: 9))
        #expect(r.reading == .date)
    }

    @Test func anotherTimeIsKeptAsTheDateWithTheTime() throws {
        let r = try #require(cell("2026-03-09 14:30"))
        #expect(r.day == Day(year: 2026, month: 3, day: 9))
        #expect(r.reading == .time(14, 30, 0))
        #expect(cell("2026/3/9 8:05:07")?.reading == .time(8, 5, 7))
    }

    @Test(arguments: ["2026-03-09 24:00", "2026-03-09 12:60", "2026-03-09 12", "2026-03-09 12:5",
                      "2026-03-09 12:00:7", "2026-03-0914:30", "2026-03-09 14:30x", "2026-03-09 下午2:30",
                      "2021-02-29 0:00"])
    func malformedTimesAreRefused(_ s: String) {
        #expect(cell(s) == nil, "\(s)")
    }

    /// 1900 date system: 45360 is 2024-03-09, 46104 is 2026-03-23, 36526 is 2000-01-01.
    @Test func serialNumbersAreReadInThe1900DateSystem() throws {
        #expect(cell("45360")?.day == Day(year: 2024, month: 3, day: 9))
        #expect(cell("46104")?.day == Day(year: 2026, month: 3, day: 23))
        #expect(cell("36526")?.day == Day(year: 2000, month: 1, day: 1))
        #expect(cell("73050")?.day == Day(year: 2099, month: 12, day: 31))
        #expect(cell("45360")?.reading == .serial(45360, time: nil))
        #expect(cell("45360.0")?.reading == .serial(45360, time: nil))
        #expect(cell("45360.5")?.reading == .serial(45360, time: (12, 0, 0)))
        #expect(cell("45360.5")?.day == Day(year: 2024, month: 3, day: 9))
    }

    /// Serial 60 is Excel's 1900-02-29, a day that never was; tiny and huge numbers are typing
    /// mistakes, not dates.
    @Test(arguments: ["60", "0", "1", "12", "36525", "73051", "999999", "20240309", "45360.", "-45360", "4５360", "45 360"])
    func implausibleSerialsAreRefused(_ s: String) {
        #expect(cell(s) == nil, "\(s)")
    }

    @Test func bareNumbersAreToldApart() {
        #expect(S.withBytes("12") { ValueParser.isNumber($0) })
        #expect(S.withBytes(" 4.5 ") { ValueParser.isNumber($0) })
        #expect(!S.withBytes("2020-03-04") { ValueParser.isNumber($0) })
        #expect(!S.withBytes("1.2.3") { ValueParser.isNumber($0) })
    }

    /// `date` (flags, test expectations) stays strict: a written date only.
    @Test func plainDateParserIsUnchanged() {
        #expect(S.withBytes("2026-03-09 00:00") { ValueParser.date($0) } == nil)
        #expect(S.withBytes("45360") { ValueParser.date($0) } == nil)
    }
}
