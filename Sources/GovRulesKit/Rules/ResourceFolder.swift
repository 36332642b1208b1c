import Foundation

/// Finds the rules and report-format folders when no flag names them: `./rules` (or
/// `./reports`) in the current folder, then the copy `make install` put beside the executable
/// (`<prefix>/bin/govrules` → `<prefix>/share/govrules/rules`), then a folder next to the
/// executable itself (an unpacked archive).
public enum ResourceFolder {
    public static func locate(_ given: String?, name: String) throws -> String {
        if let given {
            guard isDirectory(given) else {
                throw Diagnostic(code: "\(name)-not-found", "目录 \(given) 不存在或不是目录（--\(name)）")
            }
            return given
        }
        let candidates = self.candidates(name: name)
        if let found = candidates.first(where: isDirectory) { return found }
        throw Diagnostic(code: "\(name)-not-found",
            "找不到 \(name)/ 目录（已查找：\(candidates.joined(separator: "、"))）；请用 --\(name) 指定，或用 make install 安装")
    }

    /// Where to look, in order.
    public static func candidates(name: String, executable: String? = Executable.path) -> [String] {
        var out = [name]
        if let executable {
            let bin = URL(fileURLWithPath: executable).deletingLastPathComponent()
            out.append(bin.deletingLastPathComponent().appendingPathComponent("share/govrules/\(name)").path)
            out.append(bin.appendingPathComponent(name).path)
        }
        return out
    }

    static func isDirectory(_ path: String) -> Bool {
        var d: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &d) && d.boolValue
    }
}

/// The running executable's real path, whatever way it was started: through PATH (argv[0] is
/// then a bare name), through a symbolic link, or by a relative path.
public enum Executable {
    public static let path: String? = locate()

    static func locate() -> String? {
        // Linux: the kernel's own answer, symlinks already resolved.
        if let p = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"), p.hasPrefix("/") {
            return p
        }
        // Elsewhere: argv[0], looked up on PATH when it holds no slash, then resolved.
        guard let arg0 = CommandLine.arguments.first, !arg0.isEmpty else { return nil }
        var candidate: String?
        if arg0.contains("/") {
            candidate = URL(fileURLWithPath: arg0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).path
        } else {
            let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            candidate = dirs.map { ($0.isEmpty ? "." : $0) + "/" + arg0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
        }
        return candidate.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
    }
}
