"""Speed and size of the meeting exports for the demo group's full deck.

Creates the demo group in benchmarks/out/demo.duckdb when it is absent, then times, for each format, the whole
export as the presenter gets it (read the database, compute every slide, write the file), and prints a table.

    python benchmarks/bench_export.py [--db benchmarks/out/demo.duckdb] [--lang zh] [--no-pdf]

Targets: each of html, pptx, xlsx ≤ 3 s (PDF aside: it runs a browser); the HTML ≤ 8 MB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.reports.deck import DEFAULT_DECK, build_deck, parse_deck
from analytics.reports.export import FORMATS, export_report, render
from analytics.reports.marking import mark_now
from analytics.reports.pdf import PdfUnavailable
from analytics.services.demo import create_demo
from analytics.services.exports import load_source

TARGET_SECONDS = 3.0
HTML_LIMIT_MB = 8.0
DEFAULT_DB = ROOT / "benchmarks" / "out" / "demo.duckdb"
# the default deck plus a second pair and a second unit: 10 charts
FULL_DECK = DEFAULT_DECK + ",scatter:vanguard_posts~quality_pass_rate@2,lag:integrity_education~total_profit,unit:GC07"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--lang", default="zh")
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args()
    if not args.db.exists():
        args.db.parent.mkdir(parents=True, exist_ok=True)
        print(f"creating the demo group in {args.db} …", flush=True)
        create_demo(args.db)
    specs = parse_deck(FULL_DECK)
    started = time.perf_counter()
    source = load_source(args.db)
    loaded = time.perf_counter()
    deck = build_deck(source, specs, lang=args.lang)
    built = time.perf_counter()
    print(f"deck: {len(deck.slides)} slides ({deck.text})")
    print(f"read database {loaded - started:.2f} s · compute slides {built - loaded:.2f} s")
    print("seconds = read + compute + write, as the export command does; render only = writing the file\n")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for fmt in FORMATS:
            if fmt == "pdf" and args.no_pdf:
                continue
            out = Path(folder) / f"report.{fmt}"
            t0 = time.perf_counter()
            try:
                export_report(load_source(args.db), specs, fmt, out, lang=args.lang)
            except PdfUnavailable as exc:
                rows.append((fmt, float("nan"), 0.0, f"skipped: {exc}"))
                continue
            seconds = time.perf_counter() - t0
            render_only = f"{_render_seconds(deck, fmt):.2f} s" if fmt != "pdf" else "—"
            size = out.stat().st_size / 1e6
            target = "(PDF aside)" if fmt == "pdf" else ("ok" if seconds <= TARGET_SECONDS else "SLOW")
            if fmt == "html" and size > HTML_LIMIT_MB:
                target += " TOO BIG"
            rows.append((fmt, seconds, size, f"{target}; render only {render_only}"))
    print(f"{'format':<7}{'seconds':>9}{'MB':>8}  target ≤ {TARGET_SECONDS:g} s, html ≤ {HTML_LIMIT_MB:g} MB")
    for fmt, seconds, size, note in rows:
        print(f"{fmt:<7}{seconds:>9.2f}{size:>8.2f}  {note}")


def _render_seconds(deck, fmt: str) -> float:
    t0 = time.perf_counter()
    render(deck, fmt, mark_now("bench"))
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
