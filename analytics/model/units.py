"""Units (单位) as records: the unit tree, lookups by code and name, and the units CSV's rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.errors import AnalyticsError
from analytics.i18n import LANGS, t
from analytics.model.catalog import normalise_label
from analytics.model.master_data import ARROW, MasterDataError, check_codes

UNIT_COLUMNS = ("code", "name", "parent_code", "headcount")


@dataclass(frozen=True)
class Unit:
    uid: int
    code: str
    name: str
    parent_code: str | None
    headcount: float | None


class UnknownUnit(AnalyticsError, KeyError):
    """A unit argument that names no unit, or a name shared by several (``candidates`` lists their codes).
    A KeyError of the label, as ``str()`` and ``args`` have always said."""

    code = "unit.unknown"

    def __init__(self, label: str, candidates: tuple[str, ...] = ()) -> None:
        self.label, self.candidates = label, candidates
        code = "unit.ambiguous" if candidates else "unit.unknown"
        super().__init__(code, label=label, candidates=", ".join(candidates))

    def bilingual(self) -> str:
        """The command line's line, one for both cases:
        ``未知或有歧义的单位 / unknown or ambiguous unit: 检修分公司 (BF05, NF03)``."""
        hint = f" ({self.fields['candidates']})" if self.candidates else ""
        return " / ".join(t("error.unknown_unit", lang, label=self.label, hint=hint) for lang in LANGS)

    def summary(self) -> str:
        return self.label


@dataclass(frozen=True)
class Registry:
    """All units with lookups by code and by (trimmed) name; names may repeat across subsidiaries."""

    units: tuple[Unit, ...]
    _by_code: dict[str, Unit] = field(init=False, repr=False, compare=False)
    _by_code_folded: dict[str, Unit] = field(init=False, repr=False, compare=False)
    _by_name: dict[str, list[Unit]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name: dict[str, list[Unit]] = {}
        for u in self.units:
            by_name.setdefault(normalise_label(u.name), []).append(u)
        object.__setattr__(self, "_by_code", {u.code: u for u in self.units})
        object.__setattr__(self, "_by_code_folded", {normalise_label(u.code): u for u in self.units})
        object.__setattr__(self, "_by_name", by_name)

    def by_code(self, code: object) -> Unit | None:
        if code is None:
            return None
        text = str(code).strip()
        if text.endswith(".0") and text[:-2].isdigit():  # a numeric code read back as a float
            text = text[:-2]
        return self._by_code.get(text) or self._by_code_folded.get(normalise_label(text))

    def by_name(self, name: object) -> list[Unit]:
        return list(self._by_name.get(normalise_label(name), ()))

    def resolve(self, label: str) -> Unit:
        """A unit by code, else by unique name; raises UnknownUnit (with candidates when ambiguous)."""
        unit = self.by_code(label)
        if unit:
            return unit
        matches = self.by_name(label)
        if len(matches) == 1:
            return matches[0]
        raise UnknownUnit(label, tuple(u.code for u in matches))

    def children(self) -> dict[str | None, list[str]]:
        """Parent code → its child units' codes, in registry order (None → the roots)."""
        children: dict[str | None, list[str]] = {}
        for u in self.units:
            children.setdefault(u.parent_code, []).append(u.code)
        return children

    def descendants(self, code: str) -> list[str]:
        """The unit and every unit below it (a subsidiary means its branches), each once: a cycle stored in the
        tree ends the walk where it comes round, never loops."""
        children = self.children()
        found, seen, stack = [], {code}, [code]
        while stack:
            current = stack.pop()
            found.append(current)
            below = [c for c in children.get(current, ()) if c not in seen]
            seen.update(below)
            stack.extend(below)
        return found

    def ancestors(self, code: str) -> list[str]:
        """The unit's parent, grandparent, … up to the root, each once (a cycle stops at the first repeat);
        parents that are not registered units end the chain."""
        chain: list[str] = []
        seen = {code}
        unit = self._by_code.get(code)
        while unit is not None and unit.parent_code and unit.parent_code not in seen:
            parent = self._by_code.get(unit.parent_code)
            if parent is None:
                break
            chain.append(parent.code)
            seen.add(parent.code)
            unit = parent
        return chain

    def expand(self, labels: list[str]) -> list[str]:
        """Codes of the named units and all their descendants, in registry order."""
        wanted = {c for label in labels for c in self.descendants(self.resolve(label).code)}
        return [u.code for u in self.units if u.code in wanted]

    def subsidiary_of(self, code: str) -> str:
        """The top-most ancestor below the group root (the unit itself when it has no parent)."""
        chain = [self._by_code[code].code, *self.ancestors(code)]
        return chain[-2] if len(chain) >= 2 else chain[-1]

    def subsidiary_names(self) -> dict[str, str]:
        """Unit code → the name of its subsidiary (:meth:`subsidiary_of`)."""
        return {u.code: self._by_code[self.subsidiary_of(u.code)].name for u in self.units}

    def parents(self) -> dict[str, str | None]:
        return {u.code: u.parent_code for u in self.units}

    def headcounts(self) -> dict[str, float]:
        """Unit code → headcount (职工人数), for the units that have a positive one (the rest are absent)."""
        return {u.code: float(u.headcount) for u in self.units if u.headcount is not None and u.headcount > 0}

    def leaves(self) -> list[Unit]:
        """Units that report themselves: those with no child units (parents are rolled up from them), in id order."""
        parents = {u.parent_code for u in self.units if u.parent_code}
        return [u for u in self.units if u.code not in parents]


def find_cycles(parents: dict[str, str | None]) -> list[list[str]]:
    """Every cycle of a unit → parent mapping, each as its codes from its first unit (in mapping order) round to
    that unit again: ``[A, B, A]`` when A's parent is B and B's is A, ``[A, A]`` for a unit that is its own parent.
    Each unit has one parent, so cycles never share a unit; a walk visits each unit once (linear time)."""
    state: dict[str, int] = {}  # 1 on the current walk, 2 done
    cycles: list[list[str]] = []
    for start in parents:
        path: list[str] = []
        node: str | None = start
        while node is not None and node in parents and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = parents[node]
        if node is not None and state.get(node) == 1:  # came round to a unit of this walk
            loop = path[path.index(node) :]
            cycles.append([*loop, loop[0]])
        for visited in path:
            state[visited] = 2
    return cycles


def parent_of(parents: Mapping[str, str | None], unit: str) -> str | None:
    """The unit's parent code; None for a root (no parent, an empty one, or one that is not text)."""
    up = parents.get(unit)
    return up if isinstance(up, str) and up else None


def walk_up(parents: Mapping[str, str | None], unit: str) -> tuple[list[str], str | None]:
    """The unit's ancestors, parent first, each once; and the ancestor the walk met a second time (it ends there:
    ``parents`` holds a cycle), else None."""
    chain: list[str] = []
    seen = {unit}
    up = parent_of(parents, unit)
    while up is not None:
        if up in seen:
            return chain, up
        chain.append(up)
        seen.add(up)
        up = parent_of(parents, up)
    return chain, None


def ancestor_levels(units: Collection[object], parents: Mapping[str, str | None]) -> list[np.ndarray]:
    """levels[k][i] = position in ``units`` of unit i's (k+1)-th ancestor, −1 when it has none or it is not one of
    ``units``. A walk ends where it meets a unit again (:func:`walk_up`), so a cycle cannot loop."""
    position = {str(u): i for i, u in enumerate(units)}
    levels: list[np.ndarray] = []
    for i, unit in enumerate(units):
        for depth, up in enumerate(walk_up(parents, str(unit))[0]):
            if depth == len(levels):
                levels.append(np.full(len(units), -1, dtype=np.int64))
            levels[depth][i] = position.get(up, -1)
    return levels


def check_tree(parents: dict[str, str | None], key: str = "md.cycle", through: set[str] | None = None) -> None:
    """Raise MasterDataError (``key``, every cycle named as ``A → B → A``) when ``parents`` holds a cycle — one
    through a unit of ``through`` when given (the units a change writes: only they can close a new cycle)."""
    cycles = [c for c in find_cycles(parents) if through is None or through.intersection(c)]
    if cycles:
        raise MasterDataError(key, [ARROW.join(cycle) for cycle in cycles])


def read_units_csv(text: str) -> list[dict[str, object]]:
    """Unit rows from CSV text with columns code,name,parent_code,headcount; raises MasterDataError when a
    column is missing, a row lacks its code or name, a headcount is not a number, a code is given twice or is not
    an identifier (every invalid code listed). Codes are kept exactly as given; names and parents are trimmed."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"code", "name"} - set(reader.fieldnames or ())
    if missing:
        raise MasterDataError("md.missing_columns", columns=", ".join(sorted(missing)))
    lines = list(enumerate(reader, start=2))
    for line, row in lines:
        if not (row.get("code") or "").strip() or not (row.get("name") or "").strip():
            raise MasterDataError("md.unit_required", line=line)
    check_codes((line, row.get("code") or "") for line, row in lines)
    rows: list[dict[str, object]] = []
    first_line: dict[str, int] = {}
    for line, row in lines:
        code = row.get("code") or ""
        if code in first_line:
            raise MasterDataError("md.code_twice", code=code, first=first_line[code], line=line)
        first_line[code] = line
        rows.append(
            {
                "code": code,
                "name": (row.get("name") or "").strip(),
                "parent_code": (row.get("parent_code") or "").strip() or None,
                "headcount": _headcount(row.get("headcount"), line),
            }
        )
    return rows


def _headcount(text: str | None, line: int) -> float | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise MasterDataError("md.bad_headcount", line=line, value=text) from None


def _parent(row: dict[str, object]) -> str | None:
    parent = row.get("parent_code")
    return None if parent is None or parent == "" or (isinstance(parent, float) and pd.isna(parent)) else str(parent)
