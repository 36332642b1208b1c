import Foundation

/// The prose of the report (sections 一, 五, 六 and an optional opening paragraph), written by the
/// office as a small Markdown file. The convention (documented in reports/README.md):
///
/// - Text before the first `## ` heading is the preamble, printed under the title.
/// - `## 一、总体情况` starts a section. A heading names the section by its number (`一、`), by
///   its full heading, or by its key (`overview`); the report prints the format's own heading.
/// - Paragraphs are separated by blank lines; the lines of one paragraph are joined.
/// - `### text` is a sub-heading inside a section.
/// - `{{name}}` inserts a computed figure, e.g. `{{新收.总计}}`, `{{year}}`. A figure must fit on one line.
/// - `<!-- … -->` on lines of their own are comments and are not printed.
/// - A `# title` line is ignored (the title comes from the format), with a warning.
public struct Narrative: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var text: String
        public var number: Int
    }

    public struct Block: Sendable, Equatable {
        public enum Kind: Sendable, Equatable { case paragraph, subheading }
        public var kind: Kind
        public var lines: [Line]
    }

    public struct Section: Sendable, Equatable {
        /// The heading as written, without `## `.
        public var heading: String
        public var line: Int
        public var blocks: [Block]
    }

    public var file: String
    public var preamble: [Block]
    public var sections: [Section]
    /// Lines of `# title` headings, which are not printed.
    public var ignoredTitleLines: [Int]

    public static func load(path: String) throws -> Narrative {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DiagnosticList([Diagnostic(code: "report-narrative-unreadable", file: path, "无法读取叙述文件。")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DiagnosticList([Diagnostic(code: "report-narrative-encoding", file: path, "叙述文件须为 UTF-8 编码。")])
        }
        return parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) -> Narrative {
        var narrative = Narrative(file: file, preamble: [], sections: [], ignoredTitleLines: [])
        var blocks: [Block] = []
        var paragraph: [Line] = []
        var current: (heading: String, line: Int)?
        var inComment = false

        func endParagraph() {
            if !paragraph.isEmpty { blocks.append(Block(kind: .paragraph, lines: paragraph)) }
            paragraph = []
        }
        func endSection() {
            endParagraph()
            if let current {
                narrative.sections.append(Section(heading: current.heading, line: current.line, blocks: blocks))
            } else {
                narrative.preamble = blocks
            }
            blocks = []
        }

        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        for (i, raw) in body.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = i + 1
            var line = String(raw)
            if line.hasSuffix("\r") { line.removeLast() }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if inComment {
                if trimmed.contains("-->") { inComment = false }
                continue
            }
            if trimmed.hasPrefix("<!--") {
                if !trimmed.contains("-->") { inComment = true }
                endParagraph()
                continue
            }
            if trimmed.isEmpty {
                endParagraph()
                continue
            }
            if let heading = headingText(trimmed, level: 2) {
                endSection()
                current = (heading, number)
            } else if let heading = headingText(trimmed, level: 3) {
                endParagraph()
                blocks.append(Block(kind: .subheading, lines: [Line(text: heading, number: number)]))
            } else if headingText(trimmed, level: 1) != nil {
                endParagraph()
                narrative.ignoredTitleLines.append(number)
            } else {
                paragraph.append(Line(text: trimmed, number: number))
            }
        }
        endSection()
        return narrative
    }

    /// `## text` → "text" for level 2 (exactly that many #'s, then a space).
    private static func headingText(_ line: String, level: Int) -> String? {
        let marks = String(repeating: "#", count: level)
        guard line.hasPrefix(marks + " ") || line == marks else { return nil }
        let rest = line.dropFirst(level)
        if rest.first == "#" { return nil }
        return rest.trimmingCharacters(in: .whitespaces)
    }
}

extension Narrative.Block {
    /// The lines of a paragraph joined: no space between Chinese lines, one between Latin words.
    static func join(_ parts: [String]) -> String {
        var out = ""
        for part in parts {
            if let last = out.unicodeScalars.last, let first = part.unicodeScalars.first,
               last.isASCII, first.isASCII, last.properties.isAlphabetic || ("0"..."9").contains(last),
               first.properties.isAlphabetic || ("0"..."9").contains(first) {
                out += " "
            }
            out += part
        }
        return out
    }
}
