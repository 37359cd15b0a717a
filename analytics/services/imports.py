"""The planners' monthly import, one path for the page and the command line: :func:`validate` an upload into a
frozen :class:`Validation` (every file read and checked, the uploader's scope included, and the preview), then
:func:`commit` that same record. The command line's :func:`run_import` is the two in one go.

Rules (SPEC §3): all files are validated first; if any error remains nothing is written. A commit is one
transaction, its audit entry included. An upload that changes nothing creates no batch. No SQL here: the database
is reached through analytics.store.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.errors import AnalyticsError
from analytics.i18n import Phrase, t
from analytics.ingest.cells import Context, cell_text, sheet_label
from analytics.ingest.layouts import read_sheet
from analytics.ingest.workbooks import Limits, Workbook, WorkbookError, a1, read_workbook
from analytics.model.catalog import Catalog
from analytics.model.issues import ERROR, WARNING, Issue, issue_kind, make_issue, message_number
from analytics.model.master_data import code_phrase
from analytics.model.notes import Note
from analytics.model.rules import Rule
from analytics.model.units import Registry
from analytics.periods import from_index
from analytics.settings import default_db_path, history_ratio, max_cells, max_file_mb
from analytics.stats.rules import Failures, Fetch, check_rules
from analytics.store import audit
from analytics.store.accounts import PERMISSIONS, Session, User, scope_codes
from analytics.store.batches import Diff, FileRecord, begin, commit_with_diff, diff_against_current
from analytics.store.connection import Connection, DatabaseBusy, connect, get_meta, new_token
from analytics.store.cycles import closed_periods, open_periods
from analytics.store.history import History, carry_over, discard, history_dir, keep_only, load_history
from analytics.store.metrics import load_catalog, metric_ids
from analytics.store.rules import current_values, usable_rules
from analytics.store.units import load_registry, save_units, unit_ids


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes

    @classmethod
    def from_path(cls, path: str | Path) -> Upload:
        p = Path(path)
        return cls(p.name, p.read_bytes())


FAR_FROM_HISTORY = "far_from_history"  # the warning code whose values a planner confirms before a commit


class UnconfirmedValues(AnalyticsError, ValueError):
    """A commit of values far from their unit's history that the planner has not confirmed; ``str()`` is English."""

    code = "import.unconfirmed"

    def summary(self) -> str:
        return self.message("en")


@dataclass(frozen=True)
class NewUnit:
    """A unit an upload registers (``create_units``): ``uid`` is provisional until the commit gives it its own."""

    uid: int
    code: str
    name: str


Place = tuple[str, str | None, str | None]  # file, sheet, cell


@dataclass(frozen=True)
class Validation:
    """Everything learnt from an upload before anything is written; built once by :func:`validate` (new ones by
    ``dataclasses.replace``), written as it is by :func:`commit`."""

    staged: pd.DataFrame  # uid, period, metric, value, row0, col0, file, sheet (and mid, once validated)
    issues: tuple[Issue, ...]
    files: tuple[FileRecord, ...]
    new_units: tuple[NewUnit, ...] = ()
    sheets: tuple[tuple[str, str | None, str | None], ...] = ()  # file, sheet, layout or None
    diff: Diff | None = None  # the preview: what a commit would change (None with errors or without a preview)
    history: History | None = None  # the history summary the warnings came from (advanced after a commit)
    notes: pd.DataFrame | None = None  # the uploader's notes (情况说明): staged row position ``row`` and ``note``

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def far_from_history(self) -> int:
        """How many values are far from their unit's history (the warnings a commit needs confirmed)."""
        return sum(1 for i in self.issues if i.code == FAR_FROM_HISTORY)


@dataclass(frozen=True)
class ImportResult:
    status: str  # committed | unchanged | rejected | dry_run
    batch_id: int | None
    observations: int
    new: int
    changed: int
    unchanged: int
    errors: tuple[Issue, ...]
    warnings: tuple[Issue, ...]

    def to_json(self) -> dict[str, object]:
        """SPEC §4's import JSON."""
        return {
            "status": self.status,
            "batch_id": self.batch_id,
            "observations": self.observations,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "errors": [i.to_json() for i in self.errors],
            "warnings": [i.to_json() for i in self.warnings],
        }


class UnitResolver:
    """Resolves a row's unit code/name to a unit id; with ``create`` unknown units get provisional ids."""

    def __init__(self, registry: Registry, create: bool):
        self.registry, self.create = registry, create
        self.new: dict[str, NewUnit] = {}
        self.next_uid = max((u.uid for u in registry.units), default=0) + 1

    def __call__(
        self, code: object, name: object, file: str, sheet: str | None, cell: str | None
    ) -> tuple[int | None, Issue | None]:
        code_text, name_text = cell_text(code), cell_text(name)
        if code_text:
            unit = self.registry.by_code(code_text)
            if unit:
                return unit.uid, None
        elif name_text:
            matches = self.registry.by_name(name_text)
            if len(matches) == 1:
                return matches[0].uid, None
            unit = self.registry.by_code(name_text) if not matches else None  # a long table's unit: code or name
            if unit:
                return unit.uid, None
            if len(matches) > 1:
                return None, make_issue(
                    "ambiguous_unit",
                    file,
                    sheet,
                    cell,
                    unit=name_text,
                    candidates="、".join(f"{u.code} {u.name}" for u in matches),
                )
        label = code_text or name_text
        if not self.create:
            return None, make_issue("unknown_unit", file, sheet, cell, unit=label)
        reason = code_phrase(label)
        if reason is not None:  # a new unit's code is an identifier (see analytics.model.master_data)
            return None, make_issue("bad_unit_code", file, sheet, cell, unit=label, reason=reason)
        if label not in self.new:
            self.new[label] = NewUnit(self.next_uid, label, name_text or label)
            self.next_uid += 1
        return self.new[label].uid, None

    def unit_for_sheet(self, text: str) -> int | None:
        unit = self.registry.by_code(text) if text else None
        matches = self.registry.by_name(text) if text else []
        return unit.uid if unit else (matches[0].uid if len(matches) == 1 else None)


STAGED_COLUMNS = ["uid", "period", "metric", "value", "row0", "col0", "file", "sheet"]


def read_files(
    uploads: list[Upload],
    catalog: Catalog,
    registry: Registry,
    period: int | None,
    create_units: bool,
    limits: Limits,
    books: list[Workbook | WorkbookError] | None = None,
) -> Validation:
    """Parse and check every file (no database access): values staged, every error by cell, duplicates included.

    ``books``: the uploads already read by :func:`read_books` (read here when None).
    """
    resolver = UnitResolver(registry, create_units)
    frames: list[pd.DataFrame] = []
    issues: list[Issue] = []
    files: list[FileRecord] = []
    sheets: list[tuple[str, str | None, str | None]] = []
    if not uploads:
        issues.append(make_issue("empty_upload", "", None, None))
    for upload, book in zip(uploads, books if books is not None else read_books(uploads, limits), strict=True):
        if isinstance(book, WorkbookError):
            files.append(FileRecord(upload.name, hashlib.sha256(upload.content).hexdigest()))
            issues.append(Issue(upload.name, None, None, book.code, book.message, book.message_en))
            continue
        files.append(FileRecord(upload.name, book.sha256))
        read = _read_book(book, catalog, resolver, period)
        frames += read.frames
        issues += read.issues
        sheets += read.sheets
        if not any(kind for file, _, kind in sheets if file == book.file_name):
            issues.append(make_issue("no_data_table", book.file_name, None, None))
    staged = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=STAGED_COLUMNS)
    new_units = tuple(resolver.new.values())
    issues += [make_issue("new_unit", "", None, None, WARNING, unit=u.code) for u in new_units]
    issues += _duplicates(staged, registry, new_units)
    return Validation(staged, tuple(issues), tuple(files), new_units, tuple(sheets))


def read_books(uploads: list[Upload], limits: Limits) -> list[Workbook | WorkbookError]:
    """Each upload read into a workbook, or the error that made it unreadable."""
    books: list[Workbook | WorkbookError] = []
    for upload in uploads:
        try:
            books.append(read_workbook(upload.name, upload.content, limits))
        except WorkbookError as exc:
            books.append(exc)
    return books


@dataclass(frozen=True)
class _Book:
    """What one workbook gave: its data sheets' values, its issues (but ``no_data_table``, said by the caller),
    and each sheet with its layout (or None)."""

    frames: list[pd.DataFrame]
    issues: list[Issue]
    sheets: list[tuple[str, str | None, str | None]]


def _read_book(book: Workbook, catalog: Catalog, resolver: UnitResolver, period: int | None) -> _Book:
    ctx = Context(catalog, resolver, resolver.unit_for_sheet, period, book.file_name)
    read = _Book([], [], [])
    if book.has_macros:
        read.issues.append(make_issue("macros_ignored", book.file_name, None, None, WARNING))
    for sheet in book.sheets:
        result = read_sheet(sheet, ctx)
        read.sheets.append((book.file_name, sheet_label(sheet), result.kind))
        if result.kind is None:
            if book.kind != "csv":
                read.issues.append(
                    make_issue("sheet_skipped", book.file_name, sheet.name, None, WARNING, name=sheet.name)
                )
            continue
        if sheet.hidden:
            read.issues.append(make_issue("hidden_sheet", book.file_name, sheet.name, None, WARNING, name=sheet.name))
        if sheet.hidden_rows:
            count = len(sheet.hidden_rows)
            read.issues.append(make_issue("hidden_rows", book.file_name, sheet.name, None, WARNING, count=count))
        read.issues.extend(result.issues)
        read.frames.append(_with_place(result.frame, book.file_name, sheet_label(sheet)))
    return read


def _with_place(frame: pd.DataFrame, file: str, sheet: str | None) -> pd.DataFrame:
    """The sheet's values with their file and sheet name, as categoricals (one string each, not one per row)."""
    codes = np.zeros(len(frame), dtype=np.int8)
    return frame.assign(
        file=pd.Categorical.from_codes(codes, categories=[file]),
        sheet=pd.Categorical.from_codes(codes, categories=[sheet]) if sheet is not None else None,
    )


def _location(file: str, sheet: str | None, row0: int, col0: int) -> str:
    cell = a1(row0, col0)
    return f"{sheet}!{cell}" if sheet else f"{file} {cell}"


def _unit_codes(registry: Registry, new_units: Iterable[NewUnit]) -> dict[int, str]:
    """Unit id → code, the upload's new units (provisional ids) included."""
    return {u.uid: u.code for u in registry.units} | {u.uid: u.code for u in new_units}


def _duplicates(staged: pd.DataFrame, registry: Registry, new_units: tuple[NewUnit, ...]) -> list[Issue]:
    """Two values for one (unit, period, metric) in one upload: an error at the second."""
    if staged.empty or _unique_keys(staged):  # the usual case, checked on one integer key
        return []
    dup = staged.duplicated(["uid", "period", "metric"], keep=False)
    codes = _unit_codes(registry, new_units)
    first: dict[tuple, str] = {}
    issues: list[Issue] = []
    for row in staged[dup].itertuples():
        key = (row.uid, row.period, row.metric)
        if key not in first:
            first[key] = _location(row.file, row.sheet, row.row0, row.col0)
            continue
        issues.append(
            make_issue(
                "duplicate_key",
                row.file,
                row.sheet,
                a1(row.row0, row.col0),
                unit=codes.get(row.uid, row.uid),
                period=from_index(row.period),
                metric=row.metric,
                first=first[key],
            )
        )
    return issues


def _unique_keys(staged: pd.DataFrame) -> bool:
    """Whether every (unit, period, metric) of the staged rows is distinct, by one int64 key per row."""
    metric = staged["metric"]
    codes = metric.cat.codes.to_numpy() if isinstance(metric.dtype, pd.CategoricalDtype) else pd.factorize(metric)[0]
    uid, period = staged["uid"].to_numpy(dtype=np.int64), staged["period"].to_numpy(dtype=np.int64)
    period = period - period.min()
    key = ((uid - uid.min()) * (int(period.max()) + 1) + period) * (int(codes.max()) + 1) + codes
    if int(key.max()) < 8 * len(key) + 1_000_000:  # a dense key range: mark keys in place of hashing them
        seen = np.zeros(int(key.max()) + 1, dtype=np.bool_)
        seen[key] = True
        return int(np.count_nonzero(seen)) == len(key)
    return bool(pd.Index(key).is_unique)


def history_warnings(staged: pd.DataFrame, catalog: Catalog, history: History) -> list[Issue]:
    """Warnings for values ≥ ratio× or ≤ 1/ratio× the unit's own median for that metric (元/万元 slips).

    Run on every value that parsed, whatever errors other cells have, so one upload shows all its errors and
    warnings together. ``history``: the summary, read while calamine reads the workbook (:func:`_gather`).
    """
    return _history_check(staged, catalog, history)[0]


def _history_check(staged: pd.DataFrame, catalog: Catalog, history: History) -> tuple[list[Issue], np.ndarray]:
    """:func:`history_warnings` and the staged rows they are at."""
    none = np.array([], dtype=np.int64)
    if staged.empty:
        return [], none
    ratio = history_ratio()
    medians = history.grid.of(staged)
    values = staged["value"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = values / medians
    far = np.flatnonzero((medians > 0) & (values > 0) & ((factor >= ratio) | (factor <= 1 / ratio)))
    if not len(far):
        return [], none
    rows = staged.iloc[far]  # one take, then plain columns: a whole file in 元 makes a warning per value
    names = {code: catalog.get(code).name_zh for code in pd.unique(rows["metric"])}
    issues = [
        make_issue(
            FAR_FROM_HISTORY,
            file,
            sheet,
            a1(row0, col0),
            WARNING,
            metric=names[code],
            value=message_number(value),
            median=message_number(median),
            ratio=f"{times if times >= 1 else 1 / times:,.0f}",
        )
        for file, sheet, row0, col0, code, value, median, times in zip(
            rows["file"].tolist(),
            rows["sheet"].tolist(),
            rows["row0"].tolist(),
            rows["col0"].tolist(),
            rows["metric"].tolist(),
            values[far].tolist(),
            medians[far].tolist(),
            factor[far].tolist(),
            strict=True,
        )
    ]
    return issues, far


# --- a planner's scope ----------------------------------------------------------------------------------------


def check_scope(user: User | Session, target: Validation | Iterable[str], registry: Registry) -> list[Issue]:
    """Errors for an upload (a Validation, or plain unit codes) that the user may not write.

    Admins may write every unit; planners their assigned units and descendants (units an upload would create are
    outside any scope); other roles none. One error per unit, at the first cell that names it.
    """
    role = user.role
    if role == "admin":
        return []
    if "import" not in PERMISSIONS.get(role, frozenset()):
        return [make_issue("import_not_allowed", "", None, None, role=role)]
    allowed = scope_codes(user.units, registry)
    scope = "、".join(user.units) or "—"
    return [
        make_issue("unit_out_of_scope", file, sheet, cell, unit=code, scope=scope)
        for code, (file, sheet, cell) in _unit_places(target, registry).items()
        if code not in allowed
    ]


def _unit_places(target: Validation | Iterable[str], registry: Registry) -> dict[str, Place]:
    """Each unit code an upload writes, at the first cell that names it (plain codes: nowhere)."""
    if not isinstance(target, Validation):
        return {code: ("", None, None) for code in target}
    codes = _unit_codes(registry, target.new_units)
    places: dict[str, Place] = {}
    for row in target.staged[["uid", "file", "sheet", "row0", "col0"]].itertuples(index=False):
        code = codes.get(row.uid, str(row.uid))
        if code not in places:
            places[code] = (row.file, row.sheet, a1(int(row.row0), int(row.col0)))
    return places


# --- validate: one pass over an upload ------------------------------------------------------------------------


def _staged_keys(ids: dict[str, int], staged: pd.DataFrame) -> pd.DataFrame:
    """The staged rows with each metric's id (``mid``); ``ids``: code → id (stable: a code keeps its id)."""
    metric = staged["metric"].astype("category")  # map each distinct code once, not each row
    mids = metric.cat.categories.map(ids).to_numpy(dtype=np.int64)
    return staged.assign(mid=mids[metric.cat.codes.to_numpy()])


def validate(
    db: str | Path | None,
    uploads: list[Upload],
    period: int | None = None,
    create_units: bool = False,
    limits: Limits | None = None,
    preview: bool = True,
    scope: User | Session | None = None,
    restated: str | None = None,
    notes: Sequence[Note] = (),
) -> Validation:
    """Read and check an upload in one pass: every error, the history warnings of every value that parsed, and
    (``scope``: the uploader's account or session) the units they may not write; then, if ``preview`` and there is
    no error, what a commit would change (``diff``). Without ``scope`` (the command line) no unit is out of scope.
    Values of a closed month are errors (``month_closed``) unless the upload is a restatement: ``restated``, its
    reason (an admin's: analytics.services.cycles.restatement checks who).
    The cross-checks (勾稽关系) run on every unit and month of the upload; ``notes`` (情况说明) explain values, and in
    a month under an open cycle a value far from its history or failing a warning rule needs one (SPEC §8).
    """
    limits = limits or default_limits()
    inputs = _gather(db, uploads, limits)
    fetch = _fetcher(db, inputs.ids, None)
    validation = _checked(uploads, inputs, period, create_units, limits, scope, restated, notes, fetch)
    if not preview or validation.errors:
        return validation
    with connect(db, read_only=True) as con:
        diff = diff_against_current(con, validation.staged)
    return replace(validation, diff=diff)


@dataclass(frozen=True)
class _Inputs:
    """What parsing an upload needs: the workbooks, and from the database the catalog, the units, the metric
    ids and the history summary."""

    books: list[Workbook | WorkbookError]
    catalog: Catalog
    registry: Registry
    ids: dict[str, int]
    history: History
    closed: frozenset[int] = frozenset()  # the closed months (SPEC §8)
    open: frozenset[int] = frozenset()  # the months under an open cycle: warnings there need notes
    rules: tuple[Rule, ...] = ()  # the cross-checks (勾稽关系)
    broken_rules: tuple[str, ...] = ()  # stored rules that name a metric the catalog no longer has


def _gather(db: str | Path | None, uploads: list[Upload], limits: Limits) -> _Inputs:
    """Read the uploads' workbooks. The reader (calamine, which releases the GIL) runs in a thread while the
    database gives the catalog, the units, the metric ids and the history summary (which feeds warnings only)."""
    with ThreadPoolExecutor(1) as pool:
        reading = pool.submit(read_books, uploads, limits)
        with connect(db, read_only=True) as con:
            catalog, registry, ids = load_catalog(con), load_registry(con), metric_ids(con)
            history = load_history(con, db)
            closed, opened = closed_periods(con), open_periods(con)
            rules, broken = usable_rules(con, ids)
        books = reading.result()
    return _Inputs(books, catalog, registry, ids, history, closed, opened, tuple(rules), tuple(broken))


def _checked(
    uploads: list[Upload],
    inputs: _Inputs,
    period: int | None,
    create_units: bool,
    limits: Limits,
    scope: User | Session | None,
    restated: str | None = None,
    notes: Sequence[Note] = (),
    fetch: Fetch | None = None,
) -> Validation:
    """The upload's Validation without its preview: the issues of reading it, then its history warnings (in the
    same pass as the errors), then the units out of ``scope``, then the closed months (unless ``restated``), then
    the cross-checks and the notes (:func:`cross_checks`; ``fetch``: stored operands the upload lacks)."""
    read = read_files(uploads, inputs.catalog, inputs.registry, period, create_units, limits, inputs.books)
    staged = _staged_keys(inputs.ids, read.staged)
    far_issues, far = _history_check(staged, inputs.catalog, inputs.history)
    issues = [*read.issues, *far_issues]
    if scope is not None:  # a planner may write only the units assigned to them (and their sub-units)
        issues += check_scope(scope, read, inputs.registry)
    if inputs.closed and not restated:
        issues += closed_month_issues(read.staged, inputs.closed)
    checked, noted = cross_checks(staged, inputs, read.new_units, notes, far, fetch)
    issues += checked
    return replace(read, staged=staged, issues=tuple(issues), history=inputs.history, notes=noted)


# --- cross-checks (勾稽关系) and notes (情况说明), SPEC §8 ---------------------------------------------------------


def cross_checks(
    staged: pd.DataFrame,
    inputs: _Inputs,
    new_units: tuple[NewUnit, ...],
    notes: Sequence[Note],
    far: np.ndarray,
    fetch: Fetch | None,
) -> tuple[list[Issue], pd.DataFrame | None]:
    """The issues of the rules and the notes, and the notes matched to the staged rows (None without notes).

    A failed rule is an issue ``rule_failed`` at the cell of the first metric of its left side in the upload, an
    error or a warning as the rule says. In a month under an open cycle each warning rule's cell and each value
    far from its history (``far``: staged rows) needs a note: ``note_required`` (an error) at that cell without one.
    """
    codes = _unit_codes(inputs.registry, new_units)
    issues, noted = _match_notes(staged, notes, inputs, new_units, codes)
    failures = _rule_failures(staged, inputs, fetch)
    for failed in failures:
        issues += _rule_issues(staged, failed, codes)
    issues += [make_issue("rule_invalid", "", None, None, WARNING, rule=code) for code in inputs.broken_rules]
    if inputs.open and not staged.empty:
        need = [(f.row, Phrase("rules.reason.rule", rule=f.rule.code)) for f in failures if f.rule.severity == WARNING]
        need.append((far, Phrase("rules.reason.far_from_history")))
        issues += _notes_required(staged, need, inputs, noted, codes)
    return issues, noted


def _rule_failures(staged: pd.DataFrame, inputs: _Inputs, fetch: Fetch | None) -> list[Failures]:
    if not inputs.rules or staged.empty:
        return []
    uid_of = {u.code: u.uid for u in inputs.registry.units}
    children = {
        uid_of[parent]: [uid_of[c] for c in below]
        for parent, below in inputs.registry.children().items()
        if parent in uid_of
    }
    heads = {uid_of[code]: value for code, value in inputs.registry.headcounts().items()}
    return check_rules(staged, inputs.rules, children, heads, fetch)


def _rule_issues(staged: pd.DataFrame, failed: Failures, codes: dict[int, str]) -> list[Issue]:
    rule, rows = failed.rule, failed.row
    place = staged.iloc[rows]
    issues = []
    for file, sheet, row0, col0, uid, period, left, right in zip(
        place["file"].tolist(),
        place["sheet"].tolist(),
        place["row0"].tolist(),
        place["col0"].tolist(),
        failed.uid.tolist(),
        failed.period.tolist(),
        failed.left.tolist(),
        failed.right.tolist(),
        strict=True,
    ):
        fields = {
            "rule": rule.code,
            "unit": codes.get(uid, str(uid)),
            "period": from_index(period),
            "left": message_number(left),
            "right": message_number(right),
        }
        zh = t("issue.rule_failed", "zh", message=rule.message_zh, **fields)
        en = t("issue.rule_failed", "en", message=rule.message_en, **fields)
        issues.append(Issue(str(file), sheet, a1(row0, col0), "rule_failed", zh, en, rule.severity))
    return issues


def _notes_required(
    staged: pd.DataFrame,
    need: list[tuple[np.ndarray, Phrase]],
    inputs: _Inputs,
    noted: pd.DataFrame | None,
    codes: dict[int, str],
) -> list[Issue]:
    """``note_required`` at each row of ``need`` in an open cycle month that has no note, once per row (the metric
    named in each language)."""
    have = set(noted["row"].tolist()) if noted is not None else set()
    in_open = staged["period"].isin(list(inputs.open)).to_numpy()
    seen: set[int] = set()
    issues = []
    for rows, why in need:
        for row in rows[in_open[rows]].tolist() if len(rows) else []:
            if row in have or row in seen:
                continue
            seen.add(row)
            value = staged.iloc[row]
            metric = inputs.catalog.get(str(value["metric"]))
            fields = {
                "unit": codes.get(int(value["uid"]), str(value["uid"])),
                "period": from_index(int(value["period"])),
                "reason": why,
            }
            zh, en = (t("issue.note_required", lang, metric=metric.name(lang), **fields) for lang in ("zh", "en"))
            place = a1(int(value["row0"]), int(value["col0"]))
            issues.append(Issue(str(value["file"]), value["sheet"], place, "note_required", zh, en))
    return issues


def _match_notes(
    staged: pd.DataFrame,
    notes: Sequence[Note],
    inputs: _Inputs,
    new_units: tuple[NewUnit, ...],
    codes: dict[int, str],
) -> tuple[list[Issue], pd.DataFrame | None]:
    """Each note matched to the staged value it explains: errors for a unit or metric that does not exist,
    warnings for a value the upload does not hold; the matched ones as (row, note), the last note of a value kept."""
    if not notes:
        return [], None
    issues: list[Issue] = []
    wanted: list[tuple[int, int, str, Note]] = []
    new = {u.code: u.uid for u in new_units}
    for note in notes:
        unit = _note_unit(inputs.registry, new, note.unit)
        metric = inputs.catalog.match(note.metric)
        for what, found, label in (("unit", unit, note.unit), ("metric", metric, note.metric)):
            if found is None:
                where = Phrase(f"rules.what.{what}")
                issues.append(
                    make_issue("note_unknown", note.file, None, None, line=note.line, what=where, label=label)
                )
        if unit is not None and metric is not None:
            wanted.append((unit, note.period, metric.code, note))
    if not wanted:
        return issues, None
    uids, months = {w[0] for w in wanted}, {w[1] for w in wanted}
    near = np.flatnonzero((staged["uid"].isin(list(uids)) & staged["period"].isin(list(months))).to_numpy())
    sub = staged.iloc[near]
    position = {
        (int(u), int(p), str(m)): int(row)
        for u, p, m, row in zip(sub["uid"], sub["period"], sub["metric"], near, strict=True)
    }
    rows: dict[int, str] = {}
    for uid, month, code, note in wanted:
        row = position.get((uid, month, code))
        if row is None:
            issues.append(
                make_issue(
                    "note_unmatched",
                    note.file,
                    None,
                    None,
                    WARNING,
                    line=note.line,
                    unit=codes.get(uid, note.unit),
                    period=from_index(month),
                    metric=code,
                )
            )
        else:
            rows[row] = note.text
    frame = pd.DataFrame({"row": list(rows), "note": list(rows.values())}) if rows else None
    return issues, frame


def _note_unit(registry: Registry, new: dict[str, int], label: str) -> int | None:
    unit = registry.by_code(label)
    if unit is not None:
        return unit.uid
    matches = registry.by_name(label)
    if len(matches) == 1:
        return matches[0].uid
    return new.get(label)


def _fetcher(db: str | Path | None, ids: dict[str, int], opening: Future | None) -> Fetch:
    """Read stored operands the upload lacks: on the connection ``opening`` gives (when it gives one), else on a
    read-only one of its own."""
    code_of = {mid: code for code, mid in ids.items()}

    def fetch(uids: np.ndarray, periods: np.ndarray, codes: list[str]) -> pd.DataFrame:
        got = opening.result() if opening is not None else None
        with contextlib.ExitStack() as stack:
            con = got[1] if got is not None else stack.enter_context(connect(db, read_only=True))
            found = current_values(con, uids, periods, [ids[c] for c in codes if c in ids])
        return found.assign(metric=found["mid"].map(code_of))

    return fetch


def closed_month_issues(staged: pd.DataFrame, closed: frozenset[int]) -> list[Issue]:
    """An error per closed month the upload holds values of, at the first cell of that month (SPEC §8)."""
    if staged.empty:
        return []
    hit = staged["period"].isin(list(closed)).to_numpy()
    if not hit.any():
        return []
    first = staged.loc[hit].drop_duplicates("period")
    return [
        make_issue("month_closed", str(row.file), row.sheet, a1(row.row0, row.col0), period=from_index(row.period))
        for row in first.itertuples(index=False)
    ]


def default_limits() -> Limits:
    return Limits(max_file_bytes=max_file_mb() * 2**20, max_cells=max_cells())


# --- commit: one transaction ----------------------------------------------------------------------------------


def commit(
    db: str | Path | None,
    validation: Validation,
    user: str,
    actor: str | None = None,
    confirmed: bool = False,
    restated: str | None = None,
) -> int | None:
    """Write a validated upload (no errors) as one batch in one transaction, with its ``import`` audit entry (naming
    ``actor``, default ``user``); None when nothing changes (and nothing is logged).

    Values far from their unit's history are written only when the planner ``confirmed`` them
    (:class:`UnconfirmedValues` otherwise); their count is recorded with the batch and in its audit entry.
    ``restated``: the reason of an admin's restatement, needed when the upload touches a closed month (the month
    may have closed since the validation: CycleError then); in an open month the units written become submitted."""
    if validation.errors:
        raise ValueError("an upload with errors is never written")
    if validation.far_from_history and not confirmed:
        raise UnconfirmedValues(None, n=validation.far_from_history)
    with ThreadPoolExecutor(1) as pool, connect(db) as con:
        batch_id, _ = _commit(con, validation, user, history_dir(db), pool, actor=actor, restated=restated)
    return batch_id


@dataclass(frozen=True)
class _Carry:
    """The history summary being carried over to the data a commit writes: saved under ``token`` (the data
    token the commit will write) by ``done``, running in a thread."""

    token: str
    done: Future


def _carry(pool: ThreadPoolExecutor, folder: Path, validation: Validation) -> _Carry | None:
    """Start carrying the history summary over (numpy and file writes, while the database works); None when
    it must wait for the commit (new units get their ids there) or there is no summary to carry."""
    history = validation.history
    if history is None or history.token is None or validation.new_units:
        return None
    token = new_token()
    return _Carry(token, pool.submit(carry_over, history, validation.staged, folder, token))


def _abandon(carry: _Carry, folder: Path) -> None:
    """Wait for a carried-over summary and remove it: its commit did not happen."""
    with contextlib.suppress(Exception):
        carry.done.result()
    discard(folder, carry.token)


def _commit(
    con: Connection,
    validation: Validation,
    user: str,
    folder: Path,
    pool: ThreadPoolExecutor,
    carry: _Carry | None = None,
    actor: str | None = None,
    restated: str | None = None,
) -> tuple[int | None, Diff]:
    """Commit in one transaction, audit entry included: the batch id (None when nothing changes) and the diff it
    committed.

    The history summary is carried over when it describes the data this commit starts from (its token):
    ``carry``, already started, or started here in ``pool``. Without it, the next import reads the summary
    from the database."""
    history = validation.history
    written, matches = None, False
    try:
        with audit.turn():  # the audit entry chains to the head this transaction sees: appends wait for its commit
            with begin(con):
                before = get_meta(con, "data_token")  # in the transaction: the data it writes over
                matches = history is not None and history.token is not None and history.token == before
                if carry is None and matches:
                    carry = _carry(pool, folder, validation)
                staged = _register_new_units(con, validation)
            token = carry.token if carry is not None and matches else None
            notes = _notes_frame(staged, validation.notes)
            batch_id, diff = commit_with_diff(
                con,
                staged,
                list(validation.files),
                user,
                begun=True,
                token=token,
                actor=actor,
                confirmed_far_from_history=validation.far_from_history,
                restated=restated,
                notes=notes,
            )
        if batch_id is not None:
            written = get_meta(con, "data_token")
            if matches and carry is None:  # new units: carried over now, with the ids the store gave them
                with contextlib.suppress(Exception):  # derived data: its failure never fails an import
                    carry_over(history, staged, folder, written)  # type: ignore[arg-type]
    finally:
        if written:  # the new data's summary stays (when carried over); every other one is out of date
            if carry is not None:
                with contextlib.suppress(Exception):  # derived data: its failure never fails an import
                    carry.done.result()  # saved (or not) before the commit returns
            keep_only(folder, written if matches else None)
        elif carry is not None:  # nothing written: the summary of the data as it is stays
            _abandon(carry, folder)
    return batch_id, diff


def _notes_frame(staged: pd.DataFrame, noted: pd.DataFrame | None) -> pd.DataFrame | None:
    """The notes as the store keeps them (uid, period, mid, note), from the staged rows they explain (their unit
    ids the store's, once new units are registered)."""
    if noted is None or noted.empty:
        return None
    rows = staged.iloc[noted["row"].to_numpy()]
    return pd.DataFrame(
        {
            "uid": rows["uid"].to_numpy(dtype=np.int64),
            "period": rows["period"].to_numpy(dtype=np.int64),
            "mid": rows["mid"].to_numpy(dtype=np.int64),
            "note": noted["note"].to_numpy(dtype=object),
        }
    )


def _register_new_units(con: Connection, validation: Validation) -> pd.DataFrame:
    """Register the upload's new units (inside the caller's transaction); staged rows get their real ids."""
    if not validation.new_units:
        return validation.staged
    rows: list[dict[str, object]] = [
        {"code": u.code, "name": u.name, "parent_code": None, "headcount": None} for u in validation.new_units
    ]
    save_units(con, rows, in_transaction=True)
    real = unit_ids(con)
    staged = validation.staged
    uid = staged["uid"].to_numpy(dtype=np.int64)
    provisional = {u.uid: real[u.code] for u in validation.new_units}
    lookup = np.arange(max([int(uid.max()) if len(uid) else 0, *provisional]) + 1, dtype=np.int64)
    lookup[list(provisional)] = list(provisional.values())  # provisional id -> the id the store gave it
    return staged.assign(uid=lookup[uid])


# --- the command line: validate and commit in one go ----------------------------------------------------------


def run_import(
    db: str | Path | None,
    uploads: list[Upload],
    period: int | None = None,
    dry_run: bool = False,
    create_units: bool = False,
    user: str = "cli",
    actor: str | None = None,
    restated: str | None = None,
    notes: Sequence[Note] = (),
) -> ImportResult:
    """:func:`validate` and, unless ``dry_run`` or any error, :func:`commit`, with the same checks and the same
    commit. The JSON of SPEC §4 is ``result.to_json()``. ``notes``: the uploader's 情况说明 (:func:`validate`),
    kept with the batch.

    A commit writes its ``import`` audit entry in its transaction, naming ``actor`` (default ``user``). Warnings
    do not block (SPEC §4): values far from their unit's history are committed, their count recorded with the
    batch and in the audit entry as confirmed by this command.

    Faster than the two calls: the file opens for the commit while the uploads are parsed, and the preview of a
    dry run and the commit use that one connection (the file is opened for writing once).
    ``restated``: see :func:`validate` and :func:`commit`.
    """
    limits = default_limits()
    inputs = _gather(db, uploads, limits)
    folder = history_dir(db)
    with ThreadPoolExecutor(1) as pool:
        opening = pool.submit(_opened_early, db, dry_run)  # the file opens while the uploads are parsed
        try:
            fetch = _fetcher(db, inputs.ids, opening)  # stored operands of the rules, on the connection opening
            validation = _checked(uploads, inputs, period, create_units, limits, None, restated, notes, fetch)
        except BaseException:
            with contextlib.suppress(Exception):
                if (got := opening.result()) is not None:
                    got[0].close()
            raise
        opened = opening.result()  # a busy file is waited for below, once the upload is known to be good
        observations = len(validation.staged)
        if validation.errors:
            if opened is not None:
                opened[0].close()
            warnings = tuple(validation.warnings)
            return ImportResult("rejected", None, observations, 0, 0, 0, tuple(validation.errors), warnings)
        carry = None if dry_run else _carry(pool, folder, validation)  # while the checks and the commit run
        try:
            stack, con = opened or _opened(db, dry_run, True)  # type: ignore[misc]
            with stack:
                if dry_run:
                    batch_id, diff = None, diff_against_current(con, validation.staged)
                else:
                    batch_id, diff = _commit(con, validation, user, folder, pool, carry, actor, restated)
        except BaseException:  # no commit happened (e.g. the file stayed busy): nothing is carried over
            if carry is not None:
                _abandon(carry, folder)
            raise
    status = "dry_run" if dry_run else ("unchanged" if batch_id is None else "committed")
    return ImportResult(status, batch_id, observations, *_counts(diff), (), tuple(validation.warnings))


def _opened_early(db: str | Path | None, read_only: bool) -> tuple[contextlib.ExitStack, Connection] | None:
    """The database opened before the upload is known to be good: without waiting for a busy file, and not
    when a write-ahead log is pending (opening would replay it into the file: a rejected upload writes nothing)."""
    path = Path(db) if db else default_db_path()
    if not path.exists() or Path(f"{path}.wal").exists():
        return None
    return _opened(path, read_only, wait=False)


def _opened(db: str | Path | None, read_only: bool, wait: bool) -> tuple[contextlib.ExitStack, Connection] | None:
    """The database opened (closed with the stack), or None when it is busy and not ``wait``."""
    stack = contextlib.ExitStack()
    try:
        con = stack.enter_context(connect(db, read_only=read_only, wait=wait))
    except DatabaseBusy:
        if wait:
            raise
        return None
    return stack, con


def _counts(diff: Diff | None) -> tuple[int, int, int]:
    if diff is None:
        return 0, 0, 0
    return diff.count("new"), diff.count("changed") + diff.count("deleted"), diff.count("unchanged")


# --- what the page shows --------------------------------------------------------------------------------------


def issues_frame(issues: list[Issue], lang: str = "zh") -> pd.DataFrame:
    """Issues as a table for the page: where (``党建!E12``), file, kind (what the code means, in words), message in
    the chosen language, and last the stable code itself (for experts and support)."""
    return pd.DataFrame(
        {
            "location": [i.location for i in issues],
            "file": [i.file for i in issues],
            "kind": [issue_kind(i.code, lang) for i in issues],
            "message": [i.message_en if lang == "en" else i.message for i in issues],
            "code": [i.code for i in issues],
        }
    )


def preview_frame(validation: Validation, catalog: Catalog, registry: Registry, lang: str = "zh") -> pd.DataFrame:
    """What the commit would change, one row per value: unit, name, period, metric, old, new, status.

    Rows are ordered changed first, then new, then unchanged, so a planner sees the consequential ones first.
    """
    diff = validation.diff
    if diff is None or diff.rows.empty:
        return pd.DataFrame(columns=["unit", "name", "period", "metric", "old", "new", "status"])
    codes: dict[object, tuple[object, object]] = {u.uid: (u.code, u.name) for u in registry.units}
    codes |= {u.uid: (u.code, u.name) for u in validation.new_units}
    by_mid = {mid: code for code, mid in zip(validation.staged["metric"], validation.staged["mid"], strict=True)}
    rows = diff.rows
    order = {"changed": 0, "deleted": 1, "new": 2, "unchanged": 3, "absent": 4}
    frame = pd.DataFrame(
        {
            "unit": [codes.get(u, (str(u), ""))[0] for u in rows["uid"]],
            "name": [codes.get(u, ("", str(u)))[1] for u in rows["uid"]],
            "period": rows["period"].map(from_index),
            "metric": [catalog.get(by_mid[m]).name(lang) for m in rows["mid"]],
            "old": rows["old"],
            "new": rows["value"],
            "status": rows["status"].astype(object),
        }
    )
    return frame.sort_values(
        by=["status", "unit", "metric"], key=lambda s: s.map(order) if s.name == "status" else s, kind="stable"
    ).reset_index(drop=True)


def preview_summary(validation: Validation) -> dict[str, int]:
    """Counts for the preview header: values read, new, changed, unchanged, units, months."""
    diff = validation.diff
    staged = validation.staged
    return {
        "observations": len(staged),
        "new": diff.count("new") if diff else 0,
        "changed": (diff.count("changed") + diff.count("deleted")) if diff else 0,
        "unchanged": diff.count("unchanged") if diff else 0,
        "units": int(staged["uid"].nunique()) if len(staged) else 0,
        "months": int(staged["period"].nunique()) if len(staged) else 0,
    }
