"""One AppTest over every page, plus the planner's upload flow driven through the Import page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from analytics.store.connection import connect
from analytics.store.observations import current_frame
from tests.fixtures import APP, TIMEOUT, WIDE, run_page, tables, xlsx

PAGES = ["views/welcome.py", "views/import_data.py", "views/completeness.py", "views/audit.py"]


@pytest.fixture
def app_env(db, tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYTICS_DB", str(db))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    return db


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception(app_env, page, lang):
    at = run_page(page, lang)
    assert not at.exception, at.exception


def test_empty_database_opens_on_the_welcome_page(app_env):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert at.title[0].value == "党建与生产经营融合分析"
    assert any("演示数据" in s.value for s in at.subheader)


def test_upload_validate_preview_commit_through_the_import_page(app_env):
    at = run_page("views/import_data.py")
    at.file_uploader(key="uploads").set_value([("月报.xlsx", xlsx(WIDE), "application/vnd.ms-excel")]).run()
    validate = next(b for b in at.button if b.label == "校验并预览")
    validate.click().run()
    assert not at.error, [e.value for e in at.error]
    assert any("新增 4" in i.value for i in at.info)
    commit = next(b for b in at.button if b.label == "确认提交")
    commit.click().run()
    assert any("已提交为批次 1" in s.value for s in at.success)
    with connect(app_env, read_only=True) as con:
        assert len(current_frame(con)) == 4


def test_a_bad_upload_shows_the_cell_and_writes_nothing(app_env):
    rows = [list(r) for r in WIDE]
    rows[3][3] = "九十五"
    at = run_page("views/import_data.py")
    at.file_uploader(key="uploads").set_value([("坏.xlsx", xlsx(rows), "application/octet-stream")]).run()
    next(b for b in at.button if b.label == "校验并预览").click().run()
    assert any("1 个错误" in e.value for e in at.error)
    table = tables(at)[0].value
    assert table.iloc[0]["位置"] == "党建!D4"
    assert not any(b.label == "确认提交" for b in at.button)


def test_lang_in_the_link_selects_english(app_env):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    at.run()
    assert at.title[0].value == "Party Building × Operations Analytics"
    assert at.query_params["lang"] == ["en"] or at.query_params["lang"] == "en"


def test_a_units_csv_uploaded_on_the_data_page_is_saved_and_audited(app_env):
    from analytics.store import audit

    at = run_page("views/audit.py")
    csv = "code,name,parent_code,headcount\nB23,三电厂,S2,150\n".encode()
    at.file_uploader(key="units_csv").set_value([("units.csv", csv, "text/csv")]).run()
    at.button(key="save_units").click().run()
    assert any("已保存 1 个单位" in s.value for s in at.success)
    with connect(app_env, read_only=True) as con:
        assert "units_change" in set(audit.query(con)["action"])


def test_a_planner_sees_the_units_outside_their_scope_on_the_import_page(app_env):
    """The scope check is part of validate: the page only shows the errors it returns."""
    from analytics.store import accounts as auth

    with connect(app_env) as con:
        auth.add_user(con, "p1", "planner", "correct horse 1", "test", units=["S1"])
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.text_input(key="login_name").input("p1")
    at.text_input(key="login_password").input("correct horse 1")
    next(b for b in at.button if b.label == "登录").click().run()
    at.switch_page("views/import_data.py").run()
    rows = [list(r) for r in WIDE]
    rows[3][1] = "B21"  # a branch of S2
    at.file_uploader(key="uploads").set_value([("月报.xlsx", xlsx(rows), "application/octet-stream")]).run()
    next(b for b in at.button if b.label == "校验并预览").click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == ["发现 1 个错误，本次上传不会写入任何数据。请修改后重新上传："]
    table = tables(at)[0].value
    assert list(zip(table["位置"], table["代码"], strict=True)) == [("党建!D4", "unit_out_of_scope")]
    assert not any(b.label == "确认提交" for b in at.button)
    with connect(app_env, read_only=True) as con:
        assert current_frame(con).empty
