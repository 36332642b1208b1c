/// Table 三's figures: row key (as in the format and the JSON output) → the 7 values in the order of
/// `ApplicantColumn.allKeys` (six applicant types, then 总计). The 总计 column is stored, not
/// derived, so that the checks can be run on tables from elsewhere (or tampered ones in tests).
public struct ApplicationTable: Sendable, Equatable {
    public var rows: [String: [Int]]
    /// Outcome keys of applications closed in the year that no row of the format counts.
    public var uncounted: [String: [Int]]

    public init(rows: [String: [Int]], uncounted: [String: [Int]] = [:]) {
        self.rows = rows
        self.uncounted = uncounted
    }

    public subscript(row: String) -> [Int] {
        rows[row] ?? [Int](repeating: 0, count: ApplicantColumn.allKeys.count)
    }

    /// Lays the counter's figures out in the rows of `format`.
    public init(format: ReportFormat, counter: ApplicationCounter) {
        func withTotal(_ v: [Int]) -> [Int] { v + [v.reduce(0, +)] }
        var rows: [String: [Int]] = [:]
        var counted = Set<String>()
        for row in format.applications.rows {
            if let keys = row.counts {
                var v = [Int](repeating: 0, count: 6)
                for key in keys {
                    counted.insert(key)
                    if let c = counter.closed[key] { for i in 0..<6 { v[i] += c[i] } }
                }
                rows[row.key] = withTotal(v)
            } else if let figure = row.figure {
                switch figure {
                case .new: rows[row.key] = withTotal(counter.new)
                case .carriedOver: rows[row.key] = withTotal(counter.carriedOver)
                case .closedTotal: rows[row.key] = withTotal(counter.closedTotal)
                case .carriedForward: rows[row.key] = withTotal(counter.carriedForward)
                }
            }
        }
        var uncounted: [String: [Int]] = [:]
        for (key, v) in counter.closed where !counted.contains(key) {
            uncounted[key] = withTotal(v)
        }
        self.init(rows: rows, uncounted: uncounted)
    }
}
