"""No English the product controls in the Chinese UI, no Chinese units in the English one (issue 14, item 7):
widget texts, the audit table, issue and quality-flag kinds in words, units of measure on axes."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from analytics.figures.integration import metric_history_figure
from analytics.figures.records import audit_table, details_text, quality_table
from analytics.i18n import TEXT, t, unit_of_measure
from analytics.ingest.workbook_model import MESSAGES
from analytics.model.catalog import Catalog, default_metrics
from analytics.model.issues import issue_kind
from analytics.reports.deck import metric_label
from analytics.services.imports import Upload, run_import
from analytics.store import accounts as auth
from analytics.store import audit
from analytics.store.connection import connect
from tests.fixtures import ROOT, WIDE, run_page, tables, xlsx

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"
T0 = dt.datetime(2026, 11, 2, 9, 0, 0)


@pytest.fixture
def app_env(db, tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYTICS_DB", str(db))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    return db


def test_the_uploader_accepts_any_file_and_the_import_refuses_a_pdf_in_chinese(app_env):
    at = run_page("views/import_data.py")
    uploader = at.get("file_uploader")[0]
    # a ``type=`` list would make the widget itself say "application/pdf files are not allowed."
    assert list(uploader.proto.type) == []
    assert "每个文件不超过 50 MB" in uploader.proto.label and "Browse files”＝选择文件" in uploader.proto.help
    at.file_uploader(key="uploads").set_value([("报告.pdf", PDF, "application/pdf")]).run()
    next(b for b in at.button if b.label == "校验并预览").click().run()
    table = tables(at)[0].value
    assert table.columns.tolist() == ["位置", "文件", "类型", "说明", "代码"]
    assert table.iloc[0].tolist() == [
        "报告.pdf",
        "报告.pdf",
        "不是电子表格",
        "该文件实际上是PDF 文档，不是电子表格。请上传 .xlsx、.xlsm、.xls、.ods 或 .csv 文件。",
        "not_a_spreadsheet",
    ]


def test_a_bad_value_is_named_in_words_with_its_code_last(app_env):
    rows = [list(r) for r in WIDE]
    rows[3][3] = "九十五"
    at = run_page("views/import_data.py", "en")
    at.file_uploader(key="uploads").set_value([("bad.xlsx", xlsx(rows), "application/octet-stream")]).run()
    next(b for b in at.button if b.label == "Validate and preview").click().run()
    row = tables(at)[0].value.iloc[0]
    assert (row["Kind"], row["Code"]) == ("Not a number", "bad_value")


def test_the_batch_history_names_the_kind_in_words(app_env):
    run_import(app_env, [Upload("月报.xlsx", xlsx(WIDE))], user="planner")
    at = run_page("views/import_data.py")
    assert tables(at)[0].value["类型"].tolist() == ["导入"]  # before: "import"


def test_the_data_page_refuses_a_non_csv_in_chinese_and_shows_chinese_headers(app_env):
    at = run_page("views/audit.py")
    assert [list(u.proto.type) for u in at.get("file_uploader")] == [[], []]
    catalog, units = tables(at)[0].value, tables(at)[1].value  # no batches yet: no history table
    assert catalog.columns.tolist()[:4] == ["指标编码", "中文名称", "英文名称", "类别"]
    assert catalog["类别"].iloc[0] == "党建" and catalog["方向"].iloc[0] == "越高越好"
    assert units.columns.tolist() == ["单位编码", "单位名称", "上级单位编码", "职工人数"]
    at.file_uploader(key="units_csv").set_value([("单位.pdf", PDF, "application/pdf")]).run()
    assert [e.value for e in at.error] == [
        "“单位.pdf”不是 CSV 文件。这里只接受 .csv 文件（可在表格软件中“另存为”CSV UTF-8）。"
    ]
    assert not any(b.key == "save_units" for b in at.button)


@pytest.fixture
def accounts(db, monkeypatch):
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    with connect(db) as con:
        auth.add_user(con, "root", "admin", "correct horse 1", "test")
        audit.record(con, "root", audit.IMPORT, {"batch": 3, "files": ["a.xlsx", "b.xlsx"], "kind": "import", "new": 4})
    monkeypatch.setenv("ANALYTICS_DB", str(db))
    return db


def test_the_admin_page_shows_the_audit_log_in_words_and_no_choose_options(accounts):
    at = AppTest.from_file(str(ROOT / "views" / "admin.py"), default_timeout=30)
    at.session_state["auth_session"] = auth.Session("root", "admin", (), T0, T0, T0)
    at.run()
    assert not at.exception
    # an empty placeholder is what makes the browser show "Choose options"
    assert [m.proto.placeholder for m in at.multiselect] == ["全部", "请选择", "请选择"]
    log = tables(at)[0].value
    assert log.columns.tolist() == ["序号", "时间", "操作人", "操作", "详情", "代码"]
    assert log.iloc[0][["操作", "详情", "代码"]].tolist() == [
        "导入",
        "批次：3；文件：a.xlsx、b.xlsx；类型：导入；新增：4",
        "import",
    ]
    assert log.iloc[1][["操作", "详情"]].tolist() == ["新增账户", "账户：root；角色：管理员"]
    assert tables(at)[1].value.columns.tolist()[:2] == ["用户名", "角色"]


def test_audit_details_in_english_and_text_that_is_not_json():
    log = pd.DataFrame(
        {
            "id": [2, 1],
            "at": pd.to_datetime(["2026-11-02 09:00:01", "2026-11-02 09:00:00"]),
            "actor": ["root", "root"],
            "action": ["login_failed", "revert"],
            "details": ['{"reason": "bad_password"}', '{"batch": 7, "keys": 12}'],
        }
    )
    shown = audit_table(log, "en")
    assert shown.columns.tolist() == ["No.", "Time", "By", "Action", "Details", "Code"]
    assert shown["Action"].tolist() == ["Failed login", "Revert"]
    assert shown["Details"].tolist() == ["reason: wrong password", "batch: 7; values restored: 12"]
    assert shown["Time"].iloc[0] == "2026-11-02 09:00:01"
    assert details_text("not json", "zh") == "not json"


def test_every_issue_code_has_a_kind_name_in_both_languages():
    codes = {key.removeprefix("issue.") for key in TEXT if key.startswith("issue.")} | set(MESSAGES)
    missing = sorted(code for code in codes if f"issue_kind.{code}" not in TEXT)
    assert missing == []
    assert issue_kind("out_of_range", "zh") == "超出有效范围" and issue_kind("out_of_range", "en") == "Out of range"


def test_quality_flags_show_kinds_in_words_and_the_code_last():
    flags = pd.DataFrame(
        {"period": ["2026-10"], "kind": ["jump"], "detail_zh": ["跳变"], "detail_en": ["a jump"]},
    )
    assert quality_table(flags, "zh").iloc[0].to_dict() == {
        "月份": "2026-10",
        "类型": "异常跳变",
        "说明": "跳变",
        "代码": "jump",
    }
    assert quality_table(flags, "en").columns.tolist() == ["Month", "Kind", "Detail", "Code"]


@pytest.mark.parametrize(
    ("unit", "en"),
    [("万元", "10k yuan"), ("个", "count"), ("起", "cases"), ("吨标准煤/万元", "tce per 10k yuan"), ("%", "%")],
)
def test_units_of_measure_in_english(unit, en):
    assert unit_of_measure(unit, "en") == en and unit_of_measure(unit, "zh") == unit


def test_every_catalog_unit_reads_in_english():
    units = {m.unit for m in default_metrics()} - {"%"}
    assert {u: unit_of_measure(u, "en") for u in units if unit_of_measure(u, "en") == u} == {}


def test_the_unit_profile_axes_and_slide_labels_carry_english_units():
    history = pd.DataFrame(
        {"metric": ["revenue"] * 2, "period": ["2026-09", "2026-10"], "series": ["unit"] * 2, "value": [1.0, 2.0]}
    ).assign(n=1)
    figure = metric_history_figure(history, {"revenue": ("Operating revenue", "万元")}, "title", "en")
    assert figure.layout.yaxis.title.text == "10k yuan"  # before: 万元
    catalog = Catalog(tuple(default_metrics()))
    assert metric_label(catalog, "revenue", "en") == "Operating revenue (10k yuan)"
    assert metric_label(catalog, "revenue", "zh") == "营业收入（万元）"


def test_the_help_beside_an_uploader_is_in_the_table():
    assert "50" in t("ui.upload_help", "zh", mb=50) and t("ui.upload_help", "en", mb=50).endswith("50 MB.")


def test_the_import_page_lists_the_latest_batches_and_reverts_any(app_env):
    """Planners see the ten latest batches here (the data page has them all); the revert choice keeps every batch
    still in effect."""
    for month in range(1, 13):  # twelve monthly uploads: twelve batches
        rows = [[f"2026年{month}月党建工作月报"], *WIDE[1:3], [1, "B11", "检修分公司", 95, 1000 + month]]
        assert run_import(app_env, [Upload(f"{month}月.xlsx", xlsx(rows))], user="planner").status == "committed"
    at = run_page("views/import_data.py")
    history = tables(at)[0].value
    assert history["批次"].tolist() == list(range(12, 2, -1))  # newest first, ten of them
    assert "最近 10 个批次（共 12 个）。" in [c.value for c in at.caption]
    [revert] = [box for box in at.selectbox if box.label == t("batch.pick", "zh")]
    assert list(revert.options) == [str(b) for b in range(12, 0, -1)]
