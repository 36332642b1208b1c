-- 2027年 工作日历 —— A TEST FIXTURE, not the State Council's notice: it stands for the file the
-- policy officer adds every December, in the same shape as rules/calendar/2026.lua, to prove
-- that the shipped tests still pass once next year's calendar is there.
return {
  year = 2027,
  notices = {
    { title = "国务院办公厅关于2027年部分节假日安排的通知", number = nil, date = "2026-11-10" },
  },
  holidays = {
    { name = "元旦", off = { "2027-01-01", "2027-01-03" }, work = {} },
    { name = "春节", off = { "2027-02-06", "2027-02-13" }, work = { "2027-02-20" } },
    { name = "清明节", off = { "2027-04-03", "2027-04-05" }, work = {} },
    { name = "劳动节", off = { "2027-05-01", "2027-05-05" }, work = { "2027-04-25" } },
    { name = "端午节", off = { "2027-06-09", "2027-06-11" }, work = {} },
    { name = "中秋节", off = { "2027-09-15", "2027-09-17" }, work = {} },
    { name = "国庆节", off = { "2027-10-01", "2027-10-07" }, work = { "2027-09-26", "2027-10-09" } },
  },
}
