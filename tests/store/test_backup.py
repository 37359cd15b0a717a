"""Backup and restore: every table round-trips row by row; damaged backups and non-empty targets are refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from analytics.model.catalog import Metric
from analytics.model.notes import Note
from analytics.model.rules import make_rule
from analytics.periods import to_index
from analytics.services.imports import Upload, run_import
from analytics.store import accounts as auth
from analytics.store import audit, cycles
from analytics.store.backup import MANIFEST, BackupError, backup, file_sha256, read_manifest, restore, table_names
from analytics.store.batches import revert
from analytics.store.connection import SCHEMA_VERSION, connect
from analytics.store.metrics import save_metrics
from analytics.store.rules import save_rules
from analytics.store.units import save_units, unit_ids
from tests.fixtures import WIDE, xlsx

ROOT = Path(__file__).resolve().parents[2]
OCT = to_index(2026, 10)


@pytest.fixture(autouse=True)
def fast_hasher(monkeypatch):
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def full(db: Path) -> Path:
    """A database with something in every table: batches (one reverted), users, audit, a new metric, a closed
    month's cycle with its units' statuses, a cross-check and a note."""
    with connect(db) as con:
        cycles.open_cycle(con, OCT, None, "root")
    run_import(db, [Upload("月报.xlsx", xlsx(WIDE))], user="p1")
    changed = [list(r) for r in WIDE]
    changed[3][3] = 90
    run_import(db, [Upload("更正.xlsx", xlsx(changed))], user="p1", notes=[Note("B11", OCT, "revenue", "检修增加")])
    with connect(db) as con:
        revert(con, 1, "root")
        uid = unit_ids(con)
        for code in ("B11", "B12"):
            cycles.change_status(con, OCT, {uid[code]: code}, "approve", "r1")
            cycles.change_status(con, OCT, {uid[code]: code}, "confirm", "root")
        for code in ("B21", "B22"):
            cycles.change_status(con, OCT, {uid[code]: code}, "excuse", "root", "停产")
        cycles.close_cycle(con, OCT, "root")  # restatements: tests/store/test_cycles.py
        save_units(con, [{"code": "X1", "name": "<script>alert(1)</script>", "parent_code": "S1", "headcount": None}])
        save_metrics(con, [Metric("bold", "**粗体**", "**bold**", "party", "组织建设", "次", 1, 0.0, None, ("别名",))])
        rule = {"code": "R1", "left": "revenue", "op": ">=", "right": "0", "message_zh": "收入非负"}
        save_rules(con, [make_rule(rule, ["revenue"])], "root")
        auth.add_user(con, "root", "admin", "root password", "test")
        auth.add_user(con, "p1", "planner", "planner password", "test", units=["S1"], email="p1@example.cn")
    auth.authenticate(db, "root", "wrong")
    return db


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every table's rows in stored order."""
    with connect(db, read_only=True) as con:
        return {table: con.table(table).fetchall() for table in table_names(con)}


def test_a_backup_restores_every_table_row_by_row(full, tmp_path):
    before = dump(full)
    manifest = backup(full, tmp_path / "bk", actor="root")
    assert manifest.schema_version == SCHEMA_VERSION
    assert [t.table for t in manifest.tables] == [
        "audit_log", "batches", "current", "cycles", "meta", "metrics", "notes", "observations", "restatements",
        "rules", "unit_status", "units", "users",
    ]  # fmt: skip
    assert dump(full)["audit_log"][-1][3] == "backup"  # recorded after the snapshot, so not in the backup
    assert manifest.rows() == {table: len(rows) for table, rows in before.items()}
    assert manifest.rows()["rules"] == manifest.rows()["notes"] == 1  # the cross-check and the note travel
    assert all(t.sha256 == file_sha256(tmp_path / "bk" / t.file) for t in manifest.tables)
    target = tmp_path / "restored.duckdb"
    restore(target, tmp_path / "bk", actor="root")
    after = dump(target)
    restored_log = after.pop("audit_log")
    assert after == {table: rows for table, rows in before.items() if table != "audit_log"}
    assert restored_log[:-1] == before["audit_log"]
    assert restored_log[-1][2:4] == ("root", "restore")
    with connect(target, read_only=True) as con:
        assert audit.verify(con) is None
    assert auth.authenticate(target, "p1", "planner password").ok


def test_restore_refuses_a_database_with_data_unless_forced(full, db_factory, tmp_path):
    backup(full, tmp_path / "bk")
    other = db_factory("other.duckdb")  # one unit is data already
    with pytest.raises(BackupError, match="holds data"):
        restore(other, tmp_path / "bk")
    assert dump(other)["units"] == [(1, "B11", "检修分公司", None, None)]
    restore(other, tmp_path / "bk", force=True)
    assert dump(other)["batches"] == dump(full)["batches"]
    fresh = tmp_path / "fresh.duckdb"
    with connect(fresh):
        pass  # a new database: the seeded catalog is not data
    restore(fresh, tmp_path / "bk")
    assert dump(fresh)["observations"] == dump(full)["observations"]


@pytest.fixture
def db_factory(tmp_path):
    def make(name: str) -> Path:
        path = tmp_path / name
        with connect(path) as con:
            save_units(con, [{"code": "B11", "name": "检修分公司", "parent_code": None, "headcount": None}])
        return path

    return make


def test_a_damaged_or_incomplete_backup_is_refused_and_the_target_untouched(full, tmp_path):
    folder = tmp_path / "bk"
    backup(full, folder)
    target = tmp_path / "t.duckdb"
    observations = folder / "observations.parquet"
    original = observations.read_bytes()
    observations.write_bytes(original[:-10] + b"0123456789")
    with pytest.raises(BackupError, match="SHA-256"):
        restore(target, folder)
    assert not target.exists()
    observations.unlink()
    with pytest.raises(BackupError, match="missing file"):
        read_manifest(folder)
    observations.write_bytes(original)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    (folder / MANIFEST).write_text(json.dumps({**manifest, "schema_version": SCHEMA_VERSION + 1}), encoding="utf-8")
    with pytest.raises(BackupError, match="newer"):
        restore(target, folder)
    (folder / MANIFEST).unlink()
    with pytest.raises(BackupError, match="no manifest"):
        restore(target, folder)
    assert not target.exists()


def test_a_folder_holding_a_backup_is_not_overwritten(full, tmp_path):
    backup(full, tmp_path / "bk")
    with pytest.raises(BackupError, match="already holds a backup"):
        backup(full, tmp_path / "bk")


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analytics", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_backup_and_restore_commands(full, tmp_path):
    folder, target = tmp_path / "bk", tmp_path / "new.duckdb"
    done = cli("backup", "--out", str(folder), "--db", str(full), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["status"], report["schema_version"]) == ("backed_up", SCHEMA_VERSION)
    assert {t["table"]: t["rows"] for t in report["tables"]}["observations"] == 8
    assert cli("restore", str(folder), "--db", str(target)).returncode == 0
    again = cli("restore", str(folder), "--db", str(target))
    assert again.returncode == 1 and "--force" in again.stderr
    assert cli("restore", str(folder), "--db", str(target), "--force").returncode == 0
    assert cli("restore", str(tmp_path / "nowhere"), "--db", str(target)).returncode == 1
    assert dump(target)["current"] == dump(full)["current"]
