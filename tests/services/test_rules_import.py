"""Cross-checks and notes at import (SPEC §8): an error rule rejects the upload at the cell of the first metric of
its left side, with operands from the upload, the store, the unit's headcount and its children; a warning rule
(and a value far from its history) needs a note only in a month under an open cycle; notes are kept with the batch."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.model.catalog import Metric
from analytics.model.notes import Note
from analytics.model.rules import make_rule
from analytics.periods import to_index
from analytics.services import cycles, records
from analytics.services import rules as rule_service
from analytics.services.imports import Upload, commit, run_import, validate
from analytics.store import audit
from analytics.store.connection import connect
from analytics.store.metrics import load_catalog, metric_ids, save_metrics
from analytics.store.rules import save_rules
from tests.fixtures import OCT, xlsx

HEADER = ["单位编码", "营业收入（万元）", "利润总额（万元）"]


def sheet(rows: list[list[object]], month: int = 10, header: list[str] = HEADER) -> Upload:
    return Upload("月报.xlsx", xlsx([[f"2026年{month}月党建工作月报"], header, *rows]))


def with_rules(db: Path, *rows: dict[str, str]) -> Path:
    with connect(db) as con:
        save_rules(con, [make_rule(row, metric_ids(con)) for row in rows], "test")
    return db


PROFIT = {"code": "P1", "left": "total_profit", "op": "<=", "right": "revenue", "message_zh": "利润不应超过收入",
          "message_en": "Profit cannot exceed revenue"}  # fmt: skip
SUMS = {"code": "S1", "left": "revenue", "op": "=", "right": "sum_children(revenue)", "tolerance": "0.001",
        "message_zh": "收入应等于下级之和", "message_en": "Revenue equals the children's sum"}  # fmt: skip


def test_an_error_rule_rejects_at_the_cell_of_the_first_metric_on_the_left(db):
    with_rules(db, PROFIT)
    result = run_import(db, [sheet([["B11", 100, 150], ["B12", 200, 50], ["B21", 300, 301]])])
    assert result.status == "rejected" and result.batch_id is None
    assert [(e.code, e.cell) for e in result.errors] == [("rule_failed", "C3"), ("rule_failed", "C5")]
    first = result.errors[0]
    assert "P1" in first.message and "利润不应超过收入" in first.message and "B11" in first.message
    assert "Profit cannot exceed revenue" in first.message_en and "left 150, right 100" in first.message_en
    assert result.to_json()["errors"][0]["code"] == "rule_failed"
    assert records.batches(db).empty  # nothing written


def test_operands_missing_from_the_upload_come_from_the_store(db):
    with_rules(db, PROFIT)
    assert run_import(db, [sheet([["B11", 100, None]])]).status == "committed"  # revenue only
    profit_only = ["单位编码", "利润总额（万元）"]
    rejected = run_import(db, [sheet([["B11", 120]], header=profit_only)])
    assert [(e.code, e.cell) for e in rejected.errors] == [("rule_failed", "B3")]
    assert run_import(db, [sheet([["B11", 90]], header=profit_only)]).status == "committed"
    # a month where the store has no revenue: nothing to check
    assert run_import(db, [sheet([["B11", 1e6]], month=9, header=profit_only)]).status == "committed"


def test_sum_children_checks_a_parent_only_when_every_child_is_there(db):
    with_rules(db, SUMS)
    ok = run_import(db, [sheet([["S1", 300.2, None], ["B11", 100, None], ["B12", 200, None]])], dry_run=True)
    assert ok.status == "dry_run" and ok.errors == ()  # within 0.1 %
    bad = run_import(db, [sheet([["B11", 100, None], ["B12", 200, None], ["S1", 310, None]])], dry_run=True)
    assert [(e.code, e.cell) for e in bad.errors] == [("rule_failed", "B5")]  # S1's revenue cell
    assert "left 310, right 300" in bad.errors[0].message_en
    lone = run_import(db, [sheet([["B11", 100, None], ["S1", 999, None]])], dry_run=True)
    assert lone.errors == ()  # B12 has no revenue in October anywhere: S1 is not checked
    assert run_import(db, [sheet([["B12", 200, None]])]).status == "committed"
    late = run_import(db, [sheet([["B11", 100, None], ["S1", 999, None]])], dry_run=True)
    assert [(e.code, e.cell) for e in late.errors] == [("rule_failed", "B4")]  # B12 from the store


def test_headcount_and_numbers(db):
    per_head = {"code": "H1", "left": "revenue * 10000 / headcount", "op": "<=", "right": "50000"}
    with_rules(db, per_head)  # B11 has 300 staff: at most 1,500 万元
    result = run_import(db, [sheet([["B11", 1500, None], ["B12", 3001, None]])], dry_run=True)
    assert [(e.code, e.cell) for e in result.errors] == [("rule_failed", "B4")]  # B12: 600 staff, 3,000 at most


WARN = {**PROFIT, "code": "W1", "severity": "warning"}


def test_a_warning_rule_needs_a_note_only_in_a_month_under_a_cycle(db):
    with_rules(db, WARN)
    outside = run_import(db, [sheet([["B11", 100, 150]])])
    assert outside.status == "committed"
    assert [(w.code, w.cell) for w in outside.warnings] == [("rule_failed", "C3")]
    cycles.open_month(db, OCT, None, "cli")
    upload = sheet([["B12", 100, 150]])
    needs = run_import(db, [upload])
    assert needs.status == "rejected"
    assert [(e.code, e.cell) for e in needs.errors] == [("note_required", "C3")]
    assert "情况说明" in needs.errors[0].message and "W1" in needs.errors[0].message_en
    assert "“利润总额”" in needs.errors[0].message and "Total profit" in needs.errors[0].message_en
    assert [w.code for w in needs.warnings] == ["rule_failed"]
    note = Note("一电厂", OCT, "利润总额", "出售资产一次性收益")  # a unit by its name, a metric by its label
    done = run_import(db, [upload], notes=[note])
    assert done.status == "committed"
    kept = rule_service.notes(db, done.batch_id)
    assert kept[["batch_id", "unit", "period", "metric", "note", "author"]].to_dict("records") == [
        {"batch_id": done.batch_id, "unit": "B12", "period": OCT, "metric": "total_profit",
         "note": "出售资产一次性收益", "author": "cli"}
    ]  # fmt: skip
    with connect(db, read_only=True) as con:
        [entry] = audit.details_of(audit.query(con, action=audit.IMPORT, limit=1))
    assert entry["notes"] == 1
    # another month (no cycle): the same values are a warning only
    assert run_import(db, [sheet([["B12", 100, 150]], month=11)]).status == "committed"


def test_a_value_far_from_its_history_needs_a_note_in_a_cycle_month(db):
    rows = [["单位编码", "营业收入（万元）"]]
    for month, value in ((7, 100), (8, 110), (9, 105)):
        run_import(db, [Upload("h.xlsx", xlsx([*rows, ["B11", value]]))], period=to_index(2026, month))
    cycles.open_month(db, OCT, None, "cli")
    slip = Upload("h.xlsx", xlsx([*rows, ["B11", 1_050_000], ["B12", 100]]))
    rejected = run_import(db, [slip], period=OCT)
    assert [(e.code, e.cell) for e in rejected.errors] == [("note_required", "B2")]
    assert "历史" in rejected.errors[0].message and "history" in rejected.errors[0].message_en
    notes = [Note("B11", OCT, "revenue", "单位误填为元，已核实为新签大合同"), Note("B12", OCT, "revenue", "正常")]
    validation = validate(db, [slip], period=OCT, notes=notes)
    assert validation.errors == [] and validation.far_from_history == 1
    batch = commit(db, validation, "p1", confirmed=True)
    assert rule_service.notes(db, batch)["unit"].tolist() == ["B11", "B12"]  # every note given is kept


def test_notes_that_name_nothing_or_no_value_of_the_upload(db, tmp_path):
    note_file = tmp_path / "说明.csv"
    note_file.write_text(
        "unit,period,metric,note\nB11,2026-10,revenue,好\nZZ9,2026-10,revenue,无此单位\nB11,2026-10,nothing,无此指标\n"
        "B11,2026-09,revenue,本次没有\nB12,2026-10,revenue,\n",
        encoding="utf-8",
    )
    notes = rule_service.read_note_file(str(note_file))
    assert [(n.unit, n.line, n.file) for n in notes][:2] == [("B11", 2, "说明.csv"), ("ZZ9", 3, "说明.csv")]
    assert len(notes) == 4  # an empty note is no note
    result = run_import(db, [sheet([["B11", 100, 50]])], notes=notes)
    assert result.status == "rejected"
    assert [(e.code, e.file) for e in result.errors] == [("note_unknown", "说明.csv")] * 2
    assert "第 3 行" in result.errors[0].message and "ZZ9" in result.errors[0].message_en
    assert [w.code for w in result.warnings] == ["note_unmatched"]
    bad = tmp_path / "bad.csv"
    bad.write_text("unit,period,metric,note\nB11,2026-13,revenue,x\n", encoding="utf-8")
    with pytest.raises(Exception, match="line 2, column period"):
        rule_service.read_note_file(str(bad))


def test_a_rule_whose_metric_left_the_catalog_is_a_warning_not_a_block(db):
    with connect(db) as con:
        catalog = load_catalog(con)
        save_metrics(con, [Metric("bold", "粗体", "bold", "party", "组织建设", "次", 1, 0.0, None, ())])
    with_rules(db, {"code": "B1", "left": "bold", "op": ">=", "right": "0"})
    with connect(db) as con:
        save_metrics(con, list(catalog.metrics), replace=True)
    result = run_import(db, [sheet([["B11", 100, 50]])])
    assert result.status == "committed"
    assert [(w.code, "B1" in w.message_en) for w in result.warnings] == [("rule_invalid", True)]


def test_without_rules_or_cycles_an_import_is_as_before(db):
    result = run_import(db, [sheet([["B11", 100, 150]])])
    assert (result.status, result.errors, result.warnings) == ("committed", (), ())
