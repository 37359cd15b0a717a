"""Cross-checks (勾稽关系, SPEC §8) in the database: the ``rules`` table (a rule's texts, parsed again when read by
analytics.model.rules) and the current values a check reads for operands an upload does not hold."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import duckdb
import numpy as np
import pandas as pd

from analytics.model.rules import RULE_COLUMNS, Rule, RuleError, make_rule
from analytics.store import audit

_SELECT = 'SELECT code, "left", op, "right", tolerance, severity, message_zh, message_en FROM rules ORDER BY code'


def load_rules(con: duckdb.DuckDBPyConnection, known: Collection[str]) -> list[Rule]:
    """Every stored rule, by code; ``known``: the catalog's metric codes (a rule naming a metric the catalog has
    since dropped raises RuleError)."""
    return [make_rule(dict(zip(RULE_COLUMNS, row, strict=True)), known) for row in con.execute(_SELECT).fetchall()]


def usable_rules(con: duckdb.DuckDBPyConnection, known: Collection[str]) -> tuple[list[Rule], list[str]]:
    """The stored rules that still parse against the catalog ``known``, and the codes of those that no longer do
    (a metric they name was dropped): an import checks the first and warns of the second."""
    rules: list[Rule] = []
    broken: list[str] = []
    for row in con.execute(_SELECT).fetchall():
        try:
            rules.append(make_rule(dict(zip(RULE_COLUMNS, row, strict=True)), known))
        except RuleError:
            broken.append(str(row[0]))
    return rules, broken


def rule_count(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT count(*) FROM rules").fetchall()[0][0])


def save_rules(con: duckdb.DuckDBPyConnection, rules: Sequence[Rule], actor: str, file: str | None = None) -> None:
    """Add or update ``rules`` by code, in one transaction with its ``rules_change`` audit entry."""
    with audit.transaction(con):
        for rule in rules:
            row = rule.row()
            con.execute("INSERT OR REPLACE INTO rules VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [row[c] for c in RULE_COLUMNS])
        audit.record(con, actor, audit.RULES, {"file": file, "rules": [r.code for r in rules]})


def current_values(
    con: duckdb.DuckDBPyConnection, uids: np.ndarray, periods: np.ndarray, mids: Sequence[int]
) -> pd.DataFrame:
    """The current values (uid, period, mid, value) of units ``uids`` in months ``periods`` for metrics ``mids``
    (each a set: every combination is read)."""
    if not len(uids) or not len(periods) or not len(mids):
        return pd.DataFrame({"uid": [], "period": [], "mid": [], "value": []})
    con.register("rule_uids", pd.DataFrame({"uid": np.unique(uids).astype(np.int64)}))
    try:
        return con.execute(
            "SELECT c.uid, c.period, c.mid, c.value FROM current c SEMI JOIN rule_uids u ON c.uid = u.uid "
            "WHERE c.period IN (SELECT unnest(?)) AND c.mid IN (SELECT unnest(?))",
            [sorted({int(p) for p in periods}), sorted({int(m) for m in mids})],
        ).df()
    finally:
        con.unregister("rule_uids")


def values_between(
    con: duckdb.DuckDBPyConnection, mids: Sequence[int], start: int | None, end: int | None
) -> pd.DataFrame:
    """The current values (uid, period, mid, value) of metrics ``mids`` in months ``start..end`` (month indexes,
    inclusive; None: open), every unit: what a rule's dry run checks."""
    if not len(mids):
        return pd.DataFrame({"uid": [], "period": [], "mid": [], "value": []})
    return con.execute(
        "SELECT uid, period, mid, value FROM current WHERE mid IN (SELECT unnest(?)) "
        "AND (?::INTEGER IS NULL OR period >= ?) AND (?::INTEGER IS NULL OR period <= ?) ORDER BY uid, period, mid",
        [sorted({int(m) for m in mids}), start, start, end, end],
    ).df()
