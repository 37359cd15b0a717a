"""A new month only a few units have reported in (issue 12, item 3): two party values of one branch for 2026-11
after twelve full months. Every place that shows the latest month renders it — the overview (library and page),
the deck and presentation mode, and ``export`` in html, pptx and xlsx — with what is missing said plainly, and no
figure computed from almost nothing (one unit of twelve) is shown as the group's."""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from analytics.figures.overview import coverage_notice, kpi_display
from analytics.reports.deck import Scope, build_deck, parse_deck
from analytics.services.exports import load_source
from analytics.stats.coverage import is_thin, usual_count
from analytics.stats.overview import D_KEY, build_overview
from analytics.store.connection import connect
from analytics.store.metrics import load_catalog
from analytics.store.snapshot import load_snapshot
from analytics.store.units import load_registry
from tests.fixtures import APP, BUSINESS, PARTY, TIMEOUT, cli

NEW = "2026-11"  # the month after the fixture's twelve (2025-11 … 2026-10), twelve branches, six metrics
TWO_PARTY_VALUES = "unit,period,metric,value\nB12,2026-11,heart_talks,21\nB12,2026-11,three_meetings_rate,92.5\n"
NOTICE_ZH = (
    "2026-11：仅 1 个单位报送了 2 项指标（此前月份最多 12 个单位、6 项指标）。本月尚未报齐：报送单位不足常规一半的"
    "数字不作为集团数，也不排名。"
)
NOTICE_EN = (
    "2026-11: only 1 unit has reported, 2 metrics (up to 12 units and 6 metrics in earlier months). The month is not "
    "complete: a figure that fewer than half the usual units are behind is not shown as a group figure, and units "
    "are not ranked."
)
HINT_ZH = "最近一个报齐的月份是 2026-10，可在侧栏把截止月份设为 2026-10 查看。"


def import_long(db: Path, tmp_path: Path, text: str) -> None:
    """Import a long-format CSV (SPEC §3 "Long") through the command line, as a planner would."""
    path = tmp_path / "new_month.csv"
    path.write_text(text, encoding="utf-8")
    done = cli("import", str(path), db=db)
    assert done.returncode == 0, done.stderr


@pytest.fixture
def partial(filled: Path, tmp_path: Path) -> Path:
    import_long(filled, tmp_path, TWO_PARTY_VALUES)
    return filled


@pytest.fixture
def one_complete(filled: Path, tmp_path: Path) -> Path:
    """B12 reports every metric of 2026-11, nobody else: one complete unit of twelve."""
    rows = "".join(f"B12,{NEW},{metric},{50.0 + i}\n" for i, metric in enumerate((*PARTY, *BUSINESS)))
    import_long(filled, tmp_path, "unit,period,metric,value\n" + rows)
    return filled


def overview_of(db: Path):
    """The overview as the page builds it: every current value, the completeness grid, the panel."""
    with connect(db, read_only=True) as con:
        catalog, registry, snapshot = load_catalog(con), load_registry(con), load_snapshot(con, db)
    grid = snapshot.completeness([(u.code, u.name) for u in registry.leaves()])
    obs = snapshot.frame()
    return build_overview(obs, catalog, registry, grid, panel=snapshot.panel, basis_obs=obs)


# ---------------------------------------------------------------- the rule


def test_a_count_is_thin_below_half_of_the_most_in_the_twelve_months_before():
    counts = {"2026-09": 12, "2026-10": 11, "2026-11": 5, "2025-09": 40}  # 2025-09: thirteen months back
    assert usual_count(counts, "2026-11") == 12
    assert is_thin(5, 12) and not is_thin(6, 12) and not is_thin(0, 12) and not is_thin(1, 0)


# ---------------------------------------------------------------- library: the overview


def test_the_overview_of_a_partial_month_says_what_is_in_and_withholds_group_figures(partial):
    result = overview_of(partial)
    assert result.period == NEW
    c = result.coverage
    assert (c.units, c.metrics, c.usual_units, c.usual_metrics, c.scored, c.last_full) == (1, 2, 12, 6, 0, "2026-10")
    assert c.partial and not c.ranking_withheld
    assert coverage_notice(c, "zh") == NOTICE_ZH + HINT_ZH
    assert coverage_notice(c, "en", hint=False) == NOTICE_EN
    cards = {k.key: k for k in result.kpis}
    rate = cards["three_meetings_rate"]  # B12's 92.5 alone is not the group's rate, nor its change
    assert (rate.value, rate.n_units, rate.usual_n_units, rate.thin) == (None, 1, 12, True)
    assert rate.mom.diff is None and rate.yoy.diff is None and rate.spark[-1] is None
    assert kpi_display(rate, "zh").caption == "2026-11 仅 1 个单位报送（此前最多 12 个），不计集团数"
    assert kpi_display(rate, "en").caption == "2026-11: only 1 of up to 12 units reported, no group figure"
    revenue = cards["revenue"]
    assert (revenue.value, revenue.n_units, revenue.thin) == (None, 0, False)
    assert kpi_display(revenue, "zh").caption == "2026-11 尚无单位报送（上月 12 个）"
    assert kpi_display(revenue, "zh").value == "—" and kpi_display(revenue, "zh").delta is None
    d = cards[D_KEY]
    assert d.value is None and d.mom.diff is None
    assert kpi_display(d, "en").caption == "2026-11: no unit has every metric yet (previous month: 12)"
    assert result.ranking.empty and result.trend["period"].iloc[-1] == "2026-10"


def test_one_complete_unit_of_twelve_is_not_ranked_nor_averaged(one_complete):
    result = overview_of(one_complete)
    c = result.coverage
    assert (c.units, c.metrics, c.scored, c.usual_scored) == (1, 6, 1, 12)
    assert c.partial and c.ranking_withheld and result.ranking.empty
    assert result.trend["period"].iloc[-1] == "2026-10"  # the mean D of one unit is not the group's trend
    d = next(k for k in result.kpis if k.key == D_KEY)
    assert (d.value, d.n_units, d.usual_n_units) == (None, 1, 12)
    assert kpi_display(d, "zh").caption == "2026-11 仅 1 个单位指标齐全（此前最多 12 个），不计平均"
    assert all(k.value is None for k in result.kpis)


# ---------------------------------------------------------------- library: the deck


def test_every_slide_of_the_deck_renders_a_partial_month_without_promoting_it(partial):
    deck = build_deck(load_source(partial), parse_deck(None), Scope(), "zh")
    kpis, ranking, quadrant = deck.slides[0], deck.slides[1], deck.slides[2]
    assert kpis.subtitle == NOTICE_ZH and kpis.notes.startswith(NOTICE_ZH)
    frame = kpis.payload.kpis.set_index("metric")
    assert frame.loc["three_meetings_rate", ["n", "usual_n"]].tolist() == [1, 12]
    assert all(math.isnan(frame.loc["three_meetings_rate", col]) for col in ("value", "mom", "yoy"))
    assert math.isnan(frame.loc[D_KEY, "value"])
    assert kpis.payload.trend["period"].iloc[-1] == "2026-10"
    assert ranking.payload.period == "2026-10" and len(ranking.payload.frame) == 12
    assert ranking.subtitle.endswith(" · 2026-11 尚未报齐，未排名")
    assert quadrant.subtitle.endswith(" · 2026-11 尚未报齐，未排名")
    unit = deck.slides[-1]
    assert unit.spec.unit == ranking.payload.frame["unit"].iloc[0]  # the top of the last full month
    assert unit.subtitle.startswith("2026-10 · 第 1 / 12 名")
    english = build_deck(load_source(partial), parse_deck("kpis"), Scope(), "en")
    assert english.slides[0].subtitle == NOTICE_EN


def test_a_unit_ranked_alone_in_a_partial_month_is_not_first_of_one(one_complete):
    deck = build_deck(load_source(one_complete), parse_deck("ranking,unit:B12"), Scope(), "zh")
    ranking, unit = deck.slides
    assert ranking.payload.period == "2026-10" and len(ranking.payload.frame) == 12
    history = unit.payload.history
    assert NEW not in set(history["period"]) and history["n_ranked"].eq(12).all()
    assert unit.subtitle.startswith("2026-10 · 第 ")


def test_a_view_of_only_the_partial_month_builds_every_slide(partial):
    deck = build_deck(load_source(partial), parse_deck(None), Scope(start=NEW), "zh")
    assert [s.kind for s in deck.slides] == ["kpis", "ranking", "quadrant", "heatmap", "findings", "scatter", "lag",
                                             "unit"]  # fmt: skip
    assert deck.slides[0].subtitle == NOTICE_ZH
    assert deck.slides[1].payload.frame.empty and deck.slides[1].subtitle.endswith(" · 2026-11 尚未报齐，未排名")
    unit = deck.slides[-1]  # no unit can be ranked, so none is the default: the slide says so
    assert (unit.title, unit.subtitle, unit.spec.unit) == ("单位画像", "当前范围内没有融合度得分", None)
    assert unit.notes == "当前范围内没有可排名的单位，无法选出默认单位；可在幻灯片设置中指定单位。"


# ---------------------------------------------------------------- the export command, every format


@pytest.mark.parametrize("view", [(), ("--from", NEW)])
def test_export_writes_every_format_of_a_partial_month(partial, tmp_path, view):
    for fmt in ("html", "pptx", "xlsx"):
        out = tmp_path / f"report.{fmt}"
        done = cli("export", "--format", fmt, "--out", str(out), *view, db=partial)
        assert done.returncode == 0, done.stderr
    assert NOTICE_ZH in (tmp_path / "report.html").read_text(encoding="utf-8")
    first = Presentation(str(tmp_path / "report.pptx")).slides[0]
    texts = [shape.text_frame.text for shape in first.shapes if shape.has_text_frame]
    assert texts[:2] == ["核心指标", NOTICE_ZH]
    table = next(shape.table for shape in first.shapes if shape.has_table)
    rows = {row.cells[0].text: [cell.text for cell in row.cells] for row in table.rows}
    assert rows["三会一课完成率"] == ["三会一课完成率", "—", "—", "—", "仅 1 个单位（此前最多 12 个），不计集团数"]
    sheet = openpyxl.load_workbook(tmp_path / "report.xlsx")["1 核心指标"]
    assert sheet["A2"].value == NOTICE_ZH


# ---------------------------------------------------------------- pages


@pytest.fixture
def app_env(partial, tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYTICS_DB", str(partial))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    return partial


def open_page(page: str, lang: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


PAGE_CASES = [
    ("zh", NOTICE_ZH + HINT_ZH, "2026-11 没有可计算融合度"),
    ("en", NOTICE_EN, "No unit can be scored for 2026-11"),
]


@pytest.mark.parametrize(("lang", "notice", "none"), PAGE_CASES)
def test_the_overview_page_renders_the_partial_month(app_env, lang, notice, none):
    at = open_page("views/overview.py", lang)
    assert any(w.value.startswith(notice) for w in at.warning)
    assert [m.value for m in at.metric] == ["—"] * 6  # five headline metrics and D
    assert any(i.value.startswith(none) for i in at.info)
    captions = [c.value for c in at.caption]
    assert ("2026-11 仅 1 个单位报送（此前最多 12 个），不计集团数" in captions) == (lang == "zh")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_presentation_mode_renders_every_slide_of_the_partial_month(app_env, lang):
    for index in range(1, 9):
        at = open_page("views/present.py", lang, slide=str(index))
        assert at.title, f"slide {index} has no title"
        if index == 1:
            subtitle = " ".join(m.value for m in at.markdown)
            assert (NOTICE_EN if lang == "en" else NOTICE_ZH) in subtitle
            assert [m.value for m in at.metric] == ["—"] * 6  # five headline metrics and D
