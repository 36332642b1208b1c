import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the built binary the ways the fault tests need that `E2E.run` does not offer: inside a
/// shell command line (closed streams, pipes, `>>`), or started in the background to be sent a
/// signal.
enum FaultRun {
    struct Ended {
        /// The exit status, when the process exited.
        var status: Int32?
        /// The signal that ended it, when one did.
        var signal: Int32?
        var stdout: String
        var stderr: String
    }

    /// Runs `script` with /bin/sh in `dir`; `$G` is the govrules binary. stdout and stderr of the
    /// shell are captured.
    static func shell(_ script: String, in dir: URL, sourceLocation: SourceLocation = #_sourceLocation) -> Ended {
        guard let binary = E2E.binary else {
            Issue.record("govrules executable not found", sourceLocation: sourceLocation)
            return Ended(status: nil, signal: nil, stdout: "", stderr: "")
        }
        let out = dir.appendingPathComponent(".sh-stdout-\(UUID().uuidString)").path
        let err = dir.appendingPathComponent(".sh-stderr-\(UUID().uuidString)").path
        defer { unlink(out); unlink(err) }
        guard let pid = spawn("/bin/sh", ["-c", "cd \"$1\" && G=\"$2\" && eval \"$3\"", "sh", dir.path, binary.path, script],
                              stdout: out, stderr: err) else {
            Issue.record("could not start /bin/sh", sourceLocation: sourceLocation)
            return Ended(status: nil, signal: nil, stdout: "", stderr: "")
        }
        var e = wait(pid, timeout: E2E.timeout, sourceLocation: sourceLocation)
        e.stdout = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        e.stderr = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        return e
    }

    /// Starts `govrules args…` in the background, its output going to the given files.
    static func start(_ args: [String], stdout: String, stderr: String) -> pid_t? {
        guard let binary = E2E.binary else { return nil }
        return spawn(binary.path, args, stdout: stdout, stderr: stderr)
    }

    /// Waits for `pid`; kills it (and records an issue) after `timeout` seconds.
    static func wait(_ pid: pid_t, timeout: TimeInterval, sourceLocation: SourceLocation = #_sourceLocation) -> Ended {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while true {
            let w = waitpid(pid, &status, WNOHANG)
            if w == pid { break }
            if w == -1 && errno != EINTR { break }
            if Date() >= deadline {
                Issue.record("process did not finish within \(Int(timeout)) s and was killed", sourceLocation: sourceLocation)
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                break
            }
            usleep(2_000)
        }
        let signal = status & 0x7f
        return Ended(status: signal == 0 ? (status >> 8) & 0xff : nil, signal: signal == 0 ? nil : signal, stdout: "", stderr: "")
    }

    private static func spawn(_ path: String, _ args: [String], stdout: String, stderr: String) -> pid_t? {
        E2E.spawn(path, args, directory: nil, stdin: "/dev/null", stdout: stdout, stderr: stderr)
    }
}
