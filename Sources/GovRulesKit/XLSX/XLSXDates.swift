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

/// SpreadsheetML's escape for characters XML cannot carry: `_x000D_` is a carriage return, and
/// `_x005F_` an underscore that starts a literal `_xHHHH_`. Excel writes them in strings.
enum XLSXEscapes {
    /// Decodes the escapes in `bytes[from...]` in place.
    static func decode(_ bytes: inout [UInt8], from start: Int = 0) {
        guard bytes.count - start >= 7, bytes[start...].contains(UInt8(ascii: "_")) else { return }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        out.append(contentsOf: bytes[..<start])
        var i = start
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "_"), i + 6 < bytes.count, bytes[i + 1] == UInt8(ascii: "x"), bytes[i + 6] == UInt8(ascii: "_"),
               let v = UInt32(String(decoding: bytes[(i + 2)...(i + 5)], as: UTF8.self), radix: 16), let u = Unicode.Scalar(v) {
                out.append(contentsOf: Array(String(Character(u)).utf8))
                i += 7
                continue
            }
            out.append(bytes[i])
            i += 1
        }
        bytes = out
    }
}
