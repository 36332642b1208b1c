/// The computed figures a narrative can insert with `{{name}}`. Every name is listed in
/// reports/README.md; names are matched after `normalizeLabel` (spaces, bracket widths and quote
/// kinds do not matter).
struct FigureNames {
    private(set) var values: [String: String] = [:]
    /// Names in the order they were added (for listing).
    private(set) var names: [String] = []

    mutating func add(_ name: String, _ value: String) {
        let key = normalizeLabel(name)
        guard values[key] == nil else { return }
        values[key] = value
        names.append(name)
    }

    func value(_ name: String) -> String? { values[normalizeLabel(name)] }

    init(year: Int, agency: String?, format: ReportFormat, applications: ApplicationTable,
         appeals: AppealTable, proactive: ProactiveFigures, activity: ActivityFigures = ActivityFigures()) {
        add("year", String(year))
        add("年度", String(year))
        if let agency, !agency.isEmpty {
            add("agency", agency)
            add("机关", agency)
        }
        add("format", format.name)
        add("format.title", format.title)
        add("format.document_title", format.coverDocument.title)
        add("format.document_number", format.coverDocument.number)

        // What table 三 does not show (ActivityFigures): deadlines, consultations, extensions, fees.
        for (names, value) in [
            (["按期办结", "closed.on_time"], activity.closedOnTime),
            (["逾期办结", "closed.late"], activity.closedLate),
            (["年末逾期未办结", "overdue_at_year_end"], activity.overdueAtYearEnd),
            (["征求意见", "consulted"], activity.consulted),
            (["延期答复", "extended"], activity.extended),
            (["收费通知", "fee.notices"], activity.feeNotices),
            (["收费件数", "fee.paid"], activity.feesPaid),
            (["收费金额", "fee.amount"], activity.feeAmount),
            (["逾期未缴费", "fee.not_paid"], activity.feesNotPaid),
        ] {
            for name in names { add(name, String(value)) }
        }

        // Table 三: row.column, and row alone for its 总计.
        var columnNames: [(names: [String], index: Int)] = []
        for column in format.applications.columns {
            guard let index = ApplicantColumn.allKeys.firstIndex(of: column.key) else { continue }
            columnNames.append(([column.key, column.label], index))
        }
        // Explicit names first so that they win over derived ones.
        var rowNames: [(names: [String], key: String)] = format.applications.rows.map { row in
            ([row.key] + (row.aliases ?? []), row.key)
        }
        for row in format.applications.rows {
            if let label = row.labels.last { rowNames.append(([FigureNames.shortLabel(label), label], row.key)) }
        }
        for (names, key) in rowNames {
            let v = applications[key]
            for name in names {
                add(name, String(v[ApplicantColumn.allKeys.count - 1]))
                for (columnLabels, index) in columnNames {
                    for c in columnLabels { add(name + "." + c, String(v[index])) }
                }
            }
        }

        // Table 四.
        for block in format.appeals.blocks {
            for prefix in ["appeals." + block.key, block.label] {
                add(prefix, String(appeals[block.key, "total"]))
                for column in format.appeals.columns {
                    let v = String(appeals[block.key, column.key])
                    add(prefix + "." + column.key, v)
                    add(prefix + "." + column.label, v)
                }
            }
        }
        // Sums over blocks that share a group (行政诉讼 = both litigation blocks), also as appeals.litigation.
        var groups: [(label: String, blocks: [String])] = []
        for block in format.appeals.blocks {
            guard let g = block.group else { continue }
            if let i = groups.firstIndex(where: { $0.label == g }) { groups[i].blocks.append(block.key) } else { groups.append((g, [block.key])) }
        }
        for group in groups {
            var prefixes = [group.label]
            if group.blocks.allSatisfy({ $0.hasPrefix("litigation") }) { prefixes.append("appeals.litigation") }
            for prefix in prefixes {
                add(prefix, String(group.blocks.reduce(0) { $0 + appeals[$1, "total"] }))
                for column in format.appeals.columns {
                    let v = String(group.blocks.reduce(0) { $0 + appeals[$1, column.key] })
                    add(prefix + "." + column.key, v)
                    add(prefix + "." + column.label, v)
                }
            }
        }
        let allAppeals = String(AppealColumn.blockKeys.reduce(0) { $0 + appeals[$1, "total"] })
        add("appeals.total", allAppeals)

        // Table 二.
        for entry in proactive.entries {
            add("proactive." + entry.row + "." + entry.column, entry.value)
        }
    }

    /// `（二）部分公开（区分处理的，…）` → `部分公开`; `3.危及“三安全一稳定”` → `危及“三安全一稳定”`.
    static func shortLabel(_ label: String) -> String {
        var s = Substring(label)
        if s.hasPrefix("（"), let close = s.firstIndex(of: "）"), s.distance(from: s.startIndex, to: close) <= 3 {
            s = s[s.index(after: close)...]
        } else if let dot = s.firstIndex(where: { $0 == "." || $0 == "、" || $0 == "．" }),
                  s[..<dot].allSatisfy({ $0.isNumber || "一二三四五六七八九十".contains($0) }), !s[..<dot].isEmpty {
            s = s[s.index(after: dot)...]
        }
        if s.hasSuffix("）"), let open = s.firstIndex(of: "（"), open != s.startIndex {
            s = s[..<open]
        }
        return String(s)
    }

    /// Replaces every `{{name}}` in one line. Problems are reported against `file:line`.
    func substitute(_ text: String, file: String, line: Int, problems: inout [Diagnostic]) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "}}") else {
                problems.append(Diagnostic(code: "report-narrative-unterminated-figure", file: file, line: line,
                    "“{{” 之后缺少 “}}”：数字名称须写在同一行的 {{ 和 }} 之间。"))
                return out + rest[open.lowerBound...]
            }
            let name = after[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if let v = value(name) {
                out += v
            } else {
                problems.append(Diagnostic(code: "report-narrative-unknown-figure", file: file, line: line,
                    "未知的数字名称 {{\(name)}}。\(suggestions(for: name))"))
                out += "{{\(name)}}"
            }
            rest = after[close.upperBound...]
        }
        return out + rest
    }

    private func suggestions(for name: String) -> String {
        if normalizeLabel(name) == "agency" || normalizeLabel(name) == "机关" {
            return "未提供机关名称（--agency）。"
        }
        let key = normalizeLabel(name)
        let stem = key.split(separator: ".").first.map(String.init) ?? key
        let near = names.filter { n in
            let k = normalizeLabel(n)
            return !stem.isEmpty && (k.hasPrefix(stem + ".") || k.contains(key) || (key.count >= 2 && key.contains(k) && k.count >= 2))
        }
        let examples = near.isEmpty
            ? ["new.total", "新收.总计", "carried_forward.natural_person", "appeals.review.total", "year", "agency"]
            : Array(near.prefix(8))
        return "可用的名称如：\(examples.joined(separator: "、"))（完整列表见 reports/README.md）。"
    }
}
