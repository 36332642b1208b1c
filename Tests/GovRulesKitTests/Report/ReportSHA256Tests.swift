import Foundation
import Testing
@testable import GovRulesKit

@Suite struct ReportSHA256Tests {
    @Test func standardVectors() {
        // FIPS 180-4 / NIST examples.
        let vectors: [(String, String)] = [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
            ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
             "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        ]
        for (input, digest) in vectors {
            #expect(SHA256.hex(SHA256.hash(Array(input.utf8))) == digest, "SHA-256(\"\(input)\")")
        }
    }

    @Test func oneMillionA() {
        var h = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { h.update(chunk) }
        #expect(h.finalizeHex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func chunkingDoesNotMatter() {
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = SHA256.hash(data)
        for size in [1, 55, 56, 63, 64, 65, 127, 999] {
            var h = SHA256()
            var i = 0
            while i < data.count {
                h.update(data[i..<min(data.count, i + size)])
                i += size
            }
            #expect(h.finalize() == whole, "chunk size \(size)")
        }
    }

    @Test func fileAndDirectoryDigests() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-sha-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "abc".write(to: dir.appendingPathComponent("a.lua"), atomically: true, encoding: .utf8)
        try "x = 1\n".write(to: dir.appendingPathComponent("sub/b.lua"), atomically: true, encoding: .utf8)

        #expect(try sha256Hex(ofFile: dir.appendingPathComponent("a.lua").path)
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")

        let d1 = try rulesDigest(ofDirectory: dir.path)
        #expect(d1.count == 64)
        #expect(try rulesDigest(ofDirectory: dir.path) == d1)

        // The documented construction: sorted relative paths, NUL, 8-byte length, content.
        var h = SHA256()
        for (path, content) in [("a.lua", "abc"), ("sub/b.lua", "x = 1\n")] {
            h.update(Array(path.utf8)); h.update([0])
            h.update([0, 0, 0, 0, 0, 0, 0, UInt8(content.utf8.count)]); h.update(Array(content.utf8))
        }
        #expect(h.finalizeHex() == d1)

        try "x = 2\n".write(to: dir.appendingPathComponent("sub/b.lua"), atomically: true, encoding: .utf8)
        #expect(try rulesDigest(ofDirectory: dir.path) != d1, "content change")
        try "x = 1\n".write(to: dir.appendingPathComponent("sub/b.lua"), atomically: true, encoding: .utf8)
        try FileManager.default.moveItem(at: dir.appendingPathComponent("sub/b.lua"), to: dir.appendingPathComponent("sub/c.lua"))
        #expect(try rulesDigest(ofDirectory: dir.path) != d1, "rename")

        let missing = reportDiagnostics { _ = try sha256Hex(ofFile: dir.appendingPathComponent("nope").path) }
        #expect(missing.first?.code == "report-input-unreadable")
    }
}
