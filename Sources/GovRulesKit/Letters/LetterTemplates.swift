import Foundation
import Mustache

/// One place a template uses a placeholder.
public struct PlaceholderUse: Sendable, Equatable {
    public var name: String
    public var line: Int
    /// Inside a `{{#…}}` or `{{^…}}` section: printed only when that section applies, so an
    /// empty value is allowed. Outside every section, the value must be there.
    public var conditional: Bool
    public var isSection: Bool
}

/// A letter template: text with one paragraph a line, block markers (【标题】 and the others of
/// `LetterBlock`) and Mustache placeholders.
public struct LetterTemplate: Sendable {
    public let name: String
    public let file: String
    public let uses: [PlaceholderUse]
    let compiled: MustacheTemplate

    public func uses(_ name: String) -> Bool { uses.contains { $0.name == name } }
    /// Placeholders that must have a value (used outside every section).
    public var required: [String] {
        var seen = Set<String>()
        return uses.filter { !$0.conditional && !$0.isSection }.map(\.name).filter { seen.insert($0).inserted }
    }

    /// Values are plain text: no HTML escaping; a line break in a ledger cell becomes a space
    /// and a 【 cannot start a block marker of its own.
    struct LetterContent: MustacheContentType {
        func escapeText(_ text: String) -> String {
            var s = text.replacingOccurrences(of: "\r\n", with: " ")
            s = s.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
            return s.replacingOccurrences(of: "【", with: LetterTemplate.escapedBracket)
        }
    }
    static let escapedBracket = "\u{E000}"
    static let registered: Bool = {
        MustacheContentTypes.register(LetterContent(), named: "GOVRULES_LETTER")
        return true
    }()

    public init(name: String, file: String, text: String) throws {
        self.name = name
        self.file = file
        var problems: [Diagnostic] = []
        var rewritten = ""
        uses = Self.scan(text, file: file, problems: &problems, rewritten: &rewritten)
        if !problems.isEmpty { throw DiagnosticList(problems) }
        _ = Self.registered
        do {
            compiled = try MustacheTemplate(string: "{{% CONTENT_TYPE: GOVRULES_LETTER}}" + rewritten)
        } catch {
            throw Diagnostic(code: "letter-template-syntax", file: file, "模板无法解析：\(error)")
        }
    }

    func render(_ context: [String: Any]) -> String {
        compiled.render(Dictionary(context.map { (Self.key($0.key), $0.value) }, uniquingKeysWith: { a, _ in a }))
    }

    /// The Mustache library reads ASCII names only; the officer writes Chinese ones. Each name
    /// becomes `x` and its UTF-8 bytes in hex, in the template and in the values alike.
    static func key(_ name: String) -> String {
        "x" + name.utf8.map { String(format: "%02x", $0) }.joined()
    }

    /// The placeholders of a template, with their lines; unsupported Mustache tags are errors
    /// (partials, delimiter changes), since an officer's template must stay plain.
    static func scan(_ text: String, file: String, problems: inout [Diagnostic], rewritten: inout String) -> [PlaceholderUse] {
        var uses: [PlaceholderUse] = []
        var stack: [(String, Int)] = []
        let chars = Array(text.unicodeScalars)
        var i = 0, line = 1
        var copied = 0
        func emit(_ upTo: Int, _ tag: String) {
            rewritten += String(String.UnicodeScalarView(chars[copied..<upTo])) + tag
        }
        defer { rewritten += String(String.UnicodeScalarView(chars[min(copied, chars.count)...])) }
        func at(_ k: Int, _ c: Unicode.Scalar) -> Bool { k < chars.count && chars[k] == c }
        while i < chars.count {
            if chars[i] == "\n" { line += 1; i += 1; continue }
            guard at(i, "{"), at(i + 1, "{") else { i += 1; continue }
            let triple = at(i + 2, "{")
            let open = i + (triple ? 3 : 2)
            let closer = triple ? "}}}" : "}}"
            var j = open
            var found = false
            while j < chars.count {
                if String(String.UnicodeScalarView(chars[j..<min(chars.count, j + closer.unicodeScalars.count)])) == closer { found = true; break }
                j += 1
            }
            guard found else {
                problems.append(Diagnostic(code: "letter-template-syntax", file: file, line: line, "“{{”没有对应的“}}”"))
                break
            }
            var body = String(String.UnicodeScalarView(chars[open..<j]))
            let startLine = line
            line += body.filter { $0 == "\n" }.count
            let tagStart = i
            i = j + closer.unicodeScalars.count
            body = body.trimmingCharacters(in: .whitespaces)
            var kind: Character = " "
            if !triple, let f = body.first, "#^/!>&=%".contains(f) {
                kind = f
                body = String(body.dropFirst()).trimmingCharacters(in: .whitespaces)
            }
            switch kind {
            case "!": break
            case "#", "^", "/", "&": emit(tagStart, "{{\(kind)\(key(body))}}"); copied = i
            default: emit(tagStart, triple ? "{{{\(key(body))}}}" : "{{\(key(body))}}"); copied = i
            }
            switch kind {
            case "!": continue
            case ">", "=", "%":
                problems.append(Diagnostic(code: "letter-template-unsupported", file: file, line: startLine,
                    "模板不支持“{{\(kind)…}}”（引用其他模板、改分隔符、编译指令）；只用 {{占位符}}、{{#条件}}…{{/条件}} 和 {{^条件}}…{{/条件}}"))
            case "#", "^":
                uses.append(PlaceholderUse(name: body, line: startLine, conditional: !stack.isEmpty, isSection: true))
                stack.append((body, startLine))
            case "/":
                if let last = stack.last, last.0 == body { stack.removeLast() } else {
                    problems.append(Diagnostic(code: "letter-template-syntax", file: file, line: startLine,
                        "“{{/\(body)}}”没有对应的“{{#\(body)}}”或“{{^\(body)}}”"))
                }
            default:
                uses.append(PlaceholderUse(name: body, line: startLine, conditional: !stack.isEmpty, isSection: false))
            }
        }
        for (name, l) in stack {
            problems.append(Diagnostic(code: "letter-template-syntax", file: file, line: l, "“{{#\(name)}}”没有以“{{/\(name)}}”结束"))
        }
        return uses
    }
}

/// The letters folder: every template, and the office profile.
public struct LettersFolder: Sendable {
    public let label: String
    public let templates: [String: LetterTemplate]
    /// Templates that failed to load, with why (check lists them; a run that needs one fails).
    public let problems: [Diagnostic]

    /// Where to look when `--letters` is not given: `./letters`, then the installed copy.
    public static func locate(_ given: String?) throws -> LettersFolder {
        try LettersFolder(path: ResourceFolder.locate(given, name: "letters"))
    }

    public init(path: String) throws {
        var label = path
        while label.count > 1 && label.hasSuffix("/") { label.removeLast() }
        self.label = label
        let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".mustache") }.sorted()
        var templates: [String: LetterTemplate] = [:]
        var problems: [Diagnostic] = []
        for n in names {
            let file = label + "/" + n
            guard let data = FileManager.default.contents(atPath: path + "/" + n), data.count <= 1 << 20,
                  let text = String(data: data, encoding: .utf8) else {
                problems.append(Diagnostic(code: "letter-template-unreadable", file: file, "模板必须是不超过 1 MiB 的 UTF-8 文本"))
                continue
            }
            do {
                let name = String(n.dropLast(".mustache".count))
                templates[name] = try LetterTemplate(name: name, file: file, text: text)
            } catch let d as Diagnostic { problems.append(d) } catch let l as DiagnosticList { problems += l.diagnostics }
        }
        self.templates = templates
        self.problems = problems
    }

    public func file(of template: String) -> String { label + "/" + template + ".mustache" }
}
