"""analytics.stats.unit_profile on hand-built frames (exact values), and the Unit profile page through AppTest."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics.i18n import numbers as nf
from analytics.i18n import t as text
from analytics.model.catalog import Catalog, Metric
from analytics.model.panel import build_panel
from analytics.model.units import Unit
from analytics.stats.integration import IntegrationSettings
from analytics.stats.unit_profile import (
    default_metrics,
    dimensions,
    integration_history,
    members,
    metric_history,
    own_lag_profile,
    ranking,
    reported_metrics,
    reporting,
    reporting_units,
    score_view,
    subsidiary,
    unit_labels,
    weight_table,
)
from analytics.store.connection import connect
from analytics.store.metrics import load_catalog
from analytics.store.observations import analysis_frame
from tests.fixtures import PAGE_HEADS, PAGE_UNITS, UNITS, X24, Y24, fill_profile, hand_lag1, hand_test, tables
from tests.integration_reference import spec_rows

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 60
PARENTS = {u["code"]: u["parent_code"] for u in UNITS}  # G → S1 → B11, B12; G → S2 → B21, B22


def long(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unit", "period", "metric", "value"])


# ---------------------------------------------------------------- the unit tree and the peers


def test_subsidiary_and_members_follow_the_tree():
    assert [subsidiary(PARENTS, u) for u in ("B11", "B22", "S1", "G")] == ["S1", "S2", "S1", "G"]
    assert members(PARENTS, "S1") == {"S1", "B11", "B12"}
    assert members(PARENTS, "G") == set(PARENTS)


def test_a_parent_value_is_dropped_only_where_a_child_reports_the_same_month_and_metric():
    obs = long([("S1", "2025-01", "m", 40.0), ("B11", "2025-01", "m", 10.0), ("S1", "2025-02", "m", 7.0)])
    obs = pd.concat([obs, long([("S1", "2025-01", "k", 1.0)])], ignore_index=True)
    kept = reporting(obs, PARENTS)
    assert sorted(map(tuple, kept[["unit", "period", "metric"]].to_numpy())) == [
        ("B11", "2025-01", "m"),
        ("S1", "2025-01", "k"),  # no child reports k
        ("S1", "2025-02", "m"),  # no child reports in February
    ]


def test_metric_history_sets_the_unit_beside_subsidiary_and_group_medians():
    obs = long(
        [
            ("B11", "2025-01", "rev", 10.0), ("B12", "2025-01", "rev", 30.0), ("B21", "2025-01", "rev", 50.0),
            ("B22", "2025-01", "rev", 70.0), ("S1", "2025-01", "rev", 40.0),  # S1's roll-up: not a peer
            ("B11", "2025-02", "rev", 12.0), ("B21", "2025-02", "rev", 20.0), ("B22", "2025-02", "rev", 100.0),
            ("S1", "2025-03", "rev", 9.0),  # S1 alone: it is the subsidiary's only reporter
            ("B12", "2025-01", "tm", 90.0), ("B11", "2024-12", "rev", 1.0),  # other metric; outside the months
        ]
    )  # fmt: skip
    got = metric_history(obs, PARENTS, "B11", ["rev"], start="2025-01", end="2025-03")
    assert got.to_dict("records") == [
        {"metric": "rev", "period": "2025-01", "series": "unit", "value": 10.0, "n": 1},
        {"metric": "rev", "period": "2025-02", "series": "unit", "value": 12.0, "n": 1},
        {"metric": "rev", "period": "2025-01", "series": "subsidiary", "value": 20.0, "n": 2},
        {"metric": "rev", "period": "2025-02", "series": "subsidiary", "value": 12.0, "n": 1},
        {"metric": "rev", "period": "2025-03", "series": "subsidiary", "value": 9.0, "n": 1},
        {"metric": "rev", "period": "2025-01", "series": "group", "value": 40.0, "n": 4},
        {"metric": "rev", "period": "2025-02", "series": "group", "value": 20.0, "n": 3},
        {"metric": "rev", "period": "2025-03", "series": "group", "value": 9.0, "n": 1},
    ]


def test_metric_history_keeps_the_metric_order_asked_for_and_accepts_categoricals():
    obs = long([("B11", "2025-01", "a", 1.0), ("B11", "2025-01", "b", 2.0)])
    categorical = obs.astype({"unit": "category", "period": "category", "metric": "category"})
    got = metric_history(categorical, PARENTS, "B11", ["b", "a"])
    assert got.loc[got["series"] == "unit", ["metric", "value"]].values.tolist() == [["b", 2.0], ["a", 1.0]]


def test_unit_labels_add_the_code_only_where_names_repeat():
    units = [Unit(i, u["code"], u["name"], u["parent_code"], u["headcount"]) for i, u in enumerate(UNITS)]
    assert unit_labels(units) == {
        "G": "集团", "S1": "一公司", "S2": "二公司", "B11": "检修分公司（B11）", "B12": "一电厂",
        "B21": "检修分公司（B21）", "B22": "二电厂",
    }  # fmt: skip
    assert unit_labels(units, with_code=True)["S1"] == "一公司（S1）"


def test_reporting_units_and_default_metrics():
    obs = long([("B12", "2025-01", "tm", 1.0), ("B11", "2025-01", "rev", np.nan), ("B11", "2025-01", "pd", 3.0)])
    obs = pd.concat([obs, long([("B11", "2025-02", "roe", 2.0), ("B11", "2025-02", "tm", 5.0)])], ignore_index=True)
    assert reporting_units(obs, ["G", "B11", "B12", "B21"]) == ["B11", "B12"]
    categorical = obs.astype({"unit": pd.CategoricalDtype(["B11", "B12", "B21"]), "metric": "category"})
    assert reporting_units(categorical, ["B21", "B12", "B11"]) == ["B12", "B11"]
    catalog = Catalog(
        tuple(
            Metric(code, code, code, category, "d", "次", 1, None, None)
            for code, category in (("pd", "party"), ("tm", "party"), ("rev", "production"), ("roe", "efficiency"))
        )
    )
    assert reported_metrics(catalog, obs, "B11") == {"party": ["pd", "tm"], "business": ["roe"]}  # rev is blank
    assert default_metrics(catalog, obs, "B11", per_subsystem=1) == ["pd", "roe"]
    assert default_metrics(catalog, obs, "B12") == ["tm"]


# ---------------------------------------------------------------- integration of a view, ranks


CATALOG = Catalog(
    (
        Metric("p1", "p1", "p1", "party", "组织建设", "%", 1, 0, 100),
        Metric("p2", "p2", "p2", "party", "党风廉政", "件", -1, 0, 100),
        Metric("b1", "b1", "b1", "production", "经营规模", "万元", 1, 0, None),
        Metric("b2", "b2", "b2", "efficiency", "效益效率", "%", -1, 0, 100),
    )
)
FIVE = {  # (p1, p2, b1, b2) per unit and month; five branches (B13 added under S1), S1's roll-up covered by them
    ("B11", "2025-01"): (90, 2, 1000, 60), ("B11", "2025-02"): (95, 0, 1200, 58),
    ("B12", "2025-01"): (80, 1, 3000, 70), ("B12", "2025-02"): (100, 3, 2500, 65),
    ("B13", "2025-01"): (75, 1, 400, 45), ("B13", "2025-02"): (82, 0, 600, 48),
    ("B21", "2025-01"): (70, 4, 500, 50), ("B21", "2025-02"): (85, 1, 800, 55),
    ("B22", "2025-01"): (88, 0, 1500, 55), ("B22", "2025-02"): (92, 2, 1700, 62),
    ("S1", "2025-01"): (85, 3, 4000, 65),
}  # fmt: skip
OBS = long(
    [
        (u, p, m, float(v))
        for (u, p), values in FIVE.items()
        for m, v in zip(("p1", "p2", "b1", "b2"), values, strict=True)
    ]
)
FIVE_PARENTS = {**PARENTS, "B13": "S1"}
FIVE_HEADS = {**{u["code"]: u["headcount"] for u in UNITS if u["headcount"]}, "B13": 150.0}


def hand(units, periods, basis_periods, basis_units=None) -> list[dict]:
    """SPEC §5 by hand (tests.integration_reference) on FIVE: b1 (万元) as a sum, the rest as rates."""

    def rows(us, ps):
        return {
            (u, p): dict(zip(("p1", "p2", "b1", "b2"), v, strict=True))
            for (u, p), v in FIVE.items()
            if u != "S1" and p in ps and (us is None or u in us)
        }

    return spec_rows(
        rows(units, periods), rows(basis_units, basis_periods), direction={"p1": 1, "p2": -1, "b1": 1, "b2": -1},
        party=("p1", "p2"), business=("b1", "b2"), sized=("b1",), heads=FIVE_HEADS,
    )[0]  # fmt: skip


def assert_hand(result, want: list[dict]) -> None:
    got = result.rows.astype(object).where(result.rows.notna(), None).to_dict("records")
    assert [(r["unit"], r["period"], r["complete"], r["level_index"]) for r in got] == [
        (r["unit"], r["period"], r["complete"], r["level_index"]) for r in want
    ]
    for key in ("u_party", "u_business", "C", "T", "D"):
        assert [r[key] is None for r in got] == [r[key] is None for r in want]
        scored = [i for i, r in enumerate(want) if r[key] is not None]
        assert [got[i][key] for i in scored] == pytest.approx([want[i][key] for i in scored], rel=1e-12)


def test_score_view_scores_the_view_against_the_chosen_basis():
    sums = Catalog(tuple(replace(m, rollup="sum") if m.code == "b1" else m for m in CATALOG.metrics))
    both = ("2025-01", "2025-02")

    def view(**options):
        return score_view(OBS, sums, FIVE_PARENTS, start="2025-02", headcount=FIVE_HEADS, **options)

    default = view()  # basis all: February against every row of both months
    assert (default.basis_rows, default.basis_units) == (10, 5)  # S1 covered by its children
    assert_hand(default, hand(None, ("2025-02",), both))
    two = view(units=["B11", "B21"])  # the same scores: the basis does not move with the view
    assert_hand(two, hand({"B11", "B21"}, ("2025-02",), both))
    pd.testing.assert_frame_equal(
        two.rows, default.rows[default.rows["unit"].isin(["B11", "B21"])].reset_index(drop=True)
    )
    own = view(settings=IntegrationSettings("view"))  # February against February
    assert_hand(own, hand(None, ("2025-02",), ("2025-02",)))
    assert own.rows["D"].tolist() != pytest.approx(default.rows["D"].tolist())
    few = view(units=["B11", "B21"], settings=IntegrationSettings("view"))  # two units: too few to score
    assert few.insufficient and few.basis_units == 2 and few.rows["D"].isna().all()
    assert_hand(few, hand({"B11", "B21"}, ("2025-02",), ("2025-02",), {"B11", "B21"}))


def test_weights_table_and_dimensions():
    result = score_view(OBS, CATALOG, PARENTS, settings=IntegrationSettings(weights={"p1": 3, "p2": 1, "b1": 1}))
    table = weight_table(result.weights, CATALOG)
    assert table.values.tolist() == [
        ["p1", "party", "组织建设", 0.75],
        ["p2", "party", "党风廉政", 0.25],
        ["b1", "business", "经营规模", 1.0],
        ["b2", "business", "效益效率", 0.0],
    ]
    assert dimensions(result.weights, CATALOG, "party") == ["组织建设", "党风廉政"]
    assert dimensions(result.weights, CATALOG, "business") == ["经营规模", "效益效率"]


def rows_with_d(values: dict, incomplete: frozenset = frozenset()) -> pd.DataFrame:
    keys = sorted(values)
    return pd.DataFrame(
        {
            "unit": [u for u, _ in keys],
            "period": [p for _, p in keys],
            "u_party": 0.5,
            "u_business": 0.5,
            "D": [values[k] for k in keys],
            "level_index": [None if math.isnan(values[k]) else int(10 * values[k]) for k in keys],
            "lagging": "balanced",
            "complete": [k not in incomplete for k in keys],
        }
    )


def test_ranks_share_ties_and_skip_unscored_and_incomplete_rows():
    rows = rows_with_d(
        {("A", "2025-01"): 0.5, ("B", "2025-01"): 0.7, ("C", "2025-01"): 0.5, ("D", "2025-01"): math.nan,
         ("E", "2025-01"): 0.95, ("A", "2025-02"): 0.9, ("B", "2025-02"): 0.1, ("E", "2025-02"): 0.05},
        incomplete=frozenset({("E", "2025-01"), ("E", "2025-02")}),  # scored, but a metric is missing: not ranked
    )  # fmt: skip
    jan = ranking(rows, "2025-01")
    assert jan[["unit", "rank", "n_ranked"]].values.tolist() == [["B", 1, 3], ["A", 2, 3], ["C", 2, 3]]
    history = integration_history(rows, "A")
    assert history[["period", "D", "rank", "n_ranked"]].values.tolist() == [
        ["2025-01", 0.5, 2, 3],
        ["2025-02", 0.9, 1, 2],
    ]
    assert integration_history(rows, "D").empty and integration_history(rows, "E").empty
    assert ranking(rows, "2030-01").empty


# ---------------------------------------------------------------- the unit's own lag profile


def paired_series(x: list[float], y: list[float], lag: int) -> tuple[list[float], list[float]]:
    """x of month t and y of month t + lag on x's month axis, NaN where either is missing."""
    xs, ys = [], []
    for t in range(len(x) - lag):
        both = not (math.isnan(x[t]) or math.isnan(y[t + lag]))
        xs.append(x[t] if both else math.nan)
        ys.append(y[t + lag] if both else math.nan)
    return xs, ys


def test_own_lag_profile_tests_one_units_calendar_months_on_the_effective_n():
    months = [f"{year}-{m:02d}" for year in (2024, 2025) for m in range(1, 13)]  # 24 months
    x, y = list(X24), [math.nan if p == "2024-06" else v for p, v in zip(months, Y24, strict=True)]
    rows = [("B11", p, "x", a) for p, a in zip(months, x, strict=True)]
    rows += [("B11", p, "y", b) for p, b in zip(months, y, strict=True) if not math.isnan(b)]  # y missing once
    rows += [("B12", p, m, float(v)) for p in months for m, v in (("x", 1e3), ("y", -1e3))]  # another unit: ignored
    profile = own_lag_profile(build_panel(long(rows)), "B11", "x", "y")
    assert list(profile.columns) == [
        "lag", "n", "n_eff", "a_x", "a_y", "r", "ci_low", "ci_high", "p", "insufficient", "exploratory"
    ]  # fmt: skip
    assert profile["lag"].tolist() == list(range(7)) and profile["exploratory"].all()  # no q: nothing is starred
    assert profile["n"].tolist() == [23, 22, 21, 20, 19, 18, 18]  # lags 0–5 lose the month y is missing
    for lag in range(7):
        xs, ys = paired_series(x, y, lag)
        a_x, a_y = hand_lag1(xs), hand_lag1(ys)
        want = hand_test([v for v in xs if not math.isnan(v)], [v for v in ys if not math.isnan(v)], a_x, a_y)
        row = profile.iloc[lag]
        assert (row["a_x"], row["a_y"], row["n_eff"]) == pytest.approx((a_x, a_y, want["n_eff"]), rel=1e-12)
        assert row["insufficient"] == (want["n_eff"] < 10)
        if not row["insufficient"]:
            got = row[["r", "p", "ci_low", "ci_high"]].tolist()
            assert got == pytest.approx([want[k] for k in ("r", "p", "ci_low", "ci_high")], rel=1e-10)
    assert not profile["insufficient"].any()  # 18–23 pairs are worth 12.6–18.1 independent months


def test_own_lag_profile_bounds_xs_months_and_withholds_r_below_an_effective_n_of_10():
    months = [f"{year}-{m:02d}" for year in (2024, 2025) for m in range(1, 13)]
    rows = [("B11", p, m, v) for m, values in (("x", X24), ("y", Y24)) for p, v in zip(months, values, strict=True)]
    panel = build_panel(long(rows))
    profile = own_lag_profile(panel, "B11", "x", "y", lags=[2], start="2024-03", end="2025-10")
    xs, ys = X24[2:22], Y24[4:24]  # x of 2024-03..2025-10, y two months later (past the end)
    want = hand_test(xs, ys, hand_lag1(xs), hand_lag1(ys))
    assert profile["n"].tolist() == [20]
    assert profile.loc[0, ["n_eff", "r", "p"]].tolist() == pytest.approx([want[k] for k in ("n_eff", "r", "p")])
    late = own_lag_profile(panel, "B11", "x", "y", start="2025-01")  # 12 months of x, fewer pairs as the lag grows
    assert late["n"].tolist() == [12, 11, 10, 9, 8, 7, 6]
    for k in range(7):
        xs, ys = X24[12 : 24 - k], Y24[12 + k :]
        assert late.loc[k, "n_eff"] == pytest.approx(hand_test(xs, ys, hand_lag1(xs), hand_lag1(ys))["n_eff"])
    assert late["insufficient"].tolist() == [False, False] + [True] * 5  # lag 2: 10 pairs, but n_eff 9.85
    assert late.loc[2, "n_eff"] == pytest.approx(9.846891, rel=1e-6)
    assert late.loc[late["insufficient"], ["r", "p", "ci_low", "ci_high"]].isna().all().all()
    missing = own_lag_profile(panel, "NOPE", "x", "y", lags=[0])
    assert missing[["n", "insufficient"]].values.tolist() == [[0, True]]


# ---------------------------------------------------------------- a small filled database for the pages


@pytest.fixture(scope="module")
def page_db(tmp_path_factory) -> Path:
    return fill_profile(tmp_path_factory.mktemp("profile") / "pages.duckdb", PAGE_UNITS)


@pytest.fixture(scope="module")
def four_db(tmp_path_factory) -> Path:
    return fill_profile(tmp_path_factory.mktemp("profile4") / "four.duckdb")


@pytest.fixture
def app_env(page_db, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("ANALYTICS_DB", str(page_db))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    return page_db


def open_page(page: str, lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    # A bound selectbox keeps its option's label in the URL (?lang=English), so set the state, not the query
    at.session_state["lang"] = lang
    at.run()
    return at.switch_page(page).run()


def chart_titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


@pytest.mark.parametrize(("lang", "title"), [("zh", "单位画像"), ("en", "Unit profile")])
def test_profile_page_renders_in_both_languages(app_env, lang, title):
    at = open_page("views/unit_profile.py", lang)
    assert not at.exception, at.exception
    assert at.title[0].value == title


def test_choosing_a_unit_shows_its_charts(app_env):
    at = open_page("views/unit_profile.py")
    at.selectbox(key="unit").set_value("B21").run()
    assert not at.exception, at.exception
    with connect(app_env, read_only=True) as con:
        obs, catalog = analysis_frame(con), load_catalog(con)
    # SPEC §5's defaults by hand: every row as basis, sums against headcount, equal weights, the floor if missing
    values: dict[tuple[str, str], dict[str, float]] = {}
    for u, p, m, v in (
        obs[["unit", "period", "metric", "value"]].astype({"unit": str, "period": str}).itertuples(index=False)
    ):
        values.setdefault((u, p), {})[str(m)] = v
    hand, _ = spec_rows(
        values, values, direction={m.code: m.direction for m in catalog.metrics},
        party=[m.code for m in catalog.metrics if m.category == "party"],
        business=[m.code for m in catalog.metrics if m.is_business],
        sized=[m.code for m in catalog.metrics if m.rollup == "sum"], heads=PAGE_HEADS,
    )  # fmt: skip
    december = sorted((r for r in hand if r["period"] == "2025-12"), key=lambda r: -r["D"])
    assert [r["complete"] for r in december] == [True] * 5
    rank, b21 = next((i + 1, r) for i, r in enumerate(december) if r["unit"] == "B21")
    assert at.metric[0].label == "融合度 D（2025-12）"
    assert at.metric[0].value == f"{b21['D']:.3f}"
    assert at.metric[1].value == f"{rank} / 5"
    assert at.metric[2].value == b21["level"]
    assert any(c.value.startswith("融合度按默认设置计算：以全部数据为基准") for c in at.caption)
    titles = chart_titles(at)
    assert "检修分公司（B21）：指标走势" in titles  # B11 and B21 are both 检修分公司: the code tells them apart
    assert not any("障碍度最高" in t or "r 随滞后期变化" in t for t in titles)  # drawn when their expanders open
    at.session_state["profile_obstacle"] = at.session_state["profile_lags"] = True  # the expanders rerun the page
    at.run()
    titles = chart_titles(at)
    assert "检修分公司（B21） 2025-12：障碍度最高的 10 项指标" in titles
    assert titles[-1] == "三会一课完成率 → 营业收入：r 随滞后期变化（探索性，95% 置信区间按 n_eff）"
    assert any(w.value.startswith("探索性：相邻月份彼此相似") for w in at.warning)
    table = tables(at)[-1].value
    profile = own_lag_profile(build_panel(obs), "B21", "three_meetings_rate", "revenue")
    codes = ["lag", "n", "n_eff", "a_x", "a_y", "r", "ci_low", "ci_high", "p"]  # no q, no stars
    assert list(table.columns) == [text(f"profile.{c}", "zh") if c != "r" else "r" for c in codes]
    table.columns = codes
    assert profile["n"].tolist() == [12, 11, 10, 9, 8, 7, 6]
    assert table["n"].tolist() == ["12", "11", "10", "9", "8", "7", "6"]  # written by analytics.i18n.numbers
    assert table["r"].tolist() == [nf.r_value(r) for r in profile["r"]]
    assert table["p"].tolist() == [nf.p_value(p) for p in profile["p"]]
    assert not table.isin(["None", "nan", "-0.00"]).any().any() and not table.isna().any().any()
    assert (profile["n_eff"] <= profile["n"]).all() and profile["r"].notna().any()
    page_text = " ".join(str(e.value) for e in (*at.warning, *at.caption, *at.markdown))
    assert "显著" not in page_text  # exploratory: never worded as significant


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("zh", "基准中只有 4 个单位，少于 5 个：单位太少，最小–最大归一化没有意义，不计算融合度。"),
        (
            "en",
            "The basis holds 4 units, fewer than 5: too few for min–max scores to mean anything; no index computed.",
        ),
    ],
)
def test_four_units_are_too_few_for_an_index_and_the_page_says_so(four_db, tmp_path, monkeypatch, lang, message):
    monkeypatch.setenv("ANALYTICS_DB", str(four_db))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    at = open_page("views/unit_profile.py", lang)
    at.selectbox(key="unit").set_value("B21").run()
    assert not at.exception, at.exception
    assert [w.value for w in at.warning if w.value == message] == [message]
    assert not at.metric  # no D, rank, level or lagging cards
    at.session_state["profile_lags"] = True
    at.run()
    titles = chart_titles(at)  # the rest of the page stands: the metrics against peers, the own lag profile
    assert len(titles) == 2 and not at.info


def test_the_chosen_metrics_travel_in_the_url_as_codes_in_either_language(app_env):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["lang"] = "en"
    at.query_params["profile_metrics"] = ["revenue", "three_meetings_rate", "not_a_metric"]
    at.run()
    at = at.switch_page("views/unit_profile.py").run()
    assert not at.exception, at.exception
    picked = at.multiselect(key="profile_metrics")
    assert picked.value == ["revenue", "three_meetings_rate"]  # the unknown code is dropped
    picked.set_value(["total_profit", "revenue"]).run()
    assert at.query_params["profile_metrics"] == ["total_profit", "revenue"]  # codes, not "Total profit"
