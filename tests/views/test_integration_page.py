"""The Integration page driven through AppTest (both languages, its numbers are the library's) and its figures."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics.figures.integration import (
    LEVEL_COLOURS,
    choices_text,
    incomplete_frame,
    level_legend_figure,
    metric_history_figure,
    quadrant_figure,
    ranking_figure,
)
from analytics.i18n import t as text
from analytics.model.units import Unit
from analytics.services.demo import create_demo
from analytics.stats.integration import IntegrationSettings, missing_metrics
from analytics.stats.unit_profile import ranking, score_view, unit_labels
from analytics.store.connection import connect
from analytics.store.metrics import load_catalog
from analytics.store.observations import analysis_frame
from analytics.store.units import load_registry
from tests.fixtures import fill_profile, tables

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 60
LAST = "2026-09"  # the demo's latest closed month (2026-10 is open): the default view's 12 months end there
FIRST = "2025-10"


@pytest.fixture(scope="module")
def page_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("integration") / "demo.duckdb"
    create_demo(path)
    return path


@pytest.fixture
def app_env(page_db, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("ANALYTICS_DB", str(page_db))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    return page_db


def open_page(lang: str = "zh", **state: str) -> AppTest:
    """The page after a first run of app.py. The sidebar's filters are set through the state: the URL holds an
    option's label (?lang=English), and AppTest does not render app.py's sidebar after switch_page."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    return at.switch_page("views/integration.py").run()


def expected(db: Path, settings: IntegrationSettings, start: str = FIRST):
    with connect(db, read_only=True) as con:
        obs, catalog, registry = analysis_frame(con), load_catalog(con), load_registry(con)
    return score_view(
        obs, catalog, registry.parents(), start=start, end=LAST, settings=settings, headcount=registry.headcounts()
    )


def chart_titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


SHOWN = 5e-4  # the page shows D with three decimals
CODES = {"排名": "rank", "单位编码": "unit", "单位名称": "name", "指标齐全": "complete", "缺少": "missing"}


def _coded(frame):
    """A table as shown (headers in words, numbers as texts) with code headers, D as a number, ✓ as True."""
    frame = frame.rename(columns=CODES)
    if "D" in frame:
        frame = frame.assign(D=frame["D"].astype(float), complete=frame["complete"].map({"✓": True, "": False}))
    return frame


def open_tab(at: AppTest, tab: str) -> AppTest:
    """Open a tab of the page (only the open tab's content runs: the page's tabs rerun on a click)."""
    label = text(f"integ.tab.{tab}", "zh")
    if at.session_state["integ_tab"] != label:
        at.session_state["integ_tab"] = label
        at.run()
    return at


def test_the_open_tab_travels_in_the_link_and_reopens_in_either_language(app_env):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at = open_tab(at.switch_page("views/integration.py").run(), "trend")
    assert at.query_params["integ_view"] == "trend"
    link = AppTest.from_file(APP, default_timeout=TIMEOUT)
    link.query_params["integ_view"] = "obstacle"
    link.session_state["lang"] = "en"
    link.run()
    link.switch_page("views/integration.py").run()
    assert link.session_state["integ_tab"] == text("integ.tab.obstacle", "en")  # (AppTest reruns only in zh)
    assert "integ_view" not in open_tab(at, "quadrant").query_params  # the default tab: nothing in the link


def ranking_table(at: AppTest):
    open_tab(at, "trend")
    return _coded(next(d.value for d in tables(at) if "排名" in d.value.columns))


def incomplete_table(at: AppTest):
    open_tab(at, "trend")
    frame = next(d.value for d in tables(at) if "缺少" in d.value.columns)
    return frame.rename(columns={**CODES, "指标齐全": "status"})


@pytest.mark.parametrize(
    ("lang", "title", "quadrant"),
    [
        ("zh", "融合度分析（耦合协调度）", f"{LAST} 党建（U1）× 生产经营（U2）"),
        ("en", "Integration index (coupling coordination)", f"{LAST}: party building (U1) × business (U2)"),
    ],
)
def test_page_renders_in_both_languages_with_the_choices_stated(app_env, lang, title, quadrant):
    at = open_page(lang)
    assert not at.exception, at.exception
    assert at.title[0].value == title
    assert chart_titles(at)[0] == quadrant
    assert f"**{choices_text(IntegrationSettings(), lang)}**" in [m.value for m in at.markdown]
    note = {"zh": "与同等规模单位相比", "en": "Compared with units of its size"}[lang]
    assert any(c.value.startswith(note) for c in at.caption)


def test_ranking_is_the_librarys_complete_rows_and_incomplete_units_are_listed(app_env):
    at = open_page()
    result = expected(app_env, IntegrationSettings())
    want = ranking(result.rows, LAST)
    table = ranking_table(at)
    assert table["unit"].tolist() == want["unit"].tolist() and table["complete"].all()
    assert table["rank"].astype(int).tolist() == list(range(1, len(want) + 1))
    assert table["D"].tolist() == pytest.approx(want["D"].tolist(), abs=SHOWN)
    missing = missing_metrics(result)
    missing = missing[missing["period"] == LAST]
    listed = incomplete_table(at)
    assert sorted(listed["unit"]) == sorted(missing["unit"]) and set(listed["status"]) == {"数据不全"}
    assert len(listed) + len(table) == int((result.rows["period"] == LAST).sum())
    assert not set(listed["unit"]) & set(table["unit"])
    assert f"本月 {len(table)} 个" in next(c.value for c in at.caption if c.value.startswith("排名和协调等级"))
    at.radio(key="model").set_value("corrected").run()
    corrected = ranking(expected(app_env, IntegrationSettings(model="corrected")).rows, LAST)
    assert ranking_table(at)["D"].tolist() == pytest.approx(corrected["D"].tolist(), abs=SHOWN)


@pytest.mark.parametrize(
    ("key", "value", "settings", "note"),
    [
        ("size", "raw", {"size": "raw"}, "按报送原值"),
        ("size", "per100", {"size": "per100"}, "每百名职工"),
        ("missing", "rescale", {"missing": "rescale"}, "只用单位报送的指标"),
        ("weighting", "entropy", {"weighting": "entropy"}, "熵权法"),
    ],
)
def test_each_choice_rescores_and_says_what_changes(app_env, key, value, settings, note):
    at = open_page()
    at.radio(key=key).set_value(value).run()
    assert not at.exception, at.exception
    want = ranking(expected(app_env, IntegrationSettings(**settings)).rows, LAST)
    assert ranking_table(at)["D"].tolist() == pytest.approx(want["D"].tolist(), abs=SHOWN)
    assert any(c.value.startswith(note) for c in at.caption)
    assert f"**{choices_text(IntegrationSettings(**settings), 'zh')}**" in [m.value for m in at.markdown]


def test_basis_choice_changes_the_rows_behind_the_bounds(app_env):
    at = open_page()
    result = expected(app_env, IntegrationSettings())
    assert any(c.value.startswith(f"基准：{result.basis_rows} 个单位月；") for c in at.caption)
    at.radio(key="basis").set_value("view").run()
    view = expected(app_env, IntegrationSettings(basis="view"))
    assert view.basis_rows < result.basis_rows
    assert any(c.value.startswith(f"基准：{view.basis_rows} 个单位月；") for c in at.caption)
    assert ranking_table(at)["D"].tolist() == pytest.approx(ranking(view.rows, LAST)["D"].tolist(), abs=SHOWN)


def test_ahp_shows_a_matrix_per_subsystem_with_its_consistency(app_env):
    at = open_page()
    at.radio(key="weighting").set_value("ahp").run()
    assert not at.exception, at.exception
    consistency = [c.value for c in at.caption if c.value.startswith("λmax")]
    assert len(consistency) == 2 and all("CR = 0.000" in c for c in consistency)
    assert not at.error


def test_obstacles_of_the_chosen_unit(app_env):
    at = open_page()
    unit = ranking_table(at)["unit"].iloc[0]
    open_tab(at, "obstacle").selectbox(key="unit").set_value(unit).run()
    assert not at.exception, at.exception
    assert any(f"{LAST}：障碍度最高的" in title for title in chart_titles(at))


def test_too_few_units_say_so_instead_of_scoring(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYTICS_DB", str(fill_profile(tmp_path / "four.duckdb")))  # 4 branches
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    at = open_page()
    assert not at.exception, at.exception
    assert "基准中只有 4 个单位，少于 5 个：单位太少，最小–最大归一化没有意义，不计算融合度。" in [
        w.value for w in at.warning
    ]
    assert not at.get("plotly_chart")


# ---------------------------------------------------------------- the figures, headless


def month_rows(n: int):
    d = [0.05 + 0.9 * i / (n - 1) for i in range(n)]
    return pd.DataFrame(
        {
            "unit": [f"U{i:02d}" for i in range(n)],
            "u_party": [0.1 + 0.8 * i / (n - 1) for i in range(n)],
            "u_business": [0.9 - 0.8 * i / (n - 1) for i in range(n)],
            "D": d,
            "level_index": [min(int(10 * v), 9) for v in d],
            "lagging": "balanced",
        }
    )


def test_quadrants_split_at_the_medians_with_the_band_and_extremes_named():
    rows = month_rows(15)
    figure = quadrant_figure(rows, {"U00": "甲", "U14": "乙"}, LAST)
    lines = [(s["type"], s["x0"], s["y0"]) for s in figure.layout.shapes]
    assert lines == [("line", 0.5, 0), ("line", 0, 0.5)]  # medians of U1 and U2
    band, points = figure.data
    assert list(zip(band.x, band.y, strict=True)) == [(0, 0), (0, 0.1), (0.9, 1), (1, 1), (1, 0.9), (0.1, 0), (0, 0)]
    named = [label for label in points.text if label]
    assert named == ["甲", "U01", "U02", "U12", "U13", "乙"]  # 3 lowest and 3 highest D of 15
    assert points.marker.color[0] == LEVEL_COLOURS[0] and points.marker.color[-1] == LEVEL_COLOURS[9]
    assert [a.text for a in figure.layout.annotations] == [
        "<b>党建强·经营强</b>", "<b>党建强·经营弱</b>", "<b>党建弱·经营强</b>", "<b>党建弱·经营弱</b>",
    ]  # fmt: skip


def test_quadrant_names_selected_units_and_keeps_titles_clear_of_the_points():
    rows = month_rows(15)
    figure = quadrant_figure(rows, {"U07": "丙"}, LAST, selected=("U07",))
    named = [label for label in figure.data[1].text if label]
    assert named == ["U00", "U01", "U02", "丙", "U12", "U13", "U14"]  # the extremes and the unit chosen
    # U2 spans 0.1–0.9 (± 0.05): a band of 9 % of that span above and below holds the quadrant titles
    assert list(figure.layout.yaxis.range) == pytest.approx([0.05 - 0.081, 0.95 + 0.081])
    assert {a.bgcolor for a in figure.layout.annotations} == {"rgba(255, 255, 255, 0.85)"}


def test_ranking_bars_have_a_level_legend_and_repeated_names_carry_their_codes():
    rows = month_rows(4).assign(rank=[4, 3, 2, 1])
    units = [Unit(i, f"U{i:02d}", "检修分公司" if i < 2 else f"厂{i}", None, None) for i in range(4)]
    figure = ranking_figure(rows.sort_values("rank"), unit_labels(units), LAST, "zh")
    assert [t.name for t in figure.data] == ["优质协调", "初级协调", "轻度失调", "极度失调"]
    assert figure.layout.legend.title.text == "协调等级"
    assert list(figure.layout.yaxis.categoryarray) == [
        "1. 厂3",
        "2. 厂2",
        "3. 检修分公司（U01）",
        "4. 检修分公司（U00）",
    ]


def test_level_legend_shows_the_ten_spec_levels_in_order():
    bar = level_legend_figure("en").data[0]
    assert list(bar.base) == pytest.approx([k / 10 for k in range(10)])
    assert bar.text[0] == "extreme imbalance<br>0.0–0.1" and bar.text[9] == "high-quality coordination<br>0.9–1.0"
    assert list(bar.marker.color) == list(LEVEL_COLOURS)


def test_metric_multiples_title_axes_with_units_of_measure_and_order_months():
    history = pd.DataFrame(
        [("rev", "2025-02", "unit", 5.0, 1), ("rev", "2025-01", "group", 3.0, 4), ("rev", "2025-02", "group", 4.0, 4)],
        columns=["metric", "period", "series", "value", "n"],
    )
    figure = metric_history_figure(history, {"rev": ("Operating revenue", "万元")}, "t", "en")
    assert figure.layout.yaxis.title.text == "10k yuan"  # the unit of measure in English
    assert figure.layout.xaxis.categoryorder == "category ascending"  # 2025-01 before 2025-02 whatever comes first
    assert [trace.name for trace in figure.data] == ["This unit", "Subsidiary median", "Group median"]


def test_incomplete_units_are_grey_points_with_what_they_lack():
    rows = month_rows(6)
    missing = pd.DataFrame({"unit": ["X1"], "metrics": [("rate",)], "no_headcount": [True]})
    table = incomplete_frame(missing, {"X1": "乙厂"}, {"rate": "三会一课完成率"}, "zh")
    assert table.to_dict("records") == [
        {"unit": "X1", "name": "乙厂", "status": "数据不全", "missing": "职工人数、三会一课完成率"}
    ]
    grey = table.assign(u_party=[0.2], u_business=[0.3])
    figure = quadrant_figure(rows, {"X1": "乙厂"}, LAST, "zh", grey)
    points = figure.data[-1]
    assert (list(points.x), list(points.y)) == ([0.2], [0.3]) and points.marker.color == "#bbbbbb"
    assert points.hovertext == ("乙厂<br>数据不全: 职工人数、三会一课完成率",)
    assert next(s["x0"] for s in figure.layout.shapes if s["type"] == "line") == rows["u_party"].median()
