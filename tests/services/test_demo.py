"""The demo group: created through the real import, refused on a database with data, and every planted effect is
found at the level that should find it (and every planted non-effect is not). See data/DEMO.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.model.panel import Panel, build_panel
from analytics.services.demo import BRANCHES, DemoRefused, create_demo, demo_units, simulate
from analytics.stats.correlations import Correlation, correlate
from analytics.stats.findings import scan as findings
from analytics.stats.overview import build_overview
from analytics.stats.quality import panel_quality_flags, quality_flags
from analytics.store.completeness import completeness
from analytics.store.connection import connect, get_meta
from analytics.store.metrics import load_catalog
from analytics.store.observations import current_frame
from analytics.store.snapshot import load_snapshot
from analytics.store.units import load_registry, save_units

STRONG = 1e-6  # planted effects are far stronger than p < 0.05
NOT_SIGNIFICANT = 0.05


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    return path, create_demo(path)


@pytest.fixture(scope="module")
def obs(demo: tuple[Path, dict[str, object]]) -> pd.DataFrame:
    with connect(demo[0], read_only=True) as con:
        return current_frame(con)


@pytest.fixture(scope="module")
def panel(obs: pd.DataFrame) -> Panel:
    return build_panel(obs)


def corr(panel: Panel, x: str, y: str, level: str, lag: int = 0, period: str | None = None) -> Correlation:
    found = correlate(panel, x, y, level=level, lag=lag, period=period)
    assert not found.insufficient and found.r is not None and found.p is not None
    return found


# ---------------------------------------------------------------- the group and its months


def test_summary_and_registry(demo: tuple[Path, dict[str, object]]) -> None:
    path, summary = demo
    assert summary["units"] == 35 and summary["reporting_units"] == 30
    # 2023-07..2025-10 back-filled a calendar year per upload (3 batches), 2025-11..2026-04 one a month (6), then
    # the cycle months 2026-05..2026-10: one upload per subsidiary (24), one sent again, one restatement
    assert (summary["months"], summary["from"], summary["to"], summary["batches"]) == (40, "2023-07", "2026-10", 35)
    closed = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09"]
    assert summary["cycles"] == {"closed": closed, "open": "2026-10", "deadline": "2026-11-10"}
    with connect(path, read_only=True) as con:
        registry = load_registry(con)
        assert get_meta(con, "demo") == "1"
        users = con.execute("SELECT user_name, count(*) FROM batches GROUP BY user_name").fetchall()
        assert summary["observations"] == con.execute("SELECT count(*) FROM current").fetchone()[0]
    # the demo loaded the history; the subsidiaries' planners each month of the cycle (李娜 once more: NF02
    # sent again in 2026-09), and HQ's admin the restatement
    assert dict(users) == {"demo": 9, "张敏": 6, "李娜": 7, "王磊": 6, "陈刚": 6, "郑华": 1}
    assert [u.code for u in registry.units] == [r["code"] for r in demo_units()]
    assert [u.code for u in registry.by_name("检修分公司")] == ["BF05", "NF03"]
    heads = [u.headcount for u in registry.units if u.code in {c for c, _, _ in BRANCHES}]
    assert (min(heads), max(heads)) == (80, 3000)
    assert registry.by_code("JT00").headcount == sum(heads)


# unit months the reporting cycle left without values: excused (免报) in 2026-07, not reported (未报) in 2026-10
NOT_REPORTED = {("GC06", "2026-07"), ("XN06", "2026-10"), ("GC05", "2026-10"), ("GC07", "2026-10")}


def test_every_value_survives_the_import(obs: pd.DataFrame) -> None:
    """xlsx, the two-sheet month, the percentage-formatted cells and the CSV months all read back exactly; so do the
    cycle months' values sent again after a return and restated after the close (the slips are corrected)."""
    values = simulate()
    codes = [c for c, _, _ in BRANCHES]
    periods = sorted(obs["period"].unique())
    assert len(periods) == 40 and periods[0] == "2023-07" and periods[-1] == "2026-10"
    expected = pd.concat(
        pd.DataFrame({"unit": np.array(codes)[u], "period": np.array(periods)[t], "metric": m, "value": a[u, t]})
        for m, a in values.items()
        for u, t in [np.nonzero(~np.isnan(a))]
    )
    keys = pd.Series(list(zip(expected["unit"], expected["period"], strict=True)))
    assert set(keys[keys.isin(NOT_REPORTED)]) == NOT_REPORTED  # simulated, never imported
    expected = expected[~keys.isin(NOT_REPORTED).to_numpy()]
    merged = expected.merge(obs, on=["unit", "period", "metric"], how="outer", suffixes=("_sim", "_db"))
    assert merged["value_sim"].notna().all() and merged["value_db"].notna().all()
    np.testing.assert_allclose(merged["value_db"], merged["value_sim"], rtol=1e-12)


def test_values_stay_in_range_and_metrics_complete(obs: pd.DataFrame) -> None:
    from analytics.model.catalog import default_metrics

    catalog = {m.code: m for m in default_metrics()}
    assert set(obs["metric"]) == set(catalog)
    for code, group in obs.groupby("metric"):
        assert all(catalog[code].in_range(v) for v in group["value"]), code


def test_missing_values(obs: pd.DataFrame) -> None:
    reported = obs.groupby(["unit", "period"]).size()
    blank_share = 1 - reported.sum() / (len(reported) * 36)
    assert 0.008 < blank_share < 0.02  # ~0.5% scattered plus one metric 8 units never report
    energy = obs[obs["metric"] == "energy_per_output"]
    assert not energy["unit"].str.startswith("GC").any()
    assert set(energy["unit"].str[:2]) == {"BF", "NF", "XN"}


def test_late_unit(obs: pd.DataFrame) -> None:
    late = obs[obs["unit"] == "GC07"]
    assert late["period"].min() == "2025-03" and late["period"].nunique() == 19  # and not in 2026-10 (未报)
    assert obs[obs["unit"] == "GC01"]["period"].min() == "2023-07"


@pytest.mark.parametrize("metric", ["revenue", "output_value", "theme_party_days", "heart_talks"])
def test_spring_festival_month_dips(obs: pd.DataFrame, metric: str) -> None:
    """In the month of 春节 (2024-02, 2025-01, 2026-02) the typical unit is below both neighbouring months."""
    wide = obs[obs["metric"] == metric].pivot(index="unit", columns="period", values="value")
    for before, festival, after in (("2024-01", "2024-02", "2024-03"), ("2024-12", "2025-01", "2025-02")):
        ratio = wide[festival] / wide[[before, after]].min(axis=1)
        assert ratio.median() < 0.97


# ---------------------------------------------------------------- refusing


def test_refuses_a_second_demo(demo: tuple[Path, dict[str, object]]) -> None:
    with pytest.raises(DemoRefused, match="already holds data"):
        create_demo(demo[0])


def test_refuses_a_database_with_units(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    with connect(path) as con:
        save_units(con, [{"code": "X1", "name": "某单位", "parent_code": None, "headcount": None}])
    with pytest.raises(DemoRefused, match="数据库中已有数据"):
        create_demo(path)
    with connect(path, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM batches").fetchone() == (0,)
        assert get_meta(con, "demo") is None


def test_months_out_of_bounds(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="months"):
        create_demo(tmp_path / "short.duckdb", months=6)


# ---------------------------------------------------------------- planted effects (data/DEMO.md)


@pytest.mark.parametrize(("x", "y"), [("volunteer_hours", "revenue"), ("suggestions", "total_profit")])
def test_size_confound_is_pooled_not_within(panel: Panel, x: str, y: str) -> None:
    pooled, between, within = (corr(panel, x, y, level) for level in ("pooled", "between", "within"))
    assert pooled.r > 0.8 and pooled.p < STRONG
    assert between.r > 0.8 and between.p < STRONG and between.n == 30
    assert abs(within.r) < 0.1 and within.p > NOT_SIGNIFICANT


def test_vanguard_posts_lead_quality_by_two_months(panel: Panel) -> None:
    lag2 = corr(panel, "vanguard_posts", "quality_pass_rate", "within", lag=2)
    assert lag2.r > 0.2 and lag2.p < STRONG
    assert corr(panel, "vanguard_posts", "quality_pass_rate", "twoway", lag=2).p < STRONG
    for lag in (0, 1):
        other = corr(panel, "vanguard_posts", "quality_pass_rate", "within", lag=lag)
        assert abs(other.r) < lag2.r / 4 and other.p > NOT_SIGNIFICANT


def test_integrity_education_lowers_violations_within(panel: Panel) -> None:
    for level in ("within", "twoway"):
        found = corr(panel, "integrity_education", "violations", level)
        assert found.r < -0.2 and found.p < STRONG


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ("theme_party_days", "revenue"),
        ("heart_talks", "output_value"),
        ("study_hours_per_member", "labour_productivity"),
        ("study_hours_per_member", "revenue"),
        ("theme_party_days", "labour_productivity"),
    ],
)
def test_spring_festival_is_within_not_twoway(panel: Panel, x: str, y: str) -> None:
    within, twoway = corr(panel, x, y, "within"), corr(panel, x, y, "twoway")
    assert within.r > 0.2 and within.p < STRONG
    assert abs(twoway.r) < 0.1 and twoway.p > NOT_SIGNIFICANT


@pytest.mark.parametrize(("x", "y"), [("publicity_articles", "roe"), ("new_members", "patents")])
@pytest.mark.parametrize("level", ["pooled", "within", "twoway", "between"])
def test_unrelated_pairs_are_not_significant(panel: Panel, x: str, y: str, level: str) -> None:
    assert corr(panel, x, y, level).p > NOT_SIGNIFICANT


def test_unrelated_pairs_not_significant_within_a_month(panel: Panel) -> None:
    for x, y in (("publicity_articles", "roe"), ("new_members", "patents")):
        assert corr(panel, x, y, "period", period="2026-10").p > NOT_SIGNIFICANT


def test_the_overview_is_the_same_from_the_snapshot_panel(demo: tuple[Path, dict[str, object]]) -> None:
    """The overview page hands build_overview the snapshot's panel for the quality flags: same flags, same page."""
    with connect(demo[0], read_only=True) as con:
        snapshot, catalog, registry = load_snapshot(con, demo[0]), load_catalog(con), load_registry(con)
        grid = completeness(con)
    obs = snapshot.frame()
    months = sorted(obs["period"].cat.categories)
    for start, units in ((months[-12], None), (months[-6], registry.expand(["BF00"])), (None, None)):
        plain = build_overview(obs, catalog, registry, grid, start=start, units=units)
        fast = build_overview(obs, catalog, registry, grid, start=start, units=units, panel=snapshot.panel)
        pd.testing.assert_frame_equal(fast.alerts, plain.alerts)
        assert fast.kpis == plain.kpis
    flags = quality_flags(obs, catalog)
    assert not flags.empty  # the demo plants box-ticking, so the comparison above compares real flags
    pd.testing.assert_frame_equal(panel_quality_flags(snapshot.panel, catalog), flags)


# ---------------------------------------------------------------- what the default view headlines


SEASONAL = {"theme_party_days", "heart_talks", "study_hours_per_member"}
SEASONAL_BUSINESS = {"revenue", "output_value", "total_profit", "labour_productivity"}


def test_default_findings_are_the_planted_lead_alone(demo: tuple[Path, dict[str, object]], panel: Panel) -> None:
    """The default scan (twoway, each unit equal, clustered q) shows effect 2, none of the Spring Festival co-dips."""
    with connect(demo[0], read_only=True) as con:
        catalog = load_catalog(con)
    party, business = catalog.codes("party"), catalog.codes("production") + catalog.codes("efficiency")
    scan = findings(panel, party, business)
    assert scan.scanned == len(party) * len(business) * 7
    planted = [("vanguard_posts", "quality_pass_rate", 2, "leads")]
    assert [(f.x, f.y, f.lag, f.direction) for f in scan.findings] == planted
    window = findings(panel, party, business, from_="2025-11", to="2026-10")  # the last 12 months
    assert [(f.x, f.y, f.lag, f.direction) for f in window.findings] == planted
    closed = findings(panel, party, business, from_="2025-10", to="2026-09")  # the pages' default: up to the
    assert [(f.x, f.y, f.lag, f.direction) for f in closed.findings] == planted  # latest closed month (SPEC §8)
    within = findings(panel, party, business, level="within")
    seasonal = {(f.x, f.y) for f in within.findings if f.lag == 0}
    assert seasonal <= {(x, y) for x in SEASONAL for y in SEASONAL_BUSINESS} and len(seasonal) >= 10
    assert ("vanguard_posts", "quality_pass_rate", 2) in {(f.x, f.y, f.lag) for f in within.findings}
