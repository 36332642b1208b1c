/// Reads the `decision` cell: an outcome key, or a row label of either report format written
/// any of the ways clerks write it: with or without its numbering (`1.`, `（三）`), with or
/// without its group label in front, as a report's merged row header reads when copied
/// (`（三）不予公开3.危及“三安全一稳定”`, `不予公开-保护第三方合法权益`), cut short with an ellipsis
/// (`申请人逾期未按收费通知要求缴纳费用…`), straight or curly quotes, with or without a
/// parenthetical; 其他 / 其他处理 for other.other.
enum OutcomeLabels {
    /// The groups of table 三's 办理结果 rows, and the outcome keys each holds
    /// (shared/spec/decisions.md §1: the key's namespace is its group).
    static let groups: [(label: String, keys: (String) -> Bool)] = [
        ("予以公开", { $0 == "disclosed" }),
        ("部分公开", { $0 == "partial" }),
        ("不予公开", { $0.hasPrefix("withheld.") }),
        ("无法提供", { $0.hasPrefix("unavailable.") }),
        ("不予处理", { $0.hasPrefix("not_processed.") }),
        ("其他处理", { $0.hasPrefix("other.") }),
    ]

    /// Normalised label → outcome index, and the outcome keys (for the group check).
    struct Table {
        var index: [String: Int] = [:]
        var keys: [String] = []
        subscript(_ s: String) -> Int? { index[s] }
    }

    static func table(_ outcomes: [OutcomeSpec]) -> Table {
        var t: [String: Int] = [:]
        // 2019 labels first so that the 2021 labels (more specific) win where they coincide.
        for (i, o) in outcomes.enumerated() { if let l = o.label2019 { t[normalize(l)] = t[normalize(l)] ?? i } }
        if let other = outcomes.firstIndex(where: { $0.key == "other.other" }) {
            t[normalize("其他处理")] = other
            t[normalize("其他")] = other
        }
        for (i, o) in outcomes.enumerated() {
            t[normalize(o.label)] = i
            t[o.key.lowercased()] = i
        }
        return Table(index: t, keys: outcomes.map(\.key))
    }

    static func match(_ text: String, _ table: Table) -> Int? {
        if let i = table[text.trimmed.lowercased()] { return i }
        let n = normalize(text)
        if let i = label(n, table) { return i }
        // A group label in front: the rest must be one of that group's rows.
        for g in groups where n.hasPrefix(g.label) {
            let rest = normalize(String(n.dropFirst(g.label.count).drop { separators.contains($0) }))
            guard !rest.isEmpty, let i = label(rest, table) else { continue }
            return g.keys(table.keys[i]) ? i : nil
        }
        return nil
    }

    /// Between a group label and its item: `不予公开-保护…`, `不予公开：保护…`, `不予公开/保护…`.
    private static let separators = Set("-—－–:：/、·.．")
    private static let ellipses = ["……", "…", "..."]

    /// A normalised label, or the start of exactly one label followed by an ellipsis.
    private static func label(_ n: String, _ table: Table) -> Int? {
        if let i = table[n] { return i }
        guard let e = ellipses.first(where: { n.hasSuffix($0) }) else { return nil }
        let start = String(n.dropLast(e.count))
        guard start.count >= 4 else { return nil }
        let found = Set(table.index.filter { $0.key.hasPrefix(start) }.map(\.value))
        return found.count == 1 ? found.first : nil
    }

    /// Drops numbering, parentheticals, quotes and spaces.
    static func normalize(_ s: String) -> String {
        var t = HeaderText.normalize(s)
        // Leading numbering such as "(三)", "三、", "1.", "1、", possibly repeated: "(三)4.".
        let numerals = Set("一二三四五六七八九十0123456789")
        var changed = true
        while changed {
            changed = false
            t = String(t.drop(while: { $0 == " " }))
            if t.first == "(", let close = t.firstIndex(of: ")"),
               t[t.index(after: t.startIndex)..<close].allSatisfy({ numerals.contains($0) }) {
                t = String(t[t.index(after: close)...]); changed = true; continue
            }
            let digits = t.prefix(while: { numerals.contains($0) })
            if !digits.isEmpty {
                let rest = t.dropFirst(digits.count)
                if let sep = rest.first, ".、．".contains(sep) { t = String(rest.dropFirst()); changed = true }
            }
        }
        // Remove parentheticals and quotes and whitespace.
        var out = ""
        var depth = 0
        for ch in t {
            if ch == "(" { depth += 1; continue }
            if ch == ")" { depth = max(0, depth - 1); continue }
            if depth > 0 { continue }
            if "\"'“”‘’「」 ".contains(ch) { continue }
            out.append(ch)
        }
        return out
    }
}
