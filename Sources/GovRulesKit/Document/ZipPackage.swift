import Foundation
import ZIPFoundation

/// Writes an OPC package (.docx) as a zip in memory: the parts in the order given, each deflated,
/// every timestamp 1980-01-01 00:00 (the earliest a zip can say), fixed permissions. The same
/// parts therefore always give the same bytes, whenever and wherever they are written. (The desk
/// also uses it for a download of several letters.)
public enum ZipPackage {
    static let fixedDate = Date(timeIntervalSince1970: 315_532_800)

    public static func write(_ parts: [(path: String, data: Data)]) throws -> Data {
        let archive: Archive
        do {
            archive = try Archive(data: Data(), accessMode: .create)
        } catch {
            throw Diagnostic(code: "docx-write", "无法创建 .docx 压缩包：\(error)")
        }
        for part in parts {
            let data = part.data
            do {
                try archive.addEntry(with: part.path, type: .file, uncompressedSize: Int64(data.count),
                                     modificationDate: fixedDate, permissions: 0o644, compressionMethod: .deflate,
                                     provider: { position, size in
                                         let start = Int(position)
                                         return data.subdata(in: start..<min(data.count, start + size))
                                     })
            } catch {
                throw Diagnostic(code: "docx-write", "无法写入 .docx 的部件 \(part.path)：\(error)")
            }
        }
        guard let bytes = archive.data else {
            throw Diagnostic(code: "docx-write", "无法取得 .docx 压缩包的内容。")
        }
        return bytes
    }
}
