import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The tables of a word/document.xml as Word sees them: rows of cells with their gridSpan, vMerge
/// and text. Written against the OOXML elements, not against DocxWriter's code.
final class DocxTableReader: NSObject, XMLParserDelegate {
    struct Cell: Equatable {
        var gridSpan = 1
        /// nil: not merged; "restart": the first cell of a vertical merge; "continue": merged from above.
        var vMerge: String?
        var text = ""
        var hasBorders = false
    }
    struct Row {
        var cells: [Cell] = []
        var isHeader = false
    }
    struct Table {
        var gridColumns: [Int] = []
        var rows: [Row] = []
    }

    private(set) var tables: [Table] = []
    /// Body paragraphs outside tables, in order.
    private(set) var paragraphs: [String] = []
    private var depth = 0
    private var stack: [Table] = []
    private var cell: Cell?
    private var inText = false
    private var paragraph = ""

    static func read(_ xml: Data) throws -> DocxTableReader {
        let reader = DocxTableReader()
        let parser = XMLParser(data: xml)
        parser.delegate = reader
        parser.shouldProcessNamespaces = false
        guard parser.parse() else { throw parser.parserError ?? NSError(domain: "docx", code: 1) }
        return reader
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch name {
        case "w:tbl": stack.append(Table())
        case "w:gridCol": stack[stack.count - 1].gridColumns.append(Int(attributes["w:w"] ?? "") ?? 0)
        case "w:tr": stack[stack.count - 1].rows.append(Row())
        case "w:tblHeader": stack[stack.count - 1].rows[stack[stack.count - 1].rows.count - 1].isHeader = true
        case "w:tc": cell = Cell()
        case "w:gridSpan": cell?.gridSpan = Int(attributes["w:val"] ?? "") ?? 1
        case "w:vMerge": cell?.vMerge = attributes["w:val"] ?? "continue"
        case "w:tcBorders": cell?.hasBorders = true
        case "w:t": inText = true
        case "w:p": paragraph = ""
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard inText else { return }
        if cell != nil { cell!.text += string } else { paragraph += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "w:t": inText = false
        case "w:tc":
            if let cell { stack[stack.count - 1].rows[stack[stack.count - 1].rows.count - 1].cells.append(cell) }
            cell = nil
        case "w:tbl": tables.append(stack.removeLast())
        case "w:p": if cell == nil && stack.isEmpty { paragraphs.append(paragraph) }
        default: break
        }
    }
}
