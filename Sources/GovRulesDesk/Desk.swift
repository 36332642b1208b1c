import FlyingFox
import FlyingSocks
import Foundation
import GovRulesKit

/// `govrules serve`: how the desk is reached and guarded.
public struct DeskOptions: Sendable {
    public var host = "127.0.0.1"
    public var port: UInt16 = 8080
    /// A file holding the access password (first line). Without it, a bind address other than
    /// loopback gets a password generated for this run and printed at start.
    public var passwordFile: String?
    /// Largest upload accepted, in bytes (each file, and the whole request less form overhead).
    public var maxUploadBytes = 100 << 20
    public var settings = DeskSettings()
    /// Written to when the desk is listening: the URL to open and how access is guarded.
    public var announce: @Sendable (String) -> Void = { _ in }
    public init() {}

    /// 127.0.0.0/8, ::1 and localhost: only this computer can connect.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

public enum Desk {
    /// Binds, announces, and serves until the process is stopped. Throws a Diagnostic (in
    /// Chinese) when the rules cannot be loaded, the password file is unusable or the address is
    /// taken.
    public static func run(_ o: DeskOptions) async throws {
        // Load the rules once now, so a broken rules folder is reported at start, not to a clerk.
        _ = try RuleEngine(folder: try RulesFolder.locate(o.settings.rules), limits: o.settings.limits)
        var password: String?
        var generated = false
        if let file = o.passwordFile {
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                throw Diagnostic(code: "serve-password-file", file: file, "无法读取口令文件（--password-file）")
            }
            let first = text.split(whereSeparator: \.isNewline).first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
            guard first.count >= 8 else {
                throw Diagnostic(code: "serve-password-file", file: file, "口令文件第一行应为至少 8 个字符的口令")
            }
            password = first
        } else if !o.isLoopback {
            password = Secrets.token(bytes: 9)
            generated = true
        }

        let address: any SocketAddress
        let bindHost = o.host == "localhost" ? "127.0.0.1" : o.host
        do {
            address = bindHost.contains(":") ? try sockaddr_in6.inet6(ip6: bindHost, port: o.port)
                                             : try sockaddr_in.inet(ip4: bindHost, port: o.port)
        } catch {
            throw Diagnostic(code: "serve-address", "地址 \(o.host) 无效（--host 应为 IP 地址，如 127.0.0.1、0.0.0.0 或 ::1）")
        }
        let handler = DeskHandler(options: o, password: password)
        let server = HTTPServer(config: .init(address: address, timeout: 600, logger: .disabled), handler: handler)
        let task = Task { try await server.run() }
        do {
            try await server.waitUntilListening(timeout: 10)
        } catch {
            task.cancel()
            let reason = (try? await task.value).map { _ in "" } ?? ""
            throw Diagnostic(code: "serve-bind", "无法在 \(o.host):\(o.port) 上监听\(reason)（端口可能已被占用；可用 --port 换一个）")
        }
        var port = o.port
        if case let .ip4(_, p)? = await server.listeningAddress { port = p }
        if case let .ip6(_, p)? = await server.listeningAddress { port = p }
        let shownHost = bindHost.contains(":") ? "[\(bindHost)]" : (bindHost == "0.0.0.0" ? "本机IP地址" : bindHost)
        var text = "govrules 办理台已启动。请在浏览器中打开：\n\n    http://\(shownHost):\(port)/\n\n"
        if o.isLoopback {
            text += "只有本机可以访问（\(o.host)）。要让办公室其他电脑访问，请用 --host 0.0.0.0 启动，并设置访问口令。\n"
        } else if generated {
            text += "注意：已绑定 \(o.host)，局域网内其他电脑可以访问，必须登录。本次运行的访问口令：\n\n    \(password!)\n\n"
            text += "（每次启动都会重新生成；要固定口令，请用 --password-file 指定口令文件。）\n"
        } else {
            text += "注意：已绑定 \(o.host)，局域网内其他电脑可以访问，必须用口令文件 \(o.passwordFile!) 中的口令登录。\n"
        }
        text += "上传上限 \(Pages.megabytes(o.maxUploadBytes))。按 Ctrl-C 停止。\n"
        o.announce(text)
        try await task.value
    }
}

/// Every request passes here: host and origin checks, login, CSRF, then the page.
struct DeskHandler: HTTPHandler {
    let options: DeskOptions
    let password: String?
    let csrf = Secrets.token()
    let uploads: UploadStore
    let sessions = SessionStore()
    static let cookie = "govrules_session"

    init(options: DeskOptions, password: String?) {
        self.options = options
        self.password = password
        uploads = UploadStore(maxBytes: max(512 << 20, 4 * options.maxUploadBytes))
    }

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        var response = await route(request)
        // Nothing from elsewhere: no external script, style, frame or form target.
        response.headers[HTTPHeader("Content-Security-Policy")] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        response.headers[HTTPHeader("X-Content-Type-Options")] = "nosniff"
        response.headers[HTTPHeader("Referrer-Policy")] = "same-origin"
        response.headers[HTTPHeader("X-Frame-Options")] = "DENY"
        if response.headers[HTTPHeader("Cache-Control")] == nil { response.headers[HTTPHeader("Cache-Control")] = "no-store" }
        return response
    }

    var ctxOut: Pages.Context { Pages.Context(csrf: csrf, loggedIn: false) }

    func route(_ r: HTTPRequest) async -> HTTPResponse {
        let host = r.headers[.host] ?? ""
        // A loopback desk answers only to its loopback names: a page on another site cannot
        // reach it by pointing a domain name at 127.0.0.1 (DNS rebinding).
        if options.isLoopback && !isLoopbackHost(host) {
            return text(.forbidden, "拒绝访问：主机名“\(host)”不是本机地址。")
        }
        let post = r.method == .POST
        if post, let refusal = crossOriginRefusal(r, host: host) { return refusal }

        switch (r.method, r.path) {
        case (.GET, "/assets/desk.css"): return asset(Assets.css, "text/css; charset=utf-8")
        case (.GET, "/assets/desk.js"): return asset(Assets.js, "text/javascript; charset=utf-8")
        case (.GET, "/favicon.ico"): return HTTPResponse(statusCode: .noContent)
        case (.GET, "/login"): return html(.ok, Pages.login(ctxOut, failed: false))
        case (.POST, "/login"): return await login(r)
        default: break
        }

        var ctx = Pages.Context(csrf: csrf, loggedIn: false)
        if password != nil {
            guard let token = cookieValue(r), await sessions.isValid(token) else {
                if post { return text(.forbidden, "请先登录办理台。") }
                return redirect("/login")
            }
            ctx.loggedIn = true
        }
        return await authorized(r, ctx: ctx, post: post)
    }

    func authorized(_ r: HTTPRequest, ctx: Pages.Context, post: Bool) async -> HTTPResponse {
        if post {
            // Every state-changing request carries this run's token, in a header (the upload
            // script) or a form field (checked once the form is read).
            if r.path == "/logout" { return await logout(r) }
        }

        switch (r.method, r.path) {
        case (.GET, "/"): return html(.ok, Pages.home(ctx, maxUpload: options.maxUploadBytes, today: Self.today()))
        case (.POST, "/upload"): return await upload(r, ctx)
        default: break
        }
        // /u/<id>/ and /u/<id>/<action> (the server drops a trailing slash)
        var parts = r.path.split(separator: "/").map(String.init)
        if parts.count == 2 { parts.append("") }
        guard parts.count == 3, parts[0] == "u" else { return notFound(ctx) }
        guard let u = await uploads.get(parts[1]) else {
            return html(.notFound, Pages.message("找不到这份台账", ctx, "这份台账的数据已被清除或已过期（上传 4 小时后自动删除），请重新上传。"))
        }
        let s = options.settings
        switch (r.method, parts[2]) {
        case (.GET, ""):
            let filter = r.query["status"].flatMap { ["overdue", "soon", "pending", "paused", "undetermined"].contains($0) ? $0 : nil }
            let year = u.asOf.year - 1
            return html(.ok, Pages.results(u, ctx, filter: filter, thisYear: year))
        case (.GET, "explain"):
            let app = r.query["app"] ?? ""
            return await Self.blocking {
                switch Result(catching: { try DeskJobs.explain(u, application: app, settings: s) }) {
                case .success(.success(let text)): return html(.ok, Pages.explain(u, ctx, application: app, text: text))
                case .success(.failure(let p)): return html(.notFound, Pages.problems("无法说明申请 \(app)", ctx, p, back: "/u/\(u.id)/"))
                case .failure(let e): return internalError(e, ctx)
                }
            }
        case (.GET, "classified.csv"):
            let zh = r.query["headers"] == "zh"
            let stem = (u.ledgerName as NSString).deletingPathExtension
            return await Self.blocking {
                download(Result(catching: { try DeskJobs.classified(u, chinese: zh, settings: s) }), ctx, u,
                         name: "\(stem)-分类结果\(zh ? "" : "-en").csv", type: "text/csv; charset=utf-8")
            }
        case (.GET, "classified.xlsx"):
            let stem = (u.ledgerName as NSString).deletingPathExtension
            return await Self.blocking {
                download(Result(catching: { try DeskJobs.classifiedWorkbook(u, settings: s) }), ctx, u,
                         name: "\(stem)-分类结果.xlsx", type: DeskJobs.xlsxType)
            }
        case (.GET, "due.xlsx"):
            let stem = (u.ledgerName as NSString).deletingPathExtension
            return await Self.blocking {
                download(Result(catching: { try DeskJobs.dueWorkbook(u, settings: s) }), ctx, u,
                         name: "\(stem)-到期清单-\(u.asOf.iso).xlsx", type: DeskJobs.xlsxType)
            }
        case (.GET, "due.csv"):
            let stem = (u.ledgerName as NSString).deletingPathExtension
            return await Self.blocking {
                download(Result(catching: { try DeskJobs.dueCSV(u, settings: s) }), ctx, u,
                         name: "\(stem)-到期清单-\(u.asOf.iso).csv", type: "text/csv; charset=utf-8")
            }
        case (.GET, "letters.zip"):
            let format = r.query["format"].flatMap(LettersCommandOptions.Format.init(rawValue:)) ?? .docx
            let app = r.query["app"]?.trimmingCharacters(in: .whitespaces) ?? ""
            let fromText = r.query["from"]?.trimmingCharacters(in: .whitespaces) ?? ""
            let toText = r.query["to"]?.trimmingCharacters(in: .whitespaces) ?? ""
            let from = fromText.isEmpty ? nil : Self.parseDate(fromText)
            let to = toText.isEmpty ? nil : Self.parseDate(toText)
            let back = "/u/\(u.id)/"
            if app.isEmpty {
                guard (fromText.isEmpty || from != nil) && (toText.isEmpty || to != nil), from != nil || to != nil else {
                    return html(.badRequest, Pages.message("无法制作文书", ctx, "请填写文书日期范围（如 2024-12-01 至 2024-12-31），或从某件申请的说明页下载该申请的文书。", back: back))
                }
                if let f = from, let t = to, f > t {
                    return html(.badRequest, Pages.message("无法制作文书", ctx, "起始日期 \(f.iso) 晚于截止日期 \(t.iso)。", back: back))
                }
            }
            let stem = app.isEmpty ? "文书-\(from?.iso ?? "")至\(to?.iso ?? "")" : "\(app)-文书"
            return await Self.blocking {
                download(Result(catching: { try DeskJobs.letters(u, ids: app.isEmpty ? [] : [app], from: app.isEmpty ? from : nil,
                                                                to: app.isEmpty ? to : nil, format: format, settings: s) }),
                         ctx, u, name: "\(stem).zip", type: "application/zip", failureTitle: "无法制作文书")
            }
        case (.POST, "report"): return await report(r, u, ctx)
        case (.POST, "clear"):
            guard let form = await readForm(r), tokenOK(r, form) else { return csrfRefusal() }
            await uploads.remove(u.id)
            return redirect("/")
        default: return notFound(ctx)
        }
    }

    // MARK: requests that change something

    func login(_ r: HTTPRequest) async -> HTTPResponse {
        guard let form = await readForm(r), tokenOK(r, form) else { return csrfRefusal() }
        guard let password else { return redirect("/") }
        guard Secrets.constantTimeEqual(form.field("password") ?? "", password) else {
            return html(.unauthorized, Pages.login(ctxOut, failed: true))
        }
        let token = await sessions.create()
        var resp = redirect("/")
        // HttpOnly: no script can read it; SameSite=Strict: no other site's page can send it.
        resp.headers[HTTPHeader("Set-Cookie")] = "\(Self.cookie)=\(token); Path=/; HttpOnly; SameSite=Strict"
        return resp
    }

    func logout(_ r: HTTPRequest) async -> HTTPResponse {
        guard let form = await readForm(r), tokenOK(r, form) else { return csrfRefusal() }
        if let t = cookieValue(r) { await sessions.end(t) }
        var resp = redirect("/login")
        resp.headers[HTTPHeader("Set-Cookie")] = "\(Self.cookie)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
        return resp
    }

    func upload(_ r: HTTPRequest, _ ctx: Pages.Context) async -> HTTPResponse {
        let xhr = r.headers[HTTPHeader("X-Desk-XHR")] == "1"
        func fail(_ status: HTTPStatusCode, _ message: String) -> HTTPResponse {
            xhr ? text(status, message) : html(status, Pages.message("无法上传", ctx, message))
        }
        let form: MultipartForm
        switch await readMultipart(r) {
        case .tooLarge(let n): return fail(.payloadTooLarge, tooLargeMessage(n))
        case .malformed: return fail(.badRequest, "上传的内容不完整或格式不对，请重新选择文件上传。")
        case .ok(let f): form = f
        }
        guard tokenOK(r, form) else { return csrfRefusal() }
        guard let file = form.file("ledger") else { return fail(.badRequest, "请先选择台账文件（CSV 或 .xlsx 工作簿）。") }
        guard file.data.count <= options.maxUploadBytes else { return fail(.payloadTooLarge, tooLargeMessage(file.data.count)) }
        let name = DeskJobs.safeName(file.fileName ?? "", fallback: "台账.csv")
        // The commands detect a workbook by its content; the extension only turns away what is
        // plainly no ledger (a PDF, a Word file) before any work is done.
        guard [".csv", ".xlsx"].contains(where: name.lowercased().hasSuffix) else {
            return fail(.unsupportedMediaType, "“\(name)”不是 CSV 或 Excel 工作簿（.xlsx）文件。请上传台账本身：Excel/WPS 的 .xlsx 工作簿，或另存为的 CSV（UTF-8 或 GBK 编码）。")
        }
        var asOf = Self.today()
        if let t = form.field("as_of")?.trimmingCharacters(in: .whitespaces), !t.isEmpty {
            guard let d = Self.parseDate(t) else { return fail(.badRequest, "截至日期“\(t)”不是有效的日期（如 2025-01-10）。") }
            asOf = d
        }
        let id = Secrets.token()
        let s = options.settings
        let day = asOf
        let analyzed = await Self.blocking {
            Result(catching: { try DeskJobs.analyze(id: id, name: name, ledger: file.data, asOf: day, settings: s) })
        }
        switch analyzed {
        case .failure(let e): return internalError(e, ctx)
        case .success(let u):
            await uploads.put(u)
            let location = "/u/\(id)/"
            if xhr {
                var resp = text(.ok, "已上传")
                resp.headers[HTTPHeader("X-Desk-Location")] = location
                return resp
            }
            return redirect(location)
        }
    }

    func report(_ r: HTTPRequest, _ u: Upload, _ ctx: Pages.Context) async -> HTTPResponse {
        let back = "/u/\(u.id)/"
        let form: MultipartForm
        switch await readMultipart(r) {
        case .tooLarge(let n): return html(.payloadTooLarge, Pages.message("无法生成年度报告", ctx, tooLargeMessage(n), back: back))
        case .malformed: return html(.badRequest, Pages.message("无法生成年度报告", ctx, "提交的内容不完整，请重试。", back: back))
        case .ok(let f): form = f
        }
        guard tokenOK(r, form) else { return csrfRefusal() }
        guard let year = form.field("year").flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), (1990...2200).contains(year) else {
            return html(.badRequest, Pages.message("无法生成年度报告", ctx, "请填写报告年度（四位数字，如 2024）。", back: back))
        }
        let format = form.field("format").flatMap(ReportOutputKind.init(rawValue:)) ?? .html
        let agency = form.field("agency")?.trimmingCharacters(in: .whitespacesAndNewlines)
        func attached(_ field: String, _ fallback: String) -> (String, Data)? {
            form.file(field).map { (DeskJobs.safeName($0.fileName ?? "", fallback: fallback), $0.data) }
        }
        let req = DeskJobs.ReportRequest(year: year, agency: agency?.isEmpty == false ? agency : nil, format: format,
                                         appeals: attached("appeals", "appeals.csv"), proactive: attached("proactive", "proactive.csv"),
                                         narrative: attached("narrative", "narrative.md"))
        let s = options.settings
        let types: [ReportOutputKind: String] = [.html: "text/html; charset=utf-8", .md: "text/markdown; charset=utf-8",
                                                 .txt: "text/plain; charset=utf-8", .json: "application/json",
                                                 .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"]
        return await Self.blocking {
            download(Result(catching: { try DeskJobs.report(u, req, settings: s) }), ctx, u,
                     name: "\(year)年度政府信息公开工作年度报告.\(format.rawValue)", type: types[format] ?? "application/octet-stream",
                     failureTitle: "无法生成 \(year) 年度报告")
        }
    }

    // MARK: the guards

    /// A state-changing request must come from the desk's own pages: its Origin (or, when a
    /// browser sends none, its Referer) must be this very host.
    func crossOriginRefusal(_ r: HTTPRequest, host: String) -> HTTPResponse? {
        let own = "http://" + host
        if let origin = r.headers[HTTPHeader("Origin")] {
            return origin == own ? nil : text(.forbidden, "拒绝：请求来自其他网站（\(origin)），办理台只接受本页面提交的操作。")
        }
        if let referer = r.headers[HTTPHeader("Referer")] {
            return referer == own || referer.hasPrefix(own + "/") ? nil
                : text(.forbidden, "拒绝：请求来自其他网站，办理台只接受本页面提交的操作。")
        }
        return nil
    }

    func tokenOK(_ r: HTTPRequest, _ form: MultipartForm?) -> Bool {
        let given = r.headers[HTTPHeader("X-CSRF-Token")] ?? form?.field("csrf") ?? ""
        return Secrets.constantTimeEqual(given, csrf)
    }

    func csrfRefusal() -> HTTPResponse {
        text(.forbidden, "拒绝：缺少或不符的页面令牌。请刷新办理台页面后重试（办理台重新启动后，旧页面需要刷新）。")
    }

    func isLoopbackHost(_ host: String) -> Bool {
        var name = host
        if name.hasPrefix("[") { name = String(name.dropFirst().prefix { $0 != "]" }) }
        else if let colon = name.lastIndex(of: ":") { name = String(name[..<colon]) }
        return name == "localhost" || name == "::1" || name.hasPrefix("127.")
    }

    func cookieValue(_ r: HTTPRequest) -> String? {
        for header in r.headers.values(for: HTTPHeader("Cookie")) {
            for pair in header.split(separator: ";") {
                let kv = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if kv.count == 2 && kv[0] == Self.cookie { return kv[1] }
            }
        }
        return nil
    }

    enum ReadResult { case ok(MultipartForm), tooLarge(Int), malformed }

    /// Multipart framing adds a little to the files. A body announced larger than that allowance
    /// is refused without being kept (the server still reads it off the connection before
    /// answering, and discards it); one without a length is kept only up to the allowance.
    func readMultipart(_ r: HTTPRequest) async -> ReadResult {
        let allowance = options.maxUploadBytes * 4 + (1 << 20)   // ledger plus up to three files beside it
        if let n = r.headers[.contentLength].flatMap(Int.init), n > allowance { return .tooLarge(n) }
        guard let boundary = MultipartForm.boundary(contentType: r.headers[.contentType]) else { return .malformed }
        var body = Data()
        do {
            for try await chunk in r.bodySequence {
                body.append(chunk)
                if body.count > allowance { return .tooLarge(body.count) }
            }
        } catch { return .malformed }
        return MultipartForm(body: body, boundary: boundary).map { .ok($0) } ?? .malformed
    }

    /// The small url-encoded or multipart forms (login, logout, clear).
    func readForm(_ r: HTTPRequest) async -> MultipartForm? {
        if let n = r.headers[.contentLength].flatMap(Int.init), n > 64 << 10 { return nil }
        if MultipartForm.boundary(contentType: r.headers[.contentType]) != nil {
            if case .ok(let f) = await readMultipart(r) { return f }
            return nil
        }
        guard let data = try? await r.bodyData, data.count <= 64 << 10, let s = String(data: data, encoding: .utf8) else { return nil }
        var parts: [MultipartForm.Part] = []
        for pair in s.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            parts.append(.init(name: kv[0], fileName: nil, data: Data((kv.count > 1 ? kv[1] : "").utf8)))
        }
        return MultipartForm(parts: parts)
    }

    func tooLargeMessage(_ n: Int) -> String {
        "文件过大（约 \(Pages.megabytes(n))）：办理台每个文件的上传上限为 \(Pages.megabytes(options.maxUploadBytes))。请把台账按年度拆分后分别上传，或请管理员用 govrules serve --max-upload 调高上限。"
    }

    // MARK: responses

    func html(_ status: HTTPStatusCode, _ page: String) -> HTTPResponse {
        HTTPResponse(statusCode: status, headers: HTTPHeaders([.contentType: "text/html; charset=utf-8"]), body: Data(page.utf8))
    }

    func text(_ status: HTTPStatusCode, _ message: String) -> HTTPResponse {
        HTTPResponse(statusCode: status, headers: HTTPHeaders([.contentType: "text/plain; charset=utf-8"]), body: Data(message.utf8))
    }

    func asset(_ content: String, _ type: String) -> HTTPResponse {
        HTTPResponse(statusCode: .ok, headers: HTTPHeaders([.contentType: type, HTTPHeader("Cache-Control"): "no-cache"]), body: Data(content.utf8))
    }

    func redirect(_ location: String) -> HTTPResponse {
        HTTPResponse(statusCode: .seeOther, headers: HTTPHeaders([.location: location]))
    }

    func notFound(_ ctx: Pages.Context) -> HTTPResponse {
        html(.notFound, Pages.message("找不到页面", ctx, "没有这个页面。请从首页重新开始。"))
    }

    func internalError(_ e: Error, _ ctx: Pages.Context) -> HTTPResponse {
        html(.internalServerError, Pages.message("出错了", ctx, "办理台内部出错：\(e)。请把这段文字告诉管理员。"))
    }

    func download(_ r: Result<Result<Data, CommandProblems>, Error>, _ ctx: Pages.Context, _ u: Upload,
                  name: String, type: String, failureTitle: String = "无法下载") -> HTTPResponse {
        switch r {
        case .failure(let e): return internalError(e, ctx)
        case .success(.failure(let p)): return html(.unprocessableContent, Pages.problems(failureTitle, ctx, p, back: "/u/\(u.id)/"))
        case .success(.success(let data)):
            let ascii = String(name.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0.value >= 0x20 ? Character($0) : "_" })
            return HTTPResponse(statusCode: .ok, headers: HTTPHeaders([
                .contentType: type,
                HTTPHeader("Content-Disposition"): "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(Pages.q(name))",
            ]), body: data)
        }
    }

    // MARK: helpers

    /// Runs a blocking library call on a thread of its own, not on the server's few
    /// cooperative threads, so one long classification does not stall every other page.
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { c in
            Thread.detachNewThread { c.resume(returning: work()) }
        }
    }

    static func parseDate(_ s: String) -> Day? {
        var bytes = Array(s.utf8)
        return bytes.withUnsafeMutableBufferPointer { ValueParser.date(UnsafeBufferPointer($0)) }
    }

    static func today() -> Day {
        let c = Calendar.current.dateComponents([.year, .month, .day], from: Date())
        return Day(year: c.year!, month: c.month!, day: c.day!)!
    }
}

extension MultipartForm {
    init(parts: [Part]) { self.parts = parts }
}
