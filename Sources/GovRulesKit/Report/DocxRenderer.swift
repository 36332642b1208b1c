import Foundation

/// `report --format docx`: the report as a published official document (GB/T 9704-2012 layout, see
/// `Document`). Tables 二, 三 and 四 are the same grids the HTML prints, cell for cell; the
/// provenance goes into the document's properties (文件 → 属性), not onto the page, unless asked.
///
/// Table layout: portrait A4 with the tables in 五号 (10.5 pt). Table 三 has ten columns; with
/// the label columns at about half the width and the seven figure columns at 11 mm each, every
/// column, 总计 included, fits the 156 mm type area, so no landscape page breaks up the report. Its
/// leftmost group label (三、本年度办理结果) is one character wide and so runs down the column,
/// as in the published reports.
enum DocxRenderer {
    static func document(_ report: AnnualReport, showProvenance: Bool) -> Document {
        var doc = Document(properties: properties(report))
        var blocks: [Document.Block] = report.document.title.map { .paragraph(Paragraph($0, role: .title)) }
        // One empty line between the title and the text (GB/T 9704 §7.3.3).
        blocks.append(.paragraph(Paragraph("", role: .body)))
        for block in report.document.preamble { blocks += self.blocks(block) }
        for section in report.document.sections {
            blocks.append(.paragraph(Paragraph(section.heading, role: .heading1)))
            for block in section.blocks { blocks += self.blocks(block) }
        }
        if showProvenance {
            blocks.append(.paragraph(Paragraph("", role: .body)))
            blocks += report.provenanceLines.map { .paragraph(Paragraph($0, role: .note)) }
        }
        doc.blocks = blocks
        return doc
    }

    private static func blocks(_ block: ReportDocument.Block) -> [Document.Block] {
        switch block {
        case .paragraph(let text), .placeholder(let text): return [.paragraph(Paragraph(text))]
        case .subheading(let text): return [.paragraph(Paragraph(text, role: .heading2))]
        // A short gap under a table (a note-sized empty line), so the next heading does not sit on
        // the table's bottom border.
        case .table(let grid): return [.table(table(grid)), .paragraph(Paragraph("", role: .note))]
        }
    }

    /// The provenance, in the core properties and as named custom properties (one per input).
    static func properties(_ report: AnnualReport) -> DocumentProperties {
        let p = report.provenance
        var custom: [(name: String, value: String)] = [
            ("govrules.generated_by", p.generatedBy),
            ("govrules.format", "\(report.format.name)（\(report.format.coverDocument.number)）"),
            ("govrules.rules_sha256", p.rulesSHA256 ?? ""),
        ]
        for (i, input) in p.inputs.enumerated() {
            custom.append(("govrules.input.\(i + 1)", "\(input.path) SHA-256 \(input.sha256)"))
        }
        let failed = report.checks.filter { !$0.ok }.map(\.name)
        custom.append(("govrules.checks", failed.isEmpty ? "\(report.checks.count) 项全部通过" : "未通过：\(failed.joined(separator: "、"))"))
        return DocumentProperties(
            title: report.titleText,
            subject: "\(report.year)年政府信息公开工作年度报告",
            creator: report.agency ?? "",
            keywords: "政府信息公开;年度报告;\(report.format.coverDocument.number)",
            description: report.provenanceLines.joined(separator: "\n"),
            custom: custom)
    }

    /// Column proportions per table, from the HTML's: the label columns wide, the figures narrow.
    static func columnWidths(_ grid: Grid) -> [Double] {
        let n = grid.columnCount
        switch grid.kind {
        case "proactive":
            return [44] + [Double](repeating: (156 - 44) / Double(max(1, n - 1)), count: max(0, n - 1))
        case "applications":
            let figures = 7
            let labels = n - figures
            // 一字宽 for the leftmost group label, then the two label columns.
            let labelWidths: [Double] = labels == 3 ? [7, 28, 44] : [Double](repeating: 79 / Double(max(1, labels)), count: labels)
            return labelWidths + [Double](repeating: 11, count: figures)
        default:
            return [Double](repeating: 156 / Double(max(1, n)), count: n)
        }
    }

    /// Table 二's block heading and header rows stay with the block's rows, table 三's header rows
    /// with the first data row, and table 四 (four rows) stays whole.
    private static func keepsWithNext(_ grid: Grid, row r: Int) -> Bool {
        guard r < grid.rows.count - 1 else { return false }
        switch grid.kind {
        case "proactive":
            // Every row but a block's last: the next block starts with an item row.
            return grid.rows[r + 1].first?.role != .item
        case "appeals": return true
        default: return r < grid.headerRowCount
        }
    }

    static func table(_ grid: Grid) -> Table {
        let rows = grid.rows.enumerated().map { r, row in
            Table.Row(row.map { cell -> Table.Cell in
                var paragraph: Paragraph
                switch cell.role {
                case .note:
                    paragraph = Paragraph([Run(cell.text, size: ChineseFontSize.xiao5)], role: .tableCell, alignment: .left)
                case .header, .item:
                    paragraph = Paragraph([Run(cell.text, typeface: .heiti)], role: .tableCell)
                case .label:
                    paragraph = Paragraph(cell.text, role: .tableCell, alignment: .left)
                case .group, .number:
                    paragraph = Paragraph(cell.text, role: .tableCell)
                }
                if cell.text.isEmpty { paragraph.runs = [] }
                return Table.Cell([paragraph], rowSpan: cell.rowspan, columnSpan: cell.colspan)
            }, keepWithNext: keepsWithNext(grid, row: r))
        }
        return Table(columnWidths: columnWidths(grid), rows: rows, headerRowCount: grid.headerRowCount,
                     fontSize: ChineseFontSize.hao5)
    }
}
