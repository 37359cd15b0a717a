"""The leadership overview: group rollups, KPI changes (百分点 for rates), D trend, ranking, red/black lists,
alerts — on hand-built frames with the expected numbers worked out by hand."""

from __future__ import annotations

from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest

from analytics.figures.overview import (
    alert_counts,
    d_trend_figure,
    format_change,
    format_value,
    kpi_display,
    list_table,
    ranking_figure,
    sparkline_svg,
)
from analytics.i18n import unit_of_measure
from analytics.model.catalog import Catalog, Metric
from analytics.model.units import Registry, Unit
from analytics.stats.integration import LEVELS_EN, LEVELS_ZH, IntegrationSettings, coordination_level
from analytics.stats.overview import (
    DEFAULT_KPIS,
    INDEX,
    LEVEL_COLOURS,
    POINTS,
    RELATIVE,
    Comparison,
    build_overview,
    counted_rows,
    d_card,
    d_trend,
    group_figures,
    kpi_cards,
    kpi_metrics,
    level_drops,
    ranking,
    red_black,
    reporting_summary,
    shift_month,
    view_frame,
)
from analytics.stats.overview import alerts as month_alerts
from tests.integration_reference import spec_rows


def metric(code, zh, en, category, unit, rollup, direction=1, lo=0.0, hi=1e9, dimension="维度") -> Metric:
    return Metric(code, zh, en, category, dimension, unit, direction, lo, hi, (), rollup)


CATALOG = Catalog(
    (
        metric("revenue", "营业收入", "Operating revenue", "production", "万元", "sum"),
        metric("total_profit", "利润总额", "Total profit", "efficiency", "万元", "sum", lo=-1e9),
        metric("three_meetings_rate", "三会一课完成率", "Three meetings rate", "party", "%", "mean", hi=100),
        metric("vanguard_posts", "党员先锋岗数", "Vanguard posts", "party", "个", "last"),
        metric("debt_asset_ratio", "资产负债率", "Debt-to-asset ratio", "efficiency", "%", "last", -1, hi=200),
        metric("safety_accidents", "安全生产事故起数", "Work-safety accidents", "production", "起", "sum", -1),
    )
)
# G → S1 → (B11, B12); G → S2, S3, S4 (report themselves)
REGISTRY = Registry(
    (
        Unit(1, "G", "集团", None, None),
        Unit(2, "S1", "一公司", "G", None),
        Unit(3, "S2", "二公司", "G", 500.0),
        Unit(4, "B11", "检修分公司", "S1", 300.0),
        Unit(5, "B12", "一电厂", "S1", 600.0),
        Unit(6, "S3", "三公司", "G", 400.0),
        Unit(7, "S4", "四公司", "G", 250.0),
    )
)
HEADS = {u.code: u.headcount for u in REGISTRY.units if u.headcount}
PARENT = REGISTRY.parents()


def frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unit", "period", "metric", "value"])


def figure_of(figures: pd.DataFrame, code: str, period: str) -> tuple[float, int]:
    row = figures[(figures["metric"] == code) & (figures["period"] == period)]
    assert len(row) == 1, (code, period)
    return float(row["value"].iloc[0]), int(row["n_units"].iloc[0])


# ---------------------------------------------------------------- rollups


JAN = [
    ("B11", "2026-01", "revenue", 10.0),
    ("B12", "2026-01", "revenue", 20.0),
    ("S1", "2026-01", "revenue", 35.0),  # S1's own total: its branches report revenue, so it is not counted
    ("S2", "2026-01", "revenue", 5.0),
    ("G", "2026-01", "revenue", 99.0),  # the group's own total: not counted either
    ("B11", "2026-01", "three_meetings_rate", 90.0),
    ("B12", "2026-01", "three_meetings_rate", 100.0),
    ("S1", "2026-01", "three_meetings_rate", 70.0),
    ("S2", "2026-01", "three_meetings_rate", 80.0),
    ("B11", "2026-01", "vanguard_posts", 3.0),
    ("B12", "2026-01", "vanguard_posts", 4.0),
    ("B11", "2026-01", "debt_asset_ratio", 50.0),
    ("B12", "2026-01", "debt_asset_ratio", 60.0),
    ("S1", "2026-01", "safety_accidents", 2.0),  # only S1 reports accidents for its branches: counted
    ("S2", "2026-01", "safety_accidents", 1.0),
    ("B11", "2026-01", "unknown_metric", 5.0),
]


def test_sum_mean_and_last_roll_up_without_double_counting():
    figures = group_figures(frame(JAN), CATALOG, PARENT)
    assert figure_of(figures, "revenue", "2026-01") == (35.0, 3)  # 10 + 20 + 5
    assert figure_of(figures, "three_meetings_rate", "2026-01") == (90.0, 3)  # (90 + 100 + 80) / 3
    assert figure_of(figures, "vanguard_posts", "2026-01") == (7.0, 2)  # a stock adds up over units
    assert figure_of(figures, "debt_asset_ratio", "2026-01") == (55.0, 2)  # a % stock is averaged
    assert figure_of(figures, "safety_accidents", "2026-01") == (3.0, 2)  # S1's own value stands for its branches
    assert set(figures["metric"]) == {
        "revenue",
        "three_meetings_rate",
        "vanguard_posts",
        "debt_asset_ratio",
        "safety_accidents",
    }
    assert figures.set_index("metric").loc["revenue", "rollup"] == "sum"
    assert figures.set_index("metric").loc["debt_asset_ratio", "rollup"] == "mean"


def test_a_parent_counts_in_a_month_its_children_do_not_report():
    rows = [("S1", "2026-01", "revenue", 35.0), ("B11", "2026-02", "revenue", 10.0), ("S1", "2026-02", "revenue", 40)]
    figures = group_figures(frame(rows), CATALOG, PARENT)
    assert figure_of(figures, "revenue", "2026-01") == (35.0, 1)
    assert figure_of(figures, "revenue", "2026-02") == (10.0, 1)
    assert counted_rows(frame(rows), PARENT).tolist() == [True, True, False]


def test_rollups_are_the_same_with_categorical_keys_and_ignore_nan():
    obs = frame([*JAN, ("S2", "2026-01", "vanguard_posts", np.nan)])
    cats = obs.assign(**{c: obs[c].astype("category") for c in ("unit", "period", "metric")})
    assert group_figures(cats, CATALOG, PARENT).equals(group_figures(obs, CATALOG, PARENT))
    assert figure_of(group_figures(cats, CATALOG, PARENT), "vanguard_posts", "2026-01") == (7.0, 2)


def test_view_frame_bounds_months_and_units():
    obs = frame([("B11", f"2026-0{m}", "revenue", float(m)) for m in range(1, 6)] + [("S2", "2026-03", "revenue", 1)])
    cats = obs.assign(unit=obs["unit"].astype("category"), period=obs["period"].astype("category"))
    for data in (obs, cats):
        view = view_frame(data, "2026-02", "2026-04", ["B11"])
        assert view["value"].tolist() == [2.0, 3.0, 4.0]
    assert view_frame(obs) is obs


# ---------------------------------------------------------------- KPI cards


def kpi_obs() -> pd.DataFrame:
    rows = [
        ("B11", "2025-01", "revenue", 80.0),
        ("B11", "2025-12", "revenue", 100.0),
        ("B11", "2026-01", "revenue", 110.0),
        ("B11", "2025-12", "three_meetings_rate", 92.0),
        ("B11", "2026-01", "three_meetings_rate", 90.0),
        ("B11", "2025-12", "safety_accidents", 0.0),
        ("B11", "2026-01", "safety_accidents", 3.0),
        ("B11", "2025-12", "total_profit", -50.0),
        ("B11", "2026-01", "total_profit", -25.0),
        ("B11", "2025-01", "total_profit", -40.0),
        ("B11", "2025-11", "vanguard_posts", 6.0),  # no December: no month-on-month change
        ("B11", "2026-01", "vanguard_posts", 7.0),
    ]
    return frame(rows)


def cards(obs: pd.DataFrame | None = None) -> dict:
    codes = ("revenue", "three_meetings_rate", "safety_accidents", "total_profit", "vanguard_posts")
    return {k.key: k for k in kpi_cards(kpi_obs() if obs is None else obs, CATALOG, "2026-01", codes, PARENT)}


def test_month_on_month_and_year_on_year_of_a_flow_are_relative():
    revenue = cards()["revenue"]
    assert (revenue.value, revenue.n_units) == (110.0, 1)
    assert revenue.mom == Comparison("2025-12", 110.0, 100.0, 1)
    assert revenue.yoy == Comparison("2025-01", 110.0, 80.0, 1)
    assert revenue.mom.pct == pytest.approx(10.0)
    assert revenue.yoy.pct == pytest.approx(37.5)
    assert format_change(revenue, "mom", "zh") == "+10.0%"
    assert format_change(revenue, "yoy", "en") == "+37.5%"


def test_changes_of_a_rate_are_in_percentage_points():
    rate = cards()["three_meetings_rate"]
    assert rate.mom.diff == pytest.approx(-2.0)
    assert format_change(rate, "mom", "zh") == "-2.0 百分点"
    assert format_change(rate, "mom", "en") == "-2.0 pp"
    assert rate.yoy == Comparison("2025-01", None, None, 0) and format_change(rate, "yoy", "zh") is None


def test_a_zero_base_shows_the_difference_and_a_negative_base_changes_against_its_size():
    assert cards()["safety_accidents"].mom.pct is None
    assert format_change(cards()["safety_accidents"], "mom", "zh") == "+3 起"
    assert format_change(cards()["safety_accidents"], "mom", "en") == "+3 " + unit_of_measure("起", "en")
    profit = cards()["total_profit"]
    assert profit.mom.pct == pytest.approx(50.0)  # −50 → −25 is a 50% improvement
    assert profit.yoy.pct == pytest.approx(37.5)  # −40 → −25


def test_a_missing_month_gives_no_change_and_a_gap_in_the_sparkline():
    posts = cards()["vanguard_posts"]
    assert posts.mom.diff is None and format_change(posts, "mom", "zh") is None
    assert posts.spark_periods[-3:] == ("2025-11", "2025-12", "2026-01")
    assert posts.spark[-3:] == (6.0, None, 7.0)
    assert len(posts.spark_periods) == 12 and posts.spark_periods[0] == "2025-02"


def test_the_sparkline_is_an_svg_line_broken_at_a_missing_month_with_each_month_on_hover():
    posts = cards()["vanguard_posts"]
    svg = ElementTree.fromstring(sparkline_svg(posts, "zh"))
    ns = {"s": "http://www.w3.org/2000/svg"}
    known = [(m, v) for m, v in zip(posts.spark_periods, posts.spark, strict=True) if v is not None]
    assert svg.find("s:title", ns).text.startswith("党员先锋岗数（个）：")
    paths = svg.findall("s:path", ns)
    *lines, dot = paths
    assert len(lines) == 2  # 2025-12 is missing: the line stops before it and starts again after
    points = [len(line.get("d").split(" L")) for line in lines]
    assert sum(points) == len(known) and points[1] == 1  # January alone after the gap: a dot
    assert dot.get("d").endswith(" h0") and dot.get("d")[1:-3] == lines[1].get("d")[1:]  # the latest month marked
    hover = [r.find("s:title", ns).text for r in svg.findall("s:rect", ns)]
    assert len(hover) == 12 and hover[-1] == "2026-01：7" and hover[-2] == "2025-12：—"
    ys = [float(xy.split(",")[1]) for line in lines for xy in line.get("d")[1:].split(" L")]
    top = max(range(len(known)), key=lambda i: known[i][1])
    assert ys[top] == min(ys)  # the largest figure highest (SVG y grows downwards)


def test_no_change_has_no_sign_and_no_arrow():
    flat = cards(pd.concat([kpi_obs(), frame([("B11", "2025-12", "vanguard_posts", 7.0)])]))["vanguard_posts"]
    assert format_change(flat, "mom", "zh") == "0 个"  # a count's change is its difference, unsigned at zero
    shown = kpi_display(flat, "zh")
    assert (shown.delta, shown.delta_arrow, shown.delta_color) == ("0 个", "off", "off")
    assert kpi_display(cards()["revenue"], "zh").delta_arrow == "auto"


def test_the_sparkline_starts_no_earlier_than_the_view():
    (card,) = kpi_cards(kpi_obs(), CATALOG, "2026-01", ("revenue",), PARENT, start="2025-12")
    assert card.spark_periods == ("2025-12", "2026-01") and card.spark == (100.0, 110.0)
    assert card.yoy.before == 80.0  # comparisons may reach before the view


def test_changes_compare_like_for_like():
    # B12 reports revenue for the first time in January: the figure counts it, the changes do not.
    revenue = cards(pd.concat([kpi_obs(), frame([("B12", "2026-01", "revenue", 50.0)])]))["revenue"]
    assert (revenue.value, revenue.n_units) == (160.0, 2)
    assert revenue.mom == Comparison("2025-12", 110.0, 100.0, 1)
    shown = kpi_display(revenue, "zh")
    assert (shown.delta, shown.delta_description) == ("+10.0%", "环比")
    assert shown.caption == (
        "环比较 2025-12，1 个单位同口径 · 同比 +37.5%（较 2025-01，1 个单位同口径） · 2 个单位合计（上月 1 个）"
    )
    assert kpi_display(revenue, "en").caption == (
        "MoM vs 2025-12, 1 units like for like · YoY +37.5% (vs 2025-01, 1 units like for like) · "
        "sum of 2 units (previous month: 1)"
    )


def test_card_texts_in_both_languages():
    zh, en = kpi_display(cards()["three_meetings_rate"], "zh"), kpi_display(cards()["revenue"], "en")
    assert (zh.label, zh.value, zh.delta, zh.delta_color) == ("三会一课完成率", "90.0%", "-2.0 百分点", "normal")
    assert zh.caption == "环比较 2025-12 · 同比：2025-01 无数据 · 1 个单位简单平均"
    assert zh.delta_description == "环比"
    assert (en.label, en.value, en.delta) == ("Operating revenue (10k yuan)", "110", "+10.0%")
    assert en.caption == "MoM vs 2025-12 · YoY +37.5% (vs 2025-01) · sum of 1 units"
    accidents = kpi_display(cards()["safety_accidents"], "zh")
    assert (accidents.label, accidents.delta_color) == ("安全生产事故起数（起）", "inverse")
    posts = kpi_display(cards()["vanguard_posts"], "zh")
    assert posts.delta is None and posts.delta_description is None
    assert posts.caption == "环比：2025-12 无数据 · 同比：2025-01 无数据 · 1 个单位期末数合计"


def test_default_kpis_and_a_fallback_for_other_catalogs():
    assert kpi_metrics(CATALOG, {"revenue", "vanguard_posts", "debt_asset_ratio"}) == ("revenue", "vanguard_posts")
    assert DEFAULT_KPIS[:2] == ("revenue", "total_profit")
    # none of the wanted metrics has data: the first two with data of each category (party, production, efficiency)
    available = {"revenue", "safety_accidents", "three_meetings_rate", "debt_asset_ratio", "total_profit"}
    assert kpi_metrics(CATALOG, available, ("other",)) == (
        "three_meetings_rate",
        "revenue",
        "safety_accidents",
        "total_profit",
        "debt_asset_ratio",
    )


# ---------------------------------------------------------------- integration: trend, ranking, drops


def scored(records: list[tuple[str, str, float]]) -> pd.DataFrame:
    """Integration rows (the columns overview uses) with levels as SPEC §5 defines them."""
    rows = pd.DataFrame(records, columns=["unit", "period", "D"])
    level = coordination_level(rows["D"].to_numpy())
    return rows.assign(
        level=[LEVELS_ZH[i] if i >= 0 else None for i in level],
        level_en=[LEVELS_EN[i] if i >= 0 else None for i in level],
        level_index=pd.array([i if i >= 0 else None for i in level], dtype="Int64"),
        lagging="balanced",
        u_party=0.5,
        u_business=0.5,
        complete=True,
    )


ROWS = scored(
    [
        ("A", "2025-12", 0.65),
        ("B", "2025-12", 0.75),
        ("D", "2025-12", 0.45),
        ("A", "2026-01", 0.55),
        ("B", "2026-01", 0.81),
        ("C", "2026-01", 0.55),
        ("D", "2026-01", 0.2),
        ("E", "2026-01", np.nan),
    ]
)
NAMES = {"A": "甲", "B": "乙", "C": "丙", "D": "丁", "E": "戊"}


def test_d_trend_is_the_mean_over_scored_units():
    trend = d_trend(ROWS)
    assert trend["period"].tolist() == ["2025-12", "2026-01"]
    assert trend["D"].tolist() == pytest.approx([(0.65 + 0.75 + 0.45) / 3, (0.55 + 0.81 + 0.55 + 0.2) / 4])
    assert trend["n_units"].tolist() == [3, 4]
    card = d_card(ROWS, "2026-01")
    assert (card.value, card.n_units) == (pytest.approx(0.5275), 4)
    # like for like: A, B and D were scored in both months (C only in January)
    assert (card.mom.now, card.mom.before, card.mom.n_units) == (pytest.approx(0.52), pytest.approx(0.6166667), 3)
    assert format_change(card, "mom", "zh") == "-0.097"
    assert card.yoy == Comparison("2025-01", None, None, 0)
    assert kpi_display(card, "en").label == "Integration index D (unit mean)"


def test_ranking_orders_by_d_with_shared_ranks_levels_and_colours():
    ranked = ranking(ROWS, "2026-01", NAMES)
    assert ranked["unit"].tolist() == ["B", "A", "C", "D"]  # E has no D
    assert ranked["rank"].tolist() == [1, 2, 2, 4]
    assert ranked["name"].tolist() == ["乙", "甲", "丙", "丁"]
    assert ranked["level"].tolist() == ["良好协调", "勉强协调", "勉强协调", "中度失调"]
    assert ranked["level_en"].tolist()[0] == "good coordination"
    assert ranked["colour"].tolist() == [LEVEL_COLOURS[8], LEVEL_COLOURS[5], LEVEL_COLOURS[5], LEVEL_COLOURS[2]]


@pytest.mark.parametrize(
    ("value", "unit", "change", "text"),
    [
        (97.66, "%", POINTS, "97.7%"),
        (0.61234, "", INDEX, "0.612"),
        (178212.28, "万元", RELATIVE, "178,212"),
        (615.26, "万元", RELATIVE, "615.3"),
        (12.345, "次", RELATIVE, "12.35"),
    ],
)
def test_values_are_printed_for_their_kind(value, unit, change, text):
    assert format_value(value, unit, change) == text
    assert format_value(None, unit, change) == "—"


def test_list_tables_write_d_with_three_decimals():
    frame = pd.DataFrame(
        {"rank": [1, 2], "unit": ["A", "B"], "name": ["甲", "乙"], "D": [0.73, 0.6512],
         "level": ["良好协调", "初级协调"], "level_en": ["good", "primary"], "lagging": ["balanced", "party"]}
    )  # fmt: skip
    assert list_table(frame, "zh")["融合度 D"].tolist() == ["0.730", "0.651"]  # not 0.73 beside 0.651


@pytest.mark.parametrize(
    ("n", "red", "black"),
    [(1, ["B"], ["D"]), (2, ["B", "A"], ["D", "C"]), (3, ["B", "A"], ["D", "C"]), (10, ["B", "A"], ["D", "C"])],
)
def test_red_and_black_lists_never_share_a_unit(n, red, black):
    top, bottom = red_black(ranking(ROWS, "2026-01", NAMES), n)
    assert (top["unit"].tolist(), bottom["unit"].tolist()) == (red, black)


def test_odd_counts_give_the_red_list_the_middle_unit():
    five = scored([(u, "2026-01", d) for u, d in zip("ABCDE", [0.9, 0.7, 0.5, 0.3, 0.1], strict=True)])
    top, bottom = red_black(ranking(five, "2026-01", {}), 3)
    assert (top["unit"].tolist(), bottom["unit"].tolist()) == (["A", "B", "C"], ["E", "D"])


def test_level_drops_against_the_previous_month():
    drops = level_drops(ROWS, "2026-01")
    # A 0.65 (初级协调) → 0.55 (勉强协调); D 0.45 (濒临失调) → 0.2 (中度失调); B rose; C was not scored.
    assert drops["unit"].tolist() == ["D", "A"]
    assert drops["levels_down"].tolist() == [2, 1]
    assert drops.iloc[1][["level_before", "level"]].tolist() == ["初级协调", "勉强协调"]
    assert drops.iloc[1]["previous_period"] == "2025-12"


# ---------------------------------------------------------------- reporting and alerts

GRID = pd.DataFrame(
    [
        ("A", "甲", "2026-01", 6, 6, "reported"),
        ("B", "乙", "2026-01", 4, 6, "partial"),
        ("C", "丙", "2026-01", 0, 6, "missing"),
        ("D", "丁", "2026-01", 6, 6, "reported"),
        ("C", "丙", "2025-12", 6, 6, "reported"),
    ],
    columns=["unit", "name", "period", "values", "expected", "status"],
)
FLAGS = pd.DataFrame(
    [
        ("B", "2026-01", "jump", ("revenue",), "跳变", "jump"),
        ("A", "2025-12", "copied", ("revenue",), "旧", "old"),
    ],
    columns=["unit", "period", "kind", "metrics", "detail_zh", "detail_en"],
)


def test_reporting_summary_counts_the_month():
    summary = reporting_summary(GRID, "2026-01")
    assert (summary.reported, summary.partial, summary.missing, summary.total) == (2, 1, 1, 4)
    assert reporting_summary(GRID, "2030-01").total == 0


def test_alerts_put_missing_reports_first_and_partial_last():
    found = month_alerts(GRID, ROWS, FLAGS, "2026-01", NAMES)
    assert list(zip(found["kind"], found["unit"], strict=True)) == [
        ("missing", "C"),
        ("level_drop", "A"),
        ("level_drop", "D"),
        ("jump", "B"),
        ("partial", "B"),
    ]
    assert found.iloc[0]["detail_zh"] == "本月未报送任何指标（应报 6 项）。"
    assert found.iloc[1]["detail_zh"] == "融合度等级：初级协调（D=0.650）→ 勉强协调（D=0.550）"
    assert (
        found.iloc[1]["detail_en"]
        == "Coordination level: primary coordination (D=0.650) → barely coordinated (D=0.550)"
    )
    assert found.iloc[4]["detail_en"] == "Reported 4 of the 6 metrics expected this month."
    assert alert_counts(found, "zh") == "未报送 1 · 等级下降 2 · 异常跳变 1 · 部分报送 1"


# ---------------------------------------------------------------- the whole overview


GROUP_UNITS = ("B11", "B12", "S2", "S3", "S4")


def group_obs() -> pd.DataFrame:
    """Two branches, S2, S3 and S4, 2025-01..2026-01; B12 skips the last month and S4 its vanguard posts then;
    business and party metrics vary."""
    rows = []
    for k, period in enumerate([shift_month("2025-01", i) for i in range(13)]):
        for j, unit in enumerate(GROUP_UNITS):
            if unit == "B12" and period == "2026-01":
                continue
            rows.append((unit, period, "revenue", 100.0 * (j + 1) + 10 * k))
            rows.append((unit, period, "total_profit", 10.0 * (j + 1) + k % 3))
            rows.append((unit, period, "three_meetings_rate", 90.0 + j + (k % 2)))
            if not (unit == "S4" and period == "2026-01"):
                rows.append((unit, period, "vanguard_posts", float(3 + j)))
    return frame(rows)


def hand_scores(obs: pd.DataFrame) -> dict[tuple[str, str], dict]:
    """SPEC §5's defaults by hand over every row of ``obs`` (no parent reports alongside its children here)."""
    values: dict[tuple[str, str], dict[str, float]] = {}
    for unit, period, code, value in obs.itertuples(index=False):
        values.setdefault((unit, period), {})[code] = value
    by_code = {m.code: m for m in CATALOG.metrics}
    rows, _ = spec_rows(
        values,
        values,
        direction={m.code: m.direction for m in CATALOG.metrics},
        party=[m.code for m in CATALOG.metrics if m.category == "party"],
        business=[m.code for m in CATALOG.metrics if m.category != "party"],
        sized=[c for c, m in by_code.items() if m.rollup == "sum"],
        heads=HEADS,
    )
    return {(r["unit"], r["period"]): r for r in rows}


def test_build_overview_of_a_view():
    grid = pd.DataFrame(
        [
            ("B11", "检修分公司", "2026-01", 4, 4, "reported"),
            ("B12", "一电厂", "2026-01", 0, 4, "missing"),
            ("S2", "二公司", "2026-01", 4, 4, "reported"),
            ("S3", "三公司", "2026-01", 4, 4, "reported"),
            ("S4", "四公司", "2026-01", 3, 4, "partial"),
        ],
        columns=GRID.columns,
    )
    result = build_overview(group_obs(), CATALOG, REGISTRY, grid, start="2025-07", end="2026-06")
    assert (result.period, result.start) == ("2026-01", "2025-07")
    keys = [k.key for k in result.kpis]
    assert keys == ["revenue", "total_profit", "three_meetings_rate", "vanguard_posts", "D"]
    revenue = result.kpis[0]
    assert (revenue.value, revenue.n_units) == (220 + 420 + 520 + 620, 4)  # B11, S2, S3, S4 in 2026-01
    assert revenue.mom == Comparison("2025-12", 1780.0, 210 + 410 + 510 + 610, 4)  # like for like: not B12
    assert revenue.yoy == Comparison("2025-01", 1780.0, 100 + 300 + 400 + 500, 4)
    # the index: basis every row, sums against size, equal weights, S4's missing posts at the floor (SPEC §5)
    hand = hand_scores(group_obs())
    months = [shift_month("2025-07", i) for i in range(7)]
    assert result.trend["period"].tolist() == months
    assert result.trend["n_units"].tolist() == [5] * 6 + [3]  # 2026-01: B12 silent, S4 incomplete
    complete = {p: [r["D"] for (u, q), r in hand.items() if q == p and r["complete"]] for p in months}
    assert result.trend["D"].tolist() == pytest.approx([np.mean(complete[p]) for p in months], rel=1e-12)
    by_d = sorted(["B11", "S2", "S3"], key=lambda u: -hand[(u, "2026-01")]["D"])
    assert result.ranking["unit"].tolist() == by_d
    want = [hand[(u, "2026-01")]["D"] for u in by_d]
    assert result.ranking["D"].tolist() == pytest.approx(want, rel=1e-12)
    assert result.ranking["level_index"].tolist() == [hand[(u, "2026-01")]["level_index"] for u in by_d]
    assert result.incomplete.to_dict("records") == [
        {"unit": "S4", "name": "四公司", "metrics": ("vanguard_posts",), "no_headcount": False}
    ]
    assert result.settings == IntegrationSettings()
    assert (result.reporting.reported, result.reporting.partial, result.reporting.missing) == (3, 1, 1)
    assert result.alerts.iloc[0][["kind", "unit", "name"]].tolist() == ["missing", "B12", "一电厂"]
    only_s2 = build_overview(group_obs(), CATALOG, REGISTRY, grid, units=["S2"])
    assert only_s2.kpis[0].value == 420.0 and only_s2.reporting.total == 1
    # scored against every row, S2 keeps its score when the view holds it alone
    assert only_s2.ranking["D"].tolist() == pytest.approx([hand[("S2", "2026-01")]["D"]], rel=1e-12)


def test_too_few_units_give_no_index_but_still_the_figures():
    four = group_obs()[lambda f: f["unit"] != "S4"]
    result = build_overview(four, CATALOG, REGISTRY, GRID, start="2025-07")
    assert result.period == "2026-01" and result.kpis[0].value == 220 + 420 + 520  # the figures stand
    assert result.trend.empty and result.ranking.empty and result.incomplete.empty
    assert (result.insufficient, result.basis_units) == (True, 4)
    assert result.kpis[-1].key == "D" and result.kpis[-1].value is None


def test_an_empty_view_has_no_period():
    result = build_overview(group_obs(), CATALOG, REGISTRY, GRID, start="2030-01")
    assert result.period is None and result.kpis == () and result.alerts.empty


# ---------------------------------------------------------------- figures


def test_figures_carry_titles_axis_units_and_ten_level_legend():
    trend = d_trend(ROWS)
    fig = d_trend_figure(trend, "zh")
    assert fig.layout.title.text == "集团融合度 D 走势（各单位平均）"
    assert fig.layout.yaxis.title.text == "融合度 D（0–1）" and fig.layout.xaxis.title.text == "月份"
    assert tuple(fig.layout.yaxis.range) == (0.4, 0.8)  # the levels touched, one band either side
    assert [s.y0 for s in fig.layout.shapes] == pytest.approx([0.4, 0.5, 0.6, 0.7])
    bars = ranking_figure(ranking(ROWS, "2026-01", NAMES), "2026-01", 1, "en")
    assert [t.name for t in bars.data[:10]] == list(LEVELS_EN)  # every level in the legend
    assert all(len(t.x) >= 1 for t in bars.data[:10])  # plotly leaves empty traces out of the legend
    assert bars.layout.xaxis.title.text == "Integration index D (0–1)"
    assert list(bars.layout.yaxis.categoryarray) == ["乙 (B)", "⋯ 2 units in between not shown ⋯", "丁 (D)"]
