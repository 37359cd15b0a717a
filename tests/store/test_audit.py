"""The audit log: append-only, filterable, tamper-evident, and written with the change it describes."""

from __future__ import annotations

import datetime as dt
import re
import threading
from pathlib import Path

import pytest

from analytics.store import audit
from analytics.store.connection import connect

ROOT = Path(__file__).resolve().parents[2]
DAY = dt.datetime(2026, 11, 2, 9, 0, 0)


@pytest.fixture
def logged(db: Path) -> Path:
    with connect(db) as con:
        audit.record(con, "root", audit.LOGIN, {}, DAY)
        audit.record(con, "p1", audit.IMPORT, {"batch": 1, "files": ["月报.xlsx"]}, DAY + dt.timedelta(hours=1))
        audit.record(con, "root", audit.REVERT, {"batch": 1}, DAY + dt.timedelta(days=1))
        audit.record(
            con, "show", audit.EXPORT, {"name": "<script>alert(1)</script> **bold**"}, DAY + dt.timedelta(days=2)
        )
    return db


def ids(db: Path, **filters) -> list[int]:
    with connect(db, read_only=True) as con:
        return audit.query(con, **filters)["id"].tolist()


def test_query_filters_by_actor_action_and_time(logged):
    assert ids(logged) == [4, 3, 2, 1]
    assert ids(logged, actor="root") == [3, 1]
    assert ids(logged, action="import") == [2]
    assert ids(logged, action=["login", "export"]) == [4, 1]
    assert ids(logged, since=DAY + dt.timedelta(minutes=30)) == [4, 3, 2]
    assert ids(logged, until=DAY.date()) == [2, 1]  # a date bounds the whole day
    assert ids(logged, since=DAY.date() + dt.timedelta(days=1), until=DAY.date() + dt.timedelta(days=1)) == [3]
    assert ids(logged, actor="nobody") == []


def test_details_come_back_verbatim(logged):
    with connect(logged, read_only=True) as con:
        frame = audit.query(con, action=["import", "export"])
        assert audit.actors(con) == ["p1", "root", "show"]
    assert frame.columns.tolist() == ["id", "at", "actor", "action", "details"]
    assert audit.details_of(frame) == [
        {"name": "<script>alert(1)</script> **bold**"},
        {"batch": 1, "files": ["月报.xlsx"]},
    ]
    assert frame["at"].tolist()[-1] == pd_timestamp(DAY + dt.timedelta(hours=1))


def pd_timestamp(value: dt.datetime):
    import pandas as pd

    return pd.Timestamp(value)


def test_unknown_actions_are_refused(db):
    with connect(db) as con, pytest.raises(ValueError, match="unknown audit action"):
        audit.record(con, "root", "delete_everything", {})


def test_an_entry_commits_or_rolls_back_with_its_change(db):
    with connect(db) as con:
        con.execute("BEGIN TRANSACTION")
        audit.record(con, "root", audit.UNITS, {"n": 1})
        con.execute("ROLLBACK")
    assert ids(db) == []


def test_the_module_offers_no_way_to_change_or_remove_entries():
    names = [n for n in dir(audit) if callable(getattr(audit, n)) and not n.startswith("__")]
    assert not [n for n in names if re.search(r"update|delete|remove|edit|clear|purge|truncate", n, re.I)]
    writes = re.compile(
        r"(UPDATE\s+audit_log|DELETE\s+FROM\s+audit_log|DROP\s+TABLE\s+audit_log|TRUNCATE\s+(TABLE\s+)?audit_log)", re.I
    )
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("analytics", "ui", "views")
        for path in (ROOT / folder).rglob("*.py")
        if writes.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_hash_chain_reveals_an_edit_or_a_deletion_made_outside_the_app(logged):
    with connect(logged) as con:
        assert audit.verify(con) is None
        con.execute("UPDATE audit_log SET actor = 'someone else' WHERE id = 2")  # what a DuckDB shell could do
        assert audit.verify(con) == 2
    with connect(logged) as con:
        con.execute("UPDATE audit_log SET actor = 'p1' WHERE id = 2")
        assert audit.verify(con) is None
        con.execute("DELETE FROM audit_log WHERE id = 3")
        assert audit.verify(con) == 3  # the chain breaks at 4; the anchor file names the entry that is gone


def test_sessions_appending_at_once_get_distinct_ids_and_one_chain(db):
    errors: list[BaseException] = []

    def append(actor: str) -> None:
        try:
            for _ in range(10):
                with connect(db) as con:
                    audit.record(con, actor, audit.EXPORT, {})
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(f"user{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(ids(db)) == list(range(1, 41))
    with connect(db, read_only=True) as con:
        assert audit.verify(con) is None


def test_command_line_changes_are_audited(db, tmp_path):
    import subprocess
    import sys

    from analytics.store import audit as audit_module
    from analytics.store.connection import connect as open_db
    from tests.fixtures import WIDE, xlsx

    book = tmp_path / "m.xlsx"
    book.write_bytes(xlsx(WIDE))
    base = [sys.executable, "-m", "analytics"]
    for args in (["import", str(book)], ["revert", "1"]):
        subprocess.run([*base, *args, "--db", str(db)], check=True, capture_output=True, timeout=120)
    with open_db(db, read_only=True) as con:
        actions = audit_module.query(con)["action"].tolist()
    assert {"import", "revert"} <= set(actions)
