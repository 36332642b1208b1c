import Testing
@testable import GovRulesKit

@Suite("Day")
struct DayTests {
    @Test func epochAndKnownDates() {
        #expect(Day(year: 1970, month: 1, day: 1)?.number == 0)
        #expect(Day(year: 2019, month: 5, day: 15)?.number == 18031)
        #expect(Day(year: 2000, month: 3, day: 1)!.number - Day(year: 2000, month: 2, day: 28)!.number == 2)
        #expect(Day(year: 1969, month: 12, day: 31)?.number == -1)
    }

    @Test func impossibleDatesAreRejected() {
        #expect(Day(year: 2021, month: 2, day: 29) == nil)
        #expect(Day(year: 1900, month: 2, day: 29) == nil)
        #expect(Day(year: 2000, month: 2, day: 29) != nil)
        #expect(Day(year: 2024, month: 4, day: 31) == nil)
        #expect(Day(year: 2024, month: 13, day: 1) == nil)
        #expect(Day(year: 2024, month: 1, day: 0) == nil)
        #expect(Day(iso: "2021-02-29") == nil)
        #expect(Day(iso: "2021-2-28") == nil)
    }

    /// Every day from 1990 to 2100: components, ISO text, byte formatting and weekday agree.
    @Test func roundTripOverAHundredYears() {
        let first = Day(year: 1990, month: 1, day: 1)!.number
        let last = Day(year: 2100, month: 12, day: 31)!.number
        var weekday = Day(number: first).weekday
        #expect(weekday == 1)   // 1990-01-01 was a Monday
        for n in first...last {
            let d = Day(number: n)
            let (y, m, dd) = d.components
            #expect(Day(year: y, month: m, day: dd) == d)
            let bytes = d.withISOBytes { Array($0) }
            #expect(String(decoding: bytes, as: UTF8.self) == d.iso)
            #expect(Day(iso: d.iso) == d)
            #expect(d.weekday == weekday)
            weekday = weekday % 7 + 1
        }
    }
}
