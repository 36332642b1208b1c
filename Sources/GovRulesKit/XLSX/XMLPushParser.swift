import CLibXML2
#if canImport(Glibc)
import Glibc
#endif

/// An element or attribute name as libxml2 hands it over: the local name (any namespace prefix
/// such as `x:` dropped), NUL-terminated UTF-8, valid during the callback only.
struct XMLName {
    let p: UnsafePointer<UInt8>

    @inline(__always) func `is`(_ s: StaticString) -> Bool {
        // StaticString literals are NUL-terminated in memory.
        strcmp(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self),
               UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)) == 0
    }

    var string: String { String(cString: p) }
}

/// The attributes of one start tag, as libxml2's SAX2 gives them: five pointers per attribute
/// (local name, prefix, namespace, value start, value end). Valid during the callback only.
struct XMLAttributes {
    let count: Int
    let base: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?

    /// The raw value of the attribute with this local name (ignoring its namespace), or nil.
    /// libxml2 leaves `&amp;` in attribute values as `&#38;`; `string(_:)` undoes that.
    @inline(__always) func bytes(_ name: StaticString) -> UnsafeBufferPointer<UInt8>? {
        guard let base else { return nil }
        for i in 0..<count {
            guard let local = base[5 * i], XMLName(p: local).is(name),
                  let start = base[5 * i + 3], let end = base[5 * i + 4] else { continue }
            return UnsafeBufferPointer(start: start, count: end - start)
        }
        return nil
    }

    /// Whether the attribute with this local name is in a namespace (`r:id` is, `id` is not).
    func hasNamespace(_ name: StaticString) -> Bool {
        guard let base else { return false }
        for i in 0..<count where base[5 * i].map({ XMLName(p: $0).is(name) }) == true {
            return base[5 * i + 2] != nil
        }
        return false
    }

    func string(_ name: StaticString) -> String? {
        bytes(name).map { XMLText.decodeCharacterReferences(String(decoding: $0, as: UTF8.self)) }
    }
}

extension XMLText {
    /// Undoes the numeric character references libxml2 leaves in attribute values.
    static func decodeCharacterReferences(_ s: String) -> String {
        guard s.contains("&#") else { return s }
        var out = ""
        var rest = Substring(s)
        while let amp = rest.range(of: "&#") {
            out += rest[..<amp.lowerBound]
            let after = rest[amp.upperBound...]
            if let semi = after.firstIndex(of: ";") {
                let digits = after[..<semi]
                let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
                if let value, let scalar = Unicode.Scalar(value) {
                    out.unicodeScalars.append(scalar)
                    rest = after[after.index(after: semi)...]
                    continue
                }
            }
            out += "&#"
            rest = after
        }
        return out + rest
    }
}

/// What a parser client does with the events.
protocol XMLEventHandler: AnyObject {
    func start(_ name: XMLName, _ attributes: XMLAttributes)
    func end(_ name: XMLName)
    func text(_ bytes: UnsafeBufferPointer<UInt8>)
    /// Set by the handler to stop parsing (a bound passed, say); `XMLPushParser` then throws it.
    var failure: Error? { get }
}

/// libxml2's push parser: bytes go in chunk by chunk (as a zip entry inflates) and the events
/// come out during `feed`. Nothing is built in memory. DTDs are refused outright (SpreadsheetML
/// has none), so no entity can be declared, let alone expanded, and nothing is fetched.
final class XMLPushParser {
    private var context: xmlParserCtxtPtr?
    private var sax = xmlSAXHandler()
    private let box: HandlerBox
    /// The part's name, for messages.
    let part: String

    private final class HandlerBox {
        unowned let handler: XMLEventHandler
        var sawDTD = false
        init(_ handler: XMLEventHandler) { self.handler = handler }
    }

    struct SyntaxError: Error {
        var part: String
        var line: Int
        var message: String
    }

    init(part: String, handler: XMLEventHandler) {
        self.part = part
        box = HandlerBox(handler)
        sax.initialized = UInt32(XML_SAX2_MAGIC)
        sax.startElementNs = { ctx, local, _, _, _, _, nAttributes, _, attributes in
            guard let ctx, let local else { return }
            let box = Unmanaged<HandlerBox>.fromOpaque(ctx).takeUnretainedValue()
            box.handler.start(XMLName(p: local), XMLAttributes(count: Int(nAttributes), base: attributes))
        }
        sax.endElementNs = { ctx, local, _, _ in
            guard let ctx, let local else { return }
            Unmanaged<HandlerBox>.fromOpaque(ctx).takeUnretainedValue().handler.end(XMLName(p: local))
        }
        sax.characters = { ctx, ch, len in
            guard let ctx, let ch, len > 0 else { return }
            Unmanaged<HandlerBox>.fromOpaque(ctx).takeUnretainedValue().handler.text(UnsafeBufferPointer(start: ch, count: Int(len)))
        }
        sax.cdataBlock = sax.characters
        sax.internalSubset = { ctx, _, _, _ in
            guard let ctx else { return }
            Unmanaged<HandlerBox>.fromOpaque(ctx).takeUnretainedValue().sawDTD = true
        }
        // Errors are read back from the context; libxml2 must not print them itself.
        sax.serror = { _, _ in }
        let opaque = Unmanaged.passUnretained(box).toOpaque()
        context = xmlCreatePushParserCtxt(&sax, opaque, nil, 0, nil)
        if let context {
            xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue))
        }
    }

    deinit {
        if let context { xmlFreeParserCtxt(context) }
    }

    /// Parses the next bytes of the document (`last`: there are no more).
    func feed(_ bytes: UnsafeRawBufferPointer, last: Bool = false) throws {
        guard let context else { throw SyntaxError(part: part, line: 0, message: "无法创建XML解析器") }
        var offset = 0
        // libxml2 takes an Int32 length: hand over large buffers in pieces.
        repeat {
            let n = min(bytes.count - offset, 1 << 20)
            let p = bytes.baseAddress.map { UnsafeRawPointer($0 + offset).assumingMemoryBound(to: CChar.self) }
            let done = offset + n >= bytes.count
            let rc = xmlParseChunk(context, p, Int32(n), done && last ? 1 : 0)
            if let failure = box.handler.failure { throw failure }
            if box.sawDTD {
                xmlStopParser(context)
                throw SyntaxError(part: part, line: Int(xmlSAX2GetLineNumber(context)), message: "含有文档类型定义（DOCTYPE），工作簿中不应出现")
            }
            if rc != 0 {
                var message = "XML格式错误"
                var line = 0
                if let e = xmlCtxtGetLastError(context) {
                    line = Int(e.pointee.line)
                    if let m = e.pointee.message {
                        message += "（" + String(cString: m).trimmingCharactersFromEnd("\n") + "）"
                    }
                }
                throw SyntaxError(part: part, line: line, message: message)
            }
            offset += n
        } while offset < bytes.count
    }

    func finish() throws { try feed(UnsafeRawBufferPointer(start: nil, count: 0), last: true) }
}

extension String {
    func trimmingCharactersFromEnd(_ c: Character) -> String {
        var s = self
        while s.last == c { s.removeLast() }
        return s
    }
}
