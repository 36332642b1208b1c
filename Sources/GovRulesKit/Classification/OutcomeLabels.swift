/// Reads the `decision` cell: an outcome key, or a row label of either report format written
/// any of the ways clerks write it: with or without its numbering (`1.`, `（三）`), straight or
/// curly quotes, with or without a parenthetical; 其他 / 其他处理 for other.other.
enum OutcomeLabels {
    static func table(_ outcomes: [OutcomeSpec]) -> [String: Int] {
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
        return t
    }

    static func match(_ text: String, _ table: [String: Int]) -> Int? {
        if let i = table[text.trimmed.lowercased()] { return i }
        return table[normalize(text)]
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
