/// `report --format json`, exactly the shape in cli.md. Written by hand so that key order is fixed
/// (rows in the format's order, columns in the spec's order) and the output is byte-stable.
enum JSONRenderer {
    static func render(_ report: AnnualReport) -> String {
        var out: [String] = ["{"]
        out.append("  \"year\": \(report.year),")
        out.append("  \"format\": \(string(report.format.name)),")
        out.append("  \"agency\": \(report.agency.map(string) ?? "null"),")

        out.append("  \"applications\": {")
        let rows = report.format.applications.rows
        for (i, row) in rows.enumerated() {
            let v = report.applications[row.key]
            let fields = ApplicantColumn.allKeys.enumerated().map { "\(string($1)): \(v[$0])" }
            out.append("    \(string(row.key)): {\(fields.joined(separator: ", "))}" + (i < rows.count - 1 ? "," : ""))
        }
        out.append("  },")

        out.append("  \"appeals\": {")
        for (i, block) in AppealColumn.blockKeys.enumerated() {
            let fields = AppealColumn.columnKeys.map { "\(string($0)): \(report.appeals[block, $0])" }
            out.append("    \(string(block)): {\(fields.joined(separator: ", "))}" + (i < AppealColumn.blockKeys.count - 1 ? "," : ""))
        }
        out.append("  },")

        let cells = report.proactive.entries.map {
            "{\"item\": \(string($0.item)), \"row\": \(string($0.row)), \"column\": \(string($0.column)), \"value\": \(string($0.value))}"
        }
        out += list("proactive", cells)

        let checks = report.checks.map {
            "{\"name\": \(string($0.name)), \"ok\": \($0.ok), \"detail\": \(string($0.detail))}"
        }
        out += list("checks", checks)

        let p = report.provenance
        out.append("  \"provenance\": {")
        out.append("    \"rules_sha256\": \(p.rulesSHA256.map(string) ?? "null"),")
        if p.inputs.isEmpty {
            out.append("    \"inputs\": [],")
        } else {
            out.append("    \"inputs\": [")
            for (i, input) in p.inputs.enumerated() {
                out.append("      {\"path\": \(string(input.path)), \"sha256\": \(string(input.sha256))}" + (i < p.inputs.count - 1 ? "," : ""))
            }
            out.append("    ],")
        }
        out.append("    \"generated_by\": \(string(p.generatedBy))")
        out.append("  }")
        out.append("}")
        return out.joined(separator: "\n") + "\n"
    }

    private static func list(_ key: String, _ items: [String]) -> [String] {
        if items.isEmpty { return ["  \(string(key)): [],"] }
        return ["  \(string(key)): ["]
            + items.enumerated().map { "    \($1)" + ($0 < items.count - 1 ? "," : "") }
            + ["  ],"]
    }

    /// A JSON string literal; non-ASCII text is kept as UTF-8.
    static func string(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
