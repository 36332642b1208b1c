#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Refuses, before anything is read, an output that is one of the run's inputs: `-o` naming the
/// ledger itself, a link to it, a hard link, or standard output redirected into it. The atomic
/// writer would otherwise replace the clerk's ledger (or a rule file) with the results.
public enum OutputGuard {
    /// An input and what it is, for the message ("台账", "规则文件"…).
    public struct Input {
        public let path: String
        public let role: String
        public init(_ path: String, role: String) {
            self.path = path
            self.role = role
        }
    }

    /// - Parameters:
    ///   - outputs: the files the command will write (`-o` and those derived from it).
    ///   - standardOutput: whether results go to standard output (its file is checked too).
    public static func check(outputs: [String], standardOutput: Bool, inputs: [Input]) throws {
        var identities: [(dev: UInt64, ino: UInt64, input: Input)] = []
        for input in inputs {
            var st = stat()
            if stat(input.path, &st) == 0 { identities.append((UInt64(st.st_dev), UInt64(st.st_ino), input)) }
        }
        func clash(_ st: stat) -> Input? {
            identities.first { $0.dev == UInt64(st.st_dev) && $0.ino == UInt64(st.st_ino) }?.input
        }
        var problems: [Diagnostic] = []
        for output in outputs {
            var st = stat()
            guard stat(output, &st) == 0, let input = clash(st) else { continue }
            var link = stat()
            let how = lstat(output, &link) == 0 && (link.st_mode & S_IFMT) == S_IFLNK ? "（“\(output)”是指向它的链接）"
                : output == input.path ? "" : "（两个名字指向同一个文件）"
            problems.append(Diagnostic(code: "output-is-input", file: output,
                "输出文件“\(output)”就是\(input.role)“\(input.path)”\(how)，写出结果会覆盖它；未读取、未写出任何内容。请用 -o 指定另一个文件"))
        }
        if standardOutput {
            var st = stat()
            if fstat(STDOUT_FILENO, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, let input = clash(st) {
                problems.append(Diagnostic(code: "output-is-input",
                    "标准输出被重定向到了\(input.role)“\(input.path)”（命令中的 > 或 >>），写出结果会覆盖或追加到它；未写出任何内容。请把结果重定向到另一个文件，或用 -o 指定"))
            }
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
    }

    /// The rules folder's files, as inputs.
    static func inputs(of folder: RulesFolder) -> [Input] {
        folder.sources.map { Input($0.path, role: "规则文件") }
    }
}

extension OutputFile {
    /// `-`, /dev/stdout and its other names: standard output as it is (a pipe, a terminal, a
    /// file opened for appending with `>>`), never a file to replace.
    public static func isStandardOutput(_ path: String) -> Bool {
        ["-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"].contains(path)
    }

    /// /dev/stderr, /dev/fd/N, /proc/self/fd/N: the descriptor N as it is.
    static func descriptor(named path: String) -> Int32? {
        if path == "/dev/stderr" { return STDERR_FILENO }
        if path == "/dev/stdin" { return STDIN_FILENO }
        for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
            if let n = Int32(path.dropFirst(prefix.count)), n >= 0 { return n }
        }
        return nil
    }
}
