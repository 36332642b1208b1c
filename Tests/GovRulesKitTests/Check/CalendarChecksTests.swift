import Testing
@testable import GovRulesKit

/// Calendar data that cannot be right, at its file and line (issue 11, point 11).
@Suite("Calendar checks")
struct CalendarChecksTests {
    static func file(_ year: Int, _ body: String) -> CalendarFile {
        CalendarFile(module: "calendar.\(year)", path: "rules/calendar/\(year).lua", code: body)!
    }

    static func calendar(year: String = "2024", _ holidays: String) -> String {
        "return {\n  year = \(year),\n  notices = { { title = \"通知\", date = \"2023-10-25\" } },\n  holidays = {\n\(holidays)\n  },\n}\n"
    }

    func codes(_ files: [CalendarFile]) -> [String] { CalendarChecks.findings(files).map { "\($0.diagnostic.line ?? 0):\($0.diagnostic.code)" } }

    @Test func theShippedShapeIsRead() {
        let f = Self.file(2024, Self.calendar("    { name = \"春节\", off = { \"2024-02-10\", \"2024-02-17\" }, work = { \"2024-02-04\", \"2024-02-18\" } },"))
        #expect(f.year?.text == "2024")
        #expect(f.year?.line == 2)
        #expect(f.holidays.count == 1)
        #expect(f.holidays[0].name == "春节")
        #expect(f.holidays[0].off.map(\.text) == ["2024-02-10", "2024-02-17"])
        #expect(f.holidays[0].work.map(\.text) == ["2024-02-04", "2024-02-18"])
        #expect(codes([f]).isEmpty)
    }

    @Test func eachImpossibleThingHasItsCodeAndLine() {
        let f = Self.file(2024, Self.calendar(year: "2023", """
            { name = "甲", off = { "2024-04-06", "2024-04-04" }, work = {} },
            { name = "乙", off = { "2024-05-01", "2024-05-05" }, work = { "2024-05-06" } },
            { name = "丙", off = { "2024-05-05", "2024-05-06" }, work = {} },
            { name = "丁", off = { "2023-10-01", "2023-10-07" }, work = {} },
            { name = "戊", off = { "2024-06-10", "2024-6-10" }, work = {} },
            { name = "己", off = { "2024-09-16", "2024-09-17" }, work = { "2023-09-16" } },
        """))
        #expect(codes([f]) == ["2:calendar-year-field", "5:calendar-off-reversed", "6:calendar-work-weekday",
                               "7:calendar-off-overlap", "8:calendar-off-outside-year", "9:calendar-date-invalid",
                               "10:calendar-work-outside-year"])
        let loadStoppers = CalendarChecks.findings([f]).filter(\.stopsLoading).map(\.diagnostic.code)
        #expect(loadStoppers == ["calendar-year-field", "calendar-off-reversed", "calendar-date-invalid"])
    }

    /// A notice's 元旦 block that starts in December, and its 调休 Saturday before it, are right.
    @Test func blocksAcrossNewYearAreFine() {
        let f = Self.file(2019, Self.calendar(year: "2019", "    { name = \"元旦\", off = { \"2018-12-30\", \"2019-01-01\" }, work = { \"2018-12-29\" } },"))
        #expect(codes([f]).isEmpty)
    }

    @Test func overlapsAcrossFilesNameTheOtherFile() throws {
        let a = Self.file(2023, Self.calendar(year: "2023", "    { name = \"国庆节\", off = { \"2023-09-29\", \"2023-10-06\" }, work = {} },"))
        let b = Self.file(2024, Self.calendar(year: "2024", "    { name = \"元旦\", off = { \"2023-10-05\", \"2024-01-01\" }, work = {} },"))
        let d = try #require(CalendarChecks.findings([a, b]).first)
        #expect(d.diagnostic.code == "calendar-off-overlap")
        #expect(d.diagnostic.file == "rules/calendar/2024.lua")
        #expect(d.diagnostic.message.contains("rules/calendar/2023.lua 第5行“国庆节”"))
    }

    @Test func computedValuesAreLeftToTheLoader() {
        let f = Self.file(2024, Self.calendar("    { name = \"端午节\", off = { \"2024-06-10\", last }, work = {} },"))
        #expect(codes([f]).isEmpty)
    }
}
