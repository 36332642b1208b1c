import ArgumentParser
import Foundation
import GovRulesKit

/// `govrules bench-rules LEDGER` (hidden): used by `make bench`, not by clerks.
struct BenchRules: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-rules",
        abstract: "Time the rules alone inside the host, rows pre-parsed (for make bench).",
        discussion: """
        Reads and decodes the ledger in blocks of 1,024 rows outside the clock, then times only the \
        calls into the rules. Prints one line: rows, seconds (wall), CPU seconds, rows per second, and \
        how many rows took the unhooked fast path, and what the decision memo did. Rows classify would reject are skipped.
        """,
        shouldDisplay: false
    )

    @Argument(help: ArgumentHelp("The ledger (CSV).", valueName: "ledger.csv"))
    var ledger: String

    @OptionGroup var ruleOptions: RuleOptions
    @OptionGroup var asOf: AsOfOption

    @Flag(name: .customLong("counted"), help: "Run every row under the counting hook (no fast path).")
    var counted = false

    func run() throws {
        do {
            let r = try RulesBenchmark.run(ledger: ledger, rules: ruleOptions.rules, asOf: asOf.asOf,
                                           limits: ruleOptions.limits, countedOnly: counted)
            let rate = r.seconds > 0 ? Double(r.rows) / r.seconds : 0
            var line = String(format: "rows %d seconds %.3f cpu %.3f rows/s %.0f fast %d counted %d",
                              r.rows, r.seconds, r.cpuSeconds, rate, r.fastRows, r.countedRows)
            if let m = r.memo {
                line += " memo-hits \(m.hits) memo-misses \(m.misses) memo-paths \(m.paths) memo-nodes \(m.nodes)"
                if m.full { line += " memo-full" }
                if m.switchedOff { line += " memo-switched-off" }
            }
            print(line)
        } catch {
            try CommandSupport.finish(.failure(error))
        }
    }
}
