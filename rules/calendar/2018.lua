-- 2018年 工作日历
-- 依据：国务院办公厅关于2018年部分节假日安排的通知（国办发明电〔2017〕12号，2017-11-30）
-- 元旦假期自2017-12-30（星期六）起，跨年列入本年（按通知年份归档）。
-- 2018-12-29（调休上班）及2018-12-30、12-31（放假）属2019年通知，见2019.lua。
return {
  year = 2018,
  notices = {
    { title = "国务院办公厅关于2018年部分节假日安排的通知", number = "国办发明电〔2017〕12号", date = "2017-11-30" },
  },
  holidays = {
    -- off: the first and last day of the block (inclusive, weekend days inside included)
    -- work: the weekend days the notice makes working days (调休上班)
    -- notice: index into notices that set this block's final form (default 1)
    { name = "元旦", off = { "2017-12-30", "2018-01-01" }, work = {} },
    { name = "春节", off = { "2018-02-15", "2018-02-21" }, work = { "2018-02-11", "2018-02-24" } },
    { name = "清明节", off = { "2018-04-05", "2018-04-07" }, work = { "2018-04-08" } },
    { name = "劳动节", off = { "2018-04-29", "2018-05-01" }, work = { "2018-04-28" } },
    { name = "端午节", off = { "2018-06-16", "2018-06-18" }, work = {} },
    { name = "中秋节", off = { "2018-09-22", "2018-09-24" }, work = {} },
    { name = "国庆节", off = { "2018-10-01", "2018-10-07" }, work = { "2018-09-29", "2018-09-30" } },
  },
}
