"""Many "unknown unit" errors of one upload, said once for the page.

A workbook filled before its units were registered names an unknown unit on every row: 30 rows give 30 identical
errors. The import keeps one issue per cell (the JSON and the CLI need file, sheet and cell each, SPEC §3); this
module only gathers them into one message for the page, listing each unit once.
"""

from __future__ import annotations

from dataclasses import dataclass

from analytics.i18n import TEXT, t
from analytics.model.issues import Issue

UNKNOWN_UNIT = "unknown_unit"
MANY_UNKNOWN = 3  # from this many unknown-unit errors on, the page says them once
LISTED_UNITS = 20  # units named in the message; the rest are counted


@dataclass(frozen=True)
class UnknownUnits:
    """The unknown units of an upload: ``units`` each label once, in the order first met; ``cells`` the errors."""

    units: tuple[str, ...]
    cells: int


def unit_label(issue: Issue) -> str:
    """The unit an ``unknown_unit`` issue names, read back from its English message (the template's text around
    ``{unit}``); the whole message when it does not match."""
    before, after = TEXT[f"issue.{UNKNOWN_UNIT}"][1].split("{unit}")
    text = issue.message_en
    if text.startswith(before) and text.endswith(after):
        return text[len(before) : len(text) - len(after)]
    return text


def group_unknown_units(errors: list[Issue]) -> tuple[UnknownUnits | None, list[Issue]]:
    """The unknown units gathered (None when fewer than ``MANY_UNKNOWN`` errors name one) and the other errors,
    in their order. Below the threshold every error is returned as it is."""
    unknown = [e for e in errors if e.code == UNKNOWN_UNIT]
    if len(unknown) < MANY_UNKNOWN:
        return None, list(errors)
    units = tuple(dict.fromkeys(unit_label(e) for e in unknown))
    return UnknownUnits(units, len(unknown)), [e for e in errors if e.code != UNKNOWN_UNIT]


def unknown_units_message(group: UnknownUnits, lang: str, may_manage: bool) -> str:
    """One paragraph in ``lang``: how many cells, which units (the first ``LISTED_UNITS``), and what to do —
    register them (those who may manage units) or ask an administrator (everyone else)."""
    shown = list(group.units[:LISTED_UNITS])
    rest = len(group.units) - len(shown)
    names = t("sep.list", lang).join(shown)
    if rest:
        names += ("" if lang != "en" else ", ") + t("import.unknown_units_more", lang, n=rest)
    said = t("import.unknown_units", lang, n=group.cells, k=len(group.units), units=names)
    advice = t("import.unknown_units_admin" if may_manage else "import.unknown_units_others", lang)
    return f"{said}{'' if lang != 'en' else ' '}{advice}"
