"""The demo group (演示数据): a fictional energy group with effects planted on purpose (documented in data/DEMO.md).

The data is synthetic and reproducible: every metric draws from its own random stream of the seed, so changing one
metric's recipe leaves the others as they were. It is written through the real import path, one workbook per month
(the history back-filled a calendar year per upload, then one upload a month), so the demo also exercises
the reader and multi-file uploads: most months are the wide .xlsx layout; one month splits party and
business metrics over two sheets next to an instructions sheet; one carries a 合计 row and percentage-formatted
cells; two are CSV files (UTF-8 with BOM) with a 月份 column and thousands separators. The last six months run as
monthly reporting cycles, each subsidiary's planner uploading its branches (analytics.services.demo_cycles).
"""

from __future__ import annotations

import csv
import io
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import xlsxwriter

from analytics.errors import AnalyticsError
from analytics.model.catalog import Catalog, Metric, default_metrics
from analytics.periods import from_index, to_index
from analytics.services import demo_cycles
from analytics.services.imports import Upload, run_import
from analytics.services.rules import import_rules_text
from analytics.settings import history_ratio, history_window
from analytics.store.batches import batch_count
from analytics.store.connection import connect, set_meta
from analytics.store.metrics import load_catalog
from analytics.store.observations import current_count, shortest
from analytics.store.units import save_units, unit_count

DEFAULT_MONTHS, DEFAULT_SEED = 40, 3  # chosen so the documented non-effects hold (data/DEMO.md)
END_PERIOD = to_index(2026, 10)  # the demo's last month
MIN_MONTHS, MAX_MONTHS = 24, 120
DEMO_USER = "demo"
GROUP = ("JT00", "示范能源集团（演示）")
SUBSIDIARIES = (("BF00", "北方发电公司"), ("NF00", "南方电力公司"), ("XN00", "新能源公司"), ("GC00", "工程建设公司"))
BRANCHES = (  # code, name, headcount; the parent is the subsidiary whose code has the same two-letter prefix
    ("BF01", "北方第一发电厂", 2600), ("BF02", "北方第二发电厂", 1850), ("BF03", "北方热电厂", 1200),
    ("BF04", "北方燃气发电厂", 420), ("BF05", "检修分公司", 680), ("BF06", "北方燃料分公司", 150),
    ("BF07", "北方煤电分公司", 3000), ("BF08", "北方物资分公司", 95),
    ("NF01", "南方火电厂", 2200), ("NF02", "南方水电厂", 520), ("NF03", "检修分公司", 760),
    ("NF04", "南方售电分公司", 140), ("NF05", "南方综合能源分公司", 260), ("NF06", "南方港口电厂", 1450),
    ("NF07", "南方调峰电厂", 330),
    ("XN01", "风电一分公司", 180), ("XN02", "风电二分公司", 120), ("XN03", "光伏分公司", 90),
    ("XN04", "储能分公司", 80), ("XN05", "海上风电分公司", 310), ("XN06", "氢能示范项目部", 110),
    ("XN07", "新能源运维分公司", 230),
    ("GC01", "第一工程项目部", 950), ("GC02", "第二工程项目部", 640), ("GC03", "安装分公司", 1100),
    ("GC04", "设计分公司", 380), ("GC05", "调试分公司", 210), ("GC06", "海外项目部", 470),
    ("GC07", "储能电站建设项目部", 160), ("GC08", "城市管网项目部", 290),
)  # fmt: skip
LATE_UNIT, LATE_START = "GC07", to_index(2025, 3)  # a new 项目部 that reports from 2025-03 on
SILENT_SUBSIDIARY, SILENT_METRIC = "GC", "energy_per_output"  # 工程建设公司 never reports 万元产值综合能耗
MISSING_SHARE = 0.005  # scattered blank cells (real monthly reports are nearly complete)
# The month of 春节 (Chinese New Year's Day) each year: the Spring Festival dip falls in it.
SPRING_FESTIVAL_MONTH = {2016: 2, 2017: 1, 2018: 2, 2019: 2, 2020: 1, 2021: 2, 2022: 2, 2023: 1, 2024: 2,
                         2025: 1, 2026: 2}  # fmt: skip
CSV_MONTHS = (to_index(2024, 6), to_index(2025, 9))  # sent as CSV with a 月份 column
TWO_SHEET_MONTH, TOTALS_MONTH = to_index(2025, 12), to_index(2026, 4)
MONTHLY_TAIL = 12  # the last months are uploaded one by one; earlier ones back-filled a calendar year at a time

# Planted effects (data/DEMO.md explains each).
LEAD_EFFECT, LEAD_LAG = 0.25, 2  # quality_pass_rate points per SD of a unit's vanguard_posts deviation 2 months before
INTEGRITY_EFFECT = 0.5  # violations' rate × exp(−0.5) per SD of a unit's integrity_education deviation, same month
FESTIVAL_DIP = {"revenue": 0.78, "output_value": 0.75}  # × in the 春节 month
# the same amount off in every unit in the 春节 month (unit-level joint activities are cancelled, not each 支部's)
FESTIVAL_DROP = {"theme_party_days": 3, "heart_talks": 15, "study_hours_per_member": 1.6, "labour_productivity": 24.0}
REVENUE_PER_HEAD = {"BF": 9.0, "NF": 8.0, "XN": 14.0, "GC": 5.0}  # 万元 per employee and month
ENERGY_INTENSITY = {"BF": 3.2, "NF": 2.6, "XN": 0.08, "GC": 0.05}  # 吨标准煤/万元
RD_INTENSITY = {"BF": 1.8, "NF": 1.8, "XN": 4.5, "GC": 1.2}  # % of revenue
ANNUAL_GROWTH = 1.05  # revenue, contracts and labour productivity grow 5 % a year


class DemoRefused(AnalyticsError):
    """The database already holds units or batches: the demo only goes into a new or empty database."""

    code = "demo.not_empty"


def demo_units() -> list[dict[str, object]]:
    """The registry rows (code, name, parent_code, headcount); a parent's headcount is its branches' sum."""
    heads = {prefix: sum(h for c, _, h in BRANCHES if c[:2] == prefix) for prefix in {c[:2] for c, _, _ in BRANCHES}}
    rows: list[dict[str, object]] = [
        {"code": GROUP[0], "name": GROUP[1], "parent_code": None, "headcount": float(sum(heads.values()))}
    ]
    rows += [
        {"code": code, "name": name, "parent_code": GROUP[0], "headcount": float(heads[code[:2]])}
        for code, name in SUBSIDIARIES
    ]
    rows += [
        {"code": code, "name": name, "parent_code": f"{code[:2]}00", "headcount": float(h)}
        for code, name, h in BRANCHES
    ]
    return rows


def festival_months(periods: np.ndarray) -> np.ndarray:
    """True for each month index that holds that year's Spring Festival (春节)."""
    return np.array([SPRING_FESTIVAL_MONTH.get(int(p) // 12) == int(p) % 12 + 1 for p in periods])


class _Draws:
    """Random draws shaped [branch, month] and the branch attributes every metric recipe is built from."""

    def __init__(self, periods: np.ndarray, seed: int):
        self.seed, self.shape = seed, (len(BRANCHES), len(periods))
        self.heads = np.array([h for _, _, h in BRANCHES], dtype=float)[:, None]
        self.subsidiary = np.array([c[:2] for c, _, _ in BRANCHES])[:, None]
        self.festival = festival_months(periods)[None, :].astype(float)
        self.years = ((periods - periods[-1]) / 12.0)[None, :]  # ≤ 0: years before the last month
        self.growth = ANNUAL_GROWTH**self.years
        self.use("branches")
        self.per_head = self.by_subsidiary(REVENUE_PER_HEAD) * self.unit(0.8, 1.25)

    def use(self, stream: str) -> _Draws:
        """Switch to the named stream of the seed (one per metric)."""
        self.rng = np.random.default_rng([self.seed, zlib.crc32(stream.encode())])
        return self

    def z(self) -> np.ndarray:
        return self.rng.standard_normal(self.shape)

    def unit(self, low: float, high: float) -> np.ndarray:
        """A per-branch level, uniform in [low, high), stable over the months."""
        return self.rng.uniform(low, high, (self.shape[0], 1))

    def counts(self, mean: float | np.ndarray) -> np.ndarray:
        return self.rng.poisson(np.broadcast_to(np.maximum(mean, 0.0), self.shape)).astype(float)

    def relative_sd(self, at_900: float, cap: float) -> np.ndarray:
        """A relative noise SD that shrinks like 1/sqrt(headcount) (many small contributions), capped for small
        units: the absolute noise then grows like sqrt(headcount), as counts do, so big units do not swamp."""
        return np.minimum(cap, at_900 * np.sqrt(900 / self.heads))

    def by_subsidiary(self, table: dict[str, float]) -> np.ndarray:
        return np.vectorize(table.__getitem__)(self.subsidiary).astype(float)

    def dip(self, metric: str) -> np.ndarray:
        return 1.0 - (1.0 - FESTIVAL_DIP[metric]) * self.festival

    def drop(self, metric: str) -> np.ndarray:
        return FESTIVAL_DROP[metric] * self.festival


def _deviation(values: np.ndarray) -> np.ndarray:
    """Each branch's standardised deviation from its own mean (the within-unit signal of a planted effect)."""
    centred = values - values.mean(axis=1, keepdims=True)
    return centred / np.maximum(centred.std(axis=1, keepdims=True), 1e-9)


def _lagged(values: np.ndarray, lag: int) -> np.ndarray:
    """values[:, t − lag] at month t (zero before the first month)."""
    out = np.zeros_like(values)
    out[:, lag:] = values[:, : values.shape[1] - lag]
    return out


def _revenue(d: _Draws) -> np.ndarray:
    return d.heads * d.per_head * d.growth * d.dip("revenue") * np.exp(d.relative_sd(0.05, 0.08) * d.z())


def _capped(level: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """A percentage that sits near its cap: level + noise, never above 100."""
    return np.minimum(100.0, level + noise)


Recipe = Callable[[_Draws, dict[str, np.ndarray]], np.ndarray]
# One recipe per metric code, in dependency order; ``v`` holds the metrics already made (unrounded).
RECIPES: dict[str, Recipe] = {
    "pre_review_coverage": lambda d, v: _capped(d.unit(93, 99.5), 1.5 * d.z()),
    "central_group_study": lambda d, v: d.counts(1.2),
    "ideology_reviews": lambda d, v: d.counts(0.5),
    "publicity_articles": lambda d, v: np.round(d.heads / 80) + d.counts(4.0),
    "three_meetings_rate": lambda d, v: _capped(d.unit(95, 99.8), d.z()),
    # a routine quota per member, plus unit-organised talks that stop in the 春节 month
    "heart_talks": lambda d, v: (
        np.round(0.18 * d.heads) + d.counts(FESTIVAL_DROP["heart_talks"] - d.drop("heart_talks"))
    ),
    "dues_on_time_rate": lambda d, v: _capped(d.unit(98.5, 100.5), 0.4 * d.z()),
    "new_members": lambda d, v: np.round(d.heads / 1500) + d.counts(1.0),
    "branch_standard_rate": lambda d, v: _capped(d.unit(84, 97), 1.2 * d.z()),
    "study_hours_per_member": lambda d, v: d.unit(3.5, 6.5) + 0.6 * d.z() - d.drop("study_hours_per_member"),
    # one per 党支部 (about 45 employees each), plus unit-level joint ones that stop in the 春节 month
    "theme_party_days": lambda d, v: (
        np.round(d.heads / 45) + d.counts(FESTIVAL_DROP["theme_party_days"] - d.drop("theme_party_days"))
    ),
    # a quota per employee plus a few unit-organised events whose size does not depend on the unit's
    "volunteer_hours": lambda d, v: 0.45 * d.heads + 24 * d.counts(2.5) * np.exp(0.2 * d.z()),
    "vanguard_posts": lambda d, v: np.maximum(0, np.round(d.heads / 40 + 2 + 1.5 * d.z())),
    "responsibility_zones": lambda d, v: np.round(d.heads / 60 + d.unit(0, 3) + 0.5 * d.z()),
    "commando_projects": lambda d, v: np.round(d.heads / 500) + d.counts(1.5),
    "suggestions": lambda d, v: np.round(d.heads / 12) + 6 * d.counts(2.0),
    "suggestion_adoption_rate": lambda d, v: d.unit(35, 65) + 6 * d.z(),
    "integrity_education": lambda d, v: np.round(1 + d.heads / 1000) + d.counts(2.0),
    "rectification_rate": lambda d, v: _capped(d.unit(85, 99), 2.5 * d.z()),
    "violations": lambda d, v: d.counts(
        (0.5 + d.heads / 4000) * d.unit(0.8, 1.2) * np.exp(-INTEGRITY_EFFECT * _deviation(v["integrity_education"]))
    ),
    "revenue": lambda d, v: _revenue(d),
    "output_value": lambda d, v: (
        v["revenue"] / d.dip("revenue") * d.dip("output_value") * 1.06 * np.exp(d.relative_sd(0.03, 0.05) * d.z())
    ),
    # contracts signed: a Poisson number of them, each worth about 80 employees' monthly revenue
    "new_contracts": lambda d, v: d.rng.gamma(4 * d.counts(1 + d.heads / 100), 20 * d.per_head * d.growth),
    "plan_completion_rate": lambda d, v: d.unit(96, 104) + 3 * d.z(),
    "safety_accidents": lambda d, v: d.counts(d.heads / 6000),
    "quality_pass_rate": lambda d, v: np.minimum(
        99.99, d.unit(96.5, 98.8) + 0.45 * d.z() + LEAD_EFFECT * _lagged(_deviation(v["vanguard_posts"]), LEAD_LAG)
    ),
    "rd_intensity": lambda d, v: np.maximum(0.1, d.by_subsidiary(RD_INTENSITY) * d.unit(0.7, 1.3) + 0.3 * d.z()),
    "patents": lambda d, v: d.counts(0.8),
    "total_profit": lambda d, v: v["revenue"] * (d.unit(0.03, 0.12) + d.relative_sd(0.015, 0.03) * d.z()),
    "debt_asset_ratio": lambda d, v: d.unit(45, 72) + 0.3 * d.years + 0.4 * d.z(),
    "roe": lambda d, v: 6.5 + 2.5 * d.z(),  # pure noise: no unit level, no season, no link
    "labour_productivity": lambda d, v: 12 * d.per_head * d.growth - d.drop("labour_productivity") + 6 * d.z(),
    "operating_cash_ratio": lambda d, v: d.unit(5, 25) + 8 * d.z(),
    "cost_expense_ratio": lambda d, v: d.unit(86, 95) + 1.5 * d.z(),
    "energy_per_output": lambda d, v: d.by_subsidiary(ENERGY_INTENSITY) * d.unit(0.85, 1.15) * np.exp(0.04 * d.z()),
    "staff_turnover_rate": lambda d, v: d.unit(0.2, 1.2) * np.exp(0.3 * d.z()),
}


def simulate(
    months: int = DEFAULT_MONTHS, seed: int = DEFAULT_SEED, catalog: Catalog | None = None
) -> dict[str, np.ndarray]:
    """The demo values: metric code → array [branch (BRANCHES order), month], months ending at END_PERIOD.

    Only metrics of ``catalog`` (default: the shipped catalog) are made; values are rounded to 2 decimals as a
    planner would type them and kept inside each metric's valid range. NaN marks a blank: ~3% scattered at random,
    the silent subsidiary's metric, and the late unit's months before it starts.
    """
    if not MIN_MONTHS <= months <= MAX_MONTHS:
        raise ValueError(f"months must be {MIN_MONTHS}..{MAX_MONTHS}, not {months}")
    catalog = catalog or Catalog(tuple(default_metrics()))
    periods = np.arange(END_PERIOD - months + 1, END_PERIOD + 1)
    d = _Draws(periods, seed)
    made: dict[str, np.ndarray] = {}
    for code, recipe in RECIPES.items():
        made[code] = np.broadcast_to(recipe(d.use(code), made), d.shape).astype(float)
    late = np.array([c == LATE_UNIT for c, _, _ in BRANCHES])[:, None] & (periods < LATE_START)[None, :]
    out = {}
    for metric in catalog.metrics:
        if metric.code not in made:
            continue
        low = -np.inf if metric.min is None else metric.min
        high = np.inf if metric.max is None else metric.max
        blank = d.use(f"blank:{metric.code}").rng.random(d.shape) < MISSING_SHARE
        blank |= late | ((d.subsidiary == SILENT_SUBSIDIARY) & (metric.code == SILENT_METRIC))
        out[metric.code] = np.where(blank, np.nan, np.clip(np.round(made[metric.code], 2), low, high))
    return out


# ---------------------------------------------------------------- monthly workbooks


def _header(metric: Metric) -> str:
    return f"{metric.name_zh}（{metric.unit}）"


def _month_rows(values: dict[str, np.ndarray], t: int) -> list[tuple[str, str, dict[str, float]]]:
    """(code, name, {metric: value}) of the branches that report in month position t (blanks left out)."""
    rows = []
    for i, (code, name, _) in enumerate(BRANCHES):
        cells = {m: float(a[i, t]) for m, a in values.items() if not np.isnan(a[i, t])}
        if cells:
            rows.append((code, name, cells))
    return rows


def _xlsx(period: int, rows: list, metrics: list[Metric], two_sheets: bool, totals: bool) -> bytes:
    """The wide monthly report; ``two_sheets``: 党建 and 经营 sheets plus instructions; ``totals``: a 合计 row and
    percentage metrics stored as fractions in percentage-formatted cells."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    percent = book.add_format({"num_format": "0.00%"})
    year, month = divmod(period, 12)
    title = f"{year}年{month + 1}月党建与生产经营月报（演示数据）"
    parts = [("月报", metrics)]
    if two_sheets:
        parts = [("党建", [m for m in metrics if m.category == "party"]),
                 ("经营", [m for m in metrics if m.category != "party"])]  # fmt: skip
    for sheet_name, columns in parts:
        sheet = book.add_worksheet(sheet_name)
        sheet.write(0, 0, title)
        sheet.write_row(2, 0, ["序号", "单位编码", "单位名称", *(_header(m) for m in columns)])
        for r, (code, name, cells) in enumerate(rows, start=3):
            sheet.write_row(r, 0, [r - 2, code, name])
            for c, m in enumerate(columns, start=3):
                if m.code in cells and totals and m.is_percent:
                    sheet.write_number(r, c, cells[m.code] / 100, percent)
                elif m.code in cells:
                    sheet.write_number(r, c, cells[m.code])
        if totals:
            sums = [sum(cells.get(m.code, 0.0) for *_, cells in rows) if m.rollup == "sum" else None for m in columns]
            sheet.write_row(3 + len(rows), 1, ["合计", "", *sums])
    if two_sheets:
        book.add_worksheet("填报说明").write(0, 0, "演示数据：每个单位一行，空白表示未报送。")
    book.close()
    return out.getvalue()


def _csv(period: int, rows: list, metrics: list[Metric]) -> bytes:
    """The wide report as CSV (UTF-8 with BOM) with a 月份 column; 万元 amounts with thousands separators."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["单位编码", "单位名称", "月份", *(_header(m) for m in metrics)])
    for code, name, cells in rows:
        shown = [
            "" if m.code not in cells else f"{cells[m.code]:,.2f}" if m.unit == "万元" else shortest(cells[m.code])
            for m in metrics
        ]
        writer.writerow([code, name, from_index(period), *shown])
    return out.getvalue().encode("utf-8-sig")


def monthly_uploads(values: dict[str, np.ndarray], catalog: Catalog, last: int = END_PERIOD) -> list[Upload]:
    """One file per month up to ``last``, in month order, in the format that month is sent in (see the module
    docstring)."""
    months = next(iter(values.values())).shape[1]
    metrics = [m for m in catalog.metrics if m.code in values]
    uploads = []
    for t, period in enumerate(range(END_PERIOD - months + 1, last + 1)):
        year, month = divmod(period, 12)
        name = f"{year}年{month + 1:02d}月月报"
        rows = _month_rows(values, t)
        if period in CSV_MONTHS:
            uploads.append(Upload(f"{name}.csv", _csv(period, rows, metrics)))
        else:
            content = _xlsx(period, rows, metrics, period == TWO_SHEET_MONTH, period == TOTALS_MONTH)
            uploads.append(Upload(f"{name}.xlsx", content))
    return uploads


def upload_batches(uploads: list[Upload], first_monthly: int | None = None) -> list[list[Upload]]:
    """How the months reach the database: the history back-filled one calendar year per upload, then from
    position ``first_monthly`` (default: the last MONTHLY_TAIL months) one upload each, as planners do once the
    system is in use."""
    first_monthly = len(uploads) - MONTHLY_TAIL if first_monthly is None else first_monthly
    groups: dict[object, list[Upload]] = {}
    for i, upload in enumerate(uploads):
        key = upload.name[:4] if i < first_monthly else upload.name
        groups.setdefault(key, []).append(upload)
    return list(groups.values())


# ---------------------------------------------------------------- creating the demo database


def _check_empty(db: str | Path | None) -> Catalog:
    """The database's catalog; raises DemoRefused when it holds units or batches."""
    with connect(db) as con:
        units, batches, catalog = unit_count(con), batch_count(con), load_catalog(con)
    if units or batches:
        raise DemoRefused()
    return catalog


def cycle_reports(values: dict[str, np.ndarray], catalog: Catalog) -> demo_cycles.Reports:
    """The demo's values as the cycle history needs them: the subsidiaries' branches, one value, and the wide
    monthly workbook of some branches of a month (a subsidiary's upload), with the story's slips patched in."""
    first = END_PERIOD - next(iter(values.values())).shape[1] + 1
    row = {code: i for i, (code, _, _) in enumerate(BRANCHES)}
    metrics = [m for m in catalog.metrics if m.code in values]

    def value(unit: str, period: int, metric: str) -> float:
        return float(values[metric][row[unit], period - first])

    def workbook(name: str, period: int, units: Sequence[str], patch: demo_cycles.Patch) -> Upload:
        rows = [
            (code, branch, cells | {m: v for (u, m), v in patch.items() if u == code})
            for code, branch, cells in _month_rows(values, period - first)
            if code in units
        ]
        return Upload(name, _xlsx(period, rows, metrics, False, False))

    def unusual(period: int) -> frozenset[tuple[str, str]]:
        """The values the import will ask a note for: as far from the branch's median of the months before as
        the import's own check (settings history_ratio and history_window)."""
        t, ratio = period - first, history_ratio()
        found = set()
        for metric, a in values.items():
            usual = _usual(a[:, max(0, t - history_window()) : t])
            now = a[:, t]
            with np.errstate(invalid="ignore"):
                far = (usual > 0) & (now > 0) & ((now >= ratio * usual) | (now * ratio <= usual))
            found |= {(BRANCHES[i][0], metric) for i in np.flatnonzero(far)}
        return frozenset(found)

    subsidiaries = {code: (name, tuple(c for c, _, _ in BRANCHES if c[:2] == code[:2])) for code, name in SUBSIDIARIES}
    return demo_cycles.Reports(subsidiaries, value, workbook, unusual)


def _usual(window: np.ndarray) -> np.ndarray:
    """Each branch's median over ``window`` [branch, month] (NaN without a value)."""
    out = np.full(window.shape[0], np.nan)
    some = ~np.isnan(window).all(axis=1)
    out[some] = np.nanmedian(window[some], axis=1)
    return out


# The cross-checks (勾稽关系) the demo group sets up once its first cycles have run: R01 holds everywhere, R03
# (labour productivity is annualised monthly revenue per head, within 15 %) flags some values of every year — the
# rules page's dry run shows them — and values it flags in a month under a cycle need a note from then on.
DEMO_RULES = "\n".join(
    [
        "code,left,op,right,tolerance,severity,message_zh,message_en",
        "R01,total_profit,<=,revenue,0,error,利润总额不应超过营业收入,Total profit should not exceed revenue",
        "R02,output_value,>=,revenue * 0.5,0,warning,总产值低于营业收入的一半，请核实口径,"
        "Output value is below half of revenue: check the basis",
        "R03,labour_productivity,=,revenue * 12 / headcount,0.15,warning,"
        "全员劳动生产率（年化）应约等于月营业收入×12÷职工人数,"
        "Labour productivity (annualised) should be about monthly revenue × 12 ÷ headcount",
        "",
    ]
)


def create_demo(db: str | Path | None, months: int = DEFAULT_MONTHS, seed: int = DEFAULT_SEED) -> dict[str, object]:
    """Create the demo group in a new or empty database and mark it as demo data (meta ``demo`` = ``1``).

    Registers the group (root, 4 subsidiaries, 30 branches), then imports one workbook per month (``months``
    months ending 2026-10) through the real import as user ``demo``: earlier years one upload (batch) per calendar
    year, then one batch a month up to 2026-04; the last six months run as reporting cycles
    (analytics.services.demo_cycles: 2026-05 … 2026-09 closed, 2026-10 open; each subsidiary's planner uploads its
    branches, plus one upload sent again and one restatement: 35 batches by default; ~5 s). Raises DemoRefused
    when the database already holds units or batches, ValueError for a months count outside 24..120, and
    RuntimeError (with the import's errors) should a month be rejected. Returns a JSON-able summary.
    """
    started = time.perf_counter()
    catalog = _check_empty(db)
    values = simulate(months, seed, catalog)
    with connect(db) as con:
        save_units(con, demo_units())
    before_cycles = monthly_uploads(values, catalog, last=demo_cycles.FIRST_MONTH - 1)
    for uploads in upload_batches(before_cycles, first_monthly=months - MONTHLY_TAIL):
        result = run_import(db, uploads, user=DEMO_USER)
        if result.status != "committed":
            problems = "; ".join(f"{i.location} {i.code}: {i.message_en}" for i in result.errors)
            raise RuntimeError(f"demo upload {uploads[0].name}… was {result.status}: {problems}")
    history = demo_cycles.play(db, cycle_reports(values, catalog))
    rules = import_rules_text(db, DEMO_RULES, demo_cycles.ADMIN.name, "勾稽规则.csv")  # after the cycles: see DEMO.md
    with connect(db) as con:
        set_meta(con, "demo", "1")
        observations, batches = current_count(con), batch_count(con)
    return {
        "units": len(demo_units()),
        "reporting_units": len(BRANCHES),
        "months": months,
        "from": from_index(END_PERIOD - months + 1),
        "to": from_index(END_PERIOD),
        "batches": batches,
        "observations": observations,
        "cycles": history,
        "rules": len(rules),
        "seed": seed,
        "seconds": round(time.perf_counter() - started, 2),
    }
