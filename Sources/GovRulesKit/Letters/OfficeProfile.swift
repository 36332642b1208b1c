import Foundation

/// The office's own particulars for its letters (letters/office.lua): its name, its 文号 pattern,
/// contact line, and the bodies an applicant appeals to. A Lua file that only returns a table; it
/// runs with no library at all, so it can hold data and nothing else.
public struct OfficeProfile: Sendable {
    /// A field of the profile: its key in office.lua and what a clerk calls it.
    public struct Field: Sendable {
        public var key: String
        public var name: String
    }

    /// Every field a template or the appeal rules may use. `number_pattern` is the 文号 with
    /// `{年}` for the year and `{号}` for the serial, which govrules leaves blank.
    public static let fields: [Field] = [
        Field(key: "name", name: "机关名称"),
        Field(key: "number_pattern", name: "文号格式"),
        Field(key: "contact", name: "联系人"),
        Field(key: "phone", name: "联系电话"),
        Field(key: "address", name: "机关地址"),
        Field(key: "government", name: "本级人民政府"),
        Field(key: "superior", name: "上一级主管部门"),
        Field(key: "review_body", name: "复议机关"),
        Field(key: "court", name: "管辖法院"),
        Field(key: "correction_period", name: "补正期限"),
        Field(key: "reasons_period", name: "说明理由期限"),
        Field(key: "fee_payment", name: "缴费方式"),
    ]

    public static func field(_ key: String) -> Field? { fields.first { $0.key == key } }

    public let file: String
    public let values: [String: String]

    public func value(_ key: String) -> String? {
        guard let v = values[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }

    /// The message for a field the letters need and the profile lacks.
    public func missing(_ key: String, for purpose: String) -> Diagnostic {
        let name = Self.field(key)?.name ?? key
        return Diagnostic(code: "office-field-missing", file: file,
            "机关信息缺少“\(name)”（\(key) = \"…\"）；\(purpose)需要它。请在 \(file) 中填写，文书中不能留空")
    }

    public init(file: String, values: [String: String]) {
        self.file = file
        self.values = values
    }

    static let loader = """
    local code, name = ...
    local f, err = load(code, name, "t", {})
    if not f then error(err, 0) end
    local t = f()
    if type(t) ~= "table" then error("必须返回一个表，如 return { name = \\"云溪县人民政府办公室\\", … }", 0) end
    return t
    """

    /// Reads `folder/office.lua`.
    public static func load(folder: String) throws -> OfficeProfile {
        let file = folder + "/office.lua"
        guard let data = FileManager.default.contents(atPath: file) else {
            throw Diagnostic(code: "office-missing", file: file,
                "找不到机关信息文件 office.lua：文书的机关名称、文号格式、联系方式和复议机关、管辖法院都写在这里")
        }
        guard data.count <= 1 << 20, let code = String(data: data, encoding: .utf8) else {
            throw Diagnostic(code: "office-unreadable", file: file, "机关信息文件必须是不超过 1 MiB 的 UTF-8 文本")
        }
        let lua = try LuaSandbox(memoryLimit: 16 << 20, instructionBudget: 1_000_000)
        let table: LuaTable
        do {
            let refs = try lua.runChunk(loader, name: "=govrules-office", args: [code, "@" + file], results: 1)
            table = lua.value(refs[0]).table ?? LuaTable()
        } catch let f as LuaFailure {
            let text: String
            switch f {
            case .runtime(let m), .syntax(let m), .memory(let m), .budget(let m): text = m
            }
            throw Diagnostic(code: "office-invalid", file: file, "机关信息文件有误：\(text)")
        }
        var values: [String: String] = [:]
        var problems: [Diagnostic] = []
        for (k, v) in table.fields {
            guard fields.contains(where: { $0.key == k }) else {
                problems.append(Diagnostic(code: "office-unknown-field", file: file,
                    "机关信息中的“\(k)”不是已知的字段；可用：\(fields.map { "\($0.key)（\($0.name)）" }.joined(separator: "、"))"))
                continue
            }
            guard let s = v.string else {
                problems.append(Diagnostic(code: "office-invalid", file: file, "机关信息“\(k)”应为文字（用引号括起来）"))
                continue
            }
            values[k] = s
        }
        if !problems.isEmpty { throw DiagnosticList(problems) }
        return OfficeProfile(file: file, values: values)
    }
}
