"""The 勾稽规则 page (SPEC §8) through AppTest on a real database file: the rules listed, a rules CSV uploaded by an
admin (refused whole, naming the row), the CSV downloaded, and a dry run whose count is checked by hand on
tests.fixtures' fill_group (see tests/services/test_rules_dry_run.py for the arithmetic); a planner reads and runs
but cannot upload."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from analytics.model.rules import make_rule
from analytics.services import rules as service
from analytics.store import accounts as auth
from analytics.store.connection import connect
from analytics.store.metrics import metric_ids
from analytics.store.rules import save_rules
from tests.fixtures import APP, TIMEOUT, fill_group, tables

MARGIN = {"code": "M1", "left": "total_profit", "op": "<=", "right": "revenue * 0.1", "severity": "warning",
          "message_zh": "利润率不超过 10%", "message_en": "Margin at most 10%"}  # fmt: skip
RUN = "FormSubmitter:rules_dry-{label}"


@pytest.fixture
def group(db: Path, tmp_path: Path, monkeypatch) -> Path:
    fill_group(db)
    with connect(db) as con:
        save_rules(con, [make_rule(MARGIN, metric_ids(con))], "test")
    monkeypatch.setenv("ANALYTICS_DB", str(db))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    return db


def open_page(lang: str = "zh", role: str | None = None) -> AppTest:
    """The page as the local admin (no accounts), or signed in with ``role``."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if role is not None:
        now = dt.datetime.now()
        at.session_state["auth_session"] = auth.Session(role, role, (), now, now, now)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("views/rules.py").run()
    assert not at.exception, at.exception
    return at


def dry_run(at: AppTest, start: str, end: str, label: str = "试运行") -> AppTest:
    at.selectbox(key="rules_dry_from").set_value(start)
    at.selectbox(key="rules_dry_to").set_value(end)
    at.button(key=RUN.format(label=label)).click().run()
    assert not at.exception, at.exception
    return at


def test_the_rules_are_listed_and_a_stored_rule_runs_over_2025(group):
    at = open_page()
    listed = tables(at)[0].value
    assert list(listed.columns) == ["规则编码", "左边", "关系", "右边", "允许偏差", "级别", "说明"]
    assert listed.iloc[0].tolist() == ["M1", "total_profit", "<=", "revenue * 0.1", "0", "提示", "利润率不超过 10%"]
    assert at.selectbox(key="rules_dry_from").value == "2026-01"  # the latest year by default
    dry_run(at, "2025-01", "2025-12")
    said = [w.value for w in at.warning if w.value.startswith("规则 M1")]
    assert said == ["规则 M1：2025 年内会标出 30 个值（涉及 5 个单位）；共检查 60 个单位·月。"]
    flagged = tables(at)[1].value
    assert list(flagged.columns) == ["单位编码", "单位名称", "月份", "左边的值", "右边的值", "差额（左 − 右）"]
    assert len(flagged) == 30 and flagged["单位编码"].nunique() == 5
    assert flagged.iloc[0].tolist() == ["B11", "检修分公司", "2025-02", "105", "101", "4"]
    at.query_params["lang"] = "en"
    at.session_state["lang"] = "en"
    at.run()  # the result stays, in the other language
    assert "Rule M1 would have flagged 30 values in 2025 (5 units); 60 unit-months checked." in [
        w.value for w in at.warning
    ]


def test_a_typed_rule_runs_and_a_bad_one_names_its_field(group):
    at = open_page("en")
    at.radio(key="rules_dry_source").set_value("typed").run()
    at.text_input(key="rules_dry_left").set_value("vanguard_posts")
    at.selectbox(key="rules_dry_op").set_value(">=")
    at.text_input(key="rules_dry_right").set_value("5")
    dry_run(at, "2025-01", "2025-12", "Run")
    assert "Rule TRY would have flagged 24 values in 2025 (2 units); 60 unit-months checked." in [
        w.value for w in at.warning
    ]  # vanguard_posts = 3 + j: B11 (3) and B12 (4) every month
    at.text_input(key="rules_dry_right").set_value("__import__('os')")
    dry_run(at, "2025-01", "2025-12", "Run")
    assert [e.value for e in at.error] == ["The rule's Right: only sum_children(CODE) may be called."]
    assert [r.code for r in service.rule_list(group)] == ["M1"]  # nothing saved


def test_an_admin_uploads_rules_and_a_bad_row_is_refused_by_its_line(group):
    at = open_page()
    bad = "code,left,op,right\nP1,total_profit,<=,revenue\nP2,total_profit,=>,revenue\n"
    at.file_uploader(key="rules_csv").set_value([("规则.csv", bad.encode("gb18030"), "text/csv")]).run()
    at.button(key="rules_import").click().run()
    assert [e.value for e in at.error] == ["规则文件第 3 行“op”列有误：'=>' is not one of <= >= < > =。"]
    assert [r.code for r in service.rule_list(group)] == ["M1"]  # the file was refused whole
    good = "\ufeffcode,left,op,right,severity,message_zh\nP1,total_profit,<=,revenue,error,利润不超过收入\n"
    at.file_uploader(key="rules_csv").set_value([("规则.csv", good.encode("utf-8"), "text/csv")]).run()
    at.button(key="rules_import").click().run()
    assert not at.exception and [s.value for s in at.success] == ["已导入 1 条规则：P1。"]
    assert tables(at)[0].value["规则编码"].tolist() == ["M1", "P1"]
    download = at.get("download_button")[0]
    assert download.proto.label == "下载规则（CSV）"


def test_a_planner_reads_and_runs_but_cannot_upload(group, monkeypatch):
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    with connect(group) as con:
        auth.add_user(con, "planner", "planner", "a long enough password", "t", units=["S1"])
    at = open_page(role="planner")
    assert tables(at)[0].value["规则编码"].tolist() == ["M1"]
    assert not at.get("file_uploader") and "规则由管理员导入和修改。" in [c.value for c in at.caption]
    dry_run(at, "2025-02", "2025-02")
    assert any(w.value.startswith("规则 M1：2025-02 内会标出 5 个值") for w in at.warning)
