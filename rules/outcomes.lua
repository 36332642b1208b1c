-- 办理结果（outcome keys）
--
-- The shared vocabulary of the decision steps and the report formats
-- (shared/spec/decisions.md §1). `label` is the row of table 三 in the 2021 format
-- (国办公开办函〔2021〕30号); `label_2019` is the row in the 2019 format where it differs;
-- `basis` are the articles printed with a classification.

return {
  { key = "disclosed", label = "予以公开", basis = { "第三十六条第一、二项" } },
  { key = "partial", label = "部分公开", basis = { "第三十七条" } },
  { key = "withheld.state_secret", label = "属于国家秘密", basis = { "第十四条" } },
  { key = "withheld.prohibited_by_law", label = "其他法律行政法规禁止公开", basis = { "第十四条" } },
  { key = "withheld.security_stability", label = "危及“三安全一稳定”", basis = { "第十四条" } },
  { key = "withheld.third_party", label = "保护第三方合法权益", basis = { "第十五条", "第三十二条" } },
  { key = "withheld.internal_affairs", label = "属于三类内部事务信息", basis = { "第十六条第一款" } },
  { key = "withheld.process_info", label = "属于四类过程性信息", basis = { "第十六条第二款" } },
  { key = "withheld.enforcement_file", label = "属于行政执法案卷", basis = { "第十六条第二款" } },
  { key = "withheld.query_matter", label = "属于行政查询事项", basis = { "第三十六条第七项" } },
  { key = "unavailable.not_held", label = "本机关不掌握相关政府信息", basis = { "第三十六条第四、五项" } },
  { key = "unavailable.needs_creation", label = "没有现成信息需要另行制作", basis = { "第三十八条" } },
  { key = "unavailable.unclear", label = "补正后申请内容仍不明确", basis = { "第三十条" } },
  { key = "not_processed.petition", label = "信访举报投诉类申请", basis = { "第三十九条第一款" } },
  { key = "not_processed.repeat", label = "重复申请", basis = { "第三十六条第六项" } },
  { key = "not_processed.publication", label = "要求提供公开出版物", basis = { "第三十九条第二款" } },
  { key = "not_processed.excessive", label = "无正当理由大量反复申请", basis = { "第三十五条" } },
  { key = "not_processed.confirmation", label = "要求行政机关确认或重新出具已获取信息", basis = {} },
  { key = "other.no_correction", label = "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    label_2019 = "其他处理", basis = { "第三十条" } },
  { key = "other.no_fee", label = "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    label_2019 = "其他处理", basis = { "国办函〔2020〕109号" } },
  { key = "other.other", label = "其他", label_2019 = "其他处理", basis = {} },
}
