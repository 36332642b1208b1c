import Foundation

/// `govrules check` on the report formats folder: each file loads, every outcome key has a row in
/// every format, and no two formats claim the same report year.
struct FormatChecks {
    struct Loaded {
        var format: ReportFormat
        /// The file as read, for line numbers.
        var text: String
        var fileName: String
        /// False when the file has problems (already reported): only its year range is used.
        var valid = true
    }

    /// Loads every `*.json` in `directory` (shown as `label`), one file at a time so that one bad
    /// file does not hide the checks of the others. `validOutcomeKeys` nil: the rules did not
    /// load, so counted keys cannot be judged (and are not).
    static func load(directory: String, label: String, validOutcomeKeys: [String]?) -> (formats: [Loaded], diagnostics: [Diagnostic]) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
        } catch {
            return ([], [Diagnostic(code: "report-format-dir-unreadable", file: label, "无法读取报告格式目录。")])
        }
        var formats: [Loaded] = []
        var problems: [Diagnostic] = []
        if names.isEmpty {
            problems.append(Diagnostic(code: "report-format-none", file: label,
                "报告格式目录中没有格式文件（*.json）；govrules report 无法生成任何年度报告。"))
        }
        for name in names {
            let path = label + "/" + name
            let url = URL(fileURLWithPath: directory).appendingPathComponent(name)
            guard let data = try? Data(contentsOf: url) else {
                problems.append(Diagnostic(code: "report-format-unreadable", file: path, "无法读取报告格式文件。"))
                continue
            }
            let text = String(decoding: data, as: UTF8.self)
            do {
                let f = try ReportFormat.parse(data, file: path, validOutcomeKeys: validOutcomeKeys ?? [])
                formats.append(Loaded(format: f, text: text, fileName: name))
            } catch let list as DiagnosticList {
                // Without the rules every counted key looks unknown: those are not reported.
                let reported = validOutcomeKeys == nil
                    ? list.diagnostics.filter { $0.code != "report-format-unknown-outcome" } : list.diagnostics
                problems += reported
                // A file that decodes still claims its years (or an overlap or gap would be reported
                // on top of its own problems).
                if var f = try? JSONDecoder().decode(ReportFormat.self, from: data) {
                    f.file = path
                    formats.append(Loaded(format: f, text: text, fileName: name, valid: reported.isEmpty))
                }
            } catch {
                problems.append(Diagnostic(code: "report-format-malformed", file: path, "报告格式文件无效：\(error)"))
            }
        }
        var seen: [String: String] = [:]
        for f in formats where f.valid {
            if let other = seen[f.format.name] {
                problems.append(Diagnostic(code: "report-format-duplicate-name", file: f.format.file,
                                           line: ReportFormat.line(of: "name", in: f.text),
                                           "格式名称 \(f.format.name) 与 \(other) 重复。"))
            }
            seen[f.format.name] = f.format.file
        }
        return (formats, problems)
    }

    /// Every outcome key of the policy must be counted by some row of the format.
    static func coverage(_ f: Loaded, outcomes: [OutcomeSpec]) -> [Diagnostic] {
        let coverage = f.format.coverage(validOutcomeKeys: outcomes.map(\.key))
        return coverage.missing.map { key in
            let label = outcomes.first { $0.key == key }?.label ?? key
            let line = insertionLine(for: key, in: f)
            let sameGroup = groupRow(for: key, in: f.format)
            let hint = sameGroup.map { "，或把它加入同类行 \($0.key) 的 counts" } ?? ""
            return Diagnostic(code: "outcome-not-in-format", file: f.format.file, line: line,
                "报告格式 \(f.format.name)（\(f.format.yearRangeDescription)）的表三没有任何一行计入结论 \(key)（\(label)）：这样办结的申请无法列入年度报告；请在此处加一行 {\"key\": \"\(key)\", \"labels\": […], \"counts\": [\"\(key)\"]}\(hint)")
        }
    }

    /// The last row counting a key of the same group (`withheld.…`), if any.
    private static func groupRow(for key: String, in format: ReportFormat) -> ReportFormat.ApplicationsTable.Row? {
        let group = key.split(separator: ".").first.map(String.init) ?? key
        return format.applications.rows.last { row in
            (row.counts ?? []).contains { ($0.split(separator: ".").first.map(String.init) ?? $0) == group }
        }
    }

    /// Where a row for `key` would go: after the last row of its group, else before the （七）总计
    /// row; the line of the row that would follow it. 1 when it cannot be told.
    static func insertionLine(for key: String, in f: Loaded) -> Int {
        let rows = f.format.applications.rows
        var target: Int?
        if let g = groupRow(for: key, in: f.format), let i = rows.firstIndex(where: { $0.key == g.key }) {
            target = i + 1
        } else if let i = rows.firstIndex(where: { $0.figure == .closedTotal }) {
            target = i
        }
        guard let t = target, let lines = rowLines(f) else { return 1 }
        if t < lines.count { return lines[t] }
        return (lines.last ?? 0) + 1
    }

    /// The line of each row of table 三, in order, found by walking the text from
    /// `"applications_table"` → `"rows"` and finding each row's `"key": "…"` in turn.
    static func rowLines(_ f: Loaded) -> [Int]? {
        let text = f.text
        guard let table = text.range(of: "\"applications_table\""),
              let rowsStart = text.range(of: "\"rows\"", range: table.upperBound..<text.endIndex) else { return nil }
        var position = rowsStart.upperBound
        var lines: [Int] = []
        for row in f.format.applications.rows {
            guard let r = findKey(row.key, in: text, from: position) else { return nil }
            lines.append(text[..<r.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 })
            position = r.upperBound
        }
        return lines
    }

    /// The next `"key": "<key>"` at or after `from`.
    private static func findKey(_ key: String, in text: String, from: String.Index) -> Range<String.Index>? {
        var position = from
        while let r = text.range(of: "\"key\"", range: position..<text.endIndex) {
            var i = r.upperBound
            while i < text.endIndex, text[i] == " " || text[i] == ":" || text[i] == "\n" || text[i] == "\t" || text[i] == "\r" {
                i = text.index(after: i)
            }
            if text[i...].hasPrefix("\"" + key + "\"") { return r }
            position = r.upperBound
        }
        return nil
    }

    /// No two formats may apply to the same report year; every year from the first format's
    /// first year through `currentYear` should have one.
    static func yearRanges(_ formats: [Loaded], directoryLabel: String, currentYear: Int) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let sorted = formats.sorted { ($0.format.fromYear, $0.fileName) < ($1.format.fromYear, $1.fileName) }
        for (i, a) in sorted.enumerated() {
            for b in sorted[(i + 1)...] {
                let aTo = a.format.toYear ?? Int.max, bTo = b.format.toYear ?? Int.max
                guard a.format.fromYear <= bTo && b.format.fromYear <= aTo else { continue }
                let from = max(a.format.fromYear, b.format.fromYear)
                let to = min(aTo, bTo)
                let years = to == Int.max ? "\(from) 年起" : (to == from ? "\(from) 年" : "\(from)—\(to) 年")
                var hint = "请调整 from_year/to_year，使年度范围不重叠"
                if a.format.fromYear < b.format.fromYear {
                    hint = "请给 \(a.fileName) 加上 \"to_year\": \(b.format.fromYear - 1)"
                }
                out.append(Diagnostic(code: "report-format-overlap", file: b.format.file,
                                      line: ReportFormat.line(of: "from_year", in: b.text) ?? 1,
                    "报告格式 \(b.fileName)（\(b.format.name)，\(b.format.yearRangeDescription)）与 \(a.fileName)（\(a.format.name)，\(a.format.yearRangeDescription)）的年度范围重叠：\(years)两个格式都适用，govrules report 无法选择；\(hint)"))
            }
        }
        guard let first = sorted.first?.format.fromYear, first <= currentYear else { return out }
        let uncovered = (first...currentYear).filter { y in !formats.contains { $0.format.applies(to: y) } }
        if !uncovered.isEmpty {
            var ranges: [String] = []
            var start = uncovered[0], end = uncovered[0]
            for y in uncovered.dropFirst() {
                if y == end + 1 { end = y; continue }
                ranges.append(start == end ? "\(start)" : "\(start)—\(end)")
                start = y; end = y
            }
            ranges.append(start == end ? "\(start)" : "\(start)—\(end)")
            out.append(Diagnostic(.warning, code: "report-format-year-uncovered", file: directoryLabel,
                "没有适用于 \(ranges.joined(separator: "、")) 年度报告的格式文件；govrules report 将无法生成这些年度的报告（见 reports/README.md“Adding next year's format”）"))
        }
        return out
    }
}
