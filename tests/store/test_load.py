"""Concurrency: two planners committing at the same moment, and app sessions served while imports run.

Either an import commits or it says "busy, try again" (exit 1); the database is never corrupt or half-written,
and every committed batch's values are there afterwards. The session load is bounded (MAX_REQUESTS, DEADLINE).
Sessions are browser-less: a websocket client speaks Streamlit's protocol (BackMsg rerun_script → ForwardMsgs
until script_finished), so each request runs the real app script against the database; plus plain HTTP GETs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.fixtures import ROOT
from tests.fixtures_load import (
    MAX_REQUESTS,
    S1_BRANCHES,
    S2_BRANCHES,
    SESSIONS,
    AppServer,
    database_state,
    outcomes,
    serve_sessions,
    start_importer,
    write_book,
)


@pytest.mark.slow
@pytest.mark.parametrize("busy_timeout", ["5", "0"])
def test_two_planners_committing_at_the_same_moment(db, tmp_path, busy_timeout):
    """With a patient writer both commit; with an impatient one (0 s) the loser may say busy. Never half-written."""
    committed: list[tuple] = []
    batches_seen = 0
    for round_ in range(2):
        month = 9 + round_
        a, rows_a = write_book(tmp_path, f"a{month}.xlsx", S1_BRANCHES, month, 1000.0)
        b, rows_b = write_book(tmp_path, f"b{month}.xlsx", S2_BRANCHES, month, 2000.0)
        start = time.time() + 4.0  # both have imported pandas and friends by then
        env = {"ANALYTICS_BUSY_TIMEOUT": busy_timeout}
        procs = [start_importer(db, "p1", [a], start, env), start_importer(db, "p2", [b], start, env)]
        results = [outcomes(p)[0] for p in procs]
        assert {r["status"] for r in results} <= {"committed", "busy"}
        if busy_timeout != "0":
            assert [r["status"] for r in results] == ["committed", "committed"]
        for result, rows in zip(results, (rows_a, rows_b), strict=True):
            if result["status"] == "committed":
                committed += rows
                batches_seen += 1
        batches, observations, current = database_state(db)
        assert (batches, observations) == (batches_seen, len(committed))
        assert current == sorted(committed)


def test_the_cli_says_busy_and_exits_1(db, tmp_path):
    """The planner's command line when another process holds the database past the busy timeout."""
    path, _ = write_book(tmp_path, "a.xlsx", S1_BRANCHES, 10, 1000.0)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('held', flush=True); "
         "time.sleep(30)", str(db)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        done = subprocess.run(
            [sys.executable, "-m", "analytics", "import", str(path), "--db", str(db)],
            capture_output=True, text=True, cwd=ROOT, timeout=60,
            env={**os.environ, "ANALYTICS_BUSY_TIMEOUT": "0.5"},
        )  # fmt: skip
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 1
    assert "数据库正忙，请稍后重试。 / The database is busy; try again." in done.stderr
    assert database_state(db)[:2] == (0, 0)


@pytest.mark.slow
def test_sessions_are_served_while_imports_run(db, tmp_path):
    first, expected = write_book(tmp_path, "m01.xlsx", S1_BRANCHES, 1, 1000.0)
    subprocess.run([sys.executable, "-m", "analytics", "import", str(first), "--db", str(db)], cwd=ROOT, check=True)
    files = []
    for month in range(2, 8):
        path, rows = write_book(tmp_path, f"m{month:02d}.xlsx", S1_BRANCHES + S2_BRANCHES, month, 1000.0)
        files.append((path, rows))
    server = AppServer(db, tmp_path / "demo.duckdb", tmp_path / "server.log")
    try:
        importer = start_importer(db, "p1", [p for p, _ in files], time.time() + 2.0, {})
        load = serve_sessions(server.url)
        results = outcomes(importer)
    finally:
        server.stop()
    assert load.requests <= MAX_REQUESTS
    assert load.errors == [], server.tracebacks()
    assert load.runs + load.gets == load.requests
    assert load.runs >= SESSIONS  # every session ran the app at least once
    assert {r["status"] for r in results} <= {"committed", "busy"}
    assert any(r["status"] == "committed" for r in results)
    for result, (_, rows) in zip(results, files, strict=True):
        if result["status"] == "committed":
            expected += rows
    batches, observations, current = database_state(db)
    assert (batches, observations) == (1 + sum(r["status"] == "committed" for r in results), len(expected))
    assert current == sorted(expected)
