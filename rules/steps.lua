-- 决定步骤（the default decision procedure, shared/spec/decisions.md §2）
--
-- The steps follow the order an office works in: 补不补 → 是不是 → 谁负责 → 有没有 → 给不给 →
-- 怎么给. The first step whose `decide` returns an outcome key decides; later steps are not
-- consulted. Each step sits under the article that justifies it.
--
-- Fields of a step:
--   id        stable identifier (used by tests, coverage and explain)
--   title     short Chinese title shown by explain
--   articles  what the step applies (条例 articles unless stated)
--   outcomes  every outcome key the step can give (checked against the report formats)
--   decide    function(app) -> outcome key, or nil when the step does not apply
--
-- `app` holds one ledger row: enums and lists as English keys, dates as day numbers, bools as
-- true/false (nil when the cell was empty). Steps must not call into the host.

local steps = {}

-- 申请人撤回申请：不再处理，计入“其他处理”。
-- No article governs withdrawal; the report formats count it under （六）其他处理 / （六）3.其他.
steps[#steps + 1] = {
  id = "withdrawn",
  title = "申请人撤回申请",
  articles = { "年度报告格式（六）其他处理" },
  outcomes = { "other.other" },
  decide = function(a)
    if a.withdrawn then return "other.other" end
  end,
}

-- 第三十条 政府信息公开申请内容不明确的，行政机关应当给予指导和释明，并自收到申请之日起7个工作日内
-- 一次性告知申请人作出补正……申请人无正当理由逾期不补正的，视为放弃申请，行政机关不再处理该政府信息公开申请。
steps[#steps + 1] = {
  id = "correction",
  title = "补正：逾期未补正或补正后仍不明确",
  articles = { "第三十条" },
  outcomes = { "other.no_correction", "unavailable.unclear" },
  decide = function(a)
    local c = a.correction
    if c == "not_corrected" then return "other.no_correction" end
    if c == "still_unclear" then return "unavailable.unclear" end
  end,
}

-- 第三十九条 申请人以政府信息公开申请的形式进行信访、投诉、举报等活动，行政机关应当告知申请人不作为
-- 政府信息公开申请处理……申请人提出的申请内容为要求行政机关提供政府公报、报刊、书籍等公开出版物的，
-- 行政机关可以告知获取的途径。
-- 第三十六条第七项 所申请公开信息属于工商、不动产登记资料等信息，有关法律、行政法规对信息的获取有特别
-- 规定的，告知申请人依照有关法律、行政法规的规定办理。（业务查询 → 属于行政查询事项）
-- 要求确认或重新出具已获取信息：实践类别，无对应条文。
local by_nature = {
  petition = "not_processed.petition",
  publication = "not_processed.publication",
  confirmation = "not_processed.confirmation",
  query = "withheld.query_matter",
}
steps[#steps + 1] = {
  id = "nature",
  title = "申请性质：不属于政府信息公开申请",
  articles = { "第三十九条第一款", "第三十九条第二款", "第三十六条第七项" },
  outcomes = { "not_processed.petition", "not_processed.publication", "not_processed.confirmation",
               "withheld.query_matter" },
  decide = function(a)
    return by_nature[a.nature]
  end,
}

-- 第三十六条第六项 行政机关已就申请人提出的政府信息公开申请作出答复、申请人重复申请公开相同政府信息的，
-- 告知申请人不予重复处理。
steps[#steps + 1] = {
  id = "repeat",
  title = "重复申请",
  articles = { "第三十六条第六项" },
  outcomes = { "not_processed.repeat" },
  decide = function(a)
    if a["repeat"] then return "not_processed.repeat" end
  end,
}

-- 第三十五条 申请人申请公开政府信息的数量、频次明显超过合理范围……行政机关认为申请理由不合理的，
-- 告知申请人不予处理。
steps[#steps + 1] = {
  id = "excessive",
  title = "数量、频次明显超过合理范围且理由不合理",
  articles = { "第三十五条" },
  outcomes = { "not_processed.excessive" },
  decide = function(a)
    if a.excessive == "unreasonable" then return "not_processed.excessive" end
  end,
}

-- 《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）：申请人逾期未缴纳信息处理费的，视为放弃申请。
steps[#steps + 1] = {
  id = "fee",
  title = "逾期未缴纳信息处理费",
  articles = { "国办函〔2020〕109号" },
  outcomes = { "other.no_fee" },
  decide = function(a)
    if a.fee_status == "not_paid" then return "other.no_fee" end
  end,
}

-- 第三十六条第四项 经检索没有所申请公开信息的，告知申请人该政府信息不存在；
-- 第三十六条第五项 所申请公开信息不属于本行政机关负责公开的，告知申请人并说明理由。
steps[#steps + 1] = {
  id = "holder",
  title = "本机关不掌握：信息不存在或非本机关负责",
  articles = { "第三十六条第四项", "第三十六条第五项" },
  outcomes = { "unavailable.not_held" },
  decide = function(a)
    local h = a.holder
    if h == "not_exist" or h == "other_agency" then return "unavailable.not_held" end
  end,
}

-- 第三十六条第一项 所申请公开信息已经主动公开的，告知申请人获取该政府信息的方式、途径。
steps[#steps + 1] = {
  id = "already_public",
  title = "已主动公开",
  articles = { "第三十六条第一项" },
  outcomes = { "disclosed" },
  decide = function(a)
    if a.already_public then return "disclosed" end
  end,
}

-- 第三十八条 ……需要行政机关对现有政府信息进行加工、分析的，行政机关可以不予提供。
-- 除依照本条例第三十七条的规定能够作区分处理的外。
steps[#steps + 1] = {
  id = "needs_processing",
  title = "需要另行加工、分析",
  articles = { "第三十八条", "第三十七条" },
  outcomes = { "unavailable.needs_creation", "partial" },
  decide = function(a)
    if a.needs_processing then
      if a.separable then return "partial" end
      return "unavailable.needs_creation"
    end
  end,
}

-- 第十四条 依法确定为国家秘密的政府信息，法律、行政法规禁止公开的政府信息，以及公开后可能危及国家安全、
-- 公共安全、经济安全、社会稳定的政府信息，不予公开。
-- 第十五条 涉及商业秘密、个人隐私等公开会对第三方合法权益造成损害的政府信息，行政机关不得公开。但是，
-- 第三方同意公开或者行政机关认为不公开会对公共利益造成重大影响的，予以公开。
-- 第十六条 行政机关的内部事务信息……可以不予公开。……过程性信息以及行政执法案卷信息，可以不予公开。
-- 第三十二条 ……第三方逾期未提出意见的，由行政机关依照本条例的规定决定是否公开。第三方不同意公开且有
-- 合理理由的，行政机关不予公开。
-- 第三十七条 申请公开的信息中含有不应当公开……的内容，但是能够作区分处理的，行政机关应当向申请人提供
-- 可以公开的政府信息内容。
local ground_order = {
  "state_secret", "prohibited_by_law", "security_stability", "third_party",
  "internal_affairs", "process_info", "enforcement_file",
}

-- The grounds that remain after 第十五条 and 第三十二条 are applied, as a set.
local function remaining_grounds(a)
  local set, any = {}, false
  local listed = a.grounds
  if listed then
    for i = 1, #listed do set[listed[i]] = true; any = true end
  end
  if a.third_party == "objects" then set.third_party = true; any = true end
  if set.third_party and (a.third_party == "consents" or a.public_interest) then
    set.third_party = nil
    any = false
    for i = 1, #ground_order do
      if set[ground_order[i]] then any = true; break end
    end
  end
  return set, any
end

steps[#steps + 1] = {
  id = "exemptions",
  title = "不予公开情形（第十四、十五、十六条）",
  articles = { "第十四条", "第十五条", "第十六条", "第三十二条", "第三十七条" },
  outcomes = { "partial", "withheld.state_secret", "withheld.prohibited_by_law",
               "withheld.security_stability", "withheld.third_party", "withheld.internal_affairs",
               "withheld.process_info", "withheld.enforcement_file" },
  -- The grounds it withholds on, in ground_order (the reasons a letter gives: rules/letters.lua).
  grounds = function(a)
    local set = remaining_grounds(a)
    local list = {}
    for i = 1, #ground_order do
      if set[ground_order[i]] then list[#list + 1] = ground_order[i] end
    end
    return list
  end,
  decide = function(a)
    local set, any = remaining_grounds(a)
    if not any then return nil end
    if a.separable then return "partial" end
    for i = 1, #ground_order do
      local g = ground_order[i]
      if set[g] then return "withheld." .. g end
    end
  end,
}

-- 第三十六条第二项 所申请公开信息可以公开的，向申请人提供该政府信息……
steps[#steps + 1] = {
  id = "disclose",
  title = "予以公开",
  articles = { "第三十六条第二项" },
  outcomes = { "disclosed" },
  decide = function(a)
    return "disclosed"
  end,
}

return steps
