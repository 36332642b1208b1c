/// What `govrules` says before any command runs: the short bilingual usage for a bare
/// `govrules`, and the nearest command for a misspelt one.
public enum Usage {
    /// The commands a user types, with a Chinese and an English line each.
    public static let commands: [(name: String, zh: String, en: String)] = [
        ("classify", "逐件分类：办理结论、依据条文、答复期限", "each application's outcome, article and due date"),
        ("due", "未办结的申请，按到期先后排列", "open applications, soonest due first"),
        ("explain", "说明一件申请为何这样认定（--id 申请编号）", "why one application was decided as it was"),
        ("letters", "制作答复书和告知书（--id 申请编号，或 --from/--to 日期）", "the reply letters and notices to send"),
        ("report", "生成政府信息公开工作年度报告（--year 年份）", "the annual report of a year"),
        ("test", "运行规则测试用例（政策人员）", "run the rule test tables (policy officer)"),
        ("check", "检查规则和报告格式（政策人员）", "check the rules and report formats (policy officer)"),
        ("serve", "在本机打开办公网页：上传台账、查看到期、下载结果", "the office desk: a local web page for clerks"),
    ]

    /// Printed for a bare `govrules`.
    public static var short: String {
        var s = "govrules：政府信息公开申请的分类、答复期限和年度报告\n"
        s += "govrules: classifies 政府信息公开 applications, counts their deadlines, writes the annual report\n\n"
        s += "用法 Usage: govrules <命令 command> [台账.csv …] [选项 options]\n\n"
        let width = commands.map { TextWidth.of($0.zh) }.max() ?? 0
        for c in commands {
            s += "  " + c.name.padding(toLength: 10, withPad: " ", startingAt: 0) + c.zh
                + String(repeating: " ", count: width - TextWidth.of(c.zh) + 2) + c.en + "\n"
        }
        s += "\n例 Example: govrules classify 台账.csv -o 分类结果.csv --summary\n"
        s += "每个命令都有 --help（如 govrules classify --help）。Every command has --help; govrules --help lists them all.\n"
        return s
    }

    /// For a first argument that is not a command: the message (Chinese, then English), naming
    /// the nearest command when one is close enough to be a typing mistake.
    public static func unknownCommand(_ word: String, known: [String] = commands.map(\.name)) -> String {
        let names = known.joined(separator: "、")
        if let near = nearest(word, in: known) {
            return "govrules：没有“\(word)”这个命令。是不是要用 \(near)？（可用的命令：\(names)）\n"
                + "govrules: unknown command '\(word)'. Did you mean '\(near)'? (govrules --help lists the commands)\n"
        }
        return "govrules：没有“\(word)”这个命令。可用的命令：\(names)\n"
            + "govrules: unknown command '\(word)' (govrules --help lists the commands)\n"
    }

    /// The known word closest to `word` by edit distance (adjacent swaps count once), if it is
    /// within a third of the word's length (at least 1, at most 3), or if `word` starts it.
    public static func nearest(_ word: String, in known: [String]) -> String? {
        let w = word.lowercased()
        if let prefix = known.first(where: { w.count >= 2 && $0.hasPrefix(w) }) { return prefix }
        let scored = known.map { (name: $0, distance: editDistance(Array(w), Array($0))) }
        guard let best = scored.min(by: { $0.distance < $1.distance }) else { return nil }
        let allowed = min(3, max(1, w.count / 3))
        return best.distance <= allowed ? best.name : nil
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
