/// A printed document, independent of the file format that carries it: paragraphs made of runs,
/// headings, tables with merged cells, page breaks, the page setup and the document's properties.
/// `DocxWriter` renders it as a Word .docx; the model knows nothing of Word.
///
/// The defaults lay out an official document (公文) per GB/T 9704-2012: A4, margins 37/26/35/28 mm
/// (type area 156 × 225 mm), 22 lines of 28.95 pt; title 2号 方正小标宋简体, body 3号 仿宋_GB2312 with
/// Times New Roman for digits and Latin letters, 一级标题 黑体, 二级标题 楷体_GB2312, page numbers
/// "— 1 —" in 4号 宋体, odd pages right and even pages left, each one character in (GB/T 9704 §7.5).
/// No font is embedded: the names are the ones every Chinese government PC has; where a font is
/// missing, the reader's substitution applies.
///
/// A reply letter (答复书), for example:
///
///     var doc = Document(properties: DocumentProperties(title: "政府信息公开申请答复书", creator: "云溪县人民政府办公室"))
///     doc.blocks = [
///         .paragraph(Paragraph("云溪县人民政府办公室", role: .title)),
///         .paragraph(Paragraph("政府信息公开申请答复书", role: .title)),
///         .paragraph(Paragraph("云政办公开〔2024〕41号", role: .documentNumber)),   // 文号, centred, then a blank line
///         .paragraph(Paragraph("张建国：", role: .addressee)),                      // 主送: flush left
///         .paragraph(Paragraph("本机关于2024年10月8日收到您提出的政府信息公开申请……")),  // body: 2-character indent
///         .paragraph(Paragraph("……", role: .body)),
///     ]
///     doc.blocks += Document.signatureBlock(agency: "云溪县人民政府办公室", date: "2024年10月30日")
///     let bytes = try DocxWriter.write(doc)                                      // deterministic .docx bytes
///
/// `signatureBlock` leaves three blank lines for the seal (印章) above the 成文日期, which sits
/// four characters in from the right with the agency's name centred over it (GB/T 9704 §7.3.5.1).
/// Runs carry emphasis (`Run("……", bold: true)`) or another typeface (`Run("附件：", typeface: .heiti)`);
/// everything else comes from the paragraph's role. A table lists, per row, the cells that start in
/// that row, as HTML does; `rowSpan` / `columnSpan` merge cells (the writer emits the continuation
/// cells Word needs). `Block.pageBreak` starts a new page.
public struct Document: Sendable, Equatable {
    public var properties: DocumentProperties
    public var page: PageSetup
    public var pageNumbers: PageNumbering
    public var blocks: [Block]

    public init(properties: DocumentProperties = DocumentProperties(), page: PageSetup = .officialA4,
                pageNumbers: PageNumbering = .outside, blocks: [Block] = []) {
        self.properties = properties
        self.page = page
        self.pageNumbers = pageNumbers
        self.blocks = blocks
    }

    public enum Block: Sendable, Equatable {
        case paragraph(Paragraph)
        case table(Table)
        case pageBreak
    }

    /// Where the page number goes (always as "— N —").
    public enum PageNumbering: Sendable, Equatable {
        case none
        /// Centred on every page.
        case centered
        /// GB/T 9704 §7.5: odd pages right, even pages left, one character in from the edge of the
        /// type area (for documents printed on both sides).
        case outside
    }

    /// The 发文机关署名 and 成文日期 with room for the seal above them (GB/T 9704 §7.3.5.1): a blank
    /// line after the body, `sealLines` blank lines, the agency centred over the date, the date four
    /// characters in from the right. Give the date in Chinese form (2024年10月30日).
    public static func signatureBlock(agency: String, date: String, sealLines: Int = 3) -> [Block] {
        let dateIndent = 4.0
        // Centre the agency's name over the date: both right-aligned, the shorter moved in by half
        // the difference. Digits are half-width, so they count half a character.
        let width: (String) -> Double = { $0.reduce(0) { $0 + ($1.isASCII ? 0.5 : 1) } }
        let agencyIndent = max(0, dateIndent + (width(date) - width(agency)) / 2)
        var blocks = [Block](repeating: .paragraph(Paragraph("", role: .body)), count: 1 + max(0, sealLines))
        blocks.append(.paragraph(Paragraph(agency, role: .signature, rightIndentCharacters: agencyIndent)))
        blocks.append(.paragraph(Paragraph(date, role: .signature, rightIndentCharacters: dateIndent)))
        return blocks
    }
}

/// What a document says about itself (docProps/core.xml and custom.xml in a .docx): shown by the
/// word processor's 属性 dialog, never printed.
public struct DocumentProperties: Sendable, Equatable {
    public var title: String
    public var subject: String
    /// The author (作者): the agency.
    public var creator: String
    public var keywords: String
    /// 备注.
    public var description: String
    /// W3C date-time (2025-01-10T00:00:00Z); nil leaves it out, so that the bytes do not depend on
    /// when the document was made.
    public var created: String?
    /// Named text properties in this order (自定义属性).
    public var custom: [(name: String, value: String)]

    public init(title: String = "", subject: String = "", creator: String = "", keywords: String = "",
                description: String = "", created: String? = nil, custom: [(name: String, value: String)] = []) {
        self.title = title
        self.subject = subject
        self.creator = creator
        self.keywords = keywords
        self.description = description
        self.created = created
        self.custom = custom
    }

    public static func == (a: DocumentProperties, b: DocumentProperties) -> Bool {
        a.title == b.title && a.subject == b.subject && a.creator == b.creator && a.keywords == b.keywords
            && a.description == b.description && a.created == b.created
            && a.custom.map(\.name) == b.custom.map(\.name) && a.custom.map(\.value) == b.custom.map(\.value)
    }
}

/// Page size and margins in millimetres.
public struct PageSetup: Sendable, Equatable {
    public var width: Double
    public var height: Double
    public var top: Double
    public var bottom: Double
    public var left: Double
    public var right: Double
    /// Distance from the bottom edge of the page to the bottom of the page-number line.
    public var footer: Double
    /// Body line pitch in points (exact line spacing).
    public var linePitch: Double

    public init(width: Double, height: Double, top: Double, bottom: Double, left: Double, right: Double,
                footer: Double, linePitch: Double) {
        self.width = width
        self.height = height
        self.top = top
        self.bottom = bottom
        self.left = left
        self.right = right
        self.footer = footer
        self.linePitch = linePitch
    }

    /// GB/T 9704-2012 §5.2: A4 (210 × 297 mm), 天头 37 mm, 订口 28 mm, type area 156 × 225 mm, so the
    /// bottom margin is 35 mm and the right 26 mm; 22 lines in 225 mm (28.95 pt). The page number's
    /// 一字线 sits 7 mm under the type area (§7.5): a 4号 line (≈ 5 mm) above 23 mm from the edge.
    public static let officialA4 = PageSetup(width: 210, height: 297, top: 37, bottom: 35, left: 28, right: 26,
                                             footer: 23, linePitch: 225.0 / 22 / 25.4 * 72)

    /// Width of the type area.
    public var textWidth: Double { width - left - right }
}

/// The typefaces of GB/T 9704, by their names on Chinese Windows. Digits and Latin letters are set in
/// Times New Roman beside every one of them except 宋体 (the page number is all 宋体).
public enum Typeface: String, Sendable, Equatable, CaseIterable {
    /// 标题 (方正小标宋简体).
    case xiaobiaosong = "方正小标宋简体"
    /// 正文.
    case fangsong = "仿宋_GB2312"
    /// 一级标题.
    case heiti = "黑体"
    /// 二级标题.
    case kaiti = "楷体_GB2312"
    /// 页码.
    case songti = "宋体"
}

/// Chinese type sizes (字号) in points.
public enum ChineseFontSize {
    public static let hao2 = 22.0    // 二号
    public static let hao3 = 16.0    // 三号
    public static let hao4 = 14.0    // 四号
    public static let xiao4 = 12.0   // 小四
    public static let hao5 = 10.5    // 五号
    public static let xiao5 = 9.0    // 小五
}

/// A run of text in one style. A line break in the text is a line break on the page.
public struct Run: Sendable, Equatable {
    public var text: String
    public var bold: Bool
    /// nil: the paragraph role's typeface.
    public var typeface: Typeface?
    /// Points; nil: the paragraph role's size.
    public var size: Double?

    public init(_ text: String, bold: Bool = false, typeface: Typeface? = nil, size: Double? = nil) {
        self.text = text
        self.bold = bold
        self.typeface = typeface
        self.size = size
    }
}

public struct Paragraph: Sendable, Equatable {
    /// What the paragraph is; it decides typeface, size, alignment and indent.
    public enum Role: String, Sendable, Equatable {
        /// 标题: 2号 小标宋, centred (a two-line title is two paragraphs).
        case title
        /// 发文字号 under the title: 3号 仿宋, centred, a blank line after it.
        case documentNumber
        /// 主送机关 / the addressee: flush left.
        case addressee
        /// 正文: 3号 仿宋, flush left (see DocxStyles.textAlignment), first line indented two characters.
        case body
        /// 一级标题 (一、): 3号 黑体, indented two characters.
        case heading1
        /// 二级标题 (（一）): 3号 楷体.
        case heading2
        /// 三级标题 (1.): 3号 仿宋 bold.
        case heading3
        /// 署名 and 成文日期: right-aligned (see `Document.signatureBlock`).
        case signature
        /// Text inside a table cell: the table's size, single-spaced, centred.
        case tableCell
        /// A note under a table: 仿宋 at the table's size, flush left.
        case note
    }

    public enum Alignment: String, Sendable, Equatable {
        case left, center, right, justified
    }

    public var runs: [Run]
    public var role: Role
    /// nil: the role's alignment.
    public var alignment: Alignment?
    /// In characters of the paragraph's size; nil: the role's (2 for body and headings, else 0).
    public var firstLineIndentCharacters: Double?
    public var rightIndentCharacters: Double
    /// Keep on the same page as the next paragraph (headings always do).
    public var keepWithNext: Bool

    public init(_ runs: [Run], role: Role = .body, alignment: Alignment? = nil, firstLineIndentCharacters: Double? = nil,
                rightIndentCharacters: Double = 0, keepWithNext: Bool = false) {
        self.runs = runs
        self.role = role
        self.alignment = alignment
        self.firstLineIndentCharacters = firstLineIndentCharacters
        self.rightIndentCharacters = rightIndentCharacters
        self.keepWithNext = keepWithNext
    }

    public init(_ text: String, role: Role = .body, alignment: Alignment? = nil, firstLineIndentCharacters: Double? = nil,
                rightIndentCharacters: Double = 0, keepWithNext: Bool = false) {
        self.init(text.isEmpty ? [] : [Run(text)], role: role, alignment: alignment,
                  firstLineIndentCharacters: firstLineIndentCharacters, rightIndentCharacters: rightIndentCharacters,
                  keepWithNext: keepWithNext)
    }

    /// The paragraph's text without styling.
    public var text: String { runs.map(\.text).joined() }
}

/// A table on the grid of `columnWidths`. Each row lists the cells that start in it, left to right;
/// a cell merged down from a row above takes no entry in the rows it covers.
public struct Table: Sendable, Equatable {
    /// Millimetres. When `fitToWidth`, they are scaled so that the table fills the type area, so
    /// proportions are enough.
    public var columnWidths: [Double]
    public var fitToWidth: Bool
    public var rows: [Row]
    /// The first rows are the column headers, repeated at the top of every page the table runs onto.
    public var headerRowCount: Int
    /// Points, for every cell.
    public var fontSize: Double
    /// false: no lines (a layout table, e.g. for a signature beside a seal).
    public var borders: Bool

    public init(columnWidths: [Double], rows: [Row], headerRowCount: Int = 0, fontSize: Double = ChineseFontSize.hao5,
                borders: Bool = true, fitToWidth: Bool = true) {
        self.columnWidths = columnWidths
        self.rows = rows
        self.headerRowCount = headerRowCount
        self.fontSize = fontSize
        self.borders = borders
        self.fitToWidth = fitToWidth
    }

    public struct Row: Sendable, Equatable {
        public var cells: [Cell]
        /// A row is never split across two pages.
        public var cantSplit: Bool
        /// Keep this row on the same page as the next one (a block's heading row with its rows).
        public var keepWithNext: Bool
        public init(_ cells: [Cell], cantSplit: Bool = true, keepWithNext: Bool = false) {
            self.cells = cells
            self.cantSplit = cantSplit
            self.keepWithNext = keepWithNext
        }
    }

    public struct Cell: Sendable, Equatable {
        public enum VerticalAlignment: String, Sendable, Equatable { case top, center, bottom }

        public var paragraphs: [Paragraph]
        public var rowSpan: Int
        public var columnSpan: Int
        public var verticalAlignment: VerticalAlignment

        public init(_ paragraphs: [Paragraph], rowSpan: Int = 1, columnSpan: Int = 1, verticalAlignment: VerticalAlignment = .center) {
            self.paragraphs = paragraphs
            self.rowSpan = max(1, rowSpan)
            self.columnSpan = max(1, columnSpan)
            self.verticalAlignment = verticalAlignment
        }

        /// A cell of one paragraph in the table's style.
        public init(_ text: String, bold: Bool = false, alignment: Paragraph.Alignment = .center, rowSpan: Int = 1, columnSpan: Int = 1) {
            self.init([Paragraph(text.isEmpty ? [] : [Run(text, bold: bold)], role: .tableCell, alignment: alignment)],
                      rowSpan: rowSpan, columnSpan: columnSpan)
        }

        public var text: String { paragraphs.map(\.text).joined(separator: "\n") }
    }

    /// Each row as the grid sees it: for every cell, its first column, with cells covered by a
    /// rowSpan from above listed as `.continued` so that each row fills the grid. Rows that overrun
    /// the grid are cut at its edge.
    public func placedRows() -> [[PlacedCell]] {
        let n = columnWidths.count
        var coveredUntil = [Int](repeating: 0, count: n)
        var coveringSpan = [Int](repeating: 1, count: n)
        var out: [[PlacedCell]] = []
        for (r, row) in rows.enumerated() {
            var line: [PlacedCell] = []
            var pending = row.cells[...]
            var c = 0
            while c < n {
                if coveredUntil[c] > r {
                    let span = min(coveringSpan[c], n - c)
                    line.append(PlacedCell(column: c, columnSpan: span, content: .continued))
                    c += span
                    continue
                }
                guard let cell = pending.first else { break }
                pending = pending.dropFirst()
                let span = min(cell.columnSpan, n - c)
                for k in c..<(c + span) {
                    coveredUntil[k] = r + cell.rowSpan
                    coveringSpan[k] = span
                }
                line.append(PlacedCell(column: c, columnSpan: span, content: cell.rowSpan > 1 ? .starts(cell) : .single(cell)))
                c += span
            }
            out.append(line)
        }
        return out
    }

    public struct PlacedCell: Sendable, Equatable {
        public enum Content: Sendable, Equatable {
            case single(Cell)
            /// The first row of a cell merged down.
            case starts(Cell)
            /// A grid position covered by a cell from a row above.
            case continued
        }
        public var column: Int
        public var columnSpan: Int
        public var content: Content
    }
}
