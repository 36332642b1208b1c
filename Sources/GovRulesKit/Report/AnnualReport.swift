import Foundation

/// The output formats of `govrules report`.
public enum ReportOutputKind: String, CaseIterable, Sendable {
    case md, txt, html, json, docx

    /// The formats `AnnualReport.render` gives as text (all but docx).
    public static let textKinds: [ReportOutputKind] = [.md, .txt, .html, .json]

    /// The format an output file's name asks for (report-2024.docx → docx), if any.
    public init?(fileName: String) {
        let ext = URL(fileURLWithPath: fileName).pathExtension.lowercased()
        switch ext {
        case "markdown": self = .md
        case "htm": self = .html
        default: self.init(rawValue: ext)
        }
    }
}

/// What a report was made from, printed in every output (JSON `provenance`, a footer elsewhere).
public struct ReportProvenance: Sendable, Equatable {
    public struct Input: Sendable, Equatable {
        public var path: String
        public var sha256: String
        public init(path: String, sha256: String) {
            self.path = path
            self.sha256 = sha256
        }
    }

    /// `rulesDigest(ofDirectory:)` of the rules folder; nil when no rules were used.
    public var rulesSHA256: String?
    /// The input files in the order given (ledgers, appeals, proactive, narrative, previous report).
    public var inputs: [Input]
    /// "govrules X.Y.Z"
    public var generatedBy: String

    public init(rulesSHA256: String?, inputs: [Input], generatedBy: String) {
        self.rulesSHA256 = rulesSHA256
        self.inputs = inputs
        self.generatedBy = generatedBy
    }

    /// Hashes the rules folder and each input file. Paths are recorded as given.
    public static func computing(rulesDirectory: String?, inputPaths: [String], generatedBy: String) throws -> ReportProvenance {
        ReportProvenance(
            rulesSHA256: try rulesDirectory.map { try rulesDigest(ofDirectory: $0) },
            inputs: try inputPaths.map { Input(path: $0, sha256: try sha256Hex(ofFile: $0)) },
            generatedBy: generatedBy)
    }
}

/// Everything the report of one year is made from. The CLI reads the files; this is the data.
public struct ReportRequest: Sendable {
    public var year: Int
    /// The agency's name, printed in the title (`{{agency}}`); nil leaves the title line out.
    public var agency: String?
    public var format: ReportFormat
    /// Must have been created with the same `year`.
    public var counter: ApplicationCounter
    public var appeals: [AppealCase]
    public var proactive: [ProactiveCell]
    /// nil: the prose sections are printed as （待撰写）, with a warning.
    public var narrative: Narrative?
    /// Last year's report (JSON) for the 上年结转 check.
    public var previous: PreviousReport?
    public var provenance: ReportProvenance
    /// Failed checks become warnings instead of errors.
    public var allowInconsistent: Bool

    public init(year: Int, agency: String? = nil, format: ReportFormat, counter: ApplicationCounter,
                appeals: [AppealCase] = [], proactive: [ProactiveCell] = [], narrative: Narrative? = nil,
                previous: PreviousReport? = nil, provenance: ReportProvenance, allowInconsistent: Bool = false) {
        self.year = year
        self.agency = agency
        self.format = format
        self.counter = counter
        self.appeals = appeals
        self.proactive = proactive
        self.narrative = narrative
        self.previous = previous
        self.provenance = provenance
        self.allowInconsistent = allowInconsistent
    }
}

/// A report ready to render. Rendering is pure: the same request gives byte-identical output.
public struct AnnualReport: Sendable {
    public let year: Int
    public let agency: String?
    public let format: ReportFormat
    public let applications: ApplicationTable
    public let appeals: AppealTable
    public let proactive: ProactiveFigures
    public let checks: [ReportCheck]
    public let provenance: ReportProvenance
    /// Problems that did not stop the report: missing narrative sections, table 二 cells printed as
    /// 0, failed checks under `allowInconsistent`.
    public let warnings: [Diagnostic]
    let document: ReportDocument

    /// A text format (`ReportOutputKind.textKinds`); docx is bytes: use `renderData`.
    /// The provenance (SHA-256s, version, checks) is metadata unless `showProvenance`: an HTML
    /// <meta>/comment, a Markdown comment, the JSON `provenance` key (always); txt has no place
    /// for metadata and leaves it out.
    public func render(_ kind: ReportOutputKind, showProvenance: Bool = false) -> String {
        switch kind {
        case .txt: return TextRenderer.render(self, showProvenance: showProvenance)
        case .md: return MarkdownRenderer.render(self, showProvenance: showProvenance)
        case .html: return HTMLRenderer.render(self, showProvenance: showProvenance)
        case .json: return JSONRenderer.render(self)
        case .docx: preconditionFailure("render(.docx): a .docx is binary; use renderData(.docx)")
        }
    }

    /// Any format as the bytes of its file.
    public func renderData(_ kind: ReportOutputKind, showProvenance: Bool = false) throws -> Data {
        switch kind {
        case .docx: return try DocxWriter.write(document(showProvenance: showProvenance))
        default: return Data(render(kind, showProvenance: showProvenance).utf8)
        }
    }

    /// The report as a format-neutral document (what the .docx is written from).
    public func document(showProvenance: Bool = false) -> Document {
        DocxRenderer.document(self, showProvenance: showProvenance)
    }
}

/// The laid-out report the text renderers walk.
struct ReportDocument: Sendable {
    enum Block: Sendable, Equatable {
        case paragraph(String)
        case subheading(String)
        /// （待撰写）: the narrative has no text for this section.
        case placeholder(String)
        case table(Grid)
    }

    struct Section: Sendable {
        var key: String
        var heading: String
        var blocks: [Block]
    }

    var title: [String]
    var preamble: [Block]
    var sections: [Section]
}

let reportPlaceholderText = "（待撰写）"

/// Counts, checks and lays out the report. Throws a `DiagnosticList` with every error found.
///
/// Typical use (the `report` command):
///
///     let format = try specPath.map { try ReportFormat.load(path: $0, validOutcomeKeys: keys) }
///         ?? ReportFormat.select(year: year, reportsDirectory: reportsDir, validOutcomeKeys: keys)
///     var counter = ApplicationCounter(year: year)
///     for row in ledger { counter.add(ReportApplication(applicantType: …, received: …, replied: …, outcome: …)) }
///     let report = try buildReport(ReportRequest(
///         year: year, agency: agency, format: format, counter: counter, appeals: cases, proactive: cells,
///         narrative: try narrativePath.map(Narrative.load), previous: try previousPath.map(PreviousReport.load),
///         provenance: try ReportProvenance.computing(rulesDirectory: rulesDir, inputPaths: inputs, generatedBy: "govrules X.Y.Z")))
///     report.warnings.forEach { print($0, to: &stderr) }
///     write(report.render(.html))
public func buildReport(_ request: ReportRequest) throws -> AnnualReport {
    var errors: [Diagnostic] = []
    var warnings: [Diagnostic] = []
    let format = request.format
    let formatFile = format.file.isEmpty ? nil : format.file
    let year = request.year

    if request.counter.year != year {
        errors.append(Diagnostic(code: "report-year-mismatch",
            "申请计数按 \(request.counter.year) 年度统计，而报告为 \(year) 年度。"))
    }
    if !format.applies(to: year) {
        warnings.append(Diagnostic(.warning, code: "report-format-year", file: formatFile,
            "格式 \(format.name) 适用于 \(format.yearRangeDescription) 年度的报告，而本报告为 \(year) 年度。"))
    }
    if !request.counter.invalidApplicantTypes.isEmpty {
        let types = Set(request.counter.invalidApplicantTypes).sorted().map(String.init).joined(separator: "、")
        errors.append(Diagnostic(code: "report-applicant-type-invalid",
            "\(request.counter.invalidApplicantTypes.count) 件申请的申请人类型编号无效（\(types)），应为 0–5。"))
    }

    let applications = ApplicationTable(format: format, counter: request.counter)
    var appeals = AppealTable.zero
    do {
        appeals = try AppealTable.count(request.appeals, year: year)
    } catch let list as DiagnosticList {
        errors += list.diagnostics
    }
    let proactive = ProactiveFigures.check(request.proactive, format: format)
    errors += proactive.errors
    warnings += proactive.warnings

    let activity = request.counter.activity
    let figures = FigureNames(year: year, agency: request.agency, format: format, applications: applications,
                              appeals: appeals, proactive: proactive.figures, activity: activity)
    if activity.feesPaidWithoutAmount > 0 {
        warnings.append(Diagnostic(.warning, code: "report-fee-amount-missing",
            "\(activity.feesPaidWithoutAmount) 件本年度已缴费的申请未填写“收费金额”，{{收费金额}} 未计入这些申请。"))
    }

    // Title: without an agency, the line that names it is left out.
    var title: [String] = []
    for line in format.reportTitle {
        if figures.value("agency") == nil, line.contains("{{agency}}") || line.contains("{{机关}}") { continue }
        var problems: [Diagnostic] = []
        let text = figures.substitute(line, file: format.file, line: 0, problems: &problems)
        errors += problems.map { var d = $0; d.file = formatFile; d.line = nil; return d }
        if !text.trimmingCharacters(in: .whitespaces).isEmpty { title.append(text) }
    }

    // Narrative.
    var narrativeErrors: [Diagnostic] = []
    func prose(_ blocks: [Narrative.Block], file: String) -> [ReportDocument.Block] {
        blocks.map { block in
            let lines = block.lines.map { figures.substitute($0.text, file: file, line: $0.number, problems: &narrativeErrors) }
            switch block.kind {
            case .paragraph: return .paragraph(Narrative.Block.join(lines))
            case .subheading: return .subheading(lines.joined())
            }
        }
    }
    var preamble: [ReportDocument.Block] = []
    var sectionText: [String: [ReportDocument.Block]] = [:]
    if let narrative = request.narrative {
        let file = narrative.file
        preamble = prose(narrative.preamble, file: file)
        for line in narrative.ignoredTitleLines {
            warnings.append(Diagnostic(.warning, code: "report-narrative-title-ignored", file: file, line: line,
                "一级标题（# …）不会印出：报告标题由格式生成。章节标题请用 ## 一、总体情况 这样的二级标题。"))
        }
        var matchedAt: [String: Int] = [:]
        for section in narrative.sections {
            guard let target = matchSection(section.heading, in: format.sections) else {
                narrativeErrors.append(Diagnostic(code: "report-narrative-unknown-section", file: file, line: section.line,
                    "叙述文件的章节标题“\(section.heading)”不对应报告的任何一节。可用：\(format.sections.map(\.heading).joined(separator: "、"))。"))
                continue
            }
            if let first = matchedAt[target.key] {
                narrativeErrors.append(Diagnostic(code: "report-narrative-duplicate-section", file: file, line: section.line,
                    "“\(target.heading)”一节在叙述文件中出现两次（第 \(first) 行已有）。"))
                continue
            }
            matchedAt[target.key] = section.line
            sectionText[target.key] = prose(section.blocks, file: file)
        }
    } else {
        warnings.append(Diagnostic(.warning, code: "report-narrative-missing",
            "未提供叙述文件：\(format.sections.filter { $0.content == .prose }.map(\.heading).joined(separator: "、")) 各节标为\(reportPlaceholderText)。"))
    }
    errors += narrativeErrors

    var sections: [ReportDocument.Section] = []
    for section in format.sections {
        var blocks: [ReportDocument.Block] = []
        switch section.content {
        case .proactiveTable: blocks.append(.table(Grid.proactive(format.proactive, figures: proactive.figures)))
        case .applicationsTable: blocks.append(.table(Grid.applications(format.applications, figures: applications)))
        case .appealsTable: blocks.append(.table(Grid.appeals(format.appeals, figures: appeals)))
        case .prose: break
        }
        let text = sectionText[section.key] ?? []
        blocks += text
        if section.content == .prose && text.isEmpty {
            blocks.append(.placeholder(reportPlaceholderText))
            if let narrative = request.narrative {
                warnings.append(Diagnostic(.warning, code: "report-narrative-section-missing", file: narrative.file,
                    "叙述文件没有“\(section.heading)”一节的内容，该节标为\(reportPlaceholderText)。"))
            }
        }
        sections.append(ReportDocument.Section(key: section.key, heading: section.heading, blocks: blocks))
    }

    let checks = ReportChecks.run(format: format, year: year, applications: applications, appeals: appeals,
                                  previous: request.previous)
    for check in checks where !check.ok {
        let d = Diagnostic(request.allowInconsistent ? .warning : .error, code: "report-check-failed",
                           file: check.name.hasPrefix("previous") ? request.previous?.file : nil,
                           "核对未通过（\(check.name)）：\(check.detail)。")
        if request.allowInconsistent { warnings.append(d) } else { errors.append(d) }
    }

    if !errors.isEmpty { throw DiagnosticList(errors) }
    return AnnualReport(
        year: year, agency: request.agency, format: format, applications: applications, appeals: appeals,
        proactive: proactive.figures, checks: checks, provenance: request.provenance, warnings: warnings,
        document: ReportDocument(title: title, preamble: preamble, sections: sections))
}

/// A narrative heading names a section by its exact heading, its number (一、), or its key.
private func matchSection(_ heading: String, in sections: [ReportFormat.Section]) -> ReportFormat.Section? {
    let h = normalizeLabel(heading)
    if let s = sections.first(where: { normalizeLabel($0.heading) == h || $0.key == heading }) { return s }
    guard let mark = h.firstIndex(of: "、") else { return nil }
    let number = h[...mark]
    return sections.first { normalizeLabel($0.heading).hasPrefix(number) }
}
