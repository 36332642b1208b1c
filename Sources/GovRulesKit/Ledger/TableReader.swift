/// Reads a table (CSV or a workbook's sheet) whose columns the rules declare (the appeals ledger, the proactive
/// figures) with the same reader, header matching and cell checks as the request ledger, so
/// its errors read the same way.
enum TableReader {
    /// Calls `row` for each valid, non-blank row; collects every problem and throws them all at
    /// the end, so the user sees the whole list at once.
    static func read(path: String, columns: [ColumnSpec], policy: Policy, rulesLabel: String, sheet: String? = nil,
                     _ row: (RowDecoder, CSVRecord) throws -> [Diagnostic]) throws -> [Diagnostic] {
        let reader = try TableFile.open(path: path, sheet: sheet)
        guard let header = try HeaderSearch.locate(in: reader, file: path, columns: columns) else {
            throw Diagnostic(code: "ledger-empty", file: path,
                "文件是空的：前\(HeaderSearch.searchRows)行内应有表头（\(columns.map(\.header).joined(separator: ",")))")
        }
        let map = try HeaderMap(header, file: path, columns: columns)
        map.columnLetters = reader.namesColumnsByLetter
        let tableWarnings = reader.warnings(headerRow: header.row)
        let decoder = RowDecoder(columns: columns, policy: policy, rulesLabel: rulesLabel)
        var problems: [Diagnostic] = []
        var cellWarnings: [Diagnostic] = []
        while let record = try reader.next() {
            if record.isBlank { continue }
            let p = CellErrors.merge(CellErrors.problems(reader.cellErrors, record: record, map: map),
                                     into: decoder.decode(record, map: map))
            if !p.isEmpty { problems += p; continue }
            CellWarnings.keep(decoder.cellWarnings, in: &cellWarnings)
            problems += try row(decoder, record)
        }
        if !problems.isEmpty { throw DiagnosticList(map.warnings + tableWarnings + cellWarnings + problems) }
        return map.warnings + tableWarnings + cellWarnings
    }
}

