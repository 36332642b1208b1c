import Foundation

/// A private temporary folder for one request: the uploaded files are written into it so the
/// commands can read them by path as they read the clerk's own files, and it is removed when the
/// request is done. mkdtemp creates it mode 0700 with an unguessable name; the files are 0600.
/// It is never inside the rules folder (the system temporary folder is used, or $TMPDIR).
final class Workspace {
    let path: String

    init() throws {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/govrules-desk-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw DeskError.internalError("无法创建临时目录（\(base)）：\(String(cString: strerror(errno)))")
        }
        path = String(cString: made)
        LiveWorkspaces.shared.insert(path)
    }

    /// Writes `data` as `name` (a bare file name) and returns its path.
    func write(_ data: Data, as name: String) throws -> String {
        let p = path + "/" + name
        guard FileManager.default.createFile(atPath: p, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw DeskError.internalError("无法写入临时文件 \(name)")
        }
        return p
    }

    func read(_ name: String) -> Data? { FileManager.default.contents(atPath: path + "/" + name) }

    /// Replaces this folder's path in text a command wrote (explain names the ledger it read),
    /// so the clerk sees the file name as uploaded. The path holds a random part, so it cannot
    /// occur in the clerk's own data by chance.
    func unprefix(_ text: String) -> String { text.replacingOccurrences(of: path + "/", with: "") }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
        LiveWorkspaces.shared.remove(path)
    }

    /// Runs `body` with a fresh workspace, removed afterwards whatever happens.
    static func with<T>(_ body: (Workspace) throws -> T) throws -> T {
        let w = try Workspace()
        return try withExtendedLifetime(w) { try body(w) }
    }
}

/// The workspaces in use, so that a signal stopping the server can remove them too.
final class LiveWorkspaces: @unchecked Sendable {
    static let shared = LiveWorkspaces()
    private let lock = NSLock()
    private var paths: Set<String> = []

    func insert(_ p: String) { lock.lock(); paths.insert(p); lock.unlock() }
    func remove(_ p: String) { lock.lock(); paths.remove(p); lock.unlock() }

    func removeAll() {
        lock.lock()
        let all = paths
        paths = []
        lock.unlock()
        for p in all { try? FileManager.default.removeItem(atPath: p) }
    }
}

enum DeskError: Error {
    case internalError(String)
}

/// What `govrules serve` does when a signal stops it.
public enum DeskShutdown {
    /// Removes the temporary folders of requests still running.
    public static func removeTemporaryFolders() { LiveWorkspaces.shared.removeAll() }
}
