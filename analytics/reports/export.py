"""The presenter's exports (SPEC §4 ``export``): a deck as self-contained HTML, PowerPoint, Excel or A4 PDF.

Every export carries the "内部资料 / Internal" mark with who exported it and when, the filters and the data version,
and no author metadata beyond that. The formats live in ``report_html``, ``report_pptx`` and ``report_xlsx``; the
PDF is the HTML's print variant printed by headless Chromium where it is installed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from analytics.reports.deck import Deck, Scope, SlideSpec, Source, build_deck
from analytics.reports.marking import ExportMark, mark_now
from analytics.reports.options import FORMATS
from analytics.reports.pdf import html_to_pdf

MIME = {
    "html": "text/html",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def render(deck: Deck, fmt: str, mark: ExportMark) -> bytes:
    """The deck as the bytes of an ``fmt`` file (html, pptx, xlsx or pdf). Raises ValueError for another format and
    PdfUnavailable for a PDF without Chromium. A deck of the demo group carries the demo mark in ``mark``."""
    mark = replace(mark, demo=mark.demo or deck.stamp.demo)
    if fmt == "html":
        from analytics.reports.html import report_html

        return report_html(deck, mark.text(deck.lang)).encode("utf-8")
    if fmt == "pptx":
        from analytics.reports.pptx import report_pptx

        return report_pptx(deck, mark)
    if fmt == "xlsx":
        from analytics.reports.xlsx import report_xlsx

        return report_xlsx(deck, mark)
    if fmt == "pdf":
        from analytics.reports.html import report_html

        return html_to_pdf(report_html(deck, mark.text(deck.lang), for_print=True))
    raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")


def export_report(
    source: Source,
    specs: Sequence[SlideSpec],
    fmt: str,
    out: str | Path,
    scope: Scope = Scope(),
    lang: str = "zh",
    user: str = "",
) -> Path:
    """Compute the deck ``specs`` over ``scope`` and write it to ``out`` as ``fmt``. Returns the path written.

    Raises DeckError (unknown metric or unit in the deck), ValueError (format), PdfUnavailable.
    """
    deck = build_deck(source, specs, scope, lang)
    data = render(deck, fmt, mark_now(user))
    path = Path(out)
    path.write_bytes(data)
    return path


def file_name(fmt: str, stamp_version: int, when: dt.datetime | None = None) -> str:
    """'融合分析汇报_v40_20261128.pptx' — a download's file name."""
    day = (when or dt.datetime.now()).strftime("%Y%m%d")
    return f"融合分析汇报_v{stamp_version}_{day}.{fmt}"
