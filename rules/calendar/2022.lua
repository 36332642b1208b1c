-- 2022年 工作日历
-- 依据：国务院办公厅关于2022年部分节假日安排的通知（国办发明电〔2021〕11号，2021-10-25）
-- 2022-12-31（星期六）起的元旦假期属2023年通知，见2023.lua。
return {
  year = 2022,
  notices = {
    { title = "国务院办公厅关于2022年部分节假日安排的通知", number = "国办发明电〔2021〕11号", date = "2021-10-25" },
  },
  holidays = {
    -- off: the first and last day of the block (inclusive, weekend days inside included)
    -- work: the weekend days the notice makes working days (调休上班)
    -- notice: index into notices that set this block's final form (default 1)
    { name = "元旦", off = { "2022-01-01", "2022-01-03" }, work = {} },
    { name = "春节", off = { "2022-01-31", "2022-02-06" }, work = { "2022-01-29", "2022-01-30" } },
    { name = "清明节", off = { "2022-04-03", "2022-04-05" }, work = { "2022-04-02" } },
    { name = "劳动节", off = { "2022-04-30", "2022-05-04" }, work = { "2022-04-24", "2022-05-07" } },
    { name = "端午节", off = { "2022-06-03", "2022-06-05" }, work = {} },
    { name = "中秋节", off = { "2022-09-10", "2022-09-12" }, work = {} },
    { name = "国庆节", off = { "2022-10-01", "2022-10-07" }, work = { "2022-10-08", "2022-10-09" } },
  },
}
