"""The audit log's anchor outside the database file, and audit entries that commit with the change they describe.

The hash chain alone shows an edited or deleted row; the anchor file (``<db>.audit-anchor``) also shows a log cut
short or a chain recomputed from scratch. Imports and reverts write their entry in their own transaction: a failure
anywhere in it leaves neither the batch nor the entry.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.services.imports import Upload, commit, run_import, validate
from analytics.store import audit, batches
from analytics.store.backup import MANIFEST, backup, restore
from analytics.store.connection import connect, first_row
from tests.fixtures import WIDE, xlsx

ROOT = Path(__file__).resolve().parents[2]


def log(db: Path) -> list[tuple[str, str, dict]]:
    with connect(db, read_only=True) as con:
        frame = audit.query(con).iloc[::-1]
    return list(zip(frame["actor"], frame["action"], audit.details_of(frame), strict=True))


def batch_count(db: Path) -> int:
    with connect(db, read_only=True) as con:
        return int(first_row(con, "SELECT count(*) FROM batches")[0])


@pytest.fixture
def logged(db: Path) -> Path:
    """Five entries, each anchored as it was written."""
    with connect(db) as con:
        for n in range(5):
            audit.record(con, f"user{n}", audit.LOGIN, {"n": n})
    return db


def recompute_chain(con, rows: list[tuple]) -> None:
    """What someone with a DuckDB shell and this source could do: rewrite the log with a fresh, valid chain."""
    con.execute("DELETE FROM audit_log")
    previous = audit.GENESIS
    for row_id, at, actor, action, details in rows:
        row_hash = audit._row_hash(previous, row_id, at, actor, action, details)
        con.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?)", [row_id, at, actor, action, details, row_hash])
        previous = row_hash


# --- entries commit with their change ------------------------------------------------------------------------


def test_an_import_writes_its_entry_in_its_own_transaction(db):
    result = run_import(db, [Upload("月报.xlsx", xlsx(WIDE))], user="p1")
    assert log(db) == [
        ("p1", "import", {"batch": 1, "changed": 0, "files": ["月报.xlsx"], "kind": "import", "new": result.new}),
    ]
    with connect(db) as con:
        assert batches.revert(con, 1, "root") == result.new
    assert log(db)[-1] == ("root", "revert", {"batch": 1, "keys": result.new})


def test_a_failure_after_the_entry_inside_the_import_transaction_leaves_neither(db, monkeypatch):
    real = audit.record

    def record_then_fail(con, actor, action, *args, **kwargs):
        real(con, actor, action, *args, **kwargs)
        if action == audit.IMPORT:
            raise RuntimeError("the process dies here")

    monkeypatch.setattr(audit, "record", record_then_fail)
    checked = validate(db, [Upload("月报.xlsx", xlsx(WIDE))])
    with pytest.raises(RuntimeError, match="dies here"):
        commit(db, checked, "p1")
    assert (batch_count(db), log(db)) == (0, [])  # before the fix: the batch committed, its entry never written
    monkeypatch.setattr(audit, "record", real)
    assert commit(db, validate(db, [Upload("月报.xlsx", xlsx(WIDE))]), "p1") == 1
    assert [action for _, action, _ in log(db)] == ["import"]


def test_a_failure_after_the_entry_inside_the_revert_transaction_leaves_neither(db, monkeypatch):
    run_import(db, [Upload("月报.xlsx", xlsx(WIDE))], user="p1")
    real = audit.record

    def record_then_fail(con, actor, action, *args, **kwargs):
        real(con, actor, action, *args, **kwargs)
        if action == audit.REVERT:
            raise RuntimeError("the process dies here")

    monkeypatch.setattr(audit, "record", record_then_fail)
    with connect(db) as con, pytest.raises(RuntimeError, match="dies here"):
        batches.revert(con, 1, "root")
    with connect(db, read_only=True) as con:
        assert first_row(con, "SELECT status FROM batches WHERE id = 1") == ("committed",)
    assert [action for _, action, _ in log(db)] == ["import"]


def test_the_command_line_logs_each_import_and_revert_once_as_its_os_user(db, tmp_path):
    book = tmp_path / "m.xlsx"
    book.write_bytes(xlsx(WIDE))
    for args in (["import", str(book)], ["revert", "1"]):
        command = [sys.executable, "-m", "analytics", *args, "--db", str(db)]
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT, timeout=120)
    entries = log(db)
    assert [action for _, action, _ in entries] == ["import", "revert"]
    assert all(actor.startswith("cli") for actor, _, _ in entries)
    assert entries[1][2] == {"batch": 1, "keys": entries[0][2]["new"]}


# --- the anchor --------------------------------------------------------------------------------------------------


def test_every_write_is_anchored_beside_the_database(logged):
    lines = [json.loads(line) for line in audit.anchor_path(logged).read_text(encoding="utf-8").splitlines()]
    with connect(logged, read_only=True) as con:
        hashes = dict(con.execute("SELECT id, hash FROM audit_log").fetchall())
        assert audit.check(con) == audit.Check(None, None, 5, 0)
    assert [(entry["id"], entry["hash"]) for entry in lines] == list(hashes.items())
    assert audit.anchor_path(logged).name == "test.duckdb.audit-anchor"


def test_a_log_cut_short_is_detected(logged):
    with connect(logged) as con:
        con.execute("DELETE FROM audit_log WHERE id >= 4")  # the chain of entries 1–3 is still valid
        assert audit.verify(con) == 4
        assert audit.check(con).reason == "missing"


def test_an_emptied_log_is_detected(logged):
    with connect(logged) as con:
        con.execute("DELETE FROM audit_log")
        assert audit.verify(con) == 1
        assert audit.check(con).reason == "missing"


def test_a_recomputed_chain_is_detected(logged):
    with connect(logged) as con:
        rows = con.execute("SELECT id, logged_at, actor, action, details FROM audit_log ORDER BY id").fetchall()
        rows[2] = (rows[2][0], rows[2][1], "someone else", *rows[2][3:])  # entry 3 rewritten, chain recomputed
        recompute_chain(con, rows)
        assert audit.verify(con) == 3
        assert audit.check(con).reason == "rewritten"


def test_a_recomputed_and_shortened_chain_is_detected(logged):
    with connect(logged) as con:
        rows = con.execute("SELECT id, logged_at, actor, action, details FROM audit_log ORDER BY id").fetchall()
        recompute_chain(con, rows[:1])
        assert audit.check(con) == audit.Check(2, "missing", 5, 0)


def test_entries_after_the_last_anchor_are_counted_not_flagged(logged):
    with connect(logged) as con:
        con.execute("BEGIN TRANSACTION")  # a caller's own transaction that never anchors (e.g. a crash after COMMIT)
        audit.record(con, "late", audit.LOGOUT, {})
        con.execute("COMMIT")
        assert audit.check(con) == audit.Check(None, None, 5, 1)


def test_a_torn_last_line_is_skipped(logged):
    with audit.anchor_path(logged).open("a", encoding="utf-8") as handle:
        handle.write('{"id": 6, "ha')  # a power cut while appending
    with connect(logged, read_only=True) as con:
        assert audit.verify(con) is None


def test_the_backup_records_the_head_and_a_restore_starts_a_new_epoch(logged, tmp_path):
    with connect(logged, read_only=True) as con:
        head = audit.head(con)
    manifest = backup(logged, tmp_path / "bk", actor="root")
    assert manifest.audit_head == {"id": head[0], "hash": head[1]}
    written = json.loads((tmp_path / "bk" / MANIFEST).read_text(encoding="utf-8"))
    assert written["audit_head"] == {"id": 5, "hash": head[1]}
    with connect(logged) as con:
        audit.record(con, "later", audit.LOGIN, {})  # id 7 (6 is the backup): anchored, then rolled back below
    restore(logged, tmp_path / "bk", force=True, actor="root")
    with connect(logged, read_only=True) as con:
        assert audit.check(con) == audit.Check(None, None, 6, 0)  # the backup's 5, then the restore's own entry
        assert audit.query(con)["action"].tolist()[0] == "restore"


def test_a_restored_log_that_does_not_match_its_manifest_is_detected(logged, tmp_path):
    backup(logged, tmp_path / "bk", actor="root")
    manifest = tmp_path / "bk" / MANIFEST
    document = json.loads(manifest.read_text(encoding="utf-8"))
    document["audit_head"]["hash"] = "f" * 64  # the log in the backup is not the one the manifest anchored
    manifest.write_text(json.dumps(document), encoding="utf-8")
    restore(logged, tmp_path / "bk", force=True)
    with connect(logged, read_only=True) as con:
        assert audit.check(con).broken == 5


def test_an_export_made_in_the_app_is_logged_by_one_call(db):
    assert audit.record_export(db, "show", "融合分析_2026-10.pptx", {"page": "present", "to": "2026-10"}) == 1
    assert log(db) == [
        (
            "show",
            "export",
            {"file": "融合分析_2026-10.pptx", "format": "pptx", "page": "present", "to": "2026-10", "via": "app"},
        )
    ]
    with connect(db, read_only=True) as con:
        assert audit.check(con) == audit.Check(None, None, 1, 0)
