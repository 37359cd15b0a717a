"""The correlation page's figures and tables: exact fit bands, heatmap cells, marks, points, lag profile."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analytics.figures import correlation as cf
from analytics.model.catalog import Catalog, Metric, default_metrics
from analytics.model.panel import build_panel, pair_up, twoway_residuals
from analytics.model.units import Registry, Unit
from analytics.stats.correlation_points import analysis_points
from analytics.stats.correlations import Correlation, correlate, scaled_pairs
from analytics.stats.findings import Finding
from tests.fixtures import UNITS

CATALOG = Catalog(tuple(default_metrics()))
REGISTRY = Registry(tuple(Unit(i, u["code"], u["name"], u["parent_code"], u["headcount"]) for i, u in enumerate(UNITS)))
X = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0])
Y = np.array([2.1, 3.9, 6.2, 7.8, 10.1, 12.2, 13.8, 16.1, 18.3, 19.7, 22.4, 23.9])


def test_fit_line_is_the_least_squares_line_at_the_ends_of_x_and_has_no_band():
    line = cf.fit_line(pd.Series(X), pd.Series(Y))
    slope, intercept = np.polyfit(X, Y, 1)
    assert list(line.columns) == ["x", "fit"]  # no band: a naive one would treat a unit's months as independent
    assert line["x"].tolist() == [1.0, 12.0]
    assert line["fit"].tolist() == pytest.approx([intercept + slope, intercept + 12 * slope], rel=1e-12)
    assert cf.fit_line(pd.Series([1.0, 1.0, 1.0]), pd.Series([1.0, 2.0, 3.0])) is None


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
        "n_units": [12, 12, 2, 12],
        "ci_low": [0.31, -0.93, np.nan, -0.2],
        "ci_high": [0.81, -0.7, np.nan, 0.38],
        "df": [11.0, 11.0, np.nan, 11.0],
        "insufficient": [False, False, True, False],
    }
)


def test_heatmap_marker_colours_and_text_follow_r_and_the_clustered_q():
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
    assert cells.hovertext[0] == (
        "主题党日开展次数 × 营业收入<br>r = 0.62 ★★（95% CI 0.31～0.81）<br>q = 0.004（p = 0.002，df = 11）"
        "<br>n = 96 组（12 个单位）"
    )
    assert list(short.text) == ["n 不足"] and short.marker.color == cf.INSUFFICIENT_GREY
    assert "至少需要 10 个单位" in short.hovertext[0]
    assert (list(outline.x), list(outline.y)) == ([1], [1])
    layout = figure.layout
    assert list(layout.xaxis.ticktext) == ["营业收入", "产品质量合格率"]
    assert list(layout.yaxis.ticktext) == ["主题党日开展次数", "谈心谈话次数"]
    assert (layout.xaxis.title.text, layout.yaxis.title.text) == ("生产经营与效率指标", "党建指标")
    assert layout.title.text == (
        "党建指标 × 生产经营指标相关系数（扣除单位与月份效应，各单位同等权重，Pearson（线性），滞后 0 个月）"
    )


def test_a_heatmap_cell_that_rounds_to_zero_reads_0_00_not_minus_0_00():
    cells = CELLS.assign(r=[-0.004, 0.0049, np.nan, -0.0001], q=[0.9, 0.9, np.nan, 0.9])
    figure = cf.heatmap_figure(cells, cf.metric_names(CATALOG, "zh"), "zh")
    assert list(figure.data[0].text) == ["0.00", "0.00", "0.00"]


def test_heatmap_speaks_english_and_names_the_level_without_scaling_where_it_does_not_apply():
    figure = cf.heatmap_figure(CELLS, cf.metric_names(CATALOG, "en"), "en", cf.Options(level="pooled", lag=3))
    assert figure.layout.title.text == (
        "Party-building × operations correlations (All unit-months pooled (descriptive), Pearson (linear), lag 3 "
        "months)"
    )
    assert list(figure.data[1].text) == ["low n"]
    assert figure.layout.xaxis.ticktext[0] == "Operating revenue"
    within = cf.heatmap_figure(CELLS, {}, "en", cf.Options(level="within", scale="none"))
    assert within.layout.title.text.startswith("Party-building × operations correlations (Unit effects removed, raw")


def test_strongest_pair_is_the_smallest_q_and_the_default_pair_the_best_finding():
    assert cf.strongest_pair(CELLS) == "theme_party_days|quality_pass_rate"
    assert cf.strongest_pair(CELLS.iloc[0:0]) is None
    finding = Finding("heart_talks", "quality_pass_rate", 2, 0.3, 0.1, 0.5, 0.001, 0.01, 90, 12, "leads")
    assert cf.default_pair(CELLS, [finding]) == "heart_talks|quality_pass_rate"
    assert cf.default_pair(CELLS, []) == "theme_party_days|quality_pass_rate"


UNIT_CODES = [f"U{i:02d}" for i in range(1, 13)]


def small_panel(seed: int = 3, months: int = 12):
    """12 units of very different sizes and spreads, a common month shock, y following x inside each unit."""
    rng = np.random.default_rng(seed)
    shock = rng.normal(0, 3, months)
    rows = []
    for i, unit in enumerate(UNIT_CODES):
        size = 1.0 + i
        for t in range(months):
            x = rng.normal(0, size)
            rows.append((unit, f"2025-{t + 1:02d}", "a", 10 * size + x + shock[t]))
            rows.append((unit, f"2025-{t + 1:02d}", "b", 5 * size + 0.5 * x + rng.normal(0, size) + shock[t]))
    return build_panel(pd.DataFrame(rows, columns=["unit", "period", "metric", "value"]))


def reference_points(panel, level: str, scale: str, lag: int) -> pd.DataFrame:
    """The values r describes, by hand: z-scores per unit (pandas, sample sd), then unit (and month) effects
    removed by least squares on dummies (statsmodels)."""
    pairs = pair_up(panel, "a", "b", lag)
    frame = pd.DataFrame({"unit": pairs.unit, "month": pairs.month, "x": pairs.x, "y": pairs.y})
    by_unit = frame.groupby("unit")[["x", "y"]]
    values = (frame[["x", "y"]] - by_unit.transform("mean")) / (by_unit.transform("std") if scale == "unit" else 1)
    effects = pd.get_dummies(frame["unit"], prefix="u", dtype=float)
    if level == "twoway":
        effects = pd.concat([effects, pd.get_dummies(frame["month"], prefix="m", drop_first=True, dtype=float)], axis=1)
    return pd.DataFrame({v: sm.OLS(values[v].to_numpy(), effects.to_numpy()).fit().resid for v in ("x", "y")})


@pytest.mark.parametrize("scale", ["unit", "none"])
@pytest.mark.parametrize("level", ["twoway", "within"])
def test_plotted_points_are_the_residuals_r_describes_and_their_pearson_r_is_the_correlations_r(level, scale):
    panel = small_panel()
    options = cf.Options(level=level, scale=scale, lag=1)
    points = analysis_points(panel, "a", "b", options)
    corr = correlate(panel, "a", "b", level=level, lag=1, scale=scale)
    expected = reference_points(panel, level, scale, lag=1)
    assert corr.n == len(points) == 12 * 11 and corr.n_units == 12 and not corr.insufficient
    np.testing.assert_allclose(points["x"], expected["x"], atol=1e-10)
    np.testing.assert_allclose(points["y"], expected["y"], atol=1e-10)
    assert np.corrcoef(points["x"], points["y"])[0, 1] == pytest.approx(corr.r, abs=1e-12)
    assert points["unit"].tolist()[:3] == ["U01"] * 3 and points["month"].tolist()[:2] == ["2025-01", "2025-02"]


@pytest.mark.parametrize("level", ["within", "twoway", "pooled", "between"])
@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_points_are_the_values_the_correlation_is_computed_on(level, method):
    panel = small_panel()
    points = analysis_points(panel, "a", "b", cf.Options(method=method, level=level, lag=1))
    corr = correlate(panel, "a", "b", method, level, lag=1)
    assert len(points) == corr.n == (12 if level == "between" else 132)
    assert np.corrcoef(points["x"], points["y"])[0, 1] == pytest.approx(corr.r, abs=1e-12)
    if level in ("within", "twoway") and method == "pearson":
        kept, xz, _ = scaled_pairs(pair_up(panel, "a", "b", 1), "unit", False)
        expected = xz if level == "within" else twoway_residuals(xz, kept.unit, kept.month)
        np.testing.assert_allclose(points["x"], expected, atol=1e-12)


def test_raw_points_are_the_same_pairs_as_reported():
    panel = small_panel()
    raw = analysis_points(panel, "a", "b", cf.Options(lag=1), raw=True)
    pairs = pair_up(panel, "a", "b", 1)
    np.testing.assert_array_equal(raw["x"], pairs.x)
    np.testing.assert_array_equal(raw["y"], pairs.y)
    assert raw["unit"].nunique() == 12


def test_points_of_a_pair_with_no_data_are_an_empty_frame():
    points = analysis_points(small_panel(), "a", "missing")
    assert list(points.columns) == ["unit", "month", "x", "y"] and points.empty


GROUPS = {code: (f"单位{code}", "一公司" if i < 6 else "二公司") for i, code in enumerate(UNIT_CODES)}
NAMED = Catalog(tuple(Metric(c, f"指标{c}", f"metric {c}", "party", "d", "次", 1, None, None) for c in "ab"))


def test_scatter_states_r_ci_p_n_units_and_df_and_draws_a_line_without_a_band():
    panel = small_panel()
    corr = correlate(panel, "a", "b")
    figure = cf.scatter_figure(analysis_points(panel, "a", "b"), corr, NAMED, GROUPS)
    ci = f"95% CI {corr.ci_low:.2f}～{corr.ci_high:.2f}"
    stat = f"r = {corr.r:.2f}（{ci}），p < 0.001（按单位聚类），<br>n = 144 组，12 个单位，df = 11"
    assert corr.df == 11 and corr.p < 0.001
    assert figure.layout.title.text == f'指标a 与 指标b：r 所依据的数值<br><span style="font-size:14px">{stat}</span>'
    assert figure.layout.xaxis.title.text == "指标a：<br>偏离本单位常态<br>（标准差，已去除各月共同波动）"
    assert figure.layout.yaxis.title.text == "指标b：<br>偏离本单位常态<br>（标准差，已去除各月共同波动）"
    assert [trace.name for trace in figure.data] == ["一公司", "二公司", "最小二乘直线"]
    assert len(figure.data[2].x) == 2  # the line, no band


def test_raw_scatter_is_labelled_in_units_of_measure_and_has_no_line():
    panel = small_panel()
    corr = correlate(panel, "a", "b", lag=2)
    points = analysis_points(panel, "a", "b", cf.Options(lag=2), raw=True)
    figure = cf.scatter_figure(points, corr, NAMED, GROUPS, "en", cf.Options(lag=2), raw=True)
    assert figure.layout.title.text.startswith("metric a vs metric b: values as reported<br>")
    assert (figure.layout.xaxis.title.text, figure.layout.yaxis.title.text) == (
        "metric a (times)",
        "metric b (times, 2 months later)",
    )
    assert [trace.name for trace in figure.data] == ["一公司", "二公司"]
    assert cf.scatter_caption(cf.Options(), raw=True) == "corr.scatter.caption_raw"
    assert cf.scatter_caption(cf.Options(level="pooled"), raw=True) == "corr.scatter.caption_plain"


def test_axis_labels_name_units_and_transformations():
    revenue = CATALOG.get("revenue")
    talks = CATALOG.get("heart_talks")
    assert cf.axis_label(revenue, "zh", cf.Options(level="pooled")) == "营业收入（万元）"
    per_head = cf.Options(level="pooled", per_capita=True, method="spearman")
    assert (
        cf.axis_label(talks, "en", per_head, later=2)
        == "Heart-to-heart talks (times per 100 staff, 2 months later, rank)"
    )
    spearman = cf.Options(method="spearman")
    assert cf.axis_label(revenue, "en", spearman, later=-1) == (
        "Operating revenue: deviation from the unit's usual level (SD, 1 months earlier, ranks within unit, "
        "months' common swings removed)"
    )
    assert cf.axis_label(revenue, "zh", cf.Options(level="within", scale="none")) == "营业收入（万元，偏离本单位均值）"
    assert cf.axis_label(revenue, "zh", cf.Options(level="between")) == "营业收入（万元，单位平均）"


def correlation(lag: int, r, low, high, p, n: int, g: int, df) -> Correlation:
    insufficient = r is None
    return Correlation("a", "b", "pearson", "twoway", "unit", lag, n, g, r, p, low, high, df, insufficient)


def test_lag_profile_runs_from_y_leading_to_x_leading_with_gaps_error_bars_and_sides_labelled():
    profile = [
        correlation(-1, -0.1, -0.3, 0.1, 0.4, 40, 12, 11.0),
        correlation(0, 0.5, 0.2, 0.7, 0.001, 40, 12, 11.0),
        correlation(1, None, None, None, None, 6, 2, None),
        correlation(2, -0.3, -0.6, 0.03, 0.07, 36, 12, 11.0),
    ]
    figure = cf.lag_figure(profile, {"a": "甲", "b": "乙"})
    trace = figure.data[0]
    assert list(trace.x) == [-1, 0, 1, 2]
    assert list(trace.y) == [-0.1, 0.5, None, -0.3] and trace.connectgaps is False
    assert trace.error_y.array[2] is None and trace.error_y.arrayminus[2] is None
    assert [trace.error_y.array[i] for i in (0, 1, 3)] == pytest.approx([0.2, 0.2, 0.33])
    assert [trace.error_y.arrayminus[i] for i in (0, 1, 3)] == pytest.approx([0.2, 0.3, 0.3])
    assert figure.layout.title.text == "滞后相关：甲 与 乙，前后\u00a06\u00a0个月"
    assert figure.layout.xaxis.title.text == "滞后月数 k（负数：经营指标在前；正数：党建指标在前）"
    assert [a.text for a in figure.layout.annotations] == ["← 乙 在前", "甲 在前 →"]
    assert (
        trace.hovertext[0] == "乙 在前 1 个月<br>r = -0.10（95% CI -0.30～0.10）<br>p = 0.400（按单位聚类，df = 11）"
        "<br>n = 40 组，12 个单位"
    )
    table = cf.lag_table(profile, "en")
    assert table.to_dict("list") == {
        "Lag (months)": [-1, 0, 1, 2],
        "r": ["-0.10", "0.50", "n too small", "-0.30"],
        "95% CI": ["[-0.30, 0.10]", "[0.20, 0.70]", "—", "[-0.60, 0.03]"],
        "p": ["0.400", "0.001", "—", "0.070"],
        "n": [40, 40, 6, 36],
        "Units": [12, 12, 2, 12],
        "df": ["11", "11", "—", "11"],
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


def test_a_large_scatter_draws_a_seeded_sample_but_fits_every_point():
    panel = small_panel()
    corr = correlate(panel, "a", "b")
    points = analysis_points(panel, "a", "b")
    many = pd.concat([points] * 25, ignore_index=True)  # 3,600 points: over the 1,500 drawn
    figure = cf.scatter_figure(many, corr, NAMED, GROUPS)
    drawn = sum(len(trace.x) for trace in figure.data[:2])
    assert drawn == cf.MAX_SCATTER_POINTS
    assert "图中随机显示 1,500 / 3,600 个点；r 和直线基于全部点" in figure.layout.title.text
    line = figure.data[2]
    slope = np.polyfit(many["x"], many["y"], 1)[0]  # the line is the least-squares line of all 3,600 points
    assert (line.y[1] - line.y[0]) / (line.x[1] - line.x[0]) == pytest.approx(slope)
    assert cf.thin(many).equals(cf.thin(many))  # seeded: the same sample on every render
    small = cf.scatter_figure(points, corr, NAMED, GROUPS)
    assert "随机显示" not in small.layout.title.text


def test_a_dense_grid_is_one_raster_with_marks_on_the_significant_cells():
    """Beyond DENSE_CELLS cells (the 2,000-unit catalog's 80 × 76) the heatmap is a raster of r, not thousands
    of squares with texts: insufficient cells are gaps, q < 0.05 cells carry a dot, the chosen pair an outline."""
    import numpy as np

    from analytics.figures.correlation import DENSE_CELLS, heatmap_figure

    rows, cols = [f"p{i}" for i in range(31)], [f"b{j}" for j in range(30)]
    assert len(rows) * len(cols) > DENSE_CELLS
    cells = pd.DataFrame(
        [
            {"x": x, "y": y, "r": (i - j) / 60, "p": 0.5, "q": 0.01 if i == j else 0.5, "n": 100, "n_units": 20,
             "ci_low": -0.1, "ci_high": 0.1, "df": 19, "insufficient": (i, j) == (3, 4)}
            for i, x in enumerate(rows)
            for j, y in enumerate(cols)
        ]
    )  # fmt: skip
    figure = heatmap_figure(cells, {}, "zh", selected=("p2", "b5"))
    raster, marks, outline = figure.data
    assert raster.type == "heatmap" and np.asarray(raster.z).shape == (31, 30)
    assert np.isnan(raster.z[3][4]) and raster.z[10][5] == pytest.approx(5 / 60)
    assert sorted(zip(marks.y, marks.x, strict=True)) == [(i, i) for i in range(30)]  # q < 0.05 on the diagonal
    assert (list(outline.x), list(outline.y)) == ([5], [2])
    assert {t.mode for t in figure.data if t.type == "scatter"} == {"markers"}  # no texts in the cells
