import Foundation
import ZIPFoundation

/// How far a workbook's parts may inflate. A zip bomb (a few kilobytes that inflate to
/// gigabytes) is refused as soon as it passes a bound, while it inflates: the sizes the zip
/// declares are checked too, but never trusted.
public enum XLSXLimits {
    /// A worksheet: Excel's largest sheet (1,048,576 rows) of a 30-column ledger is about 3 GiB.
    public static let sheetBytes: Int64 = 8 << 30
    /// Any other part (workbook, relationships, styles, shared strings).
    public static let partBytes: Int64 = 512 << 20
    /// Past `ratioFloor` inflated bytes, a part may be at most this many times its compressed
    /// size. Real worksheets compress 5 to 50 times; deflate's own maximum is about 1032.
    public static let ratio: Int64 = 400
    public static let ratioFloor: Int64 = 8 << 20
    /// The shared-string table is held in memory (cells refer to it by index): its text is capped.
    public static let sharedStringBytes = 512 << 20
}

/// A workbook's zip package: parts found through the relationship files, read as streams with
/// the bounds above.
final class XLSXPackage {
    let path: String
    private let archive: Archive
    private var entries: [String: Entry] = [:]
    private var lowercased: [String: Entry] = [:]

    init(path: String) throws {
        self.path = path
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw XLSXError.corrupt(path, "无法读取压缩包的目录（文件不完整或已损坏）")
        }
        for entry in archive where entry.type == .file {
            entries[entry.path] = entry
            lowercased[entry.path.lowercased()] = entry
        }
        if entries.isEmpty { throw XLSXError.corrupt(path, "压缩包中没有任何文件") }
    }

    /// Part names in OPC are case-insensitive; zip names are not.
    func has(_ part: String) -> Bool { entry(part) != nil }

    private func entry(_ part: String) -> Entry? { entries[part] ?? lowercased[part.lowercased()] }

    var partNames: [String] { entries.keys.sorted() }

    /// Calls `body` with the part's bytes as they inflate; refuses a part that inflates past its
    /// bound. `checkCRC`: false for a quick pass over a part that is read again properly later.
    func stream(_ part: String, limit: Int64, checkCRC: Bool = true,
                _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let entry = entry(part) else { throw XLSXError.corrupt(path, "缺少部件 \(part)") }
        let compressed = Int64(clamping: entry.compressedSize)
        if Int64(clamping: entry.uncompressedSize) > limit {
            throw XLSXError.bomb(path, part: part, reason: "声明的解压后大小 \(XLSXError.size(Int64(clamping: entry.uncompressedSize))) 超过上限 \(XLSXError.size(limit))")
        }
        var inflated: Int64 = 0
        do {
            _ = try archive.extract(entry, bufferSize: 64 * 1024, skipCRC32: !checkCRC) { data in
                inflated += Int64(data.count)
                if inflated > limit {
                    throw XLSXError.bomb(path, part: part, reason: "解压后超过上限 \(XLSXError.size(limit))")
                }
                if inflated > XLSXLimits.ratioFloor && inflated > XLSXLimits.ratio * max(compressed, 1) {
                    throw XLSXError.bomb(path, part: part, reason: "压缩比超过 \(XLSXLimits.ratio):1（压缩后 \(XLSXError.size(compressed))，已解压 \(XLSXError.size(inflated))）")
                }
                try data.withUnsafeBytes { try body($0) }
            }
        } catch let e as XLSXError {
            throw e
        } catch let e as Diagnostic {
            throw e
        } catch let e as DiagnosticList {
            throw e
        } catch let e as XMLPushParser.SyntaxError {
            throw XLSXError.corrupt(path, "部件 \(e.part) 第\(e.line)行：\(e.message)")
        } catch is XLSXCancelled {
            throw XLSXCancelled()
        } catch {
            throw XLSXError.corrupt(path, "部件 \(part) 解压失败（\(Self.describe(error))）")
        }
    }

    /// Parses a part with `handler`, as it inflates.
    func parse(_ part: String, limit: Int64 = XLSXLimits.partBytes, handler: XMLEventHandler) throws {
        let parser = XMLPushParser(part: part, handler: handler)
        try stream(part, limit: limit) { try parser.feed($0) }
        do { try parser.finish() } catch let e as XMLPushParser.SyntaxError {
            throw XLSXError.corrupt(path, "部件 \(e.part) 第\(e.line)行：\(e.message)")
        }
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case Archive.ArchiveError.invalidCRC32: return "校验和不符，数据已损坏"
        case Archive.ArchiveError.invalidCompressionMethod: return "不支持的压缩方式"
        case let e as Archive.ArchiveError: return "压缩包结构错误：\(e)"
        default: return "数据已损坏：\(error)"
        }
    }

    // MARK: Relationships

    struct Relationship {
        var id: String
        var type: String
        /// The target as a part name (no leading slash), resolved against the source part.
        var target: String
    }

    /// The relationships of `part` (`""` for the package itself), from its `_rels/*.rels`.
    func relationships(of part: String) throws -> [Relationship] {
        let folder = part.contains("/") ? String(part[..<part.lastIndex(of: "/")!]) : ""
        let name = part.split(separator: "/").last.map(String.init) ?? ""
        let relsPart = (folder.isEmpty ? "" : folder + "/") + "_rels/" + name + ".rels"
        guard has(relsPart) else { return [] }
        let handler = RelationshipsHandler()
        try parse(relsPart, handler: handler)
        return handler.items.compactMap { item in
            guard !item.external else { return nil }
            return Relationship(id: item.id, type: item.type, target: Self.resolve(item.target, from: folder))
        }
    }

    /// A relationship target relative to `folder`, or absolute (`/xl/worksheets/sheet1.xml`).
    static func resolve(_ target: String, from folder: String) -> String {
        var parts: [Substring] = target.hasPrefix("/") ? [] : folder.split(separator: "/")
        let decoded = target.removingPercentEncoding ?? target
        for piece in decoded.split(separator: "/") {
            if piece == "." || piece.isEmpty { continue }
            if piece == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(piece)
        }
        return parts.joined(separator: "/")
    }

    private final class RelationshipsHandler: XMLEventHandler {
        var items: [(id: String, type: String, target: String, external: Bool)] = []
        var failure: Error?
        func start(_ name: XMLName, _ a: XMLAttributes) {
            guard name.is("Relationship") else { return }
            items.append((a.string("Id") ?? "", a.string("Type") ?? "", a.string("Target") ?? "",
                          a.string("TargetMode")?.lowercased() == "external"))
        }
        func end(_ name: XMLName) {}
        func text(_ bytes: UnsafeBufferPointer<UInt8>) {}
    }
}

/// A bad workbook, phrased for the clerk.
enum XLSXError: Error {
    case corrupt(String, String)
    case bomb(String, part: String, reason: String)

    var diagnostic: Diagnostic {
        switch self {
        case .corrupt(let file, let what):
            return Diagnostic(code: "xlsx-corrupt", file: file,
                "Excel工作簿已损坏，无法读取：\(what)。请在Excel/WPS中打开后重新“另存为”.xlsx，或另存为CSV。")
        case .bomb(let file, let part, let reason):
            return Diagnostic(code: "xlsx-too-large", file: file,
                "工作簿的部件 \(part) \(reason)，疑似“压缩炸弹”，已拒绝读取。正常的台账远小于此；如确是真实台账，请分成几个文件。")
        }
    }

    static func size(_ n: Int64) -> String {
        if n >= 1 << 30 { return String(format: "%.1f GiB", Double(n) / Double(1 << 30)) }
        if n >= 1 << 20 { return String(format: "%.1f MiB", Double(n) / Double(1 << 20)) }
        return "\(n) 字节"
    }
}

/// Thrown inside a producer thread when its reader went away.
struct XLSXCancelled: Error {}
