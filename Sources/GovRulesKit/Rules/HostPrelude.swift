/// The host's own Lua code. It runs once per Lua state, before any rule file, with the standard
/// libraries that `gr_open_libs` opened, and builds the sandbox the rules run in:
///
/// - every rule file gets a fresh environment holding allow-listed globals only
///   (no io, os, package, debug, dofile, loadfile, print, collectgarbage, string.dump,
///   math.random);
/// - shared library tables reach rules only through read-only proxies, and the string
///   metatable is locked, so no file can change `string.format` under another;
/// - `load` compiles text only, into the caller's environment;
/// - `require` resolves module names only against the rule files the host read from the rules
///   folder; nothing else on disk is reachable;
/// - `pairs` iterates in sorted key order and `tostring` hides addresses, because Lua's string
///   hash seed and heap addresses differ from run to run and the output must not.
let hostPrelude = #"""
local G = _G
local load, type, error, tostring, setmetatable, getmetatable, next, pairs, ipairs, select =
      load, type, error, tostring, setmetatable, getmetatable, next, pairs, ipairs, select
local rawget, rawequal, string, table, math, utf8 = rawget, rawequal, string, table, math, utf8
local sort, concat = table.sort, table.concat

-- The host's own functions for the decision memo (sandbox.c, memo.c): taken here and removed from
-- _G before any rule file runs.
local state_setup, state_fingerprint, memo_stage = __gr_state_setup, __gr_state_fingerprint, __gr_memo_stage
__gr_state_setup, __gr_state_fingerprint, __gr_memo_stage = nil, nil, nil
-- And the one that tells the host how to read a row's result (sandbox.c, "Reading a result").
local result_reader = __gr_result_reader
__gr_result_reader = nil
-- Working-day counting (workdays.c): calendar.lua defines the working days once, while loading.
local workdays = __gr_workdays
__gr_workdays = nil

string.dump = nil
math.random = nil
math.randomseed = nil
getmetatable("").__metatable = false

local rules_label = ...
local sources = {}      -- module name -> { path = display path, code = text }
local loaded = {}
local loading = {}
local generation = 0
-- Modules first required while a row ran. They are loaded for that row only and forgotten
-- before the next: otherwise whichever row happened to load a module first would pay for it
-- (and could exceed its instruction budget) depending on how the ledger was split among workers,
-- or on whether the row had to be run a second time.
local row_loaded = {}
local function forget_row_modules()
  for i = #row_loaded, 1, -1 do
    loaded[row_loaded[i]] = nil
    row_loaded[i] = nil
  end
end

local function readonly(t, name)
  local proxy = {}
  return setmetatable(proxy, {
    __index = t,
    __newindex = function(_, k)
      local key = (type(k) == "string" or type(k) == "number") and tostring(k) or type(k)
      error(("不能修改共享库 %s.%s：每个规则文件只能修改自己的变量"):format(name, key), 2)
    end,
    __pairs = function()
      local k
      return function() local v; k, v = next(t, k); return k, v end
    end,
    __metatable = false,
  })
end

local type_rank = { boolean = 1, number = 2, string = 3 }
local function key_less(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return (type_rank[ta] or 9) < (type_rank[tb] or 9) end
  if ta == "number" or ta == "string" then return a < b end
  if ta == "boolean" then return (not a) and b end
  return false
end

-- Deterministic pairs: sorted keys. A __pairs metamethod is honoured.
local function sorted_pairs(t)
  local mt = getmetatable(t)
  if type(mt) == "table" and rawget(mt, "__pairs") then return mt.__pairs(t) end
  local keys, n = {}, 0
  for k in next, t do
    local tk = type(k)
    if tk ~= "string" and tk ~= "number" and tk ~= "boolean" then
      error("pairs 不支持以表或函数为键的表：这类键没有确定的顺序，每次运行结果会不同", 2)
    end
    n = n + 1; keys[n] = k
  end
  sort(keys, key_less)
  local i = 0
  return function()
    i = i + 1
    local k = keys[i]
    if k ~= nil then return k, t[k] end
  end, t, nil
end

local function safe_tostring(v)
  local tv = type(v)
  if tv == "table" or tv == "function" or tv == "userdata" or tv == "thread" then
    local mt = getmetatable(v)
    if type(mt) == "table" and rawget(mt, "__tostring") then return tostring(v) end
    if type(mt) == "table" and rawget(mt, "__name") then return tostring(mt.__name) end
    return tv
  end
  return tostring(v)
end

-- Lua calls an xpcall message handler, and __gc finalizers, with debug hooks switched off, so
-- the instruction budget could not stop a loop inside them. The sandbox's xpcall therefore
-- runs the handler after the error has unwound (hooks on again), and setmetatable refuses
-- __gc.
local pack, unpack = table.pack, table.unpack
local pcall = pcall
local function safe_xpcall(f, handler, ...)
  local r = pack(pcall(f, ...))
  if r[1] then return unpack(r, 1, r.n) end
  return false, handler(r[2])
end

local function safe_setmetatable(t, mt)
  if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
    error("规则不能设置 __gc 终结器：它在垃圾回收时运行，不受指令上限约束", 2)
  end
  return setmetatable(t, mt)
end

-- table.sort picks a random pivot (seeded from the clock), so equal keys come out in a different
-- order from run to run; rules get a stable merge sort instead, which also runs under the budget.
local function stable_sort(t, less)
  local n = #t
  if n < 2 then return end
  less = less or function(a, b) return a < b end
  local src, dst = {}, {}
  for i = 1, n do src[i] = t[i] end
  local width = 1
  while width < n do
    local i = 1
    while i <= n do
      local mid, hi = math.min(i + width, n + 1), math.min(i + 2 * width, n + 1)
      local a, b, k = i, mid, i
      while a < mid and b < hi do
        if less(src[b], src[a]) then dst[k] = src[b]; b = b + 1 else dst[k] = src[a]; a = a + 1 end
        k = k + 1
      end
      while a < mid do dst[k] = src[a]; a = a + 1; k = k + 1 end
      while b < hi do dst[k] = src[b]; b = b + 1; k = k + 1 end
      i = i + 2 * width
    end
    src, dst = dst, src
    width = width * 2
  end
  for i = 1, n do t[i] = src[i] end
end

-- string.format("%p") and "%s" of a table print heap addresses, which differ between runs.
local real_format = string.format
local function safe_format(fmt, ...)
  if type(fmt) == "string" and fmt:find("%%[-+ #0]*%d*%.?%d*p") then
    error("string.format 不支持 %p：地址每次运行都不同", 2)
  end
  local n = select("#", ...)
  local args = { ... }
  for i = 1, n do
    local v = args[i]
    local tv = type(v)
    if tv == "table" or tv == "function" or tv == "userdata" or tv == "thread" then args[i] = safe_tostring(v) end
  end
  return real_format(fmt, table.unpack(args, 1, n))
end
string.format = safe_format

table.sort = stable_sort

-- Library loops that run in C execute no Lua instruction, so the budget cannot stop them, and
-- the row timeout then ends the whole run. Two need no memory to run for ever:
-- string.rep of an empty string (with an empty separator) loops n times producing nothing, and
-- table.move loops over its range whatever the tables hold. string.rep answers "" at once when
-- the result is empty (with a non-empty string the result is allocated first, and the memory
-- cap stops it); table.move is written in Lua, so every element moved counts against the budget.
local real_rep, tointeger, maxinteger = string.rep, math.tointeger, math.maxinteger
string.rep = function(s, n, sep)
  if s == "" and (sep == nil or sep == "") then
    local k = tonumber(n)
    if k ~= nil and tointeger(k) ~= nil then return "" end
  end
  return real_rep(s, n, sep)
end

local function move_arg(v, i)
  local k = tointeger(v)
  if k == nil then
    error(("bad argument #%d to 'move' (number has no integer representation)"):format(i), 3)
  end
  return k
end
table.move = function(a1, f, e, t, a2)
  if type(a1) ~= "table" then error(("bad argument #1 to 'move' (table expected, got %s)"):format(type(a1)), 2) end
  f, e, t = move_arg(f, 2), move_arg(e, 3), move_arg(t, 4)
  if a2 == nil then a2 = a1 end
  if type(a2) ~= "table" then error(("bad argument #5 to 'move' (table expected, got %s)"):format(type(a2)), 2) end
  if e >= f then
    if not (f > 0 or e < maxinteger + f) then error("bad argument #3 to 'move' (too many elements to move)", 2) end
    if t > maxinteger - (e - f) then error("bad argument #4 to 'move' (destination wrap around)", 2) end
    if t > e or t <= f or a1 ~= a2 then
      for i = 0, e - f do a2[t + i] = a1[f + i] end
    else
      for i = e - f, 0, -1 do a2[t + i] = a1[f + i] end
    end
  end
  return a2
end

-- `next` is left out: iterating a table with it follows the hash order, which changes from run
-- to run. `pairs` (sorted) is the way to iterate; `rawlen`/`#` tell whether an array is empty.
local base_names = {
  "assert", "error", "ipairs", "pcall", "rawequal", "rawget", "rawlen", "rawset",
  "select", "getmetatable", "tonumber", "type", "_VERSION",
}
-- The library tables as rules see them. Each file gets its own read-only proxies (built in
-- new_env), so even rawset on a proxy changes nothing another file sees.
local libs = { string = string, table = table, math = math, utf8 = utf8, workdays = workdays }

local function module_path(name)
  return rules_label .. "/" .. name:gsub("%.", "/") .. ".lua"
end

local require_module
-- Set while the steps decide a row: a module they `require` then may hold state the memo's
-- fingerprint does not walk, so such a row's decision is not remembered.
local in_decide, decide_required = false, false

local function list_modules(prefix)
  if type(prefix) ~= "string" then error("list_modules 需要一个字符串参数（文件夹名）", 2) end
  local out = {}
  local p = prefix .. "."
  for name in next, sources do
    if name:sub(1, #p) == p and not name:find(".", #p + 1, true) then out[#out + 1] = name end
  end
  sort(out)
  return out
end

local envs = {}   -- every rule file's environment, frozen once loading is done
local booted = false
-- Defining the working days is for loading only: rows must not change what the next row counts.
local define_workdays = workdays.define
workdays.define = function(first_day, working)
  if booted then error("workdays.define 只能在加载规则时调用（处理台账行时不能改变工作日历）", 2) end
  return define_workdays(first_day, working)
end

local freeze

local function new_env()
  local env = {}
  if not booted then envs[#envs + 1] = env end   -- frozen together once loading is done
  for _, k in ipairs(base_names) do env[k] = G[k] end
  for name, lib in next, libs do env[name] = readonly(lib, name) end
  env.pairs = sorted_pairs
  env.tostring = safe_tostring
  env.xpcall = safe_xpcall
  env.setmetatable = safe_setmetatable
  env._G = env
  env.require = require_module
  env.list_modules = list_modules
  env.load = function(chunk, name, mode, e)
    if type(chunk) ~= "string" then
      error("load 只接受文本形式的 Lua 代码（字符串）", 2)
    end
    -- Chunk names always start with "=(load)", so errors can never pose as rule-file positions.
    local label = type(name) == "string" and ("=(load) " .. name:gsub("^[=@]", "")) or "=(load)"
    return load(chunk, label, "t", e or env)
  end
  return env
end

require_module = function(name)
  if type(name) ~= "string" or not name:match("^[%w_][%w_%-%.]*$") or name:find("..", 1, true) then
    error(("require：模块名“%s”无效；只能引用规则目录中的模块，如 require \"calendar\""):format(safe_tostring(name)), 2)
  end
  if in_decide then decide_required = true end
  local m = loaded[name]
  if m ~= nil then return m end
  local src = sources[name]
  if not src then
    error(("require：规则目录中没有模块“%s”（应为文件 %s）；规则只能引用规则目录中的文件"):format(name, module_path(name)), 2)
  end
  -- `loading` records the row a module started loading in: a module whose loading failed in an
  -- earlier row (stopped by the budget, say) is tried again rather than called a cycle.
  if loading[name] == generation then error(("require：模块“%s”循环引用了自己"):format(name), 2) end
  loading[name] = generation
  local env = new_env()
  local fn, err = load(src.code, "@" .. src.path, "t", env)
  if not fn then
    loading[name] = nil
    error("\2syntax:" .. err, 0)  -- the host reports it as a syntax error of that file
  end
  local result = fn(name)
  loading[name] = nil
  if booted then freeze(env) end   -- a module first required while a row runs
  if result == nil then result = true end
  loaded[name] = result
  if booted then row_loaded[#row_loaded + 1] = name end
  return result
end

local function add_source(name, path, code)
  sources[name] = { path = path, code = code }
end

-- After loading, a rule file's globals are read-only: a row's result may depend only on that row
-- (and on what the files defined while loading). Otherwise rows would see state left by the
-- rows before them, which depends on how the ledger is split among workers.
function freeze(env)
  local values = {}
  for k, v in next, env do values[k] = v end
  for k in next, values do env[k] = nil end
  setmetatable(env, {
    __index = values,
    __newindex = function(_, k)
      local key = type(k) == "string" and k or type(k)
      error(("规则在处理台账行时不能修改全局变量“%s”：每一行的结论只能取决于这一行；常量请在文件加载时定义"):format(key), 2)
    end,
    __metatable = false,
  })
end

local status_index = { on_time = 1, late = 2, pending = 3, paused = 4, overdue = 5, no_calendar = 6 }

-- What the host reads back from a row's result is copied into fresh plain tables here, inside
-- the budget, and bounded: a rule cannot hand the host a cyclic, shared or huge structure.
local MAX_MESSAGES, MAX_MESSAGE_BYTES = 64, 4096
local function plain_strings(list, field)
  if list == nil then return nil end
  if type(list) ~= "table" or getmetatable(list) ~= nil then
    error(("结果的 %s 必须是字符串列表"):format(field), 0)
  end
  local n = rawlen(list)
  if n > MAX_MESSAGES then error(("结果的 %s 最多 %d 条"):format(field, MAX_MESSAGES), 0) end
  if n == 0 then return nil end
  local out = {}
  for i = 1, n do
    local v = rawget(list, i)
    if type(v) ~= "string" or #v > MAX_MESSAGE_BYTES then
      error(("结果的 %s 第%d条必须是不超过 %d 字节的字符串"):format(field, i, MAX_MESSAGE_BYTES), 0)
    end
    out[i] = v
  end
  return out
end

local function plain_invalid(list)
  if list == nil then return nil end
  if type(list) ~= "table" or getmetatable(list) ~= nil then error("结果的 invalid 必须是列表", 0) end
  local n = rawlen(list)
  if n == 0 then return nil end
  if n > MAX_MESSAGES then error(("结果的 invalid 最多 %d 条"):format(MAX_MESSAGES), 0) end
  local out = {}
  for i = 1, n do
    local e = rawget(list, i)
    local column = type(e) == "table" and rawget(e, "column")
    local message = type(e) == "table" and rawget(e, "message")
    if type(column) ~= "string" or type(message) ~= "string" or #column > 200 or #message > MAX_MESSAGE_BYTES then
      error(("结果的 invalid 第%d条必须是 { column = \"列名\", message = \"说明\" }"):format(i), 0)
    end
    out[i] = { column = column, message = message }
  end
  return out
end

-- The steps see the row through a read-only view. It records the columns they read (the first
-- read of each, in order) when `reads` is given: that path is what the decision memo is keyed
-- by. List cells are seen through read-only views too, so a step cannot change what the
-- deadline rules see (on a row the memo answers, the steps do not run at all).
local ROW_WRITE = "规则在判断时不能修改台账行（字段“%s”）：决定步骤只能读取这一行"
local function row_write(_, k)
  error(ROW_WRITE:format((type(k) == "string" or type(k) == "number") and tostring(k) or type(k)), 2)
end
local function readonly_list(list)
  local function list_pairs()
    local i = 0
    return function() i = i + 1; local v = list[i]; if v ~= nil then return i, v end end
  end
  local hidden = { __pairs = list_pairs }
  return setmetatable({}, { __index = list, __len = function() return #list end, __newindex = row_write,
                            __pairs = list_pairs, __metatable = hidden })
end

-- col_of: column key -> 0-based column index (the host's value order).
local function row_view(app, col_of, ncols, col_keys, reads)
  local seen, n, lists = {}, 0, nil
  local function record(i)
    if not seen[i] then seen[i] = true; n = n + 1; reads[n] = i end
  end
  local function get(k)
    local v = app[k]
    if type(v) == "table" then
      lists = lists or {}
      local l = lists[k]
      if not l then l = readonly_list(v); lists[k] = l end
      v = l
    end
    return v
  end
  local index
  if reads then
    index = function(_, k)
      local i = col_of[k]
      if i then record(i) end
      return get(k)
    end
  else
    index = function(_, k) return get(k) end
  end
  local function view_pairs(t)
    if reads then for i = 0, ncols - 1 do record(i) end end
    local keys, m = {}, 0
    for i = 1, #col_keys do
      if app[col_keys[i]] ~= nil then m = m + 1; keys[m] = col_keys[i] end
    end
    sort(keys)
    local j = 0
    return function()
      j = j + 1
      local k = keys[j]
      if k ~= nil then return k, get(k) end
    end, t, nil
  end
  local view = setmetatable({}, { __index = index, __newindex = row_write, __pairs = view_pairs,
                                  __metatable = { __pairs = view_pairs } })
  return view, function() return n end
end

-- Loads the entry module and returns: the policy table, the per-row evaluator, the table that
-- holds the last row's messages, the explainer and the purity probe (for check).
local function boot(entry, memo_wanted)
  local policy = require_module(entry)
  if type(policy) ~= "table" then
    error(("规则入口 %s 必须返回一个表（策略），实际返回了 %s"):format(module_path(entry), type(policy)), 0)
  end
  local outcome_index, step_index = {}, {}
  for i, o in ipairs(policy.outcomes or {}) do outcome_index[o.key] = i end
  for i, s in ipairs(policy.steps or {}) do step_index[s.id] = i end
  local classify = policy.classify
  if type(classify) ~= "function" then
    error(("规则入口 %s 没有提供 classify 函数"):format(module_path(entry)), 0)
  end
  local last = {}
  -- The steps' decision, from the memo when an earlier row read the same cells with the same
  -- values, else from policy.decide run on the read-only view. A policy without `decide` has
  -- classify decide by itself (and nothing is memoised).
  local decide = policy.decide
  if type(decide) ~= "function" then decide = nil end
  local col_of, col_keys, ncols = {}, {}, 0
  local columns = type(policy.ledger) == "table" and policy.ledger.columns or {}
  for i, c in ipairs(columns) do
    if type(c) == "table" and type(c.key) == "string" then col_of[c.key] = i - 1; col_keys[#col_keys + 1] = c.key end
    ncols = i
  end
  local steps_list = policy.steps or {}
  local step_pos = {}
  for i, s in ipairs(steps_list) do if type(s) == "table" then step_pos[s] = step_pos[s] or i end end
  local outcome_keys = {}
  for i, o in ipairs(policy.outcomes or {}) do outcome_keys[i] = o.key end
  local memo_on = memo_wanted == "memo" and decide ~= nil

  local function evaluate(app, as_of, hit_outcome, hit_step)
    in_decide = false
    generation = generation + 1
    if row_loaded[1] ~= nil then forget_row_modules() end
    local r
    if decide then
      local outcome, step
      if hit_outcome then
        outcome, step = outcome_keys[hit_outcome], steps_list[hit_step]
      else
        local reads = memo_on and {} or nil
        local view, count = row_view(app, col_of, ncols, col_keys, reads)
        in_decide, decide_required = true, false
        outcome, step = decide(view)
        in_decide = false
        if memo_on and not decide_required then
          local o, s = outcome_index[outcome], step_pos[step]
          if o and s then
            local _, active = memo_stage(reads, count(), o, s)
            if not active then memo_on = false end
          end
        end
      end
      r = classify(app, as_of, outcome, step)
    else
      r = classify(app, as_of)
    end
    return r
  end
  -- The result as the host reads it: outcome and step positions, regime, start, due, final_due,
  -- status position, warning and invalid counts, days_left, calendar_year and the provisional
  -- due, final_due, days_left. The host reads a plain result (a table with no metatable, no
  -- warnings, invalid or provisional, known outcome and status) itself, field by field, as this
  -- would; everything else comes here, and every error about a result is raised here.
  local function finish(r)
    if type(r) ~= "table" then error("classify 必须返回一个表", 0) end
    local outcome, status = r.outcome, r.status
    local o = outcome_index[outcome]
    if not o then error(("规则返回了未知的结果键“%s”"):format(safe_tostring(outcome)), 0) end
    local st
    if status ~= nil then
      st = status_index[status]
      if not st then error(("规则返回了未知的期限状态“%s”"):format(safe_tostring(status)), 0) end
    end
    local warnings, invalid = r.warnings, r.invalid
    if warnings ~= nil then warnings = plain_strings(warnings, "warnings") end
    if invalid ~= nil then invalid = plain_invalid(invalid) end
    last.warnings, last.invalid = warnings, invalid
    -- status no_calendar: the year whose calendar file is missing, and the estimate (暂定).
    local p = r.provisional
    local p_due, p_final, p_left
    if p ~= nil then
      if type(p) ~= "table" or getmetatable(p) ~= nil then
        error("结果的 provisional 必须是 { due = …, final_due = …, days_left = … }", 0)
      end
      p_due, p_final, p_left = rawget(p, "due"), rawget(p, "final_due"), rawget(p, "days_left")
    end
    return o, step_index[r.step] or 0, r.regime, r.start, r.due, r.final_due, st,
           warnings and #warnings or 0, invalid and #invalid or 0, r.days_left,
           r.calendar_year, p_due, p_final, p_left
  end
  result_reader(finish, outcome_index, status_index, step_index, last)
  for i = 1, #envs do freeze(envs[i]) end
  booted = true
  -- What the state fingerprint walks: everything the steps can reach through their upvalues,
  -- tables and environments, which is all a step's decision can depend on besides the row.
  -- `require` is not entered (the loader's own state changes every row); a row whose steps call
  -- it is not memoised instead (see evaluate).
  -- The library tables themselves are the host's: rules reach them only through read-only
  -- proxies (which are walked), so they are skipped, and so are the rule files' texts.
  state_setup({ decide or false, steps_list }, {
    [require_module] = true, [sources] = true, [string] = true, [table] = true, [math] = true,
    [utf8] = true, [workdays] = true,
  })
  local explain = policy.explain
  local function explain_row(app, as_of)
    generation = generation + 1
    forget_row_modules()
    if type(explain) ~= "function" then error("规则没有提供 explain 函数", 0) end
    last.trace = explain(app, as_of)
    return 1
  end
  -- check: runs each step on its own on the row's read-only view and returns the position of the
  -- first step after which the rules' state (upvalues, module tables) is not what it was, or
  -- that raised an error on the view (then last.probe_error says what); 0 when none did.
  local function probe_row(app)
    generation = generation + 1
    forget_row_modules()
    last.probe_error = nil
    for i, s in ipairs(steps_list) do
      local before = state_fingerprint()
      local view = row_view(app, col_of, ncols, col_keys, nil)
      local ok, o = pcall(s.decide, view)
      if not ok then last.probe_error = safe_tostring(o); return i end
      if state_fingerprint() ~= before then return i end
      if o ~= nil then return 0 end
    end
    return 0
  end
  return policy, evaluate, last, explain_row, probe_row
end

return add_source, boot
"""#
