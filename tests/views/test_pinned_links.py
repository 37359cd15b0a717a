"""A link with ``v=`` shows the data as it stood at that version (issue 14, item 13), marked, with a switch back.

The same page is rendered three ways: on the live database opened with the old version's link, on a copy of the
database taken at that version (what the meeting saw), and on the live database without a pin. The first two must
show the same numbers, the third the new ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.store.batches import commit
from analytics.store.connection import connect
from analytics.store.metrics import metric_ids
from analytics.store.versions import current_version
from tests.fixtures import fill_group, tables

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def overview(db: Path, monkeypatch, version: str | None = None, lang: str = "zh") -> AppTest:
    monkeypatch.setenv("ANALYTICS_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = lang
    if version is not None:
        at.query_params["v"] = version
    at.run()  # the root leads to the overview, keeping the link's query
    assert not at.exception, at.exception
    return at


def numbers(at: AppTest) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric]


@pytest.fixture
def two_versions(db, tmp_path, monkeypatch):
    """The group filled (version ``old``), a copy of the file then, and a later batch that doubles revenue."""
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    fill_group(db)
    with connect(db, read_only=True) as con:
        old = current_version(con)
        rows = con.execute("SELECT uid, period, mid, value FROM current").df()
        revenue = metric_ids(con)["revenue"]
    then = tmp_path / "then" / "app.duckdb"
    then.parent.mkdir()
    shutil.copy(db, then)
    later = rows[rows["mid"] == revenue].assign(value=lambda f: f["value"] * 2)
    with connect(db) as con:
        commit(con, later.astype({"uid": "int64", "period": "int64", "mid": "int64", "value": "float64"}), [], "t")
    return db, then, old


def test_an_old_link_shows_the_numbers_of_then_marked_with_a_switch(two_versions, monkeypatch):
    db, then, old = two_versions
    pinned = overview(db, monkeypatch, old.text)
    as_then = overview(then, monkeypatch)
    live = overview(db, monkeypatch)
    assert numbers(pinned) == numbers(as_then)
    assert numbers(live) != numbers(as_then)
    notice = " ".join(i.value for i in pinned.info)
    assert f"v{old.text}" in notice and "之后已有新数据" in notice
    assert not any("之后已有新数据" in i.value for i in live.info)
    pinned.button(key="pin_to_current").click().run()
    assert numbers(pinned) == numbers(live)
    assert "v" not in pinned.query_params


def test_the_pin_reads_in_english_and_a_version_that_never_was_is_said(two_versions, monkeypatch):
    db, _, old = two_versions
    pinned = overview(db, monkeypatch, old.text, lang="en")
    assert any(f"as of version v{old.text}" in i.value for i in pinned.info)
    unknown = overview(db, monkeypatch, "999.0")
    assert any("v999.0" in w.value for w in unknown.warning)
    assert numbers(unknown) == numbers(overview(db, monkeypatch))


def test_pages_that_change_data_ignore_the_pin(two_versions, monkeypatch):
    db, _, old = two_versions
    monkeypatch.setenv("ANALYTICS_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["v"] = old.text
    at.run()
    at.switch_page("views/audit.py").run()
    assert not at.exception, at.exception
    with connect(db, read_only=True) as con:
        live_batches = con.execute("SELECT count(*) FROM batches").fetchone()[0]
    assert live_batches > old.batch
    history = [frame.value for frame in tables(at) if "批次" in frame.value.columns]
    assert len(history) == 1 and len(history[0]) == live_batches  # the live history, with the later batch
    assert not any("之后已有新数据" in i.value for i in at.info)
