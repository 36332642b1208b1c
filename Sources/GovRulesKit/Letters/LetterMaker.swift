import Foundation

/// Which applications' letters to make, and with which rules and templates.
public struct LetterOptions: Sendable {
    public var ledgers: [String]
    /// The applications (申请编号): every letter each gets. Empty: select by date instead.
    public var ids: [String] = []
    /// Every letter dated within from…to (either may be open).
    public var from: Day?
    public var to: Day?
    public var rules: String?
    public var letters: String?
    /// The day open applications are judged against (their deadlines; letters do not print it).
    public var asOf: Day
    public var limits = SandboxLimits()
    public init(ledgers: [String], asOf: Day) {
        self.ledgers = ledgers
        self.asOf = asOf
    }
}

/// One letter, ready to be written.
public struct GeneratedLetter: Sendable {
    public var id: String
    /// 答复书, 补正告知书, …
    public var kind: String
    public var template: String
    public var date: Day
    /// The ledger row it comes from.
    public var file: String
    public var row: Int
    /// `2024-041-答复书`: the file name without its extension.
    public var baseName: String
    public var document: LetterDocument
}

/// The letters of one run, or nothing: any problem with any letter fails the whole run.
public struct LetterBatch: Sendable {
    public var letters: [GeneratedLetter]
    public var warnings: [Diagnostic]
}

/// What the rules planned for one letter of one application (rules/letters.lua `for_row`).
struct PlannedLetter {
    var kind: String
    var template: String?
    var to: String
    var date: Day?
    var dateColumn: String
    var cite: String
    var articles: [String]
    var decision: String?
    var reasons: String?
    var needs: [String]
    var problem: String?
    var appeal: LuaTable?

    init(_ t: LuaTable) {
        kind = t["kind"].string ?? "文书"
        template = t["template"].string
        to = t["to"].string ?? "applicant"
        date = t["date"].int.flatMap { Int32(exactly: $0) }.map(Day.init(number:))
        dateColumn = t["date_column"].string ?? ""
        cite = t["cite"].string ?? ""
        articles = (t["articles"].table?.array ?? []).compactMap(\.string)
        decision = t["decision"].string.flatMap { $0.isEmpty ? nil : $0 }
        reasons = t["reasons"].string.flatMap { $0.isEmpty ? nil : $0 }
        needs = (t["needs"].table?.array ?? []).compactMap(\.string)
        problem = t["problem"].string
        appeal = t["appeal"].table
    }

    /// The letters of one explained row.
    static func list(fromTrace trace: LuaTable) -> [PlannedLetter] {
        (trace["letters"].table?.array ?? []).compactMap { $0.table.map(PlannedLetter.init) }
    }
}

extension Day {
    /// 2024年3月5日 (GB/T 9704: Arabic numerals, no leading zeros).
    public var official: String {
        let c = components
        return "\(c.year)年\(c.month)月\(c.day)日"
    }
}

public enum LetterMaker {
    /// The letters for the chosen applications, in memory (the `letters` command writes them; the
    /// desk offers them as a download). Throws every problem at once; then no letter is made.
    public static func make(_ o: LetterOptions) throws -> LetterBatch {
        let engine = try RuleEngine(folder: try RulesFolder.locate(o.rules), limits: o.limits)
        guard let spec = engine.policy.letters else {
            throw Diagnostic(code: "letters-no-rules", file: engine.folder.label + "/letters.lua",
                "规则目录中没有文书规则 letters.lua（policy.letters）：不知道每件申请应制发哪些文书")
        }
        let folder = try LettersFolder.locate(o.letters)
        let office = try OfficeProfile.load(folder: folder.label)
        let run = try LedgerRun(engine: engine, ledgers: o.ledgers, asOf: o.asOf)
        var maker = Maker(engine: engine, spec: spec, folder: folder, office: office, options: o)
        maker.warnings = run.warnings
        try maker.walk(run)
        if !maker.problems.isEmpty { throw DiagnosticList(maker.problems + maker.warnings) }
        return LetterBatch(letters: maker.letters, warnings: maker.warnings)
    }

    /// The kinds of letter one explained row gets (explain, `expect_letters`).
    static func kinds(fromTrace trace: LuaTable) -> [String] {
        PlannedLetter.list(fromTrace: trace).map(\.kind)
    }

    /// A name safe as a file name on every system: the id as written, with the characters
    /// Windows and POSIX forbid replaced.
    static func fileSafe(_ s: String) -> String {
        let bad = Set("/\\:*?\"<>|\u{0}")
        var out = String(s.map { bad.contains($0) || $0.isNewline ? "_" : $0 })
        while out.hasPrefix(".") { out = "_" + out.dropFirst() }
        return out
    }
}

/// One run's state: walks the ledgers, plans each selected application's letters, renders them.
private struct Maker {
    let engine: RuleEngine
    let spec: LetterSpec
    let folder: LettersFolder
    let office: OfficeProfile
    let options: LetterOptions
    var letters: [GeneratedLetter] = []
    var problems: [Diagnostic] = []
    var warnings: [Diagnostic] = []
    var reportedOffice = Set<String>()
    var reportedTemplates = Set<String>()
    var reportedColumns = Set<String>()
    var usedNames = Set<String>()

    init(engine: RuleEngine, spec: LetterSpec, folder: LettersFolder, office: OfficeProfile, options: LetterOptions) {
        self.engine = engine
        self.spec = spec
        self.folder = folder
        self.office = office
        self.options = options
    }

    var policy: Policy { engine.policy }

    mutating func walk(_ run: LedgerRun) throws {
        let wanted = Set(options.ids)
        var found = Set<String>()
        var seen: [String: (String, Int)] = [:]
        let decoder = run.decoder
        for (inputIndex, input) in run.inputs.enumerated() {
            let map = input.map
            while let record = try input.reader.next() {
                if record.isBlank { continue }
                let problems = decoder.decode(record, map: map)
                if !problems.isEmpty { self.problems += problems; continue }
                let id = decoder.text(decoder.idColumn!) ?? ""
                if let first = seen[id] {
                    self.problems.append(Diagnostic(code: "id-duplicate", file: map.file, line: record.row,
                        "申请编号“\(id)”重复：\(first.0) 第\(first.1)行已使用；申请编号在所有台账中必须唯一"))
                    continue
                }
                seen[id] = (map.file, record.row)
                if !wanted.isEmpty && !wanted.contains(id) { continue }
                found.insert(id)
                engine.setRow(input: inputIndex, row: record.row)
                let trace: LuaTable
                switch engine.explain(decoder, asOf: options.asOf) {
                case .success(let v): trace = v.table ?? LuaTable()
                case .failure(let f):
                    self.problems.append(engine.diagnostic(f, file: map.file, line: record.row, context: "为申请编号“\(id)”制作文书时，"))
                    continue
                }
                var planned = PlannedLetter.list(fromTrace: trace)
                if wanted.isEmpty {
                    // By date: the letters dated in the range; an undated letter of an application
                    // that has a letter in the range is reported, since its date cannot be placed.
                    let inRange = planned.filter { l in l.date.map(inSelection) ?? false }
                    if inRange.isEmpty { continue }
                    planned = planned.filter { l in l.date.map(inSelection) ?? true }
                }
                var cells: [String: String] = [:]
                for (c, spec) in policy.columns.enumerated() {
                    if spec.type == .date, let d = decoder.day(c) { cells[spec.key] = d.official; continue }
                    if let f = map.fieldOfColumn[c] {
                        let v = record.string(f).trimmingCharacters(in: .whitespacesAndNewlines)
                        if !v.isEmpty { cells[spec.key] = v }
                    }
                }
                let decided = trace["decided"].int.map { $0 - 1 }
                let steps = trace["steps"].table?.array ?? []
                let outcome = decided.flatMap { steps.indices.contains($0) ? steps[$0].table?["outcome"].string : nil } ?? ""
                if let recorded = decoder.recordedOutcome, policy.outcomes[recorded].key != outcome,
                   planned.contains(where: { $0.kind == "答复书" }) {
                    let rulesLabel = policy.outcomes.first { $0.key == outcome }?.label ?? outcome
                    warnings.append(Diagnostic(.warning, code: "letter-recorded-differs", file: map.file, line: record.row,
                        "申请编号“\(id)”：台账记录的办理结果“\(policy.outcomes[recorded].label)”与规则结论“\(rulesLabel)”不一致；答复书按规则结论制作，发出前请核对"))
                }
                let cols = policy.columns
                let headers = Dictionary(cols.indices.map { (cols[$0].key, map.writtenHeader(ofColumn: $0, columns: cols)) },
                                         uniquingKeysWith: { a, _ in a })
                let row = Row(id: id, file: map.file, line: record.row, cells: cells, outcome: outcome, headers: headers,
                              extensionDays: trace["deadline"].table?["extension_days"].int)
                for p in planned { make(p, row: row) }
            }
        }
        for id in options.ids where !found.contains(id) {
            problems.append(Diagnostic(code: "letters-id-not-found",
                "在 \(options.ledgers.joined(separator: "、")) 中找不到申请编号“\(id)”（请检查编号是否与台账“申请编号”列完全一致）"))
        }
    }

    func inSelection(_ d: Day) -> Bool {
        (options.from.map { d >= $0 } ?? true) && (options.to.map { d <= $0 } ?? true)
    }

    struct Row {
        var id: String
        var file: String
        var line: Int
        var cells: [String: String]
        var outcome: String
        var headers: [String: String]
        var extensionDays: Int?
        func header(_ key: String) -> String { headers[key] ?? key }
    }

    mutating func missingColumn(_ row: Row, _ kind: String, column: String) {
        guard reportedColumns.insert("\(row.id)\u{0}\(kind)\u{0}\(column)").inserted else { return }
        problems.append(Diagnostic(code: "letter-field-missing", file: row.file, line: row.line,
            "申请编号“\(row.id)”的《\(kind)》需要列“\(row.header(column))”，但该列为空；这封文书未制作，请在台账中填写后重新运行"))
    }

    mutating func missingOffice(_ key: String, purpose: String) {
        guard reportedOffice.insert(key).inserted else { return }
        problems.append(office.missing(key, for: purpose))
    }

    mutating func make(_ p: PlannedLetter, row: Row) {
        let before = problems.count
        if let problem = p.problem {
            problems.append(Diagnostic(code: "letter-rules", file: row.file, line: row.line,
                "申请编号“\(row.id)”的《\(p.kind)》：\(problem)"))
            return
        }
        guard let templateName = p.template else { return }
        guard let template = folder.templates[templateName] else {
            let file = folder.file(of: templateName)
            guard reportedTemplates.insert(templateName).inserted else { return }
            if folder.problems.contains(where: { $0.file == file }) {
                problems += folder.problems.filter { $0.file == file }
            } else {
                problems.append(Diagnostic(code: "letter-template-missing", file: file,
                    "找不到模板 \(templateName).mustache（申请编号“\(row.id)”的《\(p.kind)》要用）"))
            }
            return
        }
        guard let date = p.date else { missingColumn(row, p.kind, column: p.dateColumn); return }
        for c in p.needs where row.cells[c] == nil { missingColumn(row, p.kind, column: c) }

        var ctx: [String: Any] = [:]
        for (name, source) in LetterVocabulary.letter {
            switch source {
            case .column(let key): if let v = row.cells[key] { ctx[name] = v }
            case .profile(let key): if let v = office.value(key) { ctx[name] = v }
            case .computed: break
            }
        }
        ctx["日期"] = date.official
        let addresseeColumn = p.to == "consulted" ? "consulted" : "applicant"
        if let a = row.cells[addresseeColumn] { ctx["收件人"] = a } else { missingColumn(row, p.kind, column: addresseeColumn) }
        if let d = p.decision { ctx["决定"] = d }
        if !p.cite.isEmpty { ctx["依据"] = p.cite }
        if let r = p.reasons { ctx["理由"] = r }
        if let n = row.extensionDays, n > 0 { ctx["延期工作日数"] = String(n) }
        if template.uses("文号") {
            if p.kind == "答复书", let n = row.cells["reply_number"] { ctx["文号"] = n }
            else if let pattern = office.value("number_pattern") {
                ctx["文号"] = pattern.replacingOccurrences(of: "{年}", with: String(date.year))
                    .replacingOccurrences(of: "{号}", with: "\u{3000}\u{3000}")
            } else { missingOffice("number_pattern", purpose: "文书的文号") }
        }
        if template.uses("救济途径"), let appeal = p.appeal {
            if let s = appealSentence(appeal, row: row, kind: p.kind) { ctx["救济途径"] = s }
        }
        for name in template.required where ctx[name] == nil && name != "收件人" {
            switch LetterVocabulary.source(name, appeal: false) {
            case .column(let key)?: missingColumn(row, p.kind, column: key)
            case .profile(let key)?: missingOffice(key, purpose: "模板 \(template.file) 的“{{\(name)}}”")
            case .computed?, nil:
                if name == "救济途径" && problems.count > before { break }
                problems.append(Diagnostic(code: "letter-template-value", file: template.file,
                    line: template.uses.first { $0.name == name }?.line,
                    "“{{\(name)}}”在条件段之外使用，但申请编号“\(row.id)”的《\(p.kind)》没有这一项；请把它放进 {{#\(name)}}…{{/\(name)}} 中"))
            }
        }
        if problems.count > before { return }
        var base = LetterMaker.fileSafe("\(row.id)-\(p.kind)")
        if !usedNames.insert(base).inserted {
            var n = 2
            while !usedNames.insert("\(base)-\(n)").inserted { n += 1 }
            base = "\(base)-\(n)"
        }
        letters.append(GeneratedLetter(id: row.id, kind: p.kind, template: templateName, date: date, file: row.file,
                                       row: row.line, baseName: base,
                                       document: LetterDocument(rendered: template.render(ctx))))
    }

    /// The 救济途径 sentence: the appeal template filled from the dated appeal rules and the office's bodies.
    mutating func appealSentence(_ a: LuaTable, row: Row, kind: String) -> String? {
        guard let template = folder.templates[LetterVocabulary.appealTemplate] else {
            problems.append(Diagnostic(code: "letter-template-missing", file: folder.file(of: LetterVocabulary.appealTemplate),
                "找不到救济途径模板 \(LetterVocabulary.appealTemplate).mustache"))
            return nil
        }
        var bodies: [String] = []
        var ok = true
        for f in (a["bodies"].table?.array ?? []).compactMap(\.string) {
            if let v = office.value(f) { bodies.append(v) } else { missingOffice(f, purpose: "救济途径（rules/appeal.lua 的 bodies）"); ok = false }
        }
        var ctx: [String: Any] = [:]
        if !bodies.isEmpty { ctx["复议机关"] = bodies.joined(separator: "或者") }
        if let court = office.value("court") { ctx["管辖法院"] = court }
        if let name = office.value("name") { ctx["机关名称"] = name }
        if let d = a["review_days"].int { ctx["复议期限"] = "\(d)日" }
        if let m = a["litigation_months"].int { ctx["诉讼期限"] = "\(m)个月" }
        if let d = a["after_review_days"].int { ctx["复议后起诉期限"] = "\(d)日" }
        ctx["复议前置"] = a["review_first"].bool == true
        if let art = a["review_first_article"].string { ctx["复议前置依据"] = art }
        ctx["部分公开"] = row.outcome == "partial" && kind == "答复书"
        // 公开决定告知书 → 告知书: the sentence names the document the reader holds.
        ctx["文书"] = kind.hasSuffix("告知书") ? "告知书" : (kind.hasSuffix("通知书") ? "通知书" : kind)
        for name in template.required where ctx[name] == nil {
            if case .profile(let key)? = LetterVocabulary.source(name, appeal: true) {
                missingOffice(key, purpose: "救济途径模板的“{{\(name)}}”")
            }
            ok = false
        }
        guard ok else { return nil }
        let doc = LetterDocument(rendered: template.render(ctx))
        return doc.blocks.map(\.text).joined()
    }
}
