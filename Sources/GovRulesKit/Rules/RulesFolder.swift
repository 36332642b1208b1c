import Foundation

/// The rules folder as the user named it: the Lua files it holds, read once.
public struct RulesFolder: Sendable {
    /// The folder as the user wrote it (`rules`, `../my-rules`), used in every message so that
    /// positions read `rules/steps.lua:42`.
    public let label: String
    public let url: URL
    /// module name (`calendar.2020`) → (display path, text)
    let sources: [(module: String, path: String, code: String)]

    /// display path → text, for explaining a syntax error at its line and column.
    var sourceTexts: [String: String] {
        Dictionary(sources.map { ($0.path, $0.code) }, uniquingKeysWith: { a, _ in a })
    }

    /// Where to look when `--rules` is not given: `./rules`, then the copy installed beside the
    /// executable (`<bin>/../share/govrules/rules`, or `<bin>/rules`).
    public static func locate(_ given: String?) throws -> RulesFolder {
        try RulesFolder(path: ResourceFolder.locate(given, name: "rules"))
    }

    public init(path: String) throws {
        var label = path
        while label.count > 1 && label.hasSuffix("/") { label.removeLast() }
        self.label = label
        self.url = URL(fileURLWithPath: path)
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
            throw Diagnostic(code: "rules-not-found", "规则目录 \(label) 不存在或不是目录")
        }
        var found: [(String, String, String)] = []
        var totalBytes = 0
        let base = url.standardizedFileURL.path
        guard let walker = fm.enumerator(atPath: base) else {
            throw Diagnostic(code: "rules-unreadable", "无法读取规则目录 \(label)")
        }
        while let rel = walker.nextObject() as? String {
            guard rel.hasSuffix(".lua") else { continue }
            let parts = rel.split(separator: "/")
            // Test tables and helper scripts are not modules.
            if parts.first == "tests" { continue }
            let module = String(rel.dropLast(4)).replacingOccurrences(of: "/", with: ".")
            // Rule files are untrusted: only regular files inside the folder (a symlink must point
            // inside it), and of a sane size, are read at all.
            let full = base + "/" + rel
            let resolved = URL(fileURLWithPath: full).resolvingSymlinksInPath().path
            let resolvedBase = URL(fileURLWithPath: base).resolvingSymlinksInPath().path
            guard resolved.hasPrefix(resolvedBase + "/") else {
                throw Diagnostic(code: "rules-outside", file: label + "/" + rel,
                    "规则文件是指向规则目录之外（\(resolved)）的链接；规则只能读取规则目录中的文件")
            }
            let attributes = try? fm.attributesOfItem(atPath: resolved)
            guard (attributes?[.type] as? FileAttributeType) == .typeRegular else {
                throw Diagnostic(code: "rules-unreadable", file: label + "/" + rel, "规则文件不是普通文件")
            }
            let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
            totalBytes += size
            guard size <= Self.maxFileBytes, totalBytes <= Self.maxTotalBytes else {
                throw Diagnostic(code: "rules-too-large", file: label + "/" + rel,
                    "规则文件过大（每个文件不超过 \(Self.maxFileBytes >> 20) MiB，规则目录合计不超过 \(Self.maxTotalBytes >> 20) MiB）")
            }
            guard let data = fm.contents(atPath: resolved) else {
                throw Diagnostic(code: "rules-unreadable", file: label + "/" + rel, "无法读取规则文件")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw Diagnostic(code: "rules-encoding", file: label + "/" + rel, "规则文件必须以 UTF-8 编码保存")
            }
            if data.first == 0x1B {
                throw Diagnostic(code: "rules-bytecode", file: label + "/" + rel, "规则文件是编译后的字节码；只接受 Lua 源代码文本")
            }
            found.append((module, label + "/" + rel, text))
        }
        found.sort { $0.0 < $1.0 }
        sources = found.map { (module: $0.0, path: $0.1, code: $0.2) }
    }

    static let maxFileBytes = 4 << 20
    static let maxTotalBytes = 32 << 20

}
