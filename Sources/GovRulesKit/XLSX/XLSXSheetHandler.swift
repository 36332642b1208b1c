import Foundation

/// Turns a worksheet's SAX events into rows of cell text, on the producer thread.
///
/// Each cell becomes the text a CSV export would hold, so that the CSV parsers decide the rest:
/// shared and inline strings as written (rich-text runs joined, phonetic runs skipped), a
/// formula's cached result, TRUE/FALSE, numbers as Excel's General format shows them, and a
/// number whose style is a date format as `YYYY-MM-DD`. A cell with no usable value (an error
/// value such as #N/A, a formula with no cached result, Excel's fake 1900-02-29) also carries a
/// cell error, which the commands report for the columns the rules read.
final class SheetHandler: XMLEventHandler {
    private let strings: SharedStrings
    private let dateStyles: [Bool]
    private let date1904: Bool
    private let file: String
    private let part: String
    private let queue: BatchQueue
    var failure: Error?

    // The batch being filled.
    private var batch = RowBatch()
    static let batchRows = 512
    static let batchBytes = 256 * 1024

    // The row being read: cells as (column, start, end) into `cellBytes`.
    private var rowNumber = 0
    private var inRow = false
    private var cells: [(column: Int, start: Int, end: Int)] = []
    private var cellBytes: [UInt8] = []
    private var rowErrors: [(column: Int, message: String)] = []
    private var lastColumn = -1

    // The cell being read.
    private var column = 0
    private var style = 0
    private var type = CellType.number
    private var value: [UInt8] = []
    private var hasValue = false
    private var hasFormula = false
    private var inValue = false
    private var inInline = false
    private var inInlineText = false
    private var phoneticDepth = 0
    private var sheetDataDone = false

    // Merged ranges (sorted by top row), and the top-left text of those under way.
    private let merges: [MergedRange]
    private var nextMerge = 0
    private var activeMerges: [(range: MergedRange, text: [UInt8])] = []

    private enum CellType { case number, shared, inline, formulaString, bool, error, isoDate }

    init(workbook: XLSXWorkbook, file: String, part: String, merges: [MergedRange], queue: BatchQueue) {
        strings = workbook.sharedStrings
        dateStyles = workbook.dateStyles
        date1904 = workbook.date1904
        self.file = file
        self.part = part
        self.merges = merges
        self.queue = queue
        value.reserveCapacity(256)
        cellBytes.reserveCapacity(4096)
    }

    func start(_ name: XMLName, _ a: XMLAttributes) {
        if sheetDataDone { return }
        if name.is("c") {
            column = a.bytes("r").flatMap(CellReference.column) ?? lastColumn + 1
            style = a.bytes("s").flatMap(Self.int) ?? 0
            type = Self.type(a.bytes("t"))
            value.removeAll(keepingCapacity: true)
            hasValue = false
            hasFormula = false
            phoneticDepth = 0
        } else if name.is("v") {
            inValue = true
        } else if name.is("f") {
            hasFormula = true
        } else if name.is("is") {
            inInline = true
        } else if name.is("rPh") {
            phoneticDepth += 1
        } else if name.is("t") {
            if inInline && phoneticDepth == 0 { inInlineText = true }
        } else if name.is("row") {
            rowNumber = a.bytes("r").flatMap(Self.int) ?? rowNumber + 1
            inRow = true
            cells.removeAll(keepingCapacity: true)
            cellBytes.removeAll(keepingCapacity: true)
            rowErrors.removeAll(keepingCapacity: true)
            lastColumn = -1
        }
    }

    func end(_ name: XMLName) {
        if sheetDataDone { return }
        if name.is("c") {
            finishCell()
        } else if name.is("v") {
            inValue = false
            hasValue = true
        } else if name.is("t") {
            inInlineText = false
        } else if name.is("is") {
            inInline = false
            hasValue = true
        } else if name.is("rPh") {
            phoneticDepth -= 1
        } else if name.is("row") {
            finishRow()
        } else if name.is("sheetData") {
            sheetDataDone = true
        }
    }

    func text(_ b: UnsafeBufferPointer<UInt8>) {
        if inValue || inInlineText { value.append(contentsOf: b) }
    }

    private static func type(_ t: UnsafeBufferPointer<UInt8>?) -> CellType {
        guard let t, let c = t.first else { return .number }
        switch c {
        case UInt8(ascii: "s"): return t.count == 1 ? .shared : .formulaString   // s, str
        case UInt8(ascii: "i"): return .inline
        case UInt8(ascii: "b"): return .bool
        case UInt8(ascii: "e"): return .error
        case UInt8(ascii: "d"): return .isoDate
        default: return .number
        }
    }

    @inline(__always) private static func int(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        var n = 0
        guard !b.isEmpty, b.count <= 9 else { return nil }
        for u in b {
            guard u >= 48 && u <= 57 else { return nil }
            n = n * 10 + Int(u - 48)
        }
        return n
    }

    // MARK: Cells

    private func finishCell() {
        lastColumn = column
        // openpyxl writes an uncalculated formula with an empty <v/>; an empty cached *string*
        // (t="str") is a formula whose result is "".
        if hasFormula && (!hasValue || (value.isEmpty && type != .formulaString)) {
            addError("是公式，但工作簿中没有保存它的计算结果（文件由程序生成、未经Excel/WPS计算）；请在Excel/WPS中打开并保存一次，再运行")
            return
        }
        guard hasValue else { return }   // an empty (perhaps styled) cell
        switch type {
        case .shared:
            guard let i = value.withUnsafeBufferPointer(Self.int), i < strings.count else {
                addError("引用的共享字符串不存在（工作簿已损坏）")
                return
            }
            strings.withString(i) { add($0) }
        case .inline, .formulaString:
            XLSXEscapes.decode(&value)
            value.withUnsafeBufferPointer { add($0) }
        case .bool:
            add(value.first == UInt8(ascii: "1") ? Self.trueText : Self.falseText)
        case .error:
            let shown = String(decoding: value, as: UTF8.self)
            addError("是错误值“\(shown)”（公式出错或引用无效）；请在Excel/WPS中改正该单元格")
        case .isoDate:
            // `2024-03-04T00:00:00`: the day part.
            let text = value.count >= 10 ? Array(value.prefix(10)) : value
            text.withUnsafeBufferPointer { add($0) }
        case .number:
            if style < dateStyles.count && dateStyles[style] {
                let serial = String(decoding: value, as: UTF8.self)
                switch XLSXDates.day(serial: serial, date1904: date1904) {
                case .success(let day): day.withISOBytes { add($0) }
                case .failure(.fake19000229):
                    addError("是日期1900-02-29（日期序号60）：这一天并不存在，是Excel为兼容旧软件保留的错误日期；请改为正确的日期")
                case .failure(.outOfRange):
                    addError("按日期格式显示，但其值“\(serial)”不是有效的日期；请改为正确的日期")
                }
            } else {
                addNumber()
            }
        }
    }

    private static let trueText: [UInt8] = Array("TRUE".utf8)
    private static let falseText: [UInt8] = Array("FALSE".utf8)

    @inline(__always) private func add(_ b: UnsafeBufferPointer<UInt8>) {
        let start = cellBytes.count
        cellBytes.append(contentsOf: b)
        cells.append((column, start, cellBytes.count))
    }

    private func add(_ b: [UInt8]) { b.withUnsafeBufferPointer { add($0) } }

    /// A number as Excel's General format shows it: what the file holds, unless that is an
    /// exponent or more digits than the 15 significant ones Excel keeps (0.30000000000000004).
    private func addNumber() {
        let plain = value.count <= 16 && !value.contains(where: { $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "e") })
        if plain { return value.withUnsafeBufferPointer { add($0) } }
        guard let d = Double(String(decoding: value, as: UTF8.self)) else { return value.withUnsafeBufferPointer { add($0) } }
        var text = String(format: "%.15g", d)
        if text.contains("e") {
            // Within Int64's range, a whole number is shown with all its digits.
            if d == d.rounded(), abs(d) < 9.2e18 { text = String(Int64(d)) }
        }
        add(Array(text.utf8))
    }

    /// The cell keeps what Excel shows (the error text) but is flagged.
    private func addError(_ message: String) {
        if type == .error { value.withUnsafeBufferPointer { add($0) } } else { add([]) }
        rowErrors.append((column, message))
    }

    // MARK: Rows

    private func finishRow() {
        inRow = false
        applyMerges()
        if cells.isEmpty { return }
        // Cells are placed by reference; producers write them in order, but do not rely on it.
        var ordered = true
        for i in 1..<max(1, cells.count) where cells[i].column <= cells[i - 1].column { ordered = false; break }
        if !ordered {
            // A later cell with the same reference wins, as in Excel.
            var seen: [Int: (column: Int, start: Int, end: Int)] = [:]
            for c in cells { seen[c.column] = c }
            cells = seen.values.sorted { $0.column < $1.column }
        }
        // A row whose cells are all empty is a blank line: not handed out.
        guard cells.contains(where: { $0.end > $0.start }) || !rowErrors.isEmpty else { return }
        let b = batch
        let index = b.count
        b.rows.append(rowNumber)
        b.fieldStart.append(b.ends.count)
        b.byteStart.append(b.bytes.count)
        var field = 0
        var length = 0
        for c in cells {
            while field < c.column {
                b.ends.append(length)
                field += 1
            }
            length += c.end - c.start
            b.bytes.append(contentsOf: cellBytes[c.start..<c.end])
            b.ends.append(length)
            field += 1
        }
        for e in rowErrors { b.errors.append((index, e.column, e.message)) }
        if b.count >= Self.batchRows || b.bytes.count >= Self.batchBytes { flush() }
    }

    /// Every cell of a merged range reads as its top-left cell.
    private func applyMerges() {
        guard !merges.isEmpty else { return }
        activeMerges.removeAll { $0.range.bottom < rowNumber }
        while nextMerge < merges.count && merges[nextMerge].top <= rowNumber {
            let m = merges[nextMerge]
            nextMerge += 1
            if m.bottom < rowNumber { continue }   // its rows are absent from the XML
            var text: [UInt8] = []
            if m.top == rowNumber, let c = cells.first(where: { $0.column == m.left }) {
                text = Array(cellBytes[c.start..<c.end])
            }
            activeMerges.append((m, text))
        }
        for (m, text) in activeMerges where !text.isEmpty {
            cells.removeAll { $0.column >= m.left && $0.column <= m.right }
            for col in m.left...m.right {
                let start = cellBytes.count
                cellBytes.append(contentsOf: text)
                cells.append((col, start, cellBytes.count))
            }
        }
        if !activeMerges.isEmpty { cells.sort { $0.column < $1.column } }
    }

    /// Hands the batch to the reader (blocking while the queue is full).
    func flush() {
        guard batch.count > 0, failure == nil else { return }
        do {
            try queue.push(batch)
        } catch {
            failure = error
        }
        batch = RowBatch()
        batch.bytes.reserveCapacity(Self.batchBytes + 4096)
    }
}
