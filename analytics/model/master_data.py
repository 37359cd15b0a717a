"""Rules every unit and metric code obeys, and the bilingual refusal of a units or catalog change.

Codes are identifiers (issue 12, item 6): a code that a spreadsheet would read as a formula (``=1+2``, ``+1``,
``-1``, ``@SUM(…)``), that holds a control character (a tab, a newline, a right-to-left override) or that has
spaces around it is refused wherever a code enters — the units and catalog CSV (command line and page), units
registered by an import, a restore.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from analytics.errors import AnalyticsError
from analytics.i18n import DEFAULT_LANG, Phrase, t

FORMULA_STARTS = frozenset("=+-@")
#: Unicode categories refused inside a code: controls, invisible format characters, line/paragraph separators.
CONTROL_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
ARROW = " → "


class MasterDataError(AnalyticsError, ValueError):
    """A units or catalog change refused (code ``md.*``); ``details`` lists the offending items (codes, labels,
    cycles), the same in both languages. ``str()`` is the command line's ``中文 / English`` form, one detail a line."""

    code = "md"

    def __init__(self, code: str, details: Sequence[str] = (), /, **fields: object) -> None:
        self.details = tuple(details)
        super().__init__(code, **fields)

    @property
    def key(self) -> str:
        """The refusal's translation key without its ``error.`` prefix (the code)."""
        return self.code

    def bilingual(self) -> str:
        head = f"{super().message('zh')} / {super().message('en')}"
        return head + "".join(f"\n  {d}" for d in self.details)

    def message(self, lang: str = DEFAULT_LANG) -> str:
        """The message in ``lang`` (zh or en) with the details on one line."""
        text = super().message(lang)
        if not self.details:
            return text
        return text + ("：" if lang != "en" else ": ") + ("；" if lang != "en" else "; ").join(self.details)


def code_problem(code: str) -> tuple[str, dict[str, str]] | None:
    """Why ``code`` cannot be a unit or metric code — (translation key, fields) — or None when it can."""
    if code == "":
        return "md.code.empty", {}
    if code != code.strip():
        return "md.code.spaces", {}
    for char in code:
        if unicodedata.category(char) in CONTROL_CATEGORIES:
            return "md.code.control", {"codepoint": f"{ord(char):04X}"}
    first = unicodedata.normalize("NFKC", code[0])[:1]  # a full-width ＝ is a formula sign to some readers too
    if first in FORMULA_STARTS:
        return "md.code.formula", {"char": first}
    return None


def code_reason(code: str, lang: str) -> str:
    """The reason ``code`` is refused, in ``lang``; empty when it is a valid code."""
    problem = code_problem(code)
    return "" if problem is None else t(problem[0], lang, **problem[1])


def code_phrase(code: str) -> Phrase | None:
    """The reason ``code`` is refused, as a field of a bilingual message (an import issue); None when it is valid."""
    problem = code_problem(code)
    return None if problem is None else Phrase(problem[0], **problem[1])


def check_codes(codes: Iterable[tuple[int | None, str]]) -> None:
    """Refuse (MasterDataError ``md.bad_codes``) every invalid code of ``(line, code)`` pairs, listing them all."""
    bad = [
        f"{'' if line is None else f'{line}: '}{code!r} — {code_reason(code, 'zh')} / {code_reason(code, 'en')}"
        for line, code in codes
        if code_problem(code) is not None
    ]
    if bad:
        raise MasterDataError("md.bad_codes", bad)
