"""The Correlation page through AppTest: a real DuckDB file with planted relations, driven by its widgets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.i18n import t as text
from analytics.model.panel import build_panel
from analytics.periods import from_index
from analytics.stats.correlations import Correlation, correlate
from tests.fixtures import fill_correlation, synthetic_values, tables

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGE = "views/correlation.py"
TIMEOUT = 60
PLANTED = "theme_party_days|quality_pass_rate"  # strong within-unit relation, same month
LAGGED = "heart_talks|total_profit"  # total_profit follows heart_talks two months later
CONFOUNDED = "volunteer_hours|revenue"  # both grow with headcount only: pooled r high, twoway r ≈ 0
WINDOW = ("2025-11", "2026-10")  # the sidebar's default: the last 12 months


@pytest.fixture
def app_env(db, tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYTICS_DB", str(db))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    return db


@pytest.fixture
def filled(app_env):
    fill_correlation(app_env)
    return app_env


def open_page(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    # the sidebar's language select is bound to the URL by its *label* (中文/English), so set its state directly
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def open_tab(at: AppTest, tab: str, lang: str = "zh") -> AppTest:
    """Open the grid's or the pair's tab (only the open tab is drawn: a click on a tab runs the page again)."""
    label = text("corr.detail" if tab == "pair" else "corr.grid", lang)
    if at.session_state["corr_tab"] != label:
        at.session_state["corr_tab"] = label
        at.run()
        assert not at.exception, at.exception
    return at


def chart_titles(at: AppTest) -> list[str]:
    """The title text of every plotly chart on the page, in order."""
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return [spec["layout"]["title"]["text"] for spec in specs]


def test_empty_database_says_so_and_stops(app_env):
    at = open_page()
    assert [i.value for i in at.info] == ["当前数据库还没有数据。请先在“数据导入”页上传，或打开演示数据。"]
    assert not at.get("plotly_chart")


@pytest.mark.parametrize(
    ("lang", "heatmap_title"),
    [
        ("zh", "党建指标 × 生产经营指标相关系数（扣除单位与月份效应，各单位同等权重，Pearson（线性），滞后 0 个月）"),
        (
            "en",
            "Party-building × operations correlations (Unit and month effects removed, each unit counts equally, "
            "Pearson (linear), lag 0 months)",
        ),
    ],
)
def test_renders_heatmap_scatter_and_lag_profile_in_both_languages(filled, lang, heatmap_title):
    at = open_page(lang)
    assert chart_titles(at) == [heatmap_title]  # the grid's tab is open: the pair's charts are not drawn
    assert at.title[0].value == ("相关性分析" if lang == "zh" else "Correlation")
    assert at.radio(key="corr_level").value == "twoway" and at.radio(key="corr_scale").value == "unit"
    assert at.radio(key="corr_level").options[:2] == (
        ["扣除单位与月份效应（推荐）", "仅扣除单位效应"] if lang == "zh" else
        ["Unit and month effects removed (recommended)", "Unit effects removed"]
    )  # fmt: skip
    captions = " ".join(c.value for c in at.caption)
    assert ("春节" in captions and "按单位聚类" in captions) if lang == "zh" else "Spring Festival" in captions
    titles = chart_titles(open_tab(at, "pair", lang))
    assert len(titles) == 2 and heatmap_title not in titles  # the scatter and the lag profile


def expected(pair: str, level: str = "twoway", from_: str | None = WINDOW[0], **options) -> Correlation:
    """The correlation the page should show, from the library on the same values."""
    frame = synthetic_values().assign(period=lambda f: f["period"].map(from_index))
    x, y = pair.split("|")
    return correlate(build_panel(frame), x, y, level=level, from_=from_, to=WINDOW[1], **options)


def stat(corr: Correlation) -> str:
    """The page's zh stat line for a clustered correlation with p < 0.001."""
    ci = f"95% CI {corr.ci_low:.2f}～{corr.ci_high:.2f}"
    counts = f"n = {corr.n} 组，{corr.n_units} 个单位，df = {corr.n_units - 1}"
    return f"r = {corr.r:.2f}（{ci}），p < 0.001（按单位聚类），<br>{counts}"


def test_the_default_pair_is_the_best_finding_with_its_scatter_and_lag_profile(filled):
    at = open_tab(open_page(), "pair")
    assert at.selectbox(key="corr_pair").value == PLANTED
    scatter, lag = chart_titles(at)
    corr = expected(PLANTED)
    assert corr.n == 144 and corr.n_units == 12
    assert (
        scatter
        == f'主题党日开展次数 与 产品质量合格率：r 所依据的数值<br><span style="font-size:14px">{stat(corr)}</span>'
    )
    assert lag == "滞后相关：主题党日开展次数 与<br>产品质量合格率，前后\u00a06\u00a0个月"
    lag_rows = tables(at)[0].value
    assert list(lag_rows["滞后（月）"]) == list(range(-6, 7))
    assert lag_rows["n"].iloc[6] == 144 and lag_rows["单位数"].iloc[6] == 12 and lag_rows["自由度"].iloc[6] == "11"
    assert lag_rows["r"].iloc[6] == f"{corr.r:.2f}"


def test_a_link_reopens_the_pair_tab_in_either_language(filled):
    at = open_tab(open_page(), "pair")
    assert at.query_params["corr_view"] == "pair" and at.query_params["corr_pair"] == PLANTED
    link = AppTest.from_file(APP, default_timeout=TIMEOUT)
    link.query_params.update({"corr_view": "pair", "corr_pair": LAGGED})
    link.session_state["lang"] = "en"
    link.run()
    link.switch_page(PAGE).run()
    assert link.session_state["corr_tab"] == "Pair detail" and link.selectbox(key="corr_pair").value == LAGGED
    assert len(chart_titles(link)) == 2  # the scatter and the lag profile, not the grid
    assert "corr_view" not in open_tab(link, "grid", "en").query_params


def test_the_scatter_switches_to_raw_values_coloured_by_subsidiary(filled):
    at = open_tab(open_page(), "pair")
    at.radio(key="corr_points").set_value("raw").run()
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["title"]["text"].startswith("主题党日开展次数 与 产品质量合格率：原始数值<br>")
    assert spec["layout"]["xaxis"]["title"]["text"] == "主题党日开展次数（次）"
    assert [t["name"] for t in spec["data"]] == ["一公司", "二公司"]  # no fit line over raw values
    assert at.query_params["corr_points"] == "raw"


def test_the_shared_month_window_bounds_the_pairs(filled):
    at = open_tab(open_page(), "pair")
    at.session_state["from"] = "2024-11"  # the sidebar's shared filter: all 24 months
    at.run()
    corr = expected(PLANTED, from_=None)
    assert corr.n == 288
    assert stat(corr) in chart_titles(at)[0]


def test_level_pooled_changes_the_r_shown_and_gives_no_findings(filled):
    at = open_tab(open_page(), "pair")
    at.selectbox(key="corr_pair").set_value(CONFOUNDED).run()
    twoway, pooled = expected(CONFOUNDED), expected(CONFOUNDED, "pooled")
    assert abs(twoway.r) < 0.3 < 0.7 < pooled.r  # the size confound: pooled strong, twoway nothing
    assert f"r = {twoway.r:.2f}（" in chart_titles(at)[0]
    at.radio(key="corr_level").set_value("pooled").run()
    assert f"r = {pooled.r:.2f}（" in chart_titles(at)[0]
    assert chart_titles(open_tab(at, "grid"))[0].startswith(
        "党建指标 × 生产经营指标相关系数（全部单位月度合并（描述性），Pearson"
    )
    assert "全部单位的月度数据：大单位各项指标都高" in "".join(c.value for c in at.caption)
    assert any("只作描述，不产生“发现”" in i.value for i in at.info)
    assert at.radio(key="corr_scale").disabled


def test_findings_name_the_planted_relations_with_n_units_and_q(filled):
    at = open_page()
    text = "\n".join(m.value for m in at.markdown)
    assert (
        "1. 扣除各单位自身水平和全集团各月共同波动（如春节）后，各单位同等权重，主题党日开展次数与同月的产品质量合格率"
        in text
    )
    assert "谈心谈话次数与两个月后的利润总额同向变化（正相关）" in text
    assert "基于 12 个单位的 144 组月度数据" in text and "q < 0.001" in text
    assert "3. " not in text  # nothing else: the other pairs are independent noise
    assert any("相关不等于因果" in w.value for w in at.warning)


def test_when_nothing_passes_the_page_says_so(filled):
    at = open_page("en")
    at.multiselect(key="corr_subs").set_value(["S2"]).run()  # 6 units: every clustered cell is insufficient
    assert not at.exception
    heatmap = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert heatmap["data"][0].get("x", []) == []
    assert set(heatmap["data"][1]["text"]) == {"low n"}
    assert "No pair passes: under the current filters none of the 0 tests" in " ".join(i.value for i in at.info)


def test_subsidiary_filter_keeps_its_branches(filled):
    at = open_tab(open_page(), "pair")
    at.multiselect(key="corr_subs").set_value(["S2"]).run()
    assert "样本不足（n = 72 组，6 个单位；至少需要 10 个单位）" in chart_titles(at)[0]


def test_within_spearman_raw_scale_per_capita_and_lag_reach_every_chart(filled):
    at = open_tab(open_page(), "pair")
    at.selectbox(key="corr_pair").set_value(LAGGED).run()
    at.radio(key="corr_level").set_value("within").run()
    at.radio(key="corr_scale").set_value("none").run()
    at.radio(key="corr_method").set_value("spearman").run()
    at.toggle(key="corr_per_capita").set_value(True).run()
    at.slider(key="corr_lag").set_value(2).run()
    assert not at.exception
    scatter, _ = (json.loads(chart.proto.spec)["layout"] for chart in at.get("plotly_chart"))
    heatmap = json.loads(open_tab(at, "grid").get("plotly_chart")[0].proto.spec)["layout"]
    assert heatmap["title"]["text"] == (
        "党建指标 × 生产经营指标相关系数（仅扣除单位效应，按原始数值，Spearman（秩），滞后 2 个月）"
    )
    assert scatter["xaxis"]["title"]["text"] == "谈心谈话次数（次/百人，秩，偏离本单位均值）"
    assert scatter["yaxis"]["title"]["text"] == "利润总额（万元，2 个月后，秩，偏离本单位均值）"
    assert scatter["title"]["text"].split("<br>")[1].startswith('<span style="font-size:14px">ρ = 0.')
    assert (at.query_params["corr_level"], at.query_params["corr_scale"]) == ("within", "none")


def test_the_page_reads_the_scans_warmed_after_a_write(filled):
    """ui.data.after_write warms the default scans in the background: the page's first view finds them saved."""
    from analytics.services.findings import warm_findings
    from analytics.store.snapshot import snapshot_dir

    warm_findings(filled)
    saved = {p: p.stat().st_mtime_ns for p in snapshot_dir(filled).glob("findings-*.json")}
    assert len(saved) == 2  # the default window and all months
    open_page()
    assert {p: p.stat().st_mtime_ns for p in snapshot_dir(filled).glob("findings-*.json")} == saved
