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
        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t? = nil
        var attributes: posix_spawnattr_t? = nil
        #else
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // Its own process group, default signal dispositions and an empty mask (the test
        // process may block or ignore some).
        var all = sigset_t()
        sigfillset(&all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        let words = [path] + args
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let rc = argv.withUnsafeBufferPointer { buffer in
            posix_spawn(&pid, path, &actions, &attributes, buffer.baseAddress!, environ)
        }
        if rc != 0 { errno = rc; return nil }
        return pid
    }
}
