"""Import errors and warnings: where (file, sheet, cell), what (a stable code) and why (zh and en)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from analytics.i18n import TEXT, t

ERROR, WARNING = "error", "warning"
MESSAGE_DIGITS = 15  # significant digits a value keeps in a message: all a float holds exactly


@dataclass(frozen=True)
class Issue:
    file: str
    sheet: str | None
    cell: str | None
    code: str
    message: str
    message_en: str
    severity: str = ERROR

    @property
    def location(self) -> str:
        """How pages show the place: ``党建!E12``, ``E12`` for CSV, the sheet or file for whole-sheet problems."""
        if self.cell and self.sheet:
            return f"{self.sheet}!{self.cell}"
        return self.cell or self.sheet or self.file

    def to_json(self) -> dict[str, object]:
        """The SPEC §4 record: file, sheet, cell, code, message, message_en."""
        fields = ("file", "sheet", "cell", "code", "message", "message_en")
        return {name: getattr(self, name) for name in fields}  # not asdict: it deep-copies, slow for 10,000s


def message_number(value: float) -> str:
    """A value as an issue message writes it: thousands separators, never scientific notation, at most
    MESSAGE_DIGITS significant digits and no trailing zeros (``12345678.9`` → ``12,345,678.9``, ``1e-07`` →
    ``0.0000001``); infinity and NaN as ``∞``, ``-∞`` and ``NaN``."""
    if value != value:  # NaN
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "∞" if value > 0 else "-∞"
    exact = Decimal(f"{value:.{MESSAGE_DIGITS}g}")  # rounded, possibly written 1.2e+07: Decimal reads both
    text = f"{exact:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def issue_kind(code: str, lang: str) -> str:
    """What an issue code means, in a few words in ``lang`` (``bad_value`` → 不是数值); an unknown code as itself."""
    key = f"issue_kind.{code}"
    return t(key, lang) if key in TEXT else code


def make_issue(
    code: str, file: str, sheet: str | None, cell: str | None, severity: str = ERROR, /, **fields: object
) -> Issue:
    """An issue whose messages come from the translation table entry ``issue.<code>``."""
    key = f"issue.{code}"
    return Issue(
        file,
        sheet,
        cell,
        code,
        t(key, "zh", **fields),
        t(key, "en", **fields),
        severity,
    )
