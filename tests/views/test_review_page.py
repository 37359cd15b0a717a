"""The 审核 page (SPEC §8) through AppTest on a real database file: a reviewer's queue of submissions in scope with
values beside last month and the history median, approve and return per unit and in bulk, refusals in zh and en,
and the "not allowed" page for a role without ``review``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from analytics.periods import to_index
from analytics.services import cycles
from analytics.store import accounts as auth
from analytics.store.connection import connect
from analytics.store.metrics import metric_ids
from analytics.store.notes import save_notes
from tests.fixtures import APP, TIMEOUT, fill_group, tables

FEB = to_index(2026, 2)  # fill_group's last month: B11, B12, B13, B21 report, B22 does not
SCOPES = {"root": ("admin", ()), "r1": ("reviewer", ("S1",)), "r2": ("reviewer", ("S2",)),
          "p1": ("planner", ("S1",)), "lead": ("leader", ())}  # fmt: skip


@pytest.fixture
def month(db: Path, tmp_path: Path, monkeypatch) -> Path:
    """2026-02 opened before fill_group commits it: B11, B12, B13, B21 submitted, B22 missing."""
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    with connect(db) as con:
        for name, (role, units) in SCOPES.items():
            auth.add_user(con, name, role, "a long enough password", "t", units=units)
    cycles.open_month(db, FEB, dt.date(2026, 3, 10), "root")
    fill_group(db)
    monkeypatch.setenv("ANALYTICS_DB", str(db))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    return db


def open_as(name: str, lang: str = "zh", page: str = "views/review.py") -> AppTest:
    role, units = SCOPES[name]
    now = dt.datetime.now()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["auth_session"] = auth.Session(name, role, units, now, now, now)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(page if page.endswith(".py") else "views/welcome.py")
    if not page.endswith(".py"):  # a hidden page by its address (as tests/views/test_navigation.py reaches one)
        at._page_hash = calc_hash(page)
    at.run()
    assert not at.exception, at.exception
    return at


def statuses(db: Path) -> dict[str, str]:
    return {u.unit: u.status for u in cycles.status(db, FEB).units}


def queued(at) -> list[str]:
    """The units in the queue: their expanders (not the "every value" one inside each)."""
    return [e.label for e in at.expander if not e.label.startswith("该单位本月全部")]


def test_the_queue_holds_the_submissions_in_scope_with_their_values(month):
    batch = {u.unit: u.batch_id for u in cycles.status(month, FEB).units}["B11"]
    with connect(month) as con:  # the uploader's note (情况说明) on B11's revenue, as a commit keeps it
        uid = dict(con.execute("SELECT code, uid FROM units").fetchall())["B11"]
        note = pd.DataFrame({"uid": [uid], "period": [FEB], "mid": [metric_ids(con)["revenue"]], "note": ["年底结算"]})
        save_notes(con, batch, note, "p1")
    at = open_as("r1")
    assert queued(at) == ["B11 检修分公司", "B12 一电厂", "B13 三电厂"]  # S1's, not B21
    assert "范围：一公司（S1）" in [c.value for c in at.caption]  # the reviewer's scope by name
    summary, values = tables(at)[0].value, tables(at)[1].value
    assert list(summary.columns) == ["单位", "提示", "情况说明", "报送人", "报送时间"]
    assert summary["单位"].tolist() == ["B11（检修分公司）", "B12（一电厂）", "B13（三电厂）"]
    assert summary["情况说明"].tolist() == [1, 0, 0]
    assert list(values.columns) == ["指标", "本月", "上月", "环比", "历史中位数", "提示", "情况说明"]
    revenue = values.iloc[0]  # noted: listed first
    assert (revenue["指标"], revenue["情况说明"]) == ("营业收入", "年底结算")
    # B11 is branch 0: revenue 1000 + 10k in month k; 2026-02 is k = 13, the 12 months before k = 1..12
    assert (revenue["本月"], revenue["上月"], revenue["历史中位数"]) == ("1,130 万元", "1,120 万元", "1,065 万元")
    assert revenue["环比"] == "+0.9%"


def test_approve_and_return_per_unit_change_the_stored_status(month):
    at = open_as("r1")
    at.button(key="unit_B11_approve").click().run()
    assert "审核通过：B11。" in [s.value for s in at.success]
    at.text_input(key="unit_B12_reason").input("营业收入有误").run()
    at.button(key="unit_B12_return").click().run()
    assert statuses(month) == {"B11": "approved", "B12": "returned", "B13": "submitted", "B21": "submitted",
                               "B22": "missing"}  # fmt: skip
    assert queued(at) == ["B13 三电厂"]
    returned = {u.unit: u for u in cycles.status(month, FEB).units}["B12"]
    assert (returned.reviewed_by, returned.reason) == ("r1", "营业收入有误")


def test_bulk_approve(month):
    at = open_as("root")
    at.multiselect(key=f"review_bulk_{FEB}").set_value(["B13", "B21"]).run()
    at.button(key="bulk_approve").click().run()
    assert statuses(month)["B13"] == "approved" and statuses(month)["B21"] == "approved"


@pytest.mark.parametrize(
    ("lang", "message"),
    [("zh", "退回须填写原因（--reason）。"), ("en", "A reason is needed to return (--reason).")],
)
def test_a_return_without_reason_is_refused_in_the_users_language(month, lang, message):
    at = open_as("r1", lang)
    at.button(key="unit_B12_return").click().run()
    assert [e.value for e in at.error] == [message]
    assert statuses(month)["B12"] == "submitted"


def test_a_unit_another_reviewer_handled_leaves_the_queue(month):
    at = open_as("r1")
    cycles.review(month, "approve", ["B11"], FEB, "root")  # the admin acted meanwhile
    at.run()
    assert queued(at) == ["B12 一电厂", "B13 三电厂"]


DENIED = [("p1", "zh", "您没有访问此页面的权限。"), ("lead", "en", "You have no permission to open this page.")]


@pytest.mark.parametrize(("name", "lang", "text"), DENIED)
def test_a_role_without_review_sees_the_not_allowed_page(month, name, lang, text):
    at = open_as(name, lang, page="review")  # the address of a page the role may not open
    assert text in [w.value for w in at.warning]
    assert not queued(at) and [b.key for b in at.button] == ["logout"]
