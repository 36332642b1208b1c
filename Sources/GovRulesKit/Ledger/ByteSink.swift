/// An output sink that keeps the bytes in memory (a worker's share of the output, merged in
/// input order by the calling thread).
final class ByteSink: OutputSink {
    var bytes: [UInt8] = []
    func write(_ b: UnsafeRawBufferPointer) throws { bytes.append(contentsOf: b) }
    func commit() throws {}
    func abandon() { bytes.removeAll() }
}
