/// One finding about the user's own data or rules, printed as
/// `file:line: error[code]: message` (the message is in Chinese: the clerk and the policy
/// officer read it).
///
/// `code` is stable (like Neovim's E-numbers): scripts and tests match on it, while the wording
/// of `message` may improve.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning, note }

    public var severity: Severity
    public var code: String
    public var file: String?
    /// The row as a spreadsheet shows it (header = 1), or the line of a rule/data file.
    public var line: Int?
    public var message: String

    public init(_ severity: Severity = .error, code: String, file: String? = nil, line: Int? = nil, _ message: String) {
        self.severity = severity
        self.code = code
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        var s = ""
        if let file {
            s += file
            if let line { s += ":\(line)" }
            s += ": "
        }
        s += "\(severity.rawValue)[\(code)]: \(message)"
        return s
    }
}

/// Several diagnostics at once: every problem is listed, not only the first.
public struct DiagnosticList: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
