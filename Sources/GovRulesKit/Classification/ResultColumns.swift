import Foundation

/// The result columns `classify` appends to each row (cli.md), with their Chinese headers.
public enum ResultColumn: String, CaseIterable, Sendable {
    case outcome, outcome_label, basis, recorded, regime, start, due, final_due, status, warnings, step

    public var chinese: String {
        switch self {
        case .outcome: "结论"
        case .outcome_label: "结论（报告行）"
        case .basis: "依据"
        case .recorded: "记录的办理结果"
        case .regime: "适用条例"
        case .start: "起算日"
        case .due: "法定答复期限"
        case .final_due: "最终答复期限"
        case .status: "期限状态"
        case .warnings: "提示"
        case .step: "决定步骤"
        }
    }
}

/// Renders one classified row's result fields as text, for CSV and JSON alike.
struct ResultFields {
    let policy: Policy
    /// basis joined per outcome, computed once.
    let basisJoined: [String]
    /// CSV, encoded once: per outcome `key,label,basis`; per outcome its key (the recorded
    /// column); per status its key; per step its id; per regime its number.
    let outcomeCells: [[UInt8]]
    let keyCells: [[UInt8]]
    let statusCells: [[UInt8]]
    let stepCells: [[UInt8]]
    /// (regime, its cell): a handful, searched in order (cheaper than hashing per row).
    let regimeCells: [(regime: Int, cell: [UInt8])]

    func regimeCell(_ regime: Int) -> [UInt8]? {
        for entry in regimeCells where entry.regime == regime { return entry.cell }
        return nil
    }

    /// - Parameter chinese: statuses and deciding steps in Chinese (期限状态 按期办结, 决定步骤 its
    ///   title), for `--headers zh`; the default writes their keys, as cli.md specifies.
    init(policy: Policy, chinese: Bool = false) {
        self.policy = policy
        let basisJoined = policy.outcomes.map { $0.basis.joined(separator: "；") }
        self.basisJoined = basisJoined
        outcomeCells = policy.outcomes.indices.map { i in
            CSVWriter.encode(policy.outcomes[i].key) + [UInt8(ascii: ",")] + CSVWriter.encode(policy.outcomes[i].label)
                + [UInt8(ascii: ",")] + CSVWriter.encode(basisJoined[i])
        }
        keyCells = policy.outcomes.map { CSVWriter.encode($0.key) }
        statusCells = [[]] + DeadlineStatus.allCases.map { CSVWriter.encode(chinese ? $0.chinese : $0.key) }
        stepCells = policy.steps.map { CSVWriter.encode(chinese ? $0.title : $0.id) }
        regimeCells = policy.regimes.keys.sorted().map { ($0, CSVWriter.encode(String($0))) }
    }

    func stepID(_ r: RawResult) -> String { r.step >= 0 && r.step < policy.steps.count ? policy.steps[r.step].id : "" }

    /// `exemptions 不予公开情形（…）rules/steps.lua:178` — for `classify --explain`.
    func stepExplanation(_ r: RawResult) -> String {
        guard r.step >= 0 && r.step < policy.steps.count else { return "" }
        let s = policy.steps[r.step]
        return "\(s.id) \(s.title)（\(s.articles.joined(separator: "、"))）\(s.file):\(s.line)"
    }
}

/// Minimal JSON writing (no Foundation round trip, stable key order).
enum JSONText {
    static func quote(_ s: String) -> String { JSONRenderer.string(s) }
    static func quote(_ s: String?) -> String { s.map { quote($0) } ?? "null" }
    static func array(_ items: [String]) -> String { "[" + items.map { quote($0) }.joined(separator: ", ") + "]" }
}
