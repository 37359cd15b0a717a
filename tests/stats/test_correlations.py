"""Correlations (SPEC §5) against independent references: scipy, statsmodels OLS, hand-built frames."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.multitest import multipletests

from analytics.model.panel import build_panel, pair_up, per_capita
from analytics.stats.correlations import Correlation, benjamini_hochberg, correlate, lag_profile
from analytics.stats.findings import Finding, causation_note, describe_finding
from analytics.stats.findings import scan as findings
from analytics.stats.matrix import matrix, matrix_to_dict

TOL = 1e-10
SPEC_KEYS = [
    "x", "y", "method", "level", "scale", "lag", "n", "n_units", "r", "p", "ci_low", "ci_high", "df", "insufficient",
]  # fmt: skip


def approx(value: float) -> object:
    return pytest.approx(value, rel=TOL, abs=TOL)


def month_text(index: int, first_year: int = 2024) -> str:
    return f"{first_year + index // 12}-{index % 12 + 1:02d}"


def long_frame(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unit", "period", "metric", "value"])


@pytest.fixture(scope="module")
def obs() -> pd.DataFrame:
    """25 units × 18 months × metrics a, b, c: unit levels, common month shocks, a lag-1 link, ~15% missing."""
    rng = np.random.default_rng(7)
    units, months = 25, 18
    level = rng.normal(0, 3, size=(units, 1))
    shock = rng.normal(0, 1, size=(1, months))
    a = level + shock + rng.normal(size=(units, months))
    b = 2 * level - shock + 0.5 * np.roll(a, 1, axis=1) + rng.normal(size=(units, months))
    c = rng.normal(size=(units, months)) + 0.3 * a
    rows = []
    for code, values in {"a": a, "b": b, "c": c}.items():
        for u in range(units):
            for t in range(months):
                if rng.random() > 0.15:
                    rows.append((f"U{u:02d}", month_text(t), code, float(values[u, t])))
    # two units with a single pair only, and one unit that never reports b
    rows += [("V01", "2024-03", "a", 1.5), ("V01", "2024-03", "b", 2.5), ("V01", "2024-03", "c", 0.2)]
    rows += [("V02", month_text(t), "a", float(t)) for t in range(6)]
    return long_frame(rows)


@pytest.fixture(scope="module")
def panel(obs: pd.DataFrame):
    return build_panel(obs)


def reference_pairs(obs: pd.DataFrame, x: str, y: str, lag: int = 0) -> pd.DataFrame:
    """Pairs built independently with pandas Periods: x of month t merged with y of month t + lag."""
    frame = obs.assign(month=pd.PeriodIndex(obs["period"], freq="M"))
    xs = frame[frame["metric"] == x][["unit", "month", "value"]].rename(columns={"value": "x"})
    ys = frame[frame["metric"] == y][["unit", "month", "value"]].rename(columns={"value": "y"})
    ys = ys.assign(month=ys["month"] - lag)
    pairs = xs.merge(ys, on=["unit", "month"]).dropna()
    return pairs.sort_values(["unit", "month"]).reset_index(drop=True)


def repeated(pairs: pd.DataFrame) -> pd.DataFrame:
    return pairs[pairs.groupby("unit")["x"].transform("size") >= 2].reset_index(drop=True)


def clustered_p(fit, ref: pd.DataFrame, k: int) -> float:
    """p of x from a statsmodels cluster fit, its small-sample factor swapped for SPEC §5's (K = k), t on G − 1 df."""
    n, g = len(ref), ref["unit"].nunique()
    robust = fit.get_robustcov_results(cov_type="cluster", groups=pd.factorize(ref["unit"])[0])
    own, spec = (n - 1) / (n - fit.df_model - 1), (n - 1) / (n - k)
    se = robust.bse[list(fit.params.index).index("x")] * math.sqrt(spec / own)
    return float(2 * stats.t.sf(abs(fit.params["x"] / se), g - 1))


def fisher_ci(r: float, se: float) -> tuple[float, float]:
    z = math.atanh(r)
    q = stats.norm.ppf(0.975)
    return math.tanh(z - q * se), math.tanh(z + q * se)


# ---------------------------------------------------------------- the panel


def test_build_panel_makes_calendar_months_contiguous() -> None:
    frame = long_frame([("B", "2024-01", "m", 1.0), ("A", "2024-03", "m", 3.0), ("A", "2024-01", "k", 5.0)])
    p = build_panel(frame)
    assert list(p.units) == ["A", "B"]
    assert list(p.months) == ["2024-01", "2024-02", "2024-03"]
    assert list(p.metrics) == ["k", "m"]
    assert p.cube.shape == (2, 3, 2)
    assert p.cube[0, 2, 1] == 3.0 and p.cube[1, 0, 1] == 1.0 and p.cube[0, 0, 0] == 5.0
    assert np.isnan(p.cube[:, 1, :]).all()
    assert np.count_nonzero(~np.isnan(p.cube)) == 3
    assert not p.cube.flags.writeable


def test_build_panel_categorical_and_text_keys_agree(obs: pd.DataFrame) -> None:
    categorical = obs.astype({"unit": "category", "period": "category", "metric": "category"})
    shuffled = obs.sample(frac=1.0, random_state=1).astype(object).astype({"value": float})
    first, second = build_panel(categorical), build_panel(shuffled)
    assert list(first.units) == list(second.units) and list(first.metrics) == list(second.metrics)
    np.testing.assert_array_equal(first.cube, second.cube)


def test_build_panel_rejects_duplicate_keys_and_bad_periods() -> None:
    with pytest.raises(ValueError, match="more than once"):
        build_panel(long_frame([("A", "2024-01", "m", 1.0), ("A", "2024-01", "m", 2.0)]))
    with pytest.raises(ValueError, match="malformed period"):
        build_panel(long_frame([("A", "2024-13", "m", 1.0)]))


def test_per_capita_divides_count_metrics_by_hundreds_of_employees() -> None:
    frame = long_frame([("A", "2024-01", "cnt", 6.0), ("B", "2024-01", "cnt", 4.0), ("A", "2024-01", "rev", 9.0)])
    p = per_capita(build_panel(frame), {"A": 300.0}, {"cnt", "absent"})
    assert p.cube[0, 0, 0] == 2.0  # 6 per 300 employees = 2 per 100
    assert np.isnan(p.cube[1, 0, 0])  # B has no headcount: missing, not zero
    assert p.cube[0, 0, 1] == 9.0


def test_lag_pairs_by_calendar_month_not_next_row() -> None:
    rows = [("A", m, "x", float(i)) for i, m in enumerate(["2024-01", "2024-02", "2024-04", "2024-05"])]
    rows += [("A", m, "y", 10.0 + i) for i, m in enumerate(["2024-01", "2024-02", "2024-04", "2024-05"])]
    p = build_panel(long_frame(rows))
    pairs = pair_up(p, "x", "y", lag=1)
    # Jan→Feb and Apr→May; Feb's y would be Mar (missing), never Apr (the next row)
    assert list(p.months[pairs.month]) == ["2024-01", "2024-04"]
    assert list(pairs.x) == [0.0, 2.0] and list(pairs.y) == [11.0, 13.0]
    assert len(pair_up(p, "x", "y", lag=1, from_="2024-02")) == 1
    two = pair_up(p, "x", "y", lag=2)  # Jan→Mar (missing), Feb→Apr, Mar (missing)→May
    assert (list(two.x), list(two.y)) == ([1.0], [12.0])


# ---------------------------------------------------------------- one pair against references


@pytest.mark.parametrize("lag", [0, 1])
def test_pooled_matches_scipy(obs: pd.DataFrame, panel, lag: int) -> None:
    ref = reference_pairs(obs, "a", "b", lag)
    got = correlate(panel, "a", "b", level="pooled", lag=lag)
    expected = stats.pearsonr(ref["x"], ref["y"])
    assert (got.n, got.n_units, got.df) == (len(ref), ref["unit"].nunique(), ref["unit"].nunique() - 1)
    assert got.r == approx(expected.statistic)
    assert got.p == approx(clustered_p(smf.ols("y ~ x", data=ref).fit(), ref, 2))


def test_pooled_spearman_is_clustered_pearson_on_ranks(obs: pd.DataFrame, panel) -> None:
    ref = reference_pairs(obs, "a", "c", 0)
    got = correlate(panel, "a", "c", method="spearman", level="pooled")
    expected = stats.spearmanr(ref["x"], ref["y"])
    assert got.r == approx(expected.statistic)
    ranked = ref.assign(x=stats.rankdata(ref["x"]), y=stats.rankdata(ref["y"]))
    assert got.p == approx(clustered_p(smf.ols("y ~ x", data=ranked).fit(), ranked, 2))


@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_period_matches_scipy_across_units(obs: pd.DataFrame, panel, method: str) -> None:
    ref = reference_pairs(obs, "a", "b", 1)
    ref = ref[ref["month"] == pd.Period("2024-05", freq="M")]
    got = correlate(panel, "a", "b", method=method, level="period", period="2024-05", lag=1)
    expected = (stats.pearsonr if method == "pearson" else stats.spearmanr)(ref["x"], ref["y"])
    assert got.n == got.n_units == len(ref)
    assert got.r == approx(expected.statistic) and got.p == approx(expected.pvalue)


@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_between_correlates_unit_means(obs: pd.DataFrame, panel, method: str) -> None:
    means = reference_pairs(obs, "a", "b", 0).groupby("unit")[["x", "y"]].mean()
    got = correlate(panel, "a", "b", method=method, level="between")
    expected = (stats.pearsonr if method == "pearson" else stats.spearmanr)(means["x"], means["y"])
    assert got.n == got.n_units == len(means) and got.df == len(means) - 2
    assert got.r == approx(expected.statistic) and got.p == approx(expected.pvalue)
    r, n = expected.statistic, len(means)
    se = math.sqrt((1 + r**2 / 2) / (n - 3)) if method == "spearman" else 1 / math.sqrt(n - 3)
    assert (got.ci_low, got.ci_high) == tuple(approx(v) for v in fisher_ci(r, se))


@pytest.mark.parametrize("lag", [0, 1])
def test_within_unscaled_matches_clustered_ols_with_unit_dummies(obs: pd.DataFrame, panel, lag: int) -> None:
    ref = repeated(reference_pairs(obs, "a", "b", lag))
    fit = smf.ols("y ~ x + C(unit)", data=ref).fit()
    rx = smf.ols("x ~ C(unit)", data=ref).fit().resid
    ry = smf.ols("y ~ C(unit)", data=ref).fit().resid
    got = correlate(panel, "a", "b", level="within", lag=lag, scale="none")
    assert (got.n, got.n_units, got.df) == (len(ref), ref["unit"].nunique(), ref["unit"].nunique() - 1)
    assert got.r == approx(float(rx @ ry / math.sqrt((rx @ rx) * (ry @ ry))))
    assert got.p == approx(clustered_p(fit, ref, 1))  # unit dummies nest in the clusters: K = 1


@pytest.mark.parametrize("lag", [0, 2])
def test_twoway_unscaled_matches_clustered_ols_on_unbalanced_panel(obs: pd.DataFrame, panel, lag: int) -> None:
    ref = repeated(reference_pairs(obs, "a", "b", lag)).assign(month=lambda f: f["month"].astype(str))
    fit = smf.ols("y ~ x + C(unit) + C(month)", data=ref).fit()
    rx = smf.ols("x ~ C(unit) + C(month)", data=ref).fit().resid
    ry = smf.ols("y ~ C(unit) + C(month)", data=ref).fit().resid
    got = correlate(panel, "a", "b", level="twoway", lag=lag, scale="none")
    n_months = ref["month"].nunique()
    assert got.r == approx(float(rx @ ry / math.sqrt((rx @ rx) * (ry @ ry))))
    assert got.p == approx(clustered_p(fit, ref, n_months)) and got.df == ref["unit"].nunique() - 1


@pytest.mark.parametrize("level", ["within", "twoway"])
def test_spearman_ranks_within_each_unit_before_removing_effects(obs: pd.DataFrame, panel, level: str) -> None:
    ref = repeated(reference_pairs(obs, "a", "c", 0)).assign(month=lambda f: f["month"].astype(str))
    ranks = ref.groupby("unit")[["x", "y"]].rank(method="average")
    ref = ref.assign(x=ranks["x"], y=ranks["y"])
    effects = " + C(unit)" + (" + C(month)" if level == "twoway" else "")
    fit = smf.ols("y ~ x" + effects, data=ref).fit()
    rx, ry = (smf.ols(f"{v} ~ 1" + effects, data=ref).fit().resid for v in ("x", "y"))
    got = correlate(panel, "a", "c", method="spearman", level=level, scale="none")
    assert got.r == approx(float(rx @ ry / math.sqrt((rx @ rx) * (ry @ ry))))
    k = ref["month"].nunique() if level == "twoway" else 1
    assert got.p == approx(clustered_p(fit, ref, k))


# ---------------------------------------------------------------- hand-built frames with known answers


def test_known_pearson_and_spearman_of_a_single_swap() -> None:
    ys = [2, 1, 3, 4, 5, 6, 7, 8, 9, 10]  # x = 1..10 with 1 and 2 swapped: r = 1 − 6·2/(10·99) = 163/165
    rows = [("A", month_text(i), "x", float(i + 1)) for i in range(10)]
    rows += [("A", month_text(i), "y", float(ys[i])) for i in range(10)]
    p = build_panel(long_frame(rows))
    for method in ("pearson", "spearman"):
        assert correlate(p, "x", "y", method=method, level="period", period=month_text(0)).r is None  # one unit
        assert correlate(p, "x", "y", method=method, level="pooled").r is None  # one cluster: insufficient
    across = [(f"U{i}", "2024-01", m, float(v)) for i in range(10) for m, v in (("x", i + 1), ("y", ys[i]))]
    many = build_panel(long_frame(across))
    for method in ("pearson", "spearman"):
        assert correlate(many, "x", "y", method=method, level="period", period="2024-01").r == approx(163 / 165)


def test_known_within_r_differs_from_pooled() -> None:
    rows = []
    for i, (xa, ya) in enumerate(zip([1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 6, 5], strict=True)):
        for copy in range(5):
            rows += [(f"A{copy}", month_text(i), "x", float(xa)), (f"A{copy}", month_text(i), "y", float(ya))]
            rows += [(f"B{copy}", month_text(i), "x", float(xa + 9)), (f"B{copy}", month_text(i), "y", float(-50 + xa))]
    p = build_panel(long_frame(rows))
    # within sums: an A unit Sxx = Syy = 17.5, Sxy = 16.5; a B unit all 17.5 → r = 34 / 35, scaled or not
    for scale in ("unit", "none"):
        got = correlate(p, "x", "y", level="within", scale=scale)
        assert (got.n, got.n_units, got.r) == (60, 10, approx(34 / 35))
    assert correlate(p, "x", "y", level="pooled").r < 0


def test_perfect_correlation_has_ci_r_r() -> None:
    rows = []
    for u in range(10):
        rows += [(f"U{u}", month_text(i), "x", float(i + u)) for i in range(12)]
        rows += [(f"U{u}", month_text(i), "y", 3.0 * (i + u) + 1) for i in range(12)]
        rows += [(f"U{u}", month_text(i), "z", -2.0 * (i + u)) for i in range(12)]
    p = build_panel(long_frame(rows))
    up = correlate(p, "x", "y", level="pooled")
    assert (up.r, up.p, up.ci_low, up.ci_high) == (1.0, 0.0, 1.0, 1.0)
    down = correlate(p, "x", "z", level="pooled")
    assert (down.r, down.ci_low, down.ci_high) == (-1.0, -1.0, -1.0)


@pytest.mark.parametrize(("n", "insufficient"), [(19, True), (20, False)])
def test_pooled_insufficient_below_8_residual_df(n: int, insufficient: bool) -> None:
    rng = np.random.default_rng(n)
    cells = [(f"U{u}", t) for u in range(10) for t in range(2)][20 - n :]  # N − G − 2: 7, then 8
    rows = [(u, month_text(t), m, float(rng.normal())) for u, t in cells for m in ("x", "y")]
    got = correlate(build_panel(long_frame(rows)), "x", "y", level="pooled")
    assert got.insufficient is insufficient and got.n == n and got.n_units == 10
    assert (got.r is None) is insufficient and (got.p is None) is insufficient
    assert (got.ci_low is None, got.ci_high is None) == (insufficient, insufficient)


@pytest.mark.parametrize(("last", "insufficient"), [(1, True), (2, False)])
def test_within_insufficient_at_exact_boundary(last: int, insufficient: bool) -> None:
    rng = np.random.default_rng(last)
    cells = [(f"U{u}", t) for u in range(9) for t in range(2)] + [("V", t) for t in range(last)]
    rows = [(u, month_text(i), m, float(rng.normal())) for u, i in cells for m in ("x", "y")]
    got = correlate(build_panel(long_frame(rows)), "x", "y", level="within", scale="none")
    assert (got.n, got.n_units) == ((20, 10) if last == 2 else (18, 9))  # a unit with 1 pair is dropped
    assert got.insufficient is insufficient and (got.r is None) is insufficient


def test_clustered_levels_need_ten_units() -> None:
    rng = np.random.default_rng(1)
    rows = [(f"U{u}", month_text(t), m, float(rng.normal())) for u in range(9) for t in range(30) for m in "xy"]
    for level in ("twoway", "within", "pooled"):
        got = correlate(build_panel(long_frame(rows)), "x", "y", level=level)
        assert (got.n_units, got.insufficient, got.r, got.df) == (9, True, None, None)


@pytest.mark.parametrize(("shifted", "insufficient"), [(False, False), (True, True)])
def test_twoway_insufficient_at_exact_boundary(shifted: bool, insufficient: bool) -> None:
    rng = np.random.default_rng(3)
    cells = [(f"U{u}", t + (1 if shifted and u == 0 else 0)) for u in range(10) for t in range(2)]
    rows = [(u, month_text(t), m, float(rng.normal())) for u, t in cells for m in ("x", "y")]
    got = correlate(build_panel(long_frame(rows)), "x", "y", level="twoway", scale="none")
    assert (got.n, got.n_units) == (20, 10)  # N − G − K = 20 − 10 − months: 8 with 2 months, 7 with 3
    assert got.insufficient is insufficient and (got.p is None) is insufficient


@pytest.mark.parametrize("level", ["pooled", "within", "twoway", "between"])
def test_a_metric_without_variation_is_insufficient_in_correlate_and_matrix(level: str) -> None:
    rng = np.random.default_rng(5)
    rows = []
    for u in range(12):
        for t in range(12):
            # 0.1 has no exact binary mean; "flat" is constant everywhere, "stepped" constant within each unit
            rows += [(f"U{u}", month_text(t), "flat", 0.1), (f"U{u}", month_text(t), "stepped", 0.1 * (u + 1) ** 3)]
            rows += [(f"U{u}", month_text(t), "y", float(rng.normal()))]
    p = build_panel(long_frame(rows))
    no_variation = ["flat", "stepped"] if level in ("within", "twoway") else ["flat"]
    scale = "none"  # with scale="unit" a unit without variation is dropped before anything else
    cells = matrix(p, ["flat", "stepped"], ["y"], level=level, scale=scale).set_index("x")
    for x in no_variation:
        single = correlate(p, x, "y", level=level, scale=scale)
        assert single.insufficient and single.r is None and single.n > 0
        assert correlate(p, x, "y", level=level).insufficient
        assert cells.loc[x, "insufficient"] and np.isnan(cells.loc[x, "r"])


def test_options_are_checked(panel) -> None:
    with pytest.raises(ValueError, match="period"):
        correlate(panel, "a", "b", level="period")
    with pytest.raises(ValueError, match="scale"):
        correlate(panel, "a", "b", scale="size")
    with pytest.raises(ValueError, match="level"):
        correlate(panel, "a", "b", level="grand")
    with pytest.raises(ValueError, match="malformed"):
        correlate(panel, "a", "b", from_="2024/01")


def test_bounds_units_and_unknown_metrics(obs: pd.DataFrame, panel) -> None:
    ref = reference_pairs(obs, "a", "b", 1)
    window = ref[(ref["month"] >= pd.Period("2024-03", "M")) & (ref["month"] <= pd.Period("2024-10", "M"))]
    chosen = [f"U{u:02d}" for u in range(1, 12)]
    window = window[window["unit"].isin(chosen)]
    got = correlate(panel, "a", "b", level="pooled", lag=1, from_="2024-03", to="2024-10", units=[*chosen, "ZZ"])
    assert got.n == len(window) and got.r == approx(stats.pearsonr(window["x"], window["y"]).statistic)
    nothing = correlate(panel, "a", "no_such_metric")
    assert (nothing.n, nothing.n_units, nothing.insufficient) == (0, 0, True)


def test_to_dict_has_exactly_the_spec_keys_and_nulls(panel) -> None:
    sufficient = correlate(panel, "a", "b").to_dict()
    assert list(sufficient) == SPEC_KEYS
    assert all(type(sufficient[k]) is int for k in ("lag", "n", "n_units"))
    assert type(sufficient["r"]) is float and sufficient["insufficient"] is False
    empty = correlate(panel, "a", "b", level="period", period="2030-01").to_dict()
    assert empty["r"] is None and empty["p"] is None and empty["insufficient"] is True
    json.dumps(empty, allow_nan=False)
    weird = Correlation("a", "b", "pearson", "pooled", "none", 0, 3, 1, math.nan, math.inf, None, None, None, False)
    weird = weird.to_dict()
    assert weird["r"] is None and weird["p"] is None


# ---------------------------------------------------------------- matrix, lag profile, findings


MATRIX_CASES = [
    {"level": "pooled"},
    {"level": "within"},
    {"level": "between"},
    {"level": "within", "lag": 1, "from_": "2024-02", "to": "2024-12"},
    {"level": "pooled", "lag": 2, "units": ["U00", "U03", "U05", "U07", "U09", "U11", "V02"]},
    {"level": "period", "period": "2024-06", "lag": 1},
    {"level": "twoway", "lag": 1},
    {"method": "spearman", "level": "pooled"},
    {"method": "spearman", "level": "within", "lag": 1},
    {"method": "spearman", "level": "between"},
    {"level": "twoway", "scale": "none", "lag": 2},
    {"level": "within", "scale": "none"},
    {"method": "spearman", "level": "twoway", "lag": 1},
]


@pytest.mark.parametrize("options", MATRIX_CASES, ids=lambda o: "-".join(str(v) for v in o.values()))
def test_matrix_cells_equal_correlate(panel, options: dict) -> None:
    frame = matrix(panel, ["a", "b", "c"], ["b", "c", "missing"], **options)
    columns = ["x", "y", "r", "p", "q", "n", "n_units", "ci_low", "ci_high", "df", "insufficient"]
    assert list(frame.columns) == columns
    assert len(frame) == 9
    for cell in frame.itertuples(index=False):
        single = correlate(panel, cell.x, cell.y, **options)
        assert (cell.n, cell.n_units, cell.insufficient) == (single.n, single.n_units, single.insufficient)
        if single.r is None:
            assert np.isnan(cell.r) and np.isnan(cell.p)
        else:
            assert (cell.r, cell.ci_low, cell.ci_high, cell.df) == tuple(
                approx(v) for v in (single.r, single.ci_low, single.ci_high, single.df)
            )
            assert np.isnan(cell.p) if cell.x == cell.y else cell.p == approx(single.p)


def test_matrix_within_is_exact_for_big_units_with_small_variation() -> None:
    rng = np.random.default_rng(3)
    rows = []
    for u in range(30):
        base = 10.0 ** rng.integers(0, 7)  # 1 … 1,000,000: a 元/万元-scale spread of levels
        for t in range(24):
            for m in ("x", "y"):
                if rng.random() > 0.2:
                    rows.append((f"U{u:02d}", month_text(t), m, base + rng.normal()))
    p = build_panel(long_frame(rows))
    cell = matrix(p, ["x"], ["y"], level="within").iloc[0]
    assert cell.r == approx(correlate(p, "x", "y", level="within").r)


def test_matrix_q_is_benjamini_hochberg_over_cells_with_p(panel) -> None:
    frame = matrix(panel, ["a", "b", "c"], ["a", "b", "c"], level="within")
    diagonal = frame["x"] == frame["y"]
    assert frame.loc[diagonal, "p"].isna().all() and frame.loc[diagonal, "q"].isna().all()
    assert frame.loc[diagonal, "r"].tolist() == [1.0, 1.0, 1.0]
    # a symmetric pair is one test: (a, b), (a, c), (b, c) count, their mirrors share their q
    first = frame[frame["x"] < frame["y"]]
    expected = multipletests(first["p"], method="fdr_bh")[1]
    np.testing.assert_allclose(first["q"], expected, rtol=TOL)
    q = frame.set_index(["x", "y"])["q"]
    assert [q[("b", "a")], q[("c", "a")], q[("c", "b")]] == [q[("a", "b")], q[("a", "c")], q[("b", "c")]]


def test_benjamini_hochberg_skips_missing_p() -> None:
    p = np.array([0.01, np.nan, 0.04, 0.03, 0.5, np.nan, 0.001])
    q = benjamini_hochberg(p)
    assert np.isnan(q[[1, 5]]).all()
    np.testing.assert_allclose(q[~np.isnan(p)], multipletests(p[~np.isnan(p)], method="fdr_bh")[1], rtol=TOL)


def test_matrix_to_dict_is_the_spec_document(panel) -> None:
    document = matrix_to_dict(matrix(panel, ["a"], ["a", "b", "missing"]))
    assert [list(c) for c in document["cells"]] == [["x", "y", "r", "p", "q", "n", "n_units", "insufficient"]] * 3
    assert document["cells"][0]["p"] is None and document["cells"][2]["r"] is None
    assert type(document["cells"][1]["n"]) is int and document["cells"][2]["insufficient"] is True
    json.dumps(document, allow_nan=False)


def test_lag_profile_is_correlate_at_each_lag(panel) -> None:
    assert [c.lag for c in lag_profile(panel, "a", "b")] == list(range(-6, 7))  # y leads … x leads
    profile = lag_profile(panel, "a", "b", lags=range(-2, 4), level="twoway")
    assert [c.lag for c in profile] == [-2, -1, 0, 1, 2, 3]
    for item in profile:
        assert item == correlate(panel, "a", "b", level="twoway", lag=item.lag)


def test_findings_gate_adjusts_over_every_pair_and_lag_and_keeps_one_per_pair(panel) -> None:
    rows, cols, lags = ["a", "c"], ["b", "c"], range(3)
    scan = findings(panel, rows, cols, lags=lags, level="within")
    tested = [correlate(panel, x, y, level="within", lag=k) for k in lags for x in rows for y in cols if x != y]
    with_p = [c for c in tested if c.p is not None]
    assert scan.scanned == len(with_p)
    q = multipletests([c.p for c in with_p], method="fdr_bh")[1]
    passing = [(c, qv) for c, qv in zip(with_p, q, strict=True) if qv < 0.05 and abs(c.r) >= 0.1]
    best: dict[tuple[str, str], tuple[Correlation, float]] = {}
    for c, qv in sorted(passing, key=lambda item: (item[1], -abs(item[0].r))):
        best.setdefault((c.x, c.y), (c, qv))
    assert {(f.x, f.y, f.lag) for f in scan.findings} == {(c.x, c.y, c.lag) for c, _ in best.values()}
    for finding in scan.findings:
        single, qv = best[(finding.x, finding.y)]
        assert finding.q == approx(qv) and finding.r == approx(single.r) and finding.n == single.n
        assert (finding.ci_low, finding.ci_high) == (approx(single.ci_low), approx(single.ci_high))
    ab = next(f for f in scan.findings if (f.x, f.y) == ("a", "b"))
    assert ab.lag == 1 and ab.direction == "leads"  # the planted lag-1 link; b does not lead a
    back = correlate(panel, "a", "b", level="within", lag=-1)
    assert back.p >= 0.05 or abs(back.r) < abs(ab.r) / 2


def test_findings_refuse_pooled_and_between(panel) -> None:
    for level in ("pooled", "between", "period"):
        with pytest.raises(ValueError, match="twoway or within"):
            findings(panel, ["a"], ["b"], level=level)


def test_describe_finding_in_chinese_and_english() -> None:
    finding = Finding("pioneer", "quality", 2, 0.41, 0.3, 0.5, 1e-5, 0.0004, 1020, 40, "leads")
    zh = {"pioneer": "党员先锋岗数", "quality": "产品质量合格率"}
    en = {"pioneer": "party pioneer posts", "quality": "product pass rate"}
    assert describe_finding(finding, zh) == (
        "扣除各单位自身水平和全集团各月共同波动（如春节）后，各单位同等权重，党员先锋岗数与两个月后的产品质量合格率"
        "同向变化（正相关）：r = 0.41（95% 置信区间 0.30～0.50），q < 0.001，基于 40 个单位的 1,020 组月度数据。"
        "反向检验（产品质量合格率在前）不显著，党员先锋岗数的变化在前。" + causation_note("zh")
    )
    assert describe_finding(finding, en, "en") == (
        "After removing each unit's own level and the group-wide swings of each month (such as the Spring Festival), "
        "each unit weighted equally, party pioneer posts moves together with product pass rate two months later: "
        "r = 0.41 (95% CI 0.30 to 0.50), q < 0.001, from 1,020 unit-months in 40 units. The reverse check "
        "(product pass rate first) is not significant: party pioneer posts moves first. " + causation_note("en")
    )


def test_describe_negative_finding_notes_lower_is_better() -> None:
    finding = Finding("study", "accidents", 0, -0.2345, -0.4, -0.1, 0.001, 0.0123, 512, 30, "same_month", "within")
    zh = describe_finding(finding, {"study": "学习次数", "accidents": "安全事故数"}, directions={"accidents": -1})
    assert zh.startswith("扣除各单位自身水平后，各单位同等权重，学习次数与同月的安全事故数（越低越好）反向变化")
    assert "r = -0.23（95% 置信区间 -0.40～-0.10），q = 0.012，基于 30 个单位的 512 组月度数据" in zh
    en = describe_finding(finding, {}, "en", directions={"accidents": -1})
    assert "study moves opposite to accidents (lower is better) in the same month" in en
    assert "They move in the same month: no order can be read." in en
    assert "因果" in causation_note("zh") and "causation" in causation_note("en")


@pytest.mark.parametrize("level", ["twoway", "within", "pooled", "between"])
def test_an_empty_grid_is_an_empty_frame(panel, level: str) -> None:
    for rows, cols in (([], ["a", "b"]), (["a", "b"], [])):
        frame = matrix(panel, rows, cols, level=level)
        assert frame.empty and "q" in frame.columns
    assert findings(panel, [], ["a"]).scanned == 0
