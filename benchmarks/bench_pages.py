"""Page speed in a real browser (issue 14, Speed). Prints a table; ``--scale`` for 2,000 units × 120 × 60 months.

Two Streamlit servers from the same Streamlit in the same run: ``streamlit run app.py`` on the database, and a
baseline, a one-chart script (one plotly scatter of 100 points). Debian's Chromium, driven by Playwright, opens
every page in a fresh browser context and measures from navigation until the page stops changing: the status
widget is gone, the main area holds elements, and no DOM mutation for 500 ms (a MutationObserver; the running
icon animates while a script runs, so a run in progress is never quiet). The time reported is that of the last
mutation, bounded by 120 s. One unmeasured first visit per page (the "first" column: a cold server), then the
median of 3.

Also: switching pages in a session (click the sidebar link from the overview), stepping a slide (下一页 on
/present), the server's script run per page with one websocket client (where the time goes), and with
``--viewers N`` N concurrent websocket sessions (tests/fixtures_load.py's protocol) running each page at once.

    python benchmarks/bench_pages.py [--scale] [--viewers 30] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fixtures import free_port
from tests.fixtures_load import run_script

OUT = ROOT / "benchmarks" / "out"
DEMO_DB = OUT / "bench_demo.duckdb"
SCALE_DB = OUT / "scale.duckdb"
PAGES = ("overview", "correlation", "integration", "unit", "present", "completeness", "data", "import")
LIMIT_S = 120.0
QUIET_MS = 500
START_S = 90.0

BASELINE = """
import plotly.graph_objects as go
import streamlit as st

x = [i / 10 for i in range(100)]
y = [(i * 37 % 100) / 10 for i in range(100)]
st.plotly_chart(go.Figure(go.Scatter(x=x, y=y, mode="markers")))
"""

# Wait until the page is quiet; `arg.action` ("none", "link:<href tail>", "button:<text>") is done first, in the
# page, so the clock starts at the click. Returns {ms: last change - start, timedOut, mutations}.
QUIET_JS = """
async (arg) => {
  const busy = () =>
    document.querySelector('[data-testid="stStatusWidget"]') !== null ||
    document.querySelector('[data-testid="stAppSkeleton"]') !== null ||
    document.querySelector('[data-stale="true"]') !== null ||
    document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]') === null;
  let last = performance.now();
  let mutations = 0;
  const observer = new MutationObserver(() => { last = performance.now(); mutations += 1; });
  observer.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  let start = 0;  // a navigation's clock starts with the document (performance.now() is 0 at navigation start)
  if (arg.action !== "none") {
    const [kind, what] = [arg.action.slice(0, arg.action.indexOf(":")), arg.action.slice(arg.action.indexOf(":") + 1)];
    let target = null;
    if (kind === "link") {
      target = [...document.querySelectorAll('[data-testid="stSidebarNav"] a')].find(a => a.href.endsWith(what));
    } else {
      target = [...document.querySelectorAll('button')].find(b => b.innerText.includes(what) && !b.disabled);
    }
    if (!target) { observer.disconnect(); return {ms: -1, timedOut: false, mutations: 0}; }
    mutations = 0;
    start = performance.now();
    last = start;
    target.click();
  }
  while (true) {
    await new Promise(r => setTimeout(r, 50));
    const now = performance.now();
    if (now - start > arg.limit) { observer.disconnect(); return {ms: now - start, timedOut: true, mutations}; }
    if (busy()) { continue; }
    if (arg.action !== "none" && mutations === 0) { continue; }
    if (now - last >= arg.quiet) { observer.disconnect(); return {ms: last - start, timedOut: false, mutations}; }
  }
}
"""


class Streamlit:
    """``streamlit run <script>`` on a loopback port (as tests/fixtures_load.py's AppServer: no file watcher)."""

    def __init__(self, script: Path, env: dict[str, str], log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        options = {"port": self.port, "address": "127.0.0.1", "headless": "true", "fileWatcherType": "none"}
        args = [arg for k, v in options.items() for arg in (f"--server.{k}", str(v))]
        args += ["--browser.gatherUsageStats", "false"]
        with log.open("wb") as sink:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", str(script), *args],
                cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env}, stdout=sink, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + START_S
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


class Browser:
    def __init__(self, playwright):
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if chromium is None:
            raise SystemExit("Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)")
        self.browser = playwright.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )  # fmt: skip

    def context(self):
        context = self.browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(LIMIT_S * 1000)
        return context, page

    def quiet(self, page, action: str = "none") -> float:
        result = page.evaluate(QUIET_JS, {"action": action, "quiet": QUIET_MS, "limit": LIMIT_S * 1000})
        if result["ms"] < 0:
            raise RuntimeError(f"nothing to click for {action}")
        if page.locator('[data-testid="stException"]').count():
            print(f"  an exception is shown on {page.url} ({action}): the time is not a page's", file=sys.stderr)
        seconds = result["ms"] / 1000
        return float("inf") if result["timedOut"] else seconds

    def load(self, url: str) -> float:
        """A fresh context, navigation to url, seconds until quiet."""
        context, page = self.context()
        try:
            page.goto(url, wait_until="commit")
            return self.quiet(page)
        finally:
            context.close()


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def server_runs(url: str, pages: tuple[str, ...], repeats: int) -> dict[str, list[float]]:
    """One websocket session: each page's script run, timed from rerun_script to script_finished."""
    from websockets.sync.client import connect as ws_connect

    times: dict[str, list[float]] = {p: [] for p in pages}
    with ws_connect(url.replace("http", "ws") + "/_stcore/stream", subprotocols=["streamlit"], max_size=None) as ws:
        for _ in range(repeats):
            for page in pages:
                started = time.perf_counter()
                error = run_script(ws, page, timeout=LIMIT_S)
                times[page].append(float("inf") if error else time.perf_counter() - started)
                if error:
                    print(f"  server run {page}: {error}", file=sys.stderr)
    return times


def viewers(url: str, page: str, n: int) -> tuple[list[float], int]:
    """n sessions open ``page`` at the same instant (connect + one script run each); latencies and errors."""
    from websockets.sync.client import connect as ws_connect

    barrier = threading.Barrier(n)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def one() -> None:
        barrier.wait(30)
        started = time.perf_counter()
        try:
            with ws_connect(
                url.replace("http", "ws") + "/_stcore/stream", subprotocols=["streamlit"], max_size=None
            ) as ws:
                error = run_script(ws, page, timeout=LIMIT_S)
        except Exception as exc:  # a timeout or dropped connection is a result to report
            error = f"{type(exc).__name__}: {exc}"
        with lock:
            if error:
                errors.append(error)
            else:
                latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=one) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(LIMIT_S + 60)
    if errors:
        print(f"  viewers {page}: {len(errors)} errors, e.g. {errors[0][:200]}", file=sys.stderr)
    return latencies, len(errors)


def fmt(seconds: float) -> str:
    return "timeout" if seconds == float("inf") else f"{seconds:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", action="store_true", help="2,000 units × 120 metrics × 60 months")
    parser.add_argument("--viewers", type=int, default=0, help="N concurrent websocket sessions per page")
    parser.add_argument("--repeats", type=int, default=3, help="measured loads per page (median)")
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated pages")
    parser.add_argument("--no-switches", action="store_true", help="only the page loads (no page switches)")
    parser.add_argument("--db", type=Path, help="an existing database instead of a fresh demo (or the scale one)")
    parser.add_argument("--viewer-pages", default="", help="pages for --viewers (default: --pages)")
    args = parser.parse_args()
    pages = tuple(p for p in args.pages.split(",") if p)
    OUT.mkdir(parents=True, exist_ok=True)
    if args.scale:
        db, factor, viewer_target, label = SCALE_DB, 2.0, 6.0, "2,000 units × 120 metrics × 60 months"
        if not db.exists():
            from benchmarks.scale import build_scale_db

            print(f"building {db.name} ({build_scale_db(db):.1f} s)")
    elif args.db is not None:
        db, factor, viewer_target, label = args.db, 1.5, 3.0, f"database {args.db.name}"
    else:
        db, factor, viewer_target, label = DEMO_DB, 1.5, 3.0, "demo group"
        DEMO_DB.unlink(missing_ok=True)
        subprocess.run([sys.executable, "-m", "analytics", "demo", "--db", str(DEMO_DB)], cwd=ROOT, check=True,
                       capture_output=True)  # fmt: skip

    from playwright.sync_api import sync_playwright

    rows: list[tuple[str, str, str, str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench_pages_") as tmp:
        folder = Path(tmp)
        (folder / "baseline.py").write_text(BASELINE, encoding="utf-8")
        env = {"ANALYTICS_DB": str(db), "ANALYTICS_DEMO_DB": str(folder / "no-demo.duckdb")}
        app = Streamlit(ROOT / "app.py", env, folder / "app.log")
        base = Streamlit(folder / "baseline.py", {}, folder / "baseline.log")
        try:
            with sync_playwright() as playwright:
                browser = Browser(playwright)
                first = browser.load(base.url)
                baseline = median([browser.load(base.url) for _ in range(args.repeats)])
                rows.append(("baseline (one chart)", fmt(first), fmt(baseline), "1.0×", "", ""))
                print(f"baseline: first {fmt(first)} s, median {fmt(baseline)} s", flush=True)
                loads: dict[str, float] = {}
                for page in pages:
                    first = browser.load(f"{app.url}/{page}")
                    loads[page] = median([browser.load(f"{app.url}/{page}") for _ in range(args.repeats)])
                    ratio = loads[page] / baseline
                    print(f"/{page}: first {fmt(first)} s, median {fmt(loads[page])} s, {ratio:.1f}×", flush=True)
                    rows.append((f"/{page}", fmt(first), fmt(loads[page]), f"{ratio:.1f}×", f"≤ {factor}×", ""))
                # switching pages in a session: from a quiet overview, click the sidebar link
                for page in (p for p in pages if p not in ("overview", "present") and not args.no_switches):
                    times = []
                    for _ in range(args.repeats):
                        context, tab = browser.context()
                        try:
                            tab.goto(f"{app.url}/overview", wait_until="commit")
                            browser.quiet(tab)
                            times.append(browser.quiet(tab, f"link:/{page}"))
                        finally:
                            context.close()
                    print(f"switch overview → /{page}: {fmt(median(times))} s", flush=True)
                    rows.append((f"switch overview → /{page}", "", fmt(median(times)), "", "≤ 0.5 s", ""))
                if "present" in pages:
                    context, tab = browser.context()
                    try:
                        tab.goto(f"{app.url}/present?slide=1", wait_until="commit")
                        browser.quiet(tab)
                        steps = [browser.quiet(tab, "button:下一页") for _ in range(args.repeats)]
                    finally:
                        context.close()
                    print(f"step a slide: {[fmt(s) for s in steps]} s", flush=True)
                    rows.append(("step a slide (下一页)", "", fmt(median(steps)), "", "≤ 0.5 s", ""))
                browser.browser.close()
            runs = server_runs(app.url, pages, args.repeats)
            for page in pages:
                for i, row in enumerate(rows):
                    if row[0] == f"/{page}":
                        rows[i] = (*row[:5], " / ".join(fmt(t) for t in runs[page]))
            if args.viewers:
                for page in tuple(p for p in args.viewer_pages.split(",") if p) or pages:
                    started = time.perf_counter()
                    latencies, errors = viewers(app.url, page, args.viewers)
                    wall = time.perf_counter() - started
                    p50, p95 = median(latencies), percentile(latencies, 0.95)
                    summary = f"p50 {fmt(p50)} / p95 {fmt(p95)} / max {fmt(max(latencies, default=float('nan')))}"
                    print(f"{args.viewers} viewers /{page}: {summary}, {errors} errors, {wall:.1f} s", flush=True)
                    rows.append((f"{args.viewers} viewers at once: /{page}", "", summary + f" s, errors {errors}",
                                 "", f"p95 ≤ {viewer_target:.0f} s", ""))  # fmt: skip
        finally:
            app.stop()
            base.stop()
            tracebacks = (folder / "app.log").read_text(encoding="utf-8", errors="replace")
            if "Traceback" in tracebacks:
                print("server log:\n" + tracebacks[tracebacks.find("Traceback") :][-3000:], file=sys.stderr)

    print(f"\n{label}: browser seconds (median of {args.repeats}, fresh context), server script runs via websocket")
    header = ("page", "first s", "median s", "× baseline", "target", "server runs s")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


if __name__ == "__main__":
    main()
