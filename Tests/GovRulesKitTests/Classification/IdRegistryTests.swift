import Testing
@testable import GovRulesKit

/// The table behind "申请编号 must be unique in the run": 12 bytes a slot, row numbers kept as
/// breakpoints. A duplicate must name exactly where the id was first seen.
@Suite("Id registry")
struct IdRegistryTests {
    private func insert(_ r: inout IdRegistry, _ id: String, input: Int, row: Int) -> (input: Int, row: Int)? {
        var bytes = Array(id.utf8)
        return bytes.withUnsafeMutableBufferPointer { r.insert(UnsafeBufferPointer($0), input: input, row: row) }
    }

    @Test func duplicatesNameTheFirstRowAcrossGapsFilesAndGrowth() {
        var r = IdRegistry(capacity: 16)   // grows many times on the way to 50,000 ids
        var where_: [String: (Int, Int)] = [:]
        var row = 2
        for i in 0..<50_000 {
            let input = i < 30_000 ? 0 : 1
            if i == 30_000 { row = 2 }                 // a second ledger starts at its own row 2
            if i % 997 == 0 { row += 1 + i % 3 }       // blank lines and cells with line breaks
            let id = "2024-\(i)"
            #expect(insert(&r, id, input: input, row: row) == nil)
            where_[id] = (input, row)
            row += 1
        }
        #expect(r.count == 50_000)
        for probe in [0, 1, 996, 997, 998, 29_999, 30_000, 30_001, 49_999] {
            let id = "2024-\(probe)"
            let first = insert(&r, id, input: 1, row: 999_999)
            #expect(first?.input == where_[id]!.0 && first?.row == where_[id]!.1, "\(id): \(String(describing: first))")
        }
        #expect(r.count == 50_000, "a duplicate is not added")
        #expect(insert(&r, "2024-50000", input: 1, row: 999_999) == nil)
    }

    @Test func reservingFirstGivesTheSameAnswers() {
        var a = IdRegistry(), b = IdRegistry()
        b.reserve(20_000)
        for i in 0..<20_000 {
            #expect(insert(&a, "X\(i)", input: 0, row: i + 2) == nil)
            #expect(insert(&b, "X\(i)", input: 0, row: i + 2) == nil)
        }
        for i in stride(from: 0, to: 20_000, by: 1_234) {
            #expect(insert(&a, "X\(i)", input: 0, row: 0)?.row == i + 2)
            #expect(insert(&b, "X\(i)", input: 0, row: 0)?.row == i + 2)
        }
    }

    @Test func fingerprintsDependOnEveryByteAndTheLength() {
        func f(_ s: [UInt8]) -> UInt64 { s.withUnsafeBufferPointer { IdRegistry.fingerprint($0) } }
        let base = Array("2024-000123".utf8)
        var seen: Set<UInt64> = [f(base), f([]), f([0]), f([0, 0])]
        #expect(seen.count == 4, "empty, one zero byte and two zero bytes differ")
        for i in base.indices {
            var changed = base
            changed[i] ^= 1
            #expect(seen.insert(f(changed)).inserted, "flipping byte \(i) changes the fingerprint")
        }
        #expect(f(base) != 0)
    }
}
