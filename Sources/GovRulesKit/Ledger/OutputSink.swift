import CLuaSandbox
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a command's output goes. Output is only final after `commit()`; `abandon()` undoes as
/// much as the destination allows (a file is left exactly as it was; standard output drops what
/// is still buffered).
public protocol OutputSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
    func commit() throws
    func abandon()
}

extension OutputSink {
    /// Writes the UTF-8 bytes of `s`.
    public func write(_ s: String) throws {
        var s = s
        try s.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }
}

/// A write buffer in front of a file descriptor, shared by the sinks.
final class FileDescriptorWriter {
    let fd: Int32
    /// The destination's name in diagnostics.
    let name: String
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var count = 0

    init(fd: Int32, name: String, capacity: Int = 64 * 1024) {
        self.fd = fd
        self.name = name
        self.capacity = capacity
        buffer = .allocate(capacity: capacity)
    }

    deinit { buffer.deallocate() }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        if count + bytes.count > capacity { try flush() }
        if bytes.count >= capacity {
            try FileDescriptorWriter.writeAll(fd, base, bytes.count, name: name)
        } else {
            UnsafeMutableRawPointer(buffer + count).copyMemory(from: base, byteCount: bytes.count)
            count += bytes.count
        }
    }

    func flush() throws {
        guard count > 0 else { return }
        let n = count
        count = 0
        try FileDescriptorWriter.writeAll(fd, UnsafeRawPointer(buffer), n, name: name)
    }

    /// Forgets buffered bytes.
    func discard() { count = 0 }

    static func writeAll(_ fd: Int32, _ start: UnsafeRawPointer, _ n: Int, name: String) throws {
        var done = 0
        while done < n {
            let w = Glibc.write(fd, start + done, n - done)
            if w >= 0 {
                done += w
                continue
            }
            let err = errno
            if err == EINTR { continue }
            if err == EAGAIN || err == EWOULDBLOCK {
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&p, 1, -1)
                continue
            }
            throw outputFailure(code: "output-write-failed", name: name, action: "写入", err)
        }
    }

    static func outputFailure(code: String, name: String, action: String, _ err: Int32) -> Diagnostic {
        let system = String(cString: strerror(err))
        let chinese: String?
        switch err {
        case ENOSPC: chinese = "磁盘空间已满"
        case EDQUOT: chinese = "超出磁盘配额"
        case EACCES, EPERM: chinese = "没有写入权限"
        case ENOENT: chinese = "所在文件夹不存在"
        case ENOTDIR: chinese = "路径中的某一级不是文件夹"
        case EISDIR: chinese = "这是一个文件夹，不是文件"
        case EROFS: chinese = "文件系统是只读的"
        case EPIPE: chinese = "接收输出的程序已经关闭"
        case EIO: chinese = "磁盘读写错误"
        default: chinese = nil
        }
        let reason = chinese.map { "\($0)（\(system)）" } ?? system
        return Diagnostic(code: code, file: name, "\(action)“\(name)”失败：\(reason)")
    }
}

/// Standard output (or another already open descriptor), buffered; the buffer is written out on
/// `commit()` (and whenever it fills). `abandon()` — or dropping the sink without committing —
/// discards what is still buffered; bytes already written cannot be taken back.
public final class StandardOutputSink: OutputSink {
    private let writer: FileDescriptorWriter

    public init(fileDescriptor: Int32 = STDOUT_FILENO, name: String = "标准输出") {
        writer = FileDescriptorWriter(fd: fileDescriptor, name: name)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        try StandardStreams.requireOutput(writer.fd)
        try writer.write(bytes)
    }

    /// Writes out the buffer.
    public func flush() throws { try writer.flush() }

    public func commit() throws {
        try StandardStreams.requireOutput(writer.fd)
        try writer.flush()
    }

    public func abandon() { writer.discard() }
}

/// Writes a file atomically: everything goes to a temporary file `.NAME.tmp-PID` in the same
/// folder, which `commit()` fsyncs and renames over `path`. `abandon()` — or deallocating the
/// sink without committing — deletes the temporary file, so `path` is left exactly as it was.
/// An existing file's permission bits are kept.
public final class AtomicFileSink: OutputSink {
    public let path: String
    public let temporaryPath: String
    private let writer: FileDescriptorWriter
    private var finished = false

    /// Creates the temporary file.
    /// - Throws: `Diagnostic` `output-open-failed` (folder missing, not writable, `path` is a folder…).
    public init(path: String) throws {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !base.isEmpty, base != ".", base != ".." else {
            throw FileDescriptorWriter.outputFailure(code: "output-open-failed", name: path, action: "创建", EISDIR)
        }
        var existing = stat()
        let exists = stat(path, &existing) == 0
        if exists && (existing.st_mode & S_IFMT) == S_IFDIR {
            throw FileDescriptorWriter.outputFailure(code: "output-open-failed", name: path, action: "创建", EISDIR)
        }
        TemporaryFiles.removeAbandoned(directory: directory, base: base)
        let stem = "\(directory).\(base).tmp-\(getpid())"
        var candidate = stem
        var fd: Int32 = -1
        var attempt = 0
        while true {
            fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 { break }
            let err = errno
            if err == EINTR { continue }
            if err == EEXIST && attempt < 1000 {
                attempt += 1
                candidate = "\(stem)-\(attempt)"
                continue
            }
            throw FileDescriptorWriter.outputFailure(code: "output-open-failed", name: path, action: "创建", err)
        }
        if exists && (existing.st_mode & S_IFMT) == S_IFREG {
            _ = fchmod(fd, existing.st_mode & 0o7777)
        }
        self.path = path
        self.temporaryPath = candidate
        self.writer = FileDescriptorWriter(fd: fd, name: path)
        cleanupSlot = gr_cleanup_add(candidate)
    }

    /// Where the temporary file is registered for removal if a signal or the row timeout ends
    /// the process (-1: not registered; the next run's sweep removes it).
    private let cleanupSlot: Int32

    deinit {
        if !finished { abandon() }
        gr_cleanup_remove(cleanupSlot)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(!finished, "AtomicFileSink written after commit() or abandon()")
        try writer.write(bytes)
    }

    /// Flushes, fsyncs and renames the temporary file onto `path`. On failure the temporary file
    /// is removed and `path` is untouched.
    public func commit() throws {
        precondition(!finished, "AtomicFileSink committed after commit() or abandon()")
        do {
            try writer.flush()
            if fsync(writer.fd) != 0 {
                let err = errno
                if err != EINVAL && err != EROFS { // not syncable (e.g. special file): nothing to do
                    throw FileDescriptorWriter.outputFailure(code: "output-write-failed", name: path, action: "写入", err)
                }
            }
        } catch {
            abandon()
            throw error
        }
        finished = true
        if close(writer.fd) != 0 && errno != EINTR {
            let err = errno
            unlink(temporaryPath)
            throw FileDescriptorWriter.outputFailure(code: "output-write-failed", name: path, action: "写入", err)
        }
        if rename(temporaryPath, path) != 0 {
            let err = errno
            unlink(temporaryPath)
            throw FileDescriptorWriter.outputFailure(code: "output-write-failed", name: path, action: "保存", err)
        }
        gr_cleanup_remove(cleanupSlot)
        // Make the rename itself durable (best effort).
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? "."
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }

    /// Deletes the temporary file; `path` keeps its previous content (or stays absent).
    public func abandon() {
        guard !finished else { return }
        finished = true
        writer.discard()
        close(writer.fd)
        unlink(temporaryPath)
        gr_cleanup_remove(cleanupSlot)
    }
}

/// Standard output that shows nothing until the run has succeeded: bytes go to an unlinked
/// temporary file (so memory stays flat however large the output), which `commit()` copies to
/// standard output. A run that fails on its last row leaves standard output empty, as it leaves
/// an `-o` file untouched.
public final class SpooledStandardOutputSink: OutputSink {
    private let spoolFD: Int32
    private let writer: FileDescriptorWriter
    private let target: Int32
    private let name: String
    private let closeTarget: Bool
    private var closed = false

    public init(fileDescriptor: Int32 = STDOUT_FILENO, name: String = "标准输出", closeTarget: Bool = false) throws {
        try StandardStreams.requireOutput(fileDescriptor)
        self.closeTarget = closeTarget
        let dir = ProcessInfoTemporaryDirectory.path
        var template = Array((dir + "/govrules-spool-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 { throw FileDescriptorWriter.outputFailure(code: "output-open-failed", name: dir, action: "创建临时文件于", errno) }
        let path = String(cString: template)
        unlink(path)
        spoolFD = fd
        target = fileDescriptor
        self.name = name
        writer = FileDescriptorWriter(fd: fd, name: name)
    }

    deinit {
        if !closed { close(spoolFD) }
        if closeTarget { close(target) }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws { try writer.write(bytes) }

    public func commit() throws {
        try writer.flush()
        guard lseek(spoolFD, 0, SEEK_SET) == 0 else {
            throw FileDescriptorWriter.outputFailure(code: "output-write-failed", name: name, action: "读回", errno)
        }
        let size = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(spoolFD, buffer, size)
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileDescriptorWriter.outputFailure(code: "output-write-failed", name: name, action: "读回", errno)
            }
            try FileDescriptorWriter.writeAll(target, buffer, n, name: name)
        }
        close(spoolFD)
        closed = true
    }

    public func abandon() {
        writer.discard()
        if !closed { close(spoolFD); closed = true }
    }
}

/// `$TMPDIR`, else /tmp.
enum ProcessInfoTemporaryDirectory {
    static var path: String {
        if let t = getenv("TMPDIR"), t.pointee != 0 {
            var s = String(cString: t)
            while s.count > 1 && s.hasSuffix("/") { s.removeLast() }
            return s
        }
        return "/tmp"
    }
}

/// Where `-o PATH` output goes.
///
/// - A regular file, or a new one: written atomically (`AtomicFileSink`). A symbolic link is
///   followed, so the file it points to is replaced and the link is kept.
/// - Anything else that exists (a device such as /dev/stdout, a FIFO): it cannot be replaced, so
///   the output is spooled and written into it only when the run succeeds. Renaming over it would
///   replace the device node itself.
public enum OutputFile {
    public static func open(path: String) throws -> OutputSink {
        // An open descriptor by name: written as it is, never replaced (following the link
        // would give /proc's name of a pipe, or replace the file a `>>` appends to).
        if isStandardOutput(path) { return try SpooledStandardOutputSink() }
        if let fd = descriptor(named: path) {
            return try SpooledStandardOutputSink(fileDescriptor: fd, name: path)
        }
        // Follow symbolic links (also to a file that does not exist yet), a few levels deep.
        var target = path
        for _ in 0..<16 {
            var link = stat()
            guard lstat(target, &link) == 0, (link.st_mode & S_IFMT) == S_IFLNK else { break }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(target, &buffer, Int(PATH_MAX))
            guard n > 0 else { break }
            let destination = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if destination.hasPrefix("/") {
                target = destination
            } else if let slash = target.lastIndex(of: "/") {
                target = String(target[...slash]) + destination
            } else {
                target = destination
            }
        }
        var st = stat()
        if stat(target, &st) == 0 {
            let kind = st.st_mode & S_IFMT
            if kind != S_IFREG && kind != S_IFDIR {
                let fd = Glibc.open(target, O_WRONLY | O_CLOEXEC)
                if fd < 0 { throw FileDescriptorWriter.outputFailure(code: "output-open-failed", name: path, action: "打开", errno) }
                return try SpooledStandardOutputSink(fileDescriptor: fd, name: path, closeTarget: true)
            }
        }
        return try AtomicFileSink(path: target)
    }
}

/// Temporary output files (`.NAME.tmp-PID`, `.NAME.tmp-PID-N`) left by a run that was killed
/// before it could remove them (SIGKILL, a power cut).
enum TemporaryFiles {
    /// Removes the abandoned temporary files of the output `path`.
    static func removeAbandoned(of path: String) {
        let slash = path.lastIndex(of: "/")
        removeAbandoned(directory: slash.map { String(path[...$0]) } ?? "",
                        base: slash.map { String(path[path.index(after: $0)...]) } ?? path)
    }

    /// Removes those beside `base` in `directory` whose process is gone. A live process's file
    /// (another run writing the same output right now) is left alone.
    static func removeAbandoned(directory: String, base: String) {
        guard let dir = opendir(directory.isEmpty ? "." : directory) else { return }
        defer { closedir(dir) }
        let prefix = Array(".\(base).tmp-".utf8)
        while let entry = readdir(dir) {
            // Read the name where it lies: copying `entry.pointee` would read sizeof(dirent) bytes,
            // past the end of a short record at the end of readdir's buffer (a crash).
            let namePointer = (UnsafeRawPointer(entry) + MemoryLayout<dirent>.offset(of: \dirent.d_name)!)
                .assumingMemoryBound(to: CChar.self)
            let name = Array(UnsafeRawBufferPointer(start: namePointer, count: strlen(namePointer)).bindMemory(to: UInt8.self))
            guard name.count > prefix.count, name.starts(with: prefix) else { continue }
            // PID, then optionally "-N"; nothing else.
            let rest = name[prefix.count...]
            let digits = rest.prefix { $0 >= 48 && $0 <= 57 }
            guard !digits.isEmpty, digits.count <= 10, let pid = Int32(String(decoding: digits, as: UTF8.self)) else { continue }
            let tail = rest.dropFirst(digits.count)
            if !tail.isEmpty {
                guard tail.first == UInt8(ascii: "-"), tail.count > 1, tail.dropFirst().allSatisfy({ $0 >= 48 && $0 <= 57 }) else { continue }
            }
            if pid == getpid() { continue }
            if pid > 0 && (kill(pid, 0) == 0 || errno == EPERM) { continue }   // still running
            unlink(directory + String(decoding: name, as: UTF8.self))
        }
    }
}
