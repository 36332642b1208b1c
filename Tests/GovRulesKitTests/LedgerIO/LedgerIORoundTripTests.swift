import Testing
@testable import GovRulesKit

/// Random records, written with a minimal RFC 4180 encoder of the test's own, must read back
/// field for field at every chunk size, and must write back out byte for byte: the reader's
/// word-at-a-time paths (plain fields in a row, empty fields, a field cut by the end of a chunk)
/// are checked against an encoder that shares no code with them.
@Suite("Ledger reader round trip")
struct LedgerIORoundTripTests {
    /// A small deterministic generator (xorshift), so a failure can be reproduced.
    struct Rng {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(n))
        }
    }

    static let pieces = ["a", "2024-01-02", "申请", "，", "　", " ", "x,y", "\"", "say \"hi\"", "\n", "\r\n", "终", "0", "abcdefghij"]

    static func field(_ rng: inout Rng) -> String {
        switch rng.next(5) {
        case 0: return ""
        default:
            var s = ""
            for _ in 0..<rng.next(6) { s += pieces[rng.next(pieces.count)] }
            return s
        }
    }

    static func encode(_ f: String) -> String {
        if f.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            return "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return f
    }

    @Test func randomRecordsReadBackAtEveryChunkSize() throws {
        var rng = Rng(state: 0x9E37_79B9_7F4A_7C15)
        var records: [[String]] = []
        for _ in 0..<300 {
            var r = (0..<(1 + rng.next(12))).map { _ in Self.field(&rng) }
            if r.allSatisfy({ $0.isEmpty }) { r[0] = "id" }   // blank rows are reported as such; keep rows non-blank
            records.append(r)
        }
        let text = records.map { $0.map(Self.encode).joined(separator: ",") }.joined(separator: "\n") + "\n"
        let bytes = Array(text.utf8)
        for chunk in [8, 9, 10, 13, 16, 17, 31, 64, 100, 4096] {
            let reader = try CSVReader(bytes: bytes, name: "round-trip.csv", chunkSize: chunk)
            var got: [[String]] = []
            while let r = try reader.next() { got.append(r.strings) }
            #expect(got == records, "chunk \(chunk)")
        }
    }

    @Test func plainAndQuotedRecordsWriteBackByteForByte() throws {
        var rng = Rng(state: 42)
        var lines: [String] = []
        for _ in 0..<200 {
            lines.append((0..<(1 + rng.next(10))).map { _ in Self.encode(Self.field(&rng)) }.joined(separator: ","))
        }
        // Only records the encoder above writes minimally (a bare CR in a field would be quoted
        // by both, a field holding only CR LF too), so reading and writing must reproduce them.
        let text = lines.joined(separator: "\n") + "\n"
        let reader = try CSVReader(bytes: Array(text.utf8), name: "w.csv", chunkSize: 16)
        let sink = ByteSink()
        let writer = CSVWriter(sink: sink)
        while let r = try reader.next() {
            let plain = r.isPlain
            for i in 0..<r.count {
                if plain { try writer.writeEncoded(r.field(i)) } else { try writer.writeField(bytes: r.field(i)) }
            }
            try writer.endRecord()
        }
        try writer.flush()
        #expect(String(decoding: sink.bytes, as: UTF8.self) == text)
    }
}
