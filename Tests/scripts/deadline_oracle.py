#!/usr/bin/env python3
"""Independent oracle for the reply-deadline rules (shared/spec/decisions.md §3).

Usage (from the repository root):
    python3 Tests/scripts/deadline_oracle.py HOLIDAYS_JSON [CASES_CSV] [--govrules BIN] [--rules DIR]

HOLIDAYS_JSON is the machine-readable holiday list (shared/domain/holidays.json).
CASES_CSV defaults to rules/tests/deadlines.csv. Each row is a ledger row (Chinese or English
headers, the value spellings of shared/spec/records.md) plus the expectation columns
`expect_start`, `expect_due`, `expect_final_due`, `expect_status`, `expect_warnings` and `as_of`.
A blank expectation cell is not checked. `expect_warnings` is a list separated by `；` of
substrings each of which must occur in one of the row's warnings; `无` means no warnings at all;
for start/due/final_due the word `无` (or `-`) means the value must be empty.

The script re-implements §3 from the spec text only: it does not read rules/*.lua.
For every case it prints the computed values and whether they equal the file's expectations,
and exits 1 on any mismatch.

With --govrules BIN it also runs `BIN classify CASES_CSV --format jsonl --as-of D` (once per
distinct as_of value; rows with a blank as_of are run without --as-of) and compares govrules'
start, due, final_due, status and warning kinds with the oracle's, reporting every disagreement
(exit 1 if any).

Python 3 standard library only.
"""
import csv
import datetime as dt
import io
import json
import pathlib
import re
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_CASES = REPO / "rules" / "tests" / "deadlines.csv"

# --- calendar --------------------------------------------------------------------------------


class OutsideCalendar(ValueError):
    """A computation needed a day in a year the holiday list does not cover."""


class Calendar:
    """Working days from the State Council notices (holidays.json).

    With provisional=True, days past the last covered year are estimated (暂定): Monday to
    Friday, except 1 January. The spec allows that only as a labelled estimate, never as a
    row's deadline; the oracle uses it for the warnings of a row whose deadline is not known.
    """

    provisional = False

    def __init__(self, path):
        data = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
        self.off, self.work = set(), set()
        years = []
        for year, notice in data.items():
            years.append(int(year))
            self.off.update(dt.date.fromisoformat(s) for s in notice.get("days_off", []))
            self.work.update(dt.date.fromisoformat(s) for s in notice.get("weekend_workdays", []))
        self.first = dt.date(min(years), 1, 1)
        self.last = dt.date(max(years), 12, 31)

    def covers(self, d):
        return self.first <= d <= self.last

    def _covered(self, d):
        if not self.covers(d):
            raise OutsideCalendar(f"date {d} outside the calendar ({self.first}..{self.last})")

    def estimating(self):
        """The same calendar, estimating past its last year."""
        c = object.__new__(Calendar)
        c.__dict__.update(self.__dict__)
        c.provisional = True
        return c

    def is_workday(self, d):
        if self.provisional and d > self.last:
            return d.weekday() < 5 and (d.month, d.day) != (1, 1)
        self._covered(d)
        if d in self.work:
            return True
        if d in self.off:
            return False
        return d.weekday() < 5

    def add(self, d, n):
        """The n-th working day after d (d itself not counted). n = 0 gives d."""
        cur = d
        while n > 0:
            cur += dt.timedelta(days=1)
            if self.is_workday(cur):
                n -= 1
        return cur

    def days_in(self, a, b):
        """The set of working days x with a < x <= b."""
        out = set()
        cur = a + dt.timedelta(days=1)
        while cur <= b:
            if self.is_workday(cur):
                out.add(cur)
            cur += dt.timedelta(days=1)
        return out

    def count(self, a, b):
        return len(self.days_in(a, b))


# --- ledger values (shared/spec/records.md) ---------------------------------------------------

COLUMNS = {  # Chinese header -> key (English keys are accepted as headers too)
    "申请编号": "id", "收到日期": "received", "补正告知日期": "correction_requested",
    "补正收到日期": "correction_received", "征求意见日期": "consult_start",
    "意见收到日期": "consult_end", "收费通知日期": "fee_notice", "缴费日期": "fee_paid",
    "延期答复": "extended", "延期工作日数": "extension_days",
    "数量频次明显超过合理范围": "excessive", "延迟答复期限": "agreed_due", "办结日期": "replied",
}
DATE_KEYS = {"received", "correction_requested", "correction_received", "consult_start",
             "consult_end", "fee_notice", "fee_paid", "agreed_due", "replied"}
TRUE = {"是", "y", "yes", "true", "1", "√"}
FALSE = {"否", "n", "no", "false", "0", ""}
EXCESSIVE = {"否": "no", "no": "no", "理由不合理": "unreasonable", "unreasonable": "unreasonable",
             "理由合理": "reasonable", "reasonable": "reasonable", "": "no"}


def parse_date(s):
    s = s.strip()
    if not s:
        return None
    m = re.fullmatch(r"(\d{4})(?:-|/|\.)(\d{1,2})(?:-|/|\.)(\d{1,2})", s) or \
        re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", s)
    if not m:
        raise ValueError(f"bad date {s!r}")
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def parse_bool(s):
    v = s.strip().lower()
    if v in TRUE:
        return True
    if v in FALSE:
        return False
    raise ValueError(f"bad bool {s!r}")


def normalise_header(h):
    h = h.strip().lstrip("\ufeff")
    return COLUMNS.get(h, h)


def read_row(raw):
    a = {}
    for header, value in raw.items():
        key = normalise_header(header or "")
        value = value or ""
        if key in DATE_KEYS:
            a[key] = parse_date(value)
        elif key == "extended":
            a[key] = parse_bool(value) if value.strip() else None
        elif key == "extension_days":
            a[key] = int(value) if value.strip() else None
        elif key == "excessive":
            a[key] = EXCESSIVE[value.strip().lower() if value.strip().isascii() else value.strip()]
        else:
            a[key] = value
    for k in DATE_KEYS | {"extended", "extension_days"}:
        a.setdefault(k, None)
    a.setdefault("excessive", "no")
    return a


# --- §3 ---------------------------------------------------------------------------------------

REFORM = dt.date(2019, 5, 15)
REGIMES = {"2008": (15, 15), "2019": (20, 20)}  # (working days, maximum extension)
CORRECTION_NOTICE_DAYS, CONSULTATION_DAYS, FEE_PAYMENT_DAYS = 7, 15, 20

WARN_CORRECTION = "补正告知晚于收到申请后7个工作日"
WARN_CONSULT = "征求意见超过15个工作日"
WARN_FEE = "缴费晚于收费通知后20个工作日"
WARN_AGREED = "延迟答复期限被忽略：数量频次明显超过合理范围不是理由合理"
WARN_ZERO_EXTENSION = "延期答复为是但延期工作日数为0：不延长"
# One keyword per warning kind, used to match govrules' own wording.
KIND_KEYWORDS = {WARN_CORRECTION: "补正告知", WARN_CONSULT: "征求意见",
                 WARN_FEE: "缴费", WARN_AGREED: "延迟答复期限", WARN_ZERO_EXTENSION: "延期工作日数为0"}


def compute(cal, a, as_of):
    received = a["received"]
    regime = "2008" if received < REFORM else "2019"
    days, max_ext = REGIMES[regime]
    closed = a["replied"]
    r = {"regime": regime, "start": None, "due": None, "final_due": None, "warnings": []}

    # Warnings (checks, never errors).
    if a["correction_requested"] and \
            a["correction_requested"] > cal.add(received, CORRECTION_NOTICE_DAYS):
        r["warnings"].append(WARN_CORRECTION)
    if a["consult_start"] and a["consult_end"] and \
            a["consult_end"] > cal.add(a["consult_start"], CONSULTATION_DAYS):
        r["warnings"].append(WARN_CONSULT)
    if a["fee_notice"] and a["fee_paid"] and \
            a["fee_paid"] > cal.add(a["fee_notice"], FEE_PAYMENT_DAYS):
        r["warnings"].append(WARN_FEE)
    # extension_days = 0 adds nothing; with extended = 是 it is a warning, not an error.
    if a["extension_days"] == 0 and a["extended"]:
        r["warnings"].append(WARN_ZERO_EXTENSION)
    agreed = a["agreed_due"] if a["excessive"] == "reasonable" else None
    if a["agreed_due"] and agreed is None:
        r["warnings"].append(WARN_AGREED)

    # The clock never started: correction asked, never received.
    if a["correction_requested"] and not a["correction_received"]:
        r["status"] = "on_time" if closed else "paused"
        return r

    start = a["correction_received"] or received
    due = cal.add(start, days)
    r["start"], r["due"] = start, due
    if agreed:
        final = agreed
    else:
        stop = closed or as_of
        paused = set()
        for s, e in ((a["consult_start"], a["consult_end"]), (a["fee_notice"], a["fee_paid"])):
            if s:
                paused |= cal.days_in(s, e or stop)
        ext = 0
        if a["extended"] or a["extension_days"] is not None:
            ext = a["extension_days"] if a["extension_days"] is not None else max_ext
        final = cal.add(due, len(paused) + ext)
    r["final_due"] = final

    open_pause = (a["consult_start"] and not a["consult_end"]) or \
        (a["fee_notice"] and not a["fee_paid"])
    if closed:
        r["status"] = "on_time" if closed <= final else "late"
    elif open_pause:
        r["status"] = "paused"
    elif as_of <= final:
        r["status"] = "pending"
    else:
        r["status"] = "overdue"
    return r


def classify(cal, a, as_of):
    """§3 for one row: a date cell outside the calendar rejects the row (ValueError, records.md);
    a deadline that runs past it gives status no_calendar with empty due dates (decisions.md)."""
    for k in sorted(DATE_KEYS):
        if a[k] and not cal.covers(a[k]):
            raise ValueError(f"{k} {a[k]} outside the calendar ({cal.first}..{cal.last})")
    try:
        return compute(cal, a, as_of)
    except OutsideCalendar:
        r = compute(cal.estimating(), a, as_of)
        return {"regime": r["regime"], "start": r["start"], "due": None, "final_due": None,
                "status": "no_calendar", "warnings": r["warnings"]}


# --- comparison -------------------------------------------------------------------------------

def fmt(d):
    return d.isoformat() if d else ""


def check_expectations(raw, r):
    problems = []
    for field in ("start", "due", "final_due"):
        want = (raw.get("expect_" + field) or "").strip()
        if not want:
            continue
        got = fmt(r[field])
        if want in ("无", "-"):
            if got:
                problems.append(f"{field}: expected empty, computed {got}")
        elif parse_date(want) != r[field]:
            problems.append(f"{field}: expected {want}, computed {got or '(empty)'}")
    want = (raw.get("expect_status") or "").strip()
    if want and want != r["status"]:
        problems.append(f"status: expected {want}, computed {r['status']}")
    want = (raw.get("expect_warnings") or "").strip()
    if want == "无":
        if r["warnings"]:
            problems.append(f"warnings: expected none, computed {r['warnings']}")
    elif want:
        for sub in filter(None, (s.strip() for s in want.split("；"))):
            if not any(sub in w for w in r["warnings"]):
                problems.append(f"warnings: no warning contains {sub!r} (computed {r['warnings']})")
    return problems


def run_govrules(binary, cases, rules, as_ofs):
    """id -> govrules JSON object, running once per as_of value."""
    out = {}
    for as_of in sorted(as_ofs):
        # --keep-going: the cases that expect a rejection (expect_error) are rejected, and the
        # others are still written; exit status 3 then just means "some rows were rejected".
        cmd = [binary, "classify", str(cases), "--format", "jsonl", "--keep-going"]
        if rules:
            cmd += ["--rules", str(rules)]
        if as_of:
            cmd += ["--as-of", as_of]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode not in (0, 3):
            raise SystemExit(f"govrules failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
        for line in p.stdout.splitlines():
            if line.strip():
                obj = json.loads(line)
                out[(as_of, obj["id"])] = obj
    return out


def compare_govrules(r, g):
    diffs = []
    for field in ("start", "due", "final_due"):
        mine, theirs = fmt(r[field]), g.get(field) or ""
        if mine != theirs:
            diffs.append(f"{field}: oracle {mine or '(empty)'}, govrules {theirs or '(empty)'}")
    if r["status"] != g.get("status"):
        diffs.append(f"status: oracle {r['status']}, govrules {g.get('status')}")
    if r["regime"] != str(g.get("regime")):
        diffs.append(f"regime: oracle {r['regime']}, govrules {g.get('regime')}")
    theirs = g.get("warnings") or []
    kinds = [KIND_KEYWORDS[w] for w in r["warnings"]]
    if len(theirs) != len(kinds) or any(not any(k in t for t in theirs) for k in kinds):
        diffs.append(f"warnings: oracle {kinds}, govrules {theirs}")
    return diffs


def main(argv):
    args, opts = [], {}
    it = iter(argv)
    for x in it:
        if x in ("--govrules", "--rules"):
            opts[x] = next(it)
        elif x in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            args.append(x)
    if not args:
        print(__doc__, file=sys.stderr)
        return 64
    cal = Calendar(args[0])
    cases = pathlib.Path(args[1]) if len(args) > 1 else DEFAULT_CASES
    text = cases.read_text(encoding="utf-8-sig")
    rows = [row for row in csv.DictReader(io.StringIO(text, newline=""))
            if any((v or "").strip() for v in row.values())]

    results = []
    failures = 0
    print(f"{'id':<8} {'regime':<6} {'start':<10} {'due':<10} {'final_due':<10} {'status':<8} result  warnings")
    for raw in rows:
        a = read_row(raw)
        as_of_s = (raw.get("as_of") or "").strip()
        as_of = parse_date(as_of_s) if as_of_s else dt.date.today()
        expects_error = bool((raw.get("expect_error") or "").strip())
        try:
            r = classify(cal, a, as_of)
        except ValueError as e:
            # A date outside the calendar: the row must be rejected, and the case must say so.
            if not expects_error:
                raise
            print(f"{a['id']:<8} rejected: {e}")
            results.append((raw, a, as_of_s, None))
            continue
        problems = check_expectations(raw, r)
        failures += bool(problems)
        results.append((raw, a, as_of_s, r))
        print(f"{a['id']:<8} {r['regime']:<6} {fmt(r['start']):<10} {fmt(r['due']):<10} "
              f"{fmt(r['final_due']):<10} {r['status']:<8} {'ok' if not problems else 'MISMATCH'}"
              f"  {'；'.join(r['warnings'])}")
        for p in problems:
            print(f"    ! {p}")
    print(f"oracle vs expectations: {len(rows) - failures} of {len(rows)} cases agree")

    disagreements = 0
    if "--govrules" in opts:
        g = run_govrules(opts["--govrules"], cases, opts.get("--rules"), {x[2] for x in results})
        for raw, a, as_of_s, r in results:
            obj = g.get((as_of_s, a["id"]))
            if (raw.get("expect_error") or "").strip() or r is None:
                # The oracle does not model rejections; govrules must have rejected the row.
                diffs = [] if obj is None else ["expected a rejection, but govrules classified the row"]
            else:
                diffs = ["missing from govrules output"] if obj is None else compare_govrules(r, obj)
            if diffs:
                disagreements += 1
                print(f"govrules disagrees on {a['id']}:")
                for d in diffs:
                    print(f"    ! {d}")
        print(f"oracle vs govrules: {len(results) - disagreements} of {len(results)} cases agree")
    return 1 if failures or disagreements else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
