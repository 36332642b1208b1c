import Foundation

/// One consistency check of the report's figures, as listed under `checks` in the JSON output.
public struct ReportCheck: Sendable, Equatable {
    /// Stable name: `balance.<column>`, `row_total.<row>`, `detail_sum.<column>`,
    /// `appeals_total.<block>`, `previous_year`, `previous.<column>`.
    public var name: String
    public var ok: Bool
    /// What was compared, with the figures (Chinese).
    public var detail: String
}

/// Last year's report, for the check 上年结转 = last year's 结转下年度.
public struct PreviousReport: Sendable, Equatable {
    public var year: Int
    public var format: String?
    /// Column key (natural_person … other_org, total) → 结转下年度.
    public var carriedForward: [String: Int]
    public var file: String

    public init(year: Int, format: String? = nil, carriedForward: [String: Int], file: String = "") {
        self.year = year
        self.format = format
        self.carriedForward = carriedForward
        self.file = file
    }

    public static func load(path: String) throws -> PreviousReport {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DiagnosticList([Diagnostic(code: "report-previous-unreadable", file: path, "无法读取上年报告文件。")])
        }
        return try parse(data, file: path)
    }

    /// Reads a report written by `govrules report --format json` (only `year`, `format` and
    /// `applications.carried_forward` are used).
    public static func parse(_ data: Data, file: String) throws -> PreviousReport {
        func fail(_ message: String) -> DiagnosticList {
            DiagnosticList([Diagnostic(code: "report-previous-malformed", file: file, message)])
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw fail("上年报告不是有效的 JSON（应为 govrules report --format json 的输出）。")
        }
        guard let root = object as? [String: Any], let year = (root["year"] as? NSNumber)?.intValue else {
            throw fail("上年报告缺少 year（应为 govrules report --format json 的输出）。")
        }
        guard let applications = root["applications"] as? [String: Any],
              let forward = applications["carried_forward"] as? [String: Any] else {
            throw fail("上年报告缺少 applications.carried_forward。")
        }
        var values: [String: Int] = [:]
        for key in ApplicantColumn.allKeys {
            guard let n = forward[key] as? NSNumber else {
                throw fail("上年报告的 applications.carried_forward 缺少 \(key)。")
            }
            values[key] = n.intValue
        }
        return PreviousReport(year: year, format: root["format"] as? String, carriedForward: values, file: file)
    }
}

enum ReportChecks {
    /// Runs every check on the figures. The identities hold by construction for figures counted from
    /// a ledger; they catch inconsistent inputs (a previous report that disagrees, a format whose rows
    /// miss an outcome key) and tables from elsewhere.
    static func run(format: ReportFormat, year: Int, applications: ApplicationTable, appeals: AppealTable,
                    previous: PreviousReport?) -> [ReportCheck] {
        var checks: [ReportCheck] = []
        let table = format.applications
        let columns = table.columns.compactMap { c in ApplicantColumn.allKeys.firstIndex(of: c.key).map { (c, $0) } }
        func row(_ figure: ReportFormat.ApplicationsTable.Figure) -> ReportFormat.ApplicationsTable.Row? {
            table.rows.first { $0.figure == figure }
        }
        func label(_ r: ReportFormat.ApplicationsTable.Row?) -> String {
            guard let r else { return "?" }
            if r.figure == .closedTotal, r.labels.count > 1 {
                // 三、本年度办理结果 + （七）总计 → 三（七）总计
                return String(r.labels[0].prefix { $0 != "、" }) + (r.labels.last ?? "")
            }
            return r.labels.last ?? r.key
        }
        let newRow = row(.new), overRow = row(.carriedOver), closedRow = row(.closedTotal), forwardRow = row(.carriedForward)

        // 勾稽关系, per column: 一 + 二 = 三（七） + 四.
        for (column, i) in columns {
            let n = applications[newRow?.key ?? "new"][i], o = applications[overRow?.key ?? "carried_over"][i]
            let c = applications[closedRow?.key ?? "total"][i], f = applications[forwardRow?.key ?? "carried_forward"][i]
            let ok = n + o == c + f
            let detail = ok
                ? "\(column.label)列：\(label(newRow)) \(n) + \(label(overRow)) \(o) = \(n + o) = \(label(closedRow)) \(c) + \(label(forwardRow)) \(f)"
                : "\(column.label)列：\(label(newRow)) \(n) + \(label(overRow)) \(o) = \(n + o)，不等于 \(label(closedRow)) \(c) + \(label(forwardRow)) \(f) = \(c + f)"
            checks.append(ReportCheck(name: "balance.\(column.key)", ok: ok, detail: detail))
        }

        // Each row's 总计 = the sum of its applicant columns.
        let totalIndex = ApplicantColumn.allKeys.count - 1
        let totalLabel = table.columns.first { $0.key == ApplicantColumn.totalKey }?.label ?? "总计"
        for r in table.rows {
            let v = applications[r.key]
            let sum = v[0..<totalIndex].reduce(0, +)
            let ok = sum == v[totalIndex]
            let detail = ok
                ? "\(label(r))：各申请人列之和 \(sum) = \(totalLabel)列 \(v[totalIndex])"
                : "\(label(r)) 行：\(totalLabel)列为 \(v[totalIndex])，而各申请人列之和为 \(sum)"
            checks.append(ReportCheck(name: "row_total.\(r.key)", ok: ok, detail: detail))
        }

        // The detail rows of 三 sum to （七）总计, per column.
        let detailRows = table.rows.filter { $0.counts != nil }
        for (column, i) in columns {
            let sum = detailRows.reduce(0) { $0 + applications[$1.key][i] }
            let total = applications[closedRow?.key ?? "total"][i]
            let ok = sum == total
            var detail = ok
                ? "\(column.label)列：办理结果各行之和 \(sum) = \(label(closedRow)) \(total)"
                : "\(column.label)列：办理结果各行之和为 \(sum)，而 \(label(closedRow)) 为 \(total)"
            if !ok {
                let missing = applications.uncounted.keys.sorted().compactMap { key -> String? in
                    let n = applications.uncounted[key]?[i] ?? 0
                    return n == 0 ? nil : "\(key) \(n) 件"
                }
                if !missing.isEmpty {
                    detail += "；\(format.name) 格式没有计入这些办理结果的行：\(missing.joined(separator: "、"))"
                }
            }
            checks.append(ReportCheck(name: "detail_sum.\(column.key)", ok: ok, detail: detail))
        }

        // Table 四: each block's 总计 = the sum of its four.
        let appealColumns = format.appeals.columns.filter { $0.key != "total" }
        let appealTotal = format.appeals.columns.first { $0.key == "total" }?.label ?? "总计"
        for block in format.appeals.blocks {
            let parts = appealColumns.map { appeals[block.key, $0.key] }
            let sum = parts.reduce(0, +)
            let total = appeals[block.key, "total"]
            let ok = sum == total
            let sumText = zip(appealColumns, parts).map { "\($0.label) \($1)" }.joined(separator: " + ")
            let detail = ok
                ? "\(block.label)：\(sumText) = \(sum) = \(appealTotal) \(total)"
                : "\(block.label)：\(appealTotal)为 \(total)，而 \(sumText) = \(sum)"
            checks.append(ReportCheck(name: "appeals_total.\(block.key)", ok: ok, detail: detail))
        }

        // Last year's 结转下年度 = this year's 上年结转.
        if let previous {
            let yearOK = previous.year == year - 1
            checks.append(ReportCheck(name: "previous_year", ok: yearOK, detail: yearOK
                ? "上年报告为 \(previous.year) 年度"
                : "上年报告（\(previous.file)）是 \(previous.year) 年度的，而本报告为 \(year) 年度，应提供 \(year - 1) 年度的报告"))
            for (column, i) in columns {
                let mine = applications[overRow?.key ?? "carried_over"][i]
                let theirs = previous.carriedForward[column.key] ?? 0
                let ok = mine == theirs
                let detail = ok
                    ? "\(column.label)列：本年\(label(overRow)) \(mine) = \(previous.year) 年度报告\(label(forwardRow)) \(theirs)"
                    : "\(column.label)列：本年\(label(overRow))为 \(mine)，而 \(previous.year) 年度报告的\(label(forwardRow))为 \(theirs)"
                checks.append(ReportCheck(name: "previous.\(column.key)", ok: ok, detail: detail))
            }
        }
        return checks
    }
}
