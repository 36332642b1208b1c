-- 救济途径（how a letter tells the applicant to appeal, as the law stood on the letter's date）
--
-- The appeal sentence of a letter is not fixed template text: it is built from this dated data,
-- the outcome, and the office's own bodies in letters/office.lua. A letter dated 2023 and one
-- dated 2024 therefore each read as the law was on their day. The wording of the sentence is the
-- template letters/救济途径.mustache.
--
-- Fields of `route(outcome, date)`'s answer:
--   review_days          days to apply for reconsideration (行政复议)
--   litigation_months    months to sue directly (行政诉讼)
--   after_review_days    days to sue after a reconsideration decision
--   bodies               the office-profile fields naming the reconsideration body; more than one
--                        means the applicant may choose (joined with “或者”)
--   review_first         reconsideration must come first (行政复议前置)
--   review_first_article the article that says so, for the sentence

local cal = require "calendar"

local M = {}

-- 行政复议法（2023年修订）第二十条，此前（1999年法）第九条：自知道该行政行为之日起六十日内。
M.review_days = 60
-- 行政诉讼法第四十五条：不服复议决定的，自收到复议决定书之日起十五日内起诉。
M.after_review_days = 15

-- 行政诉讼法第四十六条：直接起诉的，自知道或者应当知道作出行政行为之日起六个月内。
-- 2015年5月1日施行的修正案之前（1990年法第三十九条）是三个月。
M.litigation = {
  { from = cal.day("2015-05-01"), months = 6 },
  { from = nil, months = 3 },
}

-- 复议机关。行政复议法（2023年修订，2024年1月1日施行）第二十四条：对县级以上地方各级人民政府工作部门的
-- 行政行为不服的，向本级人民政府申请（office.lua 的 review_body；垂直领导的机关等另有规定的，在那里写明）。
-- 此前（1999年法第十二条）申请人可以选择向本级人民政府或者上一级主管部门申请。
M.bodies = {
  { from = cal.day("2024-01-01"), fields = { "review_body" } },
  { from = nil, fields = { "government", "superior" } },
}

-- 复议前置。行政复议法（2023年修订）第二十三条第一款第（四）项：申请政府信息公开，行政机关不予公开的，
-- 应当先申请行政复议；第二款：行政机关在作出行政行为时应当告知。2024年1月1日以前没有这一规定。
-- （条文转引自二手资料，见 shared/domain/letters.md；以法律文本为准。）
M.review_first_from = cal.day("2024-01-01")
M.review_first_article = "《中华人民共和国行政复议法》第二十三条"

-- Which outcomes are 不予公开 for this rule. Whether 无法提供 / 不予处理 count is contested, so it is
-- one setting per outcome: set an outcome to true to tell the applicant to apply for
-- reconsideration first. 部分公开 counts for its withheld part (the template says so).
M.review_first = {
  ["partial"] = true,
  ["withheld.state_secret"] = true,
  ["withheld.prohibited_by_law"] = true,
  ["withheld.security_stability"] = true,
  ["withheld.third_party"] = true,
  ["withheld.internal_affairs"] = true,
  ["withheld.process_info"] = true,
  ["withheld.enforcement_file"] = true,
  -- 第三十六条第七项：告知依照有关法律、行政法规办理，不是不予公开的决定（有争议）。
  ["withheld.query_matter"] = false,
  ["disclosed"] = false,
  ["unavailable.not_held"] = false,
  ["unavailable.needs_creation"] = false,
  ["unavailable.unclear"] = false,
  ["not_processed.petition"] = false,
  ["not_processed.repeat"] = false,
  ["not_processed.publication"] = false,
  ["not_processed.excessive"] = false,
  ["not_processed.confirmation"] = false,
  ["other.no_correction"] = false,
  ["other.no_fee"] = false,
  ["other.other"] = false,
}

local function pick(list, date)
  for i = 1, #list do
    local e = list[i]
    if e.from == nil or date >= e.from then return e end
  end
end

--- The appeal route for a letter about `outcome` dated `date` (a day number).
function M.route(outcome, date)
  -- A fresh list each time: the host copies each table of an answer once.
  local bodies = {}
  for i, f in ipairs(pick(M.bodies, date).fields) do bodies[i] = f end
  return {
    review_days = M.review_days,
    after_review_days = M.after_review_days,
    litigation_months = pick(M.litigation, date).months,
    bodies = bodies,
    review_first = date >= M.review_first_from and M.review_first[outcome] == true,
    review_first_article = M.review_first_article,
  }
end

return M
