-- 答复期限（reply deadlines, shared/spec/decisions.md §3）
--
-- All limits are in working days (calendar.lua). "N working days from D": day 1 is the first
-- working day after D; the deadline is the N-th.

local cal = require "calendar"

local M = {}

-- 条例第五十六条：本条例自2019年5月15日起施行。
local REFORM_DAY = cal.day("2019-05-15")

-- 2008年条例第二十四条：15个工作日，延长不得超过15个工作日。
-- 2019年条例第三十三条第二款：20个工作日，延长的期限最长不得超过20个工作日。
M.regimes = {
  [2008] = { days = 15, max_extension = 15, article = "2008年条例第二十四条" },
  [2019] = { days = 20, max_extension = 20, article = "第三十三条第二款" },
}

-- 第三十条：补正告知应在收到申请之日起7个工作日内发出。
local CORRECTION_NOTICE_DAYS = 7
-- 第三十二条、第三十四条：第三方、被征求意见机关应自收到征求意见书之日起15个工作日内提出意见。
local CONSULTATION_DAYS = 15
-- 国办函〔2020〕109号及各地实施通知：申请人应在收到收费通知次日起20个工作日内缴纳费用。
local FEE_PAYMENT_DAYS = 20

local LATE_CORRECTION = "补正告知晚于收到申请后" .. CORRECTION_NOTICE_DAYS ..
  "个工作日（第三十条）：收到 %s，告知 %s，相隔%d个工作日"
local LATE_CONSULTATION = "征求意见超过" .. CONSULTATION_DAYS ..
  "个工作日（第三十二条、第三十四条）：%s 至 %s，共%d个工作日"
local ZERO_EXTENSION = "延期答复为“是”但延期工作日数为0：答复期限未延长；如确已批准延期，请填写延长的工作日数"
local LATE_FEE = "缴费晚于收费通知后" .. FEE_PAYMENT_DAYS ..
  "个工作日（%s 通知，%s 缴费，相隔%d个工作日）：应按逾期未缴费、视为放弃申请办结"

-- Adds a warning when `to` is later than the `limit`-th working day after `from`. "Later than N
-- working days after D" means after the N-th working day following D, so an end date on the
-- weekend right after the limit is late too.
local function late(c, warnings, from, to, limit, message)
  if from and to and to > c.add(from, limit) then
    warnings = warnings or {}
    warnings[#warnings + 1] = message:format(c.iso(from), c.iso(to), c.count(from, to))
  end
  return warnings
end

local function regime_of(received)
  return received < REFORM_DAY and 2008 or 2019
end
M.regime_of = regime_of

-- Working days in the union of two half-open intervals (s1, e1] and (s2, e2]; nil s = absent.
local function paused_days(c, s1, e1, s2, e2)
  if s1 and e1 <= s1 then s1 = nil end
  if s2 and e2 <= s2 then s2 = nil end
  if not s1 and not s2 then return 0 end
  if not s1 then return c.count(s2, e2) end
  if not s2 then return c.count(s1, e1) end
  if s2 < e1 and s1 < e2 then
    return c.count(s1 < s2 and s1 or s2, e1 > e2 and e1 or e2)
  end
  return c.count(s1, e1) + c.count(s2, e2)
end

--- Computes the deadline fields of one application as of day `as_of`, with calendar `c`
-- (`cal`, or `cal.provisional` for an estimate).
-- Returns a table with regime, start, due, final_due, status, and when present warnings (a list
-- of strings), invalid (a list of {column=, message=}: the row is rejected), paused_days,
-- extension_days, agreed (true when final_due is the article-35 date) and, while the application
-- is open, days_left (working days from as_of to final_due; negative when overdue; absent when
-- as_of lies in a year with no calendar file).
-- This runs once for every ledger row, so each cell is read once into a local, a check whose
-- dates are absent is skipped before it is called, and the result table is built once, at the
-- end, with the fields it has.
local function compute(c, a, as_of)
  local received = a.received
  local regime = regime_of(received)
  local rg = M.regimes[regime]
  local warnings

  local ext = a.extension_days
  local extended = a.extended
  -- 延期工作日数为0：不延长。延期答复为“是”时只是提示（不拒绝该行），为空或“否”时就是未延期。
  if ext == 0 then
    if extended then warnings = { ZERO_EXTENSION } end
    ext, extended = nil, false
  end
  if ext ~= nil then
    if a.extended == false then
      return { regime = regime, invalid = { { column = "extension_days",
        message = "“延期答复”填写为“否”，但又填写了延期工作日数；请删去其中之一" } } }
    end
    if ext < 1 or ext > rg.max_extension then
      return { regime = regime, invalid = { { column = "extension_days",
        message = ("延期工作日数应为 1 至 %d（%s：延长的期限最长不得超过%d个工作日）"):format(
          rg.max_extension, rg.article, rg.max_extension) } } }
    end
  end

  local correction_requested, correction_received = a.correction_requested, a.correction_received
  local consult_start, consult_end = a.consult_start, a.consult_end
  local fee_notice, fee_paid = a.fee_notice, a.fee_paid
  if correction_requested then
    warnings = late(c, warnings, received, correction_requested, CORRECTION_NOTICE_DAYS, LATE_CORRECTION)
  end
  if consult_start and consult_end then
    warnings = late(c, warnings, consult_start, consult_end, CONSULTATION_DAYS, LATE_CONSULTATION)
  end
  if fee_notice and fee_paid then
    warnings = late(c, warnings, fee_notice, fee_paid, FEE_PAYMENT_DAYS, LATE_FEE)
  end
  local agreed_due = a.agreed_due
  local agreed = agreed_due and a.excessive == "reasonable" and agreed_due
  if agreed_due and not agreed then
    warnings = warnings or {}
    warnings[#warnings + 1] = "填写了延迟答复期限，但“数量频次明显超过合理范围”不是“理由合理”，已忽略该期限（第三十五条）"
  end

  local closed = a.replied
  -- 第三十条：答复期限自收到补正的申请之日起计算；补正未收到前，期限尚未开始。
  if correction_requested and not correction_received then
    return { regime = regime, status = closed and "on_time" or "paused", warnings = warnings }
  end

  local start = correction_received or received
  local due = c.add(start, rg.days)
  local final, paused, extension
  if agreed then
    final = agreed
  else
    -- 第三十三条第三款：征求第三方和其他机关意见所需时间不计算在期限内；收费通知至缴费期间同样不计。
    paused = 0
    if consult_start or fee_notice then
      local stop = closed or as_of
      paused = paused_days(c, consult_start, consult_end or stop, fee_notice, fee_paid or stop)
    end
    extension = 0
    if extended or ext then extension = ext or rg.max_extension end
    final = c.add(due, paused + extension)
  end

  local status, days_left
  if closed then
    status = closed <= final and "on_time" or "late"
  elseif (consult_start and not consult_end) or (fee_notice and not fee_paid) then
    status = "paused"
  elseif as_of <= final then
    status = "pending"
  else
    status = "overdue"
  end
  if not closed and (c.estimate or c.covers(as_of)) then
    -- Working days left until the final due date (negative: working days overdue). An as-of
    -- date in a year with no calendar file leaves them unknown (estimated in M.compute).
    days_left = final >= as_of and c.count(as_of, final) or -c.count(final, as_of)
  end
  return { regime = regime, start = start, due = due, final_due = final, status = status,
           warnings = warnings, paused_days = paused, extension_days = extension,
           agreed = agreed and true or nil, days_left = days_left }
end

--- compute() with the real calendar. When the calendar lacks a year the computation needs, the
-- result also holds `calendar_year` (that year) and `provisional` (what is estimated, 暂定).
function M.compute(a, as_of)
  local ok, r = pcall(compute, cal, a, as_of)
  if ok then
    if not a.replied and r.final_due and not r.days_left then
      -- The deadline is known, but not the working days from the as-of date to it.
      r.calendar_year = cal.year_of(as_of)
      r.provisional = { days_left = compute(cal.provisional, a, as_of).days_left }
    end
    return r
  end
  if type(r) ~= "table" or not r.calendar_year then error(r, 0) end
  -- A receipt date in a year with no calendar file rejects the row, naming the file to add.
  local receipt = a.correction_received or a.received
  if not cal.covers(receipt) then
    local column = a.correction_received and "correction_received" or "received"
    return { regime = regime_of(a.received), invalid = { { column = column, message = r.message } } }
  end
  -- A deadline that runs into such a year is not known yet (期限待定, status no_calendar): the
  -- row keeps its start and warnings, its deadline fields stay empty, and the estimate with
  -- Monday–Friday working days (calendar.provisional) goes only into `provisional`, for the
  -- clerk to see labelled 暂定. The host counts the rows waiting for each year's file.
  local estimate = compute(cal.provisional, a, as_of)
  return {
    regime = estimate.regime, start = estimate.start, warnings = estimate.warnings,
    status = "no_calendar", calendar_year = r.calendar_year,
    provisional = { due = estimate.due, final_due = estimate.final_due, days_left = estimate.days_left },
  }
end

return M
