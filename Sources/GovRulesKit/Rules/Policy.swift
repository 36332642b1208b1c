/// What the rules declare about themselves, read once at start-up from the policy table:
/// the ledger's columns, the outcome keys, the decision steps and the calendar's reach.
public struct Policy: Sendable {
    public static let supportedAPIVersions = [1]

    public var apiVersion: Int
    public var columns: [ColumnSpec]
    /// The appeals ledger (table 四) and the proactive-disclosure figures (table 二).
    public var appealsColumns: [ColumnSpec]
    public var proactiveColumns: [ColumnSpec]
    public var outcomes: [OutcomeSpec]
    public var steps: [StepSpec]
    public var calendarFirstYear: Int
    public var calendarLastYear: Int
    /// regime year → (working days, maximum extension)
    public var regimes: [Int: (days: Int, maxExtension: Int)]
    /// rules/letters.lua, when the rules have it (govrules letters).
    public var letters: LetterSpec?

    public func column(_ key: String) -> ColumnSpec? { columns.first { $0.key == key } }
}

public enum ColumnType: String, Sendable, CaseIterable {
    case text, date, bool, `enum`, list, integer, outcome
}

public struct ColumnSpec: Sendable {
    public var key: String
    public var header: String
    public var aliases: [String]
    public var type: ColumnType
    public var required: Bool
    /// English key of the default enum value, applied when the cell is empty.
    public var defaultValue: String?
    /// (中文, english) in declaration order.
    public var values: [(zh: String, en: String)]
    /// For dates: the column this one may not precede.
    public var after: String?

    /// What a clerk may write, for messages: `自然人 / natural_person、商业企业 / business…`
    public var allowedText: String {
        values.map { "\($0.zh)（\($0.en)）" }.joined(separator: "、")
    }
}

public struct OutcomeSpec: Sendable {
    public var key: String
    public var label: String
    public var label2019: String?
    public var basis: [String]
}

public struct StepSpec: Sendable {
    public var id: String
    public var title: String
    public var articles: [String]
    public var outcomes: [String]
    /// Where the step's `decide` function is defined.
    public var file: String
    public var line: Int
}

/// Decodes the policy table, collecting every problem with the file it came from.
struct PolicyDecoder {
    let entryPath: String
    var problems: [Diagnostic] = []

    mutating func fail(_ code: String, _ message: String, file: String? = nil, line: Int? = nil) {
        problems.append(Diagnostic(code: code, file: file ?? entryPath, line: line, message))
    }

    mutating func decodeColumns(_ v: LuaValue?, name: String, file: String) -> [ColumnSpec] {
        var columns: [ColumnSpec] = []
        for (i, c) in (v?.table?.array ?? []).enumerated() {
            guard let c = c.table, let key = c["key"].string, let header = c["header"].string,
                  let typeName = c["type"].string else {
                fail("rules-schema", "ledger.\(name) 第\(i + 1)列缺少 key、header 或 type", file: file); continue
            }
            guard let type = ColumnType(rawValue: typeName) else {
                fail("rules-schema", "列 \(key) 的类型“\(typeName)”未知；可用：\(ColumnType.allCases.map(\.rawValue).joined(separator: "、"))", file: file)
                continue
            }
            var values: [(String, String)] = []
            for pair in c["values"].table?.array ?? [] {
                if let p = pair.table?.array, p.count == 2, let zh = p[0].string, let en = p[1].string {
                    values.append((zh, en))
                } else {
                    fail("rules-schema", "列 \(key) 的取值应写作 { \"中文\", \"english\" }", file: file)
                }
            }
            if (type == .enum || type == .list) && values.isEmpty {
                fail("rules-schema", "列 \(key) 是 \(typeName) 类型，但没有列出取值 values", file: file)
            }
            if type == .list && values.count > 64 {
                fail("rules-schema", "列 \(key) 的取值超过 64 个", file: file)
            }
            let def = c["default"].string
            if let def, type == .enum, !values.contains(where: { $0.1 == def }) {
                fail("rules-schema", "列 \(key) 的默认值“\(def)”不在其取值之中", file: file)
            }
            columns.append(ColumnSpec(key: key, header: header,
                                      aliases: (c["aliases"].table?.array ?? []).compactMap(\.string),
                                      type: type, required: c["required"].bool ?? false, defaultValue: def,
                                      values: values.map { (zh: $0.0, en: $0.1) }, after: c["after"].string))
        }
        return columns
    }

    mutating func decode(_ v: LuaValue, rulesLabel: String) throws -> Policy {
        guard let t = v.table else {
            throw Diagnostic(code: "rules-entry", file: entryPath, "规则入口必须返回一个表")
        }
        let version = t["api_version"].int ?? -1
        guard Policy.supportedAPIVersions.contains(version) else {
            throw Diagnostic(code: "rules-api-version", file: entryPath,
                "规则声明的接口版本 api_version = \(t["api_version"].int.map(String.init) ?? "（未填写）")，本程序支持的版本为 \(Policy.supportedAPIVersions.map(String.init).joined(separator: "、"))；请按所支持的版本修改规则，或升级 govrules")
        }
        let ledgerFile = rulesLabel + "/ledger.lua"
        let ledgerTable = t["ledger"].table
        let columns = decodeColumns(ledgerTable?["columns"], name: "columns", file: ledgerFile)
        let appealsColumns = decodeColumns(ledgerTable?["appeals_columns"], name: "appeals_columns", file: ledgerFile)
        let proactiveColumns = decodeColumns(ledgerTable?["proactive_columns"], name: "proactive_columns", file: ledgerFile)
        if columns.isEmpty { fail("rules-schema", "ledger.columns 为空：规则必须列出台账的列", file: ledgerFile) }
        for c in columns + appealsColumns + proactiveColumns where c.after != nil && !(columns + appealsColumns + proactiveColumns).contains(where: { $0.key == c.after }) {
            fail("rules-schema", "列 \(c.key) 的 after = \"\(c.after!)\" 不是已定义的列", file: ledgerFile)
        }
        for required in ["id", "received", "applicant_type"] where !columns.contains(where: { $0.key == required }) {
            fail("rules-schema", "台账必须有列 \(required)", file: ledgerFile)
        }

        var outcomes: [OutcomeSpec] = []
        for o in t["outcomes"].table?.array ?? [] {
            guard let o = o.table, let key = o["key"].string, let label = o["label"].string else {
                fail("rules-outcomes", "每个结果都需要 key 和 label", file: rulesLabel + "/outcomes.lua"); continue
            }
            outcomes.append(OutcomeSpec(key: key, label: label, label2019: o["label_2019"].string,
                                        basis: (o["basis"].table?.array ?? []).compactMap(\.string)))
        }
        var steps: [StepSpec] = []
        for s in t["steps"].table?.array ?? [] {
            guard let s = s.table, let id = s["id"].string else {
                fail("rules-steps", "每个步骤都需要 id", file: rulesLabel + "/steps.lua"); continue
            }
            guard case .function(let src, let line) = s["decide"] else {
                fail("rules-steps", "步骤 \(id) 没有 decide 函数", file: rulesLabel + "/steps.lua"); continue
            }
            steps.append(StepSpec(id: id, title: s["title"].string ?? id,
                                  articles: (s["articles"].table?.array ?? []).compactMap(\.string),
                                  outcomes: (s["outcomes"].table?.array ?? []).compactMap(\.string),
                                  file: src, line: line))
        }
        if steps.isEmpty { fail("rules-steps", "规则没有任何决定步骤", file: rulesLabel + "/steps.lua") }
        let cal = t["calendar"].table
        var regimes: [Int: (Int, Int)] = [:]
        if let r = t["regimes"].table {
            for (k, v) in r.fields { if let y = Int(k), let d = v.table?["days"].int, let m = v.table?["max_extension"].int { regimes[y] = (d, m) } }
            // integer keys arrive in the array part only when they are 1...n; regimes use years.
        }
        let policy = Policy(apiVersion: version, columns: columns, appealsColumns: appealsColumns,
                            proactiveColumns: proactiveColumns, outcomes: outcomes, steps: steps,
                            calendarFirstYear: cal?["first_year"].int ?? 0, calendarLastYear: cal?["last_year"].int ?? 0,
                            regimes: regimes.mapValues { (days: $0.0, maxExtension: $0.1) },
                            letters: decodeLetters(t["letters"], file: rulesLabel + "/letters.lua"))
        if !problems.isEmpty { throw DiagnosticList(problems) }
        return policy
    }
}
