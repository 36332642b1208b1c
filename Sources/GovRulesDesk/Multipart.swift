import Foundation

/// A `multipart/form-data` body as browsers send it (RFC 7578): the fields of a form, files
/// included. Only what the desk's own forms send is needed: names, file names and bytes.
struct MultipartForm {
    struct Part {
        var name: String
        /// nil for a plain field; the browser's file name (without folders) for a file.
        var fileName: String?
        var data: Data
    }

    var parts: [Part]

    func field(_ name: String) -> String? {
        parts.first { $0.name == name && $0.fileName == nil }.flatMap { String(data: $0.data, encoding: .utf8) }
    }

    /// A file field the user filled in (browsers send an empty part with an empty file name when
    /// no file was chosen).
    func file(_ name: String) -> Part? {
        parts.first { $0.name == name && $0.fileName != nil && !($0.fileName!.isEmpty && $0.data.isEmpty) }
    }

    /// The boundary from a `Content-Type: multipart/form-data; boundary=...` header.
    static func boundary(contentType: String?) -> String? {
        guard let ct = contentType, ct.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for param in ct.split(separator: ";").dropFirst() {
            let kv = param.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, kv[0].lowercased() == "boundary" {
                let b = kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return b.isEmpty || b.count > 200 ? nil : b
            }
        }
        return nil
    }

    /// nil when the body is not well-formed multipart with this boundary.
    init?(body: Data, boundary: String) {
        let delimiter = Data(("--" + boundary).utf8)
        let crlf = Data("\r\n".utf8)
        let headerEnd = Data("\r\n\r\n".utf8)
        var parts: [Part] = []
        guard var cursor = body.range(of: delimiter)?.upperBound else { return nil }
        while true {
            // After a delimiter: "--" ends the body, CRLF starts a part.
            if body[cursor...].starts(with: Data("--".utf8)) { break }
            guard body[cursor...].starts(with: crlf) else { return nil }
            let headersStart = cursor + 2
            guard let hEnd = body.range(of: headerEnd, in: headersStart..<body.endIndex) else { return nil }
            guard let headerText = String(data: body[headersStart..<hEnd.lowerBound], encoding: .utf8) else { return nil }
            guard let next = body.range(of: crlf + delimiter, in: hEnd.upperBound..<body.endIndex) else { return nil }
            var name: String?
            var fileName: String?
            for line in headerText.components(separatedBy: "\r\n") {
                let pieces = line.split(separator: ":", maxSplits: 1)
                guard pieces.count == 2, pieces[0].trimmingCharacters(in: .whitespaces).lowercased() == "content-disposition" else { continue }
                name = MultipartForm.parameter("name", in: String(pieces[1]))
                fileName = MultipartForm.parameter("filename", in: String(pieces[1]))
            }
            guard let name else { return nil }
            parts.append(Part(name: name, fileName: fileName.map(MultipartForm.baseName), data: Data(body[hEnd.upperBound..<next.lowerBound])))
            cursor = next.upperBound
        }
        self.parts = parts
    }

    /// `name="value"` in a Content-Disposition header; browsers escape `"` as %22 and keep
    /// other characters, UTF-8 included, as they are.
    static func parameter(_ key: String, in header: String) -> String? {
        var rest = Substring(header)
        while let r = rest.range(of: key + "=\"") {
            let before = rest[..<r.lowerBound].last
            if before == nil || before == ";" || before == " " {
                let valueStart = r.upperBound
                guard let close = rest[valueStart...].firstIndex(of: "\"") else { return nil }
                return String(rest[valueStart..<close]).replacingOccurrences(of: "%22", with: "\"")
            }
            rest = rest[r.upperBound...]
        }
        return nil
    }

    /// Old browsers send the whole client path; only its last component is the name.
    static func baseName(_ s: String) -> String {
        String(s.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? "")
    }
}
