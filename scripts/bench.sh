#!/usr/bin/env bash
# bench.sh: govrules against the scripts an office would write instead (issue 15), on large
# synthetic ledgers.
#
#   scripts/bench.sh [--sizes "100000 1000000 5000000"] [--quick] [--no-build] [--bin PATH]
#                    [--scratch-path DIR] [--seed S] [--out FILE] [--no-callgrind] [--profile [ROWS]]
#
# Builds the release binary, writes the ledgers into bench-data/ (git-ignored, reused across runs:
# scripts/gen-ledger.py up to 1,000,000 rows; 5,000,000 rows are the 1,000,000-row ledger five
# times with each copy's ids made unique, so that they take seconds, not minutes, to make), and
# measures on each size:
#   - govrules classify --jobs 1 and --jobs 2 (outputs compared with cmp), and report --jobs 1;
#   - the peers, each checked row by row against govrules (outcome, status, start, due, final_due;
#     scripts/compare-outputs.py):
#       plain Lua   lua5.4 scripts/peers/plain.lua       (decisions.md written directly in Lua 5.4)
#       dataframe   scripts/peers/dataframe.py           (polars + numpy, in bench-data/venv)
#       rules under stock lua5.4  scripts/plain-lua-classify.lua (our rules/ through a loop; for
#                                 comparison, up to 1,000,000 rows)
#   - govrules bench-rules (the rules alone inside the host, rows pre-parsed).
#   - govrules classify on the same ledger as an .xlsx workbook, --jobs 1 and 2, up to 1,000,000
#     rows (scripts/bench-xlsx.sh).
# Median of 3 runs by wall time (5,000,000 rows: one run). --quick measures 100,000 rows only.
# Unless --no-callgrind, the rules' instructions a row are counted with valgrind (gr_call_row
# inclusive, in bench-rules): with the memo on the largest measured ledger up to 1,000,000 rows
# (a new path costs far more than a remembered one, and new paths thin out as the ledger grows,
# so a small ledger overstates the steady state), with --no-memo on 100,000 rows (every row costs
# the same there). Prints the tables and writes BENCHMARKS.md, keeping
# its hand-written "## Findings" section. --profile [ROWS] also prints a callgrind top list of classify.
# Environment: BENCH_BUILD_FLAGS, extra flags for swift build.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
SIZES="100000 1000000 5000000"
SEED=2024
YEAR=2024
AS_OF=2025-01-10
OUT=BENCHMARKS.md
BUILD=1
BIN=""
SCRATCH=()
CALLGRIND=1
CG_ROWS=
PROFILE=0
PROFILE_ROWS=20000
ARGS=("$@")

while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES=$2; shift 2 ;;
    --quick) SIZES=100000; shift ;;
    --no-build) BUILD=0; shift ;;
    --bin) BIN=$2; BUILD=0; shift 2 ;;
    --scratch-path) SCRATCH=(--scratch-path "$2"); shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --no-callgrind) CALLGRIND=0; shift ;;
    --profile)
      PROFILE=1; shift
      if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then PROFILE_ROWS=$1; shift; fi ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument $1 (see --help)" >&2; exit 64 ;;
  esac
done

say() { printf '== %s\n' "$*" >&2; }
# shellcheck source=scripts/bench-xlsx.sh
. scripts/bench-xlsx.sh

# --- tools ------------------------------------------------------------------------------------
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
apt_install() {
  say "installing $* with apt-get"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
[ -x /usr/bin/time ] || apt_install time
command -v lua5.4 >/dev/null || apt_install lua5.4
command -v python3 >/dev/null || apt_install python3
python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
if { [ "$CALLGRIND" = 1 ] || [ "$PROFILE" = 1 ]; } && ! command -v valgrind >/dev/null; then apt_install valgrind; fi
HOLIDAYS=$(ls ../shared/domain/holidays.json 2>/dev/null || echo Tests/data/holidays.json)

DATA=bench-data
mkdir -p "$DATA"
# The dataframe peer's packages, in a virtual environment of their own (git-ignored).
VENV=$DATA/venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import polars, numpy' 2>/dev/null; then
  say "installing polars and numpy into $VENV"
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q --disable-pip-version-check polars numpy >&2 || true
fi
HAS_DF=0
"$VENV/bin/python" -c 'import polars, numpy' 2>/dev/null && HAS_DF=1
DFV=$([ "$HAS_DF" = 1 ] && "$VENV/bin/python" -c 'import polars, numpy; print(f"polars {polars.__version__}, numpy {numpy.__version__}")' || echo "polars: not installed")

# --- build ------------------------------------------------------------------------------------
if [ "$BUILD" = 1 ]; then
  say "swift build -c release ${SCRATCH[*]} ${BENCH_BUILD_FLAGS:-}"
  # shellcheck disable=SC2086
  swift build -c release "${SCRATCH[@]}" ${BENCH_BUILD_FLAGS:-} >&2
fi
if [ -z "$BIN" ]; then
  # shellcheck disable=SC2086
  BIN="$(swift build -c release "${SCRATCH[@]}" ${BENCH_BUILD_FLAGS:-} --show-bin-path)/govrules"
fi
[ -x "$BIN" ] || { echo "bench.sh: no binary at $BIN (build first, or pass --bin)" >&2; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# --- ledgers ----------------------------------------------------------------------------------
# ledger N: the path of the N-row ledger, made when missing or older than gen-ledger.py.
ledger() {
  local n=$1 path="$DATA/ledger-$1-s$SEED.csv"
  if [ -s "$path" ] && [ ! scripts/gen-ledger.py -nt "$path" ]; then echo "$path"; return; fi
  if [ "$n" -gt 1000000 ] && [ $((n % 1000000)) = 0 ]; then
    local base
    base=$(ledger 1000000)
    say "making $path: $base $((n / 1000000)) times, ids of copy k prefixed with Rk-"
    {
      cat "$base"
      for ((k = 2; k <= n / 1000000; k++)); do
        tail -n +2 "$base" | sed -E "s/^([0-9]{4}-[0-9])/R$k-\\1/"
      done
    } >"$path.tmp"
  else
    say "generating $path"
    python3 scripts/gen-ledger.py --rows "$n" --seed "$SEED" --year "$YEAR" -o "$path.tmp"
  fi
  mv "$path.tmp" "$path"
  echo "$path"
}

# --- measuring --------------------------------------------------------------------------------
# measure RUNS OUTFILE CMD...: runs CMD RUNS times (stdout to OUTFILE, stderr kept in $TMP/err);
# sets M_WALL and M_CPU (user + system) of the median run by wall time, M_RSS (largest peak RSS
# of the runs, KiB) and M_STATUS (exit status).
measure() {
  local runs=$1 out=$2; shift 2
  M_WALL="" M_CPU="" M_RSS=0 M_STATUS=0
  local i lines=()
  for ((i = 1; i <= runs; i++)); do
    local st=0
    /usr/bin/time -f '%e %M %U %S' -o "$TMP/time" "$@" >"$out" 2>"$TMP/err" || st=$?
    if [ "$st" != 0 ] && [ "$st" != 3 ]; then
      M_STATUS=$st
      echo "bench.sh: exit $st from: $*" >&2
      grep -v 'row-warning' "$TMP/err" | head -5 >&2 || true
      return 0
    fi
    local wall rss user sys
    read -r wall rss user sys < <(tail -1 "$TMP/time")
    lines+=("$wall $(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u + s}')")
    if [ "$rss" -gt "$M_RSS" ]; then M_RSS=$rss; fi
  done
  read -r M_WALL M_CPU < <(printf '%s\n' "${lines[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  return 0
}

group() { sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta' <<<"$1"; }
fmt_rate() { group "$(awk -v n="$1" -v s="$2" 'BEGIN{ if (s > 0) printf "%.0f", n / s; else print "n/a" }')"; }
fmt_mib() { awk -v k="$1" 'BEGIN{ printf "%.1f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

declare -A R   # results: R[size,key]
TABLE=""
row() { TABLE+="| $1 | $2 | $3 | $4 | $5 | $6 |"$'\n'; printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" "$5" "$6" >&2; }
AGREE=""

# timed N KEY LABEL RUNS OUTFILE CMD...: measures CMD and adds its row to the table.
timed() {
  local n=$1 key=$2 label=$3 runs=$4 out=$5; shift 5
  say "$n rows: $label (median of $runs)"
  measure "$runs" "$out" "$@"
  R[$n,$key]=$M_WALL R[$n,${key}_cpu]=$M_CPU R[$n,${key}_rss]=$M_RSS R[$n,${key}_st]=$M_STATUS
  if [ "$M_STATUS" = 0 ]; then
    row "$(group "$n")" "$label" "$M_WALL" "$M_CPU" "$(fmt_rate "$n" "$M_WALL")" "$(fmt_mib "$M_RSS")"
  else
    row "$(group "$n")" "$label" "failed (exit $M_STATUS)" "" "" ""
  fi
}

# agree N KEY LABEL FILE: compares a peer's output with govrules' one-worker output.
agree() {
  local n=$1 key=$2 label=$3 file=$4 verdict
  [ "${R[$n,${key}_st]:-1}" = 0 ] && [ "${R[$n,one_st]:-1}" = 0 ] || return 0
  verdict=$(python3 scripts/compare-outputs.py "$DATA/classified-$n.csv" "$file" | head -3) || true
  R[$n,${key}_agree]=${verdict%%$'\n'*}
  AGREE+="  - $(group "$n") rows, $label: ${verdict%%$'\n'*}"$'\n'
  say "$label: $verdict"
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')
LARGEST=""
MB_NOTE=""

for N in $SIZES; do
  LEDGER=$(ledger "$N")
  LARGEST=$N
  RUNS=3
  [ "$N" -gt 1000000 ] && RUNS=1
  MB_NOTE+="${MB_NOTE:+, }$(group "$N") rows = $(du -m "$LEDGER" | cut -f1) MB"

  timed "$N" one "govrules classify --jobs 1" "$RUNS" /dev/null \
    "$BIN" classify "$LEDGER" --as-of "$AS_OF" --jobs 1 -o "$DATA/classified-$N.csv"
  timed "$N" two "govrules classify --jobs 2" "$RUNS" /dev/null \
    "$BIN" classify "$LEDGER" --as-of "$AS_OF" --jobs 2 -o "$DATA/classified-$N-j2.csv"
  if [ "${R[$N,two_st]}" = 0 ] && ! cmp -s "$DATA/classified-$N.csv" "$DATA/classified-$N-j2.csv"; then
    echo "bench.sh: WARNING: --jobs 2 output differs from --jobs 1 at $N rows" >&2
    R[$N,j2_differs]=1
  fi
  timed "$N" report "govrules report --year $YEAR --format json --jobs 1" "$RUNS" "$DATA/report-$N.json" \
    "$BIN" report "$LEDGER" --year "$YEAR" --format json --jobs 1

  timed "$N" plain "plain-Lua peer (lua5.4 scripts/peers/plain.lua)" "$RUNS" "$DATA/peer-plain-$N.csv" \
    lua5.4 scripts/peers/plain.lua "$HOLIDAYS" "$LEDGER" "$AS_OF"
  agree "$N" plain "plain-Lua peer" "$DATA/peer-plain-$N.csv"
  if [ "$HAS_DF" = 1 ]; then
    timed "$N" df "dataframe peer (scripts/peers/dataframe.py, polars)" "$RUNS" "$DATA/peer-df-$N.csv" \
      "$VENV/bin/python" scripts/peers/dataframe.py "$HOLIDAYS" "$LEDGER" "$AS_OF"
    agree "$N" df "dataframe peer" "$DATA/peer-df-$N.csv"
  else
    row "$(group "$N")" "dataframe peer" "n/a (polars could not be installed)" "" "" ""
  fi
  # For comparison only (no target): one run from 1,000,000 rows on, none past them.
  if [ "$N" -le 1000000 ]; then
    timed "$N" stock "rules under stock lua5.4 (scripts/plain-lua-classify.lua: rules/ through a loop)" \
      "$([ "$N" -ge 1000000 ] && echo 1 || echo 3)" "$DATA/peer-stock-$N.csv" \
      lua5.4 scripts/plain-lua-classify.lua rules "$LEDGER" "$AS_OF"
    agree "$N" stock "rules under stock lua5.4" "$DATA/peer-stock-$N.csv"
  fi

  if [ "$N" -le 1000000 ]; then
    say "$N rows: the rules inside the host, rows pre-parsed (govrules bench-rules; median of 3)"
    LINES=()
    for ((i = 1; i <= 3; i++)); do LINES+=("$("$BIN" bench-rules "$LEDGER" --as-of "$AS_OF")"); done
    LINE=$(printf '%s\n' "${LINES[@]}" | sort -t' ' -k4,4n | sed -n 2p)
    field() { awk -v k="$1" '{for (i = 1; i < NF; i++) if ($i == k) print $(i + 1)}' <<<"$LINE"; }
    R[$N,inhost]=$(field seconds) R[$N,inhost_cpu]=$(field cpu)
    MEMO="memo: $(field memo-hits) hits, $(field memo-paths) paths"
    row "$(group "$N")" "rules inside the host, I/O excluded (govrules bench-rules; $MEMO)" "$(field seconds)" \
      "$(field cpu)" "$(fmt_rate "$N" "$(field seconds)")" "—"
  fi
  # The same ledger as an .xlsx workbook, up to 1,000,000 rows (scripts/bench-xlsx.sh).
  if [ "$N" -le 1000000 ]; then bench_xlsx "$N" "$LEDGER"; fi
done

# --- instructions a row (callgrind) -------------------------------------------------------------
CG_NOTE="not measured (--no-callgrind)"
if [ "$CALLGRIND" = 1 ] && command -v valgrind >/dev/null; then
  if [ -z "$CG_ROWS" ]; then
    CG_ROWS=100000
    for n in $SIZES; do if [ "$n" -le 1000000 ] && [ "$n" -gt "$CG_ROWS" ]; then CG_ROWS=$n; fi; done
  fi
  CG_PLAIN_ROWS=$(( CG_ROWS < 100000 ? CG_ROWS : 100000 ))
  # Valgrind cannot read the DWARF of Swift release binaries: a copy without debug sections.
  cp "$BIN" "$TMP/govrules" && { strip -g "$TMP/govrules" 2>/dev/null || true; }
  for mode in memo no-memo; do
    flag=()
    rows=$CG_ROWS
    [ "$mode" = no-memo ] && flag=(--no-memo) && rows=$CG_PLAIN_ROWS
    CGL=$(ledger "$rows")
    say "callgrind: bench-rules on $rows rows ($mode)"
    # A budget large enough that no row is run twice (valgrind runs ~50x slower than the fast
    # path's time slice assumes); the count is of gr_call_row and all it calls.
    CGLINE=$(valgrind --tool=callgrind --toggle-collect=gr_call_row --callgrind-out-file="$TMP/cg.$mode" \
      "$TMP/govrules" bench-rules "$CGL" --as-of "$AS_OF" --lua-instructions 400000000 "${flag[@]}" 2>"$TMP/vg")
    IR=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$TMP/vg")
    ROWS=$(awk '{print $2}' <<<"$CGLINE")
    R[cg,$mode]=$(awk -v i="$IR" -v r="$ROWS" 'BEGIN{ if (r > 0) printf "%.0f", i / r; else print "n/a" }')
    R[cg,${mode}_misses]=$(sed -n 's/.*memo-misses \([0-9]*\).*/\1/p' <<<"$CGLINE")
  done
  CG_NOTE="$(group "${R[cg,memo]}") instructions a row with the memo ($(group "$CG_ROWS") rows, $(group "${R[cg,memo_misses]:-0}") new paths), $(group "${R[cg,no-memo]}") with --no-memo ($(group "$CG_PLAIN_ROWS") rows)"
  say "callgrind: $CG_NOTE"
fi

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# --- targets ----------------------------------------------------------------------------------
verdict() { awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN{ if (v == "n/a") { print "—"; exit } ok = (op == ">=") ? (v >= l) : (v <= l); print ok ? "✅" : "❌" }'; }
TARGETS=""
trow() { TARGETS+="| $1 | $2 | $3 | $4 | $5 |"$'\n'; printf '| %s | %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" "$5" >&2; }
# The issue's targets are measured on the 1,000,000-row ledger (or the largest measured).
T=1000000
case " $SIZES " in *" 1000000 "*) ;; *) T=$LARGEST ;; esac
TR=$(group "$T")
ok() { [ "${R[$T,$1_st]:-1}" = 0 ]; }
if ok one && ok plain; then
  v=$(ratio "${R[$T,plain]}" "${R[$T,one]}"); c=$(ratio "${R[$T,plain_cpu]}" "${R[$T,one_cpu]}")
  trow "$TR" "one worker vs the plain-Lua peer (peer time / govrules time)" "≥ 3×" "${v}× (CPU ${c}×)" "$(verdict "$v" ">=" 3)"
fi
if ok two && ok plain; then
  v=$(ratio "${R[$T,plain]}" "${R[$T,two]}")
  trow "$TR" "two workers vs the plain-Lua peer" "≥ 5×" "${v}×" "$(verdict "$v" ">=" 5)"
fi
if ok two && ok df; then
  v=$(ratio "${R[$T,df]}" "${R[$T,two]}")
  trow "$TR" "two workers vs the dataframe peer (peer time / govrules time)" "> 1×" "${v}×" \
    "$(awk -v v="$v" 'BEGIN{print (v > 1) ? "✅" : "❌"}')"
  v=$(ratio "${R[$T,df_rss]}" "${R[$T,two_rss]}")
  trow "$TR" "dataframe peer's peak RSS / two workers' peak RSS" "≥ 10×" "${v}× ($(fmt_mib "${R[$T,df_rss]}") / $(fmt_mib "${R[$T,two_rss]}") MiB)" "$(verdict "$v" ">=" 10)"
fi
if [ -n "${R[cg,memo]:-}" ]; then
  trow "$(group "$CG_ROWS")" "the rules' instructions a row (bench-rules, callgrind; --no-memo on $(group "${CG_PLAIN_ROWS:-0}") rows: $(group "${R[cg,no-memo]}"))" "≤ 8,000" "$(group "${R[cg,memo]}")" "$(verdict "${R[cg,memo]}" "<=" 8000)"
fi
for N in $SIZES; do
  rss=0
  for k in one two report; do
    [ "${R[$N,${k}_st]:-1}" = 0 ] && [ "${R[$N,${k}_rss]}" -gt "$rss" ] && rss=${R[$N,${k}_rss]}
  done
  [ "$rss" -gt 0 ] && trow "$(group "$N")" "peak RSS of govrules (classify --jobs 1 and 2, report)" "≤ 64 MiB" "$(fmt_mib "$rss") MiB" "$(verdict "$(fmt_mib "$rss")" "<=" 64)"
  if [ "${R[$N,report_st]:-1}" = 0 ] && [ "${R[$N,one_st]:-1}" = 0 ]; then
    v=$(ratio "${R[$N,report]}" "${R[$N,one]}")
    trow "$(group "$N")" "report time / classify time, both one worker" "≤ 1.2×" "${v}×" "$(verdict "$v" "<=" 1.2)"
  fi
  for k in plain df stock; do
    a=${R[$N,${k}_agree]:-}
    [ -n "$a" ] || continue
    case $k in plain) l="plain-Lua peer" ;; df) l="dataframe peer" ;; stock) l="rules under stock lua5.4" ;; esac
    trow "$(group "$N")" "$l agrees with govrules on every row" "all rows" "${a%%,*}" "$([ "${a#agree}" != "$a" ] && echo ✅ || echo ❌)"
  done
  if [ -n "${R[$N,j2_differs]:-}" ]; then trow "$(group "$N")" "--jobs 2 output = --jobs 1 output" "identical" "differs" "❌"; fi
done
# Linear growth: rows/s of one worker at each size against the smallest.
PREV=""
for N in $SIZES; do
  [ "${R[$N,one_st]:-1}" = 0 ] || continue
  if [ -n "$PREV" ]; then
    v=$(awk -v a="${R[$N,one]}" -v b="${R[$PREV,one]}" -v n="$N" -v p="$PREV" 'BEGIN{printf "%.2f", (a / n) / (b / p)}')
    trow "$(group "$N")" "time a row, one worker, against $(group "$PREV") rows (linear = 1.00)" "≤ 1.2" "$v" "$(verdict "$v" "<=" 1.2)"
  fi
  PREV=$N
done

# --- BENCHMARKS.md ----------------------------------------------------------------------------
CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
MEM=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
SWIFTV=$(swift --version 2>&1 | head -1)
LUAV=$(lua5.4 -v 2>&1 | head -1 | awk '{print $1, $2}')
PYV=$(python3 --version 2>&1)
GOVV=$("$BIN" --version 2>/dev/null || echo unknown)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ "$COMMIT" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no -- Sources rules scripts Package.swift 2>/dev/null)" ]; then
  COMMIT="$COMMIT (with uncommitted changes)"
fi
FINDINGS=""
if [ -f "$OUT" ] && grep -q '^## Findings' "$OUT"; then FINDINGS=$(sed -n '/^## Findings/,$p' "$OUT"); fi

{
  echo "# Benchmarks"
  echo
  echo "Generated by \`scripts/bench.sh${ARGS[*]:+ ${ARGS[*]}}\` (\`make bench\`) on $STARTED, govrules $GOVV, commit $COMMIT."
  echo "Re-run it to refresh everything above **Findings**; that section is written by hand and kept."
  echo
  echo "## Machine"
  echo
  echo "- $(nproc) CPUs ($CPU), $MEM RAM, Linux $(uname -r)"
  echo "- $SWIFTV; $LUAV; $PYV; $DFV"
  echo "- load average (1, 5, 15 min) at start: $LOAD_START; at end: $LOAD_END. Wall times carry whatever else ran."
  echo
  echo "## Method"
  echo
  echo "- Ledgers in bench-data/: \`python3 scripts/gen-ledger.py --rows N --seed $SEED --year $YEAR\` (Chinese headers, every"
  echo "  outcome and deadline path, ~15% open); 5,000,000 rows are the 1,000,000-row ledger five times, each copy's ids"
  echo "  prefixed (R2-, R3-, …) so that they stay unique. $MB_NOTE."
  echo "- govrules: \`govrules classify LEDGER --as-of $AS_OF --jobs N -o FILE\` and \`govrules report LEDGER --year $YEAR"
  echo "  --format json --jobs 1\`, release build, decision memo on (the default)."
  echo "- The peers read the same ledger and write govrules' columns; each is compared with govrules' output row by row"
  echo "  on outcome, status, start, due and final_due (\`scripts/compare-outputs.py\`):"
  echo "  - plain Lua: \`lua5.4 scripts/peers/plain.lua $HOLIDAYS LEDGER $AS_OF\`, decisions.md §2–§3 written"
  echo "    directly (no rules/, no step table), working days from a prefix-sum array built from the holiday notices;"
  echo "  - dataframe: \`bench-data/venv/bin/python scripts/peers/dataframe.py $HOLIDAYS LEDGER $AS_OF\`, polars"
  echo "    expressions for the decision and numpy on day numbers for every deadline at once;"
  echo "  - rules under stock lua5.4: \`lua5.4 scripts/plain-lua-classify.lua rules LEDGER $AS_OF\`, our rules/ through"
  echo "    a loop, no sandbox (what the previous benchmark called its peer; one run at 1,000,000 rows, none above)."
  printf '%s' "$AGREE"
  echo "- bench-rules: \`govrules bench-rules LEDGER --as-of $AS_OF\` times only the calls into the rules (rows read and"
  echo "  decoded in blocks outside the clock). Instructions a row: valgrind --tool=callgrind on $(group "$CG_ROWS") rows ($(group "${CG_PLAIN_ROWS:-0}") with --no-memo),"
  echo "  \`--toggle-collect=gr_call_row\` (building the row's table, the rules, reading the results back), divided by"
  echo "  the rows: $CG_NOTE."
  echo "- Wall time, CPU time (user + system) and peak RSS from \`/usr/bin/time -f '%e %M %U %S'\`; the median of 3"
  echo "  runs by wall time (5,000,000 rows: one run); peak RSS is the largest of the runs. The targets use the"
  echo "  $(group "$T")-row figures."
  echo
  echo "## Results"
  echo
  echo "| rows | measurement | wall s | CPU s | rows/s (wall) | peak RSS MiB |"
  echo "|---:|---|---:|---:|---:|---:|"
  printf '%s' "$TABLE"
  echo
  echo "## Targets (issue 15)"
  echo
  echo "| rows | target | limit | measured | |"
  echo "|---:|---|---|---:|---|"
  printf '%s' "$TARGETS"
  echo
  if [ -n "$FINDINGS" ]; then printf '%s\n' "$FINDINGS"; else printf '## Findings\n\n(not written yet)\n'; fi
} >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
say "wrote $OUT"
echo
sed -n '/^## Results/,/^## Findings/p' "$OUT" | sed '$d'

# --- profile ----------------------------------------------------------------------------------
if [ "$PROFILE" = 1 ]; then
  PL="$DATA/ledger-$PROFILE_ROWS-s$SEED.csv"
  [ -s "$PL" ] || python3 scripts/gen-ledger.py --rows "$PROFILE_ROWS" --seed "$SEED" --year "$YEAR" -o "$PL"
  cp "$BIN" "$TMP/govrules-p" && { strip -g "$TMP/govrules-p" 2>/dev/null || true; }
  say "callgrind on classify, $PROFILE_ROWS rows (bench-data/callgrind.out)"
  valgrind --tool=callgrind --callgrind-out-file="$DATA/callgrind.out" \
    "$TMP/govrules-p" classify "$PL" --as-of "$AS_OF" --lua-instructions 400000000 -o "$DATA/classified-profile.csv" 2>"$TMP/vg" || {
      grep -v row-warning "$TMP/vg" | tail -20 >&2; exit 1; }
  DEMANGLE=cat
  if swift demangle --help >/dev/null 2>&1; then DEMANGLE="swift demangle --simplified"; fi
  echo "callgrind, inclusive instruction counts (top 45):"
  callgrind_annotate --inclusive=yes "$DATA/callgrind.out" 2>/dev/null | grep -E '^ *[0-9,]+ \(' | sed -n '1,45p' | $DEMANGLE | cut -c1-160
fi
