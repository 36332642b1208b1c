import Foundation
import GovRulesKit

/// The desk's pages, in Chinese, for a clerk who has never seen the tool.
enum Pages {
    static func h(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func q(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }

    struct Context {
        var csrf: String
        /// Show the 退出登录 button (access control is on).
        var loggedIn: Bool
    }

    static func layout(_ title: String, _ ctx: Context, _ body: String) -> String {
        let logout = ctx.loggedIn ? """
            <form method="post" action="/logout"><input type="hidden" name="csrf" value="\(h(ctx.csrf))"><button class="plain" type="submit">退出登录</button></form>
            """ : ""
        return """
        <!DOCTYPE html>
        <html lang="zh-CN"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(h(title)) · 政府信息公开申请办理台</title>
        <link rel="stylesheet" href="/assets/desk.css">
        </head><body>
        <header><a class="title" href="/">政府信息公开申请办理台</a><span class="sub">依《中华人民共和国政府信息公开条例》逐件认定、计算答复期限</span>\(logout)</header>
        <main>
        \(body)
        </main>
        <footer>govrules \(h(GovRulesVersion.string)) · 在本机运行，数据不离开本机</footer>
        <script src="/assets/desk.js"></script>
        </body></html>
        """
    }

    static func home(_ ctx: Context, maxUpload: Int, today: Day) -> String {
        layout("上传台账", ctx, """
        <h1>上传申请登记台账</h1>
        <p class="lead">上传后，每件申请的办理结论、依据条文和答复期限会自动算出，并列出哪些申请即将到期或已经超期。</p>
        <div class="panel">
        <ol class="steps">
        <li>在 Excel 或 WPS 中打开《申请登记台账》，选择“另存为”→“CSV”（UTF-8 或 GBK 编码均可）。</li>
        <li>把保存好的文件拖到下面的框里，或点击框内的按钮选择文件。</li>
        <li>稍等片刻即可看到分类结果和到期清单；点击任一件申请可查看它为什么这样认定。</li>
        </ol>
        </div>
        <form id="upload-form" method="post" action="/upload" enctype="multipart/form-data" data-max="\(maxUpload)">
        <input type="hidden" name="csrf" value="\(h(ctx.csrf))">
        <label class="drop" id="drop" for="ledger"><strong>把台账文件拖到这里</strong>
        <span class="or">或者</span><span class="button">选择文件……</span>
        <input type="file" id="ledger" name="ledger" accept=".csv,.xlsx,text/csv">
        <span class="note">CSV 文件，UTF-8 或 GBK 编码，不超过 \(megabytes(maxUpload))</span>
        </label>
        <div class="row">
        <label class="field">期限计算截至日期（一般为今天）<input type="date" name="as_of" value="\(today.iso)"></label>
        <noscript><button type="submit">上传并分类</button></noscript>
        </div>
        <div id="progress" class="progress hidden"><div></div></div>
        <p id="upload-status" class="note"></p>
        <div id="upload-error" class="error hidden" role="alert"></div>
        </form>
        <p class="note">文件大小上限：\(megabytes(maxUpload))。上传的文件只保存在本机内存中供本次查看，不会写入规则目录，也不会改变任何规则；点击“清除本次数据”或 4 小时后自动删除。</p>
        """)
    }

    static func megabytes(_ n: Int) -> String {
        n % (1 << 20) == 0 ? "\(n >> 20) MB" : String(format: "%.1f MB", Double(n) / 1_048_576)
    }

    static func message(_ title: String, _ ctx: Context, _ text: String, back: String = "/") -> String {
        layout(title, ctx, """
        <h1>\(h(title))</h1>
        <div class="error" role="alert">\(h(text))</div>
        <p><a class="button plain" href="\(h(back))">返回</a></p>
        """)
    }

    static func login(_ ctx: Context, failed: Bool) -> String {
        layout("登录", ctx, """
        <h1>登录办理台</h1>
        <p class="lead">本办理台可从其他电脑访问，须先输入访问口令。口令由管理员提供（启动时显示，或保存在口令文件中）。</p>
        \(failed ? "<div class=\"error\" role=\"alert\">口令不正确，请重新输入。</div>" : "")
        <form method="post" action="/login" class="panel">
        <input type="hidden" name="csrf" value="\(h(ctx.csrf))">
        <div class="row"><label class="field">访问口令<input type="password" name="password" autofocus autocomplete="current-password"></label>
        <button type="submit">登录</button></div>
        </form>
        """)
    }

    /// The CLI's own lines, one row per problem, for the clerk to fix the spreadsheet from.
    static func problemTable(_ diagnostics: [Diagnostic], limit: Int = 1000) -> String {
        var s = "<table class=\"problems\"><thead><tr><th>文件</th><th>行号</th><th>类别</th><th>说明（改正方法）</th><th>代码</th></tr></thead><tbody>"
        for d in diagnostics.prefix(limit) {
            let kind = d.severity == .error ? "错误" : (d.severity == .warning ? "提示" : "说明")
            s += "<tr><td class=\"nowrap\">\(h(d.file ?? ""))</td><td class=\"num\">\(d.line.map(String.init) ?? "")</td><td class=\"nowrap\">\(kind)</td>"
            s += "<td>\(h(d.message))<div class=\"cli\">\(h(d.description))</div></td><td class=\"nowrap\">\(h(d.code))</td></tr>"
        }
        s += "</tbody></table>"
        if diagnostics.count > limit { s += "<p class=\"note\">另有 \(diagnostics.count - limit) 条未在此列出。</p>" }
        return s
    }

    /// The due list's status as a filter key and badge class: the CLI's own status text decides.
    static func statusClass(_ e: DueCommand.Entry) -> String {
        switch DueCommand.statusText(e) {
        case "已超期": return "overdue"
        case "即将到期": return "soon"
        case "期限中止": return "paused"
        case "办理中": return "pending"
        default: return "undetermined"
        }
    }

    static func results(_ u: Upload, _ ctx: Context, filter: String?, thisYear: Int) -> String {
        let base = "/u/\(u.id)/"
        var s = "<h1>台账：\(h(u.ledgerName))</h1>"
        s += "<p class=\"lead\">期限计算截至 \(u.asOf.iso)"
        if let sum = u.summary { s += "　·　共 \(sum.total) 件申请" }
        s += "　·　<a href=\"/\">上传另一份台账</a></p>"

        let errors = u.problems.errors
        if u.status != 0 || !errors.isEmpty {
            s += "<div class=\"error\" role=\"alert\"><strong>台账中有 \(errors.count) 处错误，未能分类，也没有生成任何结果。</strong>"
            s += "请在 Excel 或 WPS 中按下表逐行改正（行号即表格左侧的行号，第1行是表头），保存后重新上传。</div>"
            s += "<h2>需要改正的地方</h2>" + problemTable(u.problems.diagnostics)
            s += clearForm(u, ctx)
            return layout("台账有错误", ctx, s)
        }

        let overdue = u.due.filter { statusClass($0) == "overdue" }.count
        let soon = u.due.filter { statusClass($0) == "soon" }.count
        if overdue > 0 || soon > 0 {
            var parts: [String] = []
            if overdue > 0 { parts.append("<a href=\"\(base)?status=overdue#due\">\(overdue) 件已超过最终答复期限</a>") }
            if soon > 0 { parts.append("<a href=\"\(base)?status=soon#due\">\(soon) 件将在 3 个工作日内到期</a>") }
            s += "<div class=\"error\" role=\"status\"><strong>请注意：</strong>\(parts.joined(separator: "，"))。</div>"
        } else {
            s += "<div class=\"ok\" role=\"status\">没有已超期或 3 个工作日内到期的申请。</div>"
        }
        s += "<h2 id=\"due\">未办结的申请（按到期先后排列）</h2>"
        let counts = Dictionary(grouping: u.due, by: statusClass).mapValues(\.count)
        let labels: [(String, String)] = [("overdue", "已超期"), ("soon", "即将到期"), ("pending", "办理中"), ("paused", "期限中止"), ("undetermined", "其他")]
        s += "<div class=\"filters\"><a class=\"\(filter == nil ? "on" : "")\" href=\"\(base)#due\">全部（\(u.due.count)）</a>"
        for (key, label) in labels where counts[key] != nil {
            let name = key == "undetermined" ? (u.due.first { statusClass($0) == key }.map(DueCommand.statusText) ?? label) : label
            s += "<a class=\"\(filter == key ? "on" : "")\" href=\"\(base)?status=\(key)#due\">\(h(name))（\(counts[key]!)）</a>"
        }
        s += "</div>"
        let shown = u.due.filter { filter == nil || statusClass($0) == filter }
        if shown.isEmpty {
            s += "<p class=\"ok\">没有符合条件的未办结申请。</p>"
        } else {
            s += "<table class=\"due\"><thead><tr><th>申请编号</th><th>收到日期</th><th>最终答复期限</th><th>剩余工作日</th><th>状态</th><th>申请内容</th></tr></thead><tbody>"
            let cap = 2000
            for e in shown.prefix(cap) {
                let cls = statusClass(e)
                let mark = DueCommand.mark(e)
                let rowClass = mark == "!!" ? "overdue" : (mark == "!" ? "soon" : cls)
                let href = "\(base)explain?app=\(q(e.id))"
                s += "<tr class=\"\(rowClass)\" data-href=\"\(h(href))\"><td class=\"nowrap\"><a href=\"\(h(href))\">\(h(e.id))</a></td>"
                s += "<td class=\"nowrap\">\(e.received.iso)</td><td class=\"nowrap\">\(h(DueCommand.finalDueText(e)))</td>"
                s += "<td class=\"num\">\(h(DueCommand.daysLeftText(e)))</td>"
                s += "<td><span class=\"badge \(cls)\">\(h(DueCommand.statusText(e)))</span></td><td>\(h(e.subject))</td></tr>"
            }
            s += "</tbody></table>"
            if shown.count > cap {
                s += "<p class=\"note\">另有 \(shown.count - cap) 件未在此列出（按到期先后只显示前 \(cap) 件）；完整清单请下载“到期清单（CSV）”。</p>"
            }
        }
        s += "<p class=\"note\">点击任一行，查看该申请的认定过程和期限计算。“剩余工作日”为负数表示已超过最终答复期限的工作日数；“即将到期”指 3 个工作日内到期；“期限中止”表示正在等待补正、征求意见或缴费，期限暂停计算，“—”表示补正材料尚未收到、期限尚未起算；“期限待定”表示期限跨入尚无节假日安排文件的年份，标“暂定”的日期按周一至周五估算，仅供参考。</p>"

        if let sum = u.summary {
            s += "<div class=\"cols\"><div><h2>按办理结论（全部申请）</h2><table><thead><tr><th>办理结论</th><th>件数</th></tr></thead><tbody>"
            for c in sum.byOutcome { s += "<tr><td>\(h(c.label))</td><td class=\"num\">\(c.count)</td></tr>" }
            s += "</tbody></table></div><div><h2>按答复期限（全部申请）</h2><table><thead><tr><th>期限状态</th><th>件数</th></tr></thead><tbody>"
            for c in sum.byStatus { s += "<tr><td>\(h(c.label))</td><td class=\"num\">\(c.count)</td></tr>" }
            s += "</tbody></table></div></div>"
        }

        let warnings = u.problems.diagnostics.filter { $0.severity != .error }
        if !warnings.isEmpty {
            s += "<h2>提示（\(warnings.count) 条）</h2><p class=\"note\">以下情况不影响分类，但请核实。</p>" + problemTable(warnings, limit: 200)
        }

        s += """
        <h2>下载</h2>
        <div class="panel downloads">
        <a class="button" href="\(base)classified.xlsx">分类结果（Excel 工作簿 .xlsx）</a>
        <a class="button plain" href="\(base)classified.csv?headers=zh">分类结果（CSV，中文列名，Excel 可直接打开）</a>
        <a class="button plain" href="\(base)classified.csv">分类结果（CSV，英文列名，供其他程序读取）</a>
        <a class="button plain" href="\(base)due.xlsx">到期清单（Excel 工作簿 .xlsx）</a>
        <a class="button plain" href="\(base)due.csv">到期清单（CSV）</a>
        </div>
        <h2>答复文书</h2>
        <form class="panel" method="get" action="\(base)letters.zip">
        <p class="note">按规则为所选申请制作答复书及补正、征求意见、延期、收费等告知书，打包为 zip 下载。某一件申请的文书，可在该申请的说明页下载。</p>
        <div class="row">
        <label class="field">文书日期自<input type="date" name="from"></label>
        <label class="field">至<input type="date" name="to"></label>
        <label class="field">格式<select name="format"><option value="docx">Word 文档（.docx）</option><option value="txt">纯文本（.txt）</option></select></label>
        <button type="submit">制作并下载文书</button>
        </div>
        </form>
        <h2>年度报告</h2>
        <form class="panel" method="post" action="\(base)report" enctype="multipart/form-data" id="report-form">
        <input type="hidden" name="csrf" value="\(h(ctx.csrf))">
        <p class="note">按本台账生成《政府信息公开工作年度报告》。表三由台账统计；表四、表二和第一、五、六部分的文字，请选择对应文件一并上传（可不选，缺少的部分在报告中标为待填写）。</p>
        <div class="row">
        <label class="field">报告年度<input type="number" name="year" min="2008" max="2100" value="\(thisYear)"></label>
        <label class="field">机关名称<input type="text" name="agency" size="28" placeholder="如：某某县人民政府办公室"></label>
        <label class="field">格式<select name="format"><option value="html">网页（HTML，可打印）</option><option value="docx">Word 文档（.docx，公文格式）</option><option value="md">Markdown</option><option value="txt">纯文本</option><option value="json">JSON（供下一年核对结转数）</option></select></label>
        </div>
        <div class="row">
        <label class="field">行政复议、行政诉讼台账（表四）<input type="file" name="appeals" accept=".csv,.xlsx"></label>
        <label class="field">主动公开数据（表二）<input type="file" name="proactive" accept=".csv,.xlsx"></label>
        <label class="field">报告正文（Markdown）<input type="file" name="narrative" accept=".md,.txt"></label>
        </div>
        <button type="submit">生成并下载年度报告</button>
        </form>
        """
        s += clearForm(u, ctx)
        return layout("分类结果", ctx, s)
    }

    static func clearForm(_ u: Upload, _ ctx: Context) -> String {
        """
        <form method="post" action="/u/\(u.id)/clear" class="row">
        <input type="hidden" name="csrf" value="\(h(ctx.csrf))">
        <button class="plain" type="submit">清除本次数据</button><span class="note">从本机内存中删除这份台账及其结果。</span>
        </form>
        """
    }

    /// explain's text as the CLI prints it, with the deciding step and the section headings marked.
    static func explain(_ u: Upload, _ ctx: Context, application: String, text: String) -> String {
        var body = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let l = h(String(line))
            if line.hasPrefix("一、") || line.hasPrefix("二、") || line.hasPrefix("三、") || line.hasPrefix("申请编号") {
                body += "<span class=\"head\">\(l)</span>\n"
            } else if line.contains("：适用 →") || line.contains("期限状态：") {
                body += "<span class=\"hit\">\(l)</span>\n"
            } else {
                body += l + "\n"
            }
        }
        return layout("申请 \(application) 的认定过程", ctx, """
        <p><a href="/u/\(u.id)/#due">← 返回到期清单</a></p>
        <h1>申请 \(h(application)) 为什么这样认定</h1>
        <p class="lead">依次检查每个判断步骤，第一个适用的步骤作出决定；随后逐日说明答复期限是怎样算出来的（截至 \(u.asOf.iso)）。</p>
        <pre class="explain">\(body)</pre>
        <p class="downloads"><a class="button" href="/u/\(u.id)/letters.zip?app=\(q(application))">下载该申请的文书（Word，zip）</a>
        <a class="button plain" href="/u/\(u.id)/letters.zip?app=\(q(application))&amp;format=txt">纯文本（zip）</a></p>
        """)
    }

    static func problems(_ title: String, _ ctx: Context, _ p: CommandProblems, back: String) -> String {
        layout(title, ctx, """
        <p><a href="\(h(back))">← 返回</a></p>
        <h1>\(h(title))</h1>
        <div class="error" role="alert">\(h(p.note.isEmpty ? "未能完成，原因如下；改正后重试。" : p.note))</div>
        \(p.diagnostics.isEmpty ? "" : problemTable(p.diagnostics))
        """)
    }
}
