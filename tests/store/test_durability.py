"""Nothing lost: a process killed during a commit leaves all or none of the batch; a busy file is reported."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from analytics.store.connection import DatabaseBusy, connect, first_row
from tests.fixtures_load import WRITER

ROWS = 1_500_000


def _counts(path: Path) -> tuple[int, int, int]:
    with connect(path, read_only=True) as con:
        batches = first_row(con, "SELECT count(*) FROM batches")[0]
        obs = first_row(con, "SELECT count(*) FROM observations")[0]
        cur = first_row(con, "SELECT count(*) FROM current")[0]
    return batches, obs, cur


@pytest.mark.parametrize("delay", [0.05, 0.3, 0.8, 1.5])
def test_kill_during_commit_leaves_all_or_none(tmp_path: Path, delay: float):
    path = tmp_path / "kill.duckdb"
    with connect(path):
        pass
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(ROWS)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "PYTHONPATH": "."},
    )
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    batches, obs, cur = _counts(path)
    assert (batches, obs, cur) in {(0, 0, 0), (1, ROWS, ROWS)}


def test_a_writer_finds_the_file_busy_and_says_so(tmp_path: Path, monkeypatch):
    path = tmp_path / "busy.duckdb"
    with connect(path):
        pass
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(30)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("ANALYTICS_BUSY_TIMEOUT", "0.5")
        started = time.monotonic()
        with pytest.raises(DatabaseBusy), connect(path):
            pass
        assert time.monotonic() - started >= 0.5  # it retried for the bounded time first
        started = time.monotonic()
        with pytest.raises(DatabaseBusy), connect(path, wait=False):  # the import's early open: no waiting
            pass
        assert time.monotonic() - started < 0.5
    finally:
        holder.kill()
        holder.wait()
    with connect(path, read_only=True) as con:
        assert first_row(con, "SELECT count(*) FROM batches")[0] == 0


def test_a_writer_waits_for_a_reader_in_the_same_process(tmp_path: Path):
    """The app's sessions share one process: a write that meets another session's read-only open waits for it."""
    path = tmp_path / "shared.duckdb"
    with connect(path):
        pass
    opened, release = threading.Event(), threading.Event()

    def reader() -> None:
        with connect(path, read_only=True):
            opened.set()
            release.wait(5)

    thread = threading.Thread(target=reader)
    thread.start()
    opened.wait(5)
    threading.Timer(0.3, release.set).start()
    started = time.monotonic()
    with connect(path) as con:  # retried until the reader closed, instead of failing at once
        con.execute("INSERT INTO meta VALUES ('probe', '1')")
    thread.join()
    assert time.monotonic() - started >= 0.25
