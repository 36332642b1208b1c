#!/usr/bin/env python3
"""Writes a realistic synthetic request ledger (申请登记台账) of any size, for benchmarks and tests.

    python3 scripts/gen-ledger.py --rows N --seed S [--headers zh|en] [--year 2024] [-o FILE]

The output follows shared/spec/records.md and is valid input for `govrules classify`:

- the same seed (and arguments) always gives the same bytes; rows are written one by one, so
  memory use does not grow with --rows;
- every outcome key of decisions.md §1 occurs, in roughly the proportions of a county-level
  office (most 予以公开; some 部分公开, 不予公开, 无法提供, 不予处理 and 其他); each block of 500 rows
  holds every one of the 21 keys at least once, so a ledger of 500 rows or more covers them all;
- every deadline path of decisions.md §3 occurs: corrections received and never received,
  consultations closed and still open, fee notices paid and unpaid, extensions with the default
  and an explicit number of days, article-35 agreed dates, replies on time and late, open
  applications pending, overdue and paused (about 15% of the rows are open: no 办结日期);
- only valid data: dates from the working-day calendar's years, replied >= received and every
  other date-order rule of records.md, extension_days within the regime's maximum, unique ids.
  A few rows carry what a real ledger carries and govrules reports as warnings (a recorded
  办理结果 that differs from the rules' result, a consultation longer than 15 working days).

Received dates spread over --year (default 2024) in ledger order; the "export date" is
10 January of the next year (`--as-of YYYY+1-01-10` is the natural date to classify against).
No event is dated after it. With --year 2026, the last calendar year, receipts stop at the end
of June and the export date is 2026-09-30 (classify --as-of 2026-09-30), so that every deadline,
paused ones included, still falls inside the calendar.

Working days come from rules/calendar/YYYY.lua (read with a regular expression: off/work dates),
so reply dates land on working days like real ones. Python 3 standard library only.
"""

import argparse
import itertools
import bisect
import csv
import datetime as dt
import io
import os
import random
import re
import sys

FIRST_YEAR, LAST_YEAR = 2018, 2026
REFORM_DAY = dt.date(2019, 5, 15).toordinal()

# (key, Chinese header) in rules/ledger.lua order, then the pass-through remarks column.
COLUMNS = [
    ("id", "申请编号"), ("received", "收到日期"), ("applicant_type", "申请人类型"),
    ("channel", "申请方式"), ("applicant", "申请人"), ("subject", "申请内容"),
    ("nature", "申请性质"), ("repeat", "重复申请"), ("excessive", "数量频次明显超过合理范围"),
    ("agreed_due", "延迟答复期限"), ("correction", "补正情况"),
    ("correction_requested", "补正告知日期"), ("correction_received", "补正收到日期"),
    ("holder", "信息掌握情况"), ("needs_processing", "需加工分析"), ("already_public", "已主动公开"),
    ("grounds", "不予公开情形"), ("separable", "可区分处理"), ("third_party", "第三方意见"),
    ("public_interest", "公共利益需要公开"), ("consult_start", "征求意见日期"),
    ("consult_end", "意见收到日期"), ("extended", "延期答复"), ("extension_days", "延期工作日数"),
    ("fee_notice", "收费通知日期"), ("fee_paid", "缴费日期"), ("fee_status", "缴费情况"),
    ("withdrawn", "申请人撤回"), ("replied", "办结日期"), ("decision", "办理结果"),
]
REMARKS = "备注"
KEYS = [k for k, _ in COLUMNS]

# Enum values (English key -> Chinese), as in rules/ledger.lua.
ZH = {
    "applicant_type": {"natural_person": "自然人", "business": "商业企业", "research": "科研机构",
                       "nonprofit": "社会公益组织", "legal_service": "法律服务机构", "other_org": "其他"},
    "channel": {"in_person": "当面", "mail": "邮寄", "ordinary_mail": "平信", "online": "网络",
                "fax": "传真", "email": "电子邮件", "other": "其他"},
    "nature": {"ogi": "政府信息公开", "petition": "信访举报投诉", "publication": "公开出版物",
               "confirmation": "确认或重新出具", "query": "业务查询"},
    "excessive": {"no": "否", "unreasonable": "理由不合理", "reasonable": "理由合理"},
    "correction": {"none": "无需补正", "corrected": "已补正", "not_corrected": "逾期未补正",
                   "still_unclear": "补正后仍不明确"},
    "holder": {"held": "本机关掌握", "not_exist": "不存在", "other_agency": "非本机关负责"},
    "grounds": {"state_secret": "国家秘密", "prohibited_by_law": "法律行政法规禁止",
                "security_stability": "三安全一稳定", "third_party": "第三方合法权益",
                "internal_affairs": "内部事务信息", "process_info": "过程性信息",
                "enforcement_file": "行政执法案卷"},
    "third_party": {"not_consulted": "未征求", "consents": "同意公开", "objects": "不同意公开",
                    "no_reply": "逾期未答复"},
    "fee_status": {"none": "无", "paid": "已缴费", "not_paid": "逾期未缴"},
}
GROUND_ORDER = ["state_secret", "prohibited_by_law", "security_stability", "third_party",
                "internal_affairs", "process_info", "enforcement_file"]

# Outcome keys with their 2021-format row labels and section numbering (decisions.md §1), and the
# weight (per mille, roughly) of each in a county-level office's year.
OUTCOMES = [
    ("disclosed", "（一）", "予以公开", 560),
    ("partial", "（二）", "部分公开", 85),
    ("withheld.state_secret", "（三）1.", "属于国家秘密", 3),
    ("withheld.prohibited_by_law", "（三）2.", "其他法律行政法规禁止公开", 8),
    ("withheld.security_stability", "（三）3.", "危及“三安全一稳定”", 5),
    ("withheld.third_party", "（三）4.", "保护第三方合法权益", 22),
    ("withheld.internal_affairs", "（三）5.", "属于三类内部事务信息", 10),
    ("withheld.process_info", "（三）6.", "属于四类过程性信息", 20),
    ("withheld.enforcement_file", "（三）7.", "属于行政执法案卷", 10),
    ("withheld.query_matter", "（三）8.", "属于行政查询事项", 20),
    ("unavailable.not_held", "（四）1.", "本机关不掌握相关政府信息", 85),
    ("unavailable.needs_creation", "（四）2.", "没有现成信息需要另行制作", 25),
    ("unavailable.unclear", "（四）3.", "补正后申请内容仍不明确", 10),
    ("not_processed.petition", "（五）1.", "信访举报投诉类申请", 35),
    ("not_processed.repeat", "（五）2.", "重复申请", 20),
    ("not_processed.publication", "（五）3.", "要求提供公开出版物", 5),
    ("not_processed.excessive", "（五）4.", "无正当理由大量反复申请", 5),
    ("not_processed.confirmation", "（五）5.", "要求行政机关确认或重新出具已获取信息", 7),
    ("other.no_correction", "（六）1.",
     "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", 20),
    ("other.no_fee", "（六）2.", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", 5),
    ("other.other", "（六）3.", "其他", 20),
]
OUTCOME_KEYS = [o[0] for o in OUTCOMES]
OUTCOME_CUM = list(itertools.accumulate(o[3] for o in OUTCOMES))
KINDS = ["natural_person", "business", "research", "nonprofit", "legal_service", "other_org"]
KIND_CUM = [70, 83, 86, 89, 95, 100]
CHANNELS = ["online", "mail", "ordinary_mail", "in_person", "email", "fax", "other", None]
CHANNEL_CUM = [52, 66, 69, 81, 91, 92, 95, 100]
BLOCK = 500  # every block of this many rows holds each outcome key at least once

# Outcomes that only exist once the application is closed: such a row is never left open.
CLOSING = {"other.no_correction", "other.no_fee", "other.other"}

# --- small word lists --------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程魏苏吕丁沈任姚卢钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤"
GIVEN = "建国秀英志强芳卫东丽华明海燕俊红梅永伟静德敏晓峰桂兰立新玉珍淑芬学文志远国庆小燕文华宏伟春林雪梅子豪欣怡浩然思雨婷宇轩佳琪明辉金凤振华长青"
COUNTY = "云溪县"
TOWNS = ["城关镇", "石桥镇", "柳林镇", "桃源乡", "青峰镇", "河湾乡", "白沙镇", "龙泉镇", "城东街道", "城南街道"]
VILLAGES = ["前进村", "河湾村", "新华村", "东风村", "红星村", "团结村", "光明村", "五里村", "杨柳村", "大坪村"]
BRANDS = ["宏达", "恒信", "鑫源", "天和", "顺达", "金穗", "华欣", "建工", "瑞丰", "众联", "长兴", "博远", "佳美", "盛世", "安泰"]
TRADES = ["建材有限公司", "房地产开发有限公司", "物流有限公司", "置业有限公司", "客运有限公司",
          "粮油贸易有限公司", "化工有限公司", "建设集团有限公司", "农业科技有限公司", "商贸有限公司"]
RESEARCH = ["云溪师范学院公共管理学院课题组", "云溪师范学院乡村振兴研究中心", "省社会科学院农村发展研究所",
            "省水利科学研究院农村供水课题组", "市委党校公共政策教研室", "省城乡规划设计研究院"]
NONPROFITS = ["云溪县绿源环保志愿者协会", "云溪县助残志愿者协会", "云溪县消费者协会", "云溪县老年人协会",
              "云溪县青年志愿者协会", "云溪县慈善总会"]
LAWFIRMS = ["云溪县正衡律师事务所", "云溪县明理律师事务所", "市金石律师事务所", "市德正律师事务所",
            "云溪县公信律师事务所"]
AGENCIES = ["县财政局", "县自然资源局", "县住建局", "县教育局", "县交通运输局", "县市场监管局",
            "县生态环境局", "县民政局", "县卫生健康局", "县水利局", "县农业农村局", "县人社局"]
TOPICS = [
    "{y}年度集体土地征收补偿安置方案", "控制性详细规划及批复", "{y}年财政预算执行情况",
    "{y}年道路维修工程结算审计报告", "老旧小区改造项目实施方案", "{y}年城乡低保对象名单",
    "建设工程规划许可证及附图", "{y}年农村集中式饮用水水源地水质监测报告", "房屋征收决定及补偿标准",
    "{y}年高标准农田建设项目招标文件及中标公告", "{y}年重大建设项目名单及投资计划",
    "棚户区改造项目被征收人补偿协议汇总表", "{y}年公开招聘工作人员面试成绩", "行政处罚决定书",
    "污染物排放在线监测数据", "{y}年涉农补贴资金发放明细", "学区划分方案", "供暖价格调整听证会材料",
    "国有建设用地使用权出让合同", "{y}年村集体资产清查结果", "危房改造补助对象名单",
    "环境影响评价报告书及审批意见", "{y}年政府工作报告起草征求意见稿", "河道采砂许可审批材料",
    "公交运营补贴发放明细", "殡葬设施建设规划", "{y}年度部门决算报告", "土地卫片执法检查整改方案",
]
REMARKS_BY_OUTCOME = {
    "disclosed": ["", "", "", "已邮寄答复书", "告知网站查阅路径", "已当面领取", "电子邮件送达"],
    "partial": ["隐去个人身份证号和银行账号", "删除商业秘密部分后提供", "提供可公开部分"],
    "withheld.third_party": ["涉及商业秘密", "第三方书面反对公开", "涉及个人隐私"],
    "unavailable.not_held": ["经检索未找到", "告知向{a}申请", "档案已移交县档案馆"],
    "not_processed.petition": ["已转县信访局", "告知通过信访渠道反映"],
    "not_processed.repeat": ["此前已答复同一申请人相同内容"],
    "other.no_correction": ["补正告知书要求明确文件名称，申请人逾期未补正"],
    "other.no_fee": ["按件计收信息处理费，申请人逾期未缴"],
    "other.other": ["申请人电话告知撤回", "申请人书面撤回"],
}
# Remarks that need RFC 4180 quoting (a comma, a quote, a line break).
QUOTED_REMARKS = [
    '申请人来电询问进度,已告知"正在办理"',
    "第一次补正告知未送达\n第二次告知已签收",
    '申请表"申请内容"一栏填写不全,已电话指导',
]

# --- the working-day calendar -------------------------------------------------------------------


def load_calendar(rules_dir):
    """Working days (date ordinals, ascending) from 2018-01-01 to 2026-12-31 per rules/calendar."""
    off, work = set(), set()
    date_re = re.compile(r'"(\d{4}-\d{2}-\d{2})"')
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        path = os.path.join(rules_dir, "calendar", f"{year}.lua")
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError:
            continue  # weekdays only for that year
        for m in re.finditer(r"off\s*=\s*\{([^}]*)\}(?:\s*,\s*work\s*=\s*\{([^}]*)\})?", text):
            ds = date_re.findall(m.group(1))
            if len(ds) == 2:
                a = dt.date.fromisoformat(ds[0]).toordinal()
                b = dt.date.fromisoformat(ds[1]).toordinal()
                off.update(range(a, b + 1))
            for w in date_re.findall(m.group(2) or ""):
                work.add(dt.date.fromisoformat(w).toordinal())
    lo = dt.date(FIRST_YEAR, 1, 1).toordinal()
    hi = dt.date(LAST_YEAR, 12, 31).toordinal()
    days = []
    for d in range(lo, hi + 1):
        if d in work or (d not in off and dt.date.fromordinal(d).weekday() < 5):
            days.append(d)
    return days


class Calendar:
    def __init__(self, workdays):
        self.w = workdays
        self.last = dt.date(LAST_YEAR, 12, 31).toordinal()

    def add(self, d, n):
        """The n-th working day after d (d itself not counted); n = 0 gives d."""
        if n <= 0:
            return d
        i = bisect.bisect_right(self.w, d) + n - 1
        return self.w[i] if i < len(self.w) else self.last + 1

    def is_workday(self, d):
        i = bisect.bisect_left(self.w, d)
        return i < len(self.w) and self.w[i] == d


# --- one row ------------------------------------------------------------------------------------


class Gen:
    def __init__(self, args, cal):
        self.r = random.Random(args.seed)
        self.cal = cal
        self.en = args.headers == "en"
        self.year = args.year
        self.n = args.rows
        self.width = max(3, len(str(args.rows)))
        self.first = dt.date(args.year, 1, 1).toordinal()
        if args.year == LAST_YEAR:
            # The calendar ends with this year: keep every deadline, paused ones included, inside it.
            last, export = dt.date(args.year, 6, 30), dt.date(args.year, 9, 30)
        else:
            last, export = dt.date(args.year, 12, 31), dt.date(args.year + 1, 1, 10)
        self.span = last.toordinal() - self.first + 1
        self.cutoff = export.toordinal()
        self.reserved = {}

    # Formatting ------------------------------------------------------------------------------

    def date(self, d):
        if d is None:
            return ""
        x = dt.date.fromordinal(d)
        if self.r.random() < 0.1:
            return f"{x.year}/{x.month}/{x.day}"
        return x.isoformat()

    def enum(self, col, key, default=None):
        """An enum cell; the default value is usually left empty, sometimes written out."""
        if key is None or (key == default and self.r.random() < 0.9):
            return ""
        if self.en:
            return key if self.r.random() < 0.8 else ZH[col][key]
        return ZH[col][key] if self.r.random() < 0.97 else key

    def yes(self):
        if self.en:
            return self.r.choice(["Y", "Y", "yes", "true", "1", "是"])
        return self.r.choice(["是", "是", "是", "是", "√", "Y"])

    def no_or_empty(self):
        if self.r.random() < 0.97:
            return ""
        return "N" if self.en else "否"

    def grounds(self, keys):
        if not keys:
            return ""
        if self.en:
            return self.r.choice([";", "; ", ","]).join(keys)
        return self.r.choice(["、", "；", "、"]).join(ZH["grounds"][k] for k in keys)

    def decision(self, key):
        r = self.r.random()
        if r < 0.08:
            return ""  # not recorded
        if r < 0.083:  # a clerk's slip: the recorded decision differs from the rules' result
            key = self.r.choice([k for k in OUTCOME_KEYS if k != key])
        _, num, label, _ = OUTCOMES[OUTCOME_KEYS.index(key)]
        if self.en and self.r.random() < 0.7:
            return key
        if key == "other.other":
            return self.r.choice(["其他", "其他处理", "（六）3.其他"])
        return num + label if self.r.random() < 0.4 else label

    # Names and subjects ----------------------------------------------------------------------

    def person(self):
        return self.r.choice(SURNAMES) + "".join(self.r.choice(GIVEN) for _ in range(self.r.choice((1, 2, 2))))

    def applicant(self, kind):
        r = self.r
        if kind == "natural_person":
            return self.person()
        if kind == "business":
            return COUNTY + r.choice(BRANDS) + r.choice(TRADES)
        if kind == "research":
            return r.choice(RESEARCH)
        if kind == "nonprofit":
            return r.choice(NONPROFITS)
        if kind == "legal_service":
            return r.choice(LAWFIRMS)
        return r.choice(TOWNS) + r.choice(VILLAGES).replace("村", "村民委员会")

    def subject(self, outcome):
        r = self.r
        y = self.year - r.choice((0, 1, 1, 2))
        if outcome == "not_processed.petition":
            return f"要求查处{r.choice(TOWNS)}{r.choice(VILLAGES)}干部{r.choice(['侵占集体资金', '违规发放补贴', '违法占地'])}问题"
        if outcome == "not_processed.publication":
            return f"《云溪年鉴（{y}）》一册"
        if outcome == "not_processed.confirmation":
            return f"本人{y}年已获取的{r.choice(['宅基地审批表', '征收补偿协议', '低保审批表'])}，要求重新出具并加盖公章"
        if outcome == "withheld.query_matter":
            return f"{r.choice(TOWNS)}某商铺的不动产登记信息（权利人、抵押情况）"
        topic = r.choice(TOPICS).format(y=y)
        where = r.choice([r.choice(TOWNS), r.choice(TOWNS) + r.choice(VILLAGES), r.choice(AGENCIES), COUNTY])
        s = where + topic
        if r.random() < 0.02:
            s += "（含附件1,2）"  # an ASCII comma: the field needs quoting
        return s

    def remark(self, outcome):
        r = self.r
        x = r.random()
        if x < 0.004:
            return r.choice(QUOTED_REMARKS)
        if x < 0.35:
            return r.choice(REMARKS_BY_OUTCOME.get(outcome, [""])).format(a=r.choice(AGENCIES))
        return ""

    # The row -----------------------------------------------------------------------------------

    def pick_outcome(self, i):
        if i % BLOCK == 0:
            positions = self.r.sample(range(BLOCK), len(OUTCOME_KEYS))
            self.reserved = {i + p: k for p, k in zip(positions, OUTCOME_KEYS)}
        k = self.reserved.get(i)
        return k if k is not None else self.r.choices(OUTCOME_KEYS, cum_weights=OUTCOME_CUM)[0]

    def received(self, i, channel):
        frac = (i + self.r.random()) / self.n
        d = self.first + min(self.span - 1, int(frac * self.span))
        # The legal date of receipt of a posted or handed-in application is a working day;
        # online applications keep the date the system confirmed.
        if channel not in ("online", "email") and not self.cal.is_workday(d):
            nxt = self.cal.add(d, 1)
            if nxt < self.first + self.span:
                return nxt
        return d

    def row(self, i):
        r, cal = self.r, self.cal
        a = {k: None for k in KEYS}
        outcome = self.pick_outcome(i)
        kind = r.choices(KINDS, cum_weights=KIND_CUM)[0]
        if outcome == "other.no_fee" and r.random() < 0.6:
            kind = "business"
        channel = r.choices(CHANNELS, cum_weights=CHANNEL_CUM)[0]
        received = self.received(i, channel)
        regime = 2008 if received < REFORM_DAY else 2019
        limit = 15 if regime == 2008 else 20
        max_ext = limit

        f = {}  # facts, English keys (bools True, dates ordinals)
        grounds = []
        consult = None      # "third_party" | "agency"
        tp = None           # third_party opinion
        fee = None          # "paid" | "not_paid"
        correction = None   # "corrected" | "not_corrected" | "still_unclear" | "withdrawn_before"
        quick = False       # not_processed and similar replies come quickly

        if outcome == "disclosed":
            v = r.random()
            if v < 0.25:
                f["already_public"] = True
            elif v < 0.30:
                grounds, tp, consult = ["third_party"], "consents", "third_party"
            elif v < 0.32:
                grounds, tp, consult, f["public_interest"] = ["third_party"], r.choice(["objects", "no_reply", None]), "third_party", True
                if tp is None:
                    consult = None
            elif v < 0.35:
                tp, consult = "no_reply", "third_party"
            elif v < 0.40:
                consult = "agency"
        elif outcome == "partial":
            v = r.random()
            f["separable"] = True
            if v < 0.15:
                f["needs_processing"] = True
            elif v < 0.30:
                tp, consult = "objects", "third_party"
            else:
                first = r.choices(GROUND_ORDER, [2, 6, 4, 40, 10, 25, 13])[0]
                grounds = [first]
                if first == "third_party" and r.random() < 0.4:
                    tp, consult = r.choice(["objects", "no_reply"]), "third_party"
        elif outcome.startswith("withheld.") and outcome != "withheld.query_matter":
            g = outcome.split(".", 1)[1]
            grounds = [g]
            later = GROUND_ORDER[GROUND_ORDER.index(g) + 1:]
            if later and r.random() < 0.15:
                grounds.append(r.choice(later))
                if grounds[-1] == "third_party":
                    grounds.pop()  # keep third_party out unless consulted below
            if g == "third_party":
                v = r.random()
                if v < 0.35:
                    tp, consult = "objects", "third_party"
                    if r.random() < 0.3:
                        grounds = []  # the objection alone
                elif v < 0.55:
                    tp, consult = "no_reply", "third_party"
            elif r.random() < 0.1:
                consult = "agency"
            if r.random() < 0.15:
                f["separable"] = False
        elif outcome == "withheld.query_matter":
            f["nature"], quick = "query", True
        elif outcome == "unavailable.not_held":
            f["holder"] = "not_exist" if r.random() < 0.45 else "other_agency"
            if r.random() < 0.05:
                f["already_public"] = True
            quick = r.random() < 0.5
        elif outcome == "unavailable.needs_creation":
            f["needs_processing"] = True
            if r.random() < 0.2:
                f["separable"] = False
        elif outcome == "unavailable.unclear":
            correction = "still_unclear"
        elif outcome == "not_processed.petition":
            f["nature"], quick = "petition", True
            if r.random() < 0.1:
                f["repeat"] = True
        elif outcome == "not_processed.repeat":
            f["repeat"], quick = True, True
            if r.random() < 0.15:
                f["excessive"] = "unreasonable"
        elif outcome == "not_processed.publication":
            f["nature"], quick = "publication", True
        elif outcome == "not_processed.excessive":
            f["excessive"], quick = "unreasonable", True
        elif outcome == "not_processed.confirmation":
            f["nature"], quick = "confirmation", True
        elif outcome == "other.no_correction":
            correction = "not_corrected"
        elif outcome == "other.no_fee":
            fee = "not_paid"
        elif outcome == "other.other":
            f["withdrawn"] = True
            quick = True
            if r.random() < 0.15:
                correction = "withdrawn_before"

        # Deadline features that do not change the outcome.
        substantive = outcome in ("disclosed", "partial", "unavailable.needs_creation") or (
            outcome.startswith("withheld.") and outcome != "withheld.query_matter")
        if correction is None and not quick and outcome != "other.no_fee" and r.random() < 0.05:
            correction = "corrected"
        if fee is None and outcome in ("disclosed", "partial") and r.random() < 0.03:
            fee = "paid"
        if consult is None and substantive and r.random() < 0.02:
            consult = "agency"
        if tp is not None:
            f["third_party"] = tp
        ext_kind = None
        if substantive and r.random() < 0.05:
            ext_kind = r.choice(["default", "default", "explicit", "explicit", "days_only"])
        agreed = None
        if substantive and r.random() < 0.008:
            f["excessive"] = "reasonable"
            agreed = r.random() < 0.8
        late = r.random() < (0.01 if quick else 0.045)

        # The timeline ------------------------------------------------------------------------
        start = received
        if correction in ("corrected", "not_corrected", "still_unclear", "withdrawn_before"):
            late_notice = r.random() < 0.02
            req = cal.add(received, r.randint(8, 10) if late_notice else r.randint(1, 7))
            f["correction_requested"] = req
            if correction in ("corrected", "still_unclear"):
                f["correction"] = correction
                start = req + r.randint(1, 14)
                f["correction_received"] = start
            elif correction == "not_corrected":
                f["correction"] = "not_corrected"
        stuck = None
        ext = 0
        if ext_kind:
            ext = max_ext if ext_kind == "default" else r.randint(5, max_ext)
            if ext_kind in ("default", "explicit"):
                f["extended"] = True
            if ext_kind in ("explicit", "days_only"):
                f["extension_days"] = ext
        # Working days of work, of consultation and of waiting for the fee, chained from start.
        if quick:
            k = r.randint(1, 8)
        else:
            k = min(limit + ext, max(1, int(r.triangular(3, limit + ext + 1, limit * 0.6))))
        if late:
            k = limit + ext + r.randint(1, 15)
        t = start
        if correction == "not_corrected":
            replied = cal.add(f["correction_requested"], r.randint(16, 25))
        elif correction == "withdrawn_before":
            replied = cal.add(f["correction_requested"], r.randint(1, 6))
        elif agreed is not None and agreed:
            f["agreed_due"] = cal.add(start, r.randint(30, 60))
            span = 0 if not late else r.randint(1, 10)
            replied = cal.add(f["agreed_due"], span) if late else cal.add(start, r.randint(10, 29))
        else:
            a1 = r.randint(1, max(1, min(k - 1, 6))) if (consult or fee) else 0
            t = cal.add(start, a1)
            if consult:
                f["consult_start"] = t
                c = r.randint(3, 15) if r.random() > 0.02 else r.randint(16, 18)
                t = cal.add(t, c)
                f["consult_end"] = t
            if fee:
                ft = cal.add(t, r.randint(0, 2)) if t > start else t
                f["fee_notice"] = ft
                if fee == "paid":
                    t = cal.add(ft, r.randint(1, 15))
                    f["fee_paid"] = t
                    f["fee_status"] = "paid"
                else:
                    t = cal.add(ft, r.randint(20, 23))
                    f["fee_status"] = "not_paid"
            replied = cal.add(t, max(1, k - a1))
        if consult == "third_party" and tp is None:
            f["third_party"] = "consents" if grounds == ["third_party"] else "no_reply"

        # Open applications: those whose reply would come after the export date, and some stuck
        # ones (overdue, or paused: waiting for a correction, an opinion or a fee).
        open_ = replied > self.cutoff
        if not open_ and outcome not in CLOSING and r.random() < 0.135:
            open_ = True
            stuck = r.choices(["plain", "correction", "consult", "fee"], [45, 20, 20, 15])[0]
        if outcome in CLOSING and open_:
            # Closed only once the time for it has run out: until then the application is open
            # with the facts known so far (correction asked, fee notice sent, withdrawal pending).
            f.pop("correction", None)
            f.pop("fee_status", None)
            f.pop("withdrawn", None)
        if open_:
            replied = None
            if stuck == "correction" and "correction_requested" not in f and received <= self.cutoff:
                f["correction_requested"] = cal.add(received, r.randint(1, 7))
                f.pop("correction_received", None)
                f.pop("correction", None)
            elif stuck == "consult" and "consult_start" not in f:
                f["consult_start"] = cal.add(start, r.randint(1, 6))
                f.pop("consult_end", None)
            elif stuck == "fee" and "fee_notice" not in f:
                f["fee_notice"] = cal.add(start, r.randint(2, 8))
            # Nothing is dated after the export date: later events have not happened yet.
            for key in ("correction_requested", "correction_received", "consult_start", "consult_end",
                        "fee_notice", "fee_paid"):
                if f.get(key) is not None and f[key] > self.cutoff:
                    f.pop(key)
            if "correction_requested" not in f:
                f.pop("correction_received", None)
                if f.get("correction") == "still_unclear" or f.get("correction") == "corrected":
                    f.pop("correction")
            elif "correction_received" not in f and f.get("correction") in ("corrected", "still_unclear"):
                f.pop("correction")
            if "consult_start" not in f:
                f.pop("consult_end", None)
            if "fee_notice" not in f:
                f.pop("fee_paid", None)
                if f.get("fee_status") == "paid":
                    f.pop("fee_status")
            elif "fee_paid" not in f and f.get("fee_status") == "paid":
                f.pop("fee_status")
        elif consult and r.random() < 0.01:
            f.pop("consult_end", None)  # closed, end of consultation not recorded: pause runs to the reply

        # The cells ---------------------------------------------------------------------------
        a["id"] = f"{self.year}-{i + 1:0{self.width}d}"
        a["received"] = self.date(received)
        a["applicant_type"] = self.enum("applicant_type", kind)
        a["channel"] = self.enum("channel", channel)
        a["applicant"] = self.applicant(kind)
        a["subject"] = self.subject(outcome)
        a["nature"] = self.enum("nature", f.get("nature", "ogi"), "ogi")
        a["repeat"] = self.yes() if f.get("repeat") else self.no_or_empty()
        a["excessive"] = self.enum("excessive", f.get("excessive", "no"), "no")
        a["agreed_due"] = self.date(f.get("agreed_due"))
        a["correction"] = self.enum("correction", f.get("correction", "none"), "none")
        a["correction_requested"] = self.date(f.get("correction_requested"))
        a["correction_received"] = self.date(f.get("correction_received"))
        a["holder"] = self.enum("holder", f.get("holder", "held"), "held")
        a["needs_processing"] = self.yes() if f.get("needs_processing") else self.no_or_empty()
        a["already_public"] = self.yes() if f.get("already_public") else self.no_or_empty()
        a["grounds"] = self.grounds(grounds)
        sep = f.get("separable")
        a["separable"] = self.yes() if sep else ("N" if self.en else "否") if sep is False else self.no_or_empty()
        a["third_party"] = self.enum("third_party", f.get("third_party", "not_consulted"), "not_consulted")
        a["public_interest"] = self.yes() if f.get("public_interest") else ""
        a["consult_start"] = self.date(f.get("consult_start"))
        a["consult_end"] = self.date(f.get("consult_end"))
        a["extended"] = self.yes() if f.get("extended") else ""
        a["extension_days"] = str(f["extension_days"]) if "extension_days" in f else ""
        a["fee_notice"] = self.date(f.get("fee_notice"))
        a["fee_paid"] = self.date(f.get("fee_paid"))
        a["fee_status"] = self.enum("fee_status", f.get("fee_status", "none"), "none")
        a["withdrawn"] = self.yes() if f.get("withdrawn") else self.no_or_empty()
        a["replied"] = self.date(replied)
        a["decision"] = self.decision(outcome) if replied is not None else ""
        return [a[k] for k in KEYS] + [self.remark(outcome)]


def main(argv=None):
    p = argparse.ArgumentParser(description="Write a synthetic 申请登记台账 CSV (see the module docstring).")
    p.add_argument("--rows", type=int, required=True, help="number of applications")
    p.add_argument("--seed", type=int, required=True, help="random seed (same seed, same bytes)")
    p.add_argument("--headers", choices=["zh", "en"], default="zh", help="Chinese headers (default) or English keys")
    p.add_argument("--year", type=int, default=2024, help="year the applications were received (default 2024)")
    p.add_argument("--rules", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "rules"),
                   help="rules folder whose calendar/ gives the working days (default: ../rules)")
    p.add_argument("-o", "--output", help="output file (default: standard output)")
    args = p.parse_args(argv)
    if args.rows < 0:
        p.error("--rows must be >= 0")
    if not FIRST_YEAR <= args.year <= LAST_YEAR:
        p.error(f"--year must be within the calendar's years {FIRST_YEAR}-{LAST_YEAR}")

    gen = Gen(args, Calendar(load_calendar(args.rules)))
    if args.output:
        out = open(args.output, "w", encoding="utf-8", newline="")
    else:
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=False)
    try:
        w = csv.writer(out, lineterminator="\r\n")
        w.writerow([k if args.headers == "en" else h for k, h in COLUMNS] + [REMARKS])
        for i in range(args.rows):
            w.writerow(gen.row(i))
    finally:
        out.flush()
        if args.output:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
