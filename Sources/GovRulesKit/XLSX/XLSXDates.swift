/// When a number in a cell is a date, and which day it is.
///
/// A cell holds a date as a plain number (days since the workbook's epoch); only its style's
/// number format says it is a date. No time zone is involved: the day is the number's whole part.
enum XLSXDates {
    /// Built-in number formats that show a date (or a time): 14–22 and 45–47 everywhere, and the
    /// ids Excel and WPS use in the Chinese locales for 年月日 and 上午/下午 formats (27–36, 50–58).
    static func isBuiltInDate(_ id: Int) -> Bool {
        (14...22).contains(id) || (45...47).contains(id) || (27...36).contains(id) || (50...58).contains(id)
    }

    /// Whether a number format shows a date: a built-in date id, or a format code with a date
    /// token (y, m, d) outside quoted text, brackets ([Red], [$-804], [DBNum1]) and escapes, or
    /// with 年/月/日.
    static func isDateFormat(id: Int, custom: String?) -> Bool {
        guard let code = custom else { return isBuiltInDate(id) }
        var quoted = false
        var bracket = false
        var escaped = false
        var skipNext = false
        for ch in code {
            if skipNext { skipNext = false; continue }
            if escaped { escaped = false; continue }
            if quoted { if ch == "\"" { quoted = false }; continue }
            if bracket { if ch == "]" { bracket = false }; continue }
            switch ch {
            case "\"": quoted = true
            case "[": bracket = true
            case "\\": escaped = true
            case "_", "*": skipNext = true   // a space as wide as the next character; a fill
            case "y", "Y", "m", "M", "d", "D", "年", "月", "日": return true
            default: break
            }
        }
        return false
    }

    enum Failure: Error {
        /// Serial 60 in the 1900 system: Excel's 1900-02-29, a day that never was.
        case fake19000229
        /// Before the epoch (0 is Excel's "1900-01-00"), negative, or not a number.
        case outOfRange
    }

    /// The day of a date serial, in the 1900 system (Lotus's leap-year bug kept: serial 60 is the
    /// day that never was) or the 1904 system.
    static func day(serial text: String, date1904: Bool) -> Result<Day, Failure> {
        guard let value = Double(text), value.isFinite, value >= (date1904 ? 0 : 1), value < 2_958_466 else {
            return .failure(.outOfRange)
        }
        let whole = Int(value.rounded(.down))
        if date1904 {
            return .success(Day(year: 1904, month: 1, day: 1)! + whole)
        }
        if whole == 60 { return .failure(.fake19000229) }
        // Serials after the fake day count from 1899-12-30, those before it from 1899-12-31.
        return .success(Day(year: 1899, month: 12, day: whole < 60 ? 31 : 30)! + whole)
    }
}
