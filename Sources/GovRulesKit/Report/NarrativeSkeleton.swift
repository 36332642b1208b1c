/// `report --narrative-skeleton`: a starting narrative file for a year's format. Every prose
/// section, the sub-points the format expects (its sections' `skeleton` in reports/*.json), and the
/// sentences whose numbers govrules knows, with those numbers as `{{figures}}`, so the office only
/// writes what no ledger holds. Hints are comments and are never printed.
public enum NarrativeSkeleton {
    public static func text(format: ReportFormat, year: Int) -> String {
        var out: [String] = [
            "<!-- \(year)年政府信息公开工作年度报告的叙述部分（\(format.coverDocument.number)格式），由 govrules report --narrative-skeleton 生成。",
            "     {{…}} 中的数字由 govrules 从台账计算，请不要改成手写的数字；这样的注释不会印出。",
            "     表二、表三、表四由程序生成，这里只写第一、五、六部分。 -->",
            "本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《{{format.title}}》（{{format.document_number}}）编制。报告中所列数据的统计期限为{{year}}年1月1日至{{year}}年12月31日。",
            "",
        ]
        for section in format.sections where section.content == .prose {
            out += ["## " + section.heading, ""]
            let skeleton = section.skeleton
            out += block(hint: skeleton?.hint, text: skeleton?.text)
            for point in skeleton?.points ?? [] {
                out += ["### " + point.heading, ""]
                out += block(hint: point.hint, text: point.text)
            }
            if skeleton == nil { out += ["<!-- 请撰写本部分。 -->", ""] }
        }
        while out.last == "" { out.removeLast() }
        return out.joined(separator: "\n") + "\n"
    }

    private static func block(hint: String?, text: [String]?) -> [String] {
        var out: [String] = []
        if let hint { out += ["<!-- \(hint.replacingOccurrences(of: "--", with: "- -")) -->", ""] }
        for paragraph in text ?? [] { out += [paragraph, ""] }
        return out
    }
}
