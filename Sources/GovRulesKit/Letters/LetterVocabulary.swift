/// The placeholders a letter template may use, and where each value comes from. `check` rejects
/// any other name, so a misspelt placeholder cannot silently print nothing.
public enum LetterVocabulary {
    public enum Source: Sendable, Equatable {
        /// A ledger column (its key in rules/ledger.lua).
        case column(String)
        /// A field of the office profile (letters/office.lua).
        case profile(String)
        /// Computed from the decision, the deadline or the appeal rules.
        case computed(String)
    }

    /// Placeholders of the letter templates.
    public static let letter: [(name: String, source: Source)] = [
        ("申请编号", .column("id")),
        ("申请人", .column("applicant")),
        ("申请人通讯地址", .column("applicant_address")),
        ("申请内容", .column("subject")),
        ("收到日期", .column("received")),
        ("补正事项", .column("correction_items")),
        ("补正告知日期", .column("correction_requested")),
        ("补正收到日期", .column("correction_received")),
        ("征求意见对象", .column("consulted")),
        ("征求意见日期", .column("consult_start")),
        ("负责公开机关", .column("responsible_agency")),
        ("获取方式", .column("access")),
        ("信息处理费金额", .column("fee_amount")),
        ("收费通知日期", .column("fee_notice")),
        ("延迟答复期限", .column("agreed_due")),
        ("文号", .computed("答复文号列，或机关信息的文号格式（序号留空）")),
        ("日期", .computed("文书日期")),
        ("收件人", .computed("申请人或征求意见对象")),
        ("决定", .computed("规则给出的认定与决定，含所引条文")),
        ("依据", .computed("规则给出的条文（到项）")),
        ("理由", .computed("不予公开、部分公开的理由")),
        ("延期工作日数", .computed("延长的工作日数")),
        ("救济途径", .computed("按文书日期和办理结果，由 救济途径 模板写出")),
        ("机关名称", .profile("name")),
        ("联系人", .profile("contact")),
        ("联系电话", .profile("phone")),
        ("机关地址", .profile("address")),
        ("补正期限", .profile("correction_period")),
        ("说明理由期限", .profile("reasons_period")),
        ("缴费方式", .profile("fee_payment")),
    ]

    /// Placeholders of the appeal-sentence template (救济途径).
    public static let appeal: [(name: String, source: Source)] = [
        ("复议机关", .computed("按文书日期，由 rules/appeal.lua 选定的机关信息字段")),
        ("管辖法院", .profile("court")),
        ("复议期限", .computed("申请行政复议的期限")),
        ("诉讼期限", .computed("直接提起行政诉讼的期限")),
        ("复议后起诉期限", .computed("对复议决定不服起诉的期限")),
        ("复议前置", .computed("须先申请行政复议（是/否）")),
        ("复议前置依据", .computed("复议前置所依据的条文")),
        ("部分公开", .computed("办理结果为部分公开（是/否）")),
        ("文书", .computed("文书名称，如 答复书、告知书")),
        ("机关名称", .profile("name")),
    ]

    public static let appealTemplate = "救济途径"

    static func source(_ name: String, appeal isAppeal: Bool) -> Source? {
        (isAppeal ? appeal : letter).first { $0.name == name }?.source
    }
}
