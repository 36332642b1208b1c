#!/usr/bin/env python3
"""Compares two classification CSVs row by row: `govrules classify` and scripts/plain-lua-classify.lua.

    python3 scripts/compare-outputs.py GOVRULES.csv PLAIN.csv

Both files hold the input columns followed by result columns. Rows are matched in order and
must carry the same application id (the first column); the fields compared are outcome, status,
start, due and final_due. Prints a one-line verdict (and the first differences); exit status 0
when every row agrees, 1 otherwise. Python 3 standard library only.
"""

import csv
import sys

FIELDS = ["outcome", "status", "start", "due", "final_due"]


def rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        # The result columns come last: take the last occurrence of each name.
        index = {name: i for i, name in enumerate(header)}
        missing = [n for n in FIELDS if n not in index]
        if missing:
            sys.exit(f"{path}: no column {', '.join(missing)}")
        cols = [index[n] for n in FIELDS]
        for rec in reader:
            yield rec[0], [rec[i] for i in cols]


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 64
    a_path, b_path = argv[1], argv[2]
    total = mismatched = 0
    shown = []
    a_rows, b_rows = rows(a_path), rows(b_path)
    while True:
        a = next(a_rows, None)
        b = next(b_rows, None)
        if a is None and b is None:
            break
        if a is None or b is None:
            longer = a_path if b is None else b_path
            print(f"differ: {longer} has more rows (after {total})")
            return 1
        total += 1
        if a[0] != b[0]:
            print(f"differ: row {total}: id {a[0]!r} vs {b[0]!r}: the files are not in the same order")
            return 1
        if a[1] != b[1]:
            mismatched += 1
            if len(shown) < 10:
                diffs = [f"{n}: {x!r} vs {y!r}" for n, x, y in zip(FIELDS, a[1], b[1]) if x != y]
                shown.append(f"  {a[0]}: " + "; ".join(diffs))
    if mismatched:
        print(f"differ: {mismatched} of {total} rows ({', '.join(FIELDS)}):")
        print("\n".join(shown))
        return 1
    print(f"agree: {total} rows, fields {', '.join(FIELDS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
