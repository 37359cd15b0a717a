"""The load-test machinery shared by tests/store/test_load.py, tests/store/test_durability.py and the benchmarks:
planner processes importing at a given instant, browser-less Streamlit sessions (a websocket client speaking
Streamlit's protocol: BackMsg rerun_script → ForwardMsgs until script_finished) against a real server, a writer
process to kill during a commit, and the database state to check afterwards."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from analytics.store.connection import connect, first_row
from analytics.store.observations import current_frame
from tests.fixtures import ROOT, SERVER_START_SECONDS, free_port, xlsx

S1_BRANCHES = [("B11", "检修分公司"), ("B12", "一电厂")]
S2_BRANCHES = [("B21", "检修分公司"), ("B22", "二电厂")]
SESSIONS, RUNS_PER_SESSION, GETS_PER_SESSION = 20, 3, 2
MAX_REQUESTS, DEADLINE_SECONDS = 400, 60.0
PAGES = ("", "overview", "correlation", "integration", "import", "completeness", "data")
SCRIPT_OK = (0, 3)  # ScriptFinishedStatus: FINISHED_SUCCESSFULLY, FINISHED_FRAGMENT_RUN_SUCCESSFULLY
RERUN = 2  # FINISHED_EARLY_FOR_RERUN: a switch_page or rerun; the next script_finished ends the run

IMPORTER = """
import json, sys, time
from analytics.store.connection import DatabaseBusy
from analytics.services.imports import Upload, run_import
start, db, user, files = float(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
time.sleep(max(0.0, start - time.time()))
for path in files:
    try:
        result = run_import(db, [Upload.from_path(path)], user=user)
        print(json.dumps({"file": path, "status": result.status, "batch": result.batch_id}), flush=True)
    except DatabaseBusy:
        print(json.dumps({"file": path, "status": "busy", "batch": None}), flush=True)
"""


def month_rows(units: list[tuple[str, str]], month: int, base: float) -> tuple[list[list], list[tuple]]:
    """A wide sheet for one month and the (unit, period, metric, value) rows it should leave in the database."""
    sheet = [
        [f"2026年{month}月党建工作月报"],
        ["序号", "单位编码", "单位名称", "三会一课完成率（%）", "营业收入（万元）"],
    ]
    expected = []
    for i, (code, name) in enumerate(units, start=1):
        rate, revenue = 80.0 + month + i, base + 10.0 * month + i
        sheet.append([i, code, name, rate, revenue])
        period = f"2026-{month:02d}"
        expected += [(code, period, "revenue", revenue), (code, period, "three_meetings_rate", rate)]
    return sheet, expected


def write_book(folder: Path, name: str, units: list[tuple[str, str]], month: int, base: float) -> tuple[Path, list]:
    rows, expected = month_rows(units, month, base)
    path = folder / name
    path.write_bytes(xlsx(rows))
    return path, expected


def start_importer(db: Path, user: str, files: list[Path], start: float, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", IMPORTER, str(start), str(db), user, *map(str, files)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )


def outcomes(proc: subprocess.Popen, timeout: float = 120) -> list[dict]:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def database_state(db: Path) -> tuple[int, int, list[tuple]]:
    """Committed batches, observation rows, and the current values (sorted rows)."""
    with connect(db, read_only=True) as con:
        batches = first_row(con, "SELECT count(*) FROM batches WHERE status = 'committed'")[0]
        observations = first_row(con, "SELECT count(*) FROM observations")[0]
        current = [tuple(r) for r in current_frame(con).itertuples(index=False)]
    return batches, observations, current


WRITER = textwrap.dedent("""
    import sys, numpy as np, pandas as pd
    from analytics.store.connection import connect
    from analytics.store.batches import commit
    n = int(sys.argv[2])
    staged = pd.DataFrame({"uid": np.arange(n) % 1000 + 1, "period": 24000 + np.arange(n) // 120000,
                           "mid": (np.arange(n) // 1000) % 120 + 1, "value": np.arange(n, dtype=float)})
    with connect(sys.argv[1]) as con:
        print("ready", flush=True)
        commit(con, staged, [], "killer")
    print("done", flush=True)
""")


# --- browser-less sessions against a real server ------------------------------------------------------------


@dataclass
class Load:
    """What the sessions saw: requests made, script runs and GETs served, errors, latencies (seconds)."""

    deadline: float
    requests: int = 0
    runs: int = 0
    gets: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def claim(self) -> bool:
        """One more request, unless the bound (count or time) is reached."""
        with self.lock:
            if self.requests >= MAX_REQUESTS or time.monotonic() > self.deadline:
                return False
            self.requests += 1
            return True

    def done(self, kind: str, seconds: float, error: str | None = None) -> None:
        with self.lock:
            if error:
                self.errors.append(error)
            elif kind == "run":
                self.runs += 1
            else:
                self.gets += 1
            self.latencies.append(seconds)


def run_script(ws, page: str, timeout: float = 60) -> str | None:
    """Ask the server to run the app on ``page``; None when it finished cleanly, else what went wrong."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    message = BackMsg()
    message.rerun_script.query_string = ""
    message.rerun_script.page_name = page
    ws.send(message.SerializeToString())
    problem = None
    while True:
        reply = ForwardMsg()
        reply.ParseFromString(ws.recv(timeout=timeout))
        kind = reply.WhichOneof("type")
        if kind == "delta" and reply.delta.new_element.WhichOneof("type") == "exception":
            problem = f"{page}: {reply.delta.new_element.exception.message}"
        if kind == "script_finished":
            status = int(reply.script_finished)
            if status == RERUN:  # e.g. the root address redirects to a page: the rerun that follows is the run
                continue
            return problem or (None if status in SCRIPT_OK else f"{page}: script status {status}")


def session(url: str, load: Load, index: int) -> None:
    """One browser-less user: GETs of the health and index endpoints, then script runs over one websocket."""
    from websockets.sync.client import connect as ws_connect

    for path in ("/_stcore/health", "/")[:GETS_PER_SESSION]:
        if not load.claim():
            return
        started = time.monotonic()
        try:
            with urllib.request.urlopen(url + path, timeout=30) as reply:
                error = None if reply.status == 200 else f"GET {path}: {reply.status}"
        except OSError as exc:
            error = f"GET {path}: {exc}"
        load.done("get", time.monotonic() - started, error)
    try:
        with ws_connect(url.replace("http", "ws") + "/_stcore/stream", subprotocols=["streamlit"]) as ws:
            for run in range(RUNS_PER_SESSION):
                if not load.claim():
                    return
                started = time.monotonic()
                page = PAGES[(index + run) % len(PAGES)]
                try:
                    error = run_script(ws, page)
                except Exception as exc:  # a timeout or a dropped connection is an error to report
                    error = f"{page}: {type(exc).__name__}: {exc}"
                load.done("run", time.monotonic() - started, error)
    except Exception as exc:
        load.done("run", 0.0, f"websocket: {type(exc).__name__}: {exc}")


class AppServer:
    """``streamlit run app.py`` on a loopback port, as tests/browser/conftest.py's Server, plus two things a load
    test needs: no file watcher (it evicts modules from sys.modules while other sessions import them whenever a
    source file changes) and the server's log kept in a file, so that an error seen by a session can be read."""

    def __init__(self, db: Path, demo_db: Path, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {**os.environ, "ANALYTICS_DB": str(db), "ANALYTICS_DEMO_DB": str(demo_db), "PYTHONPATH": str(ROOT)}
        options = {"port": self.port, "address": "127.0.0.1", "headless": "true", "fileWatcherType": "none"}
        args = [arg for k, v in options.items() for arg in (f"--server.{k}", str(v))]
        with log.open("wb") as sink:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), *args],
                cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("streamlit did not start: " + log.read_text(errors="replace")[-2000:])

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def tracebacks(self) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return text[text.find("Traceback") :] if "Traceback" in text else ""


def serve_sessions(url: str, sessions: int = SESSIONS) -> Load:
    load = Load(deadline=time.monotonic() + DEADLINE_SECONDS)
    threads = [threading.Thread(target=session, args=(url, load, i)) for i in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE_SECONDS + 90)
    return load
