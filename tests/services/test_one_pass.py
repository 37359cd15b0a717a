"""One pass over an upload (issue 14, item 11): every error and every far-from-history warning together; values far
from their unit's history committed only when confirmed, the confirmation kept with the batch and in the audit log;
numbers in messages written out, never in scientific notation."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.periods import to_index
from analytics.services.imports import UnconfirmedValues, Upload, commit, run_import, validate
from analytics.store import audit
from analytics.store.batches import confirmed_far_from_history
from analytics.store.connection import connect, first_row
from tests.fixtures import OCT, run_page, tables, xlsx

HEADER = ["单位编码", "营业收入（万元）", "三会一课完成率（%）"]
SLIP = ["B11", 1_050_000, 95]  # B11's revenue in 元: 10,000× its history (100, 110, 105 万元)
MIXED = [HEADER, SLIP, ["B12", "abc", 150]]  # B3 is text, C3 out of [0, 100]
EXPECTED = [
    ("B3", "bad_value", "error"),
    ("C3", "out_of_range", "error"),
    ("B2", "far_from_history", "warning"),
]
FAR_MESSAGE = "营业收入的值 1,050,000 与该单位历史中位数 105 相差 10,000 倍以上，请核对是否为元/万元等单位错误。"


@pytest.fixture
def history_db(db: Path) -> Path:
    """B11's revenue for 2026-07..09 (median 105 万元): three batches."""
    for month, value in ((7, 100), (8, 110), (9, 105)):
        rows = [["单位编码", "营业收入（万元）"], ["B11", value]]
        assert run_import(db, [Upload("h.xlsx", xlsx(rows))], period=to_index(2026, month)).status == "committed"
    return db


def found(issues) -> list[tuple[str | None, str, str]]:
    return [(i.cell, i.code, i.severity) for i in issues]


def test_the_library_reports_text_out_of_range_and_far_from_history_in_one_pass(history_db):
    upload = [Upload("月报.xlsx", xlsx(MIXED))]
    checked = validate(history_db, upload, OCT)
    assert found(checked.errors + checked.warnings) == EXPECTED
    assert checked.warnings[0].message == FAR_MESSAGE
    assert checked.warnings[0].message_en == (
        "营业收入 value 1,050,000 is 10,000× away from this unit's median 105: check for a 元/万元 slip."
    )
    result = run_import(history_db, upload, OCT)  # the command line: the same issues, and nothing written
    assert result.status == "rejected"
    assert found(result.errors + result.warnings) == EXPECTED
    with connect(history_db, read_only=True) as con:
        assert first_row(con, "SELECT count(*) FROM batches")[0] == 3


def validate_on_the_page(rows: list[list[object]]):
    """The import page after uploading ``rows`` for 2026-10 and pressing 校验并预览."""
    at = run_page("views/import_data.py")
    at.file_uploader(key="uploads").set_value([("月报.xlsx", xlsx(rows), "application/octet-stream")]).run()
    at.text_input(key="upload_period").set_value("2026-10").run()
    next(b for b in at.button if b.label == "校验并预览").click().run()
    return at


def test_the_page_shows_both_errors_and_the_warning_in_one_pass(app_history):
    at = validate_on_the_page(MIXED)
    assert [e.value for e in at.error] == ["发现 2 个错误，本次上传不会写入任何数据。请修改后重新上传："]
    errors, warnings = (frame.value for frame in tables(at)[:2])
    assert list(zip(errors["位置"], errors["代码"], strict=True)) == [
        ("党建!B3", "bad_value"),
        ("党建!C3", "out_of_range"),
    ]
    assert list(zip(warnings["位置"], warnings["说明"], strict=True)) == [("党建!B2", FAR_MESSAGE)]
    assert not any(b.label == "确认提交" for b in at.button)


@pytest.fixture
def app_history(history_db, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("ANALYTICS_DB", str(history_db))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    return history_db


def import_entry(db: Path) -> dict[str, object]:
    with connect(db, read_only=True) as con:
        return audit.details_of(audit.query(con, action=["import"]))[0]  # newest first


def test_the_page_commits_a_far_value_only_once_the_planner_ticks_it(app_history):
    at = validate_on_the_page([HEADER, SLIP])
    assert not at.error
    commit = next(b for b in at.button if b.label == "确认提交")
    assert commit.disabled
    tick = at.checkbox(key="confirm_far")
    assert tick.label == "我已核对上表中 1 个与本单位历史相差过大的数值（并非元/万元等单位错误），确认提交。"
    tick.check().run()
    commit = next(b for b in at.button if b.label == "确认提交")
    assert not commit.disabled
    commit.click().run()
    assert [s.value for s in at.success] == ["已提交为批次 4。"]
    with connect(app_history, read_only=True) as con:
        assert confirmed_far_from_history(con, 4) == 1
        assert confirmed_far_from_history(con, 3) == 0  # nothing to confirm in the history's own batches
    assert import_entry(app_history) == {
        "batch": 4,
        "kind": "import",
        "files": ["月报.xlsx"],
        "new": 2,
        "changed": 0,
        "confirmed_far_from_history": 1,
    }


def test_the_library_refuses_an_unconfirmed_far_value_and_the_command_line_records_it(history_db):
    upload = [Upload("月报.xlsx", xlsx([HEADER, SLIP]))]
    with pytest.raises(UnconfirmedValues):
        commit(history_db, validate(history_db, upload, OCT), "p1")
    with connect(history_db, read_only=True) as con:
        assert first_row(con, "SELECT count(*) FROM batches")[0] == 3
    result = run_import(history_db, upload, OCT)  # SPEC §4: warnings do not block the command line
    assert (result.status, result.batch_id, [w.code for w in result.warnings]) == ("committed", 4, ["far_from_history"])
    with connect(history_db, read_only=True) as con:
        assert confirmed_far_from_history(con, 4) == 1
    assert import_entry(history_db)["confirmed_far_from_history"] == 1


def test_values_in_messages_are_written_out_with_separators(db):
    rows = [["单位编码", "三会一课完成率（%）", "营业收入（万元）"], ["B11", 12345678.9, 12_345_678_901.5]]
    result = run_import(db, [Upload("月报.xlsx", xlsx(rows))], OCT)
    assert [e.message for e in result.errors] == [
        "三会一课完成率的值 12,345,678.9 超出有效范围 [0, 100] %。",
        "营业收入的值 12,345,678,901.5 超出有效范围 [0, 1,000,000,000] 万元。",
    ]
    assert result.errors[0].message_en == "三会一课完成率 value 12,345,678.9 is outside the valid range [0, 100] %."
    assert not any("e+" in e.message or "e+" in e.message_en for e in result.errors)
