import CLuaSandbox

/// Why a call into Lua failed. The messages are Lua's own (with `rules/x.lua:12:` positions
/// and a traceback); `RuleFailure` turns them into Chinese diagnostics.
enum LuaFailure: Error, Equatable {
    case runtime(String)
    case syntax(String)
    case memory(String)
    case budget(String)
}

/// A Lua value copied out of the state, for load-time metadata (schema, steps, outcomes,
/// traces). Never used on the per-row hot path.
indirect enum LuaValue: Equatable {
    case none
    case bool(Bool)
    case int(Int64)
    case number(Double)
    case string(String)
    case table(LuaTable)
    /// A function, with where it was defined (`rules/steps.lua`, line).
    case function(source: String, line: Int)
    case other

    var string: String? { if case .string(let s) = self { return s }; return nil }
    var table: LuaTable? { if case .table(let t) = self { return t }; return nil }
    var int: Int? {
        switch self {
        case .int(let i): return Int(i)
        case .number(let d): return Int(exactly: d)
        default: return nil
        }
    }
    var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    var isNone: Bool { self == .none }
}

struct LuaTable: Equatable {
    var array: [LuaValue] = []
    var fields: [String: LuaValue] = [:]
    subscript(_ key: String) -> LuaValue { fields[key] ?? .none }
}

/// One sandboxed `lua_State` (see CLuaSandbox and HostPrelude): created once per worker and
/// reused for every row.
final class LuaSandbox {
    let box: OpaquePointer
    var L: OpaquePointer { gr_state(box) }

    init(memoryLimit: Int, instructionBudget: Int) throws {
        guard let b = gr_new(memoryLimit, Int64(instructionBudget)) else {
            throw LuaFailure.memory("cannot create a Lua state")
        }
        box = b
        try check(gr_open_libs(box))
    }

    deinit { gr_free(box) }

    var lastError: String {
        var len = 0
        let p = gr_error(box, &len)!
        return String(decoding: UnsafeRawBufferPointer(start: p, count: len), as: UTF8.self)
    }

    var memoryPeak: Int { gr_memory_peak(box) }

    func setBudget(_ instructions: Int) { gr_set_budget(box, Int64(instructions)) }

    func check(_ code: Int32) throws {
        switch Int(code) {
        case Int(GR_OK): return
        case Int(GR_ERR_SYNTAX): throw LuaFailure.syntax(lastError)
        case Int(GR_ERR_MEMORY): throw LuaFailure.memory(lastError)
        case Int(GR_ERR_BUDGET): throw LuaFailure.budget(lastError)
        default: throw LuaFailure.runtime(lastError)
        }
    }

    /// Compiles `code` as text and runs it with string arguments; returns registry references.
    func runChunk(_ code: String, name: String, args: [String], results: Int) throws -> [Int32] {
        var refs = [Int32](repeating: -2, count: results)
        var code = code
        let status: Int32 = code.withUTF8 { c in
            withCStrings(args) { ptrs, lens in
                refs.withUnsafeMutableBufferPointer { r in
                    gr_run_chunk(box, UnsafeRawPointer(c.baseAddress!).assumingMemoryBound(to: CChar.self), c.count,
                                 name, ptrs, lens, Int32(args.count), r.baseAddress, Int32(results))
                }
            }
        }
        try check(status)
        return refs
    }

    /// Calls the function at `fn` with string arguments (nil → Lua nil).
    func call(_ fn: Int32, _ args: [String?], results: Int) throws -> [Int32] {
        var refs = [Int32](repeating: -2, count: results)
        let status: Int32 = withCStrings(args) { ptrs, lens in
            refs.withUnsafeMutableBufferPointer { r in
                gr_call_strings(box, fn, ptrs, lens, Int32(args.count), r.baseAddress, Int32(results))
            }
        }
        try check(status)
        return refs
    }

    func intern(_ s: String) throws -> Int32 {
        var index: Int32 = 0
        var s = s
        let status = s.withUTF8 { b in
            gr_intern(box, UnsafeRawPointer(b.baseAddress!).assumingMemoryBound(to: CChar.self), b.count, &index)
        }
        try check(status)
        return index
    }

    func unref(_ ref: Int32) { gr_unref(box, ref) }

    /// Copies the value at a registry reference out of the state. Bounded: each table is read
    /// once (a table met again, through a cycle or a shared reference, reads as `.other`), at
    /// most 32 levels deep, at most `maxNodes` values and `maxBytes` of string data in all, so a
    /// rule cannot make the host copy an exponential or huge structure.
    func value(_ ref: Int32) -> LuaValue {
        if ref < 0 { return .none }
        let L = self.L
        guard lua_checkstack(L, 4) != 0 else { return .other }
        visited.removeAll(keepingCapacity: true)
        nodesLeft = Self.maxNodes
        bytesLeft = Self.maxBytes
        gr_push_ref(L, ref)
        let v = readTop(depth: 0)
        gr_pop(L, 1)
        return v
    }

    static let maxNodes = 200_000
    static let maxBytes = 16 << 20
    private var visited = Set<UnsafeRawPointer>()
    private var nodesLeft = 0
    private var bytesLeft = 0

    /// Reads the value at the top of the stack without popping it. Uses only non-raising calls.
    private func readTop(depth: Int) -> LuaValue {
        let L = self.L
        nodesLeft -= 1
        if nodesLeft < 0 { return .other }
        switch lua_type(L, -1) {
        case LUA_TNIL: return .none
        case LUA_TBOOLEAN: return .bool(lua_toboolean(L, -1) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(L, -1) != 0 { return .int(lua_tointegerx(L, -1, nil)) }
            return .number(lua_tonumberx(L, -1, nil))
        case LUA_TSTRING:
            var len = 0
            let p = lua_tolstring(L, -1, &len)!
            bytesLeft -= len
            if bytesLeft < 0 { return .other }
            return .string(String(decoding: UnsafeRawBufferPointer(start: p, count: len), as: UTF8.self))
        case LUA_TFUNCTION:
            lua_pushvalue(L, -1)
            var line: Int32 = 0
            let src = String(cString: gr_function_source(L, &line))
            return .function(source: src.hasPrefix("@") ? String(src.dropFirst()) : src, line: Int(line))
        case LUA_TTABLE:
            guard depth < 32, lua_checkstack(L, 4) != 0, let id = lua_topointer(L, -1),
                  visited.insert(id).inserted else { return .other }
            var t = LuaTable()
            var arrayItems: [Int: LuaValue] = [:]
            lua_pushnil(L)
            while lua_next(L, -2) != 0 {
                let value = readTop(depth: depth + 1)
                gr_pop(L, 1)
                switch lua_type(L, -1) {
                case LUA_TNUMBER where lua_isinteger(L, -1) != 0:
                    arrayItems[Int(lua_tointegerx(L, -1, nil))] = value
                case LUA_TSTRING:
                    var len = 0
                    let p = lua_tolstring(L, -1, &len)!
                    t.fields[String(decoding: UnsafeRawBufferPointer(start: p, count: len), as: UTF8.self)] = value
                default: break
                }
            }
            var i = 1
            while let v = arrayItems[i] { t.array.append(v); arrayItems[i] = nil; i += 1 }
            // Integer keys outside the sequence (years, say) are kept by their decimal text.
            for (k, v) in arrayItems { t.fields[String(k)] = v }
            return .table(t)
        default:
            return .other
        }
    }
}

/// Passes Swift strings to C as (pointer, length) arrays for the duration of `body`.
/// A nil string is passed as a NULL pointer (Lua nil).
func withCStrings<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R) -> R {
    var bytes: [CChar] = []
    var offsets: [Int] = []
    var lens: [Int] = []
    for s in strings {
        offsets.append(bytes.count)
        if let s {
            bytes.append(contentsOf: s.utf8.map { CChar(bitPattern: $0) })
            lens.append(s.utf8.count)
        } else {
            lens.append(-1)
        }
        bytes.append(0)
    }
    return bytes.withUnsafeBufferPointer { b in
        var ptrs: [UnsafePointer<CChar>?] = (0..<strings.count).map { i in lens[i] < 0 ? nil : b.baseAddress! + offsets[i] }
        var l = lens.map { max($0, 0) }
        ptrs.append(nil)  // never empty, so baseAddress is never nil
        l.append(0)
        return ptrs.withUnsafeBufferPointer { p in l.withUnsafeBufferPointer { lp in body(p.baseAddress!, lp.baseAddress!) } }
    }
}
