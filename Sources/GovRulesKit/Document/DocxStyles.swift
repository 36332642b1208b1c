/// word/styles.xml: one paragraph style per `Paragraph.Role`, so that a clerk who edits the document
/// in Word or WPS finds 标题, 正文, 一级标题 … in the style list and keeps the layout.
enum DocxStyles {
    /// Per role: style id, display name, typeface, size, bold, alignment, first-line indent in
    /// characters, outline level, keep with next.
    struct RoleStyle {
        var id: String
        var name: String
        var typeface: Typeface
        var size: Double
        var bold = false
        var alignment: Paragraph.Alignment
        var firstLineIndent: Double = 0
        var outlineLevel: Int?
        var keepWithNext = false
        /// Points after the paragraph.
        var spaceAfter: Double = 0
        /// Exact line height in points; nil: single (table text).
        var exactLine: Double?
    }

    /// Text is set flush left, not justified: every ideograph is one em wide, so lines of Chinese
    /// end flush anyway, and LibreOffice (7.4) drops a line-final 、，。 from justified Chinese text
    /// where it would hang it into the margin. Word and WPS print both the same.
    static let textAlignment = Paragraph.Alignment.left

    static func style(_ role: Paragraph.Role, page: PageSetup) -> RoleStyle {
        let pitch = page.linePitch
        switch role {
        case .title:
            return RoleStyle(id: "Title", name: "Title", typeface: .xiaobiaosong, size: ChineseFontSize.hao2, alignment: .center,
                             keepWithNext: true, exactLine: pitch * 1.25)
        case .documentNumber:
            return RoleStyle(id: "DocumentNumber", name: "发文字号", typeface: .fangsong, size: ChineseFontSize.hao3, alignment: .center,
                             keepWithNext: true, spaceAfter: pitch, exactLine: pitch)
        case .addressee:
            return RoleStyle(id: "Addressee", name: "主送机关", typeface: .fangsong, size: ChineseFontSize.hao3, alignment: textAlignment,
                             exactLine: pitch)
        case .body:
            return RoleStyle(id: "Normal", name: "Normal", typeface: .fangsong, size: ChineseFontSize.hao3, alignment: textAlignment,
                             firstLineIndent: 2, exactLine: pitch)
        case .heading1:
            return RoleStyle(id: "Heading1", name: "heading 1", typeface: .heiti, size: ChineseFontSize.hao3, alignment: textAlignment,
                             firstLineIndent: 2, outlineLevel: 0, keepWithNext: true, exactLine: pitch)
        case .heading2:
            return RoleStyle(id: "Heading2", name: "heading 2", typeface: .kaiti, size: ChineseFontSize.hao3, alignment: textAlignment,
                             firstLineIndent: 2, outlineLevel: 1, keepWithNext: true, exactLine: pitch)
        case .heading3:
            return RoleStyle(id: "Heading3", name: "heading 3", typeface: .fangsong, size: ChineseFontSize.hao3, bold: true,
                             alignment: textAlignment, firstLineIndent: 2, outlineLevel: 2, keepWithNext: true, exactLine: pitch)
        case .signature:
            return RoleStyle(id: "Signature", name: "署名", typeface: .fangsong, size: ChineseFontSize.hao3, alignment: .right,
                             exactLine: pitch)
        case .tableCell:
            return RoleStyle(id: "TableText", name: "表格文字", typeface: .fangsong, size: ChineseFontSize.hao5, alignment: .center)
        case .note:
            return RoleStyle(id: "TableNote", name: "表注", typeface: .fangsong, size: ChineseFontSize.hao5, alignment: .left)
        }
    }

    static let roles: [Paragraph.Role] = [.body, .title, .documentNumber, .addressee, .heading1, .heading2, .heading3,
                                          .signature, .tableCell, .note]

    static func jc(_ a: Paragraph.Alignment) -> String {
        switch a {
        case .left: return "left"
        case .center: return "center"
        case .right: return "right"
        case .justified: return "both"
        }
    }

    /// w:rFonts: Times New Roman for digits and Latin beside the east-Asian face (宋体 stays 宋体).
    static func fonts(_ face: Typeface) -> String {
        let latin = face == .songti ? face.rawValue : "Times New Roman"
        return "<w:rFonts w:ascii=\"\(latin)\" w:hAnsi=\"\(latin)\" w:eastAsia=\"\(face.rawValue)\" w:cs=\"\(latin)\"/>"
    }

    static func size(_ points: Double) -> String {
        let half = Int((points * 2).rounded())
        return "<w:sz w:val=\"\(half)\"/><w:szCs w:val=\"\(half)\"/>"
    }

    static func xml(page: PageSetup) -> String {
        var x = XMLText.declaration
        x += "<w:styles xmlns:w=\"\(DocxWriter.wNamespace)\">"
        x += "<w:docDefaults><w:rPrDefault><w:rPr>" + fonts(.fangsong) + size(ChineseFontSize.hao3)
        x += "<w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault>"
        x += "<w:pPrDefault><w:pPr><w:widowControl/><w:spacing w:before=\"0\" w:after=\"0\"/></w:pPr></w:pPrDefault></w:docDefaults>"
        for role in roles {
            let s = style(role, page: page)
            x += "<w:style w:type=\"paragraph\" w:styleId=\"\(s.id)\"" + (role == .body ? " w:default=\"1\"" : "") + ">"
            x += "<w:name w:val=\"\(XMLText.escape(s.name))\"/>"
            if role != .body { x += "<w:basedOn w:val=\"Normal\"/>" }
            x += "<w:qFormat/><w:pPr>"
            if s.keepWithNext { x += "<w:keepNext/>" }
            let line = s.exactLine.map { "w:line=\"\(Twips.pt($0))\" w:lineRule=\"exact\"" } ?? "w:line=\"240\" w:lineRule=\"auto\""
            x += "<w:spacing w:before=\"0\" w:after=\"\(Twips.pt(s.spaceAfter))\" \(line)/>"
            x += indent(firstLine: s.firstLineIndent, right: 0, size: s.size)
            x += "<w:jc w:val=\"\(jc(s.alignment))\"/>"
            if let level = s.outlineLevel { x += "<w:outlineLvl w:val=\"\(level)\"/>" }
            x += "</w:pPr><w:rPr>" + fonts(s.typeface) + (s.bold ? "<w:b/><w:bCs/>" : "") + size(s.size) + "</w:rPr></w:style>"
        }
        x += "<w:style w:type=\"paragraph\" w:styleId=\"Footer\"><w:name w:val=\"footer\"/><w:basedOn w:val=\"Normal\"/>"
        x += "<w:pPr><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:firstLine=\"0\" w:firstLineChars=\"0\"/></w:pPr>"
        x += "<w:rPr>" + fonts(.songti) + size(ChineseFontSize.hao4) + "</w:rPr></w:style>"
        x += "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>"
        x += "<w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"57\" w:type=\"dxa\"/>"
        x += "<w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>"
        return x + "</w:styles>"
    }

    /// w:ind in characters (w:*Chars, hundredths, which Word and WPS use) and in twips at `size`
    /// (which LibreOffice uses).
    static func indent(firstLine: Double, right: Double, size: Double) -> String {
        var a = "<w:ind"
        if right > 0 {
            a += " w:right=\"\(Twips.pt(right * size))\" w:rightChars=\"\(Int((right * 100).rounded()))\""
        }
        a += " w:firstLine=\"\(Twips.pt(firstLine * size))\" w:firstLineChars=\"\(Int((firstLine * 100).rounded()))\""
        return a + "/>"
    }
}
