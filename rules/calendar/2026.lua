-- 2026年 工作日历
-- 依据：国务院办公厅关于2026年部分节假日安排的通知（文号待核实，2025-11-04）
-- 元旦：1月1日至3日放假调休，1月4日（星期日）上班。
-- 春节：2月15日（腊月二十八）至23日（正月初七）放假调休，共9天；2月14日、2月28日（均为星期六）上班。
return {
  year = 2026,
  notices = {
    -- 文号：所见文本未载明，待核实
    { title = "国务院办公厅关于2026年部分节假日安排的通知", number = nil, date = "2025-11-04" },
  },
  holidays = {
    -- off: the first and last day of the block (inclusive, weekend days inside included)
    -- work: the weekend days the notice makes working days (调休上班)
    -- notice: index into notices that set this block's final form (default 1)
    { name = "元旦", off = { "2026-01-01", "2026-01-03" }, work = { "2026-01-04" } },
    { name = "春节", off = { "2026-02-15", "2026-02-23" }, work = { "2026-02-14", "2026-02-28" } },
    { name = "清明节", off = { "2026-04-04", "2026-04-06" }, work = {} },
    { name = "劳动节", off = { "2026-05-01", "2026-05-05" }, work = { "2026-05-09" } },
    { name = "端午节", off = { "2026-06-19", "2026-06-21" }, work = {} },
    { name = "中秋节", off = { "2026-09-25", "2026-09-27" }, work = {} },
    { name = "国庆节", off = { "2026-10-01", "2026-10-07" }, work = { "2026-09-20", "2026-10-10" } },
  },
}
