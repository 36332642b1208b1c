extension AnnualReport {
    /// The provenance footer printed under every human-readable report.
    var provenanceLines: [String] {
        var lines = ["本报告由 \(provenance.generatedBy) 生成；报告格式：\(format.name)（\(format.coverDocument.number)）。"]
        lines.append("规则目录 SHA-256：\(provenance.rulesSHA256 ?? "（未使用规则目录）")")
        for input in provenance.inputs {
            lines.append("输入文件 \(input.path) SHA-256：\(input.sha256)")
        }
        let failed = checks.filter { !$0.ok }
        if failed.isEmpty {
            lines.append("数据核对：\(checks.count) 项全部通过。")
        } else {
            lines.append("数据核对：\(checks.count) 项中 \(failed.count) 项未通过（\(failed.map(\.name).joined(separator: "、"))）。")
        }
        return lines
    }

    /// The report title on one line (for <title> and the Markdown heading).
    var titleText: String { document.title.joined() }

    /// The provenance as the text of an HTML/Markdown comment ("--" cannot appear in one).
    var provenanceComment: String {
        "<!--\n" + provenanceLines.map { $0.replacingOccurrences(of: "--", with: "- -") }.joined(separator: "\n") + "\n-->"
    }
}

/// Marks the start of the provenance footer in the plain-text report.
let provenanceRule = String(repeating: "-", count: 40)

/// Plain text as portals publish it (a word processor's text export): headings and paragraphs one
/// per line; each table row as its cells, one per line after a tab, then an empty line; a cell merged
/// down from the row above shows as an empty cell.
enum TextRenderer {
    static func render(_ report: AnnualReport, showProvenance: Bool) -> String {
        var out: [String] = report.document.title
        out.append("")
        for block in report.document.preamble { out += lines(block) }
        for section in report.document.sections {
            out.append(section.heading)
            for block in section.blocks { out += lines(block) }
        }
        if showProvenance {
            out.append("")
            out.append(provenanceRule)
            out += report.provenanceLines
        }
        return out.joined(separator: "\n") + "\n"
    }

    private static func lines(_ block: ReportDocument.Block) -> [String] {
        switch block {
        case .paragraph(let text), .subheading(let text), .placeholder(let text):
            return [text]
        case .table(let grid):
            var out: [String] = []
            for row in grid.slots() {
                out += row.map { "\t" + ($0?.text ?? "") }
                out.append("")
            }
            out.append("")
            return out
        }
    }
}

/// Markdown: headings and paragraphs in Markdown; the tables as HTML tables (Markdown tables
/// cannot merge cells, and the statutory layout needs merged cells).
enum MarkdownRenderer {
    static func render(_ report: AnnualReport, showProvenance: Bool) -> String {
        var out: [String] = ["# " + report.titleText, ""]
        for block in report.document.preamble { out += lines(block) }
        for section in report.document.sections {
            out += ["## " + section.heading, ""]
            for block in section.blocks { out += lines(block) }
        }
        if showProvenance {
            out += ["---", ""]
            out += report.provenanceLines.map { "<small>\(HTMLRenderer.escape($0))</small><br>" }
        } else {
            out.append(report.provenanceComment)
        }
        return out.joined(separator: "\n") + "\n"
    }

    private static func lines(_ block: ReportDocument.Block) -> [String] {
        switch block {
        case .paragraph(let text): return [text, ""]
        case .subheading(let text): return ["### " + text, ""]
        case .placeholder(let text): return ["*\(text)*", ""]
        case .table(let grid): return HTMLRenderer.table(grid, indent: "") + [""]
        }
    }
}

/// One self-contained HTML file: inline CSS, no scripts, no fonts or images from the network;
/// A4 pages when printed.
enum HTMLRenderer {
    static func render(_ report: AnnualReport, showProvenance: Bool) -> String {
        let p = report.provenance
        var out: [String] = [
            "<!DOCTYPE html>",
            "<html lang=\"zh-CN\">",
            "<head>",
            "<meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<meta name=\"generator\" content=\"\(escape(p.generatedBy))\">",
            "<meta name=\"govrules:format\" content=\"\(escape(report.format.name))\">",
            "<meta name=\"govrules:rules-sha256\" content=\"\(escape(p.rulesSHA256 ?? ""))\">",
        ]
        out += p.inputs.map { "<meta name=\"govrules:input\" content=\"\(escape($0.path)) \(escape($0.sha256))\">" }
        out += [
            report.provenanceComment,
            "<title>\(escape(report.titleText))</title>",
            "<style>",
            css,
            "</style>",
            "</head>",
            "<body>",
            "<article class=\"report\">",
            "<h1>" + report.document.title.map { "<span>\(escape($0))</span>" }.joined() + "</h1>",
        ]
        for block in report.document.preamble { out += lines(block) }
        for section in report.document.sections {
            out.append("<section class=\"\(escape(section.key))\">")
            out.append("<h2>\(escape(section.heading))</h2>")
            for block in section.blocks { out += lines(block) }
            out.append("</section>")
        }
        if showProvenance {
            out.append("<footer class=\"provenance\">")
            out += report.provenanceLines.map { "<p>\(escape($0))</p>" }
            out.append("</footer>")
        }
        out += ["</article>", "</body>", "</html>"]
        return out.joined(separator: "\n") + "\n"
    }

    private static func lines(_ block: ReportDocument.Block) -> [String] {
        switch block {
        case .paragraph(let text): return ["<p>\(escape(text))</p>"]
        case .subheading(let text): return ["<h3>\(escape(text))</h3>"]
        case .placeholder(let text): return ["<p class=\"placeholder\">\(escape(text))</p>"]
        case .table(let grid): return table(grid, indent: "")
        }
    }

    /// The table with its merged cells; header rows in <thead> so that they repeat on every printed page.
    static func table(_ grid: Grid, indent: String) -> [String] {
        var out = ["<table class=\"\(grid.kind)\">"]
        for (r, row) in grid.rows.enumerated() {
            if r == 0 && grid.headerRowCount > 0 { out.append("<thead>") }
            if r == grid.headerRowCount { out.append("<tbody>") }
            var line = "<tr>"
            for cell in row {
                let tag = cell.role == .number ? "td" : "th"
                var attrs = " class=\"\(cell.role.rawValue)"
                if cell.role == .label || cell.role == .group { attrs += " l\(cell.level)" }
                attrs += "\""
                if cell.rowspan > 1 { attrs += " rowspan=\"\(cell.rowspan)\"" }
                if cell.colspan > 1 { attrs += " colspan=\"\(cell.colspan)\"" }
                if cell.role == .label || cell.role == .group { attrs += " scope=\"row\"" }
                line += "<\(tag)\(attrs)>\(escape(cell.text))</\(tag)>"
            }
            out.append(line + "</tr>")
            if r == grid.headerRowCount - 1 { out.append("</thead>") }
        }
        out.append("</tbody>")
        out.append("</table>")
        return out.map { indent + $0 }
    }

    /// The same escaping as the .docx parts: & < > " and no control characters.
    static func escape(_ s: String) -> String { XMLText.escape(s) }

    static let css = """
    @page { size: A4; margin: 22mm 18mm 20mm 18mm; }
    html { background: #e8e8e8; }
    body { margin: 0; color: #000;
      font-family: "FangSong", "FangSong_GB2312", "STFangsong", "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "SimSun", serif;
      font-size: 12pt; line-height: 1.75; }
    .report { box-sizing: border-box; width: 210mm; min-height: 297mm; margin: 12px auto; padding: 22mm 18mm 20mm 18mm; background: #fff; box-shadow: 0 0 6px rgba(0,0,0,.25); }
    h1, h2, h3, th { font-family: "SimHei", "Heiti SC", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; }
    h1 { margin: 0 0 1.2em; text-align: center; font-size: 18pt; line-height: 1.5; font-weight: bold; }
    h1 span { display: block; }
    h2 { margin: 1.1em 0 .5em; font-size: 14pt; font-weight: bold; break-after: avoid; page-break-after: avoid; }
    h3 { margin: .6em 0 .3em; font-size: 12pt; font-weight: bold; text-indent: 2em; break-after: avoid; page-break-after: avoid; }
    p { margin: 0 0 .4em; text-indent: 2em; text-align: justify; orphans: 2; widows: 2; }
    p.placeholder { color: #888; }
    table { width: 100%; border-collapse: collapse; margin: .4em 0 1em; font-size: 10pt; line-height: 1.35; }
    th, td { border: 1px solid #000; padding: 3px 4px; vertical-align: middle; text-align: center; }
    th { font-weight: normal; }
    th.item { font-weight: bold; background: #f2f2f2; }
    th.header { font-weight: bold; }
    th.label { text-align: left; font-family: inherit; }
    th.group { font-family: inherit; }
    th.note { font-weight: normal; font-family: inherit; font-size: 9pt; text-align: left; }
    td.number { font-variant-numeric: tabular-nums; white-space: nowrap; }
    tr { break-inside: avoid; page-break-inside: avoid; }
    thead { display: table-header-group; }
    table.proactive th.label { width: 28%; }
    table.applications td.number { width: 7%; }
    table.applications th.group.l0 { width: 1.2em; padding: 4px 3px; writing-mode: vertical-rl; text-orientation: upright; letter-spacing: .15em; }
    table.appeals th.header, table.appeals td.number { width: 6.66%; }
    footer.provenance { margin-top: 2.5em; padding-top: .5em; border-top: 1px solid #999; color: #555; font-size: 8pt; line-height: 1.5; }
    footer.provenance p { text-indent: 0; margin: 0; word-break: break-all; }
    @media print {
      html { background: none; }
      .report { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; }
      table { font-size: 9.5pt; }
    }
    """
}
