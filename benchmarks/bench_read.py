"""Time ``read_workbook`` against ``pandas.read_excel(engine='openpyxl')`` on a big xlsx.

Writes a 20,000 x 120 workbook (unit code and name, 118 numeric metrics, one percent
column, one formula column with cached values) to ``benchmarks/out/`` and prints both
timings and their ratio. Run: ``python benchmarks/bench_read.py [--rows N] [--cols N]``.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import pandas as pd
import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics.ingest.workbooks import read_workbook

OUT = Path(__file__).resolve().parent / "out"
PERCENT_COL = 5
FORMULA_COL = 7
SEED = 20261031


def write_workbook(path: Path, rows: int, cols: int) -> None:
    """A header row and ``rows`` data rows of ``cols`` columns, streamed by xlsxwriter."""
    rng = random.Random(SEED)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("经营")
    percent = book.add_format({"num_format": "0.00%"})
    sheet.write_row(0, 0, ["单位编码", "单位名称"] + [f"指标{i}" for i in range(2, cols)])
    for r in range(1, rows + 1):
        sheet.write_string(r, 0, f"U{r:05d}")
        sheet.write_string(r, 1, f"单位{r}")
        for c in range(2, cols):
            if c == PERCENT_COL:
                sheet.write_number(r, c, rng.random(), percent)
            elif c == FORMULA_COL:
                sheet.write_formula(r, c, f"=C{r + 1}*2", None, 0.0)
            else:
                sheet.write_number(r, c, round(rng.random() * 10_000, 2))
    book.close()


def best_of(runs: int, action) -> float:
    """The fastest of ``runs`` wall-clock timings, in seconds."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--cols", type=int, default=120)
    parser.add_argument("--runs", type=int, default=3, help="runs of read_workbook (pandas runs once)")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    path = OUT / f"bench_{args.rows}x{args.cols}.xlsx"
    if not path.exists():
        write_workbook(path, args.rows, args.cols)
    content = path.read_bytes()
    print(f"{path.name}: {len(content) / 2**20:.1f} MB")

    ours = best_of(args.runs, lambda: read_workbook(path.name, content))
    book = read_workbook(path.name, content)
    sheet = book.sheets[0]
    print(f"read_workbook: {ours:.2f} s ({len(sheet.rows)} rows, {len(sheet.percent_cells)} percent cells)")
    theirs = best_of(1, lambda: pd.read_excel(path, engine="openpyxl", header=None))
    print(f"pandas.read_excel(openpyxl): {theirs:.2f} s")
    print(f"ratio: {theirs / ours:.1f}x faster")


if __name__ == "__main__":
    main()
