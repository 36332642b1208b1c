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
    /// For the narrative's figures (deadlines, consultations, extensions, fees); nil counts nowhere.
    public var activity: ApplicationActivity?

    public init(applicantType: Int, received: Day, replied: Day?, outcome: String, activity: ApplicationActivity? = nil) {
        self.applicantType = applicantType
        self.received = received
        self.replied = replied
        self.outcome = outcome
        self.activity = activity
    }
}

/// The year's figures that table 三 does not show, for the narrative (reports/README.md lists
/// their names). "Handled in the year" means counted in table 三's 一 or 二.
public struct ActivityFigures: Sendable, Equatable {
    /// Closed in the year within the final due date.
    public var closedOnTime = 0
    /// Closed in the year after the final due date (逾期办结).
    public var closedLate = 0
    /// Open at the year end and past the final due date on 31 December (年末逾期未办结).
    public var overdueAtYearEnd = 0
    /// Handled in the year, with a consultation (征求意见) started in the year.
    public var consulted = 0
    /// Handled in the year, with the reply period extended (延期答复).
    public var extended = 0
    /// Fee notices (收费通知) sent in the year.
    public var feeNotices = 0
    /// Fees paid in the year, and their sum in 元.
    public var feesPaid = 0
    public var feeAmount = 0
    /// Fees paid in the year with no 收费金额 recorded (not in `feeAmount`).
    public var feesPaidWithoutAmount = 0
    /// Fee notices sent in the year that the applicant did not pay in time (逾期未缴).
    public var feesNotPaid = 0

    public init() {}
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
    public private(set) var activity = ActivityFigures()

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
        let closedInYear: Bool
        if let replied = a.replied, replied <= last {
            closed[a.outcome, default: [Int](repeating: 0, count: 6)][t] += 1
            closedInYear = true
        } else {
            carriedForward[t] += 1
            closedInYear = false
        }
        if let facts = a.activity { count(facts, closedInYear: closedInYear) }
    }

    private mutating func count(_ f: ApplicationActivity, closedInYear: Bool) {
        func inYear(_ d: Day?) -> Bool { d.map { $0 >= first && $0 <= last } ?? false }
        if closedInYear {
            if f.status == .onTime { activity.closedOnTime += 1 }
            if f.status == .late { activity.closedLate += 1 }
        } else if let due = f.finalDue, due < last {
            // Still open on 31 December with the final due date behind it, even if it was closed
            // (late) after the year end.
            activity.overdueAtYearEnd += 1
        }
        if inYear(f.consulted) { activity.consulted += 1 }
        if f.extended { activity.extended += 1 }
        if inYear(f.feeNotice) {
            activity.feeNotices += 1
            if f.feeNotPaid { activity.feesNotPaid += 1 }
        }
        if inYear(f.feePaid) {
            activity.feesPaid += 1
            if let amount = f.feeAmount { activity.feeAmount += amount } else { activity.feesPaidWithoutAmount += 1 }
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
