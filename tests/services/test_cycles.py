"""The monthly reporting cycle's use cases (SPEC §8): who may open, review, confirm, excuse, close, reopen and
restate; statuses moved by the import; overdue units; a month never opened behaves as today."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from analytics.model.cycles import CycleError
from analytics.periods import to_index
from analytics.services import cycles
from analytics.services.imports import Upload, check_scope, commit, run_import, validate
from analytics.store import accounts as auth
from analytics.store import audit
from analytics.store import cycles as store
from analytics.store.batches import revert
from analytics.store.connection import connect
from analytics.store.units import load_registry
from tests.fixtures import WIDE, xlsx

OCT = to_index(2026, 10)
DEADLINE = dt.date(2026, 11, 10)


@pytest.fixture(autouse=True)
def fast_hasher(monkeypatch):
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def group(db: Path) -> Path:
    """``db`` with an admin, a planner of S1, reviewers of S1 and S2, a leader, a disabled reviewer."""
    with connect(db) as con:
        auth.add_user(con, "root", "admin", "root password", "t")
        auth.add_user(con, "p1", "planner", "planner password", "t", units=["S1"])
        auth.add_user(con, "r1", "reviewer", "reviewer password", "t", units=["S1"])
        auth.add_user(con, "r2", "reviewer", "reviewer password", "t", units=["S2"])
        auth.add_user(con, "lead", "leader", "leader password", "t")
        auth.add_user(con, "gone", "reviewer", "reviewer password", "t", units=["S1"])
        auth.set_disabled(con, "gone", True, "t")
    return db


def wide(units: list[tuple[str, float]], month: int = 10) -> bytes:
    rows: list[list[object]] = [
        [f"2026年{month}月党建工作月报"],
        ["单位编码", "三会一课完成率（%）", "营业收入（万元）"],
    ]
    rows += [[code, 90.0, value] for code, value in units]
    return xlsx(rows)


def imported(db: Path, units: list[tuple[str, float]], user: str = "p1", **kw: object):
    return run_import(db, [Upload("月报.xlsx", wide(units))], user=user, **kw)  # type: ignore[arg-type]


def statuses(db: Path) -> dict[str, str]:
    return {u.unit: u.status for u in cycles.status(db, OCT).units}


def refusal(call, code: str) -> CycleError:
    with pytest.raises(CycleError) as caught:
        call()
    assert caught.value.code == code, caught.value
    return caught.value


def test_the_whole_month_from_open_to_restatement(group):
    cycles.open_month(group, OCT, DEADLINE, "root")
    assert statuses(group) == {"B11": "missing", "B12": "missing", "B21": "missing", "B22": "missing"}
    assert imported(group, [("B11", 100.0), ("B12", 200.0)]).status == "committed"
    assert statuses(group) == {"B11": "submitted", "B12": "submitted", "B21": "missing", "B22": "missing"}
    [b11] = cycles.review(group, "approve", ["B11"], OCT, "r1")
    assert (b11.unit, b11.before, b11.after) == ("B11", "submitted", "approved")
    refusal(lambda: cycles.review(group, "approve", ["B12"], OCT, "r2"), "cycle.out_of_scope")
    refusal(lambda: cycles.review(group, "return", ["B12"], OCT, "r1"), "cycle.needs_reason")
    cycles.review(group, "return", ["B12"], OCT, "r1", reason="营业收入有误")
    refusal(lambda: cycles.review(group, "confirm", ["B11"], OCT, "r1"), "cycle.not_permitted")
    cycles.review(group, "confirm", ["B11"], OCT, "root")
    blocked = refusal(lambda: cycles.close_month(group, OCT, "root"), "cycle.close_blocked")
    assert blocked.blocking == (("B12", "returned"), ("B21", "missing"), ("B22", "missing"))
    assert "B12（已退回）、B21（未报）、B22（未报）" in blocked.message("zh")
    assert "3 units" in blocked.message("en")
    imported(group, [("B12", 210.0)])  # the planner re-uploads: submitted again
    cycles.review(group, "approve", ["一电厂"], OCT, "r1")  # a unit by its (unique) name
    refusal(lambda: cycles.review(group, "excuse", ["B21"], OCT, "root"), "cycle.needs_reason")
    cycles.review(group, "excuse", ["S2"], OCT, "root", reason="停产检修")
    cycles.review(group, "confirm", ["B12"], OCT, "root")
    assert cycles.close_month(group, OCT, "root").state == "closed"
    assert statuses(group) == {"B11": "confirmed", "B12": "confirmed", "B21": "excused", "B22": "excused"}
    # after close: an import touching the month is rejected at the first cell of that month
    rejected = imported(group, [("B11", 999.0)])
    assert rejected.status == "rejected"
    assert [(e.code, e.cell) for e in rejected.errors] == [("month_closed", "B3")]  # its first value
    refusal(lambda: cycles.restatement(group, "数据更正", "p1"), "cycle.not_permitted")
    refusal(lambda: cycles.restatement(group, "  ", "root"), "cycle.needs_reason")
    reason = cycles.restatement(group, "数据更正", "root")
    restated = imported(group, [("B11", 999.0)], user="root", restated=reason)
    assert restated.status == "committed"
    with connect(group, read_only=True) as con:
        marks = store.restatements(con)
        [entry] = audit.details_of(audit.query(con, action=audit.IMPORT, limit=1))
    assert marks[["batch_id", "reason", "period"]].to_dict("records") == [
        {"batch_id": restated.batch_id, "reason": "数据更正", "period": OCT}
    ]
    assert entry["restated"] == "数据更正"
    assert statuses(group)["B11"] == "confirmed"  # a closed month's statuses stay
    assert list(cycles.restated(group)["period"]) == [OCT]
    assert [(c.period, c.state, c.deadline) for c in cycles.months(group)] == [(OCT, "closed", DEADLINE)]


def test_a_refused_transition_names_the_current_status(group):
    cycles.open_month(group, OCT, None, "root")
    imported(group, [("B11", 100.0)])
    cycles.review(group, "approve", ["B11"], OCT, "r1")
    refused = refusal(lambda: cycles.review(group, "approve", ["B11"], OCT, "r1"), "cycle.transition")
    assert "B11（已审核）" in refused.message("zh") and "B11 (approved)" in refused.message("en")
    refused = refusal(lambda: cycles.review(group, "approve", ["S1"], OCT, "r1"), "cycle.transition")
    assert refused.blocking == (("B11", "approved"), ("B12", "missing"))  # all or none: B12 stays as it was
    assert statuses(group)["B12"] == "missing"


@pytest.mark.parametrize(
    ("action", "who", "code"),
    [
        ("approve", "p1", "cycle.not_permitted"),  # a planner does not review
        ("approve", "lead", "cycle.not_permitted"),
        ("approve", "gone", "cycle.not_permitted"),  # a disabled reviewer
        ("approve", "nobody", "cycle.unknown_user"),
        ("return", "r2", "cycle.out_of_scope"),
        ("confirm", "r1", "cycle.not_permitted"),  # confirm and excuse: admins only
        ("excuse", "r1", "cycle.not_permitted"),
    ],
)
def test_who_may_not_review(group, action, who, code):
    cycles.open_month(group, OCT, None, "root")
    imported(group, [("B11", 100.0)])
    with connect(group, read_only=True) as con:
        before = audit.head(con)
    refusal(lambda: cycles.review(group, action, ["B11"], OCT, who, reason="原因"), code)
    with connect(group, read_only=True) as con:
        assert audit.head(con) == before  # refused before any state was read: nothing logged
    assert statuses(group)["B11"] == "submitted"


@pytest.mark.parametrize("who", ["p1", "r1", "lead"])
def test_only_admins_open_close_and_reopen(group, who):
    refusal(lambda: cycles.open_month(group, OCT, None, who), "cycle.not_permitted")
    cycles.open_month(group, OCT, None, "root")
    refusal(lambda: cycles.close_month(group, OCT, who), "cycle.not_permitted")
    refusal(lambda: cycles.reopen_month(group, OCT, "补报", who), "cycle.not_permitted")


def test_cycle_states_refuse_what_they_do_not_allow(group):
    state = refusal(lambda: cycles.close_month(group, OCT, "root"), "cycle.state")
    assert "未开启" in state.message("zh") and "not opened" in state.message("en")
    refusal(lambda: cycles.review(group, "excuse", ["B11"], OCT, "root", "x"), "cycle.state")
    refusal(lambda: cycles.open_month(group, OCT, dt.date(2026, 9, 30), "root"), "cycle.bad_deadline")
    cycles.open_month(group, OCT, dt.date(2026, 10, 1), "root")
    refusal(lambda: cycles.open_month(group, OCT, None, "root"), "cycle.state")
    refusal(lambda: cycles.reopen_month(group, OCT, "补报", "root"), "cycle.state")
    cycles.review(group, "excuse", ["G"], OCT, "root", "集团整体免报")
    cycles.close_month(group, OCT, "root")
    refusal(lambda: cycles.reopen_month(group, OCT, None, "root"), "cycle.needs_reason")
    assert cycles.reopen_month(group, OCT, "补报", "root").state == "open"


def test_overdue_is_past_the_deadline_and_missing_or_returned(group):
    cycles.open_month(group, OCT, DEADLINE, "root")
    imported(group, [("B11", 100.0), ("B12", 200.0)])
    cycles.review(group, "return", ["B12"], OCT, "r1", reason="错")
    on_time = {u.unit: u.overdue for u in cycles.status(group, OCT, today=DEADLINE).units}
    late = {u.unit: u.overdue for u in cycles.status(group, OCT, today=DEADLINE + dt.timedelta(days=1)).units}
    assert on_time == {"B11": False, "B12": False, "B21": False, "B22": False}
    assert late == {"B11": False, "B12": True, "B21": True, "B22": True}


def test_a_parent_that_reports_itself_is_a_reporting_unit(group):
    cycles.open_month(group, OCT, None, "root")
    imported(group, [("S1", 900.0)])
    assert statuses(group) == {"S1": "submitted", "B11": "missing", "B12": "missing", "B21": "missing",
                               "B22": "missing"}  # fmt: skip


def test_a_month_never_opened_behaves_as_today(group):
    assert cycles.status(group, OCT).to_json() == {"period": "2026-10", "state": "none", "deadline": None, "units": []}
    assert imported(group, [("B11", 100.0)]).status == "committed"
    assert cycles.status(group, OCT).units == ()
    with connect(group, read_only=True) as con:
        assert audit.query(con, action=audit.UNIT_STATUS).empty


def test_a_reviewer_cannot_import(group):
    with connect(group, read_only=True) as con:
        reviewer, registry = auth.load_user(con, "r1"), load_registry(con)
    assert reviewer is not None and not reviewer.can("import") and reviewer.can("review")
    validation = validate(group, [Upload("月报.xlsx", xlsx(WIDE))])
    assert [i.code for i in check_scope(reviewer, validation, registry)] == ["import_not_allowed"]


def test_the_page_path_validates_and_commits_a_restatement(group):
    cycles.open_month(group, OCT, None, "root")
    cycles.review(group, "excuse", ["G"], OCT, "root", "x")
    cycles.close_month(group, OCT, "root")
    upload = [Upload("月报.xlsx", xlsx(WIDE))]
    assert [i.code for i in validate(group, upload).errors] == ["month_closed"]
    assert validate(group, upload).errors[0].cell == "D4"
    good = validate(group, upload, restated="更正")
    assert good.errors == []
    with pytest.raises(CycleError):  # the commit checks again, in its transaction
        commit(group, good, "root", confirmed=True)
    assert commit(group, good, "root", confirmed=True, restated="更正") == 1


def test_a_reverted_batch_takes_its_units_back_to_what_their_values_are(group):
    """SPEC §8: a unit's status follows the committed batches of its values; a revert in an open month undoes the
    submission (the unit is missing again, or submitted by the earlier batch and to be reviewed again)."""
    cycles.open_month(group, OCT, DEADLINE, "root")
    first = imported(group, [("B11", 100.0)])
    cycles.review(group, "approve", ["B11"], OCT, "r1")
    second = imported(group, [("B11", 120.0), ("B12", 200.0)])
    cycles.review(group, "approve", ["B11", "B12"], OCT, "r1")
    other = imported(group, [("B21", 50.0)], user="root")
    assert statuses(group) == {"B11": "approved", "B12": "approved", "B21": "submitted", "B22": "missing"}
    with connect(group) as con:
        revert(con, second.batch_id, user="p1")
    after = {u.unit: (u.status, u.batch_id, u.by) for u in cycles.status(group, OCT).units}
    assert after == {
        "B11": ("submitted", first.batch_id, "p1"),  # its October values are the first batch's again: review again
        "B12": ("missing", None, None),  # nothing of B12 is left in October
        "B21": ("submitted", other.batch_id, "root"),  # another batch's unit: untouched
        "B22": ("missing", None, None),
    }
    with connect(group, read_only=True) as con:
        [entry] = audit.details_of(audit.query(con, action=audit.UNIT_STATUS, limit=1))
    assert entry == {
        "period": "2026-10",
        "action": "revert",
        "batch": second.batch_id,
        "units": ["B11", "B12"],
        "from": {"B11": "approved", "B12": "approved"},
        "to": {"B11": "submitted", "B12": "missing"},
    }
