import CLuaSandbox

/// `govrules explain LEDGER --id ID`: every decision step in order, whether it applied, the
/// cells it read as the ledger wrote them and the article it applies; the deciding step with its
/// rule file and line; then how the reply deadline was counted.
public struct ExplainOptions: Sendable {
    public enum Format: String, Sendable, CaseIterable { case text, json }
    public var ledgers: [String]
    public var id: String
    /// A workbook ledger's sheet (name or 1-based number); nil: the first visible one.
    public var sheet: String?
    public var rules: String?
    public var asOf: Day
    public var format: Format = .text
    public var limits = SandboxLimits()
    public init(ledgers: [String], id: String, asOf: Day) {
        self.ledgers = ledgers
        self.id = id
        self.asOf = asOf
    }
}

/// What explain found, independent of how it is printed.
struct Explanation {
    struct StepTrace {
        var step: StepSpec
        var applied: Bool
        var outcome: String?
        /// (column header as written, key, cell as written)
        var read: [(header: String, key: String, cell: String)]
    }
    var id: String
    var file: String
    var row: Int
    var asOf: Day
    var steps: [StepTrace]
    var decided: Int?
    var outcome: OutcomeSpec?
    var recorded: OutcomeSpec?
    var deadline: LuaTable
    var cells: [String: String]   // key → cell as written (non-empty only)
    var regimes: [Int: (days: Int, maxExtension: Int)]
    var policyStepCount: Int
    var outcomeLabels: [String: String]
    /// The rules folder as the user named it, for the calendar file to add.
    var rulesLabel: String
    /// The letters the rules give the row (rules/letters.lua): kind, template, date (nil: its column is empty).
    var letters: [(kind: String, template: String?, date: Day?, dateColumn: String)] = []
}

public enum ExplainCommand {
    public static func run(_ o: ExplainOptions, write: (String) -> Void) -> CommandOutcome {
        do {
            let engine = try RuleEngine(folder: try RulesFolder.locate(o.rules), limits: o.limits)
            let run = try LedgerRun(engine: engine, ledgers: o.ledgers, asOf: o.asOf, sheet: o.sheet)
            guard let e = try run.explain(id: o.id) else {
                throw Diagnostic(code: "explain-not-found",
                    "在 \(o.ledgers.joined(separator: "、")) 中找不到申请编号“\(o.id)”（请检查编号是否与台账“申请编号”列完全一致）")
            }
            write(o.format == .json ? json(e) : text(e))
            return CommandOutcome(status: 0, diagnostics: run.warnings)
        } catch {
            return .failure(error)
        }
    }

    static func cellText(_ s: String?) -> String { (s ?? "").isEmpty ? "（空）" : s! }

    static func text(_ e: Explanation) -> String {
        var s = "申请编号 \(e.id)（\(e.file) 第\(e.row)行）\n"
        let facts = [("收到日期", "received"), ("申请人类型", "applicant_type"), ("申请内容", "subject")]
            .compactMap { (label, key) in e.cells[key].map { "\(label)：\($0)" } }
        if !facts.isEmpty { s += facts.joined(separator: "　") + "\n" }
        s += "\n一、办理结论\n"
        if let o = e.outcome, let d = e.decided {
            let step = e.steps[d].step
            s += "  \(o.label)（结果键 \(o.key)）"
            if !o.basis.isEmpty { s += "，依据条例\(o.basis.joined(separator: "、"))" }
            s += "\n  由第\(d + 1)步“\(step.title)”（\(step.id)）作出，规则位于 \(step.file):\(step.line)\n"
        }
        if e.cells["replied"] == nil {
            s += "  暂定：这件申请尚未办结（台账未填写办结日期）。以上是按台账现有内容得出的暂定结论，不是已作出的决定；补正、征求意见、缴费等情况变化后，结论可能改变。\n"
        }
        if let r = e.recorded {
            if r.key == e.outcome?.key {
                s += "  台账记录的办理结果“\(r.label)”与规则结论一致。\n"
            } else {
                s += "  注意：台账记录的办理结果为“\(r.label)”，与规则结论不一致；年度报告按记录的办理结果统计。\n"
            }
        }
        s += "\n二、决定步骤（依次检查，第一个适用的步骤作出决定）\n"
        for (i, t) in e.steps.enumerated() {
            let label = t.outcome.flatMap { k in e.outcomeLabels[k] }.map { "\($0)（\(t.outcome!)）" } ?? (t.outcome ?? "")
            let verdict = t.applied ? "适用 → \(label)" : "不适用"
            s += "  \(i + 1). \(t.step.title)（\(t.step.id)）：\(verdict)\n"
            if !t.read.isEmpty {
                s += "     读取：" + t.read.map { "\($0.header) = \(cellText($0.cell))" }.joined(separator: "；") + "\n"
            }
            s += "     依据：\(t.step.articles.joined(separator: "、"))　规则：\(t.step.file):\(t.step.line)\n"
        }
        if let d = e.decided, d + 1 < e.policyStepCount {
            s += "  （其后的 \(e.policyStepCount - d - 1) 个步骤未再检查）\n"
        }
        s += "\n三、答复期限\n" + deadlineText(e)
        s += "\n四、应制发的文书（govrules letters）\n"
        if e.letters.isEmpty { s += "  （无：尚未办结，也没有告知书）\n" }
        for l in e.letters {
            let date = l.date.map(\.official) ?? "日期列“\(l.dateColumn)”为空"
            s += "  《\(l.kind)》 \(date)　模板 \(l.template ?? "（无）")\n"
        }
        return s
    }

    static func deadlineText(_ e: Explanation) -> String {
        let d = e.deadline
        func day(_ key: String) -> String? { d[key].int.flatMap { Int32(exactly: $0) }.map { Day(number: $0).iso } }
        var s = ""
        let regime = d["regime"].int ?? 2019
        let rule = e.regimes[regime]
        if regime == 2008 {
            s += "  适用2008年条例（收到申请早于2019-05-15）：答复期限 \(rule?.days ?? 15) 个工作日，延长最多 \(rule?.maxExtension ?? 15) 个工作日。\n"
        } else {
            s += "  适用2019年条例第三十三条：答复期限 \(rule?.days ?? 20) 个工作日，延长最多 \(rule?.maxExtension ?? 20) 个工作日。\n"
        }
        s += "  工作日按国务院办公厅当年节假日安排通知计算（调休上班的周末计入，放假的工作日不计入）；起算日当天不计，第1个工作日为其后的第一个工作日。\n"
        if d["status"].string == DeadlineStatus.noCalendar.key {
            return s + noCalendarText(e)
        }
        guard let start = day("start") else {
            s += "  已告知补正（\(cellText(e.cells["correction_requested"]))），尚未收到补正：按第三十条，答复期限自收到补正之日起计算，目前尚未开始。\n"
            s += "  期限状态：\(statusText(d["status"].string))\n"
            s += warningsText(d)
            return s
        }
        if let cr = e.cells["correction_received"] {
            s += "  起算日：\(start)（补正收到日期 \(cr)；第三十条：答复期限自收到补正的申请之日起计算）\n"
        } else {
            s += "  起算日：\(start)（收到申请之日）\n"
        }
        s += "  法定答复期限：\(day("due") ?? "")（起算日后第 \(rule?.days ?? 20) 个工作日）\n"
        if d["agreed"].bool == true {
            s += "  第三十五条：申请数量、频次明显超过合理范围但理由合理，机关确定的延迟答复期限为 \(day("final_due") ?? "")；中止和延期不再另计。\n"
        } else {
            let paused = d["paused_days"].int ?? 0
            var pauses: [String] = []
            if let cs = e.cells["consult_start"] {
                pauses.append("征求意见 \(cs) 至 \(e.cells["consult_end"] ?? "（尚未结束，计至\(e.cells["replied"] ?? e.asOf.iso)）")（第三十三条第三款）")
            }
            if let fn = e.cells["fee_notice"] {
                pauses.append("收费通知 \(fn) 至缴费 \(e.cells["fee_paid"] ?? "（尚未缴费，计至\(e.cells["replied"] ?? e.asOf.iso)）")")
            }
            if paused > 0 || !pauses.isEmpty {
                s += "  不计入期限的时间：\(pauses.joined(separator: "；"))，共 \(paused) 个工作日\(pauses.count > 1 ? "（重叠部分只计一次）" : "")\n"
            }
            let ext = d["extension_days"].int ?? 0
            if ext > 0 {
                let how = e.cells["extension_days"] == nil ? "未填写天数，按最长期限计" : "台账填写"
                s += "  延长答复期限：\(ext) 个工作日（\(how)；第三十三条第二款）\n"
            }
            s += "  最终答复期限：\(day("final_due") ?? "")（法定期限后再加 \(paused + ext) 个工作日）\n"
        }
        if let replied = e.cells["replied"] {
            s += "  办结日期：\(replied)\n"
        } else if let left = d["days_left"].int {
            s += left >= 0 ? "  截至 \(e.asOf.iso) 尚未办结，距最终答复期限还有 \(left) 个工作日\n"
                           : "  截至 \(e.asOf.iso) 尚未办结，已超过最终答复期限 \(-left) 个工作日\n"
        } else if let left = d["provisional"].table?["days_left"].int, let year = d["calendar_year"].int {
            s += "  截至 \(e.asOf.iso) 尚未办结；\(year) 年还没有工作日历（\(e.rulesLabel)/calendar/\(year).lua），剩余工作日无法确定，"
            s += left >= 0 ? "暂定约 \(left) 个工作日（按周一至周五上班、1月1日放假估算）\n"
                           : "暂定已超过约 \(-left) 个工作日（按周一至周五上班、1月1日放假估算）\n"
        }
        s += "  期限状态：\(statusText(d["status"].string))\n"
        s += warningsText(d)
        return s
    }

    /// Status no_calendar: what is known, what is missing, and the estimate labelled 暂定.
    static func noCalendarText(_ e: Explanation) -> String {
        let d = e.deadline
        func iso(_ v: LuaValue) -> String? { v.int.flatMap { Int32(exactly: $0) }.map { Day(number: $0).iso } }
        var s = ""
        if let start = iso(d["start"]) {
            if let cr = e.cells["correction_received"] {
                s += "  起算日：\(start)（补正收到日期 \(cr)；第三十条：答复期限自收到补正的申请之日起计算）\n"
            } else {
                s += "  起算日：\(start)（收到申请之日）\n"
            }
        }
        let year = d["calendar_year"].int
        let file = year.map { "\(e.rulesLabel)/calendar/\($0).lua" }
        if let year, let file {
            s += "  期限待定：答复期限要计入 \(year) 年的工作日，但规则目录中还没有 \(file)（依据国务院办公厅关于\(year)年部分节假日安排的通知）。"
        } else {
            s += "  期限待定：答复期限要计入还没有工作日历的年份。"
        }
        s += "法定答复期限和最终答复期限因此暂不确定，classify 输出的 due、final_due 为空。\n"
        let p = d["provisional"].table
        if let p, let finalDue = iso(p["final_due"]) {
            s += "  暂定估算（按周一至周五上班、1月1日放假估算，不是正式期限）："
            if let due = iso(p["due"]) { s += "法定答复期限约为 \(due)，" }
            s += "最终答复期限约为 \(finalDue)"
            if e.cells["replied"] == nil, let left = p["days_left"].int {
                s += left >= 0 ? "；截至 \(e.asOf.iso) 约剩 \(left) 个工作日" : "；截至 \(e.asOf.iso) 约已超过 \(-left) 个工作日"
            }
            s += "。\n"
        }
        if let replied = e.cells["replied"] { s += "  办结日期：\(replied)\n" }
        s += "  添加 \(file ?? "该年的工作日历文件") 后重新运行，即按通知计算正式期限。\n"
        s += "  期限状态：\(statusText(d["status"].string))\n"
        s += warningsText(d)
        return s
    }

    static func statusText(_ key: String?) -> String {
        guard let key, let st = DeadlineStatus.allCases.first(where: { $0.key == key }) else { return "（无）" }
        return "\(st.chinese)（\(st.key)）"
    }

    static func warningsText(_ d: LuaTable) -> String {
        let w = (d["warnings"].table?.array ?? []).compactMap(\.string)
        return w.map { "  提示：\($0)\n" }.joined()
    }

    static func json(_ e: Explanation) -> String {
        func q(_ s: String?) -> String { JSONText.quote(s) }
        let d = e.deadline
        func day(_ key: String) -> String { q(d[key].int.flatMap { Int32(exactly: $0) }.map { Day(number: $0).iso }) }
        var s = "{\"id\": \(q(e.id)), \"file\": \(q(e.file)), \"row\": \(e.row), \"as_of\": \(q(e.asOf.iso)),\n"
        s += " \"outcome\": \(q(e.outcome?.key)), \"outcome_label\": \(q(e.outcome?.label)), \"basis\": \(JSONText.array(e.outcome?.basis ?? [])),\n"
        s += " \"recorded\": \(q(e.recorded?.key)), \"provisional\": \(e.cells["replied"] == nil),\n"
        if let dd = e.decided {
            let st = e.steps[dd].step
            s += " \"decided_by\": {\"step\": \(q(st.id)), \"title\": \(q(st.title)), \"file\": \(q(st.file)), \"line\": \(st.line)},\n"
        } else {
            s += " \"decided_by\": null,\n"
        }
        s += " \"steps\": [\n"
        s += e.steps.map { t in
            let read = t.read.map { "{\"column\": \(q($0.key)), \"header\": \(q($0.header)), \"value\": \(q($0.cell))}" }.joined(separator: ", ")
            return "  {\"step\": \(q(t.step.id)), \"title\": \(q(t.step.title)), \"articles\": \(JSONText.array(t.step.articles)), \"applied\": \(t.applied), \"outcome\": \(q(t.outcome)), \"file\": \(q(t.step.file)), \"line\": \(t.step.line), \"read\": [\(read)]}"
        }.joined(separator: ",\n")
        s += "\n ],\n"
        let warnings = (d["warnings"].table?.array ?? []).compactMap(\.string)
        s += " \"deadline\": {\"regime\": \(q(d["regime"].int.map(String.init))), \"start\": \(day("start")), \"due\": \(day("due")), \"final_due\": \(day("final_due")), "
        s += "\"paused_days\": \(d["paused_days"].int.map(String.init) ?? "null"), \"extension_days\": \(d["extension_days"].int.map(String.init) ?? "null"), "
        s += "\"agreed\": \(d["agreed"].bool == true), \"days_left\": \(d["days_left"].int.map(String.init) ?? "null"), \"status\": \(q(d["status"].string)), \"warnings\": \(JSONText.array(warnings))"
        if d["status"].string == DeadlineStatus.noCalendar.key {
            let p = d["provisional"].table
            func pday(_ key: String) -> String { q(p?[key].int.flatMap { Int32(exactly: $0) }.map { Day(number: $0).iso }) }
            s += ", \"calendar_missing\": \(q(d["calendar_year"].int.map { "\(e.rulesLabel)/calendar/\($0).lua" })), "
            s += "\"provisional\": {\"due\": \(pday("due")), \"final_due\": \(pday("final_due")), \"days_left\": \(p?["days_left"].int.map(String.init) ?? "null")}"
        }
        s += "},\n"
        s += " \"letters\": [" + e.letters.map { "{\"kind\": \(q($0.kind)), \"template\": \(q($0.template)), \"date\": \(q($0.date?.iso))}" }.joined(separator: ", ") + "]}\n"
        return s
    }
}

extension LedgerRun {
    /// Finds the row with this 申请编号 and explains it. Rows before it are only compared by id,
    /// not decoded.
    func explain(id: String) throws -> Explanation? {
        let policy = engine.policy
        let target = Array(id.utf8)
        for input in inputs {
            let map = input.map
            guard let idField = map.fieldOfColumn[decoder.idColumn!] else { continue }
            while let record = try input.reader.next() {
                let match = record.withField(idField) { b in
                    let t = ValueParser.trimmed(b)
                    return t.count == target.count && t.elementsEqual(target)
                }
                if !match { continue }
                let problems = CellErrors.merge(CellErrors.problems(input.reader.cellErrors, record: record, map: map),
                                                into: decoder.decode(record, map: map))
                if !problems.isEmpty { throw DiagnosticList(problems) }
                let traced = engine.explain(decoder, asOf: asOf)
                let trace: LuaTable
                switch traced {
                case .success(let v): trace = v.table ?? LuaTable()
                case .failure(let f):
                    throw engine.diagnostic(f, file: map.file, line: record.row, context: "解释申请编号“\(id)”时，")
                }
                var cells: [String: String] = [:]
                for (c, spec) in policy.columns.enumerated() {
                    if let f = map.fieldOfColumn[c] {
                        let v = record.string(f).trimmed
                        if !v.isEmpty { cells[spec.key] = v }
                    }
                }
                var steps: [Explanation.StepTrace] = []
                for item in trace["steps"].table?.array ?? [] {
                    guard let t = item.table, let sid = t["step"].string,
                          let spec = policy.steps.first(where: { $0.id == sid }) else { continue }
                    let read = (t["read"].table?.array ?? []).compactMap(\.string).map { key -> (String, String, String) in
                        let c = policy.columns.firstIndex { $0.key == key }
                        let header = c.map { map.writtenHeader(ofColumn: $0, columns: policy.columns) } ?? key
                        var cell = cells[key] ?? ""
                        if cell.isEmpty, let c, let def = policy.columns[c].defaultValue,
                           let zh = policy.columns[c].values.first(where: { $0.en == def })?.zh {
                            cell = "（空，按默认“\(zh)”）"
                        }
                        return (header, key, cell)
                    }
                    steps.append(.init(step: spec, applied: t["applied"].bool ?? false, outcome: t["outcome"].string,
                                       read: read.map { (header: $0.0, key: $0.1, cell: $0.2) }))
                }
                let decided = trace["decided"].int.map { $0 - 1 }.flatMap { steps.indices.contains($0) ? $0 : nil }
                let outcome = decided.flatMap { d in steps[d].outcome }.flatMap { k in policy.outcomes.first { $0.key == k } }
                return Explanation(id: id, file: map.file, row: record.row, asOf: asOf, steps: steps, decided: decided,
                                   outcome: outcome, recorded: decoder.recordedOutcome.map { policy.outcomes[$0] },
                                   deadline: trace["deadline"].table ?? LuaTable(), cells: cells, regimes: policy.regimes,
                                   policyStepCount: policy.steps.count,
                                   outcomeLabels: Dictionary(policy.outcomes.map { ($0.key, $0.label) }, uniquingKeysWith: { a, _ in a }),
                                   rulesLabel: engine.folder.label,
                                   letters: PlannedLetter.list(fromTrace: trace).map { ($0.kind, $0.template, $0.date, $0.dateColumn) })
            }
        }
        return nil
    }
}
