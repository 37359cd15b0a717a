"""Data-quality flags (形式主义 checks): hand-built frames with the flags worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.model.catalog import Catalog, Metric
from analytics.stats.quality import QualitySettings, format_number, quality_flags


def metric(code: str, category: str = "production", unit: str = "次", rollup: str = "sum", hi: float = 1e6) -> Metric:
    return Metric(code, f"指标{code}", f"Metric {code}", category, "维度", unit, 1, 0.0, hi, (), rollup)


FLOWS = [metric(f"f{i}") for i in range(1, 7)]
STOCK = metric("s1", "party", "个", "last")
RATES = [metric(f"p{i}", "party", "%", "mean", 100.0) for i in range(1, 4)]
BIZ_RATE = metric("b1", "efficiency", "%", "mean", 100.0)  # a % metric outside party building
CATALOG = Catalog((*FLOWS, STOCK, *RATES, BIZ_RATE))
SETTINGS = QualitySettings(ratio=10.0)


def frame(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unit", "period", "metric", "value"])


def months(n: int, first: int = 1) -> list[str]:
    return [f"2026-{m:02d}" for m in range(first, first + n)]


def series(unit: str, code: str, values: list[float], first: int = 1) -> list[tuple[str, str, str, float]]:
    return [(unit, p, code, v) for p, v in zip(months(len(values), first), values, strict=True)]


def flags_of(obs: pd.DataFrame, periods: list[str] | None = None) -> list[tuple]:
    found = quality_flags(obs, CATALOG, periods, SETTINGS)
    return list(found[["unit", "period", "kind", "metrics"]].itertuples(index=False, name=None))


# ---------------------------------------------------------------- copied from last month


def two_months(unit: str, before: dict[str, float], after: dict[str, float]) -> list[tuple]:
    return [(unit, "2026-01", c, v) for c, v in before.items()] + [(unit, "2026-02", c, v) for c, v in after.items()]


def test_five_of_six_flows_identical_to_last_month_is_copied():
    before = {f"f{i}": 10.0 * i for i in range(1, 7)}
    after = {**before, "f6": 61.0}
    found = quality_flags(frame(two_months("U1", before, after)), CATALOG, ["2026-02"], SETTINGS)
    assert len(found) == 1
    row = found.iloc[0]
    assert (row["unit"], row["period"], row["kind"]) == ("U1", "2026-02", "copied")
    assert row["metrics"] == ("f1", "f2", "f3", "f4", "f5")
    assert row["detail_zh"] == "6 项可比指标中 5 项（83%）与上月完全相同，请核实是否照抄上月数据。"
    assert (
        row["detail_en"] == "5 of 6 comparable metrics (83%) are identical to last month: check they were not copied."
    )


def test_exactly_the_threshold_share_is_copied():
    before = {f"f{i}": 10.0 * i for i in range(1, 6)}
    after = {**before, "f5": 51.0}  # 4 of 5 = 80%
    assert flags_of(frame(two_months("U1", before, after))) == [("U1", "2026-02", "copied", ("f1", "f2", "f3", "f4"))]


def test_stocks_and_values_on_their_bound_are_not_comparable():
    # Counting the stock and the three 100% rates would make 8 of 10 = 80% identical; without them 4 of 6 = 67%.
    before = {**{f"f{i}": 10.0 * i for i in range(1, 7)}, "s1": 7.0, "p1": 100.0, "p2": 100.0, "p3": 100.0}
    after = {**before, "f5": 55.0, "f6": 66.0}
    assert [f for f in flags_of(frame(two_months("U1", before, after))) if f[2] == "copied"] == []


def test_zero_counts_repeating_are_not_comparable():
    before = {"f1": 0.0, "f2": 0.0, "f3": 0.0, "f4": 10.0, "f5": 20.0, "f6": 30.0}
    after = {**before, "f6": 31.0}  # comparable: f4, f5, f6 (3 < 5 metrics) → never called copied
    assert flags_of(frame(two_months("U1", before, after))) == []


def test_too_few_metrics_or_a_missing_month_is_not_copied():
    few = two_months("U1", {"f1": 1.0, "f2": 2.0, "f3": 3.0, "f4": 4.0}, {"f1": 1.0, "f2": 2.0, "f3": 3.0, "f4": 4.0})
    same = {f"f{i}": 10.0 * i for i in range(1, 7)}
    gap = [("U2", "2026-01", c, v) for c, v in same.items()] + [("U2", "2026-03", c, v) for c, v in same.items()]
    assert flags_of(frame(few + gap)) == []


# ---------------------------------------------------------------- uniform 100%


def test_every_party_rate_exactly_100_is_flagged():
    rows = [("U1", "2026-01", c, 100.0) for c in ("p1", "p2", "p3")] + [("U1", "2026-01", "b1", 100.0)]
    found = quality_flags(frame(rows), CATALOG, None, SETTINGS)
    assert list(found[["unit", "kind", "metrics"]].itertuples(index=False, name=None)) == [
        ("U1", "uniform_100", ("p1", "p2", "p3"))
    ]
    assert found.iloc[0]["detail_zh"] == "所报 3 项党建百分比指标全部为 100%，请核实是否如实填报。"


def test_one_rate_below_100_or_too_few_rates_is_not_flagged():
    rows = [("U1", "2026-01", "p1", 100.0), ("U1", "2026-01", "p2", 100.0), ("U1", "2026-01", "p3", 99.5)]
    rows += [("U2", "2026-01", "p1", 100.0), ("U2", "2026-01", "p2", 100.0)]  # 2 < 3 rates
    rows += [("U3", "2026-01", "p1", 100.0), ("U3", "2026-01", "p2", 100.0), ("U3", "2026-01", "b1", 100.0)]
    assert flags_of(frame(rows)) == []


# ---------------------------------------------------------------- implausible jumps


def test_a_value_ten_times_its_median_is_a_jump_and_the_return_is_not():
    values = [100.0, 102.0, 98.0, 101.0, 100.0, 103.0, 99.0, 1200.0, 100.0]
    found = quality_flags(frame(series("U1", "f1", values)), CATALOG, None, SETTINGS)
    # month 8: median of the 9 values is 100; 1200 ≥ 10 × 100. Month 9 (back to 100) is at the median.
    assert list(found[["unit", "period", "kind", "metrics"]].itertuples(index=False, name=None)) == [
        ("U1", "2026-08", "jump", ("f1",))
    ]
    assert (
        found.iloc[0]["detail_zh"] == "指标f1为 1,200，与该单位中位数 100 相差 12 倍，请核对是否为元/万元等单位错误。"
    )
    assert (
        found.iloc[0]["detail_en"]
        == "Metric f1 is 1,200, 12× away from this unit's median 100: check for a 元/万元 slip."
    )


def test_a_tenth_of_the_median_is_a_jump_too():
    values = [100.0, 102.0, 98.0, 101.0, 100.0, 103.0, 99.0, 9.0]
    assert flags_of(frame(series("U1", "f1", values)), ["2026-08"]) == [("U1", "2026-08", "jump", ("f1",))]


def test_a_step_five_times_the_usual_change_is_a_jump():
    # p1 is a rate: no ratio rule. Steps 1, −1, 2, −1, −1, 1, −31 → usual |step| = median 1, floored at
    # 2% of the median value (90.5) = 1.81; |−31| > 5 × 1.81 and |60 − 90.5| > 5 × 1.81.
    values = [90.0, 91.0, 90.0, 92.0, 91.0, 90.0, 91.0, 60.0]
    found = quality_flags(frame(series("U1", "p1", values)), CATALOG, ["2026-08"], SETTINGS)
    assert found["metrics"].tolist() == [("p1",)]
    assert found.iloc[0]["detail_zh"] == (
        "指标p1为 60，较上月变化 -31，是该单位通常月度变化 1.81 的 17.1 倍，且不是当月各单位的共同变动，请核实。"
    )


def test_jumps_need_six_months_of_history():
    values = [90.0, 91.0, 90.0, 92.0, 60.0]  # 4 steps < 6
    assert flags_of(frame(series("U1", "p1", values))) == []


def test_counts_moving_by_one_are_not_jumps():
    values = [3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 4.0]  # usual step 0, floored at 1 for whole numbers
    assert flags_of(frame(series("U1", "f1", values))) == []


def units_with_dip(dipping: list[str]) -> pd.DataFrame:
    wiggle = [0.0, 2.0, -1.0, 1.0, 0.0, 2.0, 1.0]
    rows = []
    for i, unit in enumerate(["A", "B", "C", "D", "E", "F"]):
        level = 100.0 * (i + 1)
        values = [level + w for w in wiggle] + [level * (0.6 if unit in dipping else 1.0)]
        rows += series(unit, "f1", values)
    return frame(rows)


def test_a_dip_every_unit_shares_is_not_a_jump():
    assert flags_of(units_with_dip(["A", "B", "C", "D", "E", "F"]), ["2026-08"]) == []


def test_a_dip_one_unit_alone_takes_is_a_jump():
    assert flags_of(units_with_dip(["C"]), ["2026-08"]) == [("C", "2026-08", "jump", ("f1",))]


def test_only_the_asked_months_are_checked_and_flags_are_sorted():
    rows = [("U2", p, c, 100.0) for p in months(2) for c in ("p1", "p2", "p3")]
    rows += [("U1", p, c, 100.0) for p in months(2) for c in ("p1", "p2", "p3")]
    assert flags_of(frame(rows), ["2026-02"]) == [
        ("U1", "2026-02", "uniform_100", ("p1", "p2", "p3")),
        ("U2", "2026-02", "uniform_100", ("p1", "p2", "p3")),
    ]


def test_categorical_keys_with_unused_categories_give_the_same_flags():
    obs = frame(series("U1", "f1", [100.0, 102.0, 98.0, 101.0, 100.0, 103.0, 99.0, 1200.0]))
    cats = obs.assign(
        unit=pd.Categorical(obs["unit"], categories=["U0", "U1", "U9"]),
        period=pd.Categorical(obs["period"], categories=["2025-01", *months(8), "2027-01"]),
        metric=pd.Categorical(obs["metric"], categories=["f1", "f2", "zz"]),
    )
    assert flags_of(cats) == flags_of(obs) == [("U1", "2026-08", "jump", ("f1",))]


def test_metrics_outside_the_catalog_and_nan_are_ignored():
    obs = frame([("U1", "2026-01", "unknown", 1.0), ("U1", "2026-01", "p1", float("nan"))])
    assert quality_flags(obs, CATALOG).empty


@pytest.mark.parametrize(
    ("value", "text"), [(1234.5, "1,234.5"), (100.0, "100"), (1.10, "1.1"), (-0.001, "0"), (-2500.0, "-2,500")]
)
def test_numbers_are_printed_short(value, text):
    assert format_number(value) == text
