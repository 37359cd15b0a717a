"""Every benchmark, one after another, each in its own process; then one summary table (``make bench``).

    python benchmarks/run_all.py            # the SPEC §7 scale (tens of minutes; builds benchmarks/out/ data once)
    python benchmarks/run_all.py --quick    # smaller runs of the same code paths (a few minutes)
    python benchmarks/run_all.py --only bench_read,house_metrics

Each benchmark prints its own table (kept as it streams); the summary says how long each took and whether it
finished. Nothing here asserts a time: the targets live in the issues and the figures go in the closing notes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name -> (arguments for the full run, arguments for --quick)
BENCHMARKS: dict[str, tuple[list[str], list[str]]] = {
    "house_metrics": ([str(HERE.parent)], [str(HERE.parent)]),
    "bench_read": ([], ["--rows", "2000", "--runs", "1"]),
    "bench_import": ([], []),
    "bench_correlations": ([], ["--quick", "--units", "200"]),
    "bench_integration": ([], ["--units", "200"]),
    "bench_overview": ([], []),
    "bench_export": ([], ["--no-pdf"]),
    "bench_concurrency": ([], ["--quick"]),
    "bench_pages": ([], ["--repeats", "1"]),
    "bench_rules": ([], ["--repeat", "3"]),
}


def run(name: str, args: list[str]) -> tuple[float, int]:
    print(f"\n## {name} {' '.join(args)}", flush=True)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(HERE / f"{name}.py"), *args], cwd=HERE.parent, check=False)
    return time.perf_counter() - started, done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs of every benchmark")
    parser.add_argument("--only", default="", help="comma-separated benchmark names (default: all)")
    options = parser.parse_args(argv)
    chosen = [n for n in options.only.split(",") if n] or list(BENCHMARKS)
    unknown = sorted(set(chosen) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    results = [(name, *run(name, BENCHMARKS[name][1 if options.quick else 0])) for name in chosen]
    print("\n| benchmark | wall s | result |\n|---|---:|---|")
    for name, seconds, code in results:
        print(f"| {name} | {seconds:.1f} | {'ok' if code == 0 else f'exit {code}'} |")
    return max((code != 0 for _, _, code in results), default=False)


if __name__ == "__main__":
    sys.exit(main())
