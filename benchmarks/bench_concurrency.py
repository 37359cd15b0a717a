"""Concurrency and faults (issue 6). Prints a table; ``--quick`` for a smaller run.

1. Imports under contention: P planner processes start at the same instant, each committing its own files (distinct
   units and months) into one database file; once with the default busy timeout, once with an impatient one.
   Counts committed / "busy" outcomes and verifies every committed value afterwards.
2. Sessions served: 20 browser-less sessions (Streamlit's websocket protocol, real script runs, plus HTTP GETs)
   against ``streamlit run app.py`` while another process imports; bounded at 400 requests / 60 s.
3. kill -9 during commit, repeated (≥ 20): a process committing a large batch is killed at a random moment;
   each time the database must hold all of the batch or none of it, and open cleanly.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.store.connection import connect, first_row
from analytics.store.units import save_units
from tests.fixtures import UNITS
from tests.fixtures_load import (
    S1_BRANCHES,
    S2_BRANCHES,
    WRITER,
    AppServer,
    database_state,
    outcomes,
    serve_sessions,
    start_importer,
    write_book,
)

Row = tuple[str, str, str]


def new_db(folder: Path, name: str) -> Path:
    path = folder / name
    with connect(path) as con:
        save_units(con, UNITS)
    return path


def contention(folder: Path, processes: int, files_each: int, busy_timeout: str) -> list[Row]:
    """P importers × F files at the same instant; every committed value must be in the database afterwards."""
    db = new_db(folder, f"contention_{busy_timeout}.duckdb")
    books, expected = [], {}
    for p in range(processes):
        mine = []
        for f in range(files_each):
            month = 1 + p * files_each + f  # distinct months per file: no key is written twice
            path, rows = write_book(
                folder, f"c{busy_timeout}_{month:02d}.xlsx", S1_BRANCHES + S2_BRANCHES, month, 500.0
            )
            mine.append(path)
            expected[str(path)] = rows
        books.append(mine)
    start = time.time() + 5.0
    env = {"ANALYTICS_BUSY_TIMEOUT": busy_timeout}
    procs = [start_importer(db, f"p{p}", files, start, env) for p, files in enumerate(books)]
    results = [r for proc in procs for r in outcomes(proc, timeout=600)]
    wall = time.time() - start
    committed = [r for r in results if r["status"] == "committed"]
    busy = [r for r in results if r["status"] == "busy"]
    want = sorted(row for r in committed for row in expected[r["file"]])
    batches, observations, current = database_state(db)
    ok = batches == len(committed) and observations == len(want) and current == want
    label = f"imports: {processes} processes × {files_each}, busy timeout {busy_timeout} s"
    return [
        (
            label,
            "committed / busy / other",
            f"{len(committed)} / {len(busy)} / {len(results) - len(committed) - len(busy)}",
        ),
        (label, "wall time from the common start", f"{wall:.1f} s"),
        (label, "every committed value present, nothing else", "yes" if ok else "NO"),
    ]


def sessions(folder: Path) -> list[Row]:
    """20 sessions while 6 imports run in another process."""
    db = new_db(folder, "sessions.duckdb")
    first, _ = write_book(folder, "s01.xlsx", S1_BRANCHES, 1, 1000.0)
    command = [sys.executable, "-m", "analytics", "import", str(first), "--db", str(db)]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    files = [write_book(folder, f"s{m:02d}.xlsx", S1_BRANCHES + S2_BRANCHES, m, 1000.0) for m in range(2, 8)]
    server = AppServer(db, folder / "demo.duckdb", folder / "server.log")
    try:
        importer = start_importer(db, "p1", [p for p, _ in files], time.time() + 2.0, {})
        started = time.monotonic()
        load = serve_sessions(server.url)
        elapsed = time.monotonic() - started
        results = outcomes(importer)
    finally:
        server.stop()
    committed = sum(r["status"] == "committed" for r in results)
    expected = 4 + sum(len(rows) for (_, rows), r in zip(files, results, strict=True) if r["status"] == "committed")
    batches, observations, _ = database_state(db)
    latencies = sorted(load.latencies) or [0.0]
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    label = "sessions: 20 browser-less, while importing"
    return [
        (label, "requests (script runs + GETs) in", f"{load.requests} ({load.runs} + {load.gets}) in {elapsed:.1f} s"),
        (label, "errors seen", str(len(load.errors)) + (f" — {load.errors[0][:60]}" if load.errors else "")),
        (
            label,
            "latency median / p95 / max",
            f"{statistics.median(latencies):.2f} / {p95:.2f} / {latencies[-1]:.2f} s",
        ),
        (label, "imports committed / busy", f"{committed} / {len(results) - committed}"),
        (label, "batches' values all present", "yes" if (batches, observations) == (1 + committed, expected) else "NO"),
    ]


def _start_writer(db: Path, rows: int) -> subprocess.Popen:
    """test_durability's writer: prints "ready" once the database is open, then commits ``rows`` values."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), str(rows)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def _counts(db: Path) -> tuple[int, int, int]:
    with connect(db, read_only=True) as con:
        batches = first_row(con, "SELECT count(*) FROM batches")[0]  # type: ignore[index]
        observations = first_row(con, "SELECT count(*) FROM observations")[0]  # type: ignore[index]
        current = first_row(con, "SELECT count(*) FROM current")[0]  # type: ignore[index]
    return batches, observations, current


def kill_during_commit(folder: Path, repeats: int, rows: int) -> list[Row]:
    """Kill a committing writer at random moments; each time: all or none of the batch, and the file opens."""
    probe = _start_writer(new_db(folder, "probe.duckdb"), rows)
    started = time.monotonic()
    probe.communicate()
    commit_seconds = time.monotonic() - started
    rng = random.Random(6)
    seen = {"none": 0, "all": 0, "broken": 0}
    for i in range(repeats):
        db = new_db(folder, f"kill_{i}.duckdb")
        proc = _start_writer(db, rows)
        time.sleep(rng.uniform(0.0, commit_seconds * 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        try:
            counts = _counts(db)
        except Exception:  # a database that no longer opens counts as broken
            counts = (-1, -1, -1)
        seen[{(0, 0, 0): "none", (1, rows, rows): "all"}.get(counts, "broken")] += 1
        db.unlink(missing_ok=True)
    label = f"kill -9 during a {rows:,}-row commit, ×{repeats}"
    return [
        (label, "commit time without a kill", f"{commit_seconds:.2f} s"),
        (label, "none / all / broken", f"{seen['none']} / {seen['all']} / {seen['broken']}"),
        (label, "all-or-none every time", "yes" if seen["broken"] == 0 else "NO"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer processes and a smaller kill batch")
    parser.add_argument("--repeats", type=int, default=20, help="kill -9 repetitions (≥ 20 for the issue)")
    args = parser.parse_args()
    processes, files_each, rows = (2, 2, 300_000) if args.quick else (4, 3, 1_000_000)
    table: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench_concurrency_") as tmp:
        folder = Path(tmp)
        for busy in ("15", "0.5"):
            table += contention(folder, processes, files_each, busy)
        table += sessions(folder)
        table += kill_during_commit(folder, args.repeats, rows)
    width = max(len(label) for label, _, _ in table)
    measure = max(len(m) for _, m, _ in table)
    print(f"{'scenario':<{width}}  {'measure':<{measure}}  result")
    for label, what, value in table:
        print(f"{label:<{width}}  {what:<{measure}}  {value}")


if __name__ == "__main__":
    main()
