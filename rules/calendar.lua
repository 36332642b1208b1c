-- 工作日历（working-day calendar）
--
-- 条例 counts every time limit in 工作日. A working day is Monday–Friday unless the State
-- Council holiday notice of that year makes it a day off, plus the weekend days the notice
-- makes working days (调休上班). The notices are data: one file per notice year in calendar/
-- (calendar/2027.lua next December, and nothing else). A date in a year with no file is an
-- error naming the file to add: never a guess.
--
-- Dates are day numbers (days since 1970-01-01). All lookups are O(1): the working days of the
-- covered years are counted once, at load, into a prefix table.

local M = {}

local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = (153 * mp + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
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
  local y = yoe + era * 400
  if m <= 2 then y = y + 1 end
  return y, m, d
end

local month_days = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }

--- Parses `YYYY-MM-DD` into a day number; errors name `where`.
function M.day(s, where)
  local y, m, d = tostring(s):match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  local leap = y and ((y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0)
  if not y or m < 1 or m > 12 or d < 1 or d > (m == 2 and leap and 29 or month_days[m]) then
    error(("%s：日期“%s”无效，应写作 YYYY-MM-DD"):format(where or "日历", tostring(s)), 2)
  end
  return days_from_civil(y, m, d)
end

function M.iso(n)
  local y, m, d = civil_from_days(n)
  return ("%04d-%02d-%02d"):format(y, m, d)
end

function M.year_of(n)
  return (civil_from_days(n))
end

-- Load every calendar file --------------------------------------------------------------------

local off, work = {}, {}
M.files = {}
local first, last
for _, name in ipairs(list_modules("calendar")) do
  local data = require(name)
  local file_year = tonumber(name:match("^calendar%.(%d%d%d%d)$"))
  local where = "calendar/" .. name:sub(10) .. ".lua"
  if not file_year then
    error(("日历文件 %s 的文件名应为四位年份，如 calendar/2027.lua"):format(where), 0)
  end
  if type(data) ~= "table" or data.year ~= file_year then
    error(("%s：year 字段必须是 %d"):format(where, file_year), 0)
  end
  for i, h in ipairs(data.holidays or {}) do
    local label = ("%s 第%d个假期（%s）"):format(where, i, tostring(h.name))
    local a, b = M.day(h.off[1], label), M.day(h.off[2], label)
    if b < a then error(("%s：放假区间的结束日早于开始日"):format(label), 0) end
    for d = a, b do off[d] = true end
    for _, w in ipairs(h.work or {}) do work[M.day(w, label)] = true end
  end
  M.files[#M.files + 1] = { year = file_year, notices = data.notices }
  first = first and math.min(first, file_year) or file_year
  last = last and math.max(last, file_year) or file_year
end
if not first then
  error("规则目录中没有工作日历：请添加 calendar/YYYY.lua（每年一份，依据国务院办公厅部分节假日安排的通知）", 0)
end
for y = first, last do
  local found = false
  for _, f in ipairs(M.files) do if f.year == y then found = true end end
  if not found then
    error(("工作日历缺少 %d 年：请添加 calendar/%d.lua（日历必须逐年连续）"):format(y, y), 0)
  end
end

M.first_year, M.last_year = first, last
local lo = days_from_civil(first, 1, 1)
local hi = days_from_civil(last, 12, 31)
M.first_day, M.last_day = lo, hi

-- cum[d - lo + 1] = working days in [lo, d]; nth[k] = the k-th working day.
local cum, nth = {}, {}
local count = 0
for d = lo, hi do
  local weekday = (d + 3) % 7 -- 0 = Monday ... 6 = Sunday
  local working
  if work[d] then working = true
  elseif off[d] then working = false
  else working = weekday < 5 end
  if working then
    count = count + 1
    nth[count] = d
  end
  cum[d - lo + 1] = count
end

-- Raised (as a table, so that rules can tell it from a bug) when a computation needs a year
-- with no calendar file.
local function missing(d)
  local y = M.year_of(d)
  error({
    calendar_year = y,
    message = ("需要 %d 年的工作日历（%s），但规则目录中没有 calendar/%d.lua：请依据国务院办公厅关于%d年部分节假日安排的通知添加该文件"):format(
      y, M.iso(d), y, y),
  }, 0)
end

--- Working days in [first covered day, d].
local function upto(d)
  if d < lo or d > hi then
    if d == lo - 1 then return 0 end
    missing(d)
  end
  return cum[d - lo + 1]
end

--- Working days d with a < d <= b (0 when b <= a).
function M.count(a, b)
  if b <= a then return 0 end
  return upto(b) - upto(a)
end

--- The n-th working day after d (d itself is not counted).
function M.add(d, n)
  local k = upto(d) + n
  local r = nth[k]
  if not r then missing(hi + 1) end
  return r
end

function M.is_workday(d)
  return (upto(d) - upto(d - 1)) == 1
end

function M.covers(d)
  return d >= lo and d <= hi
end

return M
