/// Reads a CSV table whose columns the rules declare (the appeals ledger, the proactive
/// figures) with the same reader, header matching and cell checks as the request ledger, so
/// its errors read the same way.
enum TableReader {
    /// Calls `row` for each valid, non-blank row; collects every problem and throws them all at
    /// the end, so the user sees the whole list at once.
    static func read(path: String, columns: [ColumnSpec], policy: Policy, rulesLabel: String,
                     _ row: (RowDecoder, CSVRecord) throws -> [Diagnostic]) throws -> [Diagnostic] {
        let reader = try CSVReader(path: path)
        guard let header = try reader.next() else {
            throw Diagnostic(code: "ledger-empty", file: path,
                "文件是空的：第一行应为表头（\(columns.map(\.header).joined(separator: ",")))")
        }
        let map = try HeaderMap(header: header.strings, file: path, columns: columns)
        let decoder = RowDecoder(columns: columns, policy: policy, rulesLabel: rulesLabel)
        var problems: [Diagnostic] = []
        while let record = try reader.next() {
            if record.isBlank { continue }
            let p = decoder.decode(record, map: map)
            if !p.isEmpty { problems += p; continue }
            problems += try row(decoder, record)
        }
        if !problems.isEmpty { throw DiagnosticList(map.warnings + problems) }
        return map.warnings
    }
}
