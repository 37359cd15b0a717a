"""A4 PDF from the self-contained HTML report, printed by headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from analytics.errors import AnalyticsError

PDF_TIMEOUT_SECONDS = 120


PDF_JS_BUDGET_MS = 20_000  # virtual time Chromium gives the page's scripts (plotly drawing) before printing


CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


CHROMIUM_INSTALL = "apt-get install chromium fonts-noto-cjk"


class PdfUnavailable(AnalyticsError, RuntimeError):
    """No headless Chromium on this machine (install it: apt-get install chromium fonts-noto-cjk); ``str()`` is
    English."""

    code = "pdf.no_chromium"

    def __init__(self) -> None:
        super().__init__(None, install=CHROMIUM_INSTALL)

    def summary(self) -> str:
        return self.message("en")


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
        raise PdfUnavailable()
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
