/// One application as the annual report sees it.
public struct ReportApplication: Sendable, Equatable {
    /// 0...5 = natural_person, business, research, nonprofit, legal_service, other_org
    /// (the order of `ApplicantColumn.applicantKeys`).
    public var applicantType: Int
    public var received: Day
    /// nil while the application is open.
    public var replied: Day?
    /// The outcome key to count: the recorded decision when present, else the rules' result.
    public var outcome: String

    public init(applicantType: Int, received: Day, replied: Day?, outcome: String) {
        self.applicantType = applicantType
        self.received = received
        self.replied = replied
        self.outcome = outcome
    }
}

/// Counts applications for table 三 of year Y, one at a time (decisions.md §4):
/// new = received in Y; carried_over = received before Y and not closed before Y;
/// closed = replied in Y, by outcome key; carried_forward = received by Y-12-31 and not closed by then.
/// Applications received after Y and applications closed before Y are not counted.
public struct ApplicationCounter: Sendable, Equatable {
    public let year: Int
    /// Per applicant type (6 entries each).
    public private(set) var new = [Int](repeating: 0, count: 6)
    public private(set) var carriedOver = [Int](repeating: 0, count: 6)
    public private(set) var carriedForward = [Int](repeating: 0, count: 6)
    /// Closed in Y, by outcome key, per applicant type.
    public private(set) var closed: [String: [Int]] = [:]
    /// Applications whose applicant type is outside 0...5 (an error when the report is built).
    public private(set) var invalidApplicantTypes: [Int] = []

    private let first: Day
    private let last: Day

    public init(year: Int) {
        self.year = year
        first = Day(year: year, month: 1, day: 1) ?? Day(number: 0)
        last = Day(year: year, month: 12, day: 31) ?? Day(number: 0)
    }

    public mutating func add(_ a: ReportApplication) {
        if a.received > last { return }
        if let replied = a.replied, replied < first { return }
        guard (0..<6).contains(a.applicantType) else {
            invalidApplicantTypes.append(a.applicantType)
            return
        }
        let t = a.applicantType
        if a.received >= first { new[t] += 1 } else { carriedOver[t] += 1 }
        if let replied = a.replied, replied <= last {
            closed[a.outcome, default: [Int](repeating: 0, count: 6)][t] += 1
        } else {
            carriedForward[t] += 1
        }
    }

    public mutating func add<S: Sequence>(contentsOf applications: S) where S.Element == ReportApplication {
        for a in applications { add(a) }
    }

    /// Closed in Y per applicant type, all outcome keys together (（七）总计).
    public var closedTotal: [Int] {
        closed.values.reduce(into: [Int](repeating: 0, count: 6)) { sum, v in
            for i in 0..<6 { sum[i] += v[i] }
        }
    }
}
