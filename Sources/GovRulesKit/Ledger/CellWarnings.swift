/// The warnings about how cells were read (CellWarnings on RowDecoder), kept in input order up
/// to a bound, so that a ledger whose every date is a serial number does not flood the screen.
enum CellWarnings {
    static let shown = 200

    static func keep(_ new: [Diagnostic], in kept: inout [Diagnostic]) {
        guard !new.isEmpty, kept.count < shown else { return }
        kept += new.prefix(shown - kept.count)
    }
}
