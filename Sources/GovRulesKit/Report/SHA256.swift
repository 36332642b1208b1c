import Foundation

/// SHA-256 (FIPS 180-4), written out here so that provenance needs no package dependency.
///
/// Streaming: feed bytes with `update`, then call `finalize` once.
public struct SHA256: Sendable {
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    private var h: [UInt32] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ]
    private var buffer: [UInt8] = []
    private var length: UInt64 = 0
    private var w = [UInt32](repeating: 0, count: 64)

    public init() { buffer.reserveCapacity(64) }

    public mutating func update<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if handled == nil { update(Array(bytes)) }
    }

    public mutating func update(_ data: Data) {
        data.withUnsafeBytes { update($0) }
    }

    /// Whole 64-byte blocks are compressed straight from `bytes`; only the tail is buffered.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        length &+= UInt64(bytes.count)
        var i = 0
        if !buffer.isEmpty {
            let take = min(64 - buffer.count, bytes.count)
            buffer.append(contentsOf: bytes[0..<take])
            i = take
            if buffer.count == 64 {
                buffer.withUnsafeBytes { compress($0, at: 0) }
                buffer.removeAll(keepingCapacity: true)
            }
        }
        while bytes.count - i >= 64 {
            compress(bytes, at: i)
            i += 64
        }
        if i < bytes.count { buffer.append(contentsOf: bytes[i...]) }
    }

    public mutating func update(_ string: String) { update(Array(string.utf8)) }

    /// The digest as 32 bytes. The hasher must not be used afterwards.
    public mutating func finalize() -> [UInt8] {
        let bitLength = length &* 8
        buffer.append(0x80)
        if buffer.count > 56 {
            while buffer.count < 64 { buffer.append(0) }
            buffer.withUnsafeBytes { compress($0, at: 0) }
            buffer.removeAll(keepingCapacity: true)
        }
        while buffer.count < 56 { buffer.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) {
            buffer.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        buffer.withUnsafeBytes { compress($0, at: 0) }
        buffer.removeAll()
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for word in h {
            out.append(UInt8(truncatingIfNeeded: word >> 24))
            out.append(UInt8(truncatingIfNeeded: word >> 16))
            out.append(UInt8(truncatingIfNeeded: word >> 8))
            out.append(UInt8(truncatingIfNeeded: word))
        }
        return out
    }

    public mutating func finalizeHex() -> String { SHA256.hex(finalize()) }

    public static func hash<S: Sequence>(_ bytes: S) -> [UInt8] where S.Element == UInt8 {
        var s = SHA256()
        s.update(bytes)
        return s.finalize()
    }

    public static func hex(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var chars: [UInt8] = []
        chars.reserveCapacity(digest.count * 2)
        for b in digest {
            chars.append(digits[Int(b >> 4)])
            chars.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: chars, as: UTF8.self)
    }

    @inline(__always) private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

    /// Compresses the 64 bytes of `block` starting at `offset`.
    private mutating func compress(_ block: UnsafeRawBufferPointer, at offset: Int) {
        for i in 0..<16 {
            let j = offset + i * 4
            w[i] = UInt32(block[j]) << 24 | UInt32(block[j + 1]) << 16 | UInt32(block[j + 2]) << 8 | UInt32(block[j + 3])
        }
        for i in 16..<64 {
            let s0 = SHA256.rotr(w[i - 15], 7) ^ SHA256.rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
            let s1 = SHA256.rotr(w[i - 2], 17) ^ SHA256.rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
            w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
        }
        var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7]
        for i in 0..<64 {
            let s1 = SHA256.rotr(e, 6) ^ SHA256.rotr(e, 11) ^ SHA256.rotr(e, 25)
            let ch = (e & f) ^ (~e & g)
            let t1 = hh &+ s1 &+ ch &+ SHA256.k[i] &+ w[i]
            let s0 = SHA256.rotr(a, 2) ^ SHA256.rotr(a, 13) ^ SHA256.rotr(a, 22)
            let maj = (a & b) ^ (a & c) ^ (b & c)
            let t2 = s0 &+ maj
            hh = g; g = f; f = e; e = d &+ t1
            d = c; c = b; b = a; a = t1 &+ t2
        }
        h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d
        h[4] &+= e; h[5] &+= f; h[6] &+= g; h[7] &+= hh
    }
}

/// Lower-case hex SHA-256 of a file's bytes, read in chunks.
public func sha256Hex(ofFile path: String) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else {
        throw Diagnostic(code: "report-input-unreadable", file: path, "无法读取文件，不能计算其 SHA-256。")
    }
    defer { try? handle.close() }
    var hasher = SHA256()
    while true {
        let chunk = try handle.read(upToCount: 1 << 16) ?? Data()
        if chunk.isEmpty { break }
        hasher.update(chunk)
    }
    return hasher.finalizeHex()
}

/// SHA-256 over every regular file below `directory`, so that a report names the exact rules it
/// was made with.
///
/// Files are taken in the byte order of their relative paths (`/`-separated, UTF-8); for each file
/// the hash is fed the relative path, a 0 byte, the content length as 8 bytes big-endian, and the
/// content. Renaming, moving, adding or changing any file changes the digest.
public func rulesDigest(ofDirectory directory: String) throws -> String {
    let root = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDir), isDir.boolValue else {
        throw Diagnostic(code: "report-rules-dir-missing", file: directory, "规则目录不存在，不能计算其 SHA-256。")
    }
    var files: [(relative: [UInt8], path: String)] = []
    func walk(_ dir: URL, _ prefix: String) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        for name in names {
            let url = dir.appendingPathComponent(name)
            let relative = prefix.isEmpty ? name : prefix + "/" + name
            var sub: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &sub) else { continue }
            if sub.boolValue {
                try walk(url, relative)
            } else {
                files.append((Array(relative.utf8), url.path))
            }
        }
    }
    do {
        try walk(root, "")
    } catch let d as Diagnostic {
        throw d
    } catch {
        throw Diagnostic(code: "report-rules-dir-unreadable", file: directory, "无法读取规则目录：\(error.localizedDescription)")
    }
    files.sort { $0.relative.lexicographicallyPrecedes($1.relative) }
    var hasher = SHA256()
    for file in files {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw Diagnostic(code: "report-input-unreadable", file: file.path, "无法读取文件，不能计算规则目录的 SHA-256。")
        }
        hasher.update(file.relative)
        hasher.update([0])
        let n = UInt64(data.count)
        hasher.update((0..<8).reversed().map { UInt8(truncatingIfNeeded: n >> UInt64($0 * 8)) })
        hasher.update(data)
    }
    return hasher.finalizeHex()
}
