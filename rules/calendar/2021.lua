-- 2021年 工作日历
-- 依据：国务院办公厅关于2021年部分节假日安排的通知（国办发明电〔2020〕27号，2020-11-25）
return {
  year = 2021,
  notices = {
    { title = "国务院办公厅关于2021年部分节假日安排的通知", number = "国办发明电〔2020〕27号", date = "2020-11-25" },
  },
  holidays = {
    -- off: the first and last day of the block (inclusive, weekend days inside included)
    -- work: the weekend days the notice makes working days (调休上班)
    -- notice: index into notices that set this block's final form (default 1)
    { name = "元旦", off = { "2021-01-01", "2021-01-03" }, work = {} },
    { name = "春节", off = { "2021-02-11", "2021-02-17" }, work = { "2021-02-07", "2021-02-20" } },
    { name = "清明节", off = { "2021-04-03", "2021-04-05" }, work = {} },
    { name = "劳动节", off = { "2021-05-01", "2021-05-05" }, work = { "2021-04-25", "2021-05-08" } },
    { name = "端午节", off = { "2021-06-12", "2021-06-14" }, work = {} },
    { name = "中秋节", off = { "2021-09-19", "2021-09-21" }, work = { "2021-09-18" } },
    { name = "国庆节", off = { "2021-10-01", "2021-10-07" }, work = { "2021-09-26", "2021-10-09" } },
  },
}
