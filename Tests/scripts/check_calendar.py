#!/usr/bin/env python3
"""Check rules/calendar/YYYY.lua against the machine-readable holiday list.

Usage (from anywhere):
    python3 Tests/scripts/check_calendar.py [path/to/holidays.json] [--rules DIR]

--rules DIR checks DIR/calendar instead of the repository's rules/calendar.

The default JSON path is ../shared/domain/holidays.json relative to the repo
root. Each calendar file is loaded by stock `lua5.4` (located through
package.path = "rules/?.lua;..." as module "calendar.YYYY") in an EMPTY
environment, so a file that calls any function or reads any global fails.
The Lua side prints one tab-separated record per fact; this script expands the
`off` ranges and compares, per notice year:

  * union of expanded `off` ranges == holidays.json[year]["days_off"]
  * union of `work` lists          == holidays.json[year]["weekend_workdays"]
  * the Mon-Fri days among `off`    == holidays.json[year]["weekday_days_off"]
  * `year` field equals the file name; one file per JSON year and vice versa, except
    that a file for a year after the JSON's last one (next year's notice, added by the
    policy officer before the shared list has it) is checked for shape only, with a note
  * every date is a valid ISO date; every `off` range has start <= end
  * every `work` day is a Saturday or Sunday
  * no `work` day lies inside any `off` range; `off` ranges do not overlap
  * `notice` indices point into `notices`; every notice has title and date;
    a present `number` looks like 国办发明电〔YYYY〕N号
  * block names are the Chinese festival names used by the notices

Exits 0 when everything matches, 1 with a list of problems otherwise.
Python 3 standard library only.
"""
import datetime as dt
import json
import pathlib
import re
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
RULES = REPO / "rules"
CAL_DIR = RULES / "calendar"
DEFAULT_JSON = REPO.parent / "shared" / "domain" / "holidays.json"
LUA = "lua5.4"

NAMES = {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节",
         "国庆节、中秋节", "中秋节、国庆节"}
NUMBER_RE = re.compile(r"^国办发明电〔\d{4}〕\d+号$")

# Lua dumper: loads the module file in an empty environment and prints records.
#   Y <year>
#   N <index> <title> <number or ""> <date>
#   B <index> <name> <off start> <off end> <notice>
#   W <block index> <date>
#   E <message>            (shape error)
LUA_DUMP = r'''
local mod = arg[1]
local path, err = package.searchpath(mod, package.path)
if not path then io.write("E\tcannot find module ", mod, ": ", err, "\n") os.exit(2) end
local chunk, lerr = loadfile(path, "t", {})
if not chunk then io.write("E\tload error: ", (lerr:gsub("\n", " ")), "\n") os.exit(2) end
local ok, t = pcall(chunk)
if not ok then io.write("E\truntime error (function call or global access?): ", (tostring(t):gsub("\n", " ")), "\n") os.exit(2) end
if type(t) ~= "table" then io.write("E\tfile does not return a table\n") os.exit(2) end
local function s(v) if v == nil then return "" end return tostring(v) end
io.write("Y\t", s(t.year), "\n")
if type(t.notices) ~= "table" then io.write("E\tnotices is not a table\n") os.exit(2) end
for i, n in ipairs(t.notices) do
  io.write("N\t", i, "\t", s(n.title), "\t", s(n.number), "\t", s(n.date), "\n")
end
if type(t.holidays) ~= "table" then io.write("E\tholidays is not a table\n") os.exit(2) end
for i, h in ipairs(t.holidays) do
  if type(h.off) ~= "table" or #h.off ~= 2 then
    io.write("E\tblock ", i, " (", s(h.name), "): off must be { first, last }\n")
  else
    io.write("B\t", i, "\t", s(h.name), "\t", s(h.off[1]), "\t", s(h.off[2]), "\t", s(h.notice or 1), "\n")
  end
  if type(h.work) ~= "table" then
    io.write("E\tblock ", i, " (", s(h.name), "): work must be a list (possibly empty)\n")
  else
    for _, w in ipairs(h.work) do io.write("W\t", i, "\t", s(w), "\n") end
  end
end
'''


def parse_date(s, problems, where):
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            raise ValueError
        return dt.date.fromisoformat(s)
    except ValueError:
        problems.append(f"{where}: invalid date {s!r}")
        return None


def load_calendar(year):
    """Run lua5.4 on <rules>/calendar/<year>.lua and return the parsed records."""
    proc = subprocess.run(
        [LUA, "-e", f'package.path={json.dumps(str(RULES) + "/?.lua;")}..package.path',
         "-e", LUA_DUMP.replace("arg[1]", repr(f"calendar.{year}"))],
        cwd=REPO, capture_output=True, text=True, encoding="utf-8")
    return proc.returncode, proc.stdout, proc.stderr


def check_year(year, expected, problems):
    where = f"rules/calendar/{year}.lua"
    rc, out, err = load_calendar(year)
    recs = [line.split("\t") for line in out.splitlines() if line]
    for r in recs:
        if r[0] == "E":
            problems.append(f"{where}: {' '.join(r[1:])}")
    if rc != 0:
        problems.append(f"{where}: lua5.4 exited {rc}" + (f": {err.strip()}" if err.strip() else ""))
        return

    notices, blocks, works = {}, {}, []
    file_year = None
    for r in recs:
        if r[0] == "Y":
            file_year = r[1]
        elif r[0] == "N":
            notices[int(r[1])] = r[2:]
        elif r[0] == "B":
            blocks[int(r[1])] = r[2:]
        elif r[0] == "W":
            works.append((int(r[1]), r[2]))

    if file_year != str(year):
        problems.append(f"{where}: year = {file_year!r}, expected {year}")
    if not notices:
        problems.append(f"{where}: no notices")
    for i, (title, number, date) in sorted(notices.items()):
        if not title:
            problems.append(f"{where}: notice {i} has no title")
        parse_date(date, problems, f"{where}: notice {i} date")
        if number and not NUMBER_RE.match(number):
            problems.append(f"{where}: notice {i} number {number!r} is not 国办发明电〔YYYY〕N号")
    if not blocks:
        problems.append(f"{where}: no holiday blocks")

    off_days, ranges = set(), []
    for i, (name, first, last, notice) in sorted(blocks.items()):
        label = f"{where}: block {i} ({name})"
        if name not in NAMES:
            problems.append(f"{label}: unexpected festival name")
        if not notice.isdigit() or int(notice) not in notices:
            problems.append(f"{label}: notice index {notice!r} not in notices 1..{len(notices)}")
        a = parse_date(first, problems, f"{label} off start")
        b = parse_date(last, problems, f"{label} off end")
        if a is None or b is None:
            continue
        if a > b:
            problems.append(f"{label}: off range start {a} > end {b}")
            continue
        for (j, pname, pa, pb) in ranges:
            if a <= pb and pa <= b:
                problems.append(f"{label}: off range {a}..{b} overlaps block {j} ({pname}) {pa}..{pb}")
        ranges.append((i, name, a, b))
        d = a
        while d <= b:
            off_days.add(d)
            d += dt.timedelta(days=1)

    work_days = set()
    for i, s in works:
        label = f"{where}: block {i} ({blocks.get(i, ['?'])[0]}) work day {s}"
        d = parse_date(s, problems, label)
        if d is None:
            continue
        if d in work_days:
            problems.append(f"{label}: listed twice")
        work_days.add(d)
        if d.weekday() < 5:
            problems.append(f"{label}: is a {d.strftime('%A')}, not a Saturday/Sunday")
        for (j, name, a, b) in ranges:
            if a <= d <= b:
                problems.append(f"{label}: lies inside off range of block {j} ({name}) {a}..{b}")

    def compare(what, got, want):
        want = {dt.date.fromisoformat(s) for s in want}
        for d in sorted(want - got):
            problems.append(f"{where}: {what}: {d} in holidays.json but missing from the Lua file")
        for d in sorted(got - want):
            problems.append(f"{where}: {what}: {d} in the Lua file but not in holidays.json")

    if expected is None:   # a year the JSON does not have yet: shape checks only
        return len(off_days), len(work_days)
    compare("days_off", off_days, expected["days_off"])
    compare("weekend_workdays", work_days, expected["weekend_workdays"])
    compare("weekday_days_off", {d for d in off_days if d.weekday() < 5},
            expected["weekday_days_off"])
    return len(off_days), len(work_days)


def main():
    global RULES, CAL_DIR
    args = sys.argv[1:]
    if "--rules" in args:
        i = args.index("--rules")
        RULES = pathlib.Path(args[i + 1]).resolve()
        CAL_DIR = RULES / "calendar"
        del args[i:i + 2]
    json_path = pathlib.Path(args[0]) if args else DEFAULT_JSON
    try:
        data = json.loads(json_path.read_text(encoding="utf-8"))
    except OSError as e:
        print(f"check_calendar: cannot read {json_path}: {e}", file=sys.stderr)
        return 2

    problems = []
    json_years = {int(y) for y in data}
    file_years = {int(p.stem) for p in CAL_DIR.glob("*.lua") if p.stem.isdigit()}
    for y in sorted(json_years - file_years):
        problems.append(f"rules/calendar/{y}.lua: missing (year {y} is in holidays.json)")
    newer = set()
    for y in sorted(file_years - json_years):
        if y > max(json_years):
            newer.add(y)
            before = len(problems)
            counts = check_year(y, None, problems)
            if len(problems) == before and counts:
                print(f"ok  {y}: {counts[0]} days off, {counts[1]} weekend working days "
                      f"(not in {json_path.name} yet: checked for shape only)")
        else:
            problems.append(f"rules/calendar/{y}.lua: year {y} not in holidays.json")

    for y in sorted(json_years & file_years):
        before = len(problems)
        counts = check_year(y, data[str(y)], problems)
        if len(problems) == before and counts:
            print(f"ok  {y}: {counts[0]} days off, {counts[1]} weekend working days")

    if problems:
        print(f"\ncheck_calendar: {len(problems)} problem(s) against {json_path}:", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    shape_only = f"; {', '.join(map(str, sorted(newer)))} checked for shape only" if newer else ""
    print(f"check_calendar: all {len(json_years)} years match {json_path}{shape_only}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
