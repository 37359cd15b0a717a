"""Notes (情况说明) typed on the import page and read on the unit profile (SPEC §8), through AppTest on a real
database file: in a month under an open cycle a value failing a warning rule is rejected without a note; the planner
types one beside it, the upload is checked again with it and committed, and the note is kept with the batch and
listed on the unit's profile."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.model.rules import make_rule
from analytics.services import cycles
from analytics.services import rules as service
from analytics.store.connection import connect
from analytics.store.metrics import metric_ids
from analytics.store.rules import save_rules
from tests.fixtures import APP, OCT, TIMEOUT, tables, xlsx

WARN = {"code": "W1", "left": "total_profit", "op": "<=", "right": "revenue", "severity": "warning",
        "message_zh": "利润不应超过收入", "message_en": "Profit cannot exceed revenue"}  # fmt: skip
# B11 is fine; B12's profit (150) is above its revenue (100): W1 fails at its profit cell, C4
BOOK = xlsx([["2026年10月党建工作月报"], ["单位编码", "营业收入（万元）", "利润总额（万元）"], ["B11", 100, 50],
             ["B12", 100, 150]])  # fmt: skip
NOTE = "出售资产一次性收益"


@pytest.fixture
def month(db: Path, tmp_path: Path, monkeypatch) -> Path:
    with connect(db) as con:
        save_rules(con, [make_rule(WARN, metric_ids(con))], "test")
    cycles.open_month(db, OCT)
    monkeypatch.setenv("ANALYTICS_DB", str(db))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    return db


def validated(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("views/import_data.py").run()
    at.file_uploader(key="uploads").set_value([("月报.xlsx", BOOK, "application/octet-stream")]).run()
    next(b for b in at.button if b.label in ("校验并预览", "Validate and preview")).click().run()
    assert not at.exception, at.exception
    return at


def labels(at: AppTest) -> dict[str, bool]:
    """The page's buttons, each with whether it is disabled."""
    return {b.label: b.disabled for b in at.button}


def test_a_flagged_value_is_rejected_without_a_note_and_committed_with_the_typed_one(month):
    at = validated()
    assert [e.value for e in at.error] == ["发现 1 个错误，本次上传不会写入任何数据。请修改后重新上传："]
    errors = tables(at)[0].value
    assert errors.iloc[0][["位置", "代码"]].tolist() == ["党建!C4", "note_required"]
    editor = at.data_editor[0].value
    assert list(editor.columns) == ["unit", "period", "name", "value", "why", "note"]
    assert editor[["unit", "period", "name", "value", "note"]].values.tolist() == [
        ["B12", "2026-10", "利润总额", 150.0, ""]
    ]
    assert "W1" in editor.iloc[0]["why"]
    assert labels(at) == {"校验并预览": False, "带说明重新校验": True}  # nothing typed: nothing to check, no commit
    at.session_state["note_editor_1"] = {"edited_rows": {0: {"note": NOTE}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="notes_apply").click().run()
    assert not at.exception and not at.error
    assert "本次提交附 1 条情况说明。" in [c.value for c in at.caption]
    assert labels(at)["确认提交"] is False
    next(b for b in at.button if b.label == "确认提交").click().run()
    assert [s.value for s in at.success] == ["已提交为批次 1。"]
    kept = service.notes(month, batch_id=1)
    assert kept[["unit", "period", "metric", "note", "author"]].values.tolist() == [
        ["B12", OCT, "total_profit", NOTE, "local"]
    ]


def test_notes_changed_after_the_check_must_be_checked_again(month):
    at = validated("en")
    at.session_state["note_editor_1"] = {"edited_rows": {0: {"note": "first"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="notes_apply").click().run()
    assert labels(at)["Commit"] is False
    at.session_state["note_editor_1"] = {"edited_rows": {0: {"note": "second"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    commit = next(b for b in at.button if b.label == "Commit")
    assert commit.disabled and commit.help == "The notes changed: click “Check again with the notes” before committing."
    at.button(key="notes_apply").click().run()
    next(b for b in at.button if b.label == "Commit").click().run()
    assert service.notes(month)["note"].tolist() == ["second"]


def test_the_unit_profile_lists_the_units_notes(month):
    at = validated()
    at.session_state["note_editor_1"] = {"edited_rows": {0: {"note": NOTE}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="notes_apply").click().run()
    next(b for b in at.button if b.label == "确认提交").click().run()
    profile = AppTest.from_file(APP, default_timeout=TIMEOUT)
    profile.query_params["lang"] = "zh"
    profile.run()
    profile.switch_page("views/unit_profile.py").run()
    profile.selectbox(key="unit").set_value("B12").run()
    assert not profile.exception, profile.exception
    assert "情况说明" in [h.value for h in profile.subheader]
    [notes] = [t.value for t in tables(profile) if "情况说明" in t.value.columns]
    assert notes.values.tolist() == [["2026-10", "利润总额", "150 万元", NOTE, "local", 1]]
    assert list(notes.columns) == ["月份", "指标", "数值", "情况说明", "填写人", "批次"]
