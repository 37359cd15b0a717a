"""The overview page through AppTest on a real database file: cards, ranking, lists, reporting, alerts."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.fixtures import fill_group, tables

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 60


@pytest.fixture
def app_env(db, tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYTICS_DB", str(db))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    return db


def open_overview(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("views/overview.py").run()
    assert not at.exception, at.exception
    return at


ZH_LABELS = [
    "营业收入（万元）",
    "利润总额（万元）",
    "三会一课完成率",
    "党员先锋岗数（个）",
    "产品质量合格率",
    "安全生产事故起数（起）",
    "融合度 D（单位平均）",
]
EN_LABELS = [
    "Operating revenue (10k yuan)",
    "Total profit (10k yuan)",
    "Completion rate of three meetings and one lesson",
    "Party member vanguard posts (count)",
    "Product quality pass rate",
    "Work-safety accidents (cases)",
    "Integration index D (unit mean)",
]


@pytest.mark.parametrize(("lang", "labels"), [("zh", ZH_LABELS), ("en", EN_LABELS)])
def test_the_overview_shows_the_kpi_cards(app_env, lang, labels):
    fill_group(app_env)
    at = open_overview(lang)
    assert [m.label for m in at.metric] == labels
    assert len(at.get("plotly_chart")) == 2  # the D trend and the ranking


def test_card_values_and_like_for_like_changes(app_env):
    fill_group(app_env)
    at = open_overview()
    cards = {m.label: m for m in at.metric}
    # 2026-02 (k = 13): B11, B12, B21, B13 report (j = 0, 1, 2, 5; B13 all but heart_talks); B22 does not.
    revenue = cards["营业收入（万元）"]
    assert revenue.value == "12,520"  # 1130 + 2130 + 3130 + 6130
    assert revenue.delta == "+0.3%"  # the same four branches in 2026-01: 12480 → 12520 is +0.32 %
    rate = cards["三会一课完成率"]
    assert rate.value == "93.0%"  # 90 + j + 13 % 3 for j = 0, 1, 2, 5 → 91, 92, 93, 96
    assert rate.delta == "+1.0 百分点"  # 2026-01: 90, 91, 92, 95 → mean 92
    captions = [c.value for c in at.caption]
    # 2025-02: 1010 + 2010 + 3010 + 6010 = 12040, and 12520 / 12040 is +3.99 %; 2026-01 had B22 as well
    assert "环比较 2026-01 · 同比 +4.0%（较 2025-02） · 4 个单位合计（上月 5 个）" in captions
    # 13 % 3 == 1 % 3: the same rates a year earlier
    assert "环比较 2026-01 · 同比 0.0 百分点（较 2025-02） · 4 个单位简单平均（上月 5 个）" in captions


def test_ranking_lists_and_list_size(app_env):
    fill_group(app_env)
    at = open_overview()
    red, black = tables(at)[0].value, tables(at)[1].value
    assert len(red) + len(black) == 3  # three complete branches in 2026-02, no unit on both lists
    assert list(red.columns) == ["名次", "单位编码", "单位名称", "融合度 D", "协调等级", "滞后子系统"]
    assert red["名次"].tolist() == [1, 2]
    assert "B13" not in {*red["单位编码"], *black["单位编码"]}  # incomplete: listed apart, greyed, not ranked
    incomplete = tables(at)[2].value
    assert incomplete.values.tolist() == [["B13", "三电厂", "数据不全", "谈心谈话次数"]]
    at.select_slider(key="overview_top").set_value(3).run()  # 3 + 3 > 3 units: the lists still do not overlap
    assert len(tables(at)[0].value) == 2 and len(tables(at)[1].value) == 1
    assert at.select_slider(key="overview_top").value == 3


INSUFFICIENT = {
    "zh": "基准中只有 4 个单位，少于 5 个：单位太少，最小–最大归一化没有意义，不计算融合度。",
    "en": "The basis holds 4 units, fewer than 5: too few for min–max scores to mean anything; no index computed.",
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_four_units_are_too_few_for_an_index_but_the_figures_stand(app_env, lang):
    fill_group(app_env, ("B11", "B12", "B21", "B22"))  # the conftest registry's four branches alone
    at = open_overview(lang)
    assert [w.value for w in at.warning][-1:] == [INSUFFICIENT[lang]]  # after the app's local-mode notice
    assert len(at.metric) == 7 and not at.get("plotly_chart")  # the cards; no D trend, no ranking
    assert not at.info and len(tables(at)) == 1  # no "nothing to rank" beside the warning; only the alerts
    assert at.metric[-1].value == "—" and at.metric[0].value == "6,390"  # no D; revenue 1130 + 2130 + 3130


def test_reporting_and_alerts_name_the_silent_unit(app_env):
    fill_group(app_env)
    at = open_overview()
    text = " ".join(m.value for m in at.markdown)
    assert "2026-02：5 个填报单位中 3 个已报齐，1 个部分报送，1 个未报送。" in text
    alerts = tables(at)[-1].value
    first = alerts.iloc[0]
    assert (first["类型"], first["单位编码"], first["单位名称"]) == ("未报送", "B22", "二电厂")
    assert first["说明"] == "本月未报送任何指标（应报 8 项）。"


def test_an_empty_database_says_so(app_env):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("views/overview.py").run()
    assert not at.exception
    assert [i.value for i in at.info] == ["当前数据库还没有数据。请先在“数据导入”页上传，或打开演示数据。"]
