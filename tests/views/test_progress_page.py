"""The 填报进度 page (SPEC §8) through AppTest on a real database file: the grid by subsidiary and status, the 催报
list with the assigned planners and its XLSX export, the planner's returned units, the admin's cycle controls."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
import streamlit
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from analytics.periods import to_index
from analytics.services import cycles
from analytics.store import accounts as auth
from analytics.store import audit
from analytics.store.connection import connect
from tests.fixtures import APP, TIMEOUT, fill_group, tables

FEB = to_index(2026, 2)  # fill_group's last month: B11, B12, B13, B21 report, B22 does not
DEADLINE = dt.date(2026, 3, 10)
SCOPES = {"root": ("admin", ()), "p1": ("planner", ("S1",)), "p2": ("planner", ("S2",)),
          "p22": ("planner", ("B22",)), "r1": ("reviewer", ("S1",)), "lead": ("leader", ())}  # fmt: skip


@pytest.fixture
def month(db: Path, tmp_path: Path, monkeypatch) -> Path:
    """2026-02 opened before fill_group commits it (so its four reporting branches are submitted, B22 missing),
    then B11 approved and B12 returned by the reviewer of S1. The deadline has passed: B12 and B22 are overdue."""
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    with connect(db) as con:
        for name, (role, units) in SCOPES.items():
            auth.add_user(con, name, role, "a long enough password", "t", units=units)
    cycles.open_month(db, FEB, DEADLINE, "root")
    fill_group(db)
    cycles.review(db, "approve", ["B11"], FEB, "r1")
    cycles.review(db, "return", ["B12"], FEB, "r1", reason="营业收入有误")
    monkeypatch.setenv("ANALYTICS_DB", str(db))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    return db


@pytest.fixture
def downloads(monkeypatch) -> list[dict]:
    """Every st.download_button the page draws (AppTest keeps no file behind its URL)."""
    seen: list[dict] = []
    original = streamlit.download_button

    def spy(label, data, file_name=None, *args, **kwargs):
        content = data() if callable(data) else data  # the page builds the file when the browser asks for it
        seen.append({"data": content, "file_name": file_name, "on_click": kwargs.get("on_click"),
                     "args": kwargs.get("args")})  # fmt: skip
        return original(label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", spy)
    return seen


def open_as(name: str, lang: str = "zh", page: str = "views/progress.py") -> AppTest:
    role, units = SCOPES[name]
    now = dt.datetime.now()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["auth_session"] = auth.Session(name, role, units, now, now, now)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def frames(at: AppTest) -> list:
    return [d.value for d in tables(at)]


def test_the_grid_counts_units_by_subsidiary_and_status(month):
    at = open_as("root")
    grid = frames(at)[0]
    assert list(grid.columns) == ["二级单位", "未报", "已报待审", "已退回", "已审核", "已确认", "免报", "合计"]
    rows = {row[0]: list(row[1:]) for row in grid.itertuples(index=False)}
    assert rows == {
        "一公司": [0, 1, 1, 1, 0, 0, 3],  # B13 submitted, B12 returned, B11 approved
        "二公司": [1, 1, 0, 0, 0, 0, 2],  # B22 missing, B21 submitted
        "合计": [1, 2, 1, 1, 0, 0, 5],
    }
    assert [m.value for m in at.metric] == ["填报中", "2026-03-10", "5", "0", "2"]
    units = frames(at)[1]
    b12 = units[units["单位编码"] == "B12"].iloc[0]
    assert (b12["状态"], b12["审核人"], b12["原因"], b12["逾期"]) == ("已退回", "r1", "营业收入有误", "是")


def test_the_filters_narrow_the_unit_table(month):
    at = open_as("root")
    at.multiselect(key="progress_status").set_value(["submitted"]).run()
    assert sorted(frames(at)[1]["单位编码"]) == ["B13", "B21"]
    at.multiselect(key="progress_subsidiary").set_value(["二公司"]).run()
    assert list(frames(at)[1]["单位编码"]) == ["B21"]


def test_the_chase_list_names_the_assigned_planners_and_exports(month, downloads):
    at = open_as("root")
    chase = frames(at)[2].fillna("")
    assert chase.values.tolist() == [
        ["一公司", "B12", "一电厂", "已退回", "营业收入有误", "p1"],
        ["二公司", "B22", "二电厂", "未报", "", "p2、p22"],
    ]
    [export] = [d for d in downloads if d["file_name"] == "chase-2026-02.xlsx"]
    sheet = openpyxl.load_workbook(io.BytesIO(export["data"])).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "2026-02 催报名单（截止 2026-03-10）"
    assert "root" in rows[1][0]  # the export mark names who exported it
    assert rows[3] == ("二级单位", "单位编码", "单位名称", "状态", "原因", "负责填报人")
    assert rows[4:] == [("一公司", "B12", "一电厂", "已退回", "营业收入有误", "p1"),
                        ("二公司", "B22", "二电厂", "未报", None, "p2、p22")]  # fmt: skip
    export["on_click"](*export["args"])  # what the button does when clicked: the export is logged
    with connect(month, read_only=True) as con:
        logged = audit.details_of(audit.query(con, action=audit.EXPORT))
    assert logged[0]["file"] == "chase-2026-02.xlsx" and logged[0]["period"] == "2026-02"


def test_a_formula_like_reason_stays_text_in_the_export(month, downloads):
    cycles.review(month, "return", ["B21"], FEB, "root", reason='=HYPERLINK("http://x")')
    open_as("root")
    [export] = [d for d in downloads if d["file_name"] == "chase-2026-02.xlsx"]
    book = openpyxl.load_workbook(io.BytesIO(export["data"]))
    cells = [c for row in book.active.iter_rows() for c in row if c.value == '=HYPERLINK("http://x")']
    assert cells and all(c.data_type == "s" for c in cells)


def test_the_planner_sees_the_units_returned_to_them(month):
    at = open_as("p1", "en")
    assert "Returned to you" in [s.value for s in at.subheader]
    todo = frames(at)[-1]
    assert todo.values.tolist()[0][:4] == ["2026-02", "B12", "一电厂", "营业收入有误"]
    assert at.get("page_link")
    other = open_as("p2", "en")
    assert "No submission of your units was returned." in [c.value for c in other.caption]


def test_a_leader_sees_the_progress_without_controls_or_export(month, downloads):
    at = open_as("lead")
    assert frames(at)[0].shape[0] == 3 and not downloads
    assert not any(b.proto.label == "关账" for b in at.button)


def test_close_is_refused_naming_the_blocking_units(month):
    at = open_as("root", "en")
    at.checkbox(key="close_sure").check().run()
    at.button(key="close_month").click().run()
    [error] = [e.value for e in at.error]
    assert error.startswith("2026-02 cannot close: 5 units are neither confirmed nor excused: B11 (approved)")
    assert sorted(frames(at)[-1]["Unit code"]) == ["B11", "B12", "B13", "B21", "B22"]
    assert cycles.status(month, FEB).state == "open"


def test_the_admin_confirms_excuses_and_opens(month):
    at = open_as("root")
    at.button(key="confirm_units").click().run()  # the approved units are preselected
    assert not at.exception
    assert "确认：B11。" in [s.value for s in at.success]
    at.multiselect(key=f"excuse_units_{FEB}").set_value(["B22"]).run()
    at.button(key="excuse_units").click().run()
    assert "免报须填写原因（--reason）。" in [e.value for e in at.error]  # the refusal, in the page's language
    at.text_input(key="excuse_reason").input("停产检修").run()
    at.button(key="excuse_units").click().run()
    states = {u.unit: (u.status, u.reason) for u in cycles.status(month, FEB).units}
    assert states["B11"] == ("confirmed", None) and states["B22"] == ("excused", "停产检修")
    at.text_input(key="open_month").input("2026-03").run()
    at.button(key="open_cycle").click().run()
    assert [c.period for c in cycles.months(month)] == [FEB, FEB + 1]
    assert "已开启 2026-03 的填报周期。" in [s.value for s in at.success]
    assert at.session_state["progress_month"] == FEB + 1  # the page shows the month just opened


def test_the_admin_may_confirm_some_of_the_approved_units(month):
    cycles.review(month, "approve", ["B13"], FEB, "root")
    at = open_as("root")
    assert at.checkbox(key=f"confirm_every_{FEB}").value  # every approved unit, as one tick
    at.checkbox(key=f"confirm_every_{FEB}").uncheck().run()
    at.multiselect(key=f"confirm_units_{FEB}").set_value(["B13"]).run()
    at.button(key="confirm_units").click().run()
    states = {u.unit: u.status for u in cycles.status(month, FEB).units}
    assert (states["B11"], states["B13"]) == ("approved", "confirmed")
