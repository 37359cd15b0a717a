"""The correlation page's figures and tables: exact fit bands, heatmap cells, marks, points, lag profile."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analytics import correlation_figures as cf
from analytics.catalog import Catalog, Metric, default_metrics
from analytics.correlations import Correlation, correlate
from analytics.panel import build_panel
from analytics.registry import Registry, Unit
from tests.conftest import UNITS

CATALOG = Catalog(tuple(default_metrics()))
REGISTRY = Registry(tuple(Unit(i, u["code"], u["name"], u["parent_code"], u["headcount"]) for i, u in enumerate(UNITS)))
X = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0])
Y = np.array([2.1, 3.9, 6.2, 7.8, 10.1, 12.2, 13.8, 16.1, 18.3, 19.7, 22.4, 23.9])


def test_fit_line_and_band_equal_statsmodels_ols_prediction():
    fit = cf.ols_fit(X, Y, points=7)
    model = sm.OLS(Y, sm.add_constant(X)).fit()
    grid = np.linspace(1, 12, 7)
    prediction = model.get_prediction(sm.add_constant(grid)).summary_frame(alpha=0.05)
    assert fit.slope == pytest.approx(model.params[1], rel=1e-12)
    assert fit.intercept == pytest.approx(model.params[0], rel=1e-12)
    assert fit.df == 10
    np.testing.assert_allclose(fit.band["x"], grid)
    np.testing.assert_allclose(fit.band["fit"], prediction["mean"], rtol=1e-12)
    np.testing.assert_allclose(fit.band["low"], prediction["mean_ci_lower"], rtol=1e-10)
    np.testing.assert_allclose(fit.band["high"], prediction["mean_ci_upper"], rtol=1e-10)


def test_fit_on_demeaned_values_has_the_fixed_effects_slope_and_standard_error():
    units = np.repeat(["a", "b", "c"], 4)
    frame = pd.DataFrame({"unit": units, "x": X, "y": Y + np.repeat([0.0, 5.0, -3.0], 4) + np.tile([0.3, -0.2], 6)})
    demeaned = frame.groupby("unit")[["x", "y"]].transform(lambda v: v - v.mean())
    fit = cf.ols_fit(demeaned["x"], demeaned["y"], absorbed=2)
    dummies = pd.get_dummies(frame["unit"], dtype=float)
    model = sm.OLS(frame["y"], pd.concat([frame[["x"]], dummies], axis=1)).fit()
    assert fit.df == model.df_resid == 8  # n − n_units − 1 (SPEC §5)
    assert fit.slope == pytest.approx(model.params["x"], rel=1e-12)
    assert fit.se_slope == pytest.approx(model.bse["x"], rel=1e-10)


def test_no_fit_without_variation_or_degrees_of_freedom():
    assert cf.ols_fit([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]) is None
    assert cf.ols_fit([1.0, 2.0], [1.0, 2.0]) is None
    assert cf.ols_fit([1.0, 2.0, 3.0, np.nan], [1.0, 2.5, 2.9, 4.0]).df == 1  # the NaN pair is dropped


@pytest.mark.parametrize(
    ("q", "mark"),
    [
        (0.0, "★★★"),
        (0.00099, "★★★"),
        (0.001, "★★"),
        (0.0099, "★★"),
        (0.01, "★"),
        (0.0499, "★"),
        (0.05, ""),
        (0.5, ""),
        (float("nan"), ""),
        (None, ""),
    ],
)
def test_significance_marks_follow_bh_q_thresholds(q, mark):
    assert cf.significance_mark(q) == mark


CELLS = pd.DataFrame(
    {
        "x": ["theme_party_days", "theme_party_days", "heart_talks", "heart_talks"],
        "y": ["revenue", "quality_pass_rate", "revenue", "quality_pass_rate"],
        "r": [0.62, -0.85, np.nan, 0.1],
        "p": [0.002, 0.00001, np.nan, 0.4],
        "q": [0.004, 0.00004, np.nan, 0.4],
        "n": [96, 96, 5, 96],
        "n_units": [4, 4, 2, 4],
        "insufficient": [False, False, True, False],
    }
)


def test_heatmap_marker_colours_and_text_follow_r_and_q():
    names = cf.metric_names(CATALOG, "zh")
    figure = cf.heatmap_figure(CELLS, names, "zh", selected=("heart_talks", "quality_pass_rate"))
    cells, short, outline = figure.data
    assert list(cells.marker.color) == [0.62, -0.85, 0.1]
    assert (cells.marker.cmin, cells.marker.cmax, cells.marker.colorscale[0][1]) == (-1.0, 1.0, "rgb(103,0,31)")
    assert cells.marker.reversescale and cells.marker.symbol == "square"
    assert cells.marker.colorbar.title.text == "r"
    assert list(cells.text) == ["0.62<br>★★", "-0.85<br>★★★", "0.10"]
    assert list(cells.x) == [0, 1, 1] and list(cells.y) == [0, 0, 1]  # columns: revenue, quality; rows: party
    assert [list(c) for c in cells.customdata] == [
        ["theme_party_days", "revenue"],
        ["theme_party_days", "quality_pass_rate"],
        ["heart_talks", "quality_pass_rate"],
    ]
    assert "n = 96（4 个单位）" in cells.hovertext[0] and "q = 0.004（p = 0.002）" in cells.hovertext[0]
    assert list(short.text) == ["n 不足"] and short.marker.color == cf.INSUFFICIENT_GREY
    assert (list(outline.x), list(outline.y)) == ([1], [1])
    layout = figure.layout
    assert list(layout.xaxis.ticktext) == ["营业收入", "产品质量合格率"]
    assert list(layout.yaxis.ticktext) == ["主题党日开展次数", "谈心谈话次数"]
    assert (layout.xaxis.title.text, layout.yaxis.title.text) == ("生产经营与效率指标", "党建指标")
    assert layout.title.text == "党建指标 × 生产经营指标相关系数（单位内（推荐），Pearson（线性），滞后 0 个月）"


def test_heatmap_speaks_english():
    figure = cf.heatmap_figure(CELLS, cf.metric_names(CATALOG, "en"), "en", cf.Options(level="pooled", lag=3))
    assert figure.layout.title.text == (
        "Party-building × operations correlations (All unit-months pooled, Pearson (linear), lag 3 months)"
    )
    assert list(figure.data[1].text) == ["low n"]
    assert figure.layout.xaxis.ticktext[0] == "Operating revenue"


def test_strongest_pair_is_the_smallest_q():
    assert cf.strongest_pair(CELLS) == "theme_party_days|quality_pass_rate"
    assert cf.strongest_pair(CELLS.iloc[0:0]) is None


def small_panel(seed: int = 3):
    rng = np.random.default_rng(seed)
    rows = []
    for u, size in (("B11", 1.0), ("B12", 3.0), ("B21", 2.0)):
        for t in range(12):
            x = rng.normal()
            rows.append((u, f"2025-{t + 1:02d}", "a", 10 * size + x))
            rows.append((u, f"2025-{t + 1:02d}", "b", 5 * size + 0.5 * x + rng.normal()))
    return build_panel(pd.DataFrame(rows, columns=["unit", "period", "metric", "value"]))


@pytest.mark.parametrize("level", ["within", "twoway", "pooled", "between"])
@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_points_are_the_values_the_correlation_is_computed_on(level, method):
    panel = small_panel()
    options = cf.Options(method=method, level=level, lag=1)
    points = cf.analysis_points(panel, "a", "b", options)
    corr = correlate(panel, "a", "b", method, level, lag=1)
    assert len(points) == (3 if level == "between" else 33)
    assert corr.n == len(points)
    if not corr.insufficient:
        assert np.corrcoef(points["x"], points["y"])[0, 1] == pytest.approx(corr.r, abs=1e-12)
    if level == "within":
        assert points.groupby("unit")["x"].mean().abs().max() < 1e-12


def test_points_of_a_pair_with_no_data_are_an_empty_frame():
    points = cf.analysis_points(small_panel(), "a", "missing")
    assert list(points.columns) == ["unit", "month", "x", "y"] and points.empty


def test_scatter_title_axes_and_groups():
    panel = small_panel()
    corr = correlate(panel, "a", "b")
    named = Catalog(tuple(Metric(c, f"指标{c}", f"metric {c}", "party", "d", "次", 1, None, None) for c in "ab"))
    figure = cf.scatter_figure(cf.analysis_points(panel, "a", "b"), corr, named, cf.unit_groups(REGISTRY))
    stat = f"r = {corr.r:.2f}，p = {corr.p:.3f}，n = 36（3 个单位）"
    assert figure.layout.title.text == f'指标a 与 指标b<br><span style="font-size:14px">{stat}</span>'
    assert figure.layout.xaxis.title.text == "指标a（次，单位内去均值）"
    assert [trace.name for trace in figure.data] == ["一公司", "二公司", "95% 置信带", "拟合线"]


def test_axis_labels_name_units_and_transformations():
    revenue = CATALOG.get("revenue")
    talks = CATALOG.get("heart_talks")
    assert cf.axis_label(revenue, "zh", cf.Options(level="pooled")) == "营业收入（万元）"
    per_head = cf.Options(level="pooled", per_capita=True, method="spearman")
    assert (
        cf.axis_label(talks, "en", per_head, later=2)
        == "Heart-to-heart talks (times per 100 staff, 2 months later, rank)"
    )


def test_lag_profile_has_gaps_error_bars_and_labelled_axes():
    profile = [
        Correlation("a", "b", "pearson", "within", 0, 40, 4, 0.5, 0.001, 0.2, 0.7, False),
        Correlation("a", "b", "pearson", "within", 1, 6, 2, None, None, None, None, True),
        Correlation("a", "b", "pearson", "within", 2, 36, 4, -0.3, 0.07, -0.6, 0.03, False),
    ]
    figure = cf.lag_figure(profile, {"a": "甲", "b": "乙"})
    trace = figure.data[0]
    assert list(trace.y) == [0.5, None, -0.3] and trace.connectgaps is False
    assert trace.error_y.array[1] is None and trace.error_y.arrayminus[1] is None
    assert [trace.error_y.array[i] for i in (0, 2)] == pytest.approx([0.2, 0.33])
    assert [trace.error_y.arrayminus[i] for i in (0, 2)] == pytest.approx([0.3, 0.3])
    assert figure.layout.title.text == "滞后相关：甲 领先 乙 0–6\u00a0个月"
    assert (figure.layout.xaxis.title.text, figure.layout.yaxis.title.text) == ("党建指标领先月数（月）", "相关系数 r")
    table = cf.lag_table(profile, "en")
    assert table.to_dict("list") == {
        "Lag (months)": [0, 1, 2],
        "r": ["0.50", "n too small", "-0.30"],
        "95% CI": ["[0.20, 0.70]", "—", "[-0.60, 0.03]"],
        "p": ["0.001", "—", "0.070"],
        "n": [40, 6, 36],
        "Units": [4, 2, 4],
    }


def test_per_capita_divides_count_metrics_per_100_employees():
    frame = pd.DataFrame(
        {
            "unit": ["B11", "B11", "S1", "G"],
            "period": ["2025-01"] * 4,
            "metric": ["heart_talks", "revenue", "heart_talks", "heart_talks"],
            "value": [60.0, 1000.0, 90.0, 5.0],
        }
    )
    panel = cf.per_capita_panel(build_panel(frame), CATALOG, REGISTRY)
    assert panel.column("heart_talks")[:, 0].tolist() == pytest.approx([20.0, math.nan, 10.0], nan_ok=True)
    assert panel.column("revenue")[panel.units.get_loc("B11"), 0] == 1000.0  # 万元: not a count
    assert {"heart_talks", "violations", "new_members", "patents"} <= set(cf.count_metrics(CATALOG))
    assert not {"revenue", "three_meetings_rate", "volunteer_hours"} & set(cf.count_metrics(CATALOG))


def test_subsidiaries_and_unit_groups_follow_the_registry():
    assert cf.subsidiaries(REGISTRY) == ["S1", "S2"]
    assert cf.unit_groups(REGISTRY)["B21"] == ("检修分公司", "二公司")
    flat = Registry((Unit(1, "A", "甲", None, None), Unit(2, "B", "乙", None, None)))
    assert cf.subsidiaries(flat) == ["A", "B"]


def test_long_titles_wrap_at_spaces_and_keep_no_break_spaces():
    title = "Lag profile: Prior Party review coverage of major decisions leading Total profit by\u00a00–6\u00a0months"
    assert cf.wrap_title(title, 56).split("<br>") == [
        "Lag profile: Prior Party review coverage of major",
        "decisions leading Total profit by\u00a00–6\u00a0months",
    ]
    assert cf.wrap_title("党委理论学习中心组学习次数 与 成本费用占营业收入比重", 30) == (
        "党委理论学习中心组学习次数 与<br>成本费用占营业收入比重"
    )
