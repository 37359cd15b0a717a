"""Units (单位) and the stored metric catalog: reading, adding, updating, and resolving names to codes."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import duckdb
import pandas as pd

from analytics.catalog import Catalog, Metric, normalise_label
from analytics.db import bump_data_version, insert_metrics

UNIT_COLUMNS = ("code", "name", "parent_code", "headcount")


@dataclass(frozen=True)
class Unit:
    uid: int
    code: str
    name: str
    parent_code: str | None
    headcount: float | None


class UnknownUnit(KeyError):
    """A unit argument that names no unit, or a name shared by several (``candidates`` lists them)."""

    def __init__(self, label: str, candidates: tuple[str, ...] = ()):
        super().__init__(label)
        self.label = label
        self.candidates = candidates


@dataclass(frozen=True)
class Registry:
    """All units with lookups by code and by (trimmed) name; names may repeat across subsidiaries."""

    units: tuple[Unit, ...]

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
        return self._by_code.get(text) or self._by_code_folded.get(normalise_label(text))  # type: ignore[attr-defined]

    def by_name(self, name: object) -> list[Unit]:
        return list(self._by_name.get(normalise_label(name), ()))  # type: ignore[attr-defined]

    def resolve(self, label: str) -> Unit:
        """A unit by code, else by unique name; raises UnknownUnit (with candidates when ambiguous)."""
        unit = self.by_code(label)
        if unit:
            return unit
        matches = self.by_name(label)
        if len(matches) == 1:
            return matches[0]
        raise UnknownUnit(label, tuple(u.code for u in matches))

    def descendants(self, code: str) -> list[str]:
        """The unit and every unit below it (a subsidiary means its branches)."""
        children: dict[str | None, list[str]] = {}
        for u in self.units:
            children.setdefault(u.parent_code, []).append(u.code)
        found, stack = [], [code]
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(children.get(current, ()))
        return found

    def expand(self, labels: list[str]) -> list[str]:
        """Codes of the named units and all their descendants, in registry order."""
        wanted = {c for label in labels for c in self.descendants(self.resolve(label).code)}
        return [u.code for u in self.units if u.code in wanted]

    def subsidiary_of(self, code: str) -> str:
        """The top-most ancestor below the group root (the unit itself when it has no parent)."""
        unit = self._by_code[code]  # type: ignore[attr-defined]
        chain = [unit]
        while chain[-1].parent_code and chain[-1].parent_code in self._by_code:  # type: ignore[attr-defined]
            chain.append(self._by_code[chain[-1].parent_code])  # type: ignore[attr-defined]
        return chain[-2].code if len(chain) >= 2 else chain[-1].code

    def parents(self) -> dict[str, str | None]:
        return {u.code: u.parent_code for u in self.units}

    def leaves(self) -> list[Unit]:
        """Units that report themselves: those with no child units (parents are rolled up from them), in id order."""
        parents = {u.parent_code for u in self.units if u.parent_code}
        return [u for u in self.units if u.code not in parents]


def load_registry(con: duckdb.DuckDBPyConnection) -> Registry:
    rows = con.execute("SELECT uid, code, name, parent_code, headcount FROM units ORDER BY uid").fetchall()
    return Registry(tuple(Unit(*row) for row in rows))


def load_catalog(con: duckdb.DuckDBPyConnection) -> Catalog:
    rows = con.execute(
        "SELECT code, name_zh, name_en, category, dimension, unit, direction, min, max, aliases, rollup "
        "FROM metrics ORDER BY mid"
    ).fetchall()
    metrics = tuple(
        Metric(
            c,
            zh,
            en,
            cat,
            dim,
            unit,
            int(d),
            lo,
            hi,
            tuple(a for a in aliases.split("|") if a),
            roll,
        )
        for c, zh, en, cat, dim, unit, d, lo, hi, aliases, roll in rows
    )
    return Catalog(metrics)


def metric_ids(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return dict(con.execute("SELECT code, mid FROM metrics").fetchall())


def save_metrics(con: duckdb.DuckDBPyConnection, metrics: list[Metric]) -> None:
    """Add or update catalog entries by code, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    insert_metrics(con, metrics)
    bump_data_version(con)
    con.execute("COMMIT")


def read_units_csv(text: str) -> list[dict[str, object]]:
    """Unit rows from CSV text with columns code,name,parent_code,headcount; raises ValueError when malformed."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"code", "name"} - set(reader.fieldnames or ())
    if missing:
        raise ValueError(f"missing columns: {', '.join(sorted(missing))}")
    rows = []
    for line, row in enumerate(reader, start=2):
        code, name = (row.get("code") or "").strip(), (row.get("name") or "").strip()
        if not code or not name:
            raise ValueError(f"line {line}: code and name are required")
        headcount = (row.get("headcount") or "").strip()
        rows.append(
            {
                "code": code,
                "name": name,
                "parent_code": (row.get("parent_code") or "").strip() or None,
                "headcount": float(headcount) if headcount else None,
            }
        )
    return rows


def save_units(
    con: duckdb.DuckDBPyConnection,
    rows: list[dict[str, object]],
    in_transaction: bool = False,
) -> int:
    """Add or update units by code (ids stay stable); returns how many rows were written.

    Parents must exist in the registry or in ``rows``; raises ValueError naming the first unknown parent.
    """
    known = {c for (c,) in con.execute("SELECT code FROM units").fetchall()} | {r["code"] for r in rows}
    for r in rows:
        if r.get("parent_code") and r["parent_code"] not in known:
            raise ValueError(f"unknown parent {r['parent_code']!r} of unit {r['code']!r}")
    if not in_transaction:
        con.execute("BEGIN TRANSACTION")
    frame = pd.DataFrame(rows, columns=list(UNIT_COLUMNS))
    con.register("incoming_units", frame)
    con.execute(
        "UPDATE units SET name = i.name, parent_code = i.parent_code, headcount = i.headcount "
        "FROM incoming_units i WHERE units.code = i.code"
    )
    con.execute(
        "INSERT INTO units SELECT (SELECT coalesce(max(uid), 0) FROM units) + row_number() OVER (), "
        "i.code, i.name, i.parent_code, i.headcount FROM incoming_units i "
        "WHERE i.code NOT IN (SELECT code FROM units)"
    )
    con.unregister("incoming_units")
    bump_data_version(con)
    if not in_transaction:
        con.execute("COMMIT")
    return len(rows)


def units_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT code, name, parent_code, headcount FROM units ORDER BY uid").df()


def units_csv(con: duckdb.DuckDBPyConnection) -> str:
    out = io.StringIO()
    frame = units_frame(con)
    frame["headcount"] = frame["headcount"].map(lambda v: "" if pd.isna(v) else format(v, "g"))
    frame.to_csv(out, index=False, lineterminator="\n")
    return out.getvalue()
