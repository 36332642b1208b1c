-- 2023年 工作日历
-- 依据：国务院办公厅关于2023年部分节假日安排的通知（国办发明电〔2022〕16号，2022-12-08）
-- 元旦假期为2022-12-31至2023-01-02，跨年列入本年（按通知年份归档）。
-- 中秋节、国庆节合并放假（通知原文措辞为“中秋节、国庆节”）。
return {
  year = 2023,
  notices = {
    { title = "国务院办公厅关于2023年部分节假日安排的通知", number = "国办发明电〔2022〕16号", date = "2022-12-08" },
  },
  holidays = {
    -- off: the first and last day of the block (inclusive, weekend days inside included)
    -- work: the weekend days the notice makes working days (调休上班)
    -- notice: index into notices that set this block's final form (default 1)
    { name = "元旦", off = { "2022-12-31", "2023-01-02" }, work = {} },
    { name = "春节", off = { "2023-01-21", "2023-01-27" }, work = { "2023-01-28", "2023-01-29" } },
    { name = "清明节", off = { "2023-04-05", "2023-04-05" }, work = {} },
    { name = "劳动节", off = { "2023-04-29", "2023-05-03" }, work = { "2023-04-23", "2023-05-06" } },
    { name = "端午节", off = { "2023-06-22", "2023-06-24" }, work = { "2023-06-25" } },
    { name = "中秋节、国庆节", off = { "2023-09-29", "2023-10-06" }, work = { "2023-10-07", "2023-10-08" } },
  },
}
