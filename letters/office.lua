-- 机关信息（the office's own particulars, printed in its letters）
--
-- govrules letters fills these into the templates of this folder. A field a template or the
-- appeal rules need and that is missing here is an error naming it: a letter never goes out with
-- a blank where the office's name, telephone or the reconsideration body should be.
return {
  -- 发文机关署名与机关标志
  name = "云溪县人民政府办公室",
  -- 文号：{年} 是文书日期的年份，{号} 是序号。govrules 不编序号：{号} 留空，由经办人填写或盖章时加注；
  -- 台账“答复文号”列填写了的，答复书用台账中的文号。
  number_pattern = "云政办公开〔{年}〕{号}号",
  contact = "李明",
  phone = "0871-6612345",
  address = "云溪县城关镇人民路1号县政府办公大楼302室（邮编 650100）",

  -- 救济途径（rules/appeal.lua 按文书日期选用）
  -- 2024年1月1日起：本级人民政府（行政复议法第二十四条）；垂直领导的机关在此写上一级机关。
  review_body = "云溪县人民政府",
  -- 2024年1月1日以前：申请人可选择本级人民政府或者上一级主管部门。
  government = "云溪县人民政府",
  superior = "云州市人民政府办公室",
  court = "云溪县人民法院",

  -- 本机关给出的期限（条例只要求“合理”，由机关确定）
  correction_period = "15个工作日",
  reasons_period = "15个工作日",
  fee_payment = "通过云溪县政务服务网“非税缴费”栏目在线缴纳，或到县政务服务中心一楼财政窗口缴纳",
}
