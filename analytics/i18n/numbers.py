"""How numbers are written for people: one rule per kind of number, used by the pages, the slides and the exports.

Kinds (missing values, None or NaN, are always ``—``):

- percent: one decimal and ``%`` (``97.7%``);
- amount or count, with or without its unit of measure: thousands separators, the decimals that matter at its size
  (0 from 1,000, 1 from 100, else 2), no trailing zeros (``178,212``, ``615.3``, ``12.45``, ``2,740 万元``);
- index (D, U1, U2): three decimals (``0.730``);
- correlation r: two decimals (``0.42``), never ``-0.00``;
- p and q: three decimals, ``<0.001`` below 0.001;
- changes: signed, unsigned when they round to zero (``0.0%``): percentage points of a % metric (``+0.5 百分点``),
  the difference with its unit for counts (``+5 起``: a change from 1 to 6 accidents is not ``+500%``), the
  relative change for amounts (``+4.6%``), the difference of an index (``+0.012``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from analytics.i18n import t, unit_of_measure

MISSING = "—"
PERCENT_DECIMALS, INDEX_DECIMALS, R_DECIMALS, P_DECIMALS = 1, 3, 2, 3
P_FLOOR = 0.001
THOUSAND, HUNDRED = 1000, 100  # an amount this large gets 0 / 1 decimal, a smaller one 2

#: Units of measure that count things: their changes are differences in the unit, not percentages.
COUNT_UNITS = frozenset({"个", "起", "件", "次", "人", "篇", "项", "条", "场"})

GENERIC_COUNT = "count"  # the English name of 个/件/项: "+9 count" reads worse than "+9"

#: How a change is expressed (the values of analytics.stats.overview's Kpi.change, plus DIFFERENCE for counts).
POINTS, RELATIVE, INDEX, DIFFERENCE = "points", "relative", "index", "difference"

#: Kinds of number for :func:`text_table` (and INDEX above).
AMOUNT, PERCENT, R, P, COUNT = "amount", "percent", "r", "p", "count"


def is_missing(value: object) -> bool:
    """None, NaN and pandas' NA are missing."""
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _number(value: float | None) -> float | None:
    """``value`` as a float; None when missing (see :func:`is_missing`)."""
    if value is None or is_missing(value):
        return None
    return float(value)


def _fixed(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` decimals and thousands separators; a value that rounds to zero has no sign."""
    text = f"{value:,.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text[1:].replace(",", "")) == 0 else text


def _decimals(value: float) -> int:
    size = abs(value)
    return 0 if size >= THOUSAND else 1 if size >= HUNDRED else 2


def _trimmed(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def unit_label(unit: str, lang: str) -> str:
    """A unit of measure in ``lang`` (万元 → 10k yuan); units not in the translation table as they are."""
    return unit_of_measure(unit, lang)


def percent(value: float | None) -> str:
    """``97.7%``; ``—`` when missing."""
    number = _number(value)
    return MISSING if number is None else _fixed(number, PERCENT_DECIMALS) + "%"


def amount(value: float | None, unit: str = "", lang: str = "zh") -> str:
    """``178,212``, ``615.3``, ``12.45`` (decimals by size, no trailing zeros), followed by the unit of measure in
    ``lang`` when given (``2,740 万元``); a ``%`` unit gives :func:`percent`; ``—`` when missing."""
    number = _number(value)
    if number is None:
        return MISSING
    if unit == "%":
        return percent(number)
    text = _trimmed(_fixed(number, _decimals(number)))
    return f"{text} {unit_label(unit, lang)}" if unit else text


def index(value: float | None) -> str:
    """An index in [0, 1] (D, U1, U2) with three decimals: ``0.730``; ``—`` when missing."""
    number = _number(value)
    return MISSING if number is None else _fixed(number, INDEX_DECIMALS)


def r_value(value: float | None) -> str:
    """A correlation with two decimals (``0.42``, ``-0.31``; ``0.00``, never ``-0.00``); ``—`` when missing."""
    number = _number(value)
    return MISSING if number is None else _fixed(number, R_DECIMALS)


def p_value(value: float | None) -> str:
    """p or q: ``0.012``, ``<0.001``; ``—`` when missing."""
    number = _number(value)
    if number is None or not math.isfinite(number):
        return MISSING
    return f"<{P_FLOOR:g}" if number < P_FLOOR else f"{number:.{P_DECIMALS}f}"


def count(value: float | None) -> str:
    """A number of things (units, months, observations): ``1,234``; ``—`` when missing."""
    number = _number(value)
    return MISSING if number is None else f"{round(number):,}"


def signed(value: float, decimals: int) -> str:
    """``+1.5`` / ``-1.5`` with thousands separators; unsigned (``0.0``) when it rounds to zero."""
    text = _fixed(value, decimals)
    return text if float(text.replace(",", "")) == 0 or text.startswith("-") else "+" + text


def change_kind(change: str, unit: str) -> str:
    """How a change of a metric in ``unit`` is expressed: a relative change of a count becomes its DIFFERENCE."""
    return DIFFERENCE if change == RELATIVE and unit in COUNT_UNITS else change


def change(kind: str, value: float | None, unit: str = "", lang: str = "zh") -> str:
    """A signed change of ``kind`` (POINTS, RELATIVE, DIFFERENCE, INDEX): ``+0.5 百分点`` / ``+0.5 pp``,
    ``+4.6%``, ``+5 起`` / ``+5 cases``, ``+0.012``; ``—`` when missing."""
    number = _number(value)
    if number is None:
        return MISSING
    if kind == POINTS:
        return f"{signed(number, PERCENT_DECIMALS)} {t('overview.pp', lang)}"
    if kind == INDEX:
        return signed(number, INDEX_DECIMALS)
    if kind == RELATIVE:
        return signed(number, PERCENT_DECIMALS) + "%"
    text = _trimmed(signed(number, _decimals(number)))
    shown = unit_label(unit, lang)
    return text if shown in ("", GENERIC_COUNT) else f"{text} {shown}"


def direction_of(text: str) -> int:
    """+1 for a rise, −1 for a fall, 0 for no change (or none), read from a :func:`change` text."""
    return 1 if text.startswith("+") else -1 if text.startswith("-") else 0


def text_table(frame: pd.DataFrame, kinds: Mapping[str, str]) -> pd.DataFrame:
    """``frame`` with the columns named in ``kinds`` written as text by their kind (AMOUNT, PERCENT, INDEX, R, P,
    COUNT). Missing values become ``—``; other columns are kept as they are."""
    writers = {AMOUNT: amount, PERCENT: percent, INDEX: index, R: r_value, P: p_value, COUNT: count}
    out = frame.copy()
    for column, kind in kinds.items():
        if column in out:
            out[column] = [writers[kind](v) for v in frame[column]]
    return out
