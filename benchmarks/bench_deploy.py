"""One app process against several behind nginx (deploy/run.sh): N viewers opening a page at the same instant.

Starts ``deploy/run.sh P`` for each P in ``--processes`` (default 1,2) on free ports, on the demo group (or
``--scale``: the 2,000-unit database of benchmarks/scale.py), warms every page once through nginx, then for each
page lets ``--viewers`` websocket sessions (tests/store/test_load.py's protocol: real script runs of the real
pages) open it at once, and prints p50 / p95 / slowest per page run and the wall time of the whole burst.

    python benchmarks/bench_deploy.py [--viewers 30] [--processes 1,2] [--pages overview,correlation] [--scale]

The benchmark runs nginx without forwarding headers (DEPLOY_BENCH_LOOPBACK=1) so the local demo mode serves it;
production runs keep them (see deploy/README.md). On a 2-core machine the gain is bounded by the cores: the
websocket clients and nginx run on the same cores as the app processes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_pages import DEMO_DB, OUT, SCALE_DB, percentile, server_runs, viewers
from tests.browser.conftest import free_port

START_S = 180.0


class Deployment:
    """``deploy/run.sh processes`` on free loopback ports; stopped with its whole process group."""

    def __init__(self, processes: int, db: Path, run_dir: Path):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        base = free_port()
        self.backends = [f"http://127.0.0.1:{base + i}" for i in range(processes)]
        env = {
            **os.environ,
            "LISTEN": f"127.0.0.1:{port}",
            "BASE_PORT": str(base),
            "RUN_DIR": str(run_dir),
            "PY": sys.executable,
            "ANALYTICS_DB": str(db),
            "ANALYTICS_DEMO_DB": str(run_dir / "no-demo.duckdb"),
            "DEPLOY_BENCH_LOOPBACK": "1",
        }
        self.log = run_dir / "run.log"
        with self.log.open("wb") as sink:
            self.proc = subprocess.Popen(
                ["bash", str(ROOT / "deploy" / "run.sh"), str(processes)],
                cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("deploy/run.sh exited: " + self.log.read_text(errors="replace")[-2000:])
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError("deployment did not start: " + self.log.read_text(errors="replace")[-2000:])

    def stop(self) -> None:
        os.killpg(self.proc.pid, 15)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, 9)
            self.proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=30)
    parser.add_argument("--processes", default="1,2", help="comma-separated process counts")
    parser.add_argument("--pages", default="overview,correlation,integration")
    parser.add_argument("--scale", action="store_true", help="2,000 units × 120 metrics × 60 months")
    args = parser.parse_args()
    pages = tuple(p for p in args.pages.split(",") if p)
    OUT.mkdir(parents=True, exist_ok=True)
    db = SCALE_DB if args.scale else DEMO_DB
    if not db.exists():
        if args.scale:
            from benchmarks.scale import build_scale_db

            print(f"building {db.name} ({build_scale_db(db):.1f} s)")
        else:
            subprocess.run([sys.executable, "-m", "analytics", "demo", "--db", str(db)], cwd=ROOT, check=True,
                           capture_output=True)  # fmt: skip
    rows = []
    for processes in (int(p) for p in args.processes.split(",")):
        with tempfile.TemporaryDirectory(prefix="bench_deploy_") as tmp:
            deployment = Deployment(processes, db, Path(tmp))
            try:
                for backend in deployment.backends:  # warm every process's caches, each on its own port
                    server_runs(backend, pages, 1)
                for page in pages:
                    started = time.perf_counter()
                    latencies, errors = viewers(deployment.url, page, args.viewers)
                    wall = time.perf_counter() - started
                    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
                    slowest = max(latencies, default=float("nan"))
                    print(f"{processes} process(es), {args.viewers} viewers /{page}: p50 {p50:.2f} s, p95 {p95:.2f} s, "
                          f"slowest {slowest:.2f} s, wall {wall:.1f} s, {errors} errors", flush=True)  # fmt: skip
                    rows.append((processes, page, p50, p95, slowest, wall, errors))
            finally:
                deployment.stop()
    print(f"\n{args.viewers} viewers at once, {'2,000 units' if args.scale else 'demo group'}, {os.cpu_count()} cores")
    print("| processes | page | p50 s | p95 s | slowest s | wall s | errors |\n|---:|---|---:|---:|---:|---:|---:|")
    for processes, page, p50, p95, slowest, wall, errors in rows:
        print(f"| {processes} | /{page} | {p50:.2f} | {p95:.2f} | {slowest:.2f} | {wall:.1f} | {errors} |")


if __name__ == "__main__":
    main()
