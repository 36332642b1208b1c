import Foundation

/// `govrules letters LEDGER… (--id ID… | --from DATE --to DATE) -o DIR [--format docx|txt]`:
/// every letter the chosen applications get, one file each, written into DIR all at once.
public struct LettersCommandOptions: Sendable {
    public enum Format: String, Sendable, CaseIterable { case docx, txt }
    public var letters: LetterOptions
    public var output: String
    public var format: Format = .docx
    public init(letters: LetterOptions, output: String) {
        self.letters = letters
        self.output = output
    }
}

public enum LettersCommand {
    public static func run(_ o: LettersCommandOptions) -> CommandOutcome {
        do {
            // `-o letters/` in the folder that holds the templates would name the templates folder.
            if let templates = try? ResourceFolder.locate(o.letters.letters, name: "letters"),
               URL(fileURLWithPath: templates).standardizedFileURL.resolvingSymlinksInPath().path
                == URL(fileURLWithPath: o.output).standardizedFileURL.resolvingSymlinksInPath().path {
                throw Diagnostic(code: "letters-output", file: o.output,
                    "输出目录就是文书模板目录（\(templates)）；文书不能写进模板目录，请另选一个目录，如 -o 文书-2024/")
            }
            let batch = try LetterMaker.make(o.letters)
            var files: [(String, Data)] = []
            for l in batch.letters {
                files.append((l.baseName + "." + o.format.rawValue, try LetterFiles.data(l, format: o.format)))
            }
            try LetterFiles.writeFolder(o.output, files: files)
            var shown = o.output
            while shown.count > 1 && shown.hasSuffix("/") { shown.removeLast() }
            var report = "已制作文书 \(batch.letters.count) 封，写入 \(shown)/"
            let kinds = Dictionary(grouping: batch.letters, by: \.kind).map { ($0.key, $0.value.count) }.sorted { $0.0 < $1.0 }
            if !kinds.isEmpty { report += "（" + kinds.map { "\($0.0) \($0.1)" }.joined(separator: "，") + "）" }
            return CommandOutcome(status: 0, diagnostics: batch.warnings, report: report + "\n")
        } catch {
            return .failure(error)
        }
    }
}

public enum LetterFiles {
    /// One letter as a file's bytes.
    public static func data(_ l: GeneratedLetter, format: LettersCommandOptions.Format) throws -> Data {
        switch format {
        case .txt: return Data(l.document.text.utf8)
        case .docx: return try LetterDocx.data(l)
        }
    }

    /// Writes the files into `dir` all at once: they go into a new folder beside it, which then
    /// takes its place. An existing `dir` is replaced only when it holds nothing but letters
    /// (.docx and .txt files); on any error it is left as it was.
    public static func writeFolder(_ dir: String, files: [(String, Data)]) throws {
        let fm = FileManager.default
        var target = dir
        while target.count > 1 && target.hasSuffix("/") { target.removeLast() }
        let url = URL(fileURLWithPath: target)
        let parent = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        var isDir: ObjCBool = false
        let exists = fm.fileExists(atPath: target, isDirectory: &isDir)
        if exists {
            guard isDir.boolValue else {
                throw Diagnostic(code: "letters-output", file: target, "输出位置已存在且不是目录；请用 -o 指定一个目录")
            }
            let entries = (try? fm.contentsOfDirectory(atPath: target)) ?? []
            if let other = entries.sorted().first(where: { e in
                var d: ObjCBool = false
                fm.fileExists(atPath: target + "/" + e, isDirectory: &d)
                return d.boolValue || !(e.hasSuffix(".docx") || e.hasSuffix(".txt"))
            }) {
                throw Diagnostic(code: "letters-output", file: target,
                    "输出目录中有文书以外的内容（\(other)）；为免误删，只替换仅含 .docx、.txt 文书的目录。请另选一个目录")
            }
        }
        let pid = ProcessInfo.processInfo.processIdentifier
        let temp = parent + "/." + name + ".tmp-\(pid)"
        let old = parent + "/." + name + ".old-\(pid)"
        try? fm.removeItem(atPath: temp)
        do {
            try fm.createDirectory(atPath: temp, withIntermediateDirectories: false)
            for (file, data) in files {
                guard fm.createFile(atPath: temp + "/" + file, contents: data) else {
                    throw Diagnostic(code: "letters-output", file: temp + "/" + file, "无法写入文件")
                }
            }
            if exists {
                try fm.moveItem(atPath: target, toPath: old)
                do { try fm.moveItem(atPath: temp, toPath: target) } catch {
                    try? fm.moveItem(atPath: old, toPath: target)
                    throw error
                }
                try? fm.removeItem(atPath: old)
            } else {
                try fm.moveItem(atPath: temp, toPath: target)
            }
        } catch let d as Diagnostic {
            try? fm.removeItem(atPath: temp)
            throw d
        } catch {
            try? fm.removeItem(atPath: temp)
            throw Diagnostic(code: "letters-output", file: target, "无法写入输出目录：\(error.localizedDescription)")
        }
    }
}

/// A letter as a Word document, through the shared document model (GB/T 9704 layout): each
/// block becomes the paragraph of its role.
enum LetterDocx {
    static func document(_ l: GeneratedLetter) -> Document {
        let blocks = l.document.blocks
        let title = blocks.compactMap { b -> String? in if case .title(let t) = b { return t }; return nil }.last ?? l.kind
        var doc = Document(properties: DocumentProperties(title: title, subject: "申请编号 \(l.id)",
                                                          creator: blocks.lazy.compactMap { b -> String? in
                                                              if case .signature(let s) = b { return s }; return nil }.first ?? "",
                                                          keywords: l.kind))
        var i = 0
        while i < blocks.count {
            switch blocks[i] {
            case .title(let s): doc.blocks.append(.paragraph(Paragraph(s, role: .title)))
            case .number(let s): doc.blocks.append(.paragraph(Paragraph(s, role: .documentNumber)))
            case .addressee(let s): doc.blocks.append(.paragraph(Paragraph(s, role: .addressee)))
            case .paragraph(let s): doc.blocks.append(.paragraph(Paragraph(s, role: .body)))
            case .signature(let s):
                if i + 1 < blocks.count, case .date(let d) = blocks[i + 1] {
                    doc.blocks += Document.signatureBlock(agency: s, date: d)
                    i += 1
                } else {
                    doc.blocks.append(.paragraph(Paragraph(s, role: .signature, rightIndentCharacters: 4)))
                }
            case .date(let d):
                doc.blocks += Document.signatureBlock(agency: "", date: d).filter { b in
                    if case .paragraph(let p) = b, p.role == .signature, p.text.isEmpty { return false }
                    return true
                }
            }
            i += 1
        }
        return doc
    }

    static func data(_ l: GeneratedLetter) throws -> Data {
        try DocxWriter.write(document(l))
    }
}
