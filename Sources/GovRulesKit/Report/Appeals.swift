/// One administrative review (行政复议) or lawsuit (行政诉讼) about information disclosure (table 四).
public struct AppealCase: Sendable, Equatable {
    public enum Kind: String, Sendable { case review, litigation }
    public enum Route: String, Sendable { case direct, afterReview = "after_review" }
    public enum Result: String, Sendable { case upheld, corrected, other }

    public var kind: Kind
    /// Required for litigation, nil for review.
    public var route: Route?
    public var filed: Day
    /// nil while pending.
    public var result: Result?
    public var concluded: Day?
    /// Where the case was read from, for messages.
    public var id: String?
    public var file: String?
    public var line: Int?

    public init(kind: Kind, route: Route? = nil, filed: Day, result: Result? = nil, concluded: Day? = nil,
                id: String? = nil, file: String? = nil, line: Int? = nil) {
        self.kind = kind
        self.route = route
        self.filed = filed
        self.result = result
        self.concluded = concluded
        self.id = id
        self.file = file
        self.line = line
    }
}

/// Table 四's figures: block key (review, litigation_direct, litigation_after_review) → column key
/// (upheld, corrected, other, pending, total) → count. `total` is stored, not derived, so that the
/// check "总计 = sum of its four" means something for tables that come from elsewhere.
public struct AppealTable: Sendable, Equatable {
    public var values: [String: [String: Int]]

    public init(values: [String: [String: Int]]) { self.values = values }

    public static var zero: AppealTable {
        var v: [String: [String: Int]] = [:]
        for b in AppealColumn.blockKeys {
            v[b] = Dictionary(uniqueKeysWithValues: AppealColumn.columnKeys.map { ($0, 0) })
        }
        return AppealTable(values: v)
    }

    public subscript(block: String, column: String) -> Int {
        get { values[block]?[column] ?? 0 }
        set { values[block, default: [:]][column] = newValue }
    }

    /// Counts the cases filed in `year` (decisions.md §5): the result column when concluded by
    /// the end of that year, else 尚未审结 (pending).
    public static func count(_ cases: [AppealCase], year: Int) throws -> AppealTable {
        var table = AppealTable.zero
        var problems: [Diagnostic] = []
        let last = Day(year: year, month: 12, day: 31) ?? Day(number: 0)
        for c in cases where c.filed.year == year {
            let block: String
            switch (c.kind, c.route) {
            case (.review, _): block = "review"
            case (.litigation, .direct?): block = "litigation_direct"
            case (.litigation, .afterReview?): block = "litigation_after_review"
            case (.litigation, nil):
                problems.append(Diagnostic(code: "report-appeal-route-missing", file: c.file, line: c.line,
                    "行政诉讼案件\(c.id.map { " \($0) " } ?? "")缺少起诉方式（未经复议直接起诉 / 复议后起诉），无法计入表四。"))
                continue
            }
            let column: String
            if let result = c.result, let concluded = c.concluded, concluded <= last {
                column = result.rawValue
            } else {
                column = "pending"
            }
            table[block, column] += 1
            table[block, "total"] += 1
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
        return table
    }
}
