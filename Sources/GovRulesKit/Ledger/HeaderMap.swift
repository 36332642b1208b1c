/// How one ledger file's header row maps onto the columns the rules declare. A class: every row
/// of the file refers to it, and passing it around must not copy its arrays.
final class HeaderMap {
    let file: String
    /// The headers as the user wrote them.
    let headers: [String]
    /// For each field of the file: the policy column it fills, or nil (kept and passed through).
    let columnOfField: [Int?]
    /// For each policy column: the field that holds it, or nil when the file lacks it.
    let fieldOfColumn: [Int?]
    let warnings: [Diagnostic]
    /// The spreadsheet row the header is on (title rows above it are skipped, see HeaderSearch).
    let headerRow: Int
    /// Whether messages name a column by its letter as well (a workbook's columns have letters).
    var columnLetters = false

    /// The header as written for a policy column (for messages), else its Chinese name.
    func writtenHeader(ofColumn c: Int, columns: [ColumnSpec]) -> String {
        if let f = fieldOfColumn[c] { return headers[f] }
        return columns[c].header
    }

    /// A running row number (序号), which offices put in the first column: never the application
    /// number, even where a rules folder still lists it as an alias of `id`.
    static let runningNumber = HeaderText.normalize("序号")

    /// The names a column may be written as in a header.
    static func names(of c: ColumnSpec) -> [String] {
        let all = [c.key, c.header] + c.aliases
        return c.key == "id" ? all.filter { HeaderText.normalize($0) != runningNumber } : all
    }

    convenience init(header: [String], file: String, policy: Policy, headerRow: Int = 1) throws {
        try self.init(header: header, file: file, columns: policy.columns, headerRow: headerRow)
    }

    convenience init(_ header: HeaderRow, file: String, columns: [ColumnSpec]) throws {
        try self.init(header: header.cells, file: file, columns: columns, headerRow: header.row,
                      warnings: header.warning.map { [$0] } ?? [])
    }

    init(header: [String], file: String, columns: [ColumnSpec], headerRow: Int = 1, warnings leading: [Diagnostic] = []) throws {
        self.file = file
        self.headers = header
        self.headerRow = headerRow
        let line = headerRow
        var lookup: [String: Int] = [:]
        for (i, c) in columns.enumerated() {
            for name in Self.names(of: c) { lookup[HeaderText.normalize(name)] = i }
        }
        var columnOfField = [Int?](repeating: nil, count: header.count)
        var fieldOfColumn = [Int?](repeating: nil, count: columns.count)
        var problems: [Diagnostic] = []
        var warnings: [Diagnostic] = leading
        for (f, h) in header.enumerated() {
            let n = HeaderText.normalize(h)
            if n.isEmpty { continue }
            if let c = lookup[n] {
                if let earlier = fieldOfColumn[c] {
                    problems.append(Diagnostic(code: "header-duplicate", file: file, line: line,
                        "列“\(h)”与第\(earlier + 1)列“\(header[earlier])”都是“\(columns[c].header)”（\(columns[c].key)）；每列只能出现一次"))
                    continue
                }
                columnOfField[f] = c
                fieldOfColumn[c] = f
            }
        }
        // A misspelt known column must not silently vanish: warn when an unknown header is close
        // to one the file does not have yet.
        for (f, h) in header.enumerated() where columnOfField[f] == nil {
            let n = HeaderText.normalize(h)
            if n.isEmpty { continue }
            var best: (Int, Int, String)? = nil
            for (c, spec) in columns.enumerated() where fieldOfColumn[c] == nil {
                for name in Self.names(of: spec) {
                    let m = HeaderText.normalize(name)
                    let d = HeaderText.editDistance(n, m)
                    let tolerance = m.unicodeScalars.allSatisfy(\.isASCII) ? (m.count >= 6 ? 2 : 1) : (m.count >= 4 ? 1 : 0)
                    if d <= tolerance && (best == nil || d < best!.0) { best = (d, c, name) }
                    // A header that contains the known name (e.g. 收到日期（必填）) is also suspect.
                    if best == nil && m.count >= 2 && n.contains(m) { best = (99, c, name) }
                }
            }
            if let (_, c, _) = best {
                let spec = columns[c]
                warnings.append(Diagnostic(.warning, code: "header-near-miss", file: file, line: line,
                    "第\(f + 1)列“\(h)”不是已知的列，将原样保留；是否想写“\(spec.header)”（\(spec.key)）？如是，请改正表头"))
            }
        }
        for (c, spec) in columns.enumerated() where spec.required && fieldOfColumn[c] == nil {
            var hint = ""
            if spec.key == "id", let f = header.firstIndex(where: { HeaderText.normalize($0) == Self.runningNumber }) {
                hint = "；第\(f + 1)列“\(header[f].trimmed)”是行的顺序号，不是申请编号，将原样保留"
            }
            problems.append(Diagnostic(code: "header-missing", file: file, line: line,
                "台账缺少必填列“\(spec.header)”（\(spec.key)）；表头可用中文或英文列名\(hint)"))
        }
        if !problems.isEmpty { throw DiagnosticList(problems + warnings) }
        self.columnOfField = columnOfField
        self.fieldOfColumn = fieldOfColumn
        self.warnings = warnings
    }
}
