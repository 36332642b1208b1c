/// Reads a CSV table whose columns the rules declare (the appeals ledger, the proactive
/// figures) with the same reader, header matching and cell checks as the request ledger, so
/// its errors read the same way.
enum TableReader {
    /// Calls `row` for each valid, non-blank row; collects every problem and throws them all at
    /// the end, so the user sees the whole list at once.
    static func read(path: String, columns: [ColumnSpec], policy: Policy, rulesLabel: String,
                     _ row: (RowDecoder, CSVRecord) throws -> [Diagnostic]) throws -> [Diagnostic] {
        let reader = try CSVReader(path: path)
        guard let header = try HeaderSearch.locate(in: reader, file: path, columns: columns) else {
            throw Diagnostic(code: "ledger-empty", file: path,
                "文件是空的：前\(HeaderSearch.searchRows)行内应有表头（\(columns.map(\.header).joined(separator: ",")))")
        }
        let map = try HeaderMap(header, file: path, columns: columns)
        let decoder = RowDecoder(columns: columns, policy: policy, rulesLabel: rulesLabel)
        var problems: [Diagnostic] = []
        var cellWarnings: [Diagnostic] = []
        while let record = try reader.next() {
            if record.isBlank { continue }
            let p = decoder.decode(record, map: map)
            if !p.isEmpty { problems += p; continue }
            CellWarnings.keep(decoder.cellWarnings, in: &cellWarnings)
            problems += try row(decoder, record)
        }
        if !problems.isEmpty { throw DiagnosticList(map.warnings + cellWarnings + problems) }
        return map.warnings + cellWarnings
    }
}

