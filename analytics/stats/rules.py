"""Cross-checks (勾稽关系, SPEC §8) over an upload, vectorised: every rule for every unit and month of the staged
values at once (numpy/pandas; no database).

The operands of a unit and month come from the upload; those it does not hold (another metric of the same unit and
month, a child unit's value for ``sum_children``) are asked for once, through ``fetch`` — the caller reads them from
the store. A rule is checked for a unit and month of the upload where at least one metric it names directly is in
the upload and every operand is present (``sum_children``: every child unit has the value); its cell is that of
the first metric of ``left`` in the upload (else of ``right``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.model.rules import Operands, Rule, check
from analytics.model.units import Registry

PERIOD_BITS = 20  # a key is uid << PERIOD_BITS | period (month indexes are < 2**20)
# (uids, periods, metric codes) -> the stored values (uid, period, metric, value) of those combinations
Fetch = Callable[[np.ndarray, np.ndarray, list[str]], pd.DataFrame]


@dataclass(frozen=True)
class Failures:
    """Where one rule failed: per failure the unit id, month, the staged row of its cell (-1: none in the upload)
    and the two sides' values; ``checked``: how many unit-months the rule could be checked in (failed or not)."""

    rule: Rule
    uid: np.ndarray
    period: np.ndarray
    row: np.ndarray
    left: np.ndarray
    right: np.ndarray
    checked: int = 0

    def __len__(self) -> int:
        return len(self.uid)

    @classmethod
    def none(cls, rule: Rule) -> Failures:
        """No failure, nothing checked."""
        empty = np.array([], dtype=np.int64)
        return cls(rule, empty, empty, empty, np.array([]), np.array([]))


def _keys(uid: np.ndarray, period: np.ndarray) -> np.ndarray:
    return (uid.astype(np.int64) << PERIOD_BITS) | period.astype(np.int64)


def check_rules(
    staged: pd.DataFrame,
    rules: Sequence[Rule],
    children: Mapping[int, Sequence[int]],
    headcount: Mapping[int, float],
    fetch: Fetch | None = None,
    keep_passing: bool = False,
) -> list[Failures]:
    """The failures of every rule over the upload ``staged`` (uid, period, metric, value; its row order gives the
    cells). ``children``: unit id → its child units' ids; ``headcount``: unit id → 职工人数; ``fetch``: the stored
    values of operands the upload lacks (None: the upload is all there is). Rules without failures are left out
    unless ``keep_passing`` (a dry run reports how many unit-months it checked)."""
    if staged.empty or not rules:
        return []
    direct = list(dict.fromkeys(m for r in rules for m in r.metrics))
    summed = list(dict.fromkeys(m for r in rules for m in r.children_metrics))
    values = _Upload(staged, set(direct) | set(summed))
    keys = values.keys_of(direct)
    if not len(keys):
        return []
    uid, period = keys >> PERIOD_BITS, keys & ((1 << PERIOD_BITS) - 1)
    own = {code: values.lookup(code, keys) for code in direct}
    parent, child_keys = _child_pairs(uid, period, children)
    below = {code: values.lookup(code, child_keys)[0] for code in summed}
    if fetch is not None:
        _fill(fetch, keys, own, child_keys, below)
    sums = {code: _sum_children(parent, below[code], len(keys)) for code in summed}
    heads = np.array([headcount.get(int(u), np.nan) for u in uid], dtype=np.float64)
    rows = {code: pos for code, (_, pos) in own.items()}
    operands = Operands(lambda code: own[code][0], lambda code: sums[code], heads)
    found: list[Failures] = []
    for rule in rules:
        outcome = check(rule, operands, len(keys))
        cells = np.stack([rows[code] for code in rule.metrics])  # left's metrics first
        in_upload = cells >= 0
        held = in_upload.any(axis=0)  # the unit-months where the upload holds a metric the rule names directly
        failed = np.flatnonzero(outcome.failed & held)
        if not len(failed) and not keep_passing:
            continue
        first = np.argmax(in_upload[:, failed], axis=0)
        found.append(
            Failures(
                rule,
                uid[failed],
                period[failed],
                cells[first, failed],
                outcome.left[failed],
                outcome.right[failed],
                int((outcome.checked & held).sum()),
            )
        )
    return found


def unit_operands(registry: Registry) -> tuple[dict[int, list[int]], dict[int, float]]:
    """What :func:`check_rules` reads of the units: unit id → its child units' ids, and unit id → 职工人数 (units
    without a positive headcount absent)."""
    uid_of = {u.code: u.uid for u in registry.units}
    children = {
        uid_of[parent]: [uid_of[c] for c in below] for parent, below in registry.children().items() if parent in uid_of
    }
    return children, {uid_of[code]: value for code, value in registry.headcounts().items()}


def check_stored(
    values: pd.DataFrame, rule: Rule, children: Mapping[int, Sequence[int]], headcount: Mapping[int, float]
) -> Failures:
    """``rule`` over stored values (uid, period, metric, value: every value of its metrics in the months looked at,
    the child units' included) — the import's check (:func:`check_rules`) with the values as the upload: a dry run
    of a rule before it is saved. Every unit-month holding a metric the rule names directly is checked where all its
    operands are present."""
    found = check_rules(values, [rule], children, headcount, None, keep_passing=True)
    return found[0] if found else Failures.none(rule)


class _Upload:
    """The upload's values of the metrics the rules read, by metric: a sorted key array, values and row positions."""

    def __init__(self, staged: pd.DataFrame, codes: set[str]) -> None:
        metric = staged["metric"]
        wanted = metric.isin(list(codes)).to_numpy()
        positions = np.flatnonzero(wanted)
        sub = staged.iloc[positions]
        keys = _keys(sub["uid"].to_numpy(), sub["period"].to_numpy())
        vals = sub["value"].to_numpy(dtype=np.float64)
        self.by_code: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for code, index in pd.Series(np.arange(len(sub))).groupby(sub["metric"].to_numpy()).indices.items():
            order = index[np.argsort(keys[index], kind="stable")]
            self.by_code[str(code)] = (keys[order], vals[order], positions[order])

    def keys_of(self, codes: Sequence[str]) -> np.ndarray:
        """The unit-months (sorted keys) where the upload holds any of ``codes``."""
        parts = [self.by_code[c][0] for c in codes if c in self.by_code]
        return np.unique(np.concatenate(parts)) if parts else np.array([], dtype=np.int64)

    def lookup(self, code: str, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``code``'s values at ``keys`` (NaN where the upload has none) and their staged rows (-1 there)."""
        out, rows = np.full(len(keys), np.nan), np.full(len(keys), -1, dtype=np.int64)
        if code not in self.by_code or not len(keys):
            return out, rows
        have, vals, pos = self.by_code[code]
        at = np.minimum(np.searchsorted(have, keys), len(have) - 1)
        hit = have[at] == keys
        out[hit], rows[hit] = vals[at[hit]], pos[at[hit]]
        return out, rows


def _child_pairs(
    uid: np.ndarray, period: np.ndarray, children: Mapping[int, Sequence[int]]
) -> tuple[np.ndarray, np.ndarray]:
    """For each unit-month with child units, one pair per child: (the unit-month's index, the child's key)."""
    parent: list[int] = []
    child: list[int] = []
    for index, (u, p) in enumerate(zip(uid.tolist(), period.tolist(), strict=True)):
        below = children.get(u)
        if below:
            parent.extend([index] * len(below))
            child.extend((c << PERIOD_BITS) | p for c in below)
    return np.asarray(parent, dtype=np.int64), np.asarray(child, dtype=np.int64)


def _fill(
    fetch: Fetch,
    keys: np.ndarray,
    own: dict[str, tuple[np.ndarray, np.ndarray]],
    child_keys: np.ndarray,
    below: dict[str, np.ndarray],
) -> None:
    """Fill the operands the upload lacks from the store (one ``fetch`` for all), in place."""
    gaps = [keys[np.isnan(v)] for v, _ in own.values()] + [child_keys[np.isnan(v)] for v in below.values()]
    missing = np.unique(np.concatenate(gaps)) if gaps else np.array([], dtype=np.int64)
    if not len(missing):
        return
    codes = [c for c, (v, _) in own.items() if np.isnan(v).any()]
    codes += [c for c, v in below.items() if np.isnan(v).any() and c not in codes]
    stored = fetch(missing >> PERIOD_BITS, missing & ((1 << PERIOD_BITS) - 1), codes)
    if stored.empty:
        return
    stored_keys = _keys(stored["uid"].to_numpy(), stored["period"].to_numpy())
    for code, group in (
        pd.Series(np.arange(len(stored))).groupby(stored["metric"].astype(str).to_numpy()).indices.items()
    ):
        series = pd.Series(stored["value"].to_numpy(dtype=np.float64)[group], index=stored_keys[group])
        series = series[~series.index.duplicated()]
        if code in own:
            v = own[code][0]
            gap = np.isnan(v)
            v[gap] = series.reindex(keys[gap]).to_numpy()
        if code in below:
            v = below[code]
            gap = np.isnan(v)
            v[gap] = series.reindex(child_keys[gap]).to_numpy()


def _sum_children(parent: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Per unit-month the sum of its children's values; NaN when it has none or any child lacks the value."""
    if not len(parent):
        return np.full(size, np.nan)
    present = np.isfinite(values)
    total = np.bincount(parent, weights=np.where(present, values, 0.0), minlength=size)
    count = np.bincount(parent, weights=present.astype(np.float64), minlength=size)
    expected = np.bincount(parent, minlength=size)
    return np.where((expected > 0) & (count == expected), total, np.nan)
