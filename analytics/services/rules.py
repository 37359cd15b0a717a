"""Cross-checks (勾稽关系) and notes (情况说明), SPEC §8: the rules' use cases (list, import a rules CSV, export it,
a dry run over the stored values), the notes file of an import, the notes a page asks for, and the notes kept
with batches.

A rules file is read whole before anything is written: a row that does not parse, names an unknown metric or
repeats a code refuses the file (RuleError naming the row and the column; exit 1), nothing changes. Rules are added
or updated by code, in one transaction with their ``rules_change`` audit entry.

A dry run checks one rule (stored, or typed and not saved) over every stored value of its metrics in a range of
months with the import's own vectorised check (analytics.stats.rules): how many unit-months it would have flagged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.errors import AnalyticsError
from analytics.i18n import Phrase, t
from analytics.i18n.numbers import amount
from analytics.ingest.workbooks import a1
from analytics.model.catalog import Catalog
from analytics.model.notes import Note, read_notes_csv
from analytics.model.rules import RULE_COLUMNS, Rule, RuleError, make_rule, read_rules_csv, write_rules_csv
from analytics.model.units import Registry
from analytics.periods import from_index, parse_strict
from analytics.services.imports import Validation
from analytics.services.records import TEXT_ENCODINGS, read_text
from analytics.stats.rules import Failures, check_stored, unit_operands
from analytics.store.connection import connect
from analytics.store.metrics import load_catalog, metric_ids
from analytics.store.notes import load_notes, notes_in_view
from analytics.store.rules import load_rules, save_rules, usable_rules, values_between
from analytics.store.units import load_registry

__all__ = [
    "DryRun",
    "Note",
    "Rule",
    "decode_csv",
    "dry_run",
    "import_rules",
    "import_rules_text",
    "notes",
    "notes_needed",
    "read_note_file",
    "rule_list",
    "rule_overview",
    "rules_csv",
    "rules_frame",
    "span_text",
    "typed_notes",
    "typed_rule",
    "unit_notes",
]
DIGITS = re.compile(r"\D")  # what is not the row number of an A1 address
RULE_FRAME_COLUMNS = ["code", "left", "op", "right", "tolerance", "severity", "message"]
UNIT_NOTE_COLUMNS = ["period", "metric", "value", "note", "author", "batch_id"]
NEEDED_COLUMNS = ["unit", "period", "metric", "name", "value", "why"]


def rule_list(db: str | Path | None) -> list[Rule]:
    """Every rule, by code."""
    with connect(db, read_only=True) as con:
        return load_rules(con, metric_ids(con))


def rules_csv(rules: list[Rule]) -> str:
    """The rules as the CSV the ``rules --import`` reads back."""
    return write_rules_csv(rules)


def import_rules(db: str | Path | None, path: str, actor: str) -> list[Rule]:
    """Add or update the rules of the CSV file ``path`` (UTF-8 or GB 18030), audited as ``actor``; returns them.
    Raises RuleError (nothing written), AnalyticsError ``file_not_found`` or ``undecodable_file``."""
    return import_rules_text(db, read_text(path), actor, Path(path).name)


def import_rules_text(db: str | Path | None, text: str, actor: str, file: str | None = None) -> list[Rule]:
    """Add or update the rules of a rules CSV's text (an upload named ``file``), audited as ``actor``; returns
    them. Raises RuleError naming the row and the column at fault (nothing written)."""
    with connect(db) as con:
        rules = read_rules_csv(text, metric_ids(con))
        save_rules(con, rules, actor, file)
    return rules


def decode_csv(raw: bytes, name: str) -> str:
    """An uploaded CSV's text, UTF-8 (with or without BOM) or GB 18030; AnalyticsError ``undecodable_file``."""
    for encoding in TEXT_ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AnalyticsError("undecodable_file", path=name)


def typed_rule(db: str | Path | None, fields: Mapping[str, object]) -> Rule:
    """A rule typed on a page (the columns of a rules CSV; the messages may be left out), checked against the
    catalog but not saved. Raises RuleError ``rules.bad_field`` naming the field at fault."""
    with connect(db, read_only=True) as con:
        known = metric_ids(con)
    try:
        return make_rule({c: fields.get(c) for c in RULE_COLUMNS}, known)
    except RuleError as exc:
        column = Phrase(f"rules.col.{exc.fields['column']}")  # the field as the page labels it
        raise RuleError("rules.bad_field", column=column, error=exc.fields["error"]) from None


def rule_overview(db: str | Path | None) -> tuple[list[Rule], list[str]]:
    """The stored rules that parse against today's catalog (by code), and the codes of those that name a metric
    the catalog no longer has (an import skips them and warns)."""
    with connect(db, read_only=True) as con:
        return usable_rules(con, metric_ids(con))


def rules_frame(rules: Sequence[Rule], lang: str) -> pd.DataFrame:
    """The rules as a page lists them: code, left, op, right, tolerance (text: "0.1%", "0" for exact), severity
    (in ``lang``), message (in ``lang``)."""
    return pd.DataFrame(
        {
            "code": [r.code for r in rules],
            "left": [r.left for r in rules],
            "op": [r.op for r in rules],
            "right": [r.right for r in rules],
            "tolerance": [f"{100 * r.tolerance:g}%" if r.tolerance else "0" for r in rules],
            "severity": [t(f"rules.severity.{r.severity}", lang) for r in rules],
            "message": [r.message(lang) for r in rules],
        },
        columns=RULE_FRAME_COLUMNS,
    )


def read_note_file(path: str) -> list[Note]:
    """The notes of a ``--note-file`` CSV (columns unit,period,metric,note). Raises AnalyticsError
    ``notes.bad_row``, ``notes.missing_columns``, ``file_not_found`` or ``undecodable_file``."""
    return read_notes_csv(read_text(path), Path(path).name)


def notes(
    db: str | Path | None, batch_id: int | None = None, uid: int | None = None, period: int | None = None
) -> pd.DataFrame:
    """The notes kept with batches (batch_id, unit, period, metric, note, author, written_at), oldest first."""
    with connect(db, read_only=True) as con:
        return load_notes(con, batch_id, uid, period)


# --- a rule's dry run -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DryRun:
    """What ``rule`` would have flagged over the stored values of months ``start..end`` (indexes; None when no
    value was there): ``checked`` unit-months could be checked (every operand present); ``flagged`` the failures,
    one row each — unit (code), name, period (YYYY-MM), left, right, difference (left − right) — by unit and
    month."""

    rule: Rule
    start: int | None
    end: int | None
    checked: int
    flagged: pd.DataFrame

    @property
    def count(self) -> int:
        return len(self.flagged)

    @property
    def units(self) -> int:
        return int(self.flagged["unit"].nunique())

    def sentence(self, lang: str) -> str:
        """ "This rule would have flagged 30 values in 2025 (5 units); 60 unit-months checked." in ``lang``."""
        span = span_text(self.start, self.end, lang)
        if not self.checked:
            return t("rules.dry.unchecked", lang, rule=self.rule.code, span=span)
        if not self.count:
            return t("rules.dry.clean", lang, rule=self.rule.code, span=span, checked=self.checked)
        return t("rules.dry.flagged", lang, rule=self.rule.code, span=span, n=self.count, units=self.units,
                 checked=self.checked)  # fmt: skip

    def to_json(self) -> dict[str, object]:
        """``{"rule", "from", "to", "checked", "flagged", "units", "rows": [{"unit","period","left","right",
        "difference"}…]}``."""
        rows = self.flagged[["unit", "period", "left", "right", "difference"]]
        return {
            "rule": self.rule.code,
            "from": from_index(self.start) if self.start is not None else None,
            "to": from_index(self.end) if self.end is not None else None,
            "checked": self.checked,
            "flagged": self.count,
            "units": self.units,
            "rows": rows.to_dict(orient="records"),
        }


def dry_run(
    db: str | Path | None,
    rule: Rule | str,
    start: int | None = None,
    end: int | None = None,
    units: Sequence[str] | None = None,
) -> DryRun:
    """Check ``rule`` (a rule, or a stored rule's code) over the current values of months ``start..end`` (month
    indexes, inclusive; None: open) with the import's check, as if they were being uploaded now; ``units``: unit
    labels, each with its descendants (None: every unit). Nothing is written. Raises RuleError ``rules.unknown``
    for a code no stored rule has, UnknownUnit for a label that names no unit."""
    with connect(db, read_only=True) as con:
        ids = metric_ids(con)
        if isinstance(rule, str):
            rule = _stored_rule(load_rules(con, ids), rule)
        registry = load_registry(con)
        codes = [*rule.metrics, *rule.children_metrics]
        stored = values_between(con, [ids[c] for c in codes], start, end)
    code_of = {mid: code for code, mid in ids.items()}
    values = stored.assign(metric=stored["mid"].map(code_of))
    if units is not None:
        wanted = {u.uid for u in registry.units if u.code in set(registry.expand(list(units)))}
        values = values[values["uid"].isin(list(wanted))]
    failures = check_stored(values.reset_index(drop=True), rule, *unit_operands(registry))
    seen = values["period"]
    first = int(seen.min()) if start is None and len(seen) else start
    last = int(seen.max()) if end is None and len(seen) else end
    return DryRun(rule, first, last, failures.checked, _flagged(failures, registry))


def span_text(start: int | None, end: int | None, lang: str) -> str:
    """Months ``start..end`` in words: "2025 年" for a whole calendar year, "2025-03" for one month, else
    "2025-01 至 2025-06"; "—" when nothing was there."""
    if start is None or end is None:
        return "—"
    if start == end:
        return t("rules.span.month", lang, month=from_index(start))
    if start % 12 == 0 and end == start + 11:
        return t("rules.span.year", lang, year=start // 12)
    return t("rules.span.months", lang, start=from_index(start), end=from_index(end))


def _stored_rule(rules: list[Rule], code: str) -> Rule:
    for rule in rules:
        if rule.code == code:
            return rule
    raise RuleError("rules.unknown", code=code, known=", ".join(r.code for r in rules) or "—")


def _flagged(failures: Failures, registry: Registry) -> pd.DataFrame:
    by_uid = {u.uid: u for u in registry.units}
    frame = pd.DataFrame(
        {
            "unit": [by_uid[int(u)].code for u in failures.uid],
            "name": [by_uid[int(u)].name for u in failures.uid],
            "index": failures.period.astype(np.int64),
            "left": failures.left.astype(np.float64),
            "right": failures.right.astype(np.float64),
        }
    )
    frame["difference"] = frame["left"] - frame["right"]
    frame = frame.sort_values(["unit", "index"], kind="stable").reset_index(drop=True)
    frame.insert(2, "period", [from_index(int(p)) for p in frame.pop("index")])
    return frame


# --- notes (情况说明) --------------------------------------------------------------------------------------------


def notes_needed(validation: Validation, registry: Registry, catalog: Catalog, lang: str = "zh") -> pd.DataFrame:
    """The values an upload may commit only with a note (its ``note_required`` errors), for the planner to type one
    each: unit (code), period (YYYY-MM), metric (code), name (the metric's, in ``lang``), value, why (the issue's
    message in ``lang``), in the order of the issues; empty when none is needed."""
    wanted = [i for i in validation.issues if i.code == "note_required"]
    if not wanted:
        return pd.DataFrame({c: [] for c in NEEDED_COLUMNS})
    staged = validation.staged
    lines = {int(DIGITS.sub("", i.cell)) - 1 for i in wanted if i.cell and DIGITS.sub("", i.cell)}
    near = np.flatnonzero(staged["row0"].isin(list(lines)).to_numpy())  # only the flagged rows get an address
    sub = staged.iloc[near]
    place = {
        (str(f), s, a1(int(r), int(c))): int(i)
        for i, f, s, r, c in zip(near, sub["file"], sub["sheet"], sub["row0"], sub["col0"], strict=True)
    }
    codes = {u.uid: u.code for u in registry.units} | {u.uid: u.code for u in validation.new_units}
    rows = []
    for issue in wanted:
        at = place.get((issue.file, issue.sheet, issue.cell or ""))
        if at is None:
            continue
        value = staged.iloc[at]
        uid = int(value["uid"])
        metric = str(value["metric"])
        rows.append(
            (codes.get(uid, str(uid)), from_index(int(value["period"])), metric, catalog.get(metric).name(lang),
             float(value["value"]),
             issue.message_en if lang == "en" else issue.message)
        )  # fmt: skip
    return pd.DataFrame(rows, columns=NEEDED_COLUMNS)


def typed_notes(needed: pd.DataFrame, texts: Sequence[str]) -> list[Note]:
    """The notes typed beside the rows of :func:`notes_needed` (``texts`` in the same order; blank ones left
    out), as the import reads them."""
    return [
        Note(str(row.unit), parse_strict(str(row.period)), str(row.metric), text.strip())
        for row, text in zip(needed.itertuples(index=False), texts, strict=True)
        if text and text.strip()
    ]


def unit_notes(
    db: str | Path | None, unit: str, start: str | None = None, end: str | None = None, lang: str = "zh"
) -> pd.DataFrame:
    """The notes in force on the values of unit ``unit`` (code) in months ``start..end`` (YYYY-MM, inclusive; None:
    open), as the unit profile lists them: period, metric (its name in ``lang``), value (text with its unit of
    measure: "1,130 万元"), note, author, batch_id; by month and metric."""
    first = parse_strict(start) if start else None
    last = parse_strict(end) if end else None
    with connect(db, read_only=True) as con:
        found = load_registry(con).by_code(unit)
        catalog = load_catalog(con)
        rows = notes_in_view(con, first, last, [found.uid]) if found is not None else None
    if rows is None or rows.empty:
        return pd.DataFrame(columns=UNIT_NOTE_COLUMNS)
    metrics = {m.code: m for m in catalog.metrics}
    codes = [str(code) for code in rows["metric"]]
    rows = rows.assign(
        period=[from_index(int(p)) for p in rows["period"]],
        metric=[metrics[c].name(lang) if c in metrics else c for c in codes],
        value=[
            amount(v, metrics[c].unit if c in metrics else "", lang) for v, c in zip(rows["value"], codes, strict=True)
        ],
    )
    return rows[UNIT_NOTE_COLUMNS].reset_index(drop=True)
