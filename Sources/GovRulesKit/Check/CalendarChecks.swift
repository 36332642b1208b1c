/// The calendar files (`calendar/YYYY.lua`) read as data, with the line of every value, so that
/// data that cannot be right is reported at its file and line: `check` runs every test here,
/// and when the rules fail to load because of a calendar file, the engine reports what this
/// finds instead of the position inside calendar.lua that noticed it.
///
/// Only literal values are seen (the shipped files and their copies are plain tables); a value
/// computed in Lua is skipped here and judged by calendar.lua when it loads.
struct CalendarFile {
    struct Literal {
        var text: String
        var line: Int
    }
    struct Holiday {
        var name: String?
        var line: Int
        var off: [Literal] = []
        var work: [Literal] = []
        /// The off or work list holds something other than literal strings (computed in Lua).
        var computed = false
    }
    /// The display path (`rules/calendar/2024.lua`).
    var path: String
    /// The year in the file name.
    var fileYear: Int
    /// The `year = …` field: its text and line; nil when the file has none.
    var year: Literal?
    /// The line of the returned table, for a missing year field.
    var tableLine: Int
    var holidays: [Holiday] = []

    init?(module: String, path: String, code: String) {
        guard module.hasPrefix("calendar."), let y = Int(module.dropFirst("calendar.".count)),
              module.count == "calendar.".count + 4 else { return nil }
        self.path = path
        fileYear = y
        let tokens = LuaLexer.tokenize(code)
        tableLine = tokens.first { $0.isKeyword("return") }?.line ?? 1
        // Depth 1 is the returned table, 2 the holidays list, 3 one holiday, 4 its off/work list.
        var depth = 0
        var key: [Int: String] = [:]   // the key being filled at each depth
        var i = 0
        while i < tokens.count {
            let t = tokens[i]
            if t.isSymbol("{") {
                depth += 1
                if depth == 3 && key[1] == "holidays" { holidays.append(Holiday(line: t.line)) }
                i += 1; continue
            }
            if t.isSymbol("}") { key[depth] = nil; depth -= 1; i += 1; continue }
            if t.isSymbol(",") || t.isSymbol(";") { key[depth] = nil; i += 1; continue }
            if t.kind == .name, i + 1 < tokens.count, tokens[i + 1].isSymbol("=") {
                key[depth] = t.text
                i += 2
                let v = i < tokens.count ? tokens[i] : t
                if depth == 1 && t.text == "year" && (v.kind == .number || v.kind == .string) {
                    year = Literal(text: v.text, line: v.line)
                }
                if depth == 3, key[1] == "holidays", t.text == "name", v.kind == .string, !holidays.isEmpty {
                    holidays[holidays.count - 1].name = v.text
                }
                continue
            }
            if depth == 4, key[1] == "holidays", !holidays.isEmpty, key[3] == "off" || key[3] == "work" {
                if t.kind != .string { holidays[holidays.count - 1].computed = true }
                else if key[3] == "off" { holidays[holidays.count - 1].off.append(Literal(text: t.text, line: t.line)) }
                else { holidays[holidays.count - 1].work.append(Literal(text: t.text, line: t.line)) }
            }
            i += 1
        }
    }

    static func all(in folder: RulesFolder) -> [CalendarFile] {
        folder.sources.compactMap { CalendarFile(module: $0.module, path: $0.path, code: $0.code) }
            .sorted { $0.fileYear < $1.fileYear }
    }
}

/// What cannot be right in the calendar files (issue 11): each finding names its file and line.
///
/// | code | severity | what |
/// |---|---|---|
/// | `calendar-year-field` | error | the year field differs from the file name (the rules do not load) |
/// | `calendar-date-invalid` | error | an off or work date that is no date (the rules do not load) |
/// | `calendar-off-reversed` | error | an off range that ends before it starts (the rules do not load) |
/// | `calendar-off-shape` | error | an off that is not exactly a first and a last day |
/// | `calendar-off-outside-year` | error | an off range with no day in the file's year |
/// | `calendar-off-overlap` | error | two off ranges share a day |
/// | `calendar-work-weekday` | error | a work day that is Monday to Friday: it is a working day anyway |
/// | `calendar-work-outside-year` | error | a work day in another year, for a holiday wholly inside the file's year |
enum CalendarChecks {
    struct Finding {
        var diagnostic: Diagnostic
        /// calendar.lua refuses such a file: the rules do not load.
        var stopsLoading: Bool
    }

    static let weekdays = ["", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]

    static func findings(_ files: [CalendarFile]) -> [Finding] {
        var out: [Finding] = []
        func error(_ code: String, _ file: CalendarFile, _ line: Int, _ message: String, stops: Bool = false) {
            out.append(Finding(diagnostic: Diagnostic(code: code, file: file.path, line: line, message), stopsLoading: stops))
        }
        var ranges: [(first: Day, last: Day, file: CalendarFile, line: Int, name: String)] = []
        for f in files {
            let y = f.fileYear
            if let field = f.year {
                if Int(field.text) != y {
                    error("calendar-year-field", f, field.line,
                          "year 字段是 \(field.text)，但文件名是 \(y).lua；两者必须一致（复制上一年的文件后，请把 year 改为 \(y)）", stops: true)
                }
            } else {
                error("calendar-year-field", f, f.tableLine, "缺少 year 字段：应写 year = \(y),", stops: true)
            }
            for h in f.holidays {
                let name = h.name.map { "“\($0)”" } ?? "第\(h.line)行的假期"
                var days: [Day?] = []
                for d in h.off + h.work {
                    let day = Day(iso: d.text)
                    if day == nil {
                        error("calendar-date-invalid", f, d.line, "\(name)的日期“\(d.text)”无效，应写作 YYYY-MM-DD（如 \(y)-10-01）", stops: true)
                    }
                    days.append(day)
                }
                let off = Array(days.prefix(h.off.count))
                if h.computed {
                    // Judged by calendar.lua when the rules load.
                } else if h.off.count != 2 {
                    error("calendar-off-shape", f, h.off.first?.line ?? h.line,
                          "\(name)的 off 应恰好写两个日期：放假的第一天和最后一天（现有 \(h.off.count) 个）", stops: h.off.count < 2)
                } else if let a = off[0], let b = off[1] {
                    if b < a {
                        error("calendar-off-reversed", f, h.off[1].line,
                              "\(name)的放假区间结束日 \(b.iso) 早于开始日 \(a.iso)；off 应写作 { 第一天, 最后一天 }", stops: true)
                    } else {
                        if b.year < y || a.year > y {
                            error("calendar-off-outside-year", f, h.off[0].line,
                                  "\(name)的放假区间 \(a.iso) 至 \(b.iso) 不在 \(y) 年内；\(y).lua 只列 \(y) 年通知的放假安排（复制上一年的文件后，请改正日期）")
                        }
                        ranges.append((a, b, f, h.off[0].line, name))
                    }
                }
                let wholeInYear = off.count == 2 && off.allSatisfy { $0?.year == y }
                for (d, day) in zip(h.work, days.suffix(h.work.count)) {
                    guard let day else { continue }
                    if day.weekday <= 5 {
                        error("calendar-work-weekday", f, d.line,
                              "\(name)的调休上班日 \(day.iso) 是\(weekdays[day.weekday])，本来就是工作日；work 只列调为上班的星期六、星期日")
                    } else if wholeInYear && day.year != y {
                        error("calendar-work-outside-year", f, d.line,
                              "\(name)的调休上班日 \(day.iso) 不在 \(y) 年，而该假期全在 \(y) 年内；请核对通知（复制上一年的文件后，请改正日期）")
                    }
                }
            }
        }
        // Overlaps, across every file: each day off belongs to one notice's block.
        ranges.sort { ($0.first, $0.file.fileYear, $0.line) < ($1.first, $1.file.fileYear, $1.line) }
        for (k, r) in ranges.enumerated() {
            guard let earlier = ranges[..<k].last(where: { !($0.last < r.first) }) else { continue }
            let other = earlier.file.path == r.file.path ? "第\(earlier.line)行" : " \(earlier.file.path) 第\(earlier.line)行"
            error("calendar-off-overlap", r.file, r.line,
                  "\(r.name)的放假区间 \(r.first.iso) 至 \(r.last.iso) 与\(other)\(earlier.name)的区间 \(earlier.first.iso) 至 \(earlier.last.iso) 重叠；每一天只能属于一个假期")
        }
        return out.sorted { ($0.diagnostic.file ?? "", $0.diagnostic.line ?? 0) < ($1.diagnostic.file ?? "", $1.diagnostic.line ?? 0) }
    }
}
