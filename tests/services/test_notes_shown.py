"""Notes (情况说明) and restatements (更正) where they are read (SPEC §8): the unit profile's list of a unit's notes in
the view's months, and the Excel export's 情况说明 and 更正 sheets — after a real month: a warning rule needs a note
in the open month, the month is closed, then restated."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from analytics.model.notes import Note
from analytics.model.rules import make_rule
from analytics.services import cycles, exports
from analytics.services import rules as service
from analytics.services.imports import Upload, run_import
from analytics.store.connection import connect
from analytics.store.metrics import metric_ids
from analytics.store.rules import save_rules
from tests.fixtures import OCT, xlsx

WARN = {"code": "W1", "left": "total_profit", "op": "<=", "right": "revenue", "severity": "warning",
        "message_zh": "利润不应超过收入", "message_en": "Profit cannot exceed revenue"}  # fmt: skip
HEADER = ["单位编码", "营业收入（万元）", "利润总额（万元）"]


def upload(rows: list[list[object]]) -> Upload:
    return Upload("月报.xlsx", xlsx([["2026年10月党建工作月报"], HEADER, *rows]))


@pytest.fixture
def restated(db: Path) -> Path:
    """October under a cycle: B11's profit above its revenue is committed with a note (batch 1), the month is
    confirmed (S2 excused) and closed, then B12's revenue is restated (batch 2)."""
    with connect(db) as con:
        save_rules(con, [make_rule(WARN, metric_ids(con))], "test")
    cycles.open_month(db, OCT)
    rows = [["B11", 100, 150], ["B12", 200, 50]]
    assert run_import(db, [upload(rows)]).status == "rejected"  # note_required at C3
    note = Note("B11", OCT, "total_profit", "=出售资产一次性收益")  # formula-like: stays text in the workbook
    assert run_import(db, [upload(rows)], notes=[note], user="p1").batch_id == 1
    cycles.review(db, "approve", ["S1"], OCT)
    cycles.review(db, "confirm", ["S1"], OCT)
    cycles.review(db, "excuse", ["S2"], OCT, reason="停产检修")
    cycles.close_month(db, OCT)
    reason = cycles.restatement(db, "收入口径更正")
    assert run_import(db, [upload([["B12", 210, 50]])], restated=reason).batch_id == 2
    return db


def test_the_unit_profile_lists_a_units_notes_in_the_view(restated):
    notes = service.unit_notes(restated, "B11", "2026-10", "2026-10", "zh")
    assert notes.to_dict("records") == [
        {"period": "2026-10", "metric": "利润总额", "value": "150 万元", "note": "=出售资产一次性收益",
         "author": "p1", "batch_id": 1}
    ]  # fmt: skip
    assert service.unit_notes(restated, "B11", "2026-10", None, "en")["metric"].tolist() == ["Total profit"]
    assert service.unit_notes(restated, "B11", None, "2026-09").empty  # months outside the view
    assert service.unit_notes(restated, "B12").empty  # another unit


def test_the_excel_export_has_the_notes_and_the_restated_months(restated, tmp_path):
    out = exports.export(restated, "kpis", "xlsx", str(tmp_path / "r.xlsx"), exports.Scope("2026-10", "2026-10"))
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[-2:] == ["情况说明", "更正"]
    notes = [[c.value for c in row] for row in book["情况说明"].iter_rows(min_row=7)]
    assert notes[0] == ["单位编码", "名称", "月份", "指标代码", "指标名称", "数值", "情况说明", "填写人", "批次"]
    assert notes[1] == ["B11", "检修分公司", "2026-10", "total_profit", "利润总额", 150, "=出售资产一次性收益", "p1", 1]
    assert book["情况说明"]["G8"].data_type == "s"  # the note is text, never a formula
    restatements = [[c.value for c in row] for row in book["更正"].iter_rows(min_row=7)]
    assert restatements == [["月份", "更正原因"], ["2026-10", "收入口径更正"]]
    english = exports.export(restated, "kpis", "xlsx", str(tmp_path / "e.xlsx"), lang="en")
    assert openpyxl.load_workbook(english).sheetnames[-2:] == ["Notes", "Restated"]


def test_a_view_without_notes_or_restatements_has_neither_sheet(restated, tmp_path):
    out = exports.export(restated, "kpis", "xlsx", str(tmp_path / "r.xlsx"), exports.Scope(units=("S2",)))
    assert openpyxl.load_workbook(out).sheetnames[-1] == "更正"  # S2 has no notes; October is still restated
    earlier = exports.export(restated, "kpis", "xlsx", str(tmp_path / "s.xlsx"), exports.Scope(None, "2026-09"))
    assert not {"情况说明", "更正"} & set(openpyxl.load_workbook(earlier).sheetnames)
