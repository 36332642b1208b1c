-- 申请登记台账的列定义（ledger schema）
--
-- The host reads this table once at start-up and validates every ledger row against it, so an
-- office can rename a header or add an alias here without recompiling. Canonical keys and
-- Chinese headers come from the ledger contract (shared/spec/records.md) and must keep working.
--
-- Fields of a column:
--   key      English key; the name the rules use (app.received)
--   header   Chinese header as clerks write it
--   aliases  other accepted headers (matched ignoring spaces, case and full/half-width brackets)
--   type     text | date | bool | enum | list | integer | outcome
--   required true when every row must fill it
--   default  value used when the cell is empty (enums: the English key)
--   values   for enum/list: { {"中文", "english"}, ... } in the order shown in messages
--   after    for dates: the column this date may not precede (a consistency check)

local ledger = {}

-- 序号 (a running row number) is never 申请编号: the host keeps it as a passthrough column.
ledger.columns = {
  { key = "id", header = "申请编号", aliases = { "编号" }, type = "text", required = true },
  { key = "received", header = "收到日期", aliases = { "收到申请日期", "受理日期" }, type = "date", required = true },
  { key = "applicant_type", header = "申请人类型", type = "enum", required = true,
    values = { { "自然人", "natural_person" }, { "商业企业", "business" }, { "科研机构", "research" },
               { "社会公益组织", "nonprofit" }, { "法律服务机构", "legal_service" }, { "其他", "other_org" } } },
  { key = "channel", header = "申请方式", type = "enum",
    values = { { "当面", "in_person" }, { "邮寄", "mail" }, { "平信", "ordinary_mail" }, { "网络", "online" },
               { "传真", "fax" }, { "电子邮件", "email" }, { "其他", "other" } } },
  { key = "applicant", header = "申请人", type = "text" },
  { key = "subject", header = "申请内容", type = "text" },
  { key = "nature", header = "申请性质", type = "enum", default = "ogi",
    values = { { "政府信息公开", "ogi" }, { "信访举报投诉", "petition" }, { "公开出版物", "publication" },
               { "确认或重新出具", "confirmation" }, { "业务查询", "query" } } },
  { key = "repeat", header = "重复申请", type = "bool" },
  { key = "excessive", header = "数量频次明显超过合理范围", type = "enum", default = "no",
    values = { { "否", "no" }, { "理由不合理", "unreasonable" }, { "理由合理", "reasonable" } } },
  { key = "agreed_due", header = "延迟答复期限", type = "date" },
  { key = "correction", header = "补正情况", type = "enum", default = "none",
    values = { { "无需补正", "none" }, { "已补正", "corrected" }, { "逾期未补正", "not_corrected" },
               { "补正后仍不明确", "still_unclear" } } },
  { key = "correction_requested", header = "补正告知日期", type = "date", after = "received" },
  { key = "correction_received", header = "补正收到日期", type = "date", after = "correction_requested" },
  { key = "holder", header = "信息掌握情况", type = "enum", default = "held",
    values = { { "本机关掌握", "held" }, { "不存在", "not_exist" }, { "非本机关负责", "other_agency" } } },
  { key = "needs_processing", header = "需加工分析", type = "bool" },
  { key = "already_public", header = "已主动公开", type = "bool" },
  { key = "grounds", header = "不予公开情形", type = "list",
    values = { { "国家秘密", "state_secret" }, { "法律行政法规禁止", "prohibited_by_law" },
               { "三安全一稳定", "security_stability" }, { "第三方合法权益", "third_party" },
               { "内部事务信息", "internal_affairs" }, { "过程性信息", "process_info" },
               { "行政执法案卷", "enforcement_file" } } },
  { key = "separable", header = "可区分处理", type = "bool" },
  { key = "third_party", header = "第三方意见", type = "enum", default = "not_consulted",
    values = { { "未征求", "not_consulted" }, { "同意公开", "consents" }, { "不同意公开", "objects" },
               { "逾期未答复", "no_reply" } } },
  { key = "public_interest", header = "公共利益需要公开", type = "bool" },
  { key = "consult_start", header = "征求意见日期", type = "date", after = "received" },
  { key = "consult_end", header = "意见收到日期", type = "date", after = "consult_start" },
  { key = "extended", header = "延期答复", type = "bool" },
  { key = "extension_days", header = "延期工作日数", type = "integer" },
  { key = "fee_notice", header = "收费通知日期", type = "date", after = "received" },
  { key = "fee_paid", header = "缴费日期", type = "date", after = "fee_notice" },
  { key = "fee_status", header = "缴费情况", type = "enum", default = "none",
    values = { { "无", "none" }, { "已缴费", "paid" }, { "逾期未缴", "not_paid" } } },
  -- 信息处理费, in 元 (国办函〔2020〕109号): the amount of the 收费通知书; the annual report sums it over
  -- the fees paid in the year ({{收费金额}}).
  { key = "fee_amount", header = "收费金额", aliases = { "信息处理费", "收费金额（元）", "信息处理费金额" }, type = "integer" },
  { key = "withdrawn", header = "申请人撤回", type = "bool" },
  { key = "replied", header = "办结日期", aliases = { "答复日期" }, type = "date", after = "received" },
  { key = "decision", header = "办理结果", type = "outcome" },
  -- 制发文书所需的列（govrules letters）。都可不填；某封文书要用到而为空时，那封文书不制发，并指明列名。
  { key = "applicant_address", header = "申请人通讯地址", aliases = { "通讯地址", "联系地址", "申请人地址" }, type = "text" },
  { key = "reply_number", header = "答复文号", aliases = { "答复书文号" }, type = "text" },
  { key = "responsible_agency", header = "负责公开机关", aliases = { "负责公开的机关" }, type = "text" },
  { key = "access", header = "获取方式", aliases = { "公开途径", "获取途径" }, type = "text" },
  { key = "correction_items", header = "补正事项", aliases = { "需补正事项" }, type = "text" },
  { key = "consulted", header = "征求意见对象", aliases = { "第三方名称", "被征求意见方" }, type = "text" },
  { key = "extension_notice", header = "延期告知日期", type = "date", after = "received" },
  { key = "reasons_requested", header = "说明理由告知日期", type = "date", after = "received" },
}

-- 行政复议、行政诉讼案件台账（table 四 of the annual report, shared/spec/decisions.md §5）
ledger.appeals_columns = {
  { key = "id", header = "案件编号", type = "text", required = true },
  { key = "request_id", header = "申请编号", type = "text" },
  { key = "kind", header = "案件类型", type = "enum", required = true,
    values = { { "行政复议", "review" }, { "行政诉讼", "litigation" } } },
  { key = "route", header = "起诉方式", type = "enum",
    values = { { "未经复议直接起诉", "direct" }, { "复议后起诉", "after_review" } } },
  { key = "filed", header = "受理日期", type = "date", required = true },
  { key = "result", header = "结果", type = "enum",
    values = { { "维持", "upheld" }, { "纠正", "corrected" }, { "其他", "other" } } },
  { key = "concluded", header = "审结日期", type = "date", after = "filed" },
}

-- 主动公开情况（table 二: one row per cell of the year's format, shared/spec/decisions.md §6）
ledger.proactive_columns = {
  { key = "item", header = "条目", type = "text", required = true },
  { key = "row", header = "信息内容", type = "text", required = true },
  { key = "column", header = "指标", type = "text", required = true },
  { key = "value", header = "数值", type = "text", required = true },
}

return ledger
