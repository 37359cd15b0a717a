"""deploy/run.sh: several app processes behind nginx serve the app, with sticky routes and the forwarding headers.

Starts the recipe as an operator would (two processes, Debian's nginx), on a small database: the health check and a
page's script run through nginx, the route cookie, the rendered config with the forwarding headers, and a clean stop.
In CI nginx must be installed (.ci/run does it); elsewhere a missing nginx skips.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.fixtures import free_port
from tests.fixtures_load import run_script

ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

if NGINX is None:
    if os.environ.get("CI") == "true":
        raise RuntimeError("nginx is missing: apt-get install nginx-light (.ci/run installs it)")
    pytest.skip("nginx is not installed (apt-get install nginx-light)", allow_module_level=True)


@pytest.fixture
def deployment(db, tmp_path):
    port, base = free_port(), free_port()
    env = {
        **os.environ,
        "LISTEN": f"127.0.0.1:{port}",
        "BASE_PORT": str(base),
        "RUN_DIR": str(tmp_path / "run"),
        "PY": sys.executable,
        "ANALYTICS_DB": str(db),
        "ANALYTICS_DEMO_DB": str(tmp_path / "no-demo.duckdb"),
        "DEPLOY_BENCH_LOOPBACK": "1",  # the local demo mode serves only requests without forwarding headers
    }
    log = tmp_path / "run.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            ["bash", str(ROOT / "deploy" / "run.sh"), "2"],
            cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        assert proc.poll() is None, log.read_text(errors="replace")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                break
        except OSError:
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.5)
    yield url, tmp_path / "run", proc
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(30)


def test_two_processes_serve_pages_through_nginx_with_a_route_cookie(deployment):
    from websockets.sync.client import connect as ws_connect

    url, run_dir, _ = deployment
    with urllib.request.urlopen(url + "/", timeout=10) as reply:
        assert reply.status == 200
        cookie = reply.headers.get("Set-Cookie") or ""
    assert cookie.startswith("party_ops_route=") and "HttpOnly" in cookie
    with ws_connect(url.replace("http", "ws") + "/_stcore/stream", subprotocols=["streamlit"], max_size=None) as ws:
        assert run_script(ws, "welcome", timeout=60) is None
    config = (run_dir / "nginx.conf").read_text(encoding="utf-8")
    assert config.count("server 127.0.0.1:") == 2 and "hash $route consistent" in config
    assert len(list(run_dir.glob("app-*.log"))) == 2
    assert (run_dir / "cookie_secret").stat().st_mode & 0o077 == 0  # the shared secret is the operator's only


def test_production_config_forwards_the_client_address(tmp_path):
    """Without the benchmark switch the rendered config sets the forwarding headers (the demo mode then refuses
    proxied requests: accounts first)."""
    template = (ROOT / "deploy" / "nginx.conf.template").read_text(encoding="utf-8")
    script = (ROOT / "deploy" / "run.sh").read_text(encoding="utf-8")
    assert "@FORWARDED@" in template and "X-Forwarded-For $proxy_add_x_forwarded_for" in script
    assert "DEPLOY_BENCH_LOOPBACK" in script
