// Runs the built `govrules` executable the way a clerk or a script does, in the spirit of
// swift-argument-parser's AssertExecuteCommand: arguments in, stdout / stderr / exit status out.
//
// The executable is looked up next to the test bundle (any --scratch-path works: we walk up from
// the running test binary until a folder holds a `govrules` executable). GOVRULES_BIN overrides.

import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one run of the executable produced.
struct GovrulesOutput {
    var stdoutData: Data
    var stderrData: Data
    var status: Int32
    var timedOut: Bool
    var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
    var stderr: String { String(decoding: stderrData, as: UTF8.self) }
    /// stderr split into lines, empty lines dropped.
    var stderrLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
}

enum E2E {
    /// The package root (…/Tests/EndToEndTests/Support/RunGovrules.swift → …).
    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // Support
        .deletingLastPathComponent()   // EndToEndTests
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()

    static let fixturesDir: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// A fixture's path relative to the repository root (the default working directory), so the
    /// file names printed in diagnostics are short and predictable.
    static func fixture(_ name: String) -> String {
        let path = "Tests/EndToEndTests/Fixtures/\(name)"
        precondition(FileManager.default.fileExists(atPath: repoRoot.appendingPathComponent(path).path),
                     "missing fixture \(path)")
        return path
    }

    /// A run longer than this is killed and fails its test (GOVRULES_E2E_TIMEOUT overrides).
    static let timeout: TimeInterval = ProcessInfo.processInfo.environment["GOVRULES_E2E_TIMEOUT"]
        .flatMap(TimeInterval.init) ?? 60

    /// The `govrules` executable of the build that produced this test bundle.
    static let binary: URL? = locateBinary()

    private static func isExecutableFile(_ url: URL) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && !isDir.boolValue
            && FileManager.default.isExecutableFile(atPath: url.path)
    }

    private static func locateBinary() -> URL? {
        let env = ProcessInfo.processInfo.environment
        if let override = env["GOVRULES_BIN"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        var starts: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            starts.append(URL(fileURLWithPath: exe))
        }
        if let exe = Bundle.main.executableURL { starts.append(exe) }
        starts.append(Bundle.main.bundleURL)
        if let arg0 = CommandLine.arguments.first, arg0.contains("/") {
            starts.append(URL(fileURLWithPath: arg0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)))
        }
        for start in starts {
            var dir = start.standardizedFileURL.resolvingSymlinksInPath()
            // Walk up: on Linux the .xctest is a file inside debug/, on macOS a bundle inside it.
            for _ in 0..<6 {
                let candidate = dir.appendingPathComponent("govrules")
                if isExecutableFile(candidate) { return candidate }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                // Do not climb out of the build products folder.
                if ["debug", "release"].contains(dir.lastPathComponent) { break }
                dir = parent
            }
        }
        let fallback = repoRoot.appendingPathComponent(".build/debug/govrules")
        return isExecutableFile(fallback) ? fallback : nil
    }

    /// Runs `govrules args…` with `cwd` (default: the repository root, so `./rules` resolves),
    /// feeding `stdin` if given (else /dev/null). A run longer than the timeout (60 s) is killed
    /// — with its whole process group — and recorded as a test failure.
    ///
    /// Uses posix_spawn + waitpid rather than Foundation.Process: on Linux, Process only notices
    /// the end of a child when every descendant has closed an inherited descriptor, so a killed
    /// hang could still block `waitUntilExit()`.
    static func run(_ args: [String], cwd: URL? = nil, stdin: String? = nil,
                    sourceLocation: SourceLocation = #_sourceLocation) -> GovrulesOutput {
        let none = GovrulesOutput(stdoutData: Data(), stderrData: Data(), status: -1, timedOut: false)
        guard let binary else {
            Issue.record("govrules executable not found next to the test bundle; build it with `swift build --scratch-path …` (or set GOVRULES_BIN)",
                         sourceLocation: sourceLocation)
            return none
        }
        let scratch = makeTempDir(prefix: "run")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outPath = scratch.appendingPathComponent("stdout").path
        let errPath = scratch.appendingPathComponent("stderr").path
        var inPath = "/dev/null"
        if let stdin {
            inPath = scratch.appendingPathComponent("stdin").path
            do { try Data(stdin.utf8).write(to: URL(fileURLWithPath: inPath)) } catch {
                Issue.record("could not write stdin: \(error)", sourceLocation: sourceLocation)
                return none
            }
        }
        let directory = (cwd ?? repoRoot).path

        let commandLine = "govrules " + args.joined(separator: " ")
        guard let pid = spawn(binary.path, args, directory: directory, stdin: inPath, stdout: outPath, stderr: errPath) else {
            Issue.record("could not start \(binary.path): \(String(cString: strerror(errno)))", sourceLocation: sourceLocation)
            return none
        }
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        var timedOut = false
        while true {
            let w = waitpid(pid, &status, WNOHANG)
            if w == pid { break }
            if w == -1 && errno != EINTR {
                Issue.record("waitpid failed: \(String(cString: strerror(errno)))", sourceLocation: sourceLocation)
                return none
            }
            if Date() >= deadline {
                timedOut = true
                kill(-pid, SIGKILL)   // the child's own process group: it and anything it started
                kill(pid, SIGKILL)
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                break
            }
            usleep(2_000)
        }
        let signal = status & 0x7f
        let exitStatus = (status >> 8) & 0xff
        let result = GovrulesOutput(stdoutData: (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data(),
                                    stderrData: (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data(),
                                    status: timedOut || signal != 0 ? -1 : exitStatus, timedOut: timedOut)
        if timedOut {
            Issue.record("`\(commandLine)` did not finish within \(Int(timeout)) s and was killed",
                         sourceLocation: sourceLocation)
        } else if signal != 0 {
            Issue.record("`\(commandLine)` died from signal \(signal)\nstderr:\n\(result.stderr)",
                         sourceLocation: sourceLocation)
        }
        return result
    }

    /// posix_spawn in a new process group, with the three standard descriptors set and, when
    /// `directory` is given, that working directory.
    static func spawn(_ path: String, _ args: [String], directory: String?,
                      stdin: String, stdout: String, stderr: String) -> pid_t? {
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
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // Its own process group, default signal dispositions and an empty mask (the test
        // process may block or ignore some), so govrules meets signals as a shell starts it.
        var all = sigset_t()
        sigfillset(&all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)

        // posix_spawn_file_actions_addchdir_np is not visible from Swift's Glibc module: change
        // directory in a shell that then execs the binary (same pid, no quoting issues).
        let shell = "/bin/sh"
        let program = directory == nil ? path : shell
        let words = directory.map { [shell, "-c", "cd \"$0\" && exec \"$@\"", $0, path] + args } ?? [path] + args
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let rc = argv.withUnsafeBufferPointer { buffer in
            posix_spawn(&pid, program, &actions, &attributes, buffer.baseAddress!, environ)
        }
        if rc != 0 { errno = rc; return nil }
        return pid
    }

    /// A fresh empty folder under the system temporary directory.
    static func makeTempDir(prefix: String) -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("govrules-e2e-\(prefix)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A temp folder holding a copy of the shipped rules folder as `rules/`.
    static func copyOfRules() throws -> URL {
        let dir = makeTempDir(prefix: "rules")
        try FileManager.default.copyItem(at: repoRoot.appendingPathComponent("rules"),
                                         to: dir.appendingPathComponent("rules"))
        return dir
    }

    static func listing(_ dir: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
    }
}

/// The helper the brief asks for: `(stdout, stderr, status)` of one run.
func runGovrules(_ args: [String], cwd: URL? = nil, stdin: String? = nil,
                 sourceLocation: SourceLocation = #_sourceLocation) -> (stdout: String, stderr: String, status: Int32) {
    let r = E2E.run(args, cwd: cwd, stdin: stdin, sourceLocation: sourceLocation)
    return (r.stdout, r.stderr, r.status)
}

// MARK: - Small parsers for checking outputs

enum CSVText {
    /// RFC 4180: quoted fields may hold commas, quotes ("") and line breaks; LF or CRLF records.
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = String.UnicodeScalarView()
        var inQuotes = false
        var fieldStarted = false
        var it = Array(text.unicodeScalars)
        if it.first == "\u{FEFF}" { it.removeFirst() }
        var i = 0
        func endField() { record.append(String(field)); field = String.UnicodeScalarView(); fieldStarted = false }
        while i < it.count {
            let c = it[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < it.count && it[i + 1] == "\"" { field.append("\""); i += 2; continue }
                    inQuotes = false
                } else {
                    field.append(c)
                }
                i += 1
                continue
            }
            switch c {
            case "\"": inQuotes = true; fieldStarted = true
            case ",": endField(); fieldStarted = true
            case "\r":
                if i + 1 < it.count && it[i + 1] == "\n" { i += 1 }
                endField(); records.append(record); record = []
            case "\n":
                endField(); records.append(record); record = []
            default: field.append(c); fieldStarted = true
            }
            i += 1
        }
        if fieldStarted || !field.isEmpty || !record.isEmpty { endField(); records.append(record) }
        return records
    }

    /// Records as dictionaries keyed by the header row.
    static func table(_ text: String) -> (header: [String], rows: [[String: String]]) {
        let records = parse(text)
        guard let header = records.first else { return ([], []) }
        let rows = records.dropFirst().map { r -> [String: String] in
            var d: [String: String] = [:]
            for (i, h) in header.enumerated() where i < r.count { d[h] = r[i] }
            return d
        }
        return (header, rows)
    }
}

enum JSONLines {
    /// Each non-empty line parsed as a JSON object; nil entries for lines that are not objects.
    static func parse(_ text: String) -> [[String: Any]?] {
        text.split(separator: "\n", omittingEmptySubsequences: true).map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }
}

/// The result columns of classify, in order (cli.md).
let resultColumns = ["outcome", "outcome_label", "basis", "recorded", "regime", "start", "due",
                     "final_due", "status", "warnings", "step"]

/// Keys every JSON line must carry (cli.md).
let jsonKeys = ["id", "outcome", "outcome_label", "basis", "recorded", "regime", "start", "due",
                "final_due", "status", "warnings"]

/// `FILE:ROW: error[CODE]: …` lines of stderr for one file.
func errorLines(_ stderr: String, file: String, row: Int? = nil, code: String? = nil) -> [String] {
    stderr.split(separator: "\n").map(String.init).filter { line in
        let prefix = row.map { "\(file):\($0): error[" } ?? "\(file)"
        guard line.hasPrefix(prefix) else { return false }
        if let code { return line.contains("error[\(code)]: ") }
        return line.contains("error[")
    }
}
