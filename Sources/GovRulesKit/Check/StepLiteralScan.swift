/// The static half of `govrules check` for steps: reads the text of a rule file that defines
/// decision steps and checks the ledger values the steps compare against.
///
/// What it looks at, and only that (precision over reach):
/// - the application parameter of every `decide = function(a)` and, one call at a time, the
///   parameter of each local function a step passes it to (`remaining_grounds(a)`);
/// - in those functions: `a.field` and `a["field"]`, and locals holding one (`local c = a.correction`)
///   for the rest of their block;
/// - `==` / `~=` between such a field and a string literal, in either order, when nothing binds
///   tighter around the operands (`a.x .. "y" == "z"` is skipped);
/// - `T[a.field]` where `T` is a local table built with a constructor in the same file: the
///   constructor's keys (`petition = …`, `["petition"] = …`);
/// - `a.field` where `field` is no ledger column (always nil) and the rules never assign it.
struct StepLiteralScan {
    let policy: Policy
    let path: String
    let tokens: [LuaToken]
    /// Step id by the line of its `decide` function.
    let stepsByLine: [Int: StepSpec]
    private var depth: [Int] = []
    private var functions: [Function] = []

    struct Function {
        var keyword: Int            // index of `function`
        var name: String?           // local/global name, for calls
        var field: String?          // `decide` in `decide = function`
        var params: [String]
        var bodyStart: Int          // first token after `)`
        var bodyEnd: Int            // index of the closing `end`
        var line: Int
    }

    init(policy: Policy, path: String, source: String, steps: [StepSpec]) {
        self.policy = policy
        self.path = path
        self.tokens = LuaLexer.tokenize(source)
        var byLine: [Int: StepSpec] = [:]
        for s in steps where s.file == path { byLine[s.line] = s }
        self.stepsByLine = byLine
        computeDepth()
        findFunctions()
    }

    private func tok(_ i: Int) -> LuaToken? { i >= 0 && i < tokens.count ? tokens[i] : nil }

    // MARK: Structure

    private static func opensBlock(_ t: LuaToken) -> Bool {
        t.kind == .keyword && (t.text == "function" || t.text == "if" || t.text == "do" || t.text == "repeat")
    }
    private static func closesBlock(_ t: LuaToken) -> Bool {
        t.kind == .keyword && (t.text == "end" || t.text == "until")
    }

    /// depth[i] = blocks open before token i.
    private mutating func computeDepth() {
        var d = 0
        depth = tokens.map { t in
            let here = d
            if Self.opensBlock(t) { d += 1 } else if Self.closesBlock(t) { d = max(d - 1, 0) }
            return here
        }
    }

    /// The index of the token closing the block opened at `open`.
    private func blockEnd(from open: Int) -> Int {
        var i = open + 1
        while i < tokens.count {
            if depth[i] <= depth[open] && Self.closesBlock(tokens[i]) { return i }
            i += 1
        }
        return tokens.count - 1
    }

    private mutating func findFunctions() {
        for (i, t) in tokens.enumerated() where t.isKeyword("function") {
            var j = i + 1
            var name: String?
            var field: String?
            if tok(j)?.kind == .name {
                var parts = [tokens[j].text]
                j += 1
                while let s = tok(j), s.isSymbol(".") || s.isSymbol(":"), tok(j + 1)?.kind == .name {
                    parts.append(tokens[j + 1].text); j += 2
                }
                if parts.count == 1 { name = parts[0] } else { field = parts.last }
            } else if tok(i - 1)?.isSymbol("=") == true, let n = tok(i - 2), n.kind == .name {
                if tok(i - 3)?.isSymbol(".") == true || tok(i - 3)?.isSymbol("{") == true
                    || tok(i - 3)?.isSymbol(",") == true || tok(i - 3)?.isSymbol(";") == true {
                    field = n.text
                } else {
                    name = n.text
                }
            }
            guard tok(j)?.isSymbol("(") == true else { continue }
            var params: [String] = []
            j += 1
            while let p = tok(j), !p.isSymbol(")") {
                if p.kind == .name { params.append(p.text) } else if p.isSymbol("...") { params.append("...") }
                j += 1
            }
            functions.append(Function(keyword: i, name: name, field: field, params: params,
                                      bodyStart: j + 1, bodyEnd: blockEnd(from: i), line: t.line))
        }
    }

    /// (function index, application parameter name) pairs.
    private func applicationFunctions() -> [(Int, String)] {
        var app: [Int: Set<String>] = [:]
        for (i, f) in functions.enumerated() where f.field == "decide" && !f.params.isEmpty {
            app[i, default: []].insert(f.params[0])
        }
        var changed = true
        var rounds = 0
        while changed && rounds < 10 {
            changed = false
            rounds += 1
            for (fi, names) in app {
                let f = functions[fi]
                for name in names {
                    for j in activeIndices(f, name: name) {
                        let t = tokens[j]
                        guard t.kind == .name, tok(j + 1)?.isSymbol("(") == true,
                              tok(j - 1)?.isSymbol(".") != true, tok(j - 1)?.isSymbol(":") != true,
                              tok(j - 1)?.isKeyword("function") != true else { continue }
                        guard let callee = functions.indices.last(where: { functions[$0].name == t.text && functions[$0].keyword < j })
                                ?? functions.firstIndex(where: { $0.name == t.text }) else { continue }
                        // Arguments at nesting depth 0.
                        var args: [[LuaToken]] = [[]]
                        var k = j + 2
                        var nest = 0
                        while let a = tok(k) {
                            if nest == 0 && a.isSymbol(")") { break }
                            if a.isSymbol("(") || a.isSymbol("{") || a.isSymbol("[") { nest += 1 }
                            if a.isSymbol(")") || a.isSymbol("}") || a.isSymbol("]") { nest -= 1 }
                            if nest == 0 && a.isSymbol(",") { args.append([]) } else { args[args.count - 1].append(a) }
                            k += 1
                        }
                        for (p, arg) in args.enumerated() where arg.count == 1 && arg[0].isName(name) {
                            let params = functions[callee].params
                            if p < params.count && params[p] != "..." && app[callee]?.contains(params[p]) != true {
                                app[callee, default: []].insert(params[p])
                                changed = true
                            }
                        }
                    }
                }
            }
        }
        return app.flatMap { fi, names in names.map { (fi, $0) } }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
    }

    /// Token indexes of `f`'s body where `name` still means the parameter: nested functions that
    /// redeclare it are skipped, and a `local name` / `for name` ends it.
    private func activeIndices(_ f: Function, name: String) -> [Int] {
        var out: [Int] = []
        var i = f.bodyStart
        while i < f.bodyEnd {
            let t = tokens[i]
            if t.isKeyword("function"), let nested = functions.first(where: { $0.keyword == i }), nested.params.contains(name) {
                i = nested.bodyEnd + 1
                continue
            }
            if (t.isKeyword("local") || t.isKeyword("for")) && declaresName(after: i, name) { break }
            out.append(i)
            i += 1
        }
        return out
    }

    /// Does the `local`/`for` at `i` declare `name` (in its name list)?
    private func declaresName(after i: Int, _ name: String) -> Bool {
        var j = i + 1
        if tok(j)?.isKeyword("function") == true { return tok(j + 1)?.isName(name) == true }
        while let t = tok(j) {
            if t.kind == .name { if t.text == name { return true } }
            else if !t.isSymbol(",") && !t.isSymbol("<") && !t.isSymbol(">") { return false }
            j += 1
        }
        return false
    }

    // MARK: Operands

    /// `a.f` or `a["f"]` starting at `i`: the field and the index of its last token.
    private func fieldAccess(at i: Int, app: String) -> (field: String, last: Int)? {
        guard let t = tok(i), t.isName(app), tok(i - 1)?.isSymbol(".") != true, tok(i - 1)?.isSymbol(":") != true else { return nil }
        if tok(i + 1)?.isSymbol(".") == true, let f = tok(i + 2), f.kind == .name { return (f.text, i + 2) }
        if tok(i + 1)?.isSymbol("[") == true, let f = tok(i + 2), f.kind == .string, tok(i + 3)?.isSymbol("]") == true {
            return (f.text, i + 3)
        }
        return nil
    }

    /// `a.f`, `a["f"]` or an alias ending at `i`: the field and the index of its first token.
    private func operandEnding(at i: Int, app: String, aliases: [String: String]) -> (field: String, first: Int)? {
        if let t = tok(i), t.kind == .name, tok(i - 1)?.isSymbol(".") == true, tok(i - 2)?.isName(app) == true,
           fieldAccess(at: i - 2, app: app)?.last == i {
            return (t.text, i - 2)
        }
        if tok(i)?.isSymbol("]") == true, fieldAccess(at: i - 3, app: app)?.last == i, let f = tok(i - 1) {
            return (f.text, i - 3)
        }
        if let t = tok(i), t.kind == .name, let field = aliases[t.text],
           tok(i - 1)?.isSymbol(".") != true, tok(i - 1)?.isSymbol(":") != true {
            return (field, i)
        }
        return nil
    }

    private func operandStarting(at i: Int, app: String, aliases: [String: String]) -> (field: String, last: Int)? {
        if let a = fieldAccess(at: i, app: app) { return a }
        if let t = tok(i), t.kind == .name, let field = aliases[t.text],
           tok(i - 1)?.isSymbol(".") != true, tok(i - 1)?.isSymbol(":") != true {
            return (field, i)
        }
        return nil
    }

    private static let leftBoundaryKeywords: Set<String> = ["if", "elseif", "return", "while", "until", "and", "or", "then", "do", "else", "in"]
    private static let leftBoundarySymbols: Set<String> = ["(", ",", "=", "{", "[", ";"]
    private static let rightStopSymbols: Set<String> = ["..", ".", ":", "[", "(", "{", "+", "-", "*", "/", "//", "%", "^",
                                                        "&", "|", "~", "<<", ">>", "#"]

    /// Nothing before token `i` binds tighter than `==`.
    private func leftBoundary(before i: Int) -> Bool {
        guard let t = tok(i - 1) else { return true }
        switch t.kind {
        case .keyword: return Self.leftBoundaryKeywords.contains(t.text)
        case .symbol: return Self.leftBoundarySymbols.contains(t.text)
        default: return false
        }
    }

    /// Nothing after token `i` binds tighter than `==`.
    private func rightBoundary(after i: Int) -> Bool {
        guard let t = tok(i + 1) else { return true }
        switch t.kind {
        case .symbol: return !Self.rightStopSymbols.contains(t.text)
        case .string, .number: return false
        case .keyword: return t.text != "not"
        case .name: return true
        }
    }

    // MARK: Checks

    func diagnostics() -> [Diagnostic] {
        var out: [Diagnostic] = []
        var seen = Set<String>()
        func emit(_ d: Diagnostic) {
            if seen.insert("\(d.line ?? 0)|\(d.code)|\(d.message)").inserted { out.append(d) }
        }
        let apps = applicationFunctions()
        // Fields the rules assign through the application (`a.note = …`) are theirs to read.
        var assigned = Set<String>()
        for (fi, app) in apps {
            for j in activeIndices(functions[fi], name: app) {
                if let a = fieldAccess(at: j, app: app), tok(a.last + 1)?.isSymbol("=") == true { assigned.insert(a.field) }
            }
        }
        for (fi, app) in apps {
            let f = functions[fi]
            let step = stepsByLine[f.line]
            let who = step.map { "步骤 \($0.id)（\($0.title)）" } ?? "规则"
            let active = activeIndices(f, name: app)
            let activeSet = Set(active)
            // Aliases: name → (field, scope end).
            var aliasScopes: [(name: String, field: String, from: Int, to: Int)] = []
            for j in active where tokens[j].isKeyword("local") {
                guard let n = tok(j + 1), n.kind == .name, tok(j + 2)?.isSymbol("=") == true,
                      let a = fieldAccess(at: j + 3, app: app), rightBoundary(after: a.last),
                      !(tok(a.last + 1).map { $0.kind == .symbol && ["==", "~=", "<", ">", "<=", ">=", ","].contains($0.text) } ?? false),
                      !(tok(a.last + 1).map { $0.isKeyword("and") || $0.isKeyword("or") } ?? false) else { continue }
                var to = f.bodyEnd
                var k = j + 1
                while k < f.bodyEnd {
                    if depth[k] < depth[j] { to = k; break }
                    if k > a.last, tokens[k].isName(n.text), tok(k + 1)?.isSymbol("=") == true, tok(k - 1)?.isSymbol(".") != true {
                        to = k; break
                    }
                    if k > a.last, tokens[k].isKeyword("local") || tokens[k].isKeyword("for"), declaresName(after: k, n.text) {
                        to = k; break
                    }
                    k += 1
                }
                aliasScopes.append((n.text, a.field, a.last + 1, to))
            }
            func aliases(at i: Int) -> [String: String] {
                var m: [String: String] = [:]
                for s in aliasScopes where i >= s.from && i < s.to { m[s.name] = s.field }
                return m
            }

            for j in active {
                let t = tokens[j]
                // Comparisons with a string literal.
                if t.kind == .symbol && (t.text == "==" || t.text == "~=") && activeSet.contains(j - 1) {
                    let al = aliases(at: j)
                    if let lit = tok(j + 1), lit.kind == .string, rightBoundary(after: j + 1),
                       let left = operandEnding(at: j - 1, app: app, aliases: al), leftBoundary(before: left.first) {
                        if let d = comparison(left.field, t.text, lit, who: who) { emit(d) }
                    } else if let lit = tok(j - 1), lit.kind == .string, leftBoundary(before: j - 1),
                              let right = operandStarting(at: j + 1, app: app, aliases: al), rightBoundary(after: right.last) {
                        if let d = comparison(right.field, t.text, lit, who: who) { emit(d) }
                    }
                }
                // T[a.field]
                if t.kind == .name, tok(j + 1)?.isSymbol("[") == true, tok(j - 1)?.isSymbol(".") != true,
                   tok(j - 1)?.isSymbol(":") != true, t.text != app {
                    let al = aliases(at: j)
                    if let op = operandStarting(at: j + 2, app: app, aliases: al), tok(op.last + 1)?.isSymbol("]") == true {
                        for d in tableKeys(table: t.text, before: j, field: op.field, who: who) { emit(d) }
                    }
                }
                // Fields that are no column.
                if let a = fieldAccess(at: j, app: app), policy.column(a.field) == nil, !assigned.contains(a.field) {
                    emit(unknownField(a.field, line: t.line, app: app, who: who))
                }
            }
        }
        return out
    }

    private func allowed(_ c: ColumnSpec) -> String {
        c.values.map { "\($0.en)（\($0.zh)）" }.joined(separator: "、")
    }

    private func suggestion(_ value: String, among candidates: [String]) -> String {
        let best = candidates.map { ($0, HeaderText.editDistance(value.lowercased(), $0.lowercased())) }
            .filter { $0.1 <= max(2, $0.0.count / 4) }.min { $0.1 < $1.1 }
        return best.map { "；是否想写 \($0.0)？" } ?? ""
    }

    private func comparison(_ field: String, _ op: String, _ literal: LuaToken, who: String) -> Diagnostic? {
        guard let c = policy.column(field) else { return nil }  // reported as an unknown field
        let written = "\(field) \(op) \"\(literal.text)\""
        let never = op == "==" ? "这个比较永远不成立" : "这个比较永远成立"
        switch c.type {
        case .enum:
            if c.values.contains(where: { $0.en == literal.text }) { return nil }
            var hint = suggestion(literal.text, among: c.values.map(\.en))
            if let zh = c.values.first(where: { $0.zh == literal.text }) {
                hint = "；规则里取值是英文键，应写 \"\(zh.en)\""
            }
            return Diagnostic(code: "step-enum-value", file: path, line: literal.line,
                "\(who)比较了 \(written)，但台账列 \(field)（\(c.header)）没有这个取值，\(never)；可用：\(allowed(c))\(hint)")
        case .list:
            return Diagnostic(code: "step-compare-type", file: path, line: literal.line,
                "\(who)比较了 \(written)，但台账列 \(field)（\(c.header)）是可填多项的列表（list），规则里它的值是取值的列表（表）或 nil，不会等于字符串，\(never)；请遍历列表查找取值")
        case .bool:
            return Diagnostic(code: "step-compare-type", file: path, line: literal.line,
                "\(who)比较了 \(written)，但台账列 \(field)（\(c.header)）是“是/否”列，规则里它的值是 true、false 或 nil，不会等于字符串，\(never)；请写 if a.\(field) then …")
        case .date, .integer:
            let kind = c.type == .date ? "日期列，规则里它的值是天数（整数）" : "整数列，规则里它的值是整数"
            return Diagnostic(code: "step-compare-type", file: path, line: literal.line,
                "\(who)比较了 \(written)，但台账列 \(field)（\(c.header)）是\(kind)或 nil，不会等于字符串，\(never)")
        case .outcome:
            let keys = policy.outcomes.map(\.key)
            if keys.contains(literal.text) { return nil }
            return Diagnostic(code: "step-enum-value", file: path, line: literal.line,
                "\(who)比较了 \(written)，但 \(literal.text) 不是 outcomes.lua 中的结论键，\(never)\(suggestion(literal.text, among: keys))")
        case .text:
            return nil
        }
    }

    /// Keys of the constructor of `local T = { … }` (the last one before `index`), checked
    /// against the values of `field` when it is an enum column.
    private func tableKeys(table: String, before index: Int, field: String, who: String) -> [Diagnostic] {
        guard let c = policy.column(field), c.type == .enum else { return [] }
        var open: Int?
        var i = index - 1
        while i >= 3 {
            if tokens[i].isSymbol("{"), tokens[i - 1].isSymbol("="), tokens[i - 2].isName(table), tokens[i - 3].isKeyword("local") {
                open = i; break
            }
            i -= 1
        }
        guard let start = open else { return [] }
        var out: [Diagnostic] = []
        var nest = 0
        var j = start
        let values = Set(c.values.map(\.en))
        func check(_ key: String, _ line: Int) {
            if values.contains(key) { return }
            var hint = suggestion(key, among: c.values.map(\.en))
            if let zh = c.values.first(where: { $0.zh == key }) { hint = "；规则里取值是英文键，应写 \(zh.en)" }
            out.append(Diagnostic(code: "step-enum-value", file: path, line: line,
                "\(who)用 \(field) 查表 \(table)，但表中的键 \"\(key)\" 不是台账列 \(field)（\(c.header)）的取值，这一项永远用不上；可用：\(allowed(c))\(hint)"))
        }
        while j < tokens.count {
            let t = tokens[j]
            if t.isSymbol("{") || t.isSymbol("(") || t.isSymbol("[") {
                if nest == 1 && t.isSymbol("["), let k = tok(j + 1), k.kind == .string,
                   tok(j + 2)?.isSymbol("]") == true, tok(j + 3)?.isSymbol("=") == true,
                   tok(j - 1).map({ $0.isSymbol("{") || $0.isSymbol(",") || $0.isSymbol(";") }) == true {
                    check(k.text, k.line)
                }
                nest += 1
            } else if t.isSymbol("}") || t.isSymbol(")") || t.isSymbol("]") {
                nest -= 1
                if nest == 0 { break }
            } else if nest == 1 && t.kind == .name && tok(j + 1)?.isSymbol("=") == true,
                      tok(j - 1).map({ $0.isSymbol("{") || $0.isSymbol(",") || $0.isSymbol(";") }) == true {
                check(t.text, t.line)
            }
            j += 1
        }
        return out
    }

    private func unknownField(_ field: String, line: Int, app: String, who: String) -> Diagnostic {
        let keys = policy.columns.map(\.key)
        let hint = suggestion(field, among: keys)
        return Diagnostic(code: "step-unknown-field", file: path, line: line,
            "\(who)读取了 \(app).\(field)，但台账没有列 \(field)，它永远是 nil\(hint.isEmpty ? "；台账的列见 ledger.lua" : hint)")
    }
}
