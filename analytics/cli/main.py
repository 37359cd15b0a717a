"""``python -m analytics COMMAND``: a thin layer over the library's services (SPEC §4).

Exit codes: 0 success; 1 rejected input, unknown unit/metric/batch, missing file, busy database; 2 usage error.
``--json`` prints one JSON document on stdout, with NaN and infinity written as null. A refusal
(:class:`~analytics.errors.AnalyticsError`) is caught here, once, and printed on stderr (:func:`refusal_text`).
"""

from __future__ import annotations

import sys

from analytics.cli.args import EXIT_OK, EXIT_REJECTED
from analytics.cli.parser import build_parser
from analytics.errors import AnalyticsError
from analytics.model.units import UnknownUnit

__all__ = ["build_parser", "main"]

# Refusals whose str() is a bare value, as their callers have always read it (the database's path, a row count):
# the command line says their sentence, ``中文 / English``.
BARE_VALUES = frozenset({"database_busy", "export.too_many_rows"})


def refusal_text(exc: AnalyticsError) -> str:
    """The line printed for a refusal: its ``str()`` — ``中文 / English`` from the translation table's
    ``error.<code>``, or the form the command line has always printed (a batch's refusal: English)."""
    if isinstance(exc, UnknownUnit):  # str() is the label, as a KeyError's; the command line says what it was
        hint = f" ({', '.join(exc.candidates)})" if exc.candidates else ""
        return AnalyticsError("unknown_unit", label=exc.label, hint=hint).bilingual()
    if exc.code in BARE_VALUES:
        return exc.bilingual()
    return str(exc)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or EXIT_OK)
    except AnalyticsError as exc:
        print(refusal_text(exc), file=sys.stderr)
        return EXIT_REJECTED
