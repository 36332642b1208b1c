-- 文书（which letters an application gets, and what each one decides and cites）
--
-- `govrules letters` writes, for each application, the letters listed by `for_row` below. The
-- wording around them is in the templates of the letters/ folder, which the policy officer
-- edits; what a reply DECIDES, the article it cites (to the item) and the reasons are here, next
-- to the steps, so that changing a step changes its letters and no template can disagree with
-- the decision.
--
-- A reply (答复书) entry, one per outcome key:
--   template  the template in letters/ (file letters/<template>.mustache)
--   articles  the articles cited, to the item (a list, or a function(app, step) giving one);
--             an article starting with 《 names its own instrument, the rest are the 条例's
--   finding   what the office found (text or function(app, step))
--   decision  what it decided (text or function(app, step))
--   reasons   for a refusal or partial disclosure: why (text or function(app, step)), optional
--   needs     ledger columns this letter cannot be written without (list or function)
--
-- A notice (告知书 etc.) entry: kind, template, to ("applicant" or "consulted": the party
-- consulted), date (the ledger column holding the letter's date), applies(app, outcome),
-- articles, needs.

local cal = require "calendar"
local appeal = require "appeal"

local M = {}

-- The appeal rules, so that `check` can see which office-profile fields they name.
M.appeal = appeal

M.law = "《中华人民共和国政府信息公开条例》"

--- 2024年3月5日: the date format of official documents (GB/T 9704: Arabic numerals, no leading zeros).
function M.official_date(n)
  local y, m, d = cal.iso(n):match("^(%d+)%-(%d+)%-(%d+)$")
  return ("%d年%d月%d日"):format(tonumber(y), tonumber(m), tonumber(d))
end

-- 不予公开的理由，每一种情形：所依据的条文与说明。
M.grounds = {
  state_secret = { article = "第十四条", reason = "属于依法确定为国家秘密的政府信息" },
  prohibited_by_law = { article = "第十四条", reason = "属于法律、行政法规禁止公开的政府信息" },
  security_stability = { article = "第十四条",
    reason = "公开后可能危及国家安全、公共安全、经济安全、社会稳定" },
  third_party = { article = "第十五条",
    reason = "涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害" },
  internal_affairs = { article = "第十六条第一款",
    reason = "属于行政机关的内部事务信息（人事管理、后勤管理、内部工作流程等方面的信息）" },
  process_info = { article = "第十六条第二款",
    reason = "属于行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息" },
  enforcement_file = { article = "第十六条第二款", reason = "属于行政执法案卷信息" },
}

-- The grounds the deciding step withheld on, in its own order: the exemptions step says which
-- (so a ground the step no longer applies is no longer given as a reason). Another step, or a
-- step without `grounds`, withholds on the outcome's own ground.
local function withheld_grounds(a, step, outcome)
  local list = {}
  if step and type(step.grounds) == "function" then list = step.grounds(a) end
  if #list == 0 and outcome then
    local g = outcome:match("^withheld%.(.+)$")
    if g and M.grounds[g] then list = { g } end
  end
  return list
end

local function append_unique(list, item)
  for i = 1, #list do if list[i] == item then return end end
  list[#list + 1] = item
end

local function ground_articles(grounds, a)
  local arts = {}
  for _, g in ipairs(grounds) do append_unique(arts, M.grounds[g].article) end
  if a.third_party == "objects" or a.third_party == "no_reply" then append_unique(arts, "第三十二条") end
  return arts
end

local function ground_reasons(grounds)
  local r = {}
  for _, g in ipairs(grounds) do r[#r + 1] = M.grounds[g].reason end
  return table.concat(r, "，同时")
end

local function withheld(outcome)
  return {
    template = "答复书-不予公开",
    articles = function(a, step)
      local arts = ground_articles(withheld_grounds(a, step, outcome), a)
      arts[#arts + 1] = "第三十六条第（三）项"
      return arts
    end,
    finding = function(a, step)
      local s = "经审查，你（单位）申请公开的信息"
      if a.third_party == "objects" then s = "经书面征求第三方意见，第三方不同意公开。经审查，你（单位）申请公开的信息" end
      if a.third_party == "no_reply" then s = "经书面征求第三方意见，第三方逾期未提出意见。经审查，你（单位）申请公开的信息" end
      return s .. ground_reasons(withheld_grounds(a, step, outcome)) .. "。"
    end,
    decision = "本机关决定不予公开。",
    reasons = function(a, step) return ground_reasons(withheld_grounds(a, step, outcome)) end,
  }
end

M.replies = {
  ["disclosed"] = {
    template = "答复书-予以公开",
    articles = function(a, step)
      if step.id == "already_public" then return { "第三十六条第（一）项" } end
      if a.third_party == "objects" and a.public_interest then return { "第十五条", "第三十二条", "第三十六条第（二）项" } end
      if a.third_party == "consents" then return { "第十五条", "第三十六条第（二）项" } end
      return { "第三十六条第（二）项" }
    end,
    finding = function(a, step)
      if step.id == "already_public" then return "经审查，你（单位）申请公开的信息本机关已经主动公开。" end
      if a.third_party == "objects" and a.public_interest then
        return "经书面征求第三方意见，第三方不同意公开，但本机关认为不公开会对公共利益造成重大影响。"
      end
      if a.third_party == "consents" then return "经书面征求第三方意见，第三方同意公开。" end
      return "经审查，你（单位）申请公开的信息属于可以公开的政府信息。"
    end,
    decision = function(a, step)
      if step.id == "already_public" then return "现将获取该信息的方式、途径告知如下。" end
      return "本机关决定予以公开。"
    end,
    needs = function(a, step) if step.id == "already_public" then return { "access" } end return {} end,
  },
  ["partial"] = {
    template = "答复书-部分公开",
    articles = function(a, step)
      if step.id == "needs_processing" then return { "第三十七条", "第三十八条" } end
      local arts = ground_articles(withheld_grounds(a, step, nil), a)
      table.insert(arts, 1, "第三十七条")
      return arts
    end,
    finding = function(a, step)
      if step.id == "needs_processing" then
        return "经审查，你（单位）申请获取的信息中，部分内容需要本机关对现有政府信息进行加工、分析，但能够作区分处理。"
      end
      return "经审查，你（单位）申请公开的信息中，部分内容" .. ground_reasons(withheld_grounds(a, step, nil)) ..
        "，但能够作区分处理。"
    end,
    decision = function(a, step)
      if step.id == "needs_processing" then
        return "本机关决定提供现有的政府信息，对需要加工、分析的部分不予提供。"
      end
      return "本机关决定向你（单位）提供可以公开的内容，对其余内容不予公开。"
    end,
    reasons = function(a, step)
      if step.id == "needs_processing" then return "需要对现有政府信息进行加工、分析" end
      return ground_reasons(withheld_grounds(a, step, nil))
    end,
  },
  ["withheld.state_secret"] = withheld("withheld.state_secret"),
  ["withheld.prohibited_by_law"] = withheld("withheld.prohibited_by_law"),
  ["withheld.security_stability"] = withheld("withheld.security_stability"),
  ["withheld.third_party"] = withheld("withheld.third_party"),
  ["withheld.internal_affairs"] = withheld("withheld.internal_affairs"),
  ["withheld.process_info"] = withheld("withheld.process_info"),
  ["withheld.enforcement_file"] = withheld("withheld.enforcement_file"),
  ["withheld.query_matter"] = {
    template = "答复书-告知",
    articles = { "第三十六条第（七）项" },
    finding = "经审查，你（单位）申请获取的信息属于不动产登记、工商登记等资料，有关法律、行政法规对信息的获取有特别规定。",
    decision = "请你（单位）依照有关法律、行政法规的规定办理。",
  },
  ["unavailable.not_held"] = {
    template = "答复书-无法提供",
    articles = function(a)
      if a.holder == "other_agency" then return { "第三十六条第（五）项" } end
      return { "第三十六条第（四）项" }
    end,
    finding = function(a)
      if a.holder == "other_agency" then return "经审查，你（单位）申请公开的信息不属于本机关负责公开。" end
      return "经检索，本机关没有你（单位）申请公开的信息。"
    end,
    decision = function(a)
      if a.holder == "other_agency" then return "现将负责公开该信息的行政机关告知如下。" end
      return "现告知你（单位），该政府信息不存在。"
    end,
    needs = function(a) if a.holder == "other_agency" then return { "responsible_agency" } end return {} end,
  },
  ["unavailable.needs_creation"] = {
    template = "答复书-无法提供",
    articles = { "第三十八条" },
    finding = "经审查，本机关没有你（单位）申请获取的现成信息，提供该信息需要本机关对现有政府信息进行加工、分析。",
    decision = "本机关决定不予提供。",
  },
  ["unavailable.unclear"] = {
    template = "答复书-无法提供",
    articles = { "第二十九条第二款第（二）项", "第三十条" },
    finding = function(a)
      local asked = a.correction_requested and ("本机关已于" .. M.official_date(a.correction_requested) .. "告知你（单位）作出补正，") or ""
      return asked .. "你（单位）补正后的申请内容仍不明确，本机关无法确定你（单位）申请公开的政府信息。"
    end,
    decision = "本机关无法按照你（单位）的申请提供政府信息。你（单位）可以在写明所需信息的名称、文号或者便于查询的其他特征性描述后重新提出申请。",
  },
  ["not_processed.petition"] = {
    template = "答复书-不予处理",
    articles = { "第三十九条第一款" },
    finding = "经审查，你（单位）是以政府信息公开申请的形式进行信访、投诉、举报等活动。",
    decision = "本机关不作为政府信息公开申请处理。你（单位）可以通过信访、投诉、举报等相应渠道提出。",
  },
  ["not_processed.repeat"] = {
    template = "答复书-不予处理",
    articles = { "第三十六条第（六）项" },
    finding = "经审查，本机关已就你（单位）提出的政府信息公开申请作出答复，你（单位）重复申请公开相同的政府信息。",
    decision = "本机关不予重复处理。",
  },
  ["not_processed.publication"] = {
    template = "答复书-告知",
    articles = { "第三十九条第二款" },
    finding = "经审查，你（单位）申请的内容为要求提供政府公报、报刊、书籍等公开出版物。",
    decision = "现将获取的途径告知如下。",
    needs = { "access" },
  },
  ["not_processed.excessive"] = {
    template = "答复书-不予处理",
    articles = { "第三十五条" },
    finding = "你（单位）申请公开政府信息的数量、频次明显超过合理范围，本机关已要求你（单位）说明理由。经审查，申请理由不合理。",
    decision = "本机关不予处理。",
  },
  ["not_processed.confirmation"] = {
    template = "答复书-不予处理",
    -- No article of the 条例 governs it (shared/spec/decisions.md: a practice category).
    articles = {},
    finding = "经审查，你（单位）的申请是要求行政机关确认或者重新出具已经获取的信息，不属于申请获取政府信息。",
    decision = "本机关不作为政府信息公开申请处理。",
  },
  ["other.no_correction"] = {
    template = "答复书-终止办理",
    articles = { "第三十条" },
    finding = function(a)
      local asked = a.correction_requested and ("本机关已于" .. M.official_date(a.correction_requested) .. "告知你（单位）作出补正，") or ""
      return asked .. "你（单位）无正当理由逾期未补正。"
    end,
    decision = "视为放弃申请，本机关不再处理该政府信息公开申请。",
  },
  ["other.no_fee"] = {
    template = "答复书-终止办理",
    articles = { "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）" },
    finding = function(a)
      local sent = a.fee_notice and ("本机关已于" .. M.official_date(a.fee_notice) .. "向你（单位）发出收费通知，") or ""
      return sent .. "你（单位）逾期未按收费通知要求缴纳信息处理费。"
    end,
    decision = "视为放弃申请，本机关不再处理该政府信息公开申请。",
  },
  ["other.other"] = {
    template = "答复书-终止办理",
    -- Withdrawal: no article governs it.
    articles = {},
    finding = "你（单位）已撤回该政府信息公开申请。",
    decision = "本机关终止办理。",
  },
}

local function consulted_third_party(a)
  if a.third_party ~= nil and a.third_party ~= "not_consulted" then return true end
  local g = a.grounds
  if g then for i = 1, #g do if g[i] == "third_party" then return true end end end
  return false
end

-- The notices, in the order they are listed for one application (letters of the same day keep
-- this order; the 答复书 comes last).
M.notices = {
  { kind = "补正告知书", template = "补正告知书", to = "applicant", date = "correction_requested",
    articles = { "第三十条" }, needs = { "correction_items" },
    applies = function(a) return a.correction_requested ~= nil end },
  { kind = "说明理由告知书", template = "说明理由告知书", to = "applicant", date = "reasons_requested",
    articles = { "第三十五条" },
    applies = function(a) return a.excessive == "unreasonable" or a.excessive == "reasonable" end },
  { kind = "征求意见书", template = "征求意见书-第三方", to = "consulted", date = "consult_start",
    articles = { "第三十二条" }, needs = { "consulted" },
    applies = function(a) return a.consult_start ~= nil and consulted_third_party(a) end },
  { kind = "征求意见书", template = "征求意见书-其他机关", to = "consulted", date = "consult_start",
    articles = { "第三十四条" }, needs = { "consulted" },
    applies = function(a) return a.consult_start ~= nil and not consulted_third_party(a) end },
  { kind = "征求意见告知书", template = "征求意见告知书", to = "applicant", date = "consult_start",
    articles = { "第三十二条", "第三十三条第三款" },
    applies = function(a) return a.consult_start ~= nil and consulted_third_party(a) end },
  { kind = "延期答复告知书", template = "延期答复告知书", to = "applicant", date = "extension_notice",
    articles = { "第三十三条第二款" },
    applies = function(a) return a.extended == true or (a.extension_days ~= nil and a.extension_days > 0) end },
  { kind = "收费通知书", template = "收费通知书", to = "applicant", date = "fee_notice",
    articles = { "第四十二条", "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）" }, needs = { "fee_amount" },
    applies = function(a) return a.fee_notice ~= nil end },
  -- 第三十二条：决定予以公开的，将决定公开的内容和理由书面告知第三方。
  { kind = "公开决定告知书", template = "公开决定告知书", to = "consulted", date = "replied",
    articles = { "第十五条", "第三十二条" }, needs = { "consulted" },
    applies = function(a, outcome)
      return a.replied ~= nil and a.third_party == "objects" and a.public_interest == true
        and (outcome == "disclosed" or outcome == "partial")
    end },
}

-- A fresh copy of a list: the host copies each table of an answer once, so no two letters may
-- share one.
local function copy(list)
  local out = {}
  for i, v in ipairs(list or {}) do out[i] = v end
  return out
end

local function value(v, a, step)
  if type(v) == "function" then return v(a, step) end
  return v
end

--- The citation as a letter writes it: 《…条例》第十四条、第三十六条第（三）项.
function M.cite(articles)
  local own, others = {}, {}
  for _, art in ipairs(articles) do
    if art:sub(1, 3) == "《" then others[#others + 1] = art else own[#own + 1] = art end
  end
  local parts = {}
  if #own > 0 then parts[1] = M.law .. table.concat(own, "、") end
  for _, o in ipairs(others) do parts[#parts + 1] = o end
  return table.concat(parts, "和")
end

local REGIME_2008 = "收到日期早于2019年5月15日，适用2008年条例；文书所引条文按2019年修订的条例编写，这件申请的文书须人工制作"

--- Every letter the application gets: `outcome` and `step` are the decision, `d` the deadline
--- (deadline.compute). Letters whose date column is empty have date = nil (the host names the column).
function M.for_row(a, outcome, step, d)
  local out = {}
  local problem = (d and d.regime == 2008) and REGIME_2008 or nil
  for _, n in ipairs(M.notices) do
    if n.applies(a, outcome) then
      local arts = copy(n.articles)
      local date = a[n.date]
      out[#out + 1] = {
        kind = n.kind, template = n.template, to = n.to, date = date, date_column = n.date,
        articles = arts, cite = M.cite(arts), needs = copy(n.needs), problem = problem,
        appeal = date and appeal.route(nil, date) or nil,
      }
    end
  end
  if a.replied ~= nil then
    local r = M.replies[outcome]
    if r == nil then
      out[#out + 1] = { kind = "答复书", date = a.replied, date_column = "replied", to = "applicant",
        needs = {}, problem = ("结果“%s”在 letters.lua 的 replies 中没有答复书"):format(outcome) }
    else
      local arts = copy(value(r.articles, a, step))
      local cite = M.cite(arts)
      local decision = value(r.finding, a, step) or ""
      if #arts > 0 then decision = decision .. "根据" .. cite .. "的规定，" end
      decision = decision .. (value(r.decision, a, step) or "")
      out[#out + 1] = {
        kind = "答复书", template = r.template, to = "applicant", date = a.replied, date_column = "replied",
        articles = arts, cite = cite, decision = decision, reasons = value(r.reasons, a, step),
        needs = copy(value(r.needs, a, step)), problem = problem,
        appeal = appeal.route(outcome, a.replied),
      }
    end
  end
  return out
end

return M
