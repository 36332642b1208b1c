import Testing
@testable import GovRulesKit

/// The recorded 办理结果 as clerks copy it from a report (issue 11, point 8).
@Suite("Outcome labels")
struct OutcomeLabelsTests {
    static let outcomes: [OutcomeSpec] = [
        ("disclosed", "予以公开", nil), ("withheld.security_stability", "危及“三安全一稳定”", nil),
        ("withheld.third_party", "保护第三方合法权益", nil), ("unavailable.not_held", "本机关不掌握相关政府信息", nil),
        ("other.no_correction", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "其他处理"),
        ("other.no_fee", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "其他处理"),
        ("other.other", "其他", "其他处理"),
    ].map { OutcomeSpec(key: $0.0, label: $0.1, label2019: $0.2, basis: []) }
    static let table = OutcomeLabels.table(outcomes)

    func key(_ text: String) -> String? { OutcomeLabels.match(text, Self.table).map { Self.outcomes[$0].key } }

    @Test(arguments: [
        ("（三）不予公开3.危及“三安全一稳定”", "withheld.security_stability"),
        ("不予公开-保护第三方合法权益", "withheld.third_party"),
        ("不予公开：保护第三方合法权益", "withheld.third_party"),
        ("（三）不予公开 4.保护第三方合法权益", "withheld.third_party"),
        ("（四）无法提供1.本机关不掌握相关政府信息", "unavailable.not_held"),
        ("（六）其他处理2.申请人逾期未按收费通知要求缴纳费用…", "other.no_fee"),
        ("（六）2.申请人逾期未按收费通知要求缴纳费用……", "other.no_fee"),
        ("申请人无正当理由逾期不补正...", "other.no_correction"),
        ("（六）其他处理", "other.other"),
        ("（一）予以公开", "disclosed"),
        ("保护第三方合法权益", "withheld.third_party"),
    ])
    func groupLabelsAndEllipsesAreRead(_ text: String, _ expected: String) {
        #expect(key(text) == expected, "\(text)")
    }

    /// An item under another group's label, a group alone that is no row, and a cut-off label
    /// that fits two rows are not guessed.
    @Test(arguments: ["不予公开：本机关不掌握相关政府信息", "不予公开", "无法提供", "申请人…", "其他处理3.不存在的行"])
    func ambiguousOrMismatchedLabelsAreRefused(_ text: String) {
        #expect(key(text) == nil, "\(text)")
    }
}
