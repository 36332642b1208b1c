import Foundation

/// Renders a `Document` as a Word .docx (Office Open XML, transitional), byte for byte the same for
/// the same document: parts in a fixed order, fixed zip timestamps, no creation date unless the
/// document sets one, no random ids. Opens in Word, WPS and LibreOffice.
///
/// Parts: [Content_Types].xml, _rels/.rels, docProps/{core,app,custom}.xml, word/document.xml,
/// word/styles.xml, word/settings.xml, word/footer1.xml (odd or every page), word/footer2.xml
/// (even pages), word/_rels/document.xml.rels.
public enum DocxWriter {
    public static func write(_ document: Document) throws -> Data {
        try ZipPackage.write(parts(document).map { ($0.path, Data($0.xml.utf8)) })
    }

    /// The XML parts in package order (for tests that read them without unzipping).
    public static func parts(_ document: Document) -> [(path: String, xml: String)] {
        let footers = footerParts(document.pageNumbers)
        var parts: [(path: String, xml: String)] = [
            ("[Content_Types].xml", contentTypes(footerCount: footers.count, custom: !document.properties.custom.isEmpty)),
            ("_rels/.rels", packageRelationships(custom: !document.properties.custom.isEmpty)),
            ("docProps/core.xml", coreProperties(document.properties)),
            ("docProps/app.xml", appProperties()),
        ]
        if !document.properties.custom.isEmpty {
            parts.append(("docProps/custom.xml", customProperties(document.properties.custom)))
        }
        parts.append(("word/document.xml", DocxBody(document: document).xml(footers: footers.map(\.type))))
        parts.append(("word/styles.xml", DocxStyles.xml(page: document.page)))
        parts.append(("word/settings.xml", settings(evenAndOdd: document.pageNumbers == .outside)))
        for (i, footer) in footers.enumerated() {
            parts.append(("word/footer\(i + 1).xml", footer.xml))
        }
        parts.append(("word/_rels/document.xml.rels", documentRelationships(footerCount: footers.count)))
        return parts
    }

    // MARK: package plumbing

    static let wNamespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    static let rNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    private static func contentTypes(footerCount: Int, custom: Bool) -> String {
        var x = XMLText.declaration
        x += "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        x += "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        x += "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        x += "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
        x += "<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
        x += "<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>"
        for i in 0..<footerCount {
            x += "<Override PartName=\"/word/footer\(i + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>"
        }
        x += "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
        x += "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
        if custom {
            x += "<Override PartName=\"/docProps/custom.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.custom-properties+xml\"/>"
        }
        return x + "</Types>"
    }

    private static func packageRelationships(custom: Bool) -> String {
        var x = XMLText.declaration
        x += "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        x += "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>"
        x += "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
        x += "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>"
        if custom {
            x += "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties\" Target=\"docProps/custom.xml\"/>"
        }
        return x + "</Relationships>"
    }

    private static func documentRelationships(footerCount: Int) -> String {
        var x = XMLText.declaration
        x += "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        x += "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
        x += "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>"
        for i in 0..<footerCount {
            x += "<Relationship Id=\"rIdFooter\(i + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer\(i + 1).xml\"/>"
        }
        return x + "</Relationships>"
    }

    private static func coreProperties(_ p: DocumentProperties) -> String {
        var x = XMLText.declaration
        x += "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\""
        x += " xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\""
        x += " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
        func element(_ name: String, _ value: String) {
            if !value.isEmpty { x += "<\(name)>\(XMLText.escape(value))</\(name)>" }
        }
        element("dc:title", p.title)
        element("dc:subject", p.subject)
        element("dc:creator", p.creator)
        element("cp:keywords", p.keywords)
        element("dc:description", p.description)
        if let created = p.created {
            x += "<dcterms:created xsi:type=\"dcterms:W3CDTF\">\(XMLText.escape(created))</dcterms:created>"
        }
        return x + "</cp:coreProperties>"
    }

    private static func appProperties() -> String {
        XMLText.declaration
            + "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
            + "<Application>govrules</Application></Properties>"
    }

    private static func customProperties(_ custom: [(name: String, value: String)]) -> String {
        var x = XMLText.declaration
        x += "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties\""
        x += " xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">"
        for (i, p) in custom.enumerated() {
            // pid 0 and 1 are reserved; the fmtid is the one every custom property uses.
            x += "<property fmtid=\"{D5CDD505-2E9C-101B-9397-08002B2CF9AE}\" pid=\"\(i + 2)\" name=\"\(XMLText.escape(p.name))\">"
            x += "<vt:lpwstr>\(XMLText.escape(p.value))</vt:lpwstr></property>"
        }
        return x + "</Properties>"
    }

    private static func settings(evenAndOdd: Bool) -> String {
        var x = XMLText.declaration
        x += "<w:settings xmlns:w=\"\(wNamespace)\">"
        x += "<w:zoom w:percent=\"100\"/>"
        x += "<w:defaultTabStop w:val=\"420\"/>"
        if evenAndOdd { x += "<w:evenAndOddHeaders/>" }
        x += "<w:characterSpacingControl w:val=\"compressPunctuation\"/>"
        x += "<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>"
        return x + "</w:settings>"
    }

    // MARK: page numbers

    struct FooterPart {
        /// default (odd or every page) or even.
        var type: String
        var xml: String
    }

    /// "— N —" in 4号 宋体; for `.outside`, odd pages right and even pages left, one character in.
    private static func footerParts(_ numbering: Document.PageNumbering) -> [FooterPart] {
        func footer(alignment: String, indent: String) -> String {
            var x = XMLText.declaration
            x += "<w:ftr xmlns:w=\"\(wNamespace)\" xmlns:r=\"\(rNamespace)\"><w:p><w:pPr><w:pStyle w:val=\"Footer\"/>"
            x += indent + "<w:jc w:val=\"\(alignment)\"/></w:pPr>"
            x += "<w:r><w:t xml:space=\"preserve\">— </w:t></w:r>"
            x += "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
            x += "<w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>"
            x += "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>"
            x += "<w:r><w:t>1</w:t></w:r>"
            x += "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
            x += "<w:r><w:t xml:space=\"preserve\"> —</w:t></w:r>"
            return x + "</w:p></w:ftr>"
        }
        let oneCharacter = Int(ChineseFontSize.hao4 * 20)
        switch numbering {
        case .none: return []
        case .centered: return [FooterPart(type: "default", xml: footer(alignment: "center", indent: ""))]
        case .outside:
            return [
                FooterPart(type: "default", xml: footer(alignment: "right", indent: "<w:ind w:right=\"\(oneCharacter)\" w:rightChars=\"100\"/>")),
                FooterPart(type: "even", xml: footer(alignment: "left", indent: "<w:ind w:left=\"\(oneCharacter)\" w:leftChars=\"100\"/>")),
            ]
        }
    }
}

/// Twentieths of a point from millimetres and points.
enum Twips {
    static func mm(_ v: Double) -> Int { Int((v * 1440 / 25.4).rounded()) }
    static func pt(_ v: Double) -> Int { Int((v * 20).rounded()) }
}
