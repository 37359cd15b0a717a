"""Rendering pieces shared by several pages (no analytics here: tables, charts and controls only)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Hashable, Mapping
from datetime import date, datetime
from html import escape
from typing import Any, TypeVar, cast

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics.figures.records import action_name
from analytics.i18n import numbers as number_format
from analytics.i18n import t
from analytics.store.accounts import batch_in_scope
from analytics.store.batches import BatchError, revert
from analytics.store.connection import DatabaseBusy, connect
from ui import data
from ui.auth import can, current_session
from ui.context import lang, tr, view

REVERTED_KEY = "batch_reverted"  # the revert's message, shown after the rerun that redraws the history
KEPT = 256  # figures and display tables kept per process (a view's are a few: one key per chart)
# A table of at most this many rows is drawn as a plain HTML table, a longer one as a scrollable, sortable grid. The
# grid's code (~1.2 MB of JavaScript) costs about half a second in the browser on every page that shows one, and even
# st.table loads Arrow's (~0.9 MB) to decode its data (issue 14); a plain table is text the browser shows at once,
# wraps long texts and projects well. Long tables (the 2,000-unit ranking, the audit log) keep the grid: scrolling
# and sorting them helps.
PLAIN_ROWS = 50
MUTED = "#888888"  # rows that are shown but not counted (incomplete units)
PLAIN_CLASS = "plain-table"
SHORT_TEXT = 12  # a column of texts no longer than this (months, codes, levels) is never wrapped
# Plain tables look like Streamlit's own: thin row rules, headers on one line, numbers right-aligned with digits of
# equal width, Chinese words ("中级协调", a unit's name) not split between characters; a long text still wraps at
# its punctuation, and a table wider than its column scrolls sideways.
TABLE_STYLE = f"""<style>
.{PLAIN_CLASS} {{ overflow-x: auto; }}
.{PLAIN_CLASS} table {{ width: 100%; border-collapse: collapse; font-size: 0.875rem; line-height: 1.5; }}
.{PLAIN_CLASS} th {{ text-align: left; font-weight: 600; white-space: nowrap; padding: 0.375rem 0.5rem;
  border-bottom: 1px solid rgba(49, 51, 63, 0.2); background: rgba(240, 242, 246, 0.6); }}
.{PLAIN_CLASS} td {{ padding: 0.375rem 0.5rem; border-bottom: 1px solid rgba(49, 51, 63, 0.1);
  word-break: keep-all; overflow-wrap: break-word; vertical-align: top; }}
.{PLAIN_CLASS} td.n, .{PLAIN_CLASS} td.r {{ text-align: right; font-variant-numeric: tabular-nums;
  white-space: nowrap; }}
.{PLAIN_CLASS} th.r {{ text-align: right; }}
.{PLAIN_CLASS} td.s {{ white-space: nowrap; }}
.{PLAIN_CLASS}.muted td {{ color: {MUTED}; }}
</style>"""

T = TypeVar("T")


def kept(key: tuple[Hashable, ...], build: Callable[[], T]) -> T:
    """``build()`` once per ``key`` in this process, then the same object for every session and rerun.

    For a page's figures and display tables: building a plotly figure (validation of every property) costs more
    than drawing the page, and thirty viewers of one link would build it thirty times. ``key`` must name the
    piece and everything it is built from — the database and its data version, the view, the language — so a
    new version or another view builds anew. The object is shared: never change it after ``build`` returns.
    """
    return cast(T, _kept(key, build))


@st.cache_resource(show_spinner=False, max_entries=KEPT)
def _kept(key: tuple[Hashable, ...], _build: Callable[[], object]) -> object:
    return _build()


def table(
    frame: pd.DataFrame,
    *,
    config: Mapping[str, Any] | None = None,
    order: list[str] | None = None,
    muted: bool = False,
    where: Any = None,
    placeholder: str = "—",
) -> None:
    """A display table, plain up to ``PLAIN_ROWS`` rows, else a grid (``PLAIN_ROWS`` says why).

    ``config`` is ``st.dataframe``'s ``column_config`` (a header text, or a ``st.column_config`` column); the plain
    table takes the same headers, and a number column's printf ``format`` (``"%.3f"``) for its texts, so both look
    alike. ``order`` picks and orders the columns; ``muted`` greys every row; ``where`` is the container (a column).
    """
    target = st if where is None else where
    shown = frame[order] if order is not None else frame
    if len(shown) > PLAIN_ROWS:
        grid = shown.style.set_properties(color=MUTED) if muted else shown
        target.dataframe(grid, hide_index=True, width="stretch", column_config=config, placeholder=placeholder)
        return
    target.html(TABLE_STYLE + plain_html(shown, config or {}, placeholder, muted))


def plain_html(frame: pd.DataFrame, config: Mapping[str, Any], placeholder: str = "—", muted: bool = False) -> str:
    """The frame as an HTML table of texts under its headers, as the grid would show it: ``config``'s labels and
    number formats, numbers right-aligned (``class="n"``, and ``"r"`` for a column of formatted figures such as
    "0.730"), a gap as ``placeholder``; every text escaped, so a name with ``<b>`` or ``*`` reads as written."""
    heads, columns = [], []
    for name in frame.columns:
        spec = config.get(name)
        heads.append(spec if isinstance(spec, str) else (spec or {}).get("label") or str(name))
        printf = ((spec or {}).get("type_config") or {}).get("format") if isinstance(spec, dict) else None
        cells = [_cell(v, printf, placeholder) for v in frame[name].tolist()]
        figures = [text for text, kind in cells if kind == "" and text != escape(placeholder)]
        if figures and all(_FIGURE.fullmatch(text) for text in figures):  # "0.730", "+1.5%": right-aligned too
            cells = [(text, kind or "r") for text, kind in cells]
        elif all(len(text) <= SHORT_TEXT for text, kind in cells if not kind):  # "2024-02", a code: on one line
            cells = [(text, kind or "s") for text, kind in cells]
        columns.append(cells)
    right = [any(kind in ("n", "r") for _, kind in cells)
             and all(kind in ("n", "r") or text == escape(placeholder) for text, kind in cells)
             for cells in columns]  # fmt: skip
    head = "".join(f'<th class="r">{escape(str(h))}</th>' if r else f"<th>{escape(str(h))}</th>"
                   for h, r in zip(heads, right, strict=True))  # fmt: skip
    body = "".join(
        "<tr>"
        + "".join(f'<td class="{kind}">{text}</td>' if kind else f"<td>{text}</td>" for text, kind in row)
        + "</tr>"
        for row in zip(*columns, strict=True)
    )
    classes = PLAIN_CLASS + (" muted" if muted else "")
    return f'<div class="{classes}"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


# A text that is a figure (a formatted D, a change, a rate): right-aligned as numbers are.
_FIGURE = re.compile(r"[+\-−]?[\d,]+(\.\d+)?( ?%)?")


def _cell(value: object, printf: str | None, placeholder: str) -> tuple[str, str]:
    """A cell's escaped text and its class: ``n`` for a number (a printf ``format`` when given, else "1,200" /
    "0.612"), else none; a time to the second, a date as a date, as the grid shows them."""
    if value is None or value is pd.NA or value is pd.NaT:
        return escape(placeholder), ""
    if isinstance(value, float | np.floating) and math.isnan(value):
        return escape(placeholder), ""
    if isinstance(value, bool | np.bool_):
        return ("✓" if value else ""), ""
    if isinstance(value, int | float | np.integer | np.floating):
        return escape(printf % value if printf else _number(value)), "n"
    if isinstance(value, datetime):  # pandas' Timestamp too
        return value.strftime("%Y-%m-%d %H:%M:%S"), ""
    if isinstance(value, date):
        return value.isoformat(), ""
    return escape(str(value)), ""


def _number(value: float) -> str:
    """A number without a format: whole numbers as written (a year, a rank; thousands separated from 10,000), others
    with the decimals that matter at their size (analytics.i18n.numbers)."""
    if float(value).is_integer():
        whole = int(value)
        return f"{whole:,}" if abs(whole) >= 10_000 else str(whole)
    return number_format.amount(float(value))


def batch_history(allow_revert: bool = True, latest: int | None = None) -> None:
    """The batches table (newest first; only the ``latest`` ones, with a link to the whole history, when given)
    and a guarded revert control (every batch still in effect)."""
    current = view(live=True)
    if REVERTED_KEY in st.session_state:  # the revert reran the page, so the table above shows it
        st.success(st.session_state.pop(REVERTED_KEY))
    every = data.batches(current.db, data.version(current.db))
    if every.empty:
        st.caption(tr("batch.none"))
        return
    frame = every.head(latest) if latest is not None else every
    if len(frame) < len(every):
        st.caption(tr("batch.latest", n=len(frame), total=len(every)))
    shown = pd.DataFrame(
        {
            tr("batch.id"): frame["id"],
            tr("batch.when"): frame["created_at"].dt.strftime("%Y-%m-%d %H:%M"),
            tr("batch.who"): frame["user_name"],
            tr("batch.kind"): frame["kind"].map(lambda k: action_name(k, current.lang)),  # import → 导入
            tr("batch.files"): frame["files"].map(lambda files: "、".join(f["name"] for f in files)),
            tr("batch.values"): frame["observations"],
            tr("status.new"): frame["n_new"],
            tr("status.changed"): frame["n_changed"],
            tr("col.status"): frame["status"].map(lambda s: tr(f"status.{s}")),
        }
    )
    table(shown)
    active = every.loc[every["status"] == "committed", "id"].tolist()
    if not allow_revert or not active:
        return
    with st.form("revert_form"):
        batch = st.selectbox(tr("batch.pick"), active)
        sure = st.checkbox(tr("batch.confirm"))
        if st.form_submit_button(tr("batch.revert"), disabled=False) and sure:
            _revert(current.db, int(batch))


def _revert(db: str, batch: int) -> None:
    session = current_session()
    try:
        with connect(db) as con:
            if session is not None and not batch_in_scope(con, session, batch):
                st.error(tr("batch.out_of_scope", batch=batch))
                return
            keys = revert(con, batch, user=st.session_state.get("user", "app"))  # audited in its transaction
    except (BatchError, DatabaseBusy) as exc:
        st.error(exc.message(lang()))
        return
    data.after_write(db)
    st.session_state[REVERTED_KEY] = tr("batch.reverted", batch=batch, keys=keys)
    st.rerun()  # the table, the sidebar's months and every count were drawn before the revert


def status_label(status: str) -> str:
    return t(f"status.{status}", st.session_state.get("lang") or "zh")


def chart(figure: go.Figure, *, config: dict | None = None, **kwargs) -> object:
    """``st.plotly_chart`` with the view's own arguments (key, on_select, selection_mode, width …); the modebar's
    "download plot as png" (camera) is removed for roles without the ``export`` permission, as every other
    download control is. Returns what ``st.plotly_chart`` returns (the selection, with ``on_select``)."""
    config = {"displaylogo": False, **(config or {})}
    if not can("export"):
        removed = list(config.get("modeBarButtonsToRemove", ()))
        config["modeBarButtonsToRemove"] = [*removed, *([] if "toImage" in removed else ["toImage"])]
    return st.plotly_chart(figure, config=config, **kwargs)
