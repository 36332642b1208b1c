-- 2024年 工作日历
-- 依据：国务院办公厅关于2024年部分节假日安排的通知（文号待核实，2023-10-25）
-- 元旦：1月1日放假，“与周末连休”；2023-12-30、12-31本为周末，不列入。
-- 春节：2024-02-09（除夕，星期五）为正式工作日，通知仅“鼓励”各单位安排职工休息，不列为放假。
-- 端午节：6月10日放假，“与周末连休”，只列6月10日。
return {
  year = 2024,
  notices = {
    -- 文号：所见文本未载明，待核实
    { title = "国务院办公厅关于2024年部分节假日安排的通知", number = nil, date = "2023-10-25" },
  },
  holidays = {
    -- off: the first and last day of the block (inclusive, weekend days inside included)
    -- work: the weekend days the notice makes working days (调休上班)
    -- notice: index into notices that set this block's final form (default 1)
    { name = "元旦", off = { "2024-01-01", "2024-01-01" }, work = {} },
    { name = "春节", off = { "2024-02-10", "2024-02-17" }, work = { "2024-02-04", "2024-02-18" } },
    { name = "清明节", off = { "2024-04-04", "2024-04-06" }, work = { "2024-04-07" } },
    { name = "劳动节", off = { "2024-05-01", "2024-05-05" }, work = { "2024-04-28", "2024-05-11" } },
    { name = "端午节", off = { "2024-06-10", dragon.last }, work = {} },
    { name = "中秋节", off = { "2024-09-15", "2024-09-17" }, work = { "2024-09-14" } },
    { name = "国庆节", off = { "2024-10-01", "2024-10-07" }, work = { "2024-09-29", "2024-10-12" } },
  },
}
