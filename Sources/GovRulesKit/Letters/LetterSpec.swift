/// What the rules say about letters, read once with the policy (rules/letters.lua): which
/// template each outcome's reply uses and the notices there are. What a letter decides and
/// cites is computed per row (see `PlannedLetter`); this is what `check` can know before.
public struct LetterSpec: Sendable {
    /// outcome key → the 答复书 template
    public var replyTemplates: [String: String]
    /// (kind, template) of each notice, in the rules' order
    public var notices: [(kind: String, template: String)]
    /// The office-profile fields the appeal rules may name (rules/appeal.lua `bodies`).
    public var appealBodyFields: [String]

    /// Every template the rules can name.
    public var templateNames: [String] {
        var seen = Set<String>(), out: [String] = []
        for t in notices.map(\.template) + replyTemplates.keys.sorted().map({ replyTemplates[$0]! }) where seen.insert(t).inserted {
            out.append(t)
        }
        return out
    }

    /// Letter kinds in the order the rules list them (the reply last).
    public var kinds: [String] {
        var seen = Set<String>(), out: [String] = []
        for k in notices.map(\.kind) + ["答复书"] where seen.insert(k).inserted { out.append(k) }
        return out
    }
}

extension PolicyDecoder {
    /// `policy.letters`, when the rules have it (rules without letters still classify).
    mutating func decodeLetters(_ v: LuaValue, file: String) -> LetterSpec? {
        guard let t = v.table else { return nil }
        var replies: [String: String] = [:]
        for (outcome, entry) in t["replies"].table?.fields ?? [:] {
            guard let template = entry.table?["template"].string else {
                fail("letters-spec", "letters.lua：结果“\(outcome)”的答复书没有写 template（模板名）", file: file); continue
            }
            replies[outcome] = template
        }
        var notices: [(String, String)] = []
        for (i, n) in (t["notices"].table?.array ?? []).enumerated() {
            guard let n = n.table, let kind = n["kind"].string, let template = n["template"].string else {
                fail("letters-spec", "letters.lua：notices 第\(i + 1)项缺少 kind 或 template", file: file); continue
            }
            notices.append((kind, template))
        }
        var bodies: [String] = []
        for b in t["appeal"].table?["bodies"].table?.array ?? [] {
            for f in b.table?["fields"].table?.array ?? [] { if let f = f.string, !bodies.contains(f) { bodies.append(f) } }
        }
        return LetterSpec(replyTemplates: replies, notices: notices.map { (kind: $0.0, template: $0.1) },
                          appealBodyFields: bodies)
    }
}
