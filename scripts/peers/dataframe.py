#!/usr/bin/env python3
"""dataframe.py: the classification a data analyst would write on polars + numpy, for `make bench`.

    python scripts/peers/dataframe.py HOLIDAYS.json LEDGER.csv AS_OF > classified.csv

Written straight from shared/spec/decisions.md §2 (the decision procedure) and §3 (deadlines),
without loading rules/: the ledger is read whole into a polars DataFrame of strings, each column
is parsed with vectorised expressions, the decision is one `when/then` chain, and every deadline
is computed for all rows at once with numpy on day numbers (polars dates are days since
1970-01-01). Working days are a prefix-sum array built once from the State Council holiday notices
(Tests/data/holidays.json), so "the n-th working day after d" is `nth[cum[d] + n]` for a whole
column. The output has govrules' columns (input columns, then outcome, outcome_label, basis,
recorded, regime, start, due, final_due, status, warnings, step); scripts/compare-outputs.py
compares them row by row. `make bench` installs polars and numpy into bench-data/venv.
"""

import datetime as dt
import json
import sys

import numpy as np
import polars as pl

HEADERS = {
    "id": ["申请编号", "编号", "序号"], "received": ["收到日期", "收到申请日期", "受理日期"],
    "applicant_type": ["申请人类型"], "nature": ["申请性质"], "repeat": ["重复申请"],
    "excessive": ["数量频次明显超过合理范围"], "agreed_due": ["延迟答复期限"], "correction": ["补正情况"],
    "correction_requested": ["补正告知日期"], "correction_received": ["补正收到日期"],
    "holder": ["信息掌握情况"], "needs_processing": ["需加工分析"], "already_public": ["已主动公开"],
    "grounds": ["不予公开情形"], "separable": ["可区分处理"], "third_party": ["第三方意见"],
    "public_interest": ["公共利益需要公开"], "consult_start": ["征求意见日期"], "consult_end": ["意见收到日期"],
    "extended": ["延期答复"], "extension_days": ["延期工作日数"], "fee_notice": ["收费通知日期"],
    "fee_paid": ["缴费日期"], "fee_status": ["缴费情况"], "withdrawn": ["申请人撤回"],
    "replied": ["办结日期", "答复日期"], "decision": ["办理结果"],
}
DATES = ["received", "agreed_due", "correction_requested", "correction_received", "consult_start",
         "consult_end", "fee_notice", "fee_paid", "replied"]
BOOLS = ["repeat", "needs_processing", "already_public", "separable", "public_interest", "extended", "withdrawn"]
ENUMS = {
    "nature": ({"政府信息公开": "ogi", "信访举报投诉": "petition", "公开出版物": "publication",
                "确认或重新出具": "confirmation", "业务查询": "query"}, "ogi"),
    "excessive": ({"否": "no", "理由不合理": "unreasonable", "理由合理": "reasonable"}, "no"),
    "correction": ({"无需补正": "none", "已补正": "corrected", "逾期未补正": "not_corrected",
                    "补正后仍不明确": "still_unclear"}, "none"),
    "holder": ({"本机关掌握": "held", "不存在": "not_exist", "非本机关负责": "other_agency"}, "held"),
    "third_party": ({"未征求": "not_consulted", "同意公开": "consents", "不同意公开": "objects",
                     "逾期未答复": "no_reply"}, "not_consulted"),
    "fee_status": ({"无": "none", "已缴费": "paid", "逾期未缴": "not_paid"}, "none"),
}
GROUNDS = [("state_secret", "国家秘密"), ("prohibited_by_law", "法律行政法规禁止"),
           ("security_stability", "三安全一稳定"), ("third_party", "第三方合法权益"),
           ("internal_affairs", "内部事务信息"), ("process_info", "过程性信息"), ("enforcement_file", "行政执法案卷")]
TRUE = ["是", "√", "Y", "y", "yes", "true", "1"]
FALSE = ["否", "N", "n", "no", "false", "0"]
OUTCOMES = [  # decisions.md §1: key, label (2021 format), basis
    ("disclosed", "予以公开", "第三十六条第一、二项"), ("partial", "部分公开", "第三十七条"),
    ("withheld.state_secret", "属于国家秘密", "第十四条"),
    ("withheld.prohibited_by_law", "其他法律行政法规禁止公开", "第十四条"),
    ("withheld.security_stability", "危及“三安全一稳定”", "第十四条"),
    ("withheld.third_party", "保护第三方合法权益", "第十五条；第三十二条"),
    ("withheld.internal_affairs", "属于三类内部事务信息", "第十六条第一款"),
    ("withheld.process_info", "属于四类过程性信息", "第十六条第二款"),
    ("withheld.enforcement_file", "属于行政执法案卷", "第十六条第二款"),
    ("withheld.query_matter", "属于行政查询事项", "第三十六条第七项"),
    ("unavailable.not_held", "本机关不掌握相关政府信息", "第三十六条第四、五项"),
    ("unavailable.needs_creation", "没有现成信息需要另行制作", "第三十八条"),
    ("unavailable.unclear", "补正后申请内容仍不明确", "第三十条"),
    ("not_processed.petition", "信访举报投诉类申请", "第三十九条第一款"),
    ("not_processed.repeat", "重复申请", "第三十六条第六项"),
    ("not_processed.publication", "要求提供公开出版物", "第三十九条第二款"),
    ("not_processed.excessive", "无正当理由大量反复申请", "第三十五条"),
    ("not_processed.confirmation", "要求行政机关确认或重新出具已获取信息", ""),
    ("other.no_correction", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "第三十条"),
    ("other.no_fee", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "国办函〔2020〕109号"),
    ("other.other", "其他", ""),
]
NONE = np.int64(-(1 << 40))   # an empty date, as a day number


def day(s):
    return (dt.date.fromisoformat(s) - dt.date(1970, 1, 1)).days


def working_days(path):
    """cum[d - lo] = working days in [lo, d]; nth[k] = the k-th working day (1-based)."""
    with open(path, encoding="utf-8") as f:
        notices = json.load(f)
    years = sorted(int(y) for y in notices)
    lo, hi = day(f"{years[0]}-01-01"), day(f"{years[-1]}-12-31")
    days = np.arange(lo, hi + 1)
    working = (days + 3) % 7 < 5
    for y in notices.values():
        for d in y.get("weekday_days_off", []):
            if lo <= day(d) <= hi:
                working[day(d) - lo] = False
        for d in y.get("weekend_workdays", []):
            if lo <= day(d) <= hi:
                working[day(d) - lo] = True
    cum = np.cumsum(working)
    nth = np.concatenate(([0], days[working]))
    return lo, hi, cum, nth


def main(argv):
    if len(argv) != 4:
        print("usage: dataframe.py HOLIDAYS.json LEDGER.csv AS_OF > out.csv", file=sys.stderr)
        return 64
    lo, hi, cum, nth = working_days(argv[1])
    as_of = day(argv[3])

    raw = pl.read_csv(argv[2], infer_schema=False, encoding="utf8-lossy")
    names = {h.strip().lstrip("\ufeff"): h for h in raw.columns}
    col = {}
    for key, heads in HEADERS.items():
        for h in [key] + heads:
            if h in names:
                col[key] = pl.col(names[h]).str.strip_chars()
    cell = lambda k: col.get(k, pl.lit(None, dtype=pl.String))

    exprs = []
    for k in DATES:
        exprs.append(cell(k).str.replace_all(r"[/.年月]", "-").str.replace("日$", "")
                     .str.strptime(pl.Date, "%Y-%m-%d", strict=False).cast(pl.Int64).alias(k))
    for k in BOOLS:
        c = cell(k)
        exprs.append(pl.when(c.is_in(TRUE)).then(True).when(c.is_in(FALSE)).then(False).otherwise(None).alias(k))
    for k, (zh, default) in ENUMS.items():
        mapping = dict(zh)
        mapping.update({v: v for v in zh.values()})
        exprs.append(cell(k).replace_strict(mapping, default=None).fill_null(default).alias(k))
    g = cell("grounds").fill_null("")
    for key, zh in GROUNDS:
        exprs.append((g.str.contains(zh, literal=True) | g.str.contains(key, literal=True)).alias("g_" + key))
    exprs.append(cell("extension_days").cast(pl.Int64, strict=False).alias("extension_days"))
    exprs.append(cell("decision").alias("decision"))
    a = raw.select(exprs)

    # §2: the first step that applies decides.
    tp = pl.col("third_party")
    third = (pl.col("g_third_party") | (tp == "objects")) & ~((tp == "consents") | pl.col("public_interest").fill_null(False))
    ground = [(third if k == "third_party" else pl.col("g_" + k), k) for k, _ in GROUNDS]
    any_ground = pl.any_horizontal([e for e, _ in ground])
    sep = pl.col("separable").fill_null(False)
    b = lambda k: pl.col(k).fill_null(False)
    withheld = pl.when(ground[0][0]).then(pl.lit("withheld." + ground[0][1]))
    for e, k in ground[1:]:
        withheld = withheld.when(e).then(pl.lit("withheld." + k))
    steps = [
        (b("withdrawn"), pl.lit("other.other"), "withdrawn"),
        (pl.col("correction") == "not_corrected", pl.lit("other.no_correction"), "correction"),
        (pl.col("correction") == "still_unclear", pl.lit("unavailable.unclear"), "correction"),
        (pl.col("nature") == "petition", pl.lit("not_processed.petition"), "nature"),
        (pl.col("nature") == "publication", pl.lit("not_processed.publication"), "nature"),
        (pl.col("nature") == "confirmation", pl.lit("not_processed.confirmation"), "nature"),
        (pl.col("nature") == "query", pl.lit("withheld.query_matter"), "nature"),
        (b("repeat"), pl.lit("not_processed.repeat"), "repeat"),
        (pl.col("excessive") == "unreasonable", pl.lit("not_processed.excessive"), "excessive"),
        (pl.col("fee_status") == "not_paid", pl.lit("other.no_fee"), "fee"),
        (pl.col("holder").is_in(["not_exist", "other_agency"]), pl.lit("unavailable.not_held"), "holder"),
        (b("already_public"), pl.lit("disclosed"), "already_public"),
        (b("needs_processing"), pl.when(sep).then(pl.lit("partial")).otherwise(pl.lit("unavailable.needs_creation")),
         "needs_processing"),
        (any_ground, pl.when(sep).then(pl.lit("partial")).otherwise(withheld), "exemptions"),
    ]
    outcome = step = None
    for cond, value, sid in steps:
        outcome = (outcome.when(cond) if outcome is not None else pl.when(cond)).then(value)
        step = (step.when(cond) if step is not None else pl.when(cond)).then(pl.lit(sid))
    a = a.with_columns(outcome.otherwise(pl.lit("disclosed")).alias("outcome"),
                       step.otherwise(pl.lit("disclose")).alias("step"))

    # §3: deadlines, for every row at once, on day numbers.
    n = a.height
    d = {k: a[k].fill_null(NONE).to_numpy() for k in DATES}
    has = {k: d[k] != NONE for k in DATES}
    ext = a["extension_days"].fill_null(-1).to_numpy()
    extended = a["extended"].to_numpy()
    excessive = a["excessive"].to_numpy()

    def idx(x):
        return np.clip(x - lo, 0, hi - lo)

    def between(x, y):   # working days in (x, y]
        return np.where(y > x, cum[idx(y)] - cum[idx(x)], 0)

    last_cum = cum[-1]

    def add(x, k):       # the k-th working day after x; NONE past the calendar
        j = cum[idx(x)] + k
        return np.where(j <= last_cum, nth[np.minimum(j, last_cum)], NONE)

    regime = np.where(d["received"] < day("2019-05-15"), 2008, 2019)
    limit = np.where(regime == 2008, 15, 20)
    invalid = (ext >= 0) & ((extended == False) | (ext < 1) | (ext > limit))  # noqa: E712
    closed = has["replied"]
    not_started = has["correction_requested"] & ~has["correction_received"]
    start = np.where(has["correction_received"], d["correction_received"], d["received"])
    due = add(start, limit)
    stop = np.where(closed, d["replied"], as_of)
    cs, ce = d["consult_start"], np.where(has["consult_end"], d["consult_end"], stop)
    fs, fe = d["fee_notice"], np.where(has["fee_paid"], d["fee_paid"], stop)
    c_on = has["consult_start"] & (ce > cs)
    f_on = has["fee_notice"] & (fe > fs)
    overlap = c_on & f_on & (fs < ce) & (cs < fe)
    paused = np.where(overlap, between(np.minimum(cs, fs), np.maximum(ce, fe)),
                      np.where(c_on, between(cs, ce), 0) + np.where(f_on, between(fs, fe), 0))
    extension = np.where(ext >= 0, ext, np.where(extended == True, limit, 0))  # noqa: E712
    agreed = (excessive == "reasonable") & has["agreed_due"]
    final = np.where(agreed, d["agreed_due"], np.where(due != NONE, add(due, paused + extension), NONE))
    no_cal = (due == NONE) | (final == NONE)
    waiting = (has["consult_start"] & ~has["consult_end"]) | (has["fee_notice"] & ~has["fee_paid"])
    status = np.select(
        [not_started & closed, not_started, no_cal, closed & (d["replied"] <= final), closed, waiting, as_of <= final],
        ["on_time", "paused", "no_calendar", "on_time", "late", "paused", "pending"], "overdue")

    # The checks that give warnings (decisions.md §3).
    def late(x, y, k):
        return has[x] & has[y] & (d[y] > add(d[x], k))

    keys = [o[0] for o in OUTCOMES]
    label = {o[0]: o[1] for o in OUTCOMES}
    basis = {o[0]: o[2] for o in OUTCOMES}
    by_label = {v: k for k, v in label.items()}
    by_label.update({k: k for k in keys})
    by_label["其他处理"] = "other.other"
    started = ~not_started
    shown = started & ~no_cal

    def iso(name, x, mask):
        return pl.when(pl.col(name + "_on")).then(pl.col(name).cast(pl.Int32).cast(pl.Date).dt.to_string("%Y-%m-%d"))

    res = pl.DataFrame({
        "outcome": a["outcome"], "step": a["step"], "decision": a["decision"],
        "regime": regime, "start": np.where(started, start, 0), "start_on": started,
        "due": np.where(shown, due, 0), "due_on": shown, "final_due": np.where(shown, final, 0), "final_due_on": shown,
        "status": status, "w1": late("received", "correction_requested", 7), "w2": late("consult_start", "consult_end", 15),
        "w3": late("fee_notice", "fee_paid", 20), "w4": has["agreed_due"] & ~agreed,
    })
    recorded = (pl.col("decision").str.replace(r"^[（(][一二三四五六七八九十]+[）)]", "")
                .str.replace(r"^[0-9]+[.、．]", "").replace_strict(by_label, default=None))
    res = res.select(
        pl.col("outcome"), pl.col("outcome").replace_strict(label).alias("outcome_label"),
        pl.col("outcome").replace_strict(basis).alias("basis"), recorded.alias("recorded"), pl.col("regime"),
        iso("start", start, started).alias("start"), iso("due", due, shown).alias("due"),
        iso("final_due", final, shown).alias("final_due"), pl.col("status"),
        pl.concat_str([
            pl.when(pl.col("w1")).then(pl.lit("补正告知晚于收到申请后7个工作日（第三十条）")),
            pl.when(pl.col("w2")).then(pl.lit("征求意见超过15个工作日（第三十二条、第三十四条）")),
            pl.when(pl.col("w3")).then(pl.lit("缴费晚于收费通知后20个工作日")),
            pl.when(pl.col("w4")).then(pl.lit("填写了延迟答复期限，但数量频次不是“理由合理”，已忽略（第三十五条）")),
            pl.when(recorded.is_not_null() & (recorded != pl.col("outcome"))).then(pl.lit("台账记录的办理结果与规则结论不一致")),
        ], separator="；", ignore_nulls=True).alias("warnings"),
        pl.col("step"),
    )
    show = pl.Series("keep", ~invalid)
    out = pl.concat([raw, res], how="horizontal").filter(show)
    if invalid.any():
        print(f"{int(invalid.sum())} rows with an invalid extension were left out", file=sys.stderr)
    out.write_csv(sys.stdout.buffer, line_terminator="\r\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
