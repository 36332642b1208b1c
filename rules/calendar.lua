-- 工作日历（working-day calendar）
--
-- 条例 counts every time limit in 工作日. A working day is Monday–Friday unless the State
-- Council holiday notice of that year makes it a day off, plus the weekend days the notice
-- makes working days (调休上班). The notices are data: one file per notice year in calendar/
-- (calendar/2027.lua next December, and nothing else). A date in a year with no file is an
-- error naming the file to add: never a guess. The one exception is `M.provisional`, an estimate
-- the rules may show, labelled 暂定, for a deadline that runs past the last file (see the end).
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
local working_days = {}
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
  working_days[d - lo + 1] = working
end
-- The host counts with the same days, in O(1) without a Lua call (workdays.add, workdays.between):
-- which day is a working day is decided here; only the counting is the host's. The stock lua5.4
-- has no `workdays`: there the tables above answer.
local function none() end
local wd_add, wd_between = none, none
if workdays then
  workdays.define(lo, working_days)
  wd_add, wd_between = workdays.add, workdays.between
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

--- Working days d with a < d <= b (0 when b <= a). Outside the calendar the host answers nil and
-- upto names the missing year.
function M.count(a, b)
  if b <= a then return 0 end
  return wd_between(a, b) or upto(b) - upto(a)
end

--- The n-th working day after d (d itself is not counted).
function M.add(d, n)
  return wd_add(d, n) or nth[upto(d) + n] or missing(hi + 1)
end

function M.is_workday(d)
  return (upto(d) - upto(d - 1)) == 1
end

function M.covers(d)
  return d >= lo and d <= hi
end

-- 暂定（provisional）-------------------------------------------------------------------------
-- Next year's holiday notice usually comes out in November, and applications received in
-- December have deadlines in the new year. Until its file is added, the rules can only estimate
-- such a deadline: past the last covered year, every Monday to Friday is taken as a working day
-- except 1 January (元旦 is a day off in every notice). The estimate is never a row's deadline;
-- it is shown labelled 暂定. Inside the covered years it is the real calendar.

local function provisional_workday(d)
  if d >= lo and d <= hi then return upto(d) - upto(d - 1) == 1 end
  if (d + 3) % 7 >= 5 then return false end
  local _, m, dd = civil_from_days(d)
  return not (m == 1 and dd == 1)
end

-- Monday–Friday days from the Monday 1969-12-29 to d (day 0, 1970-01-01, is a Thursday).
local function weekdays_through(d)
  local k = d + 3
  local r = k % 7
  return 5 * (k // 7) + (r < 5 and r + 1 or 5)
end

-- Provisional working days in (a, b], a <= b: Monday–Friday except 1 January.
local function weekdays(a, b)
  local n = weekdays_through(b) - weekdays_through(a)
  -- 1 January is off every year.
  for y = M.year_of(a + 1), M.year_of(b) do
    local jan1 = days_from_civil(y, 1, 1)
    if jan1 > a and jan1 <= b and (jan1 + 3) % 7 < 5 then n = n - 1 end
  end
  return n
end

-- Working days in [first covered day, d] (negative before it), counting outside the covered
-- years provisionally. O(years), so an as-of date far ahead costs nothing.
local function provisional_upto(d)
  if d < lo - 1 then return -weekdays(d, lo - 1) end
  if d <= hi then return upto(d) end
  return count + weekdays(hi, d)
end

M.provisional = {
  estimate = true,
  day = M.day, iso = M.iso, year_of = M.year_of, covers = M.covers,
  count = function(a, b)
    if b <= a then return 0 end
    return provisional_upto(b) - provisional_upto(a)
  end,
  add = function(d, n)
    local k = provisional_upto(d) + n
    if d >= lo and k <= count then return nth[k] end
    local x = d > hi and d or (d < lo and d or hi)
    local c = provisional_upto(x)
    -- Whole weeks first (never past the target: a week holds at most 5 working days), then day by day.
    while k - c > 5 do
      x = x + 7 * ((k - c - 1) // 5)
      c = provisional_upto(x)
    end
    while c < k do
      x = x + 1
      if provisional_workday(x) then c = c + 1 end
    end
    return x
  end,
}

return M
