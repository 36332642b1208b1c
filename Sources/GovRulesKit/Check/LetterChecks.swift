/// `check` for letters: every outcome a step can give has a 答复书 template, every template the
/// rules name exists and parses, every placeholder is known, and the office profile has every
/// field the templates and the appeal rules use.
///
/// | code | severity | what |
/// |---|---|---|
/// | `letters-outcome-no-reply` | error | an outcome a step gives has no entry in letters.lua `replies` |
/// | `letters-reply-unknown-outcome` | error | a reply entry for an outcome key outcomes.lua lacks |
/// | `letter-template-missing` | error | a template the rules name is not in the letters folder |
/// | `letter-template-syntax`, `letter-template-unsupported` | error | a template does not parse |
/// | `letter-placeholder-unknown` | error | a template uses a placeholder govrules does not fill |
/// | `office-*` | error | the office profile is missing, does not load, or lacks a field in use |
/// | `letters-folder-missing` | warning | the rules have letters but no letters folder was found |
enum LetterChecks {
    static func run(policy: Policy, rulesLabel: String, letters: String?) -> [Diagnostic] {
        guard let spec = policy.letters else { return [] }
        var out: [Diagnostic] = []
        let lettersFile = rulesLabel + "/letters.lua"
        var given = Set<String>()
        for s in policy.steps { given.formUnion(s.outcomes) }
        for o in policy.outcomes where given.contains(o.key) && spec.replyTemplates[o.key] == nil {
            out.append(Diagnostic(code: "letters-outcome-no-reply", file: lettersFile,
                "结果“\(o.key)”（\(o.label)）可由决定步骤给出，但 replies 中没有它的答复书（template）"))
        }
        let known = Set(policy.outcomes.map(\.key))
        for key in spec.replyTemplates.keys.sorted() where !known.contains(key) {
            out.append(Diagnostic(code: "letters-reply-unknown-outcome", file: lettersFile,
                "replies 中的“\(key)”不是 outcomes.lua 中的结果键；这份答复书永远不会被用到（是否拼错？）"))
        }
        let folder: LettersFolder
        do { folder = try LettersFolder.locate(letters) } catch {
            if letters != nil, let d = error as? Diagnostic { return out + [d] }
            return out + [Diagnostic(.warning, code: "letters-folder-missing",
                "规则中有文书规则（letters.lua），但找不到 letters/ 模板目录；未检查模板（可用 --letters 指定）")]
        }
        out += folder.problems
        let broken = Set(folder.problems.compactMap(\.file))
        var profileFieldsUsed: [String: String] = [:]   // field → where
        for name in spec.templateNames + [LetterVocabulary.appealTemplate] {
            guard let t = folder.templates[name] else {
                if !broken.contains(folder.file(of: name)) {
                    out.append(Diagnostic(code: "letter-template-missing", file: folder.file(of: name),
                        "规则要用模板 \(name).mustache，但 \(folder.label)/ 中没有它"))
                }
                continue
            }
            let isAppeal = name == LetterVocabulary.appealTemplate
            let vocabulary = isAppeal ? LetterVocabulary.appeal : LetterVocabulary.letter
            for u in t.uses {
                switch LetterVocabulary.source(u.name, appeal: isAppeal) {
                case nil:
                    out.append(Diagnostic(code: "letter-placeholder-unknown", file: t.file, line: u.line,
                        "占位符“{{\(u.name)}}”不是已知的项目；可用：\(vocabulary.map(\.name).joined(separator: "、"))"))
                case .profile(let key)?: profileFieldsUsed[key] = profileFieldsUsed[key] ?? "\(t.file) 的“{{\(u.name)}}”"
                case .computed?:
                    if u.name == "文号" { profileFieldsUsed["number_pattern"] = profileFieldsUsed["number_pattern"] ?? "\(t.file) 的“{{文号}}”" }
                case .column?: break
                }
            }
        }
        for f in spec.appealBodyFields { profileFieldsUsed[f] = profileFieldsUsed[f] ?? "救济途径（rules/appeal.lua 的 bodies）" }
        do {
            let office = try OfficeProfile.load(folder: folder.label)
            for (key, purpose) in profileFieldsUsed.sorted(by: { $0.key < $1.key }) where office.value(key) == nil {
                out.append(office.missing(key, for: purpose))
            }
        } catch let d as Diagnostic { out.append(d) } catch let l as DiagnosticList { out += l.diagnostics } catch {}
        return out
    }
}
