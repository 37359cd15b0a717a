"""Integration index (融合度): published examples and a SPEC example computed by hand.

The reference numbers below are computed with plain Python written out from SPEC §5, never
with the module's helpers.
"""

import json
import math

import numpy as np
import pandas as pd
import pytest

from analytics.stats.ahp import InconsistentJudgementError, PairwiseJudgement
from analytics.stats.integration import (
    IntegrationError,
    IntegrationSettings,
    compute_integration,
    coordination_level,
    coupling_coordination,
    entropy_weights,
    lagging,
    minmax_normalise,
    missing_metrics,
    obstacle_degree,
    parse_basis,
)

SPEC_LEVELS_ZH = "极度失调 严重失调 中度失调 轻度失调 濒临失调 勉强协调 初级协调 中级协调 良好协调 优质协调"
SPEC_LEVELS_EN = [
    "extreme imbalance", "severe imbalance", "moderate imbalance", "mild imbalance",
    "verge of imbalance", "barely coordinated", "primary coordination",
    "intermediate coordination", "good coordination", "high-quality coordination",
]  # fmt: skip


def legacy(**changes) -> IntegrationSettings:
    """The pre-issue-11 choices (view basis, raw sizes, entropy, rescaled missing, any number of units): the
    hand-computed entropy frames below check the shared arithmetic under them."""
    base = {"basis": "view", "size": "raw", "weighting": "entropy", "missing": "rescale", "min_units": 1}
    return IntegrationSettings(**(base | changes))


LEGACY = legacy()

# ---------------------------------------------------------------- published checks

# zhjx19/mathmodels, coupling_degree() worked example: six rows, three subsystems
U3 = np.array(
    [
        (0.0162, 0.2720, 0.2655),
        (0.1782, 0.6824, 0.3721),
        (0.5490, 0.0593, 0.5729),
        (0.6730, 0.4812, 0.9082),
        (0.0207, 0.8891, 0.2017),
        (0.9875, 0.5573, 0.8984),
    ]
)


def test_standard_coupling_of_three_systems_matches_published_example():
    out = coupling_coordination(U3)
    assert np.round(out["C"], 3).tolist() == [0.571, 0.867, 0.674, 0.967, 0.418, 0.971]
    assert np.round(out["D"], 3).tolist() == [0.325, 0.597, 0.515, 0.815, 0.393, 0.889]


def test_corrected_coupling_of_three_systems_matches_published_example():
    out = coupling_coordination(U3, np.array([0.4, 0.3, 0.3]), model="corrected")
    assert np.round(out["C"], 3).tolist() == [0.447, 0.501, 0.455, 0.669, 0.175, 0.715]
    assert np.round(out["D"], 3).tolist() == [0.274, 0.440, 0.432, 0.678, 0.242, 0.771]
    assert out["T"].to_numpy() == pytest.approx(U3 @ [0.4, 0.3, 0.3], abs=1e-15)


def test_entropy_weights_match_published_example_with_its_bounds():
    # zhjx19/mathmodels entropy_weight(): x1 higher-is-better, x2 lower-is-better, [0.002, 0.996]
    x = np.array([[3, 10], [5, 20], [2, 15], [7, 25]], dtype=float)
    normalised = minmax_normalise(x, np.array([1, -1]), bounds=(0.002, 0.996))
    assert entropy_weights(normalised) == pytest.approx([0.54526186, 0.45473814], abs=1e-7)


def test_two_system_standard_coupling_is_specs_formula():
    u = np.array([[0.2, 0.8], [0.5, 0.5], [0.0, 0.0], [np.nan, 0.4]])
    c = coupling_coordination(u)["C"].to_numpy()
    assert c[:3] == pytest.approx([2 * math.sqrt(0.16) / 1.0, 1.0, 0.0], abs=1e-15)
    assert np.isnan(c[3])


# ---------------------------------------------------------------- the hand-computed frame

CATALOG = pd.DataFrame(
    {
        "code": ["p1", "p2", "b1", "b2"],
        "category": ["party", "party", "production", "efficiency"],
        "dimension": ["组织建设", "党风廉政", "经营规模", "效益效率"],
        "direction": [1, -1, 1, 1],
    }
)
DIRECTION = {"p1": 1, "p2": -1, "b1": 1, "b2": 1}
PARTY, BUSINESS = ("p1", "p2"), ("b1", "b2")
PARENT = {"A": "G", "B": None, "G": None}  # G is A's parent
RAW = {
    ("A", "2025-01"): {"p1": 10, "p2": 2, "b1": 100, "b2": 5},
    ("B", "2025-01"): {"p1": 6, "p2": 0, "b1": 80, "b2": 7},
    ("B", "2025-02"): {"p1": 8, "b1": 120, "b2": 4},  # p2 missing
    ("G", "2025-01"): {"p1": 16, "p2": 2, "b1": 500, "b2": 6},  # A reports: not scored
    ("G", "2025-02"): {"p1": 20, "p2": 3, "b1": 300, "b2": 6},  # A silent: scored
}
SCORED = {key: v for key, v in RAW.items() if key != ("G", "2025-01")}


def long_frame(raw: dict) -> pd.DataFrame:
    records = [(u, p, m, float(v)) for (u, p), values in raw.items() for m, v in values.items()]
    return pd.DataFrame(records, columns=["unit", "period", "metric", "value"])


def spec_x(value, basis_values, direction):
    low, high = min(basis_values), max(basis_values)
    if high == low:
        return 1.0
    value = min(max(value, low), high)
    gap = (value - low) if direction == 1 else (high - value)
    return 0.0001 + 0.9999 * gap / (high - low)


def spec_entropy_weights(columns):
    d = {}
    for metric, xs in columns.items():
        if len(xs) < 2:  # no information
            d[metric] = 0.0
            continue
        total = sum(xs)
        e = -sum(x / total * math.log(x / total) for x in xs) / math.log(len(xs))
        d[metric] = 1 - e
    total_d = sum(d.values())
    return {m: (v / total_d if total_d > 0 else 1 / len(d)) for m, v in d.items()}


def spec_weights(basis):
    values = {m: [row[m] for row in basis.values() if m in row] for m in DIRECTION}
    xs = {m: [spec_x(v, values[m], DIRECTION[m]) for v in values[m]] for m in DIRECTION}
    party = spec_entropy_weights({m: xs[m] for m in PARTY})
    return {**party, **spec_entropy_weights({m: xs[m] for m in BUSINESS})}, values


def spec_row(key, row, w, basis_values, alpha=0.5):
    x = {m: spec_x(v, basis_values[m], DIRECTION[m]) for m, v in row.items()}
    u1 = sum(w[m] * x[m] for m in PARTY if m in x) / sum(w[m] for m in PARTY if m in x)
    u2 = sum(w[m] * x[m] for m in BUSINESS if m in x) / sum(w[m] for m in BUSINESS if m in x)
    c = 2 * math.sqrt(u1 * u2) / (u1 + u2)
    t = alpha * u1 + (1 - alpha) * u2
    d = math.sqrt(c * t)
    index = min(math.floor(10 * d), 9)
    lag = "party" if u2 - u1 > 0.1 else "business" if u1 - u2 > 0.1 else "balanced"
    return {
        "unit": key[0], "period": key[1], "u_party": u1, "u_business": u2, "C": c, "T": t,
        "D": d, "level": SPEC_LEVELS_ZH.split()[index], "level_en": SPEC_LEVELS_EN[index],
        "level_index": index, "lagging": lag, "complete": len(row) == 4,
    }  # fmt: skip


def assert_rows(result, expected):
    got = result.rows.to_dict("records")
    assert [(r["unit"], r["period"]) for r in got] == [(e["unit"], e["period"]) for e in expected]
    for row, want in zip(got, expected, strict=True):
        for column, value in want.items():
            assert row[column] == (pytest.approx(value, rel=1e-12) if isinstance(value, float) else value), column


def test_spec_default_example_by_hand():
    result = compute_integration(long_frame(RAW), CATALOG, PARENT, settings=LEGACY)
    w, basis_values = spec_weights(SCORED)
    assert_rows(result, [spec_row(k, SCORED[k], w, basis_values) for k in sorted(SCORED)])
    assert result.weights == pytest.approx(w, rel=1e-12)
    assert result.basis == "view" and result.basis_rows == 4
    # spot checks written out: p1 over {10, 6, 8, 20}; p2 (lower is better) over {2, 0, 3}
    deviation = obstacle_degree(result, units=["A"]).set_index("metric")["deviation"]
    assert 1 - deviation["p1"] == pytest.approx(0.0001 + 0.9999 * (10 - 6) / (20 - 6), rel=1e-12)
    assert 1 - deviation["p2"] == pytest.approx(0.0001 + 0.9999 * (3 - 2) / (3 - 0), rel=1e-12)


def test_spec_example_rows_have_expected_levels_and_lagging():
    rows = compute_integration(long_frame(RAW), CATALOG, PARENT, settings=LEGACY).rows.set_index(["unit", "period"])
    assert rows["complete"].tolist() == [True, True, False, True]
    assert rows["lagging"].tolist() == ["business", "business", "balanced", "party"]
    assert rows["level_index"].tolist() == [4, 6, 3, 8]


def test_frozen_window_clips_scored_values_to_its_bounds():
    feb = {k: v for k, v in RAW.items() if k[1] == "2025-02"}
    settings = legacy(basis="2025-01..2025-01")
    result = compute_integration(long_frame(feb), CATALOG, PARENT, settings=settings, basis_obs=long_frame(RAW))
    jan_basis = {k: v for k, v in SCORED.items() if k[1] == "2025-01"}  # G-01 dropped: A reports
    w, basis_values = spec_weights(jan_basis)
    assert basis_values["b1"] == [100, 80]
    assert_rows(result, [spec_row(k, feb[k], w, basis_values) for k in sorted(feb)])
    deviation = obstacle_degree(result).set_index(["unit", "metric"])["deviation"]
    assert 1 - deviation["B", "b1"] == 1.0  # 120 clipped to the window's max 100
    assert 1 - deviation["B", "b2"] == pytest.approx(0.0001)  # 4 clipped to the min 5
    assert 1 - deviation["G", "p2"] == pytest.approx(0.0001)  # 3 (lower is better) clipped to 2


def test_window_without_basis_obs_uses_the_scored_rows():
    settings = legacy(basis="2025-02..2025-02")
    result = compute_integration(long_frame(RAW), CATALOG, PARENT, settings=settings)
    feb = {k: v for k, v in SCORED.items() if k[1] == "2025-02"}
    w, basis_values = spec_weights(feb)
    assert_rows(result, [spec_row(k, SCORED[k], w, basis_values) for k in sorted(SCORED)])


def test_basis_all_scores_a_view_against_every_row():
    feb = {k: v for k, v in RAW.items() if k[1] == "2025-02"}
    settings = legacy(basis="all")
    result = compute_integration(long_frame(feb), CATALOG, PARENT, settings=settings, basis_obs=long_frame(RAW))
    w, basis_values = spec_weights(SCORED)
    assert_rows(result, [spec_row(k, feb[k], w, basis_values) for k in sorted(feb)])
    alone = compute_integration(long_frame(feb), CATALOG, PARENT, settings=settings)  # no basis_obs: the scored rows
    pd.testing.assert_frame_equal(
        alone.rows, compute_integration(long_frame(feb), CATALOG, PARENT, settings=LEGACY).rows
    )


def test_alpha_and_corrected_model():
    settings = legacy(alpha=0.7, model="corrected")
    rows = compute_integration(long_frame(RAW), CATALOG, PARENT, settings=settings).rows
    u1, u2 = rows["u_party"].to_numpy(), rows["u_business"].to_numpy()
    c = np.sqrt((1 - np.abs(u1 - u2)) * np.minimum(u1, u2) / np.maximum(u1, u2))
    t = 0.7 * u1 + 0.3 * u2
    assert rows["C"].to_numpy() == pytest.approx(c, rel=1e-12)
    assert rows["T"].to_numpy() == pytest.approx(t, rel=1e-12)
    assert rows["D"].to_numpy() == pytest.approx(np.sqrt(c * t), rel=1e-12)


def test_fixed_weights_are_rescaled_per_subsystem_and_over_present_metrics():
    settings = legacy(weights={"p1": 3, "p2": 1, "b1": 1, "b2": 1})
    result = compute_integration(long_frame(RAW), CATALOG, PARENT, settings=settings)
    assert result.weights == {"p1": 0.75, "p2": 0.25, "b1": 0.5, "b2": 0.5}
    b_feb = result.rows.set_index(["unit", "period"]).loc[("B", "2025-02")]
    assert b_feb["u_party"] == pytest.approx(spec_x(8, [10, 6, 8, 20], 1), rel=1e-12)  # p1 alone
    with pytest.raises(IntegrationError):
        compute_integration(long_frame(RAW), CATALOG, settings=legacy(weights={"zz": 1}))


def test_ahp_weights_dimensions_and_entropy_within_them():
    party = PairwiseJudgement(("组织建设", "党风廉政"), np.array([[1, 3], [1 / 3, 1]]))
    result = compute_integration(long_frame(RAW), CATALOG, PARENT, settings=legacy(ahp={"party": party}))
    w, _ = spec_weights(SCORED)
    assert result.weights["p1"] == pytest.approx(0.75) and result.weights["p2"] == pytest.approx(0.25)
    assert result.weights["b1"] == pytest.approx(w["b1"], rel=1e-12)  # business stays entropy
    assert result.consistency["party"].cr == 0.0
    # both party metrics in one dimension: within-dimension entropy, the empty dimension dropped
    same_dim = CATALOG.assign(dimension=["组织建设", "组织建设", "经营规模", "效益效率"])
    judgement = PairwiseJudgement(("组织建设", "政治引领"), np.array([[1, 2], [1 / 2, 1]]))
    result = compute_integration(long_frame(RAW), same_dim, PARENT, settings=legacy(ahp={"party": judgement}))
    assert [result.weights[m] for m in PARTY] == pytest.approx([w["p1"], w["p2"]], rel=1e-12)


def test_ahp_refuses_inconsistent_or_incomplete_judgements():
    three = CATALOG.assign(dimension=["政治引领", "组织建设", "经营规模", "效益效率"])
    cyclic = np.array([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
    bad = PairwiseJudgement(("政治引领", "组织建设", "党风廉政"), cyclic)
    with pytest.raises(InconsistentJudgementError):
        compute_integration(long_frame(RAW), three, settings=legacy(ahp={"party": bad}))
    partial = PairwiseJudgement(("政治引领", "党风廉政"), np.array([[1, 2], [1 / 2, 1]]))
    with pytest.raises(IntegrationError, match="组织建设"):
        compute_integration(long_frame(RAW), three, settings=legacy(ahp={"party": partial}))


def test_pipeline_bounds_parameter_reproduces_published_entropy_weights():
    units = "ABCD"
    raw = {
        (u, "2025-01"): {"p1": a, "p2": b, "b1": 1}
        for u, a, b in zip(units, (3, 5, 2, 7), (10, 20, 15, 25), strict=True)
    }
    result = compute_integration(long_frame(raw), CATALOG, settings=legacy(bounds=(0.002, 0.996)))
    assert [result.weights["p1"], result.weights["p2"]] == pytest.approx([0.54526186, 0.45473814], abs=1e-7)
    assert result.weights["b1"] == 1.0 and "b2" not in result.weights  # b2 has no data


def test_single_row_gets_equal_weights_and_top_scores():
    raw = {("B", "2025-01"): RAW[("B", "2025-01")]}
    result = compute_integration(long_frame(raw), CATALOG, settings=LEGACY)
    assert result.weights == {"p1": 0.5, "p2": 0.5, "b1": 0.5, "b2": 0.5}
    row = result.rows.iloc[0]
    assert (row["u_party"], row["u_business"], row["D"], row["level_index"]) == (1.0, 1.0, 1.0, 9)


def test_grandchildren_reporting_drop_every_ancestor_row():
    raw = {(u, "2025-01"): {"p1": v, "b1": v} for u, v in (("G", 1), ("S", 2), ("X", 3), ("Y", 4))}
    parent = {"X": "S", "S": "G", "G": None, "Y": None}
    rows = compute_integration(long_frame(raw), CATALOG, parent, settings=LEGACY).rows
    assert rows["unit"].tolist() == ["X", "Y"]
    with pytest.raises(IntegrationError, match="cycle"):
        compute_integration(long_frame(raw), CATALOG, {"X": "S", "S": "X"}, settings=LEGACY)


def test_json_document_is_specs_shape_with_nulls():
    raw = {**RAW, ("C", "2025-01"): {"p1": 7}, ("C", "2025-02"): {"zz": 1.0}}  # no business; unknown metric
    document = json.loads(compute_integration(long_frame(raw), CATALOG, PARENT, settings=LEGACY).to_json())
    assert list(document) == ["basis", "size", "weights_method", "missing", "rows", "weights"]
    assert [document[k] for k in ("basis", "size", "weights_method", "missing")] == [
        "view",
        "raw",
        "entropy",
        "rescale",
    ]
    assert list(document["weights"]) == ["p1", "p2", "b1", "b2"]
    c_row = next(r for r in document["rows"] if r["unit"] == "C")
    assert list(c_row) == [
        "unit", "period", "u_party", "u_business", "C", "T", "D",
        "level", "level_en", "level_index", "lagging", "complete",
    ]  # fmt: skip
    assert c_row["u_party"] is not None
    assert [c_row[k] for k in ("u_business", "C", "T", "D", "level", "level_index", "lagging")] == [None] * 7
    assert c_row["complete"] is False
    assert [r["period"] for r in document["rows"] if r["unit"] == "C"] == ["2025-01"]
    assert isinstance(document["rows"][0]["level_index"], int)


def test_categorical_and_string_columns_give_identical_results():
    frame = long_frame(RAW)
    categorical = frame.assign(
        unit=pd.Categorical(frame["unit"], categories=["G", "B", "A", "Q"]),
        period=frame["period"].astype("category"),
        metric=pd.Categorical(frame["metric"], categories=["b2", "zz", "p1", "b1", "p2"]),
    )
    expected = compute_integration(frame, CATALOG, PARENT, settings=LEGACY).rows
    pd.testing.assert_frame_equal(compute_integration(categorical, CATALOG, PARENT, settings=LEGACY).rows, expected)


def test_levels_boundaries_and_names():
    assert coordination_level(np.array([0, 0.0999, 0.1, 0.3, math.sqrt(0.09), 0.95, 1.0])).tolist() == [
        0,
        0,
        1,
        3,
        3,
        9,
        9,
    ]
    assert coordination_level(np.nan).tolist() == [-1]


def test_lagging_threshold():
    out = lagging(np.array([0.3, 0.5, 0.5, 0.5, np.nan]), np.array([0.5, 0.3, 0.55, 0.45, 0.2]))
    assert out.tolist() == ["party", "business", "balanced", "balanced", None]


@pytest.mark.parametrize("text", ["2025-1..2025-02", "2025-03..2025-01", "2025-13..2025-14", "everything"])
def test_malformed_basis_is_refused(text):
    with pytest.raises(IntegrationError):
        parse_basis(text)


def test_obstacle_degrees_decompose_the_shortfall():
    result = compute_integration(long_frame(RAW), CATALOG, PARENT, settings=LEGACY)
    tidy = obstacle_degree(result)
    per_row = tidy.groupby(["unit", "period"])[["contribution", "obstacle"]].sum()
    shortfall = 1 - result.rows.set_index(["unit", "period"])["T"]
    assert per_row["contribution"].to_numpy() == pytest.approx(shortfall.to_numpy(), rel=1e-12)
    assert per_row["obstacle"].to_numpy() == pytest.approx(np.ones(4), rel=1e-12)
    # B in February lacks p2: p1 carries the whole party half of T
    w, basis_values = spec_weights(SCORED)
    b_feb = tidy[(tidy["unit"] == "B") & (tidy["period"] == "2025-02")].set_index("metric")
    assert b_feb["weight"].to_dict() == pytest.approx({"p1": 0.5, "b1": 0.5 * w["b1"], "b2": 0.5 * w["b2"]}, rel=1e-12)
    x_p1 = spec_x(8, basis_values["p1"], 1)
    assert b_feb.loc["p1", "contribution"] == pytest.approx(0.5 * (1 - x_p1), rel=1e-12)
    assert tidy.groupby(["unit", "period"])["obstacle"].apply(lambda s: s.is_monotonic_decreasing).all()


# ---------------------------------------------------------------- issue 11: size, equal weights, missing, few units

SIZE_CATALOG = pd.DataFrame(
    {
        "code": ["meetings", "rate", "revenue", "margin"],
        "category": ["party", "party", "production", "efficiency"],
        "dimension": ["组织建设", "组织建设", "经营规模", "效益效率"],
        "direction": [1, 1, 1, 1],
        "unit": ["次", "%", "万元", "万元/人"],  # no rollup column: sum, mean, sum, mean by SPEC §4's default
    }
)
HEADS = {"U1": 80.0, "U2": 150.0, "U3": 400.0, "U4": 900.0, "U5": 2000.0, "U6": 3000.0}
SIX = {
    ("U1", "2025-01"): {"meetings": 4, "rate": 90, "revenue": 300, "margin": 5.0},
    ("U2", "2025-01"): {"meetings": 7, "rate": 80, "revenue": 800, "margin": 6.5},
    ("U3", "2025-01"): {"meetings": 6, "rate": 95, "revenue": 1500, "margin": 4.0},
    ("U4", "2025-01"): {"meetings": 12, "rate": 70, "revenue": 5200, "margin": 7.0},
    ("U5", "2025-01"): {"meetings": 10, "rate": 85, "revenue": 9000, "margin": 5.5},
    ("U6", "2025-01"): {"meetings": 20, "rate": 99, "revenue": 16000, "margin": 6.0},
}
VIEW = {"basis": "view", "min_units": 5}


def by_unit(result) -> pd.DataFrame:
    return result.rows.set_index("unit")


def scaled(values: dict[str, float]) -> dict[str, float]:
    low, high = min(values.values()), max(values.values())
    return {k: 0.0001 + 0.9999 * (v - low) / (high - low) for k, v in values.items()}


def residuals(metric: str, units) -> dict[str, float]:
    """asinh(x) minus the np.polyfit line on ln(headcount), over ``units``."""
    x = np.array([SIX[(u, "2025-01")][metric] for u in units], dtype=float)
    log_h = np.log([HEADS[u] for u in units])
    slope, intercept = np.polyfit(log_h, np.arcsinh(x), 1)
    return dict(zip(units, np.arcsinh(x) - (intercept + slope * log_h), strict=True))


def test_defaults_are_specs():
    s = IntegrationSettings()
    assert (s.basis, s.size, s.weighting, s.missing, s.min_units) == ("all", "adjusted", "equal", "worst", 5)
    assert s.weights_method == "equal"
    assert IntegrationSettings(weights={"p1": 1}).weights_method == "fixed"
    with pytest.raises(IntegrationError):
        IntegrationSettings(size="per_head")
    with pytest.raises(IntegrationError):
        IntegrationSettings(missing="ignore")


@pytest.mark.parametrize("size", ["adjusted", "per100", "raw"])
def test_sum_metrics_are_compared_by_size_and_rates_are_not(size):
    result = compute_integration(
        long_frame(SIX), SIZE_CATALOG, settings=IntegrationSettings(size=size, **VIEW), headcount=HEADS
    )
    units = sorted(HEADS)
    if size == "adjusted":
        meetings, revenue = residuals("meetings", units), residuals("revenue", units)
    else:
        per = {u: (HEADS[u] / 100 if size == "per100" else 1.0) for u in units}
        meetings = {u: SIX[(u, "2025-01")]["meetings"] / per[u] for u in units}
        revenue = {u: SIX[(u, "2025-01")]["revenue"] / per[u] for u in units}
    rate = scaled({u: SIX[(u, "2025-01")]["rate"] for u in units})
    margin = scaled({u: SIX[(u, "2025-01")]["margin"] for u in units})
    meetings, revenue = scaled(meetings), scaled(revenue)
    rows = by_unit(result)
    assert rows["u_party"].to_dict() == pytest.approx({u: (meetings[u] + rate[u]) / 2 for u in units}, rel=1e-12)
    assert rows["u_business"].to_dict() == pytest.approx({u: (revenue[u] + margin[u]) / 2 for u in units}, rel=1e-12)
    assert result.weights == {"meetings": 0.5, "rate": 0.5, "revenue": 0.5, "margin": 0.5}
    assert rows["complete"].all()


def test_adjusted_fit_matches_numpy_lstsq_and_ignores_units_without_headcount():
    heads = {u: h for u, h in HEADS.items() if u != "U6"}
    result = compute_integration(long_frame(SIX), SIZE_CATALOG, settings=IntegrationSettings(**VIEW), headcount=heads)
    fitted = sorted(heads)
    x = np.array([SIX[(u, "2025-01")]["revenue"] for u in fitted], dtype=float)
    design = np.column_stack([np.ones(len(fitted)), np.log([heads[u] for u in fitted])])
    coef, *_ = np.linalg.lstsq(design, np.arcsinh(x), rcond=None)
    revenue = scaled(dict(zip(fitted, np.arcsinh(x) - design @ coef, strict=True)))
    margin = scaled({u: SIX[(u, "2025-01")]["margin"] for u in sorted(HEADS)})
    rows = by_unit(result)
    for u in fitted:
        assert rows.loc[u, "u_business"] == pytest.approx((revenue[u] + margin[u]) / 2, rel=1e-12)
    # U6 has no headcount: not scored on its counts and amounts, which sit at the floor; incomplete
    assert rows.loc["U6", "u_business"] == pytest.approx((0.0001 + margin["U6"]) / 2, rel=1e-12)
    assert rows["complete"].to_dict() == {u: u != "U6" for u in sorted(HEADS)}
    missing = missing_metrics(result)
    assert missing.to_dict("records") == [
        {"unit": "U6", "period": "2025-01", "metrics": (), "no_headcount": True}
    ]  # it reports everything; the headcount is what is missing


def test_worst_scores_a_missing_metric_at_the_floor_and_rescale_reweights():
    six = {k: dict(v) for k, v in SIX.items()}
    del six[("U2", "2025-01")]["rate"]  # U2 leaves out a party metric
    six[("U3", "2025-01")] = {"revenue": 1500, "margin": 4.0}  # U3 reports no party metric at all
    frame, raw = long_frame(six), {"size": "raw", **VIEW}
    worst = by_unit(compute_integration(frame, SIZE_CATALOG, settings=IntegrationSettings(**raw)))
    rescale = by_unit(compute_integration(frame, SIZE_CATALOG, settings=IntegrationSettings(missing="rescale", **raw)))
    meetings = scaled({u: six[(u, "2025-01")]["meetings"] for u in HEADS if u != "U3"})
    rate = scaled({u: six[(u, "2025-01")]["rate"] for u in HEADS if u not in ("U2", "U3")})
    assert worst.loc["U2", "u_party"] == pytest.approx((meetings["U2"] + 0.0001) / 2, rel=1e-12)
    assert rescale.loc["U2", "u_party"] == pytest.approx(meetings["U2"], rel=1e-12)
    assert worst.loc["U1", "u_party"] == pytest.approx((meetings["U1"] + rate["U1"]) / 2, rel=1e-12)
    for rows in (worst, rescale):
        assert np.isnan(rows.loc["U3", "u_party"]) and np.isnan(rows.loc["U3", "D"])  # no metric: no score
        assert rows["complete"].to_dict() == {u: u not in ("U2", "U3") for u in sorted(HEADS)}
    # not reporting never helps under worst: U2's D is below what reporting its floor-most rate would give
    assert worst.loc["U2", "D"] < rescale.loc["U2", "D"]


def test_fewer_than_five_units_give_no_scores():
    four = {k: v for k, v in SIX.items() if k[0] in ("U1", "U2", "U3", "U4")}
    result = compute_integration(long_frame(four), SIZE_CATALOG, headcount=HEADS)
    assert result.insufficient and result.basis_units == 4
    assert result.rows[["u_party", "u_business", "C", "T", "D", "level_index"]].isna().all().all()
    document = json.loads(result.to_json())
    assert {r["D"] for r in document["rows"]} == {None}
    five = {k: v for k, v in SIX.items() if k[0] != "U6"}
    result = compute_integration(long_frame(five), SIZE_CATALOG, headcount=HEADS)
    assert not result.insufficient and result.rows["D"].notna().all()


def test_basis_counts_units_not_unit_months():
    months = {(u, p): SIX[(u, "2025-01")] for u in ("U1", "U2", "U3", "U4") for p in ("2025-01", "2025-02")}
    assert compute_integration(long_frame(months), SIZE_CATALOG, headcount=HEADS).insufficient


def test_default_json_states_the_choices():
    result = compute_integration(long_frame(SIX), SIZE_CATALOG, headcount=HEADS)
    document = json.loads(result.to_json())
    assert list(document) == ["basis", "size", "weights_method", "missing", "rows", "weights"]
    assert [document[k] for k in ("basis", "size", "weights_method", "missing")] == [
        "all", "adjusted", "equal", "worst",
    ]  # fmt: skip
    assert all(r["complete"] is True for r in document["rows"])


def test_rollup_column_overrides_the_unit_default():
    catalog = SIZE_CATALOG.assign(rollup=["mean", "mean", "mean", "mean"])  # nothing sized
    result = compute_integration(long_frame(SIX), catalog, settings=IntegrationSettings(**VIEW))  # no headcounts
    assert result.rows["complete"].all()
    raw = compute_integration(long_frame(SIX), catalog, settings=IntegrationSettings(size="raw", **VIEW))
    pd.testing.assert_frame_equal(result.rows, raw.rows)
