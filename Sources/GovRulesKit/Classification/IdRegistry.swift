/// Remembers every 申请编号 of a run, to reject duplicates, in 16 bytes per id: a 64-bit
/// fingerprint and where the id was first seen (input index and spreadsheet row), in an
/// open-addressing table. A Dictionary of Strings took ~120 bytes per row and was most of the
/// memory of a million-row run.
///
/// Two different ids share a fingerprint with probability about n²/2⁶⁵ (3 × 10⁻⁸ for a million
/// rows); such a pair would be reported as a duplicate, naming both rows, so a clerk could see it.
struct IdRegistry {
    private var fingerprints: [UInt64]
    private var locations: [UInt64]
    private var count = 0
    private var mask: Int

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        fingerprints = [UInt64](repeating: 0, count: size)
        locations = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    /// FNV-1a over the bytes, then a 64-bit finaliser (murmur3's fmix64) to spread the bits.
    /// Deterministic across runs, unlike Swift's seeded Hasher. Never 0 (0 marks an empty slot).
    static func fingerprint(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h == 0 ? 1 : h
    }

    /// Records the id; returns where it was seen before (input, row), or nil if it is new.
    mutating func insert(_ id: UnsafeBufferPointer<UInt8>, input: Int, row: Int) -> (input: Int, row: Int)? {
        let f = Self.fingerprint(id)
        var i = Int(truncatingIfNeeded: f) & mask
        while fingerprints[i] != 0 {
            if fingerprints[i] == f {
                let loc = locations[i]
                return (Int(loc >> 40), Int(loc & 0xFF_FFFF_FFFF))
            }
            i = (i + 1) & mask
        }
        fingerprints[i] = f
        locations[i] = UInt64(input) << 40 | UInt64(row)
        count += 1
        if count * 10 > fingerprints.count * 7 { grow() }
        return nil
    }

    private mutating func grow() {
        let oldF = fingerprints, oldL = locations
        fingerprints = [UInt64](repeating: 0, count: oldF.count * 2)
        locations = [UInt64](repeating: 0, count: oldF.count * 2)
        mask = fingerprints.count - 1
        for (j, f) in oldF.enumerated() where f != 0 {
            var i = Int(truncatingIfNeeded: f) & mask
            while fingerprints[i] != 0 { i = (i + 1) & mask }
            fingerprints[i] = f
            locations[i] = oldL[j]
        }
    }
}
