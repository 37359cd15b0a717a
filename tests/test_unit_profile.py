"""analytics.unit_profile on hand-built frames (exact values), and the Unit profile page driven through AppTest."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from streamlit.testing.v1 import AppTest

from analytics.batches import commit
from analytics.catalog import Catalog, Metric
from analytics.db import connect
from analytics.integration import IntegrationSettings, compute_integration
from analytics.observations import analysis_frame
from analytics.panel import build_panel
from analytics.periods import parse_strict
from analytics.registry import Unit, load_catalog, load_registry, metric_ids, save_units
from analytics.unit_profile import (
    catalog_frame,
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
from tests.conftest import UNITS

ROOT = Path(__file__).resolve().parent.parent
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
OBS = long(
    [
        (u, p, m, float(v))
        for (u, p), values in {
            ("B11", "2025-01"): (90, 2, 1000, 60), ("B11", "2025-02"): (95, 0, 1200, 58),
            ("B12", "2025-01"): (80, 1, 3000, 70), ("B12", "2025-02"): (100, 3, 2500, 65),
            ("B21", "2025-01"): (70, 4, 500, 50), ("B21", "2025-02"): (85, 1, 800, 55),
            ("S1", "2025-01"): (85, 3, 4000, 65),
        }.items()
        for m, v in zip(("p1", "p2", "b1", "b2"), values, strict=True)
    ]
)  # fmt: skip


def test_score_view_scores_the_view_against_the_chosen_basis():
    feb = OBS[OBS["period"] == "2025-02"]
    view = score_view(OBS, CATALOG, PARENTS, start="2025-02", end="2025-02")
    expected = compute_integration(feb, catalog_frame(CATALOG), PARENTS)
    pd.testing.assert_frame_equal(view.rows, expected.rows)
    every = score_view(
        OBS, CATALOG, PARENTS, start="2025-02", units=["B11", "B21"], settings=IntegrationSettings("all")
    )
    basis_all = compute_integration(
        feb[feb["unit"].isin(["B11", "B21"])], catalog_frame(CATALOG), PARENTS,
        settings=IntegrationSettings("all"), basis_obs=OBS,
    )  # fmt: skip
    pd.testing.assert_frame_equal(every.rows, basis_all.rows)
    assert every.rows["unit"].tolist() == ["B11", "B21"] and every.basis_rows == 6  # S1 covered by its children


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


def rows_with_d(values: dict) -> pd.DataFrame:
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
        }
    )


def test_ranks_share_ties_and_skip_unscored_rows():
    rows = rows_with_d(
        {("A", "2025-01"): 0.5, ("B", "2025-01"): 0.7, ("C", "2025-01"): 0.5, ("D", "2025-01"): math.nan,
         ("A", "2025-02"): 0.9, ("B", "2025-02"): 0.1}
    )  # fmt: skip
    jan = ranking(rows, "2025-01")
    assert jan[["unit", "rank", "n_ranked"]].values.tolist() == [["B", 1, 3], ["A", 2, 3], ["C", 2, 3]]
    history = integration_history(rows, "A")
    assert history[["period", "D", "rank", "n_ranked"]].values.tolist() == [
        ["2025-01", 0.5, 2, 3],
        ["2025-02", 0.9, 1, 2],
    ]
    assert integration_history(rows, "D").empty
    assert ranking(rows, "2030-01").empty


# ---------------------------------------------------------------- the unit's own lag profile


def pearson(xs: list[float], ys: list[float]) -> float:
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((a - mx) * (b - my) for a, b in zip(xs, ys, strict=True))
    sxx, syy = sum((a - mx) ** 2 for a in xs), sum((b - my) ** 2 for b in ys)
    return sxy / math.sqrt(sxx * syy)


def test_own_lag_profile_pairs_calendar_months_of_one_unit():
    months = [f"2024-{m:02d}" for m in range(1, 13)] + [f"2025-{m:02d}" for m in range(1, 3)]  # 14 months
    x = [3, 5, 4, 8, 6, 9, 7, 11, 10, 12, 9, 14, 13, 15]
    y = [20, 22, 25, 21, 30, 27, 33, 29, 35, 31, 38, 36, 40, 39]
    rows = [("B11", p, "x", float(a)) for p, a in zip(months, x, strict=True)]
    rows += [("B11", p, "y", float(b)) for p, b in zip(months, y, strict=True) if p != "2024-06"]  # y missing once
    rows += [("B12", p, m, float(v)) for p in months for m, v in (("x", 1e3), ("y", -1e3))]  # another unit: ignored
    profile = own_lag_profile(build_panel(long(rows)), "B11", "x", "y")
    assert profile["lag"].tolist() == list(range(7))
    for lag in (0, 1, 2):
        pairs = [(x[t], y[t + lag]) for t in range(len(months) - lag) if months[t + lag] != "2024-06"]
        r = pearson([a for a, _ in pairs], [b for _, b in pairs])
        row = profile.iloc[lag]
        assert row["n"] == len(pairs) and not row["insufficient"]
        assert row["r"] == pytest.approx(r, rel=1e-12)
        expected = stats.pearsonr([a for a, _ in pairs], [b for _, b in pairs])
        assert row["p"] == pytest.approx(expected.pvalue, rel=1e-9)
    assert profile["n"].tolist() == [13, 12, 11, 10, 9, 8, 8]  # lags 0–5 lose the month y is missing
    assert profile["insufficient"].tolist() == [False] * 4 + [True] * 3  # SPEC: n − 2 < 8 → no r
    assert profile.loc[4:, ["r", "p", "q"]].isna().all().all()
    ps = profile["p"].to_numpy()
    tested = ~np.isnan(ps)
    m = tested.sum()
    order = np.argsort(ps[tested])
    q_sorted = np.minimum.accumulate((ps[tested][order] * m / np.arange(1, m + 1))[::-1])[::-1]
    assert profile["q"].to_numpy()[tested][order] == pytest.approx(np.minimum(q_sorted, 1), rel=1e-12)


# ---------------------------------------------------------------- a small filled database for the pages

PAGE_METRICS = {  # code: (centre, spread) per unit-month, inside every valid range
    "three_meetings_rate": (90, 6), "theme_party_days": (8, 3), "violations": (1, 1), "vanguard_posts": (20, 5),
    "revenue": (3000, 800), "quality_pass_rate": (97, 1.5), "debt_asset_ratio": (60, 6), "total_profit": (300, 90),
}  # fmt: skip
PAGE_MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
PAGE_UNITS = ("B11", "B12", "B21", "B22")


def fill(path: Path) -> Path:
    """The conftest registry with 4 branches × 12 months × 8 metrics of seeded values (one batch)."""
    rng = np.random.default_rng(20261128)
    with connect(path) as con:
        save_units(con, UNITS)
        uid = dict(con.execute("SELECT code, uid FROM units").fetchall())
        mid = metric_ids(con)
        rows = [
            (uid[u], parse_strict(p), mid[m], round(max(0.0, centre + spread * rng.standard_normal()), 2))
            for u in PAGE_UNITS
            for p in PAGE_MONTHS
            for m, (centre, spread) in PAGE_METRICS.items()
        ]
        rows = [(a, b, c, min(v, 100.0) if c in (mid["quality_pass_rate"],) else v) for a, b, c, v in rows]
        commit(con, pd.DataFrame(rows, columns=["uid", "period", "mid", "value"]), [], "test")
    return path


@pytest.fixture(scope="module")
def page_db(tmp_path_factory) -> Path:
    return fill(tmp_path_factory.mktemp("profile") / "pages.duckdb")


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
        obs, catalog, registry = analysis_frame(con), load_catalog(con), load_registry(con)
    result = score_view(obs, catalog, registry.parents(), start="2025-01", end="2025-12")
    latest = integration_history(result.rows, "B21").iloc[-1]
    assert at.metric[0].label == "融合度 D（2025-12）"
    assert at.metric[0].value == f"{latest['D']:.3f}"
    assert at.metric[1].value == f"{latest['rank']} / 4"
    titles = chart_titles(at)
    assert "检修分公司（B21）：指标走势" in titles  # B11 and B21 are both 检修分公司: the code tells them apart
    assert titles[-1] == "三会一课完成率 → 营业收入：r 随滞后期变化（95% 置信区间）"
    table = at.dataframe[-1].value
    profile = own_lag_profile(build_panel(obs), "B21", "three_meetings_rate", "revenue")
    assert table["n"].tolist() == profile["n"].tolist() == [12, 11, 10, 9, 8, 7, 6]
    assert table["r"].tolist()[:3] == pytest.approx(profile["r"].tolist()[:3], rel=1e-12)


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
