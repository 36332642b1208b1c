# bench-xlsx.sh: the .xlsx lines of `make bench`, sourced by bench.sh (issue 12).
#
# bench_xlsx N LEDGER: converts the N-row CSV ledger to a workbook (scripts/csv-to-xlsx.py; once,
# kept in bench-data/, never committed) and measures govrules classify on it with --jobs 1 and 2:
# rows/s and peak RSS beside the CSV figures. The results must be the CSV's, byte for byte.
bench_xlsx() {
  local n=$1 ledger=$2 rows
  local book="${ledger%.csv}.xlsx"
  rows=$(group "$n")
  if [ ! -s "$book" ] || [ "$ledger" -nt "$book" ] || [ scripts/csv-to-xlsx.py -nt "$book" ]; then
    say "generating $book"
    python3 scripts/csv-to-xlsx.py "$ledger" "$book.tmp"
    mv "$book.tmp" "$book"
  fi
  local mb
  mb=$(du -m "$book" | cut -f1)
  local jobs
  for jobs in 1 2; do
    say "$n rows: govrules classify LEDGER.xlsx --jobs $jobs (median of $RUNS)"
    measure "$RUNS" /dev/null "$BIN" classify "$book" --as-of "$AS_OF" --jobs "$jobs" -o "$DATA/classified-$n-xlsx.csv"
    if [ "$M_STATUS" = 0 ]; then
      row "$rows" "govrules classify .xlsx ($mb MB) --jobs $jobs" "$M_WALL" "$M_CPU" "$(fmt_rate "$n" "$M_WALL")" "$(fmt_mib "$M_RSS")"
      if ! cmp -s "$DATA/classified-$n.csv" "$DATA/classified-$n-xlsx.csv"; then
        echo "bench.sh: WARNING: classify of the .xlsx differs from the CSV's at $n rows" >&2
      fi
    else
      row "$rows" "govrules classify .xlsx --jobs $jobs" "failed (exit $M_STATUS)" "" "" ""
    fi
  done
}
