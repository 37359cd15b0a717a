"""The reporting cycle in the store (SPEC §8): each change one transaction with its audit entry; a batch's commit
marks its units submitted in open months and is refused in closed ones unless restated; a kill during a close or a
restatement leaves all or nothing; two reviewers at once leave one consistent status and an audit row each."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from analytics.model.cycles import CycleError
from analytics.periods import to_index
from analytics.store import audit
from analytics.store import cycles as store
from analytics.store.backup import backup, restore, table_names
from analytics.store.batches import commit, revert
from analytics.store.connection import SCHEMA_VERSION, connect, first_row, schema_version
from analytics.store.units import unit_ids
from tests.fixtures import ROOT

OCT, NOV = to_index(2026, 10), to_index(2026, 11)


def staged(period: int, uids: list[int], value: float = 1.0) -> pd.DataFrame:
    return pd.DataFrame({"uid": uids, "period": [period] * len(uids), "mid": [1] * len(uids), "value": value}).astype(
        {"uid": "int64", "period": "int64", "mid": "int64", "value": "float64"}
    )


def ids(db: Path) -> dict[str, int]:
    with connect(db, read_only=True) as con:
        return unit_ids(con)


def statuses(db: Path, period: int = OCT) -> dict[str, str]:
    codes = {uid: code for code, uid in ids(db).items()}
    with connect(db, read_only=True) as con:
        return {codes[uid]: row.status for uid, row in store.status_rows(con, period).items()}


def entries(db: Path, action: str) -> list[dict]:
    with connect(db, read_only=True) as con:
        return audit.details_of(audit.query(con, action=action))[::-1]


def test_the_migration_adds_the_cycle_tables(db):
    with connect(db, read_only=True) as con:
        assert schema_version(con) == SCHEMA_VERSION
        assert {"cycles", "unit_status", "restatements"} <= set(table_names(con))


def test_open_close_reopen_each_with_its_audit_entry(db):
    import datetime as dt

    with connect(db) as con:
        opened = store.open_cycle(con, OCT, dt.date(2026, 11, 10), "root")
        assert (opened.state, opened.deadline, opened.opened_by) == ("open", dt.date(2026, 11, 10), "root")
        with pytest.raises(CycleError) as again:
            store.open_cycle(con, OCT, None, "root")
        assert again.value.code == "cycle.state" and "填报中" in str(again.value) and "is open" in str(again.value)
        with pytest.raises(CycleError) as blocked:
            store.close_cycle(con, OCT, "root")
        assert blocked.value.blocking == (
            ("B11", "missing"),
            ("B12", "missing"),
            ("B21", "missing"),
            ("B22", "missing"),
        )
        uid = unit_ids(con)
        store.change_status(con, OCT, {uid["B11"]: "B11", uid["B12"]: "B12"}, "excuse", "root", "停产")
        store.change_status(con, OCT, {uid["B21"]: "B21", uid["B22"]: "B22"}, "excuse", "root", "停产")
        closed = store.close_cycle(con, OCT, "root")
        assert (closed.state, closed.closed_by) == ("closed", "root")
        with pytest.raises(CycleError, match="已关账"):
            store.close_cycle(con, OCT, "root")
        reopened = store.reopen_cycle(con, OCT, "补报", "root")
        assert (reopened.state, reopened.closed_at) == ("open", None)
        with pytest.raises(CycleError, match="not opened"):
            store.reopen_cycle(con, NOV, "x", "root")
        assert audit.verify(con) is None
    assert [e["period"] for e in entries(db, audit.CYCLE_OPEN)] == ["2026-10"]
    assert entries(db, audit.CYCLE_CLOSE) == [{"period": "2026-10", "units": 4}]
    assert entries(db, audit.CYCLE_REOPEN) == [{"period": "2026-10", "reason": "补报"}]


def test_a_commit_submits_its_units_in_open_months_only(db):
    uid = ids(db)
    with connect(db) as con:
        store.open_cycle(con, OCT, None, "root")
        batch = commit(con, pd.concat([staged(OCT, [uid["B11"], uid["S1"]]), staged(NOV, [uid["B12"]])]), [], "p1")
    assert statuses(db) == {"B11": "submitted", "S1": "submitted"}  # S1 reports itself
    assert statuses(db, NOV) == {}  # never opened: as today
    with connect(db, read_only=True) as con:
        row = store.status_rows(con, OCT)[uid["B11"]]
    assert (row.batch_id, row.submitted_by) == (batch, "p1")
    [entry] = entries(db, audit.UNIT_STATUS)
    assert entry == {"period": "2026-10", "action": "submit", "status": "submitted", "batch": batch,
                     "units": ["S1", "B11"], "from": {}}  # fmt: skip


def test_a_month_never_opened_changes_nothing(db):
    uid = ids(db)
    with connect(db) as con:
        assert commit(con, staged(OCT, [uid["B11"]]), [], "p1") == 1
        assert first_row(con, "SELECT count(*) FROM unit_status")[0] == 0
    assert entries(db, audit.UNIT_STATUS) == []


def test_a_new_batch_sets_any_status_back_to_submitted(db):
    uid = ids(db)
    units = {uid["B11"]: "B11"}
    with connect(db) as con:
        store.open_cycle(con, OCT, None, "root")
        for value, action, reason in [(1.0, "return", "错"), (2.0, "approve", None), (3.0, "approve", None)]:
            commit(con, staged(OCT, [uid["B11"]], value), [], "p1")
            store.change_status(con, OCT, units, action, "r1", reason)
            if action == "approve" and value == 3.0:
                store.change_status(con, OCT, units, "confirm", "root")
        assert store.status_rows(con, OCT)[uid["B11"]].status == "confirmed"
        commit(con, staged(OCT, [uid["B11"]], 4.0), [], "p1")
        row = store.status_rows(con, OCT)[uid["B11"]]
    assert (row.status, row.reviewed_by, row.reason, row.batch_id) == ("submitted", None, None, 4)
    assert [e["from"] for e in entries(db, audit.UNIT_STATUS) if e["action"] == "submit"] == [
        {}, {"B11": "returned"}, {"B11": "approved"}, {"B11": "confirmed"},
    ]  # fmt: skip


TRANSITIONS = [  # action, from, allowed
    ("approve", "submitted", True),
    ("return", "submitted", True),
    ("return", "approved", True),
    ("confirm", "approved", True),
    ("excuse", "missing", True),
    ("excuse", "returned", True),
    ("approve", "missing", False),
    ("approve", "returned", False),
    ("approve", "approved", False),
    ("approve", "confirmed", False),
    ("approve", "excused", False),
    ("return", "missing", False),
    ("return", "returned", False),
    ("return", "confirmed", False),
    ("return", "excused", False),
    ("confirm", "missing", False),
    ("confirm", "submitted", False),
    ("confirm", "returned", False),
    ("confirm", "confirmed", False),
    ("confirm", "excused", False),
    ("excuse", "submitted", False),
    ("excuse", "approved", False),
    ("excuse", "confirmed", False),
    ("excuse", "excused", False),
]
ROUTE = {  # how a unit gets to each status (after its submission where needed)
    "missing": [],
    "submitted": ["submit"],
    "returned": ["submit", "return"],
    "approved": ["submit", "approve"],
    "confirmed": ["submit", "approve", "confirm"],
    "excused": ["excuse"],
}
ZH = {"missing": "未报", "submitted": "已报待审", "returned": "已退回", "approved": "已审核", "confirmed": "已确认",
      "excused": "免报"}  # fmt: skip


@pytest.mark.parametrize(("action", "before", "allowed"), TRANSITIONS)
def test_every_transition_and_refusal(db, action, before, allowed):
    uid = ids(db)
    units = {uid["B11"]: "B11"}
    with connect(db) as con:
        store.open_cycle(con, OCT, None, "root")
        for step in ROUTE[before]:
            if step == "submit":
                commit(con, staged(OCT, [uid["B11"]]), [], "p1")
            else:
                store.change_status(con, OCT, units, step, "root", "因为")
        assert store.status_rows(con, OCT).get(uid["B11"], None) is None or before != "missing"
        log = audit.query(con)
        if allowed:
            [change] = store.change_status(con, OCT, units, action, "r1", "原因")
            assert (change.unit, change.before) == ("B11", before)
            row = store.status_rows(con, OCT)[uid["B11"]]
            assert (row.status, row.reviewed_by, row.reason) == (change.after, "r1", "原因")
            assert audit.details_of(audit.query(con, action=audit.UNIT_STATUS, limit=1)) == [
                {"period": "2026-10", "action": action, "status": change.after, "units": ["B11"],
                 "from": {"B11": before}, "reason": "原因"}
            ]  # fmt: skip
        else:
            with pytest.raises(CycleError) as refused:
                store.change_status(con, OCT, units, action, "r1", "原因")
            assert refused.value.code == "cycle.transition"
            assert refused.value.blocking == (("B11", before),)
            assert f"B11（{ZH[before]}）" in refused.value.message("zh")
            assert f"B11 ({before})" in refused.value.message("en")
            now = store.status_rows(con, OCT).get(uid["B11"])
            assert (now.status if now else "missing") == before  # nothing changed
            added = audit.query(con).iloc[: len(audit.query(con)) - len(log)]
            assert list(added["action"]) == [audit.REVIEW_REFUSED]  # the attempt is logged, nothing else
        assert audit.verify(con) is None


def test_a_month_not_open_refuses_review_actions(db):
    uid = ids(db)
    with connect(db) as con:
        with pytest.raises(CycleError, match="未开启"):
            store.change_status(con, OCT, {uid["B11"]: "B11"}, "excuse", "root", "x")
        store.open_cycle(con, OCT, None, "root")
        for code in ("B11", "B12", "B21", "B22"):
            store.change_status(con, OCT, {uid[code]: code}, "excuse", "root", "x")
        store.close_cycle(con, OCT, "root")
        with pytest.raises(CycleError, match="is closed"):
            store.change_status(con, OCT, {uid["B11"]: "B11"}, "return", "root", "x")


def test_a_closed_month_refuses_a_batch_unless_restated(db):
    uid = ids(db)
    with connect(db) as con:
        store.open_cycle(con, OCT, None, "root")
        first = commit(con, staged(OCT, [uid["B11"]]), [], "p1")
        for code in ("B11", "B12", "B21", "B22"):
            if code == "B11":
                store.change_status(con, OCT, {uid[code]: code}, "approve", "r1")
                store.change_status(con, OCT, {uid[code]: code}, "confirm", "root")
            else:
                store.change_status(con, OCT, {uid[code]: code}, "excuse", "root", "停产")
        store.close_cycle(con, OCT, "root")
        before = audit.head(con)
        with pytest.raises(CycleError) as refused:
            commit(con, staged(OCT, [uid["B11"]], 5.0), [], "p1")
        assert refused.value.code == "cycle.month_closed" and "2026-10" in str(refused.value)
        assert audit.head(con) == before  # nothing written
        assert first_row(con, "SELECT count(*) FROM batches")[0] == 1
        assert commit(con, staged(NOV, [uid["B11"]]), [], "p1") == first + 1  # other months: as today
        assert store.restatements(con).empty


def test_a_restatement_is_recorded_with_its_batch(db):
    from analytics.store.batches import commit_with_diff

    uid = ids(db)
    with connect(db) as con:
        store.open_cycle(con, OCT, None, "root")
        for code in ("B11", "B12", "B21", "B22"):
            store.change_status(con, OCT, {uid[code]: code}, "excuse", "root", "停产")
        store.close_cycle(con, OCT, "root")
        batch, _ = commit_with_diff(con, staged(OCT, [uid["B11"]], 5.0), [], "root", restated="数据更正")
        frame = store.restatements(con)
        assert frame[["batch_id", "reason", "period"]].to_dict("records") == [
            {"batch_id": batch, "reason": "数据更正", "period": OCT}
        ]
        assert store.status_rows(con, OCT)[uid["B11"]].status == "excused"  # a closed month's statuses stay
        revert(con, batch, "root")
        assert store.restatements(con).empty  # a reverted restatement no longer marks the month
    [entry] = entries(db, audit.IMPORT)
    assert (entry["restated"], entry["periods"]) == ("数据更正", ["2026-10"])


# --- processes: a kill during a close or a restatement, two reviewers at once ----------------------------------

KILLED_CLOSE = """
import sys, time
from analytics.store import audit, cycles
from analytics.store.connection import connect
after_commit = sys.argv[3] == "after"
real_record, real_anchor = audit.record, audit.anchor
def record(con, actor, action, details=None, at=None):
    got = real_record(con, actor, action, details, at)
    if action == audit.CYCLE_CLOSE and not after_commit:
        print("ready", flush=True)
        time.sleep(60)
    return got
def anchor(con):
    real_anchor(con)
    if after_commit:
        print("ready", flush=True)
        time.sleep(60)
audit.record, audit.anchor = record, anchor
with connect(sys.argv[1]) as con:
    cycles.close_cycle(con, int(sys.argv[2]), "root")
"""

KILLED_RESTATEMENT = """
import sys, time
import pandas as pd
from analytics.store import audit
from analytics.store.batches import commit_with_diff
from analytics.store.connection import connect
real_record = audit.record
def record(con, actor, action, details=None, at=None):
    got = real_record(con, actor, action, details, at)
    if action == audit.IMPORT:
        print("ready", flush=True)
        time.sleep(60)
    return got
audit.record = record
rows = pd.DataFrame({"uid": [int(sys.argv[3])] * 50_000, "period": [int(sys.argv[2])] * 50_000,
                     "mid": range(50_000), "value": 9.0})
with connect(sys.argv[1]) as con:
    commit_with_diff(con, rows, [], "root", restated="更正")
"""


def _kill_when_ready(script: str, *args: str) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout.readline().strip() == "ready"
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def _closable(db: Path) -> None:
    uid = ids(db)
    with connect(db) as con:
        store.open_cycle(con, OCT, None, "root")
        for code in ("B11", "B12", "B21", "B22"):
            store.change_status(con, OCT, {uid[code]: code}, "excuse", "root", "停产")


@pytest.mark.parametrize(("moment", "state"), [("before", "open"), ("after", "closed")])
def test_kill_during_close_leaves_the_month_open_or_closed(db, moment, state):
    _closable(db)
    _kill_when_ready(KILLED_CLOSE, str(db), str(OCT), moment)
    with connect(db) as con:
        assert store.load_cycle(con, OCT).state == state
        closes = audit.query(con, action=audit.CYCLE_CLOSE)
        assert len(closes) == (state == "closed")  # the entry exactly when the close happened
        assert audit.verify(con) is None
        assert (store.load_cycle(con, OCT).closed_by is not None) == (state == "closed")


def test_kill_during_a_restatement_leaves_all_or_nothing(db):
    _closable(db)
    with connect(db) as con:
        store.close_cycle(con, OCT, "root")
    _kill_when_ready(KILLED_RESTATEMENT, str(db), str(OCT), str(ids(db)["B11"]))
    with connect(db) as con:
        assert first_row(con, "SELECT count(*) FROM batches")[0] == 0
        assert first_row(con, "SELECT count(*) FROM observations")[0] == 0
        assert store.restatements(con).empty
        assert store.load_cycle(con, OCT).state == "closed"
        assert audit.verify(con) is None


REVIEWER = """
import json, sys, time
from analytics.model.cycles import CycleError
from analytics.store import cycles
from analytics.store.connection import connect
start, db, period, uid = float(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
action, who = sys.argv[5], sys.argv[6]
time.sleep(max(0.0, start - time.time()))
try:
    with connect(db) as con:
        changes = cycles.change_status(con, period, {uid: "B11"}, action, who, "原因" if action == "return" else None)
    print(json.dumps({"who": who, "ok": True, "from": changes[0].before}), flush=True)
except CycleError as exc:
    print(json.dumps({"who": who, "ok": False, "blocking": exc.blocking}), flush=True)
"""


@pytest.mark.parametrize("round_", range(2))
def test_two_reviewers_at_once_leave_one_consistent_status_and_two_audit_rows(db, round_):
    uid = ids(db)["B11"]
    with connect(db) as con:
        store.open_cycle(con, OCT, None, "root")
        commit(con, staged(OCT, [uid]), [], "p1")
    start = time.time() + 2.0
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", REVIEWER, str(start), str(db), str(OCT), str(uid), action, who],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        for action, who in (("approve", "r1"), ("return", "r2"))
    ]
    results = {}
    for proc in procs:
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0, out
        got = json.loads(out)
        results[got["who"]] = got
    assert results["r2"]["ok"]  # a return is allowed from submitted and from approved: it always applies
    with connect(db, read_only=True) as con:
        assert store.status_rows(con, OCT)[uid].status == "returned"
        log = audit.query(con, action=[audit.UNIT_STATUS, audit.REVIEW_REFUSED])
        assert audit.verify(con) is None
    reviews = log[log["actor"].isin(["r1", "r2"])]
    assert sorted(reviews["actor"]) == ["r1", "r2"]  # one row each, whichever came first
    if results["r1"]["ok"]:  # approve first: the return found it approved
        assert results["r2"]["from"] == "approved"
        assert set(reviews["action"]) == {audit.UNIT_STATUS}
    else:  # return first: the approval was refused, naming the status it found
        assert results["r1"]["blocking"] == [["B11", "returned"]]
        assert results["r2"]["from"] == "submitted"
        assert sorted(reviews["action"]) == [audit.REVIEW_REFUSED, audit.UNIT_STATUS]


def test_backup_and_restore_carry_the_cycle_tables(db, tmp_path):
    from analytics.store.batches import commit_with_diff

    uid = ids(db)
    _closable(db)
    with connect(db) as con:
        commit(con, staged(OCT, [uid["B11"]]), [], "p1")
        store.change_status(con, OCT, {uid["B11"]: "B11"}, "approve", "r1")
        store.change_status(con, OCT, {uid["B11"]: "B11"}, "confirm", "root")
        store.close_cycle(con, OCT, "root")
        commit_with_diff(con, staged(OCT, [uid["B11"]], 7.0), [], "root", restated="更正")
        tables = ("cycles", "unit_status", "restatements")
        before = {t: con.table(t).fetchall() for t in tables}
    assert all(before.values())
    backup(db, tmp_path / "bk")
    target = tmp_path / "restored.duckdb"
    restore(target, tmp_path / "bk")
    with connect(target, read_only=True) as con:
        assert {t: con.table(t).fetchall() for t in tables} == before


def test_a_batch_of_a_closed_month_cannot_be_reverted_but_a_restatement_can(db):
    from analytics.store.batches import commit_with_diff

    uid = ids(db)
    with connect(db) as con:
        store.open_cycle(con, OCT, None, "root")
        first = commit(con, staged(OCT, [uid["B11"]]), [], "p1")
        store.change_status(con, OCT, {uid["B11"]: "B11"}, "approve", "r1")
        store.change_status(con, OCT, {uid["B11"]: "B11"}, "confirm", "root")
        for code in ("B12", "B21", "B22"):
            store.change_status(con, OCT, {uid[code]: code}, "excuse", "root", "停产")
        store.close_cycle(con, OCT, "root")
        closed_values = first_row(con, "SELECT list(value ORDER BY mid) FROM current")[0]
        before = audit.head(con)
        with pytest.raises(CycleError) as refused:
            revert(con, first, "root")
        assert refused.value.code == "cycle.month_closed" and "2026-10" in str(refused.value)
        assert audit.head(con) == before and first_row(con, "SELECT status FROM batches WHERE id = ?", [first])[0] == (
            "committed"
        )
        batch, _ = commit_with_diff(con, staged(OCT, [uid["B11"]], 5.0), [], "root", restated="数据更正")
        revert(con, batch, "root")  # undoing the correction brings back the closed numbers
        assert first_row(con, "SELECT list(value ORDER BY mid) FROM current")[0] == closed_values
