"""No download control for roles without ``export`` (issue 12, item 7): the tables' built-in CSV download is off
for everyone (``client.disableDataExport``), and a leader's charts offer no "download plot as png" while a presenter's
still do, on every page each may open."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.store import accounts as auth
from analytics.store.connection import connect
from tests.fixtures import APP, ROOT, TIMEOUT

PASSWORD = "a long enough password"
VIEW_PAGES = ["views/welcome.py", "views/overview.py", "views/correlation.py", "views/integration.py",
              "views/unit_profile.py", "views/completeness.py"]  # fmt: skip


def test_tables_offer_no_built_in_download():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True


@pytest.fixture
def accounts(filled: Path, tmp_path: Path, monkeypatch) -> Path:
    """The report fixture's twelve months of data, with a leader and a presenter (so the login gate is on)."""
    with connect(filled) as con:
        auth.add_user(con, "lead", "leader", PASSWORD, "test")
        auth.add_user(con, "show", "presenter", PASSWORD, "test")
    monkeypatch.setenv("ANALYTICS_DB", str(filled))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    return filled


def open_as(user: str, role: str, page: str) -> AppTest:
    """The page as ``user`` logged in with ``role`` (a fresh session: the gate refreshes it from the account)."""
    now = dt.datetime.now()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["auth_session"] = auth.Session(user, role, (), now, now, now)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def chart_configs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.config) for chart in at.get("plotly_chart")]


def offers_png(config: dict) -> bool:
    return config.get("displayModeBar") is not False and "toImage" not in config.get("modeBarButtonsToRemove", [])


@pytest.mark.parametrize("page", VIEW_PAGES)
def test_a_leader_gets_no_download_control_on_any_page(accounts, page):
    at = open_as("lead", "leader", page)
    assert not at.get("download_button")
    configs = chart_configs(at)
    assert all(not offers_png(c) for c in configs), configs
    if page not in ("views/welcome.py",):
        assert configs, f"{page} drew no chart to check"


@pytest.mark.parametrize("page", [*VIEW_PAGES[1:], "views/present.py"])
def test_a_presenter_keeps_the_chart_download_and_the_exports(accounts, page):
    at = open_as("show", "presenter", page)
    configs = chart_configs(at)
    assert configs and all(offers_png(c) for c in configs), configs
    downloads = {b.proto.label for b in at.get("download_button")}
    assert (page == "views/present.py") == bool(downloads), downloads
