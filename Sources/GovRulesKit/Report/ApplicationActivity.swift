import CLuaSandbox

/// What the narrative says about an application beyond its table 三 row: how its deadline went,
/// whether a third party or another agency was consulted, whether the reply period was extended,
/// and any 信息处理费. Read from the ledger row only when a report asks for it (`LedgerRun.collectsActivity`).
public struct ApplicationActivity: Sendable, Equatable {
    /// The deadline status (on_time / late for a closed application).
    public var status: DeadlineStatus?
    /// The final due date as the rules counted it (as of the report's year end while open).
    public var finalDue: Day?
    /// 征求意见日期.
    public var consulted: Day?
    /// 延期答复.
    public var extended: Bool
    /// 收费通知日期.
    public var feeNotice: Day?
    /// 缴费日期.
    public var feePaid: Day?
    /// 缴费情况 = 逾期未缴.
    public var feeNotPaid: Bool
    /// 收费金额（元）.
    public var feeAmount: Int?

    public init(status: DeadlineStatus? = nil, finalDue: Day? = nil, consulted: Day? = nil, extended: Bool = false, feeNotice: Day? = nil,
                feePaid: Day? = nil, feeNotPaid: Bool = false, feeAmount: Int? = nil) {
        self.status = status
        self.finalDue = finalDue
        self.consulted = consulted
        self.extended = extended
        self.feeNotice = feeNotice
        self.feePaid = feePaid
        self.feeNotPaid = feeNotPaid
        self.feeAmount = feeAmount
    }
}

/// The ledger columns the activity is read from (any may be missing from a rules folder's schema).
struct ActivityColumns {
    var consultStart: Int?
    var extended: Int?
    var feeNotice: Int?
    var feePaid: Int?
    var feeStatus: Int?
    /// Index of 逾期未缴 among fee_status's values.
    var feeNotPaidValue: Int?
    var feeAmount: Int?

    init(_ columns: [ColumnSpec]) {
        func index(_ key: String) -> Int? { columns.firstIndex { $0.key == key } }
        consultStart = index("consult_start")
        extended = index("extended")
        feeNotice = index("fee_notice")
        feePaid = index("fee_paid")
        feeStatus = index("fee_status")
        feeNotPaidValue = feeStatus.flatMap { c in columns[c].values.firstIndex { $0.en == "not_paid" } }
        feeAmount = index("fee_amount")
    }
}

extension RowDecoder {
    /// The activity of the row just decoded.
    func activity(_ c: ActivityColumns, result: RawResult) -> ApplicationActivity {
        let v = values
        func int(_ column: Int?) -> Int? {
            guard let column, v[column].kind == Int32(GR_INT) else { return nil }
            return Int(v[column].i)
        }
        let extended = c.extended.map { v[$0].kind == Int32(GR_BOOL) && v[$0].i != 0 } ?? false
        let notPaid = c.feeStatus.flatMap { choice($0) }.map { $0 == c.feeNotPaidValue } ?? false
        return ApplicationActivity(status: result.status, finalDue: result.finalDue, consulted: c.consultStart.flatMap { day($0) }, extended: extended,
                                   feeNotice: c.feeNotice.flatMap { day($0) }, feePaid: c.feePaid.flatMap { day($0) },
                                   feeNotPaid: notPaid, feeAmount: int(c.feeAmount))
    }
}
