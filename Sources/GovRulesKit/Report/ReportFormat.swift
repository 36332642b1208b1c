import Foundation

/// One statutory layout of the annual report (国办公开办函〔2019〕60号, 〔2021〕30号, …), read from a
/// JSON file in `reports/`. Everything the renderers print — headings, labels, merged cells, which
/// outcome keys a row counts — comes from here, so next year's format is a new file, not new code.
/// The schema is documented in reports/README.md.
public struct ReportFormat: Sendable, Equatable {
    public var name: String
    /// The format document itself, e.g. 《中华人民共和国政府信息公开工作年度报告格式（试行）》.
    public var title: String
    public var coverDocument: CoverDocument
    public var fromYear: Int
    /// nil: still in force.
    public var toYear: Int?
    /// Lines of the report's title; may use figures such as `{{agency}}` and `{{year}}`. A line that
    /// comes out empty (no agency given) is left out.
    public var reportTitle: [String]
    public var sections: [Section]
    public var proactive: ProactiveTable
    public var applications: ApplicationsTable
    public var appeals: AppealsTable
    /// Where the format was read from (for messages); empty for a format built in code.
    public var file: String = ""

    public struct CoverDocument: Codable, Sendable, Equatable {
        public var title: String
        public var number: String
    }

    public struct Section: Codable, Sendable, Equatable {
        public enum Content: String, Codable, Sendable {
            case prose
            case proactiveTable = "proactive_table"
            case applicationsTable = "applications_table"
            case appealsTable = "appeals_table"
        }
        /// Stable identifier (overview, proactive, applications, appeals, problems, other).
        public var key: String
        /// Exact heading text, e.g. 一、总体情况.
        public var heading: String
        public var content: Content
        /// For prose sections: what `report --narrative-skeleton` writes under the heading.
        public var skeleton: Skeleton?

        public init(key: String, heading: String, content: Content, skeleton: Skeleton? = nil) {
            self.key = key
            self.heading = heading
            self.content = content
            self.skeleton = skeleton
        }
    }

    /// A starting text for a prose section: a hint (printed as a comment), paragraphs (figures as
    /// `{{name}}`), and the sub-points the format expects, each with its own hint and paragraphs.
    public struct Skeleton: Codable, Sendable, Equatable {
        public var hint: String?
        public var text: [String]?
        public var points: [Point]?

        public struct Point: Codable, Sendable, Equatable {
            /// The sub-heading, e.g. （一）主动公开.
            public var heading: String
            public var hint: String?
            public var text: [String]?
        }
    }

    // MARK: table 二

    public struct ProactiveTable: Codable, Sendable, Equatable {
        /// The header of the first column of every block (信息内容).
        public var rowHeader: String
        public var blocks: [Block]

        public struct Block: Codable, Sendable, Equatable {
            /// Block header, e.g. 第二十条第（一）项.
            public var item: String
            public var columns: [Column]
            public var rows: [String]
        }

        public struct Column: Codable, Sendable, Equatable {
            public var label: String
            public var value: ValueKind
            /// For `amount`: the units accepted after the number, e.g. ["元"].
            public var units: [String]?
        }

        public enum ValueKind: String, Codable, Sendable {
            /// 0, 1, 2, …
            case integer
            /// may be negative, e.g. 本年增/减
            case signedInteger = "signed_integer"
            /// a number followed by one of `units`, e.g. 251000元
            case amount
            /// a non-negative decimal number, e.g. 本年收费金额（单位：万元）
            case decimal
        }

        enum CodingKeys: String, CodingKey {
            case rowHeader = "row_header"
            case blocks
        }

        /// Widest block: the table has one label column plus this many value columns.
        public var valueColumnCount: Int { blocks.map(\.columns.count).max() ?? 0 }
    }

    // MARK: table 三

    public struct ApplicationsTable: Codable, Sendable, Equatable {
        /// The 勾稽关系 note in the top-left header cell, verbatim.
        public var note: String
        /// 申请人情况: spans every value column.
        public var applicantHeader: String
        /// The value columns in order: the six applicant types and `total`.
        public var columns: [Column]
        public var rows: [Row]

        public struct Column: Codable, Sendable, Equatable {
            /// natural_person, business, research, nonprofit, legal_service, other_org or total.
            public var key: String
            public var label: String
            /// Columns next to each other with the same group share a header cell above them
            /// (法人或其他组织); a column without a group spans both header rows.
            public var group: String?
        }

        public struct Row: Codable, Sendable, Equatable {
            /// The key of the row in the JSON output: an outcome key, `other`, or new / carried_over /
            /// total / carried_forward.
            public var key: String
            /// The label cells from left to right. Consecutive rows sharing their first labels are
            /// merged (rowspan); a row with fewer labels than the deepest row stretches its last label
            /// (colspan).
            public var labels: [String]
            /// The outcome keys this row counts. Exactly one of `counts` and `figure`.
            public var counts: [String]?
            public var figure: Figure?
            /// Extra names for the row in narrative figures, e.g. 新收 for `{{新收.总计}}`.
            public var aliases: [String]?
        }

        public enum Figure: String, Codable, Sendable {
            case new
            case carriedOver = "carried_over"
            case closedTotal = "closed_total"
            case carriedForward = "carried_forward"
        }

        enum CodingKeys: String, CodingKey {
            case note
            case applicantHeader = "applicant_header"
            case columns, rows
        }

        /// Deepest label path: the number of label columns (3 in both official formats).
        public var labelDepth: Int { rows.map(\.labels.count).max() ?? 1 }
    }

    // MARK: table 四

    public struct AppealsTable: Codable, Sendable, Equatable {
        /// The blocks in order: review, litigation_direct, litigation_after_review.
        public var blocks: [Block]
        /// The columns of every block: upheld, corrected, other, pending, total.
        public var columns: [Column]

        public struct Block: Codable, Sendable, Equatable {
            public var key: String
            public var label: String
            /// Blocks next to each other with the same group share a header cell (行政诉讼).
            public var group: String?
        }

        public struct Column: Codable, Sendable, Equatable {
            public var key: String
            public var label: String
        }
    }

    /// Every outcome key the format counts, in row order.
    public var countedOutcomeKeys: [String] {
        applications.rows.flatMap { $0.counts ?? [] }
    }

    /// Which of the policy's outcome keys the format counts, and which it has no row for
    /// (for `govrules check`: an application with a missing key could not be reported).
    public func coverage(validOutcomeKeys: [String]) -> OutcomeCoverage {
        let counted = countedOutcomeKeys
        let countedSet = Set(counted)
        let validSet = Set(validOutcomeKeys)
        return OutcomeCoverage(
            format: name,
            counted: counted,
            missing: validOutcomeKeys.filter { !countedSet.contains($0) },
            unknown: counted.filter { !validSet.contains($0) })
    }

    /// Does this format apply to reports of `year`?
    public func applies(to year: Int) -> Bool {
        year >= fromYear && (toYear.map { year <= $0 } ?? true)
    }

    /// "2019–2020" or "2021 起".
    public var yearRangeDescription: String {
        if let toYear { return toYear == fromYear ? "\(fromYear)" : "\(fromYear)–\(toYear)" }
        return "\(fromYear) 起"
    }
}

public struct OutcomeCoverage: Sendable, Equatable {
    public var format: String
    /// Outcome keys the format counts, in row order.
    public var counted: [String]
    /// Valid outcome keys that no row counts.
    public var missing: [String]
    /// Keys a row counts that are not valid outcome keys (always empty for a format that loaded).
    public var unknown: [String]
}

/// The six applicant types in the order of `ReportApplication.applicantType`, and the 总计 column.
public enum ApplicantColumn {
    public static let applicantKeys = ["natural_person", "business", "research", "nonprofit", "legal_service", "other_org"]
    public static let totalKey = "total"
    public static let allKeys = applicantKeys + [totalKey]
}

/// Keys of table 四.
public enum AppealColumn {
    public static let blockKeys = ["review", "litigation_direct", "litigation_after_review"]
    public static let columnKeys = ["upheld", "corrected", "other", "pending", "total"]
}

// MARK: - Decoding

extension ReportFormat: Codable {
    enum CodingKeys: String, CodingKey {
        case name, title
        case coverDocument = "cover_document"
        case fromYear = "from_year"
        case toYear = "to_year"
        case reportTitle = "report_title"
        case sections
        case proactive = "proactive_table"
        case applications = "applications_table"
        case appeals = "appeals_table"
    }
}

extension ReportFormat {
    /// Reads and validates a format file. Every problem is reported at once (a `DiagnosticList`),
    /// each naming the file and, where it can be found, the line.
    public static func load(path: String, validOutcomeKeys: [String]) throws -> ReportFormat {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DiagnosticList([Diagnostic(code: "report-format-unreadable", file: path, "无法读取报告格式文件。")])
        }
        return try parse(data, file: path, validOutcomeKeys: validOutcomeKeys)
    }

    /// Parses and validates a format from JSON bytes; `file` is used in messages.
    public static func parse(_ data: Data, file: String, validOutcomeKeys: [String]) throws -> ReportFormat {
        let text = String(decoding: data, as: UTF8.self)
        var format: ReportFormat
        do {
            format = try JSONDecoder().decode(ReportFormat.self, from: data)
        } catch let error as DecodingError {
            throw DiagnosticList([decodingDiagnostic(error, file: file, text: text)])
        } catch {
            throw DiagnosticList([Diagnostic(code: "report-format-malformed", file: file,
                                             "报告格式文件不是有效的 JSON：\(error.localizedDescription)")])
        }
        format.file = file
        let problems = format.validate(validOutcomeKeys: validOutcomeKeys, text: text)
        if !problems.isEmpty { throw DiagnosticList(problems) }
        return format
    }

    /// The format for reports of `year`: the one file in `directory` whose year range contains it.
    public static func select(year: Int, reportsDirectory directory: String, validOutcomeKeys: [String]) throws -> ReportFormat {
        let formats = try loadAll(reportsDirectory: directory, validOutcomeKeys: validOutcomeKeys)
        let matching = formats.filter { $0.applies(to: year) }
        if matching.count == 1 { return matching[0] }
        let available = formats.map { "\(URL(fileURLWithPath: $0.file).lastPathComponent)（\($0.name)，\($0.yearRangeDescription)）" }
            .joined(separator: "、")
        if matching.isEmpty {
            throw DiagnosticList([Diagnostic(code: "report-format-none-for-year", file: directory,
                "没有适用于 \(year) 年度报告的格式文件。已有：\(available.isEmpty ? "无" : available)。可用 --format-spec 指定格式文件。")])
        }
        let names = matching.map { URL(fileURLWithPath: $0.file).lastPathComponent }.joined(separator: "、")
        throw DiagnosticList([Diagnostic(code: "report-format-ambiguous", file: directory,
            "有多个格式文件适用于 \(year) 年度报告：\(names)。请调整其 from_year/to_year，使年度范围不重叠。")])
    }

    /// Every `*.json` format file in `directory`, sorted by file name. Problems in any file are all
    /// reported together.
    public static func loadAll(reportsDirectory directory: String, validOutcomeKeys: [String]) throws -> [ReportFormat] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw DiagnosticList([Diagnostic(code: "report-format-dir-unreadable", file: directory, "无法读取报告格式目录。")])
        }
        var formats: [ReportFormat] = []
        var problems: [Diagnostic] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
            do {
                formats.append(try load(path: path, validOutcomeKeys: validOutcomeKeys))
            } catch let list as DiagnosticList {
                problems += list.diagnostics
            }
        }
        var seen: [String: String] = [:]
        for f in formats {
            if let other = seen[f.name] {
                problems.append(Diagnostic(code: "report-format-duplicate-name", file: f.file,
                                           "格式名称 \(f.name) 与 \(other) 重复。"))
            }
            seen[f.name] = f.file
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
        return formats
    }

    private static func decodingDiagnostic(_ error: DecodingError, file: String, text: String) -> Diagnostic {
        func path(_ codingPath: [CodingKey]) -> String {
            var s = ""
            for key in codingPath {
                if let i = key.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + key.stringValue }
            }
            return s.isEmpty ? "（顶层）" : s
        }
        switch error {
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let detail = ((context.underlyingError as NSError?)?.userInfo["NSDebugDescription"] as? String)
                    ?? context.debugDescription
                return Diagnostic(code: "report-format-malformed", file: file, line: lineNumber(inDebugText: detail),
                                  "报告格式文件不是有效的 JSON（\(detail)）。")
            }
            return Diagnostic(code: "report-format-invalid", file: file,
                              "字段 \(path(context.codingPath)) 的值无效：\(context.debugDescription)")
        case .keyNotFound(let key, let context):
            return Diagnostic(code: "report-format-invalid", file: file,
                              "缺少字段 \(path(context.codingPath + [key]))。")
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return Diagnostic(code: "report-format-invalid", file: file,
                              "字段 \(path(context.codingPath)) 的类型不对（应为 \(jsonTypeName(type))）。")
        @unknown default:
            return Diagnostic(code: "report-format-invalid", file: file, "报告格式文件无效：\(error)")
        }
    }

    private static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "字符串"
        case is Int.Type: return "整数"
        case is [Any].Type: return "数组"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "数组" }
            if name.hasPrefix("Dictionary") { return "对象" }
            return name
        }
    }

    private static func lineNumber(inDebugText text: String) -> Int? {
        guard let r = text.range(of: "line ") else { return nil }
        let digits = text[r.upperBound...].prefix { $0.isNumber }
        return Int(digits)
    }

    /// The line of the first occurrence of `"needle"` in the file text, for messages.
    static func line(of needle: String, in text: String) -> Int? {
        guard let r = text.range(of: "\"" + needle + "\"") else { return nil }
        return text[..<r.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
    }

    /// Structural checks beyond the JSON schema. Returns every problem found.
    func validate(validOutcomeKeys: [String], text: String = "") -> [Diagnostic] {
        var problems: [Diagnostic] = []
        func fail(_ code: String, _ message: String, near needle: String? = nil) {
            problems.append(Diagnostic(code: code, file: file.isEmpty ? nil : file,
                                       line: needle.flatMap { ReportFormat.line(of: $0, in: text) }, message))
        }
        if name.trimmingCharacters(in: .whitespaces).isEmpty { fail("report-format-invalid", "name 不能为空。") }
        if let toYear, toYear < fromYear {
            fail("report-format-invalid", "to_year（\(toYear)）早于 from_year（\(fromYear)）。", near: "to_year")
        }

        // Sections: each table exactly once.
        var sectionKeys = Set<String>()
        for s in sections where !sectionKeys.insert(s.key).inserted {
            fail("report-format-invalid", "章节 key \(s.key) 重复。", near: s.key)
        }
        for content in [Section.Content.proactiveTable, .applicationsTable, .appealsTable] {
            let n = sections.filter { $0.content == content }.count
            if n != 1 { fail("report-format-invalid", "sections 中 content 为 \(content.rawValue) 的章节应恰有一个，现有 \(n) 个。") }
        }

        // Table 二.
        if proactive.blocks.isEmpty { fail("report-format-invalid", "proactive_table.blocks 不能为空。") }
        var items = Set<String>()
        var rowLabels: [String: String] = [:]
        for block in proactive.blocks {
            if !items.insert(block.item).inserted {
                fail("report-format-invalid", "主动公开表的条目 \(block.item) 重复。", near: block.item)
            }
            if block.columns.isEmpty || block.rows.isEmpty {
                fail("report-format-invalid", "主动公开表条目 \(block.item) 须至少有一行一列。", near: block.item)
            }
            var columnLabels = Set<String>()
            for c in block.columns {
                if !columnLabels.insert(c.label).inserted {
                    fail("report-format-invalid", "条目 \(block.item) 的列 \(c.label) 重复。", near: c.label)
                }
                if c.value == .amount && (c.units ?? []).isEmpty {
                    fail("report-format-invalid", "条目 \(block.item) 的列 \(c.label) 是金额（amount），须用 units 列出单位，如 [\"元\"]。", near: c.label)
                }
            }
            for r in block.rows {
                if let other = rowLabels[r] {
                    fail("report-format-invalid", "主动公开表的行 \(r) 在 \(other) 和 \(block.item) 中重复。", near: r)
                }
                rowLabels[r] = block.item
            }
        }

        // Table 三: columns.
        let columnKeys = applications.columns.map(\.key)
        if columnKeys.sorted() != ApplicantColumn.allKeys.sorted() {
            fail("report-format-invalid",
                 "applications_table.columns 的 key 应恰为 \(ApplicantColumn.allKeys.joined(separator: "、")) 各一次，现为 \(columnKeys.joined(separator: "、"))。",
                 near: "columns")
        }
        // Table 三: rows.
        let valid = Set(validOutcomeKeys)
        var rowKeys = Set<String>()
        var countedBy: [String: String] = [:]
        var figures: [ApplicationsTable.Figure: Int] = [:]
        for row in applications.rows {
            if !rowKeys.insert(row.key).inserted {
                fail("report-format-invalid", "申请表的行 key \(row.key) 重复。", near: row.key)
            }
            if row.labels.isEmpty || row.labels.contains(where: { $0.isEmpty }) {
                fail("report-format-invalid", "申请表的行 \(row.key) 的 labels 不能为空。", near: row.key)
            }
            switch (row.counts, row.figure) {
            case (nil, nil), (.some, .some):
                fail("report-format-invalid", "申请表的行 \(row.key) 须恰有 counts 或 figure 之一。", near: row.key)
            case (let counts?, nil):
                if counts.isEmpty { fail("report-format-invalid", "申请表的行 \(row.key) 的 counts 不能为空。", near: row.key) }
                if ["new", "carried_over", "total", "carried_forward"].contains(row.key) {
                    fail("report-format-invalid", "行 key \(row.key) 保留给 figure 行，计数行请用结果键作 key。", near: row.key)
                }
                for key in counts {
                    if !valid.contains(key) {
                        fail("report-format-unknown-outcome",
                             "报告格式文件的行 \(row.key) 计入未知的结果键 \(key)。有效的结果键：\(validOutcomeKeys.joined(separator: "、"))。",
                             near: key)
                    } else if let other = countedBy[key] {
                        fail("report-format-duplicate-outcome", "结果键 \(key) 同时计入行 \(other) 和 \(row.key)。", near: key)
                    }
                    countedBy[key] = row.key
                }
            case (nil, let figure?):
                figures[figure, default: 0] += 1
                let expectedKey: String
                switch figure {
                case .new: expectedKey = "new"
                case .carriedOver: expectedKey = "carried_over"
                case .closedTotal: expectedKey = "total"
                case .carriedForward: expectedKey = "carried_forward"
                }
                if row.key != expectedKey {
                    fail("report-format-invalid", "figure 为 \(figure.rawValue) 的行，key 应为 \(expectedKey)（现为 \(row.key)）。", near: row.key)
                }
            }
        }
        for figure in [ApplicationsTable.Figure.new, .carriedOver, .closedTotal, .carriedForward] where figures[figure, default: 0] != 1 {
            fail("report-format-invalid", "申请表须恰有一行 figure 为 \(figure.rawValue)，现有 \(figures[figure, default: 0]) 行。")
        }

        // Table 四.
        let blockKeys = appeals.blocks.map(\.key)
        if blockKeys.sorted() != AppealColumn.blockKeys.sorted() {
            fail("report-format-invalid",
                 "appeals_table.blocks 的 key 应恰为 \(AppealColumn.blockKeys.joined(separator: "、")) 各一次，现为 \(blockKeys.joined(separator: "、"))。",
                 near: "blocks")
        }
        let appealColumnKeys = appeals.columns.map(\.key)
        if appealColumnKeys.sorted() != AppealColumn.columnKeys.sorted() {
            fail("report-format-invalid",
                 "appeals_table.columns 的 key 应恰为 \(AppealColumn.columnKeys.joined(separator: "、")) 各一次，现为 \(appealColumnKeys.joined(separator: "、"))。")
        }
        return problems
    }
}
