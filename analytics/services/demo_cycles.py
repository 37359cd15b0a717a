"""The demo group's reporting-cycle history (SPEC §8): its last six months run as monthly cycles, as a group that
started the cycle with the 2026-05 reports would have them (documented in data/DEMO.md).

- 2026-05 … 2026-09 are closed. Each month HQ's admin opens the cycle with a deadline (the 10th of the next
  month); each subsidiary's planner uploads its branches' workbook; the subsidiary's reviewer approves; the admin
  confirms and closes. On the way: in 2026-07 ``GC06`` 海外项目部 sends nothing and is excused (免报, with a reason);
  in 2026-09 the reviewer returns ``NF02``, whose figure repeated the month before's, and the planner uploads it
  again, corrected, with a note; once 2026-08 is closed the admin restates 2026-06 (更正): two values ``BF03`` had
  copied from May, corrected with a reason.
- 2026-10, the demo's last month, is open with the deadline 2026-11-10: 北方发电 confirmed, 南方电力 approved,
  新能源 submitted and not yet reviewed (one value carries a note), 工程建设 approved but for ``GC03``, returned with
  a reason; ``XN06``, ``GC05`` and ``GC07`` have not reported (未报: overdue once the deadline has passed, i.e. on
  any day after 2026-11-10). The months before 2026-05 were never opened: they behave as without cycles.

Every step is a call the command line and the pages make (analytics.services.cycles, imports.run_import), with
their checks. The demo has no accounts, so the people are named actors with a role and, for a reviewer, a scope.
The values the workbooks carry are the demo's, except the slips the story needs (a figure copied from the month
before), which the return and the restatement correct again: the current values are the demo's, less the unit
months not reported (the excused one and the three missing ones).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from analytics.ingest.workbook_model import a1
from analytics.model.notes import Note
from analytics.periods import from_index, to_index
from analytics.services import cycles
from analytics.services.cycles import Actor
from analytics.services.imports import Upload, run_import, validate
from analytics.store.connection import connect
from analytics.store.observations import shortest
from analytics.store.units import load_registry

FIRST_MONTH, OPEN_MONTH = to_index(2026, 5), to_index(2026, 10)  # the open one is the demo's last month
DEADLINE_DAY = 10  # a month's reports are due on the 10th of the next month
ADMIN = Actor("郑华", "admin")  # 集团计划部: opens, confirms, excuses, closes, restates
PLANNERS = {"BF00": "张敏", "NF00": "李娜", "XN00": "王磊", "GC00": "陈刚"}  # each uploads its subsidiary's branches
REVIEWERS = {
    code: Actor(name, "reviewer", (code,))
    for code, name in {"BF00": "赵军", "NF00": "孙丽", "XN00": "周涛", "GC00": "吴霞"}.items()
}
EXCUSED_MONTH, EXCUSED_UNIT = to_index(2026, 7), "GC06"
EXCUSE_REASON = "海外项目所在国雨季停工，当月无生产经营数据，经集团计划部同意免报"
REPEATED_MONTH, REPEATED_UNIT = to_index(2026, 9), "NF02"  # a figure copied from August: returned, sent again
REPEATED_NOTE = "已按财务快报更正（原误沿用上月数）"
HISTORY_NOTE = "本月数与往月差异较大，已与原始台账核对无误"  # the planner's note on a value far from its history
NOTE_REQUIRED = "note_required"  # the import's issue code for a value that needs a note
RESTATED_MONTH, RESTATED_AFTER = to_index(2026, 6), to_index(2026, 8)  # restated once August is closed
RESTATED_UNIT, RESTATED_NAME = "BF03", "北方热电厂"
OPEN_MISSING = ("XN06", "GC05", "GC07")  # not reported in the open month (see data/DEMO.md: chosen)
OPEN_RETURNED = "GC03"
OPEN_NOTED = "XN04"
# how far each subsidiary got in the open month (新能源 XN00: submitted, its reviewer has not started)
CONFIRMED, APPROVED = ("BF00",), ("NF00", "GC00")
# candidate metrics (code, zh name, unit of measure) for each story, the first with both months' values is used
MONEY = (("output_value", "产值", "万元"), ("revenue", "营业收入", "万元"), ("total_profit", "利润总额", "万元"))
RESTATED_METRICS = (MONEY[1], MONEY[2], MONEY[0])
RETURNED_METRICS = (MONEY[2], MONEY[0], MONEY[1])
NOTED_METRICS = (("new_contracts", "新签合同额", "万元"), MONEY[1])

Db = str | Path | None
Metric = tuple[str, str, str]
Patch = Mapping[tuple[str, str], float]  # (unit, metric) → the value typed in place of the demo's


@dataclass(frozen=True)
class Reports:
    """The demo's data as the story needs it: the subsidiaries (code → name and its branches' codes, in order), a
    branch's value of a metric in a month (NaN: blank), the monthly workbook of some branches of a month (file
    name, month, branch codes, patches), and the (branch, metric) values of a month far from the branch's history
    (its planner explains them with a note)."""

    subsidiaries: Mapping[str, tuple[str, tuple[str, ...]]]
    value: Callable[[str, int, str], float]
    workbook: Callable[[str, int, Sequence[str], Patch], Upload]
    unusual: Callable[[int], frozenset[tuple[str, str]]]


def play(db: Db, reports: Reports) -> dict[str, object]:
    """Run the cycle history on the demo database ``db`` (its units registered, its months up to FIRST_MONTH − 1
    imported). Raises RuntimeError should an upload be rejected, CycleError should a step be refused. Returns
    the months closed, the open one and its deadline."""
    story = _Story(db, reports)
    for period in range(FIRST_MONTH, OPEN_MONTH):
        story.closed_month(period)
        if period == RESTATED_AFTER:
            story.restate()
    story.open_month(OPEN_MONTH)
    return {
        "closed": [from_index(p) for p in range(FIRST_MONTH, OPEN_MONTH)],
        "open": from_index(OPEN_MONTH),
        "deadline": deadline(OPEN_MONTH).isoformat(),
    }


def deadline(period: int) -> dt.date:
    """The 10th of the month after ``period``."""
    after = period + 1
    return dt.date(after // 12, after % 12 + 1, DEADLINE_DAY)


@dataclass(frozen=True)
class _Story:
    db: Db
    reports: Reports

    def closed_month(self, period: int) -> None:
        """One month from open to closed: every branch confirmed, or excused."""
        cycles.open_month(self.db, period, deadline(period), who=ADMIN)
        absent = {EXCUSED_UNIT} if period == EXCUSED_MONTH else set()
        slips = self._restated_slips() if period == RESTATED_MONTH else {}
        repeated = self._pick(REPEATED_UNIT, period, MONEY) if period == REPEATED_MONTH else None
        if repeated is not None:
            slips = {(REPEATED_UNIT, repeated[0]): self.reports.value(REPEATED_UNIT, period - 1, repeated[0])}
        sent = self._send(period, absent, slips)
        if repeated is not None:
            self._return_repeated(period, repeated)
        for subsidiary, units in sent.items():
            cycles.review(self.db, "approve", units, period, who=REVIEWERS[subsidiary])
        if absent:
            cycles.review(self.db, "excuse", sorted(absent), period, who=ADMIN, reason=EXCUSE_REASON)
        cycles.review(self.db, "confirm", [u for units in sent.values() for u in units], period, who=ADMIN)
        cycles.close_month(self.db, period, who=ADMIN)

    def open_month(self, period: int) -> None:
        """The open month: a mix of statuses (see the module docstring), one return and one note."""
        cycles.open_month(self.db, period, deadline(period), who=ADMIN)
        noted = self._pick(OPEN_NOTED, period, NOTED_METRICS)
        note = f"{self._change(OPEN_NOTED, period, noted)}：上月为季度末集中签约，本月在谈项目尚未签约"
        sent = self._send(period, set(OPEN_MISSING), {}, [Note(OPEN_NOTED, period, noted[0], note)])
        returned = self._pick(OPEN_RETURNED, period, RETURNED_METRICS)
        reason = f"{self._change(OPEN_RETURNED, period, returned)}，请核实并补充情况说明"
        reviewer = REVIEWERS[_subsidiary(OPEN_RETURNED)]
        cycles.review(self.db, "return", [OPEN_RETURNED], period, who=reviewer, reason=reason)
        for subsidiary in (*CONFIRMED, *APPROVED):
            units = [u for u in sent[subsidiary] if u != OPEN_RETURNED]
            cycles.review(self.db, "approve", units, period, who=REVIEWERS[subsidiary])
        cycles.review(self.db, "confirm", [u for s in CONFIRMED for u in sent[s]], period, who=ADMIN)

    def restate(self) -> None:
        """The admin corrects the closed month's copied values: a restatement (更正) with its reason."""
        keys = list(self._restated_slips())
        names = "、".join(next(m[1] for m in RESTATED_METRICS if m[0] == code) for _, code in keys)
        before = (RESTATED_MONTH - 1) % 12 + 1
        reason = f"{from_index(RESTATED_MONTH)} {RESTATED_NAME}{names}误沿用 {before} 月数，据半年度财务决算更正"
        text = cycles.restatement(self.db, reason, who=ADMIN)
        month = from_index(RESTATED_MONTH)
        rows = "".join(
            f"{unit},{month},{code},{shortest(self.reports.value(unit, RESTATED_MONTH, code))}\n" for unit, code in keys
        )
        upload = Upload(f"{month}_更正_{RESTATED_UNIT}.csv", f"unit,period,metric,value\n{rows}".encode())
        self._upload(upload, ADMIN.name, restated=text)

    def _send(self, period: int, absent: set[str], slips: Patch, notes: Sequence[Note] = ()) -> dict[str, list[str]]:
        """Each subsidiary's planner uploads its branches' workbook (less ``absent``); the branches sent, by
        subsidiary. ``notes`` go with the upload of the branch they explain."""
        sent = {}
        unusual = sorted(self.reports.unusual(period))
        for code, (name, branches) in self.reports.subsidiaries.items():
            units = [u for u in branches if u not in absent]
            mine = [n for n in notes if n.unit in units] + _history_notes(unusual, units, period, notes)
            self._upload(self.reports.workbook(_file_name(period, name), period, units, slips), PLANNERS[code], mine)
            sent[code] = units
        return sent

    def _return_repeated(self, period: int, metric: Metric) -> None:
        """The reviewer returns the branch whose figure repeats last month's; its planner sends it again, corrected."""
        code, name, measure = metric
        subsidiary = _subsidiary(REPEATED_UNIT)
        typed = self.reports.value(REPEATED_UNIT, period - 1, code)
        reason = f"{name}与上月完全相同（均为 {typed:,.2f} {measure}），疑为沿用上月数，请核实后重报"
        cycles.review(self.db, "return", [REPEATED_UNIT], period, who=REVIEWERS[subsidiary], reason=reason)
        file = _file_name(period, f"{self.reports.subsidiaries[subsidiary][0]}_{REPEATED_UNIT}_重报")
        notes = [Note(REPEATED_UNIT, period, code, REPEATED_NOTE)]
        notes += _history_notes(sorted(self.reports.unusual(period)), [REPEATED_UNIT], period, notes)
        self._upload(self.reports.workbook(file, period, [REPEATED_UNIT], {}), PLANNERS[subsidiary], notes)

    def _restated_slips(self) -> Patch:
        """The two values of the restated branch its first upload copied from the month before."""
        found = self._picks(RESTATED_UNIT, RESTATED_MONTH, RESTATED_METRICS)[:2]
        return {(RESTATED_UNIT, code): self.reports.value(RESTATED_UNIT, RESTATED_MONTH - 1, code) for code in found}

    def _upload(self, upload: Upload, user: str, notes: Sequence[Note] = (), restated: str | None = None) -> None:
        """Import ``upload`` as ``user``. Rejected only for values that need a note (far from their unit's history
        in a month under a cycle) that ``notes`` lack, it goes again with a note on each, as a planner would do."""
        result = run_import(self.db, [upload], user=user, restated=restated, notes=notes)
        if result.status == "rejected" and all(i.code == NOTE_REQUIRED for i in result.errors):
            notes = [*notes, *self._notes_required(upload, notes)]
            result = run_import(self.db, [upload], user=user, restated=restated, notes=notes)
        if result.status != "committed":
            problems = "; ".join(f"{i.location} {i.code}: {i.message_en}" for i in result.errors)
            raise RuntimeError(f"demo upload {upload.name} was {result.status}: {problems}")

    def _notes_required(self, upload: Upload, notes: Sequence[Note]) -> list[Note]:
        """A note for each value of ``upload`` the import asks one for (validated again, as the page does)."""
        validation = validate(self.db, [upload], preview=False, notes=notes)
        cells = {(i.file, i.sheet, i.cell) for i in validation.errors if i.code == NOTE_REQUIRED}
        with connect(self.db, read_only=True) as con:
            codes = {u.uid: u.code for u in load_registry(con).units}
        rows = validation.staged.itertuples(index=False)
        return [
            Note(codes[int(row.uid)], int(row.period), str(row.metric), HISTORY_NOTE)
            for row in rows
            if (row.file, row.sheet, a1(int(row.row0), int(row.col0))) in cells
        ]

    def _picks(self, unit: str, period: int, metrics: Sequence[Metric]) -> list[str]:
        """The codes of ``metrics`` whose value of ``unit`` is present in ``period`` and the month before and
        differs between them (so that a copied figure changes something)."""
        found = []
        for code, _, _ in metrics:
            now, before = self.reports.value(unit, period, code), self.reports.value(unit, period - 1, code)
            if not math.isnan(now) and not math.isnan(before) and now != before:
                found.append(code)
        if not found:
            raise RuntimeError(f"the demo's cycle history needs a value of {unit} in {from_index(period)}")
        return found

    def _pick(self, unit: str, period: int, metrics: Sequence[Metric]) -> Metric:
        code = self._picks(unit, period, metrics)[0]
        return next(m for m in metrics if m[0] == code)

    def _change(self, unit: str, period: int, metric: Metric) -> str:
        """``利润总额较上月下降 57%（532.29 → 227.49 万元）``."""
        code, name, measure = metric
        now, before = self.reports.value(unit, period, code), self.reports.value(unit, period - 1, code)
        if now == 0:
            return f"本月{name}为 0（上月 {before:,.2f} {measure}）"
        way = "下降" if now < before else "增长"
        share = f"{abs(now / before - 1) * 100:.0f}%" if before else "—"
        return f"{name}较上月{way} {share}（{before:,.2f} → {now:,.2f} {measure}）"


def _history_notes(
    unusual: Sequence[tuple[str, str]], units: Sequence[str], period: int, given: Sequence[Note]
) -> list[Note]:
    """The planner's notes on the unusual values of ``units`` that ``given`` does not explain already."""
    explained = {(n.unit, n.metric) for n in given}
    return [
        Note(unit, period, metric, HISTORY_NOTE)
        for unit, metric in unusual
        if unit in units and (unit, metric) not in explained
    ]


def _subsidiary(branch: str) -> str:
    """The demo's subsidiary of a branch: the same two-letter prefix (``GC03`` → ``GC00``)."""
    return f"{branch[:2]}00"


def _file_name(period: int, who: str) -> str:
    year, month = divmod(period, 12)
    return f"{year}年{month + 1:02d}月月报_{who}.xlsx"
