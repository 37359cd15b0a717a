"""The presenter's exports (SPEC §4 ``export``): a deck as self-contained HTML, PowerPoint, Excel or A4 PDF.

Every export carries the "内部资料 / Internal" mark with who exported it and when, the filters and the data version,
and no author metadata beyond that. The formats live in ``report_html``, ``report_pptx`` and ``report_xlsx``; the
PDF is the HTML's print variant printed by headless Chromium where it is installed.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from analytics.deck import Deck, Scope, SlideSpec, Source, build_deck
from analytics.deck_options import FORMATS
from analytics.i18n import t

MIME = {
    "html": "text/html",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
PDF_TIMEOUT_SECONDS = 120
PDF_JS_BUDGET_MS = 20_000  # virtual time Chromium gives the page's scripts (plotly drawing) before printing
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_INSTALL = "apt-get install chromium fonts-noto-cjk"


class PdfUnavailable(RuntimeError):
    """No headless Chromium on this machine (install it: apt-get install chromium fonts-noto-cjk)."""


@dataclass(frozen=True)
class ExportMark:
    """Who exported the report and when: shown on every page and in the file's properties."""

    user: str
    when: dt.datetime
    demo: bool = False  # the deck shows the demo group: the mark says so first (render sets it from the deck)

    def text(self, lang: str) -> str:
        """'内部资料 · 由 张三 于 2026-11-28 10:15 导出 · 注意保密，请勿外传', after '演示数据（…） · ' for the demo."""
        text = t("present.mark", lang, user=self.user or "—", when=self.when.strftime("%Y-%m-%d %H:%M"))
        return t("present.demo_export_mark", lang) + text if self.demo else text


def mark_now(user: str) -> ExportMark:
    return ExportMark(user.strip(), dt.datetime.now().replace(microsecond=0))


def render(deck: Deck, fmt: str, mark: ExportMark) -> bytes:
    """The deck as the bytes of an ``fmt`` file (html, pptx, xlsx or pdf). Raises ValueError for another format and
    PdfUnavailable for a PDF without Chromium. A deck of the demo group carries the demo mark in ``mark``."""
    mark = replace(mark, demo=mark.demo or deck.stamp.demo)
    if fmt == "html":
        from analytics.report_html import report_html

        return report_html(deck, mark.text(deck.lang)).encode("utf-8")
    if fmt == "pptx":
        from analytics.report_pptx import report_pptx

        return report_pptx(deck, mark)
    if fmt == "xlsx":
        from analytics.report_xlsx import report_xlsx

        return report_xlsx(deck, mark)
    if fmt == "pdf":
        from analytics.report_html import report_html

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


# ---------------------------------------------------------------- PDF through headless Chromium


def chromium() -> str | None:
    """The path of a Chromium (or Chrome) executable, or None."""
    override = os.environ.get("ANALYTICS_CHROMIUM")
    if override:
        return override if Path(override).exists() else None
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def pdf_available() -> bool:
    return chromium() is not None


def html_to_pdf(document: str) -> bytes:
    """Print an HTML document to A4 PDF with headless Chromium, offline (a file:// page, networking not needed).

    The page's scripts (plotly drawing the charts) get PDF_JS_BUDGET_MS of virtual time first.
    Raises PdfUnavailable when Chromium is missing, RuntimeError when printing fails.
    """
    executable = chromium()
    if executable is None:
        raise PdfUnavailable(f"Chromium is not installed: {CHROMIUM_INSTALL}")
    with tempfile.TemporaryDirectory(prefix="report-pdf-") as folder:
        page, pdf = Path(folder) / "report.html", Path(folder) / "report.pdf"
        page.write_text(document, encoding="utf-8")
        command = [
            executable,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={Path(folder) / 'profile'}",
            "--no-pdf-header-footer",
            "--print-to-pdf-no-header",
            f"--virtual-time-budget={PDF_JS_BUDGET_MS}",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, timeout=PDF_TIMEOUT_SECONDS, check=False)
        if not pdf.exists() or pdf.stat().st_size == 0:
            detail = done.stderr.decode("utf-8", "replace")[-500:]
            raise RuntimeError(f"Chromium did not print the PDF (exit {done.returncode}): {detail}")
        return pdf.read_bytes()
