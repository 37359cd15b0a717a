"""The demo's reporting-cycle history (analytics.services.demo_cycles, data/DEMO.md): 2026-05 … 2026-09 closed,
2026-10 open with a mix of statuses, a return with its reason, notes, a unit sent again, an excused unit, a
restatement — every transition in the audit log, and the same content (but for times) from the same seed."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from analytics.figures.overview import coverage_notice
from analytics.periods import from_index, to_index
from analytics.services import cycles, demo_cycles, rules
from analytics.services.demo import BRANCHES, END_PERIOD, create_demo, simulate
from analytics.services.imports import Upload
from analytics.services.rules import dry_run, rule_list
from analytics.stats.overview import build_overview
from analytics.store.completeness import completeness
from analytics.store.connection import connect
from analytics.store.metrics import load_catalog
from analytics.store.observations import current_frame
from analytics.store.units import load_registry

CLOSED = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09"]
OPEN = to_index(2026, 10)
AFTER_DEADLINE = dt.date(2026, 12, 5)
PLANNER = {"BF": "张敏", "NF": "李娜", "XN": "王磊", "GC": "陈刚"}
REVIEWER = {"BF": "赵军", "NF": "孙丽", "XN": "周涛", "GC": "吴霞"}
ADMIN = "郑华"
MISSING = {"XN06", "GC05", "GC07"}
RETURN_REASON = (
    "利润总额较上月下降 57%（532.29 → 227.49 万元），请核实并补充情况说明"  # (227.49 / 532.29 − 1) = −57.3 %
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo_cycle") / "demo.duckdb"
    create_demo(path)
    return path


def value(demo: Path, unit: str, period: str, metric: str) -> float:
    with connect(demo, read_only=True) as con:
        frame = current_frame(con, units=[unit], metrics=[metric])
    return float(frame.loc[frame["period"] == period, "value"].iloc[0])


def simulated(unit: str, period: int, metric: str) -> float:
    """The demo's own value (simulate(): 40 months ending 2026-10)."""
    row = [c for c, _, _ in BRANCHES].index(unit)
    return float(simulate()[metric][row, period - OPEN - 1])


# ---------------------------------------------------------------- the months


def test_five_months_closed_and_the_last_one_open(demo: Path) -> None:
    assert demo_cycles.OPEN_MONTH == END_PERIOD == OPEN  # the open month is the demo's last
    found = cycles.months(demo)
    assert [(c.period, c.state) for c in found] == [(to_index(2026, m), "closed") for m in range(5, 10)] + [
        (OPEN, "open")
    ]
    # each month's reports are due on the 10th of the next month
    assert [c.deadline for c in found] == [dt.date(2026, m, 10) for m in range(6, 12)]
    assert {c.opened_by for c in found} == {ADMIN} and {c.closed_by for c in found[:-1]} == {ADMIN}
    assert cycles.status(demo, to_index(2026, 4)).state == "none"  # earlier months were never opened


def test_every_closed_month_is_confirmed_but_one_excused_unit(demo: Path) -> None:
    for period in range(to_index(2026, 5), OPEN):
        states = cycles.status(demo, period, today=AFTER_DEADLINE).units
        assert len(states) == 30 and not any(u.overdue for u in states)
        excused = [(u.unit, u.reason) for u in states if u.status == "excused"]
        if period == to_index(2026, 7):
            assert excused == [("GC06", "海外项目所在国雨季停工，当月无生产经营数据，经集团计划部同意免报")]
        else:
            assert excused == []
        assert all(u.status == "confirmed" and u.reviewed_by == ADMIN for u in states if u.status != "excused")
        assert all(u.by == PLANNER[u.unit[:2]] for u in states if u.status != "excused")


# ---------------------------------------------------------------- the open month


def test_the_open_month_mixes_statuses(demo: Path) -> None:
    report = cycles.status(demo, OPEN, today=AFTER_DEADLINE)
    assert (report.state, report.deadline) == ("open", dt.date(2026, 11, 10))
    by_status: dict[str, set[str]] = {}
    for u in report.units:
        by_status.setdefault(u.status, set()).add(u.unit)
    bf, nf, xn, gc = ({c for c, _, _ in BRANCHES if c.startswith(p)} for p in ("BF", "NF", "XN", "GC"))
    assert by_status == {
        "confirmed": bf,  # 北方发电: approved and confirmed
        "approved": nf | (gc - MISSING - {"GC03"}),  # 南方电力 and 工程建设 approved, awaiting HQ
        "submitted": xn - MISSING,  # 新能源: its reviewer has not started
        "returned": {"GC03"},
        "missing": MISSING,
    }
    assert report.counts() == {"confirmed": 8, "approved": 12, "submitted": 6, "returned": 1, "missing": 3}
    states = {u.unit: u for u in report.units}
    assert states["GC03"].reason == RETURN_REASON and states["GC03"].reviewed_by == REVIEWER["GC"]
    assert {u.unit for u in report.units if u.overdue} == MISSING | {"GC03"}
    assert states["NF01"].reviewed_by == REVIEWER["NF"] and states["BF01"].reviewed_by == ADMIN
    assert states["XN01"].reviewed_by is None and states["XN01"].by == PLANNER["XN"]
    on_the_day = cycles.status(demo, OPEN, today=dt.date(2026, 11, 10))
    assert not any(u.overdue for u in on_the_day.units)  # overdue only after the deadline


def test_the_return_reason_says_what_the_data_say(demo: Path) -> None:
    before, now = value(demo, "GC03", "2026-09", "total_profit"), value(demo, "GC03", "2026-10", "total_profit")
    assert (before, now) == (532.29, 227.49)
    assert round((1 - now / before) * 100) == 57


def test_missing_units_lack_the_month_and_the_overview_reads_it(demo: Path) -> None:
    with connect(demo, read_only=True) as con:
        obs, catalog, registry, grid = current_frame(con), load_catalog(con), load_registry(con), completeness(con)
    month = obs[obs["period"] == "2026-10"]
    assert set(month["unit"]) == {c for c, _, _ in BRANCHES} - MISSING
    overview = build_overview(obs, catalog, registry, grid)
    coverage = overview.coverage
    assert (coverage.period, coverage.units, coverage.usual_units, coverage.partial) == ("2026-10", 27, 30, False)
    assert coverage_notice(coverage, "zh") is None  # 27 of 30 is a month, not a partial one
    revenue = next(k for k in overview.kpis if k.key == "revenue")
    reporting = [c for c, _, _ in BRANCHES if c not in MISSING]
    now = {c: simulated(c, OPEN, "revenue") for c in reporting}
    before = {c: simulated(c, OPEN - 1, "revenue") for c in reporting}
    both = [c for c in reporting if not np.isnan(now[c]) and not np.isnan(before[c])]
    assert revenue.n_units == sum(not np.isnan(v) for v in now.values()) == 26  # and one scattered blank
    assert revenue.mom.n_units == len(both) == 26  # like for like: the units of both months
    expected = [sum(now[c] for c in both), sum(before[c] for c in both)]
    np.testing.assert_allclose([revenue.mom.now, revenue.mom.before], expected, rtol=1e-12)


# ---------------------------------------------------------------- notes, a unit sent again, the restatement


def test_notes_go_with_the_values(demo: Path) -> None:
    notes = rules.notes(demo)
    xn04 = notes[(notes["unit"] == "XN04") & (notes["metric"] == "new_contracts")]
    assert xn04[["period", "note", "author"]].values.tolist() == [
        [OPEN, "本月新签合同额为 0（上月 1,737.07 万元）：上月为季度末集中签约，本月在谈项目尚未签约", PLANNER["XN"]]
    ]
    assert value(demo, "XN04", "2026-10", "new_contracts") == 0.0
    assert value(demo, "XN04", "2026-09", "new_contracts") == 1737.07
    resent = notes[(notes["unit"] == "NF02") & (notes["note"] == "已按财务快报更正（原误沿用上月数）")]
    assert resent[["period", "metric", "author"]].values.tolist() == [[to_index(2026, 9), "output_value", "李娜"]]
    # every other note explains a value far from its unit's history, as the import asks in a cycle month
    others = notes.drop(index=[*xn04.index, *resent.index])
    assert len(others) > 0 and set(others["note"]) == {"本月数与往月差异较大，已与原始台账核对无误"}
    assert (others["period"] >= to_index(2026, 5)).all()


def test_the_unit_sent_again_after_its_return(demo: Path) -> None:
    """NF02's 2026-09 产值 first repeated August's; returned, sent again corrected, approved, confirmed."""
    august, september = simulated("NF02", OPEN - 2, "output_value"), simulated("NF02", OPEN - 1, "output_value")
    with connect(demo, read_only=True) as con:
        history = con.execute(
            "SELECT o.value, b.user_name FROM observations o JOIN batches b ON b.id = o.batch_id "
            "JOIN units u ON u.uid = o.uid JOIN metrics m ON m.mid = o.mid "
            "WHERE u.code = 'NF02' AND m.code = 'output_value' AND o.period = ? ORDER BY o.batch_id",
            [to_index(2026, 9)],
        ).fetchall()
    assert history == [(august, "李娜"), (september, "李娜")]
    assert value(demo, "NF02", "2026-09", "output_value") == september
    returns = [e for e in unit_status_entries(demo) if e["action"] == "return" and e["period"] == "2026-09"]
    assert [(e["actor"], e["units"], e["reason"]) for e in returns] == [
        (REVIEWER["NF"], ["NF02"], f"产值与上月完全相同（均为 {august:,.2f} 万元），疑为沿用上月数，请核实后重报")
    ]


def test_the_restatement_of_june(demo: Path) -> None:
    found = cycles.restated(demo)
    assert found[["reason", "period", "user_name"]].values.tolist() == [
        ["2026-06 北方热电厂营业收入、利润总额误沿用 5 月数，据半年度财务决算更正", to_index(2026, 6), ADMIN]
    ]
    june, may = to_index(2026, 6), to_index(2026, 5)
    with connect(demo, read_only=True) as con:
        rows = con.execute(
            "SELECT b.id, b.n_changed, b.observations FROM batches b WHERE b.id = ?", [int(found["batch_id"][0])]
        ).fetchall()
        written = con.execute(
            "SELECT m.code, o.value FROM observations o JOIN units u ON u.uid = o.uid JOIN metrics m ON m.mid = o.mid "
            "WHERE u.code = 'BF03' AND o.period = ? AND m.code IN ('revenue', 'total_profit') "
            "ORDER BY o.batch_id, m.code",
            [june],
        ).fetchall()
    assert [r[1:] for r in rows] == [(2, 2)]  # two values changed
    first = [("revenue", simulated("BF03", may, "revenue")), ("total_profit", simulated("BF03", may, "total_profit"))]
    fixed = [("revenue", simulated("BF03", june, "revenue")), ("total_profit", simulated("BF03", june, "total_profit"))]
    assert written == first + fixed  # first copied from May, then restated to June's own figures
    assert value(demo, "BF03", "2026-06", "revenue") == fixed[0][1]


def test_a_value_that_needs_a_note_gets_one_and_goes_again(demo: Path, tmp_path: Path) -> None:
    """The story's fallback when its own guess of the values far from history misses one: the upload is rejected
    for a note, the planner writes one on that value and uploads again."""
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(demo, copy)
    story = demo_cycles._Story(copy, None)  # type: ignore[arg-type]  (the reports are not needed to upload)
    upload = Upload("XN01_重报.csv", b"unit,period,metric,value\nXN01,2026-10,revenue,999999\n")
    story._upload(upload, PLANNER["XN"])
    notes = rules.notes(copy)
    assert notes.loc[notes["unit"] == "XN01", ["period", "metric", "note"]].values.tolist()[-1] == [
        OPEN,
        "revenue",
        "本月数与往月差异较大，已与原始台账核对无误",
    ]
    assert value(copy, "XN01", "2026-10", "revenue") == 999999.0


# ---------------------------------------------------------------- the audit log


def unit_status_entries(demo: Path) -> list[dict]:
    with connect(demo, read_only=True) as con:
        rows = con.execute("SELECT actor, details FROM audit_log WHERE action = 'unit_status' ORDER BY id").fetchall()
    return [{"actor": actor, **json.loads(details)} for actor, details in rows]


def test_every_transition_is_audited(demo: Path) -> None:
    """Replaying the audit log's status changes gives every stored status, reviewer and reason; each change starts
    from the status the one before left; each is made by the person whose job it is."""
    entries = unit_status_entries(demo)
    # per month: 4 uploads, 4 approvals, 1 confirmation; 2026-07 an excuse, 2026-09 a return and the unit sent
    # again; 2026-10 4 uploads, a return, 3 approvals, 1 confirmation
    assert len(entries) == 9 * 3 + 10 + 11 + 9
    replayed: dict[tuple[str, str], tuple[str, str | None, str | None]] = {}
    for e in entries:
        for unit in e["units"]:
            before = replayed.get((e["period"], unit), ("missing", None, None))[0]
            assert e["from"].get(unit, "missing") == before, (e, unit)
            reviewer = None if e["action"] == "submit" else e["actor"]
            replayed[(e["period"], unit)] = (e["status"], reviewer, e.get("reason"))
        role = {"submit": PLANNER, "approve": REVIEWER, "return": REVIEWER}.get(e["action"])
        expected = {role[u[:2]] for u in e["units"]} if role else {ADMIN}
        assert {e["actor"]} == expected, e
    for period in [*CLOSED, "2026-10"]:
        for u in cycles.status(demo, to_index(int(period[:4]), int(period[5:]))).units:
            stored = (u.status, u.reviewed_by, u.reason)
            assert replayed.get((period, u.unit), ("missing", None, None)) == stored, (period, u.unit)
    with connect(demo, read_only=True) as con:
        counts = dict(
            con.execute(
                "SELECT action, count(*) FROM audit_log WHERE action IN "
                "('cycle_open', 'cycle_close', 'review_refused') GROUP BY action"
            ).fetchall()
        )
    assert counts == {"cycle_open": 6, "cycle_close": 5}  # and nothing refused


# ---------------------------------------------------------------- the same seed, the same history


def test_the_same_seed_makes_the_same_history(demo: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.duckdb"
    create_demo(again)

    def content(db: Path) -> tuple:
        statuses = [
            (c.period, c.state, c.deadline, [(u.unit, u.status, u.batch_id, u.by, u.reviewed_by, u.reason)
                                             for u in cycles.status(db, c.period).units])
            for c in cycles.months(db)
        ]  # fmt: skip
        with connect(db, read_only=True) as con:
            values = current_frame(con)
            batches = con.execute(
                "SELECT id, user_name, observations, n_new, n_changed FROM batches ORDER BY id"
            ).fetchall()
            audit = con.execute("SELECT actor, action FROM audit_log ORDER BY id").fetchall()
        notes = rules.notes(db).drop(columns=["written_at"]).values.tolist()
        restated = cycles.restated(db).drop(columns=["created_at"]).values.tolist()
        return statuses, values.values.tolist(), batches, audit, notes, restated

    assert content(again) == content(demo)


def test_the_cross_checks_the_group_set_up_and_what_they_flag(demo: Path) -> None:
    """Three rules after the cycles: R01 (profit ≤ revenue) holds on every stored value; R03 (labour productivity
    ≈ revenue × 12 ÷ headcount within 15 %) flags the months a hand count over the stored values finds."""
    assert [r.code for r in rule_list(demo)] == ["R01", "R02", "R03"]
    with connect(demo, read_only=True) as con:
        wide = con.execute(
            "SELECT u.code AS unit, u.headcount, c.period, m.code AS metric, c.value FROM current c "
            "JOIN units u USING (uid) JOIN metrics m USING (mid) "
            "WHERE m.code IN ('total_profit', 'revenue', 'labour_productivity')"
        ).df()
    table = wide.pivot_table(index=["unit", "headcount", "period"], columns="metric", values="value").reset_index()
    year = table[(table["period"] >= to_index(2026, 1)) & (table["period"] <= to_index(2026, 10))].dropna()
    right = year["revenue"] * 12 / year["headcount"]
    hand = year[(year["labour_productivity"] - right).abs() > 0.15 * right.abs()]
    r03 = dry_run(demo, "R03", to_index(2026, 1), to_index(2026, 10))
    assert r03.checked == len(year) and len(r03.flagged) == len(hand) > 0
    assert sorted(zip(r03.flagged["unit"], r03.flagged["period"], strict=True)) == sorted(
        zip(hand["unit"], [from_index(int(p)) for p in hand["period"]], strict=True)
    )
    assert dry_run(demo, "R01").flagged.empty
