/// One block of a letter, in the order and roles of an official document (GB/T 9704): each maps
/// to one paragraph of the .docx and one or more lines of the text form.
public enum LetterBlock: Sendable, Equatable {
    /// 发文机关标志 or the letter's title (文种): centred.
    case title(String)
    /// 发文字号: centred under the title.
    case number(String)
    /// 主送机关 / the addressee, flush left, ending in “：”.
    case addressee(String)
    /// 正文: one paragraph, first line indented two characters.
    case paragraph(String)
    /// 发文机关署名: right, above the date, with room for the seal.
    case signature(String)
    /// 成文日期: right.
    case date(String)

    /// The template marker that starts a line of this kind (body paragraphs have none).
    static let markers: [(String, (String) -> LetterBlock)] = [
        ("【标题】", LetterBlock.title), ("【文号】", LetterBlock.number), ("【称谓】", LetterBlock.addressee),
        ("【落款】", LetterBlock.signature), ("【日期】", LetterBlock.date),
    ]

    public var text: String {
        switch self {
        case .title(let s), .number(let s), .addressee(let s), .paragraph(let s), .signature(let s), .date(let s): s
        }
    }
}

/// A rendered letter: its blocks, and how it is named.
public struct LetterDocument: Sendable, Equatable {
    public var blocks: [LetterBlock]

    /// Reads a rendered template: one block a line; a line that rendered empty (a paragraph whose
    /// condition did not apply) is dropped.
    public init(rendered: String) {
        var blocks: [LetterBlock] = []
        for raw in rendered.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(raw).trimmingCharacters(in: .whitespaces)
            if line.hasSuffix("\r") { line.removeLast() }
            var block: LetterBlock?
            for (marker, make) in LetterBlock.markers where line.hasPrefix(marker) {
                let rest = String(line.dropFirst(marker.count)).trimmingCharacters(in: .whitespaces)
                block = rest.isEmpty ? nil : make(Self.unescape(rest))
                line = ""
                break
            }
            if block == nil {
                // Body paragraphs: the officer may indent them in the template; the layout indents.
                let body = line.trimmingCharacters(in: CharacterSet(charactersIn: " \t\u{3000}"))
                if !body.isEmpty { block = .paragraph(Self.unescape(body)) }
            }
            if let block { blocks.append(block) }
        }
        self.blocks = blocks
    }

    public init(blocks: [LetterBlock]) { self.blocks = blocks }

    static func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: LetterTemplate.escapedBracket, with: "【")
    }

    /// GB/T 9704: 28 characters a line.
    static let lineWidth = 28

    /// The plain-text form: titles and number centred, body indented two characters, signature and
    /// date right-aligned (four characters from the edge) after two blank lines left for the seal.
    public var text: String {
        func width(_ s: String) -> Int {
            // Half-width characters (digits, Latin) take half a column.
            let half = s.unicodeScalars.filter { $0.value < 0x2E80 }.count
            return s.count - half + (half + 1) / 2
        }
        func pad(_ n: Int) -> String { String(repeating: "\u{3000}", count: max(0, n)) }
        var out = ""
        var previous: LetterBlock?
        for b in blocks {
            switch b {
            case .title(let s):
                out += pad((Self.lineWidth - width(s)) / 2) + s + "\n"
            case .number(let s):
                if case .title = previous { out += "\n" }
                out += pad((Self.lineWidth - width(s)) / 2) + s + "\n"
            case .addressee(let s):
                out += "\n" + s + "\n"
            case .paragraph(let s):
                if case .title = previous { out += "\n" } else if case .number = previous { out += "\n" }
                out += "\u{3000}\u{3000}" + s + "\n"
            case .signature(let s):
                out += "\n\n\n" + pad(Self.lineWidth - 4 - width(s)) + s + "\n"
            case .date(let s):
                if case .signature = previous {} else { out += "\n\n\n" }
                out += pad(Self.lineWidth - 4 - width(s)) + s + "\n"
            }
            previous = b
        }
        return out
    }
}

import Foundation
