"""What the cross-checks (勾稽关系, issue 15) add to an import. Prints a table.

A 2,000-unit × 120-metric workbook is validated (read, parse, history check, scope, cross-checks; no preview)
against a database of the scale group (2,000 units under 20 subsidiaries, 120 metrics, a few months stored),
without rules and with 20 rules (equalities within a tolerance, inequalities, ``headcount``, ``sum_children``,
errors and warnings). Target: the rules add ≤ 0.1 s.

Two uploads: every metric (each operand in the upload), and one without 20 of the metrics (those operands are
read from the store). The check alone (analytics.stats.rules.check_rules on the staged frame,
with the store's operands) is timed too.

    python benchmarks/bench_rules.py [--units 2000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.model.rules import make_rule
from analytics.services import imports
from analytics.services.imports import Upload, validate
from analytics.store.connection import connect
from analytics.store.metrics import metric_ids
from analytics.store.rules import save_rules
from benchmarks.scale import FIRST_MONTH, build_scale_db, wide_workbook

OUT = ROOT / "benchmarks" / "out"
MONTHS = 3  # stored months before the upload (the history check and the store's operands)
TARGET = 0.1

RULES = [  # 20 rules over the scale catalog's m000…m119 (values 50…150)
    ("R01", "m001 + m002", ">=", "m003", "", "error"),
    ("R02", "m010", "<=", "3 * m011", "", "error"),
    ("R03", "m020 * 1000 / headcount", ">=", "0", "", "error"),
    ("R04", "m030", "=", "m030 * 1.001", "0.01", "error"),
    ("R05", "m040 / m041", "<=", "3", "", "error"),
    ("R06", "m050", "<=", "148", "", "warning"),
    ("R07", "m061 - m062", "<", "m063 + 100", "", "error"),
    ("R08", "(m070 + m071) / 2", ">=", "m072 / 3", "", "error"),
    ("R09", "m080", "=", "m080", "", "error"),
    ("R10", "m090 * m091", ">", "0", "", "error"),
    ("R11", "m090 + m100", ">=", "m102", "", "error"),  # m100…m119 are absent from the second upload
    ("R12", "m091", "<=", "m104 * 3", "", "error"),
    ("R13", "m092 * m105 / headcount", ">=", "0", "", "warning"),
    ("R14", "m093", "=", "sum_children(m093)", "0.01", "error"),  # subsidiaries are not in the upload: skipped
    ("R15", "m094 + m108 + m109", "<=", "450", "", "error"),
    ("R16", "m095", ">=", "m111 / 3", "", "error"),
    ("R17", "m096 - m113", "<=", "100", "", "error"),
    ("R18", "m097 + m114", "<", "299", "", "warning"),
    ("R19", "m098 * 2", ">=", "m116 * 0.5", "", "error"),
    ("R20", "-m099 + m118", "<=", "m119 + 100", "", "error"),
]


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def without_rules() -> contextlib.AbstractContextManager:
    """The import as if no rule were stored (the rules stay in the database: runs with and without alternate)."""
    return mock.patch.object(imports, "usable_rules", lambda con, known: ([], []))


def measure(db: Path, uploads: dict[str, Upload], repeat: int) -> list[tuple]:
    """Per upload: (label, values, validate without rules, with the 20 rules, their paired difference, the check
    alone, rule issues) — medians of ``repeat`` alternating runs."""
    with connect(db) as con:
        known = metric_ids(con)
        columns = ("code", "left", "op", "right", "tolerance", "severity")
        save_rules(con, [make_rule(dict(zip(columns, r, strict=True)), known) for r in RULES], "bench")
    rows = []
    for label, upload in uploads.items():
        plain, checked = [], []
        for _ in range(repeat):
            with without_rules():
                plain.append(timed(lambda u=upload: validate(db, [u], preview=False)))
            checked.append(timed(lambda u=upload: validate(db, [u], preview=False)))
        added = [c - p for p, c in zip(plain, checked, strict=True)]
        validation = validate(db, [upload], preview=False)
        inputs = imports._gather(db, [upload], imports.default_limits())
        fetch = imports._fetcher(db, inputs.ids, None)
        staged = validation.staged
        alone = [timed(lambda s=staged, i=inputs, f=fetch: imports._rule_failures(s, i, f)) for _ in range(repeat)]
        issues = sum(1 for i in validation.issues if i.code == "rule_failed")
        median = statistics.median
        rows.append((label, len(staged), median(plain), median(checked), median(added), median(alone), issues))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=7)
    options = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / f"bench_rules_{options.units}.duckdb"
    built = build_scale_db(db, units=options.units, months=MONTHS)
    period = FIRST_MONTH + MONTHS
    full = Upload("full.xlsx", wide_workbook(options.units, period=period))
    partial = Upload("partial.xlsx", wide_workbook(options.units, metrics=100, period=period))
    print(f"database: {options.units} units × 120 metrics × {MONTHS} months, built in {built:.1f} s")
    uploads = {"every operand in the upload": full, "20 metrics from the store": partial}
    rows = measure(db, uploads, options.repeat)
    print(
        "\n| upload | values | validate, no rules (median s) | with 20 rules | added (median of pairs) "
        "| the check alone | rule issues |\n|---|---:|---:|---:|---:|---:|---:|"
    )
    worst = 0.0
    for label, values, plain, checked, added, alone, issues in rows:
        worst = max(worst, added, alone)
        print(f"| {label} | {values:,} | {plain:.3f} | {checked:.3f} | {added:+.3f} | {alone:.3f} | {issues} |")
    print(f"\ntarget: the rules add ≤ {TARGET} s — {'met' if worst <= TARGET else 'NOT met'} ({worst:.3f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
