"""The monthly import (SPEC §3): layouts, exact error cells, round trips, nothing written on any error."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from analytics.periods import to_index
from analytics.services.imports import Upload, commit, run_import, validate
from analytics.store.accounts import User
from analytics.store.connection import connect, first_row
from analytics.store.observations import current_frame
from tests.fixtures import OCT, WIDE, xlsx


def dump(db: Path) -> list[tuple]:
    with connect(db, read_only=True) as con:
        return [tuple(r) for r in current_frame(con).itertuples(index=False)]


def database_bytes(db: Path) -> bytes:
    return db.read_bytes()


def test_wide_sheet_with_title_group_header_and_totals(db):
    result = run_import(db, [Upload("月报.xlsx", xlsx(WIDE))])
    assert result.status == "committed", result.errors
    assert dump(db) == [
        ("B11", "2026-10", "revenue", 1234.5),
        ("B11", "2026-10", "three_meetings_rate", 95.0),
        ("B12", "2026-10", "revenue", 2000.0),
        ("B12", "2026-10", "three_meetings_rate", 98.0),
    ]
    codes = {(w.code, w.cell) for w in result.warnings}
    assert ("unknown_column", "F3") in codes
    assert ("totals_row_skipped", "C6") in codes
    assert (result.observations, result.new, result.changed, result.unchanged) == (4, 4, 0, 0)


def test_reupload_changes_nothing_and_creates_no_batch(db):
    run_import(db, [Upload("月报.xlsx", xlsx(WIDE))])
    again = run_import(db, [Upload("月报.xlsx", xlsx(WIDE))])
    assert (again.status, again.batch_id, again.unchanged) == ("unchanged", None, 4)


@pytest.mark.parametrize(
    ("cell", "value", "code"),
    [("D4", "九十五", "bad_value"), ("D4", 120, "out_of_range"), ("E5", "12元", "bad_value")],
)
def test_each_error_names_its_exact_cell_and_nothing_is_written(db, cell, value, code):
    run_import(db, [Upload("first.xlsx", xlsx(WIDE))])
    before = database_bytes(db)
    rows = [list(r) + [None] * (6 - len(r)) for r in WIDE]
    rows[int(cell[1:]) - 1]["ABCDEF".index(cell[0])] = value
    rows[3][4] = 9999  # a change that must not be written either
    result = run_import(db, [Upload("bad.xlsx", xlsx(rows))])
    assert result.status == "rejected"
    assert [(e.file, e.sheet, e.cell, e.code) for e in result.errors] == [("bad.xlsx", "党建", cell, code)]
    assert result.errors[0].message and result.errors[0].message_en
    assert database_bytes(db) == before


def test_unknown_and_ambiguous_units(db):
    rows = [["单位名称", "三会一课完成率"], ["检修分公司", 90], ["不存在的单位", 80]]
    result = run_import(db, [Upload("u.xlsx", xlsx(rows))], period=OCT)
    assert [(e.cell, e.code) for e in result.errors] == [("A2", "ambiguous_unit"), ("A3", "unknown_unit")]
    assert "B11" in result.errors[0].message and "B21" in result.errors[0].message


def test_unit_code_wins_over_name_and_new_units_can_be_registered(db):
    rows = [["单位编码", "单位名称", "谈心谈话次数"], ["B21", "检修分公司", 7], ["N1", "新项目部", 3]]
    rejected = run_import(db, [Upload("n.xlsx", xlsx(rows))], period=OCT)
    assert [e.code for e in rejected.errors] == ["unknown_unit"]
    result = run_import(db, [Upload("n.xlsx", xlsx(rows))], period=OCT, create_units=True)
    assert result.status == "committed"
    assert dump(db) == [("B21", "2026-10", "heart_talks", 7.0), ("N1", "2026-10", "heart_talks", 3.0)]


def test_duplicate_key_is_an_error_at_the_second_row(db):
    rows = [["单位编码", "谈心谈话次数"], ["B11", 1], ["B12", 2], ["B11", 3]]
    result = run_import(db, [Upload("d.xlsx", xlsx(rows))], period=OCT)
    assert [(e.cell, e.code) for e in result.errors] == [("B4", "duplicate_key")]
    assert "党建!B2" in result.errors[0].message


def test_the_same_key_in_two_files_is_an_error_at_the_second(db):
    first = [["单位编码", "谈心谈话次数", "三会一课完成率（%）"], ["B11", 1, 90], ["B12", 2, 95]]
    second = [["单位编码", "谈心谈话次数"], ["B21", 5], ["B12", 3]]
    result = run_import(db, [Upload("a.xlsx", xlsx(first)), Upload("b.xlsx", xlsx(second))], period=OCT)
    assert [(e.file, e.cell, e.code) for e in result.errors] == [("b.xlsx", "B3", "duplicate_key")]


def test_same_unit_on_two_sheets_is_normal(db):
    party = [["单位编码", "谈心谈话次数"], ["B11", 1]]
    business = [["单位编码", "营业收入（万元）"], ["B11", 50]]
    result = run_import(db, [Upload("two.xlsx", xlsx(party, extra={"经营": business}))], period=OCT)
    assert result.status == "committed"
    assert len(dump(db)) == 2


def test_unit_note_and_contradicting_header_unit(db):
    rows = [["单位：万元"], ["单位编码", "营业收入", "利润总额（元）"], ["B11", 100, 5]]
    result = run_import(db, [Upload("m.xlsx", xlsx(rows))], period=OCT)
    assert [(e.cell, e.code) for e in result.errors] == [("C2", "unit_mismatch")]
    rows = [["单位：元"], ["单位编码", "营业收入"], ["B11", 100]]
    result = run_import(db, [Upload("m.xlsx", xlsx(rows))], period=OCT)
    assert [(e.cell, e.code) for e in result.errors] == [("B2", "unit_mismatch")]


def test_percent_formatted_cells_read_as_percentages(db):
    rows = [["单位编码", "三会一课完成率", "谈心谈话次数"], ["B11", 0.95, 4]]
    result = run_import(db, [Upload("p.xlsx", xlsx(rows, percent=("B2",)))], period=OCT)
    assert result.status == "committed", result.errors
    assert dump(db) == [("B11", "2026-10", "heart_talks", 4.0), ("B11", "2026-10", "three_meetings_rate", 95.0)]


def test_period_order_and_conflicts(db):
    rows = [["单位编码", "月份", "谈心谈话次数"], ["B11", "2026年9月", 1], ["B12", "2026-10", 2]]
    assert run_import(db, [Upload("x.xlsx", xlsx(rows))]).status == "committed"
    assert [r[1] for r in dump(db)] == ["2026-09", "2026-10"]
    conflict = run_import(db, [Upload("x.xlsx", xlsx(rows))], period=OCT)
    assert [(e.cell, e.code) for e in conflict.errors] == [("B2", "period_conflict")]
    no_period = run_import(db, [Upload("x.xlsx", xlsx([["单位编码", "谈心谈话次数"], ["B11", 1]], title="Sheet1"))])
    assert [e.code for e in no_period.errors] == ["no_period"]
    by_sheet_name = run_import(
        db, [Upload("x.xlsx", xlsx([["单位编码", "谈心谈话次数"], ["B11", 5]], title="2026.08"))]
    )
    assert by_sheet_name.status == "committed"
    ranged = run_import(db, [Upload("2026年1-10月.xlsx", xlsx([["单位编码", "谈心谈话次数"], ["B11", 5]], "汇总"))])
    assert [e.code for e in ranged.errors] == ["no_period"]


def test_long_layout(db):
    rows = [
        ["unit", "period", "metric", "value"],
        ["B11", "2026-10", "heart_talks", 3],
        ["一电厂", "2026-10", "营业收入", "1,000"],
        ["B11", "2026-10", "nope", 1],
    ]
    result = run_import(db, [Upload("long.csv", "\n".join(",".join(f'"{v}"' for v in r) for r in rows).encode())])
    assert [(e.sheet, e.cell, e.code) for e in result.errors] == [(None, "C4", "unknown_metric")]


def test_vertical_form_one_unit_per_sheet(db):
    rows = [
        ["党建工作月报表"],
        ["填报单位：一电厂", None, "2026年10月"],
        ["指标名称", "计量单位", "本月数", "本年累计", "同比"],
        ["三会一课完成率", "%", 96, 95, 1],
        ["谈心谈话次数", "次", 12, 100, 2],
        ["营业收入", "万元", "-", 9, 1],
    ]
    result = run_import(db, [Upload("v.xlsx", xlsx(rows, title="一电厂"))])
    assert result.status == "committed", result.errors
    assert dump(db) == [("B12", "2026-10", "heart_talks", 12.0), ("B12", "2026-10", "three_meetings_rate", 96.0)]
    assert {w.cell for w in result.warnings if w.code == "ignored_column"} == {"D3", "E3"}


def test_csv_in_gb18030_with_bom_free_chinese(db):
    text = '单位名称,谈心谈话次数,月份\n一电厂,"1,200",2026-10\n'
    result = run_import(db, [Upload("gb.csv", text.encode("gb18030"))])
    assert result.status == "committed", result.errors
    assert dump(db) == [("B12", "2026-10", "heart_talks", 1200.0)]


def test_one_bad_file_rejects_the_whole_upload(db):
    good = Upload("good.xlsx", xlsx(WIDE))
    bad = Upload("bad.xlsx", b"PK\x03\x04 this is not really a zip")
    result = run_import(db, [good, bad])
    assert result.status == "rejected"
    assert [(e.file, e.cell) for e in result.errors] == [("bad.xlsx", None)]
    with connect(db, read_only=True) as con:
        assert first_row(con, "SELECT count(*) FROM batches")[0] == 0


def test_far_from_history_warns_before_commit(db):
    for month, value in ((7, 100), (8, 110), (9, 105)):
        rows = [["单位编码", "营业收入（万元）"], ["B11", value]]
        run_import(db, [Upload("h.xlsx", xlsx(rows))], period=to_index(2026, month))
    slip = run_import(
        db, [Upload("h.xlsx", xlsx([["单位编码", "营业收入（万元）"], ["B11", 1_050_000]]))], period=OCT, dry_run=True
    )
    assert slip.status == "dry_run"
    assert [(w.cell, w.code) for w in slip.warnings] == [("B2", "far_from_history")]


def test_a_rejected_upload_leaves_the_file_and_a_pending_log_byte_for_byte(db):
    """A write-ahead log left by a writer that did not close cleanly is not replayed by a rejected upload."""
    with connect(db) as con:
        con.execute("PRAGMA disable_checkpoint_on_shutdown")
        con.execute("INSERT INTO meta VALUES ('left_in_the_log', 'x')")
    wal = Path(f"{db}.wal")
    assert wal.exists()
    before = (db.read_bytes(), wal.read_bytes())
    bad = run_import(db, [Upload("bad.xlsx", xlsx([["单位编码", "营业收入（万元）"], ["B11", "abc"]]))], period=OCT)
    assert bad.status == "rejected"
    assert (db.read_bytes(), wal.read_bytes()) == before


# one import path: the page and the command line validate and commit the same frozen record


def planner(*units: str, role: str = "planner") -> User:
    return User("p1", role, units, None, False, 0, None, True)


def test_a_validation_is_frozen_and_commit_writes_it_as_it_is(db):
    checked = validate(db, [Upload("月报.xlsx", xlsx(WIDE))])
    with pytest.raises(FrozenInstanceError):
        checked.issues = ()  # type: ignore[misc]
    assert (checked.errors, checked.diff.count("new")) == ([], 4)
    assert commit(db, checked, "p1") == 1
    assert commit(db, checked, "p1") is None  # the same record again: nothing changes, no batch
    assert len(dump(db)) == 4


def test_validate_checks_the_uploaders_scope_after_every_other_issue(db):
    rows = [list(r) for r in WIDE]
    rows[3][1] = "B21"  # a branch of S2
    upload = [Upload("月报.xlsx", xlsx(rows))]
    unchecked = validate(db, upload)  # the command line: no scope
    assert unchecked.errors == [] and unchecked.diff is not None
    checked = validate(db, upload, scope=planner("S1"))
    (error,) = checked.errors
    assert (error.file, error.sheet, error.cell, error.code) == ("月报.xlsx", "党建", "D4", "unit_out_of_scope")
    assert checked.issues == (*unchecked.issues, error)  # the same issues, the scope's last
    assert checked.diff is None  # no preview of an upload that cannot be written
    assert validate(db, upload, scope=planner(role="admin")).errors == []
    assert [e.code for e in validate(db, upload, scope=planner(role="leader")).errors] == ["import_not_allowed"]
    with pytest.raises(ValueError):
        commit(db, checked, "p1")
    assert dump(db) == []
