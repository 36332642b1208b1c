import ArgumentParser
import Foundation
import GovRulesKit

/// `govrules check [--rules DIR] [--reports DIR]`.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that the rules and the report formats are consistent, before anything runs.",
        discussion: """
        Every outcome a step can give has a row in every report format; every key a format counts is an \
        outcome key; every step cites an article; steps that can never decide (an earlier step always \
        catches their cases, found by running the rules on constructed ledger rows) are reported; the \
        values steps compare columns with exist in the ledger schema; the calendar covers 2018 through \
        next year, and its data can be right (no work day on a weekday, no reversed, overlapping or \
        out-of-year off range, each file's year field matching its name); the rules-API version is \
        supported; no two formats cover the same year; every outcome \
        a step can give has a 答复书 template, every letter template exists and uses only known placeholders, \
        and the office profile (letters/office.lua) has every field the templates use. Each finding \
        is printed as file:line: error[code]: message (or warning[code]). Exit status 1 if any error.
        """
    )

    @OptionGroup var ruleOptions: RuleOptions

    @Option(help: ArgumentHelp("The report formats folder (default ./reports, then the installed copy).", valueName: "dir"))
    var reports: String?

    @Option(help: ArgumentHelp("The letters folder: templates and office.lua (default ./letters, then the installed copy).", valueName: "dir"))
    var letters: String?

    @Option(name: .customLong("today"), help: ArgumentHelp("Take this date as today for the calendar check (default: the system date).", valueName: "date"))
    var todayText: String?

    func validate() throws {
        if let t = todayText, CommandSupport.parseDate(t) == nil {
            throw ValidationError("--today: '\(t)' is not a valid date (use YYYY-MM-DD).")
        }
    }

    func run() throws {
        var o = CheckOptions(today: todayText.flatMap(CommandSupport.parseDate) ?? CommandSupport.today())
        o.rules = ruleOptions.rules
        o.limits = ruleOptions.limits
        o.reports = reports
        o.letters = letters
        try CommandSupport.finish(CheckCommand.run(o))
    }
}
