import CLuaSandbox
import Foundation

/// The last line of defence against rules that never finish: see `gr_watchdog_configure`. When a
/// single call into Lua runs longer than the limit, this reports which ledger row it was, removes
/// any half-written output, and ends the process with status 1.
enum RowTimeout {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var inputNames: [String] = []
    nonisolated(unsafe) private static var installed: Double?

    static func install(seconds: Double) {
        lock.lock()
        defer { lock.unlock() }
        guard installed != seconds else { return }
        installed = seconds
        gr_watchdog_configure(seconds, timeoutCallback)
    }

    /// The ledgers of the current run, so the report can name the file.
    static func setInputs(_ names: [String]) {
        lock.lock()
        inputNames = names
        lock.unlock()
    }

    fileprivate static func fire(input: Int, row: Int, seconds: Double, location: String) -> Never {
        lock.lock()
        let file = input >= 0 && input < inputNames.count ? inputNames[input] : nil
        gr_cleanup_run()   // the output files being written (AtomicFileSink registers them)
        lock.unlock()
        let d = Diagnostic(code: "rule-timeout", file: file, line: row >= 0 ? row : nil,
            "规则处理这一行已运行 \(Int(seconds)) 秒仍未结束\(location.isEmpty ? "" : "（正在运行 \(location)）")，程序已终止，未写出任何结果。常见原因是字符串匹配模式回溯过多（如对长文本使用 \".-.-.-\" 之类的模式）；请检查规则。确需更长时间时可用 --row-timeout 调整")
        let text = d.description + "\n"
        text.withCString { p in _ = write(2, p, strlen(p)) }
        _exit(1)
    }
}

private let timeoutCallback: gr_timeout_callback = { input, row, seconds, location in
    RowTimeout.fire(input: Int(input), row: Int(row), seconds: seconds, location: location.map { String(cString: $0) } ?? "")
}
