/// word/document.xml: the blocks, then the section's page setup.
struct DocxBody {
    let document: Document

    func xml(footers: [String]) -> String {
        var x = XMLText.declaration
        x += "<w:document xmlns:w=\"\(DocxWriter.wNamespace)\" xmlns:r=\"\(DocxWriter.rNamespace)\"><w:body>"
        for block in document.blocks {
            switch block {
            case .paragraph(let p): x += paragraph(p, tableSize: nil)
            case .table(let t): x += table(t)
            case .pageBreak: x += "<w:p><w:pPr><w:spacing w:line=\"240\" w:lineRule=\"auto\"/></w:pPr><w:r><w:br w:type=\"page\"/></w:r></w:p>"
            }
        }
        // Word wants a paragraph after a table before the section ends.
        if case .table = document.blocks.last { x += "<w:p/>" }
        x += sectionProperties(footers: footers)
        return x + "</w:body></w:document>"
    }

    private func sectionProperties(footers: [String]) -> String {
        let p = document.page
        var x = "<w:sectPr>"
        for (i, type) in footers.enumerated() {
            x += "<w:footerReference w:type=\"\(type)\" r:id=\"rIdFooter\(i + 1)\"/>"
        }
        x += "<w:pgSz w:w=\"\(Twips.mm(p.width))\" w:h=\"\(Twips.mm(p.height))\"\(p.width > p.height ? " w:orient=\"landscape\"" : "")/>"
        x += "<w:pgMar w:top=\"\(Twips.mm(p.top))\" w:right=\"\(Twips.mm(p.right))\" w:bottom=\"\(Twips.mm(p.bottom))\""
        x += " w:left=\"\(Twips.mm(p.left))\" w:header=\"\(Twips.mm(15))\" w:footer=\"\(Twips.mm(p.footer))\" w:gutter=\"0\"/>"
        x += "<w:cols w:space=\"425\"/>"
        // No snapping to a text grid: lines are spaced exactly by the styles, and a grid would make
        // every table row a full body line high.
        x += "<w:docGrid w:linePitch=\"\(Twips.pt(p.linePitch))\"/>"
        return x + "</w:sectPr>"
    }

    /// `tableSize`: inside a table, the table's type size replaces the role's.
    private func paragraph(_ p: Paragraph, tableSize: Double?, keepWithNext: Bool = false) -> String {
        let style = DocxStyles.style(p.role, page: document.page)
        let size = tableSize ?? style.size
        var x = "<w:p><w:pPr><w:pStyle w:val=\"\(style.id)\"/>"
        if (p.keepWithNext || keepWithNext) && !style.keepWithNext { x += "<w:keepNext/>" }
        let firstLine = p.firstLineIndentCharacters ?? style.firstLineIndent
        if firstLine != style.firstLineIndent || p.rightIndentCharacters > 0 || tableSize != nil {
            x += DocxStyles.indent(firstLine: firstLine, right: p.rightIndentCharacters, size: size)
        }
        if let a = p.alignment, a != style.alignment { x += "<w:jc w:val=\"\(DocxStyles.jc(a))\"/>" }
        let sizeOverride = tableSize.map { $0 != style.size } ?? false
        if sizeOverride { x += "<w:rPr>" + DocxStyles.size(size) + "</w:rPr>" }
        x += "</w:pPr>"
        for run in p.runs {
            x += self.run(run, style: style, size: sizeOverride ? size : nil)
        }
        return x + "</w:p>"
    }

    private func run(_ r: Run, style: DocxStyles.RoleStyle, size: Double?) -> String {
        var props = ""
        if let face = r.typeface, face != style.typeface { props += DocxStyles.fonts(face) }
        if r.bold && !style.bold { props += "<w:b/><w:bCs/>" }
        if let s = r.size ?? size, s != style.size { props += DocxStyles.size(s) }
        var x = "<w:r>" + (props.isEmpty ? "" : "<w:rPr>\(props)</w:rPr>")
        var first = true
        for line in r.text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !first { x += "<w:br/>" }
            first = false
            var segment = true
            for piece in line.split(separator: "\t", omittingEmptySubsequences: false) {
                if !segment { x += "<w:tab/>" }
                segment = false
                if !piece.isEmpty { x += "<w:t xml:space=\"preserve\">\(XMLText.escape(String(piece)))</w:t>" }
            }
        }
        return x + "</w:r>"
    }

    private func table(_ t: Table) -> String {
        let total = Twips.mm(document.page.textWidth)
        let widths = gridWidths(t, total: total)
        let tableWidth = widths.reduce(0, +)
        let border = t.borders ? "w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"" : "w:val=\"nil\""
        var x = "<w:tbl><w:tblPr><w:tblW w:w=\"\(tableWidth)\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblBorders>"
        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] { x += "<w:\(side) \(border)/>" }
        x += "</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
        x += "<w:tblCellMar><w:left w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar>"
        x += "<w:tblLook w:val=\"0000\" w:firstRow=\"0\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr>"
        x += "<w:tblGrid>" + widths.map { "<w:gridCol w:w=\"\($0)\"/>" }.joined() + "</w:tblGrid>"
        // Borders on every cell as well as on the table: converters that drop table-level borders
        // (the HTML route did) keep the cell-level ones.
        let cellBorders = t.borders
            ? "<w:tcBorders>" + ["top", "left", "bottom", "right"].map { "<w:\($0) \(border)/>" }.joined() + "</w:tcBorders>"
            : ""
        for (r, row) in t.placedRows().enumerated() {
            x += "<w:tr>"
            let cantSplit = t.rows[r].cantSplit
            if cantSplit || r < t.headerRowCount {
                x += "<w:trPr>" + (cantSplit ? "<w:cantSplit/>" : "") + (r < t.headerRowCount ? "<w:tblHeader/>" : "") + "</w:trPr>"
            }
            for placed in row {
                let width = widths[placed.column..<(placed.column + placed.columnSpan)].reduce(0, +)
                var pr = "<w:tcW w:w=\"\(width)\" w:type=\"dxa\"/>"
                if placed.columnSpan > 1 { pr += "<w:gridSpan w:val=\"\(placed.columnSpan)\"/>" }
                let cell: Table.Cell?
                switch placed.content {
                case .single(let c): cell = c
                case .starts(let c): cell = c; pr += "<w:vMerge w:val=\"restart\"/>"
                case .continued: cell = nil; pr += "<w:vMerge/>"
                }
                pr += cellBorders
                pr += "<w:vAlign w:val=\"\(cell?.verticalAlignment.rawValue ?? "center")\"/>"
                x += "<w:tc><w:tcPr>\(pr)</w:tcPr>"
                // Word keeps a row with the next when its paragraphs keep with the next.
                let keep = t.rows[r].keepWithNext
                let paragraphs = cell?.paragraphs ?? []
                if paragraphs.isEmpty {
                    x += paragraph(Paragraph([], role: .tableCell), tableSize: t.fontSize, keepWithNext: keep)
                } else {
                    for p in paragraphs { x += paragraph(p, tableSize: t.fontSize, keepWithNext: keep) }
                }
                x += "</w:tc>"
            }
            x += "</w:tr>"
        }
        return x + "</w:tbl>"
    }

    /// Column widths in twips; scaled to the type area when the table fits to width (the last
    /// column takes the rounding).
    private func gridWidths(_ t: Table, total: Int) -> [Int] {
        let given = t.columnWidths.map { max(0, $0) }
        guard t.fitToWidth, !given.isEmpty else { return given.map { Twips.mm($0) } }
        let sum = given.reduce(0, +)
        guard sum > 0 else { return given.map { _ in total / given.count } }
        var widths = given.map { Int(($0 / sum * Double(total)).rounded(.down)) }
        widths[widths.count - 1] += total - widths.reduce(0, +)
        return widths
    }
}
