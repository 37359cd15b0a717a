"""The first run: an empty database's welcome page registers the units first, then offers the monthly template
(prefilled with them) and the import; many unknown units of an upload are said once; a view with too few months
says how many the correlation needs; the template defaults to last month and has one file name everywhere."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from analytics.ingest.template import (
    DATA_SHEET,
    HEADER_ROW,
    last_month,
    template_bytes,
    template_file_name,
    units_from_upload,
    units_template_csv,
)
from analytics.model.catalog import default_metrics
from analytics.model.panel import build_panel
from analytics.model.units import read_units_csv
from analytics.model.unknown_units import group_unknown_units, unknown_units_message
from analytics.periods import from_index, to_index
from analytics.services.imports import Upload, validate
from analytics.stats.correlation_points import Options, data_need, pairs_needed
from analytics.store import accounts as auth
from analytics.store import audit
from analytics.store.batches import commit
from analytics.store.connection import connect
from analytics.store.metrics import metric_ids
from analytics.store.observations import current_frame
from analytics.store.units import load_registry, save_units
from tests.fixtures import xlsx

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 60
PASSWORD = "correct horse 1"
UNITS_CSV = "code,name,parent_code,headcount\nG,集团,,\nS1,一公司,G,900\nB11,检修分公司,S1,300\nB12,一电厂,S1,600\n"


@pytest.fixture
def empty(tmp_path: Path, monkeypatch) -> Path:
    """A database path with nothing in it (not even units), the app pointed at it, no demo file."""
    path = tmp_path / "empty.duckdb"
    monkeypatch.setenv("ANALYTICS_DB", str(path))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    return path


@pytest.fixture
def downloads(monkeypatch) -> list[dict]:
    """Every st.download_button the page draws: label, data and file name (AppTest keeps no file behind its URL)."""
    seen: list[dict] = []
    original = streamlit.download_button

    def spy(label, data, file_name=None, *args, **kwargs):
        seen.append({"label": label, "data": data, "file_name": file_name})
        return original(label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", spy)
    return seen


def welcome(lang: str = "zh", session: auth.Session | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    if session is not None:
        at.session_state["auth_session"] = session
    at.run()
    assert not at.exception, at.exception
    return at


def template_codes(book: bytes) -> list[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(book))[DATA_SHEET]
    return [row[1] for row in sheet.iter_rows(min_row=HEADER_ROW + 2, values_only=True)]


# the welcome page of an empty database


def test_the_first_step_offers_the_unit_list_template_and_no_empty_monthly_template(empty, downloads):
    at = welcome()
    assert at.subheader[0].value == "① 登记单位名录"
    assert [d["file_name"] for d in downloads] == ["单位名录模板.csv"]  # before the fix: only template_YYYY-MM.xlsx
    assert read_units_csv(downloads[0]["data"].decode("utf-8-sig")) == [
        {"code": "G", "name": "示例集团（请替换）", "parent_code": None, "headcount": 5000.0},
        {"code": "S1", "name": "示例一公司（请替换）", "parent_code": "G", "headcount": 1200.0},
    ]
    assert "登记单位后即可下载按单位预填的月报模板。" in [c.value for c in at.caption]
    assert at.file_uploader(key="welcome_units")


def test_uploading_a_unit_list_registers_it_and_the_monthly_template_then_lists_the_units(empty, downloads):
    at = welcome()
    at.file_uploader(key="welcome_units").set_value([("单位.csv", UNITS_CSV.encode("gb18030"), "text/csv")]).run()
    at.button(key="welcome_units_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert [s.value for s in at.success] == ["已登记 4 个单位。下一步：下载月报模板（已按单位预填）。"]
    with connect(empty, read_only=True) as con:
        assert [u.code for u in load_registry(con).units] == ["G", "S1", "B11", "B12"]
        assert "units_change" in set(audit.query(con)["action"])
    template = downloads[-1]
    period = from_index(last_month())
    assert template["file_name"] == f"月报模板_{period}.xlsx"
    assert template["label"] == f"下载 {period} 模板（.xlsx）"
    assert template_codes(template["data"]) == ["B11", "B12"]  # the reporting units, one row each


def test_a_bad_unit_list_is_refused_with_its_line_and_nothing_is_registered(empty):
    at = welcome("en")
    bad = b"code,name,parent_code,headcount\nS1,One,,lots\n"
    at.file_uploader(key="welcome_units").set_value([("units.csv", bad, "text/csv")]).run()
    at.button(key="welcome_units_save").click().run()
    assert [e.value for e in at.error] == ["Invalid file: line 2: headcount “lots” is not a number"]
    with connect(empty, read_only=True) as con:
        assert not load_registry(con).units


def test_a_role_that_may_not_register_units_is_told_who_can(empty):
    with connect(empty) as con:
        auth.add_user(con, "lead", "leader", PASSWORD, "test")
    now = dt.datetime.now()
    at = welcome("zh", auth.Session("lead", "leader", (), now, now, now))
    assert "单位名录尚未登记。只有管理员可以登记单位，请联系管理员先完成这一步。" in [c.value for c in at.caption]
    assert not at.get("file_uploader")
    at = welcome("en", auth.Session("lead", "leader", (), now, now, now))
    assert "No units are registered yet. Only an administrator may register units: ask one to do this first." in [
        c.value for c in at.caption
    ]


def test_the_welcome_page_in_english_names_the_three_steps(empty):
    at = welcome("en")
    assert [s.value for s in at.subheader][:3] == [
        "① Register the units",
        "② Download the monthly template and send it to the units",
        "③ Upload the returned workbooks on the Import page",
    ]


# many unknown units: one message on the page, one issue per cell for the JSON


def test_thirty_unknown_units_are_said_once_with_their_codes(tmp_path):
    db = tmp_path / "units-missing.duckdb"
    rows = [["序号", "单位编码", "单位名称", "营业收入（万元）"]] + [
        [i, f"U{i:02d}", f"单位{i}", 100] for i in range(30)
    ]
    checked = validate(db, [Upload("月报.xlsx", xlsx(rows))], to_index(2026, 11), False)
    assert len(checked.errors) == 30 and checked.errors[0].cell == "B2"  # the per-cell contract stays
    group, rest = group_unknown_units(checked.errors)
    assert rest == [] and group is not None
    assert group.cells == 30 and group.units[:3] == ("U00", "U01", "U02")
    zh = unknown_units_message(group, "zh", may_manage=True)
    assert zh.startswith("30 处填写了未登记的单位（共 30 个）：U00、U01、")
    assert "U19等另外 10 个。请先登记这些单位" in zh
    en = unknown_units_message(group, "en", may_manage=False)
    assert en.startswith("30 cells name units that are not registered (30 units): U00, U01, ")
    assert en.endswith("U19, and 10 more. Only an administrator may register units: ask one to register them, "
                       "then import again.")  # fmt: skip


def test_one_or_two_unknown_units_stay_as_they_are(db):
    rows = [["单位编码", "营业收入（万元）"], ["X1", 1], ["B11", 2]]
    checked = validate(db, [Upload("a.xlsx", xlsx(rows))], to_index(2026, 11), False)
    group, rest = group_unknown_units(checked.errors)
    assert group is None and [e.cell for e in rest] == ["A2"]


# correlation with too few months


def two_months(db: Path) -> None:
    """Twelve branches (the fixture's four and eight more), every metric, two months."""
    extra = [{"code": f"B3{i}", "name": f"分公司{i}", "parent_code": "S2", "headcount": 100.0 + i} for i in range(8)]
    rng = np.random.default_rng(3)
    with connect(db) as con:
        save_units(con, extra)
        uids = dict(con.execute("SELECT code, uid FROM units").fetchall())
        mids = metric_ids(con)
        branches = ["B11", "B12", "B21", "B22"] + [u["code"] for u in extra]
        frame = pd.DataFrame(
            [
                (uids[u], to_index(2026, 9) + t, mids[m.code], float(rng.normal(50, 5)))
                for u in branches
                for t in range(2)
                for m in default_metrics()
            ],
            columns=["uid", "period", "mid", "value"],
        )
        commit(con, frame, [], "test")


def test_the_correlation_page_says_how_many_months_it_needs(db, tmp_path, monkeypatch):
    two_months(db)
    monkeypatch.setenv("ANALYTICS_DB", str(db))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("views/correlation.py").run()
    assert not at.exception, at.exception
    assert [i.value for i in at.info] == [
        "This view has too little data for a correlation (the heatmap would be all grey): “Unit and month effects "
        "removed (recommended)” needs at least 3 months per unit and 10 units; the view has 2 months and 12 units. "
        "Import more months, or widen the month range in the sidebar."
    ]  # before the fix: an all-grey heatmap
    assert not at.get("plotly_chart")


def test_data_need_counts_the_view_and_what_each_level_needs(db):
    two_months(db)
    with connect(db, read_only=True) as con:
        panel = build_panel(current_frame(con))
    need = data_need(panel, Options())
    assert (need.months, need.units, need.need_months, need.need_units, need.enough) == (2, 12, 3, 10, False)
    assert data_need(panel, Options(level="pooled")).enough  # 2 months × 12 units leave 24 − 12 − 2 = 10 df
    assert data_need(panel, Options(level="twoway", scale="none", lag=1)).need_months == 3
    assert data_need(panel, Options(units=("B11", "B12"), level="between")).units == 2
    assert data_need(panel, Options(from_="2026-10")).months == 1
    assert [pairs_needed(level, "unit", 10) for level in ("twoway", "within", "pooled", "between")] == [3, 3, 2, 1]


# the template: last month by default, one file name


def test_the_template_defaults_to_last_month_and_has_one_name():
    assert from_index(last_month(dt.date(2026, 12, 5))) == "2026-11"
    assert from_index(last_month(dt.date(2027, 1, 10))) == "2026-12"
    assert template_file_name(to_index(2026, 11)) == "月报模板_2026-11.xlsx"


def test_the_import_page_template_month_defaults_to_last_month(app_env):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("views/import_data.py").run()
    assert at.text_input(key="template_period").value == from_index(last_month())  # before the fix: this month


def test_the_unit_list_template_reads_back_and_excel_gb18030_is_accepted():
    rows = units_from_upload(units_template_csv())
    assert [r["code"] for r in rows] == ["G", "S1"]
    assert units_from_upload(UNITS_CSV.encode("gb18030"))[3]["name"] == "一电厂"
    book = template_bytes(last_month(), *_catalog_and_registry())
    assert template_codes(book) == []  # no units, no rows: hence registering units is the first step


def _catalog_and_registry():
    from analytics.model.catalog import Catalog
    from analytics.model.units import Registry

    return Catalog(tuple(default_metrics())), Registry(())


@pytest.fixture
def app_env(db, tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYTICS_DB", str(db))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    return db


def test_too_few_units_are_said_above_the_grid(db, tmp_path, monkeypatch):
    two_months(db)
    monkeypatch.setenv("ANALYTICS_DB", str(db))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["lang"] = "zh"
    at.run()
    at.switch_page("views/correlation.py").run()
    at.radio(key="corr_level").set_value("pooled").run()
    at.multiselect(key="corr_subs").set_value(["S1"]).run()  # B11, B12: 2 units
    assert not at.exception, at.exception
    assert at.info[0].value.endswith("当前视图只有 2 个月、2 个单位。请选择更多单位，或导入更多单位的数据。")
    assert at.get("plotly_chart")  # the grid stays: each cell says its n
