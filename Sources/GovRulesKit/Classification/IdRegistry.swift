#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Remembers every 申请编号 of a run, to reject duplicates, in 12 bytes per slot: a 64-bit
/// fingerprint and the id's ordinal (the how-many-th id of the run it was), in an open-addressing
/// table. Where an ordinal was in the ledgers (input, spreadsheet row) is kept as a short list of
/// breakpoints, one per input plus one per gap in the row numbers (blank lines, cells holding
/// line breaks), since rows otherwise follow one another.
///
/// History: a Dictionary of Strings took ~120 bytes per row and was most of the memory of a
/// million-row run; a 16-byte slot doubling at 70% load then peaked at 48 MiB for a million ids
/// while it grew. Now slots grow by half at 80% load (indexed by multiply-shift, so any size
/// works), and `reserve` sizes the table once from the ledger's size: about 16 MiB for a million.
///
/// Two different ids share a fingerprint with probability about n²/2⁶⁵ (3 × 10⁻⁸ for a million
/// rows); such a pair would be reported as a duplicate, naming both rows, so a clerk could see it.
struct IdRegistry: ~Copyable {
    private var fingerprints: UnsafeMutablePointer<UInt64>
    private var ordinals: UnsafeMutablePointer<UInt32>
    private var capacity: Int
    private(set) var count = 0
    /// Breakpoints, 8 bytes each: from `ordinal` on, the k-th id after it is at row `row + k`.
    /// (A ledger whose every row holds a cell with a line break has one per row.)
    private var breaks: [(ordinal: UInt32, row: UInt32)] = []
    /// Where each input's ids start (by ordinal), for the input of an ordinal.
    private var inputStarts: [(ordinal: Int, input: Int)] = []
    private var lastInput = -1, lastRow = -1

    /// `reserve` sizes for at most this many ids (60 MiB of slots): an estimate made from a
    /// ledger's first rows can be far off, and past this the table grows step by step.
    static let reserveLimit = 4_000_000

    /// Ids a run may hold, and the largest row number: both are kept in 32 bits.
    static let maximumCount = Int(UInt32.max)

    init(capacity: Int = 1024) {
        self.capacity = max(16, capacity)
        fingerprints = Self.zeroed(self.capacity)
        ordinals = .allocate(capacity: self.capacity)
    }

    deinit {
        free(fingerprints)
        ordinals.deallocate()
    }

    /// Zeroed slots from calloc: a large table comes zeroed from the kernel, page by page as it
    /// is first touched, instead of being written with zeros up front.
    private static func zeroed(_ count: Int) -> UnsafeMutablePointer<UInt64> {
        guard let p = calloc(count, MemoryLayout<UInt64>.stride) else { fatalError("out of memory for \(count) id slots") }
        return p.bindMemory(to: UInt64.self, capacity: count)
    }

    /// Eight bytes at a time (an id is a dozen bytes), each word mixed by multiply-rotate, then a
    /// 64-bit finaliser (murmur3's fmix64) to spread the bits. Deterministic across runs, unlike
    /// Swift's seeded Hasher. Never 0 (0 marks an empty slot).
    static func fingerprint(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(bytes.count)
        guard let p = bytes.baseAddress else { return finish(h) }
        let n = bytes.count
        var i = 0
        while i + 8 <= n {
            h = mix(h, UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
            i += 8
        }
        if i < n {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(p[i]) << shift
                shift += 8
                i += 1
            }
            h = mix(h, tail)
        }
        return finish(h)
    }

    @inline(__always) private static func mix(_ h: UInt64, _ w: UInt64) -> UInt64 {
        var k = w &* 0x87c3_7b91_1142_53d5
        k = (k << 31) | (k >> 33)
        k = k &* 0x4cf5_ad43_2745_937f
        let x = h ^ k
        return ((x << 27) | (x >> 37)) &* 5 &+ 0x52dc_e729
    }

    @inline(__always) private static func finish(_ x: UInt64) -> UInt64 {
        var h = x
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h == 0 ? 1 : h
    }

    @inline(__always) private static func home(_ f: UInt64, _ capacity: Int) -> Int {
        Int(truncatingIfNeeded: f.multipliedFullWidth(by: UInt64(capacity)).high)
    }

    /// Records the id; returns where it was seen before (input, row), or nil if it is new.
    /// Precondition: fewer than `maximumCount` ids so far (the caller reports a larger run).
    mutating func insert(_ id: UnsafeBufferPointer<UInt8>, input: Int, row: Int) -> (input: Int, row: Int)? {
        let f = Self.fingerprint(id)
        var i = Self.home(f, capacity)
        while fingerprints[i] != 0 {
            if fingerprints[i] == f { return location(of: Int(ordinals[i])) }
            i += 1
            if i == capacity { i = 0 }
        }
        if input != lastInput { inputStarts.append((count, input)) }
        if input != lastInput || row != lastRow + 1 {
            breaks.append((UInt32(truncatingIfNeeded: count), UInt32(truncatingIfNeeded: row)))
        }
        lastInput = input
        lastRow = row
        fingerprints[i] = f
        ordinals[i] = UInt32(truncatingIfNeeded: count)
        count += 1
        if count * 5 > capacity * 4 { resize(to: capacity + capacity / 2) }
        return nil
    }

    /// Sizes the table for `expected` ids in all, so that it need not grow (and hold its old and
    /// new slots at once) on the way there.
    mutating func reserve(_ expected: Int) {
        let expected = min(expected, Self.reserveLimit)
        let wanted = expected + expected / 4 + 16
        if wanted > capacity { resize(to: wanted) }
    }

    private func location(of ordinal: Int) -> (input: Int, row: Int) {
        /// The last element at or before `ordinal`, by binary search.
        func last<T>(_ a: [T], _ key: (T) -> Int) -> T {
            var lo = 0, hi = a.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if key(a[mid]) <= ordinal { lo = mid } else { hi = mid - 1 }
            }
            return a[lo]
        }
        let b = last(breaks) { Int($0.ordinal) }
        return (last(inputStarts) { $0.ordinal }.input, Int(b.row) + ordinal - Int(b.ordinal))
    }

    private mutating func resize(to newCapacity: Int) {
        let oldF = fingerprints, oldO = ordinals, oldCapacity = capacity
        capacity = newCapacity
        fingerprints = Self.zeroed(capacity)
        ordinals = .allocate(capacity: capacity)
        for j in 0..<oldCapacity where oldF[j] != 0 {
            var i = Self.home(oldF[j], capacity)
            while fingerprints[i] != 0 {
                i += 1
                if i == capacity { i = 0 }
            }
            fingerprints[i] = oldF[j]
            ordinals[i] = oldO[j]
        }
        free(oldF)
        oldO.deallocate()
    }
}
