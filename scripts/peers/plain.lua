-- plain.lua: the classification an office's IT person would write in plain Lua 5.4, for `make bench`.
--
--   lua5.4 scripts/peers/plain.lua HOLIDAYS.json LEDGER.csv AS_OF > classified.csv
--
-- Written straight from shared/spec/decisions.md §2 (the decision procedure) and §3 (deadlines),
-- without loading rules/: no step table, no sandbox, one pass over the CSV. Working days come
-- from a prefix-sum array built once from the State Council holiday notices (Tests/data/holidays.json:
-- per year, the weekdays off and the weekend days worked). The output has govrules' columns
-- (input columns, then outcome, outcome_label, basis, recorded, regime, start, due, final_due,
-- status, warnings, step), so the two are compared row by row (scripts/compare-outputs.py).
-- Rows with an invalid cell are reported on stderr and left out, as govrules --keep-going does.

local holidays_path, ledger_path, as_of_text = arg[1], arg[2], arg[3]
if not (holidays_path and ledger_path and as_of_text) then
  io.stderr:write("usage: lua5.4 plain.lua HOLIDAYS.json LEDGER.csv AS_OF > out.csv\n")
  os.exit(64)
end

local find, sub, byte, match, format = string.find, string.sub, string.byte, string.match, string.format
local concat = table.concat

-- Dates ---------------------------------------------------------------------------------------

local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
  return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
end

local function civil_from_days(z)
  z = z + 719468
  local era = (z >= 0 and z or z - 146096) // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  return yoe + era * 400 + (m <= 2 and 1 or 0), m, d
end

local iso_cache = {}
local function iso(n)
  local s = iso_cache[n]
  if not s then
    s = format("%04d-%02d-%02d", civil_from_days(n))
    iso_cache[n] = s
  end
  return s
end

local month_days = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }
local date_cache = {}
local function parse_date(s)
  local v = date_cache[s]
  if v ~= nil then return v end
  local y, m, d = match(s, "^(%d%d%d%d)[-/.](%d%d?)[-/.](%d%d?)$")
  if not y then y, m, d = match(s, "^(%d%d%d%d)年(%d%d?)月(%d%d?)日$") end
  if not y then return nil end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  local leap = (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0
  if m < 1 or m > 12 or d < 1 or d > ((m == 2 and leap) and 29 or month_days[m]) then return nil end
  v = days_from_civil(y, m, d)
  date_cache[s] = v
  return v
end

local as_of = parse_date(as_of_text) or error("AS_OF: not a date: " .. as_of_text)

-- Working days: cum[d - lo] = working days in [lo, d]; nth[k] = the k-th working day ---------

local f = assert(io.open(holidays_path, "rb"))
local json = f:read("a")
f:close()
local off, work, first_year, last_year = {}, {}, nil, nil
for year, body in json:gmatch('"(%d%d%d%d)"%s*:%s*(%b{})') do
  year = tonumber(year)
  first_year = math.min(first_year or year, year)
  last_year = math.max(last_year or year, year)
  for d in (body:match('"weekday_days_off"%s*:%s*(%b[])') or ""):gmatch('"([%d-]+)"') do off[parse_date(d)] = true end
  for d in (body:match('"weekend_workdays"%s*:%s*(%b[])') or ""):gmatch('"([%d-]+)"') do work[parse_date(d)] = true end
end
local lo, hi = days_from_civil(first_year, 1, 1), days_from_civil(last_year, 12, 31)
local cum, nth, count = {}, {}, 0
for d = lo, hi do
  local wd = (d + 3) % 7  -- 0 = Monday
  if work[d] or (wd < 5 and not off[d]) then count = count + 1; nth[count] = d end
  cum[d - lo] = count
end
cum[-1] = 0

-- Working days d with a < d <= b; nil when b is past the calendar.
local function between(a, b)
  if b <= a then return 0 end
  local cb = cum[b - lo]
  if not cb then return nil end
  return cb - cum[a - lo]
end
-- The n-th working day after d; nil past the calendar.
local function add(d, n)
  local c = cum[d - lo]
  return c and nth[c + n]
end

-- The ledger's vocabulary (shared/spec/records.md) ------------------------------------------

local headers = {
  id = { "申请编号", "编号", "序号" }, received = { "收到日期", "收到申请日期", "受理日期" },
  applicant_type = { "申请人类型" }, nature = { "申请性质" }, ["repeat"] = { "重复申请" },
  excessive = { "数量频次明显超过合理范围" }, agreed_due = { "延迟答复期限" }, correction = { "补正情况" },
  correction_requested = { "补正告知日期" }, correction_received = { "补正收到日期" },
  holder = { "信息掌握情况" }, needs_processing = { "需加工分析" }, already_public = { "已主动公开" },
  grounds = { "不予公开情形" }, separable = { "可区分处理" }, third_party = { "第三方意见" },
  public_interest = { "公共利益需要公开" }, consult_start = { "征求意见日期" }, consult_end = { "意见收到日期" },
  extended = { "延期答复" }, extension_days = { "延期工作日数" }, fee_notice = { "收费通知日期" },
  fee_paid = { "缴费日期" }, fee_status = { "缴费情况" }, withdrawn = { "申请人撤回" },
  replied = { "办结日期", "答复日期" }, decision = { "办理结果" },
}
local enums = {
  nature = { ["政府信息公开"] = "ogi", ["信访举报投诉"] = "petition", ["公开出版物"] = "publication",
             ["确认或重新出具"] = "confirmation", ["业务查询"] = "query" },
  excessive = { ["否"] = "no", ["理由不合理"] = "unreasonable", ["理由合理"] = "reasonable" },
  correction = { ["无需补正"] = "none", ["已补正"] = "corrected", ["逾期未补正"] = "not_corrected",
                 ["补正后仍不明确"] = "still_unclear" },
  holder = { ["本机关掌握"] = "held", ["不存在"] = "not_exist", ["非本机关负责"] = "other_agency" },
  third_party = { ["未征求"] = "not_consulted", ["同意公开"] = "consents", ["不同意公开"] = "objects",
                  ["逾期未答复"] = "no_reply" },
  fee_status = { ["无"] = "none", ["已缴费"] = "paid", ["逾期未缴"] = "not_paid" },
  grounds = { ["国家秘密"] = "state_secret", ["法律行政法规禁止"] = "prohibited_by_law",
              ["三安全一稳定"] = "security_stability", ["第三方合法权益"] = "third_party",
              ["内部事务信息"] = "internal_affairs", ["过程性信息"] = "process_info", ["行政执法案卷"] = "enforcement_file" },
}
for _, map in pairs(enums) do
  local keys = {}
  for _, k in pairs(map) do keys[#keys + 1] = k end
  for _, k in ipairs(keys) do map[k] = k end
end
local bools = { ["是"] = true, ["√"] = true, Y = true, y = true, yes = true, ["true"] = true, ["1"] = true,
                ["否"] = false, N = false, n = false, no = false, ["false"] = false, ["0"] = false }

-- decisions.md §1: key, label (2021 format), label (2019 format) where it differs, basis.
local outcomes = {
  { "disclosed", "予以公开", nil, "第三十六条第一、二项" },
  { "partial", "部分公开", nil, "第三十七条" },
  { "withheld.state_secret", "属于国家秘密", nil, "第十四条" },
  { "withheld.prohibited_by_law", "其他法律行政法规禁止公开", nil, "第十四条" },
  { "withheld.security_stability", "危及“三安全一稳定”", nil, "第十四条" },
  { "withheld.third_party", "保护第三方合法权益", nil, "第十五条；第三十二条" },
  { "withheld.internal_affairs", "属于三类内部事务信息", nil, "第十六条第一款" },
  { "withheld.process_info", "属于四类过程性信息", nil, "第十六条第二款" },
  { "withheld.enforcement_file", "属于行政执法案卷", nil, "第十六条第二款" },
  { "withheld.query_matter", "属于行政查询事项", nil, "第三十六条第七项" },
  { "unavailable.not_held", "本机关不掌握相关政府信息", nil, "第三十六条第四、五项" },
  { "unavailable.needs_creation", "没有现成信息需要另行制作", nil, "第三十八条" },
  { "unavailable.unclear", "补正后申请内容仍不明确", nil, "第三十条" },
  { "not_processed.petition", "信访举报投诉类申请", nil, "第三十九条第一款" },
  { "not_processed.repeat", "重复申请", nil, "第三十六条第六项" },
  { "not_processed.publication", "要求提供公开出版物", nil, "第三十九条第二款" },
  { "not_processed.excessive", "无正当理由大量反复申请", nil, "第三十五条" },
  { "not_processed.confirmation", "要求行政机关确认或重新出具已获取信息", nil, "" },
  { "other.no_correction", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "其他处理", "第三十条" },
  { "other.no_fee", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "其他处理", "国办函〔2020〕109号" },
  { "other.other", "其他", "其他处理", "" },
}
-- The recorded decision: a key, or a row label with or without its numbering, group label,
-- quotes or parenthetical.
local function norm_label(s)
  s = s:gsub("（", "("):gsub("）", ")"):gsub("%b()", ""):gsub("^[一二三四五六七八九十%d]+[.、．]", "")
  return (s:gsub("[\"' ]", ""):gsub("“", ""):gsub("”", ""))
end
local outcome_cells, recorded_of = {}, { ["其他"] = "other.other", ["其他处理"] = "other.other" }
for _, o in ipairs(outcomes) do
  local label = o[2]
  outcome_cells[o[1]] = o[1] .. "," .. label .. "," .. o[4]
  recorded_of[o[1]] = o[1]
  recorded_of[norm_label(label)] = o[1]
end
local labels = {}
for _, o in ipairs(outcomes) do labels[o[1]] = o[2] end
local recorded_cache = {}
local function recorded(s)
  local k = recorded_cache[s]
  if k == nil then
    k = recorded_of[s] or recorded_of[norm_label(s)] or false
    if not k then
      local n = norm_label(s)
      for label, key in pairs(recorded_of) do
        if #label > 3 and n:sub(-#label) == label then k = key; break end
      end
    end
    recorded_cache[s] = k
  end
  return k or nil
end

-- §2: the decision procedure ----------------------------------------------------------------

local by_nature = { petition = "not_processed.petition", publication = "not_processed.publication",
                    confirmation = "not_processed.confirmation", query = "withheld.query_matter" }
local ground_order = { "state_secret", "prohibited_by_law", "security_stability", "third_party",
                       "internal_affairs", "process_info", "enforcement_file" }

local function decide(a)
  if a.withdrawn then return "other.other", "withdrawn" end
  local c = a.correction
  if c == "not_corrected" then return "other.no_correction", "correction" end
  if c == "still_unclear" then return "unavailable.unclear", "correction" end
  local n = by_nature[a.nature]
  if n then return n, "nature" end
  if a["repeat"] then return "not_processed.repeat", "repeat" end
  if a.excessive == "unreasonable" then return "not_processed.excessive", "excessive" end
  if a.fee_status == "not_paid" then return "other.no_fee", "fee" end
  if a.holder == "not_exist" or a.holder == "other_agency" then return "unavailable.not_held", "holder" end
  if a.already_public then return "disclosed", "already_public" end
  if a.needs_processing then
    return a.separable and "partial" or "unavailable.needs_creation", "needs_processing"
  end
  local g = a.grounds or {}
  local tp = a.third_party
  if tp == "objects" then g.third_party = true end
  if tp == "consents" or a.public_interest then g.third_party = nil end
  for i = 1, 7 do
    if g[ground_order[i]] then
      return a.separable and "partial" or "withheld." .. ground_order[i], "exemptions"
    end
  end
  return "disclosed", "disclose"
end

-- §3: deadlines -------------------------------------------------------------------------------

local REFORM = days_from_civil(2019, 5, 15)

-- Working days in the union of (s1, e1] and (s2, e2]; nil past the calendar.
local function paused_days(s1, e1, s2, e2)
  if s1 and e1 <= s1 then s1 = nil end
  if s2 and e2 <= s2 then s2 = nil end
  if not s1 then return s2 and between(s2, e2) or 0 end
  if not s2 then return between(s1, e1) end
  if s2 < e1 and s1 < e2 then return between(math.min(s1, s2), math.max(e1, e2)) end
  local x, y = between(s1, e1), between(s2, e2)
  return x and y and x + y
end

-- Returns regime, start, due, final_due, status, warnings (a list or nil); or nil, message.
local function deadline(a)
  local received = a.received
  local regime, days = 2019, 20
  if received < REFORM then regime, days = 2008, 15 end
  local ext = a.extension_days
  if ext then
    if a.extended == false then return nil, "“延期答复”为“否”却填写了延期工作日数" end
    if ext < 1 or ext > days then return nil, format("延期工作日数应为 1 至 %d", days) end
  end
  local warnings
  local function warn(from, to, limit, what)
    if from and to then
      local l = add(from, limit)
      if l and to > l then
        warnings = warnings or {}
        warnings[#warnings + 1] = format("%s：%s 至 %s，相隔%d个工作日", what, iso(from), iso(to), between(from, to) or 0)
      end
    end
  end
  warn(received, a.correction_requested, 7, "补正告知晚于收到申请后7个工作日（第三十条）")
  warn(a.consult_start, a.consult_end, 15, "征求意见超过15个工作日（第三十二条、第三十四条）")
  warn(a.fee_notice, a.fee_paid, 20, "缴费晚于收费通知后20个工作日")
  local agreed = a.excessive == "reasonable" and a.agreed_due
  if a.agreed_due and not agreed then
    warnings = warnings or {}
    warnings[#warnings + 1] = "填写了延迟答复期限，但数量频次不是“理由合理”，已忽略（第三十五条）"
  end
  local closed = a.replied
  if a.correction_requested and not a.correction_received then
    return regime, nil, nil, nil, closed and "on_time" or "paused", warnings
  end
  local start = a.correction_received or received
  local due = add(start, days)
  local final
  if agreed then
    final = agreed
  elseif due then
    local stop = closed or as_of
    local p = paused_days(a.consult_start, a.consult_end or stop, a.fee_notice, a.fee_paid or stop)
    local e = ext or (a.extended and days) or 0
    final = p and add(due, p + e)
  end
  if not due or not final then return regime, start, nil, nil, "no_calendar", warnings end
  local status
  if closed then status = closed <= final and "on_time" or "late"
  elseif (a.consult_start and not a.consult_end) or (a.fee_notice and not a.fee_paid) then status = "paused"
  elseif as_of <= final then status = "pending"
  else status = "overdue" end
  return regime, start, due, final, status, warnings
end

-- CSV -----------------------------------------------------------------------------------------

local input = assert(io.open(ledger_path, "rb"))
local next_line = input:lines()
local line_no = 0

-- The fields of the next record (quoted fields may hold commas, quotes and line breaks), and
-- whether any field was quoted.
local function record()
  local line = next_line()
  if not line then return nil end
  line_no = line_no + 1
  if byte(line, -1) == 13 then line = sub(line, 1, -2) end
  local fields, n, pos = {}, 0, 1
  if not find(line, '"', 1, true) then
    while true do
      local c = find(line, ",", pos, true)
      n = n + 1
      if not c then fields[n] = sub(line, pos); return fields, false end
      fields[n] = sub(line, pos, c - 1)
      pos = c + 1
    end
  end
  while true do
    if byte(line, pos) == 34 then
      local parts, q = {}, pos + 1
      while true do
        local e = find(line, '"', q, true)
        if not e then
          parts[#parts + 1] = sub(line, q) .. "\n"
          line = next_line() or error(ledger_path .. ": unterminated quote")
          line_no = line_no + 1
          if byte(line, -1) == 13 then line = sub(line, 1, -2) end
          q = 1
        elseif byte(line, e + 1) == 34 then
          parts[#parts + 1] = sub(line, q, e); q = e + 2
        else
          parts[#parts + 1] = sub(line, q, e - 1); pos = e + 1; break
        end
      end
      n = n + 1
      fields[n] = concat(parts)
      if byte(line, pos) ~= 44 then return fields, true end
      pos = pos + 1
    else
      local c = find(line, ",", pos, true)
      n = n + 1
      if not c then fields[n] = sub(line, pos); return fields, true end
      fields[n] = sub(line, pos, c - 1)
      pos = c + 1
    end
  end
end

local function csv(s)
  if find(s, '[,"\r\n]') then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end

local function trim(s)
  local b, e = byte(s, 1), byte(s, -1)
  if b == 32 or b == 9 or e == 32 or e == 9 or b == 0xE3 or e == 0x80 then
    s = match(s, "^[ \t]*(.-)[ \t]*$")
    while sub(s, 1, 3) == "\u{3000}" do s = sub(s, 4) end
    while sub(s, -3) == "\u{3000}" do s = sub(s, 1, -4) end
  end
  return s
end

-- Main ----------------------------------------------------------------------------------------

local header = record() or error(ledger_path .. ": empty file")
if sub(header[1], 1, 3) == "\xEF\xBB\xBF" then header[1] = sub(header[1], 4) end
local field_of = {}
for key, names in pairs(headers) do
  for i, h in ipairs(header) do
    h = trim(h)
    if h == key then field_of[key] = i end
    for _, name in ipairs(names) do if h == name then field_of[key] = i end end
  end
end
for _, key in ipairs({ "id", "received", "applicant_type" }) do
  if not field_of[key] then error(ledger_path .. ": no column " .. headers[key][1]) end
end

local kinds = {}
for key in pairs(headers) do
  kinds[key] = enums[key] and "enum" or "text"
end
for _, k in ipairs({ "received", "agreed_due", "correction_requested", "correction_received", "consult_start",
                     "consult_end", "fee_notice", "fee_paid", "replied" }) do kinds[k] = "date" end
for _, k in ipairs({ "repeat", "needs_processing", "already_public", "separable", "public_interest", "extended",
                     "withdrawn" }) do kinds[k] = "bool" end
kinds.grounds, kinds.extension_days = "list", "integer"
local defaults = { nature = "ogi", excessive = "no", correction = "none", holder = "held",
                   third_party = "not_consulted", fee_status = "none" }

-- (key, field, kind) of every column the file has
local columns = {}
for key, i in pairs(field_of) do
  if key ~= "id" and key ~= "applicant_type" then columns[#columns + 1] = { key, i, kinds[key] } end
end
table.sort(columns, function(x, y) return x[2] < y[2] end)

local list_cache = {}
local function parse_list(s)
  local set = list_cache[s]
  if set == nil then
    set = {}
    for item in s:gsub("、", ";"):gsub("；", ";"):gsub(",", ";"):gmatch("[^;]+") do
      local k = enums.grounds[trim(item)]
      if not k then set = false; break end
      set[k] = true
    end
    list_cache[s] = set
  end
  if not set then return nil end
  local copy = {}
  for k in pairs(set) do copy[k] = true end
  return copy
end

local out = io.stdout
out:setvbuf("full", 1 << 16)
local hdr = {}
for i, h in ipairs(header) do hdr[i] = csv(h) end
out:write(concat(hdr, ","), ",outcome,outcome_label,basis,recorded,regime,start,due,final_due,status,warnings,step\r\n")
local nheader = #header
local bad = 0
local parts = {}

while true do
  local row_line = line_no + 1
  local fields, quoted = record()
  if not fields then break end
  local a, problem = {}, nil
  for c = 1, #columns do
    local col = columns[c]
    local key, cell, kind = col[1], fields[col[2]], col[3]
    if cell and cell ~= "" then
      cell = trim(cell)
      local v
      if kind == "date" then v = parse_date(cell)
      elseif kind == "enum" then v = enums[key][cell]
      elseif kind == "bool" then v = bools[cell]
      elseif kind == "list" then v = parse_list(cell)
      elseif kind == "integer" then v = math.tointeger(tonumber(cell))
      else v = cell end
      if v == nil and cell ~= "" then problem = format("%s：“%s”无效", headers[key][1], cell) end
      a[key] = v
    end
  end
  for k, v in pairs(defaults) do if a[k] == nil then a[k] = v end end
  if not a.received then problem = problem or "收到日期不能为空" end
  local regime, start, due, final, status, warnings
  if not problem then
    regime, start, due, final, status, warnings = deadline(a)
    if not regime then problem = start end
  end
  if problem then
    bad = bad + 1
    io.stderr:write(format("%s:%d: %s\n", ledger_path, row_line, problem))
  else
    local decision = a.decision
    local outcome, step = decide(a)
    local rec = decision and recorded(decision)
    if rec and rec ~= outcome then
      warnings = warnings or {}
      warnings[#warnings + 1] = format("台账记录的办理结果“%s”与规则结论“%s”不一致；年度报告按记录的办理结果统计",
        labels[rec], labels[outcome])
    end
    for i = 1, nheader do
      local s = fields[i] or ""
      parts[i] = quoted and csv(s) or s
    end
    parts[nheader + 1] = outcome_cells[outcome]
    parts[nheader + 2] = rec or ""
    parts[nheader + 3] = regime
    parts[nheader + 4] = start and iso(start) or ""
    parts[nheader + 5] = due and iso(due) or ""
    parts[nheader + 6] = final and iso(final) or ""
    parts[nheader + 7] = status
    parts[nheader + 8] = warnings and csv(concat(warnings, "；")) or ""
    parts[nheader + 9] = step
    out:write(concat(parts, ",", 1, nheader + 9), "\r\n")
  end
end
out:flush()
if bad > 0 then
  io.stderr:write(format("%d rows with errors were left out\n", bad))
  os.exit(3)
end
