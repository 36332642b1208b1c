import Foundation

/// Runs programs other than the freshly built binary the way a user's shell would: the scripts
/// in Tests/scripts, `make install-files`, or an installed `govrules` found through PATH.
enum Tool {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        /// stdout then stderr, for failure messages.
        var output: String { stdout + stderr }
    }

    /// `program args…` looked up on PATH, from `cwd` (default: the repository root), with
    /// `environment` added to this process's environment.
    static func run(_ program: String, _ args: [String], cwd: URL? = nil,
                    environment: [String: String] = [:]) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [program] + args
        p.currentDirectoryURL = cwd ?? E2E.repoRoot
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let dir = E2E.makeTempDir(prefix: "tool")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("stdout"), err = dir.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        let o = try FileHandle(forWritingTo: out), e = try FileHandle(forWritingTo: err)
        p.standardOutput = o
        p.standardError = e
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try o.close()
        try e.close()
        return Output(status: p.terminationStatus,
                      stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}
