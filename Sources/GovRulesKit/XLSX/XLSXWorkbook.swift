/// A workbook's parts that a sheet's cells need: the sheet list, the date system, which styles
/// show a number as a date, and the shared strings.
final class XLSXWorkbook {
    struct Sheet {
        var name: String
        /// "visible", "hidden" or "veryHidden".
        var state: String
        /// The worksheet part, or nil for a chart sheet / a sheet whose part is missing.
        var part: String?
    }

    let package: XLSXPackage
    let sheets: [Sheet]
    let date1904: Bool
    /// Per cell style (`s` attribute): whether its number format is a date format.
    let dateStyles: [Bool]
    let sharedStrings: SharedStrings

    init(path: String) throws {
        let package = try XLSXPackage(path: path)
        self.package = package
        // The package's relationships name the workbook part; fall back to where every producer puts it.
        let root = try package.relationships(of: "")
        let workbookPart = root.first { $0.type.hasSuffix("/officeDocument") && package.has($0.target) }?.target ?? "xl/workbook.xml"
        guard package.has(workbookPart) else {
            throw Diagnostic(code: "xlsx-not-workbook", file: path,
                "这个压缩文件不是Excel工作簿（.xlsx）：其中没有 xl/workbook.xml。请在Excel/WPS中“另存为”.xlsx工作簿或CSV（逗号分隔）文件。")
        }
        let book = WorkbookHandler()
        try package.parse(workbookPart, handler: book)
        let rels = try package.relationships(of: workbookPart)
        var byId: [String: XLSXPackage.Relationship] = [:]
        for r in rels { byId[r.id] = r }
        sheets = book.sheets.map { s in
            let rel = byId[s.rid]
            let isWorksheet = rel.map { $0.type.hasSuffix("/worksheet") } ?? false
            return Sheet(name: s.name, state: s.state, part: isWorksheet && package.has(rel!.target) ? rel!.target : nil)
        }
        date1904 = book.date1904
        if let stylesPart = rels.first(where: { $0.type.hasSuffix("/styles") })?.target, package.has(stylesPart) {
            let styles = StylesHandler()
            try package.parse(stylesPart, handler: styles)
            dateStyles = styles.xfFormats.map { XLSXDates.isDateFormat(id: $0, custom: styles.customFormats[$0]) }
        } else {
            dateStyles = []
        }
        let strings = SharedStrings(file: path)
        if let sstPart = rels.first(where: { $0.type.hasSuffix("/sharedStrings") })?.target, package.has(sstPart) {
            try package.parse(sstPart, handler: strings)
        }
        sharedStrings = strings
    }

    /// The sheet `choice` names (its name, else its 1-based position), or the first visible
    /// worksheet when nil.
    func sheet(_ choice: String?, file: String) throws -> (index: Int, sheet: Sheet) {
        let list = sheets.enumerated().map { "\($0.offset + 1).“\($0.element.name)”" + ($0.element.state == "visible" ? "" : "（隐藏）") }.joined(separator: "、")
        guard let choice else {
            if let i = sheets.firstIndex(where: { $0.state == "visible" && $0.part != nil }) { return (i, sheets[i]) }
            throw Diagnostic(code: "xlsx-no-sheet", file: file,
                "工作簿中没有可见的工作表\(sheets.isEmpty ? "" : "（共有：\(list)）")；请用 --sheet 指定工作表名称或序号")
        }
        let index: Int
        if let i = sheets.firstIndex(where: { $0.name == choice }) ?? sheets.firstIndex(where: { HeaderText.normalize($0.name) == HeaderText.normalize(choice) }) {
            index = i
        } else if let n = Int(choice), n >= 1, n <= sheets.count {
            index = n - 1
        } else {
            throw Diagnostic(code: "xlsx-no-sheet", file: file, "工作簿中没有工作表“\(choice)”；现有工作表：\(list)。--sheet 可写工作表名称或序号（从1起）")
        }
        guard sheets[index].part != nil else {
            throw Diagnostic(code: "xlsx-no-sheet", file: file, "“\(sheets[index].name)”不是数据工作表（可能是图表页）；现有工作表：\(list)")
        }
        return (index, sheets[index])
    }

    private final class WorkbookHandler: XMLEventHandler {
        var sheets: [(name: String, state: String, rid: String)] = []
        var date1904 = false
        var failure: Error?
        func start(_ name: XMLName, _ a: XMLAttributes) {
            if name.is("sheet") {
                sheets.append((a.string("name") ?? "", a.string("state") ?? "visible", a.string("id") ?? ""))
            } else if name.is("workbookPr") {
                let v = a.string("date1904")?.lowercased()
                date1904 = v == "1" || v == "true"
            }
        }
        func end(_ name: XMLName) {}
        func text(_ bytes: UnsafeBufferPointer<UInt8>) {}
    }

    private final class StylesHandler: XMLEventHandler {
        var customFormats: [Int: String] = [:]
        var xfFormats: [Int] = []
        var inCellXfs = false
        var failure: Error?
        func start(_ name: XMLName, _ a: XMLAttributes) {
            if name.is("numFmt") {
                if let id = a.string("numFmtId").flatMap({ Int($0) }) { customFormats[id] = a.string("formatCode") ?? "" }
            } else if name.is("cellXfs") {
                inCellXfs = true
            } else if inCellXfs && name.is("xf") {
                xfFormats.append(a.string("numFmtId").flatMap { Int($0) } ?? 0)
            }
        }
        func end(_ name: XMLName) { if name.is("cellXfs") { inCellXfs = false } }
        func text(_ bytes: UnsafeBufferPointer<UInt8>) {}
    }
}

/// The shared-string table, held whole (cells refer to it by index) in one byte buffer, bounded
/// by `XLSXLimits.sharedStringBytes`. Rich text's runs are joined; phonetic runs (`<rPh>`, the
/// furigana/pinyin guides) are left out, as Excel shows the cell.
final class SharedStrings: XMLEventHandler {
    private(set) var bytes: [UInt8] = []
    private(set) var ends: [Int] = []
    private let file: String
    private var inItem = false
    private var inText = false
    private var phoneticDepth = 0
    private var itemStart = 0
    var failure: Error?

    init(file: String) { self.file = file }

    var count: Int { ends.count }

    func withString<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let start = i == 0 ? 0 : ends[i - 1]
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<ends[i]])) }
    }

    func start(_ name: XMLName, _ a: XMLAttributes) {
        if name.is("si") { inItem = true; phoneticDepth = 0; itemStart = bytes.count }
        else if name.is("rPh") { phoneticDepth += 1 }
        else if name.is("t") && inItem && phoneticDepth == 0 { inText = true }
    }

    func end(_ name: XMLName) {
        if name.is("t") { inText = false }
        else if name.is("rPh") { phoneticDepth -= 1 }
        else if name.is("si") {
            inItem = false
            XLSXEscapes.decode(&bytes, from: itemStart)
            ends.append(bytes.count)
        }
    }

    func text(_ b: UnsafeBufferPointer<UInt8>) {
        guard inText, failure == nil else { return }
        if bytes.count + b.count > XLSXLimits.sharedStringBytes {
            failure = XLSXError.bomb(file, part: "sharedStrings.xml", reason: "共享字符串超过上限 \(XLSXError.size(Int64(XLSXLimits.sharedStringBytes)))")
            return
        }
        bytes.append(contentsOf: b)
    }
}
