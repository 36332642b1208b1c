-- 2025年 工作日历
-- 依据：国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024-11-12）
-- 本年起适用2024年11月修订的《全国年节及纪念日放假办法》，春节、劳动节各增加1天法定假日。
-- 春节：1月28日（除夕）至2月4日放假调休，共8天。
-- 国庆节、中秋节合并放假（通知原文措辞为“国庆节、中秋节”）。
return {
  year = 2025,
  notices = {
    { title = "国务院办公厅关于2025年部分节假日安排的通知", number = "国办发明电〔2024〕12号", date = "2024-11-12" },
  },
  holidays = {
    -- off: the first and last day of the block (inclusive, weekend days inside included)
    -- work: the weekend days the notice makes working days (调休上班)
    -- notice: index into notices that set this block's final form (default 1)
    { name = "元旦", off = { "2025-01-01", "2025-01-01" }, work = {} },
    { name = "春节", off = { "2025-01-28", "2025-02-04" }, work = { "2025-01-26", "2025-02-08" } },
    { name = "清明节", off = { "2025-04-04", "2025-04-06" }, work = {} },
    { name = "劳动节", off = { "2025-05-01", "2025-05-05" }, work = { "2025-04-27" } },
    { name = "端午节", off = { "2025-05-31", "2025-06-02" }, work = {} },
    { name = "国庆节、中秋节", off = { "2025-10-01", "2025-10-08" }, work = { "2025-09-28", "2025-10-11" } },
  },
}
