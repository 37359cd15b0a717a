"""Every page opens by its own address (bookmarks included), the root leads to the right page, and the month range
follows the data after an import or a revert in the same session."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from streamlit.commands import navigation
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
from streamlit.testing.v1 import AppTest, local_script_runner
from streamlit.util import calc_hash

from analytics.services.imports import Upload, run_import
from analytics.store import accounts as auth
from analytics.store.connection import connect
from tests.fixtures import WIDE, tables, xlsx

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 60
ADDRESSES = ["overview", "welcome", "correlation", "integration", "unit", "present", "import", "completeness", "data"]
PASSWORD = "correct horse 1"


def month_sheet(month: str, revenue: float = 1500.0) -> list[list[object]]:
    """WIDE, reported for another month (the title row names it)."""
    year, mon = month.split("-")
    rows = [list(r) for r in WIDE]
    rows[0] = [f"{year}年{int(mon)}月党建工作月报"]
    rows[3][4] = revenue
    return rows


@pytest.fixture
def app_env(db, tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYTICS_DB", str(db))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    return db


@pytest.fixture
def not_found(monkeypatch) -> list[str]:
    """The "Page not found" dialogs Streamlit sent (the browser shows one for each)."""
    sent: list[str] = []
    original = navigation.send_page_not_found
    monkeypatch.setattr(navigation, "send_page_not_found", lambda ctx: (sent.append("dialog"), original(ctx)))
    return sent


def open_address(address: str, monkeypatch, **query: str) -> AppTest:
    """Open ``/<address>`` as a browser does on a fresh load: by page *name*, not by page hash (AppTest only sends
    hashes, which would match a default page whatever its address)."""

    def by_name(*args, **kwargs) -> RerunData:
        data = RerunData(*args, **kwargs)
        return data if data.page_script_hash else dataclasses.replace(data, page_name=address)

    monkeypatch.setattr(local_script_runner, "RerunData", by_name)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.parametrize("address", ADDRESSES)
def test_every_page_opens_by_its_address_once_there_is_data(app_env, monkeypatch, not_found, address):
    run_import(app_env, [Upload("月报.xlsx", xlsx(WIDE))])
    at = open_address(address, monkeypatch)
    assert not at.exception, at.exception
    assert not not_found  # before the fix: /overview, the default page, was served at / only
    assert at._finished_page_script_hash == calc_hash(address)


@pytest.mark.parametrize("address", ["welcome", "overview", "import"])
def test_every_page_opens_by_its_address_on_an_empty_database(app_env, monkeypatch, not_found, address):
    at = open_address(address, monkeypatch)
    assert not not_found  # before the fix: /welcome, then the default page, was not found
    assert at._finished_page_script_hash == calc_hash(address)


@pytest.mark.parametrize(("imported", "title"), [(True, "集团总览"), (False, "党建与生产经营融合分析")])
def test_the_root_address_leads_to_the_overview_or_the_welcome_page(app_env, not_found, imported, title):
    if imported:
        run_import(app_env, [Upload("月报.xlsx", xlsx(WIDE))])
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = "zh"
    at.run()
    assert not at.exception and not not_found
    assert at.title[0].value == title
    assert at.query_params["lang"] in ("zh", ["zh"])  # the link's choices survive the redirect


def test_a_page_the_role_may_not_open_says_so_by_its_address(app_env, monkeypatch, not_found):
    with connect(app_env) as con:
        auth.add_user(con, "lead", "leader", PASSWORD, "test")
    at = open_address("import", monkeypatch)
    at.text_input(key="login_name").input("lead")
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    at.switch_page("views/welcome.py")  # registered pages are now known: reach /import by its hash
    at._page_hash = calc_hash("import")
    at.run()
    assert not not_found  # before the fix: Streamlit's English "Page not found" dialog
    assert [w.value for w in at.warning] == ["您没有访问此页面的权限。"]


def test_the_month_range_follows_an_import_in_the_same_session(app_env):
    run_import(app_env, [Upload("月报.xlsx", xlsx(month_sheet("2026-09")))])
    run_import(app_env, [Upload("月报.xlsx", xlsx(WIDE))])
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert (at.session_state["from"], at.session_state["to"]) == ("2026-09", "2026-10")
    at.switch_page("views/import_data.py").run()
    at.file_uploader(key="uploads").set_value([("11月.xlsx", xlsx(month_sheet("2026-11")), "x")]).run()
    next(b for b in at.button if b.label == "校验并预览").click().run()
    next(b for b in at.button if b.label == "确认提交").click().run()
    at.switch_page("views/completeness.py").run()
    assert at.session_state["to"] == "2026-11"  # before the fix: 2026-10, "数据截至 2026-10"
    assert at.selectbox(key="to").options == ["2026-09", "2026-10", "2026-11"]


def test_a_month_a_link_pinned_stays_when_data_arrives(app_env):
    for month in ("2026-09", "2026-10"):
        run_import(app_env, [Upload("月报.xlsx", xlsx(month_sheet(month)))])
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["to"] = "2026-10"
    at.run()
    run_import(app_env, [Upload("月报.xlsx", xlsx(month_sheet("2026-11")))])
    at.switch_page("views/completeness.py").run()
    at.run()  # the data version is re-read at most every couple of seconds; the cache is cleared on app writes
    assert at.session_state["to"] == "2026-10"


def test_the_history_shows_a_revert_at_once(app_env):
    run_import(app_env, [Upload("月报.xlsx", xlsx(WIDE))])
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("views/audit.py").run()
    next(c for c in at.checkbox if c.label == "我确认撤销该批次").check()
    next(b for b in at.button if b.label == "撤销所选批次").click().run()
    assert tables(at)[0].value.iloc[0]["状态"] == "已撤销"  # before the fix: 有效 until the next rerun
    assert [s.value for s in at.success] == ["批次 1 已撤销，4 个数值已恢复为之前的值。"]


def test_the_month_range_follows_a_revert_in_the_same_session(app_env):
    for month in ("2026-09", "2026-10", "2026-11"):
        run_import(app_env, [Upload("月报.xlsx", xlsx(month_sheet(month)))])
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("views/audit.py").run()
    assert at.session_state["to"] == "2026-11"
    next(s for s in at.selectbox if s.label == "选择要撤销的批次").select(3)
    next(c for c in at.checkbox if c.label == "我确认撤销该批次").check()
    next(b for b in at.button if b.label == "撤销所选批次").click().run()
    assert at.session_state["to"] == "2026-10"
    assert at.selectbox(key="to").options == ["2026-09", "2026-10"]


def exit_link(at: AppTest):
    return next(link for link in at.get("page_link") if link.proto.label in ("退出演示", "Exit presentation"))


def test_presentation_mode_has_a_way_back_to_where_the_presenter_came_from(app_env):
    for month in ("2026-09", "2026-10"):
        run_import(app_env, [Upload("月报.xlsx", xlsx(month_sheet(month)))])
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["from"] = "2026-10"
    at.run()
    at.switch_page("views/completeness.py").run()
    at.switch_page("views/present.py").run()
    link = exit_link(at).proto  # before the fix: no way out (sidebar and its toggle hidden)
    assert link.page == "completeness"
    query = dict(pair.split("=") for pair in link.query_string.split("&"))
    assert query["lang"] == "zh" and "from" not in query  # the bound month selects write the months themselves
    at.switch_page("views/completeness.py").run()
    assert (at.session_state["from"], at.session_state["to"]) == ("2026-10", "2026-10")


def test_a_presentation_opened_by_its_link_leads_to_the_overview(app_env):
    run_import(app_env, [Upload("月报.xlsx", xlsx(WIDE))])
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    at._page_hash = calc_hash("present")
    at.run()
    assert exit_link(at).proto.label == "Exit presentation"
    assert exit_link(at).proto.page == "overview"
