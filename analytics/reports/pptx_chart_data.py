"""python-pptx chart data whose embedded workbooks hold text as text.

Every native PowerPoint chart carries a small Excel workbook with its series names and categories. python-pptx writes
them with xlsxwriter's generic ``write()``, which turns a string that starts with ``=`` into a formula and a URL into
a hyperlink: a subsidiary named ``=HYPERLINK(…)`` would become a live formula in the presenter's deck. These drop-in
subclasses open that workbook with ``strings_to_formulas`` and ``strings_to_urls`` off, so a name is only ever text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from pptx.chart import data as pptx_data
from pptx.chart.xlsx import CategoryWorkbookWriter, XyWorkbookWriter, _BaseWorkbookWriter
from xlsxwriter import Workbook
from xlsxwriter.worksheet import Worksheet

TEXT_ONLY = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}


@contextmanager
def _text_only_worksheet(self: _BaseWorkbookWriter, xlsx_file: IO[bytes]) -> Iterator[tuple[Workbook, Worksheet]]:
    workbook = Workbook(xlsx_file, TEXT_ONLY)
    worksheet = workbook.add_worksheet()
    yield workbook, worksheet
    workbook.close()


class _CategoryWriter(CategoryWorkbookWriter):
    _open_worksheet = _text_only_worksheet


class _XyWriter(XyWorkbookWriter):
    _open_worksheet = _text_only_worksheet


class CategoryChartData(pptx_data.CategoryChartData):
    """``pptx.chart.data.CategoryChartData`` with a text-only embedded workbook."""

    @property
    def _workbook_writer(self) -> _CategoryWriter:
        return _CategoryWriter(self)


class XyChartData(pptx_data.XyChartData):
    """``pptx.chart.data.XyChartData`` with a text-only embedded workbook."""

    @property
    def _workbook_writer(self) -> _XyWriter:
        return _XyWriter(self)
