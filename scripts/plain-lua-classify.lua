-- plain-lua-classify.lua: the rules run by the stock Lua interpreter, without govrules.
--
--   lua5.4 scripts/plain-lua-classify.lua RULES LEDGER.csv AS_OF > out.csv
--
-- What an office could write in plain Lua to classify its ledger with the same rules folder:
-- it is the peer that `scripts/bench.sh` measures govrules against, and a cross-check of the
-- host (scripts/compare-outputs.py compares the two outputs). It sets package.path to the rules
-- folder, defines the global list_modules() that the rules expect from their host, requires
-- "policy", reads the ledger (UTF-8 CSV, RFC 4180 quoting), maps the headers through
-- policy.ledger.columns, converts each cell to the type the rules expect, calls
-- policy.classify(app, as_of) for every row and writes CSV: the input fields, then
-- outcome, status, start, due, final_due (ISO dates).
--
-- Not covered (govrules does these): GB18030 ledgers, full-width digits, warnings for
-- near-miss headers, the per-row instruction and memory limits of the sandbox.
--
-- Loaded with loadfile(path)("--module") it returns its functions instead of running
-- (scripts/rules-only.lua uses the same reader).

local M = {}

---------------------------------------------------------------------------------------------
-- Rules
---------------------------------------------------------------------------------------------

--- Points require at the rules folder, defines list_modules and loads the policy.
function M.setup(rules_dir)
  package.path = rules_dir .. "/?.lua;" .. package.path
  -- The host function the rules use to find their calendar files: modules under a folder.
  function list_modules(prefix)
    local out = {}
    local dir = (rules_dir .. "/" .. prefix:gsub("%.", "/")):gsub("'", "'\\''")
    local p = io.popen("ls '" .. dir .. "' 2>/dev/null")
    for name in p:lines() do
      local m = name:match("^(.+)%.lua$")
      if m and not m:find(".", 1, true) then out[#out + 1] = prefix .. "." .. m end
    end
    p:close()
    table.sort(out)
    return out
  end
  local policy = require "policy"
  local calendar = require "calendar"
  return policy, calendar
end

---------------------------------------------------------------------------------------------
-- CSV (RFC 4180)
---------------------------------------------------------------------------------------------

--- An iterator over the records of an open file: each call returns an array of fields and the
-- number of the record's first line, or nil at the end. Quoted fields may hold commas, doubled
-- quotes and line breaks; LF and CRLF line ends are both accepted.
function M.records(f)
  local next_line = f:lines()
  local lineno = 0
  return function()
    local line = next_line()
    if line == nil then return nil end
    lineno = lineno + 1
    local first = lineno
    local fields, n = {}, 0
    -- Fast path: no quote on the line.
    if not line:find('"', 1, true) then
      if line:byte(-1) == 13 then line = line:sub(1, -2) end
      local pos = 1
      while true do
        local c = line:find(",", pos, true)
        n = n + 1
        if c then
          fields[n] = line:sub(pos, c - 1)
          pos = c + 1
        else
          fields[n] = line:sub(pos)
          return fields, first
        end
      end
    end
    local pos = 1
    while true do
      if line:byte(pos) == 34 then
        -- Quoted field: up to the next quote that is not doubled, across lines if need be.
        local parts, np = {}, 0
        pos = pos + 1
        while true do
          local q = line:find('"', pos, true)
          if not q then
            np = np + 1; parts[np] = line:sub(pos) .. "\n"
            line = next_line()
            if line == nil then error(("第%d行起的引号没有结束"):format(first), 0) end
            lineno = lineno + 1
            pos = 1
          elseif line:byte(q + 1) == 34 then
            np = np + 1; parts[np] = line:sub(pos, q)
            pos = q + 2
          else
            np = np + 1; parts[np] = line:sub(pos, q - 1)
            pos = q + 1
            break
          end
        end
        -- Anything between the closing quote and the next comma is kept (lenient).
        local c = line:find(",", pos, true)
        local rest = line:sub(pos, c and c - 1 or nil)
        if rest == "\r" then rest = "" end
        n = n + 1
        fields[n] = np == 1 and rest == "" and parts[1] or table.concat(parts) .. rest
        if not c then return fields, first end
        pos = c + 1
      else
        local c = line:find(",", pos, true)
        n = n + 1
        if c then
          fields[n] = line:sub(pos, c - 1)
          pos = c + 1
        else
          local s = line:sub(pos)
          if s:byte(-1) == 13 then s = s:sub(1, -2) end
          fields[n] = s
          return fields, first
        end
      end
    end
  end
end

local function csv_field(s)
  if s:find('[,"\r\n]') then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end
M.csv_field = csv_field

---------------------------------------------------------------------------------------------
-- Values
---------------------------------------------------------------------------------------------

-- Surrounding ASCII whitespace and U+3000 (ideographic space).
local function trim(s)
  local b1, bn = s:byte(1), s:byte(-1)
  if b1 == 32 or b1 == 9 or b1 == 13 or b1 == 10 or b1 == 0xE3 or bn == 32 or bn == 9 or bn == 13
     or bn == 10 or bn == 0x80 then
    s = s:gsub("^[%s]+", ""):gsub("[%s]+$", "")
    while s:sub(1, 3) == "\u{3000}" do s = s:sub(4) end
    while s:sub(-3) == "\u{3000}" do s = s:sub(1, -4) end
  end
  return s
end
M.trim = trim

-- Same formula as rules/calendar.lua (days since 1970-01-01).
local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = (153 * mp + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

local month_days = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }

--- 2020-03-04, 2020/3/4, 2020.3.4 or 2020年3月4日 to a day number; nil when not a valid date.
local function parse_date(s)
  local y, m, d = s:match("^(%d%d%d%d)[-/.](%d%d?)[-/.](%d%d?)$")
  if not y then y, m, d = s:match("^(%d%d%d%d)年(%d%d?)月(%d%d?)日$") end
  if not y then return nil end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if m < 1 or m > 12 or d < 1 then return nil end
  local leap = (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0
  if d > ((m == 2 and leap) and 29 or month_days[m]) then return nil end
  return days_from_civil(y, m, d)
end
M.parse_date = parse_date

local bools = {
  ["是"] = true, ["否"] = false, ["√"] = true, y = true, n = false, yes = true, no = false,
  ["true"] = true, ["false"] = false, ["1"] = true, ["0"] = false,
}

-- Header matching ignores spaces, ASCII case and full-width/half-width brackets.
local function norm_header(h)
  h = trim(h):gsub("（", "("):gsub("）", ")"):gsub("%s", ""):lower()
  return h
end

-- Outcome labels: key, 2021 label, 2019 label, with numbering, quotes and spaces removed.
local function norm_label(s)
  s = trim(s):gsub("（", "("):gsub("）", ")")
  local changed = true
  while changed do
    changed = false
    local r = s:match("^%([一二三四五六七八九十%d]+%)(.*)$")
    if r then s = r; changed = true end
    r = s:match("^[一二三四五六七八九十%d]+[.、．](.*)$")
    if r then s = r; changed = true end
  end
  s = s:gsub("%b()", ""):gsub("[\"' ]", ""):gsub("“", ""):gsub("”", ""):gsub("‘", ""):gsub("’", "")
  return s
end

--- The converter of each column: function(cell) -> value, or nil, problem.
local function converters(policy, cal)
  local conv = {}
  local outcome_of = {}
  for _, o in ipairs(policy.outcomes) do
    outcome_of[o.key:lower()] = o.key
    outcome_of[norm_label(o.label)] = o.key
    if o.label_2019 and not outcome_of[norm_label(o.label_2019)] then outcome_of[norm_label(o.label_2019)] = o.key end
  end
  outcome_of["其他"] = outcome_of["其他"] or "other.other"
  outcome_of["其他处理"] = "other.other"

  for _, c in ipairs(policy.ledger.columns) do
    local t = c.type
    local f
    if t == "text" then
      f = function(s) return s end
    elseif t == "date" then
      f = function(s)
        local d = parse_date(s)
        if not d then return nil, "不是有效的日期" end
        if not cal.covers(d) then return nil, "在工作日历覆盖的年份之外" end
        return d
      end
    elseif t == "bool" then
      f = function(s)
        local b = bools[s]
        if b == nil then b = bools[s:lower()] end
        if b == nil then return nil, "不是“是”或“否”" end
        return b
      end
    elseif t == "integer" then
      f = function(s)
        local n = math.tointeger(tonumber(s))
        if not n then return nil, "不是整数" end
        return n
      end
    elseif t == "enum" or t == "list" then
      local map = {}
      for _, v in ipairs(c.values) do map[v[1]] = v[2]; map[v[2]:lower()] = v[2] end
      if t == "enum" then
        f = function(s)
          local k = map[s] or map[s:lower()]
          if not k then return nil, "不是允许的取值" end
          return k
        end
      else
        f = function(s)
          local items, seen = {}, {}
          s = s:gsub("；", ";"):gsub("、", ";"):gsub(",", ";")
          for item in s:gmatch("[^;]+") do
            item = trim(item)
            if item ~= "" then
              local k = map[item] or map[item:lower()]
              if not k then return nil, "中的“" .. item .. "”不是允许的取值" end
              if not seen[k] then seen[k] = true; items[#items + 1] = k end
            end
          end
          if #items == 0 then return nil end
          return items
        end
      end
    elseif t == "outcome" then
      f = function(s)
        local k = outcome_of[s:lower()] or outcome_of[norm_label(s)]
        if not k then return nil, "不是已知的办理结果" end
        return k
      end
    else
      error("未知的列类型 " .. tostring(t))
    end
    conv[c.key] = f
  end
  return conv
end

---------------------------------------------------------------------------------------------
-- The ledger
---------------------------------------------------------------------------------------------

--- Opens a ledger. Returns the header fields as written and an iterator: each call gives
-- (app, fields, line) for a valid row, (nil, fields, line, problems) for an invalid one, or
-- nothing at the end. Entirely empty rows are skipped.
function M.open_ledger(path, policy, cal)
  local f = assert(io.open(path, "rb"))
  local next_record = M.records(f)
  local header = next_record()
  if not header then error(path .. "：文件是空的", 0) end
  if header[1]:sub(1, 3) == "\xEF\xBB\xBF" then header[1] = header[1]:sub(4) end

  local by_name = {}
  for _, c in ipairs(policy.ledger.columns) do
    by_name[norm_header(c.key)] = c
    by_name[norm_header(c.header)] = c
    for _, a in ipairs(c.aliases or {}) do by_name[norm_header(a)] = c end
  end
  local conv = converters(policy, cal)
  -- Per field of the file: key, converter; per column: whether the file has it.
  local fkey, fconv, have = {}, {}, {}
  for i, h in ipairs(header) do
    local c = by_name[norm_header(h)]
    if c and not have[c.key] then
      fkey[i], fconv[i], have[c.key] = c.key, conv[c.key], true
    end
  end
  local defaults, required, after = {}, {}, {}
  for _, c in ipairs(policy.ledger.columns) do
    if c.default ~= nil then defaults[#defaults + 1] = c end
    if c.required then
      if not have[c.key] then error(("%s：缺少必填列“%s”（%s）"):format(path, c.header, c.key), 0) end
      required[#required + 1] = c
    end
    if c.after then after[#after + 1] = c end
  end
  local nfields = #header

  local function next_row()
    while true do
      local fields, line = next_record()
      if not fields then f:close(); return nil end
      local app, problems = {}, nil
      local empty = true
      for i = 1, nfields do
        local key = fkey[i]
        local cell = fields[i]
        if cell and cell ~= "" then
          cell = trim(cell)
          if cell ~= "" then
            empty = false
            if key then
              local v, err = fconv[i](cell)
              if err then
                problems = problems or {}
                problems[#problems + 1] = ("列“%s”的值“%s”%s"):format(header[i], cell, err)
              else
                app[key] = v
              end
            end
          end
        end
      end
      if not empty then
        for _, c in ipairs(defaults) do
          if app[c.key] == nil then app[c.key] = c.default end
        end
        for _, c in ipairs(required) do
          if app[c.key] == nil and not problems then
            problems = { ("列“%s”不能为空"):format(c.header) }
          end
        end
        for _, c in ipairs(after) do
          local later, earlier = app[c.key], app[c.after]
          if later and earlier and later < earlier then
            problems = problems or {}
            problems[#problems + 1] = ("%s早于%s"):format(c.key, c.after)
          end
        end
        if problems then return nil, fields, line, problems end
        return app, fields, line
      end
    end
  end
  return header, next_row
end

---------------------------------------------------------------------------------------------
-- Main
---------------------------------------------------------------------------------------------

local function main(args)
  local rules_dir, ledger_path, as_of_text = args[1], args[2], args[3]
  if not (rules_dir and ledger_path and as_of_text) then
    io.stderr:write("usage: lua5.4 plain-lua-classify.lua RULES LEDGER.csv AS_OF > out.csv\n")
    return 64
  end
  local as_of = parse_date(as_of_text)
  if not as_of then
    io.stderr:write("AS_OF: not a date: " .. as_of_text .. "\n")
    return 64
  end
  local policy, cal = M.setup(rules_dir)
  local iso = cal.iso
  local classify = policy.classify
  local header, next_row = M.open_ledger(ledger_path, policy, cal)

  local out = io.stdout
  out:setvbuf("full", 1 << 16)
  local nfields = #header
  local hdr = {}
  for i = 1, nfields do hdr[i] = csv_field(header[i]) end
  out:write(table.concat(hdr, ","), ",outcome,status,start,due,final_due\r\n")

  local bad = 0
  local parts = {}
  while true do
    local app, fields, line, problems = next_row()
    if not fields then break end
    if app then
      local r = classify(app, as_of)
      if r.invalid then
        problems = {}
        for _, p in ipairs(r.invalid) do problems[#problems + 1] = p.column .. "：" .. p.message end
      else
        for i = 1, nfields do
          local s = fields[i] or ""
          parts[i] = csv_field(s)
        end
        parts[nfields + 1] = r.outcome
        parts[nfields + 2] = r.status or ""
        parts[nfields + 3] = r.start and iso(r.start) or ""
        parts[nfields + 4] = r.due and iso(r.due) or ""
        parts[nfields + 5] = r.final_due and iso(r.final_due) or ""
        out:write(table.concat(parts, ",", 1, nfields + 5), "\r\n")
      end
    end
    if problems then
      bad = bad + 1
      io.stderr:write(("%s:%d: %s\n"):format(ledger_path, line, table.concat(problems, "；")))
    end
  end
  out:flush()
  if bad > 0 then
    io.stderr:write(("%d 行有错误，未分类\n"):format(bad))
    return 1
  end
  return 0
end

if ... == "--module" then return M end
os.exit(main(arg))
