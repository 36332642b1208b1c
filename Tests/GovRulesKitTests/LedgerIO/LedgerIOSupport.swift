import Foundation
import Testing
@testable import GovRulesKit

/// Shared helpers for the LedgerIO suites.
enum LedgerIOSupport {
    struct Row: Equatable, CustomStringConvertible {
        var row: Int
        var fields: [String]
        var description: String { "\(row): \(fields)" }
    }

    /// Path of a fixture in Tests/GovRulesKitTests/Fixtures/ledger-io.
    static func fixture(_ name: String) throws -> String {
        let url = try #require(
            Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Fixtures/ledger-io"),
            "missing fixture \(name).csv")
        return url.path
    }

    static func fixtureBytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: try fixture(name))))
    }

    /// Every record of `reader`, copied out.
    static func readAll(_ reader: CSVReader) throws -> [Row] {
        var rows: [Row] = []
        while let record = try reader.next() {
            rows.append(Row(row: record.row, fields: record.strings))
        }
        return rows
    }

    /// Reads until the reader throws; returns the rows read before it and the Diagnostic.
    static func readUntilError(_ reader: CSVReader) -> (rows: [Row], error: Diagnostic?) {
        var rows: [Row] = []
        do {
            while let record = try reader.next() {
                rows.append(Row(row: record.row, fields: record.strings))
            }
            return (rows, nil)
        } catch let d as Diagnostic {
            return (rows, d)
        } catch {
            Issue.record("unexpected error type \(error)")
            return (rows, nil)
        }
    }

    /// Runs `body` on the UTF-8 bytes of `s`.
    static func withBytes<R>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        var s = s
        return try s.withUTF8(body)
    }

    /// A fresh temporary folder, removed by the caller with `removeTemporaryDirectory`.
    static func makeTemporaryDirectory() throws -> String {
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("ledger-io-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        return base.path
    }

    static func removeTemporaryDirectory(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func contents(of path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// An in-memory sink recording what was written, committed or abandoned.
final class LedgerIOMemorySink: OutputSink {
    var bytes: [UInt8] = []
    var writeCalls = 0
    var committed = false
    var abandoned = false

    func write(_ buffer: UnsafeRawBufferPointer) throws {
        writeCalls += 1
        bytes.append(contentsOf: buffer)
    }
    func commit() throws { committed = true }
    func abandon() { abandoned = true }

    var string: String { String(decoding: bytes, as: UTF8.self) }
}
