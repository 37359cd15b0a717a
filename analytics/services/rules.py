"""Cross-checks (勾稽关系) and notes (情况说明), SPEC §8: the rules' use cases (list, import a rules CSV, export it),
the notes file of an import, and the notes kept with batches.

A rules file is read whole before anything is written: a row that does not parse, names an unknown metric or
repeats a code refuses the file (RuleError naming the row and the column; exit 1), nothing changes. Rules are added
or updated by code, in one transaction with their ``rules_change`` audit entry.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analytics.model.notes import Note, read_notes_csv
from analytics.model.rules import Rule, read_rules_csv, write_rules_csv
from analytics.services.records import read_text
from analytics.store.connection import connect
from analytics.store.metrics import metric_ids
from analytics.store.notes import load_notes
from analytics.store.rules import load_rules, save_rules

__all__ = ["Note", "Rule", "import_rules", "notes", "read_note_file", "rule_list", "rules_csv"]


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
    text = read_text(path)
    with connect(db) as con:
        rules = read_rules_csv(text, metric_ids(con))
        save_rules(con, rules, actor, Path(path).name)
    return rules


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
