import CLuaSandbox
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's standard streams as a script may leave them (closed, a pipe that closes, a
/// full disk), and the signals that end a run from outside. See GovRulesFaults.h.
public enum StandardStreams {
    nonisolated(unsafe) private static var closed: (Int32, Int32, Int32) = (0, 0, 0)

    /// First thing in the executable: a closed 0/1/2 is opened on /dev/null (so no output file
    /// can take its number), and SIGINT/SIGTERM/SIGHUP/SIGPIPE remove unfinished output files.
    public static func prepare() {
        withUnsafeMutableBytes(of: &closed) { gr_streams_secure($0.baseAddress!.assumingMemoryBound(to: Int32.self)) }
        gr_signals_install()
    }

    /// Whether standard output was closed when the program started (`>&-`).
    public static var outputWasClosed: Bool { closed.1 != 0 }

    static let outputName = "标准输出"

    /// Throws when results are to go to a standard output that was closed: they would vanish.
    static func requireOutput(_ fd: Int32) throws {
        guard fd == STDOUT_FILENO, outputWasClosed else { return }
        throw Diagnostic(code: "output-stdout-closed",
            "标准输出已关闭（如命令中用了 >&-），结果无处可写，未写出任何结果；请去掉 >&-，或用 -o 指定输出文件")
    }

    /// Writes `text` to standard output; throws a `Diagnostic` when it cannot be written.
    public static func writeOutput(_ text: String) throws {
        try requireOutput(STDOUT_FILENO)
        var text = text
        try text.withUTF8 { b in
            guard let base = b.baseAddress, b.count > 0 else { return }
            try FileDescriptorWriter.writeAll(STDOUT_FILENO, base, b.count, name: outputName)
        }
    }

    /// Writes `text` to standard error, and nowhere else; a closed or broken stderr loses it.
    public static func writeError(_ text: String) {
        var text = text
        text.withUTF8 { b in
            guard let base = b.baseAddress, b.count > 0 else { return }
            try? FileDescriptorWriter.writeAll(STDERR_FILENO, base, b.count, name: "标准错误")
        }
    }
}
