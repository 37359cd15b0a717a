"""Rendering pieces shared by several pages (no analytics here: tables, charts and controls only)."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar, cast

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics.figures.records import action_name
from analytics.i18n import t
from analytics.store.accounts import batch_in_scope
from analytics.store.batches import BatchError, revert
from analytics.store.connection import DatabaseBusy, connect
from ui import data
from ui.auth import can, current_session
from ui.context import lang, tr, view

REVERTED_KEY = "batch_reverted"  # the revert's message, shown after the rerun that redraws the history
KEPT = 256  # figures and display tables kept per process (a view's are a few: one key per chart)
# A table of at most this many rows is drawn as a plain table, a longer one as a scrollable, sortable grid. The grid's
# code (~1.2 MB of JavaScript) costs about half a second in the browser on every page that shows one (issue 14:
# measured 1.36 s → 1.85 s on a one-chart page); a plain table of a few rows costs little, wraps long texts and
# projects well. Long tables (the 2,000-unit ranking, the audit log) keep the grid: scrolling and sorting them helps.
PLAIN_ROWS = 30
MUTED = "#888888"  # rows that are shown but not counted (incomplete units)
# Plain tables: headers on one line, Chinese words ("中级协调", a unit's name) not split between characters; a long
# text still wraps at its punctuation, and a table wider than its column scrolls sideways.
TABLE_STYLE = """<style>
[data-testid="stTable"] th, [data-testid="stTable"] th * { white-space: nowrap !important; }
[data-testid="stTable"] td, [data-testid="stTable"] td * { word-break: keep-all !important; overflow-wrap: break-word; }
[data-testid="stTable"] { overflow-x: auto; }
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
    plain = _plain(shown, config or {}, placeholder)
    st.html(TABLE_STYLE)
    target.table(plain.style.set_properties(color=MUTED) if muted else plain, hide_index=True)


def _plain(frame: pd.DataFrame, config: Mapping[str, Any], placeholder: str) -> pd.DataFrame:
    """The frame as texts under its headers, as the grid would show it: ``config``'s labels and number formats."""
    columns: dict[str, pd.Series] = {}
    for name in frame.columns:
        spec = config.get(name)
        label = spec if isinstance(spec, str) else (spec or {}).get("label") or str(name)
        printf = ((spec or {}).get("type_config") or {}).get("format") if isinstance(spec, dict) else None
        values = frame[name]
        if printf and pd.api.types.is_numeric_dtype(values):
            values = values.map(lambda v, f=printf: placeholder if pd.isna(v) else f % v)
        elif values.dtype == bool:
            values = values.map({True: "✓", False: ""})
        elif values.isna().any():  # the grid shows a placeholder; a plain table would say "None" or "nan"
            values = values.map(lambda v: placeholder if pd.isna(v) else _text(v))
        texts = values.dtype == object or pd.api.types.is_string_dtype(values)
        columns[label] = values.map(_verbatim) if texts else values
    return pd.DataFrame(columns)


# st.table renders a text cell as Markdown: a rule's ">=" became a quote, a name with "*" or "[…](…)" would be
# markup. The characters that start Markdown (and Streamlit's ":red[…]" / ":material/…:") are escaped.
_MARKUP = re.compile(r"([\\`*_\[\]<>#$~|])|(:)(?=[A-Za-z/])|^([+-])(?= )|^(\d+)([.)])(?= )")


def _verbatim(value: object) -> object:
    """A text shown as written, never as Markdown (other values as they are)."""
    if not isinstance(value, str):
        return value
    return _MARKUP.sub(_escaped, value)


def _escaped(match: re.Match[str]) -> str:
    """Each markup character of ``match`` behind a backslash (a list number's digits as they are)."""
    return "".join("\\" + g if i != 3 else g for i, g in enumerate(match.groups()) if g)


def _text(value: object) -> str:
    """A cell of a column with gaps, as text (a column cannot mix texts and numbers): 1200.0 → "1,200"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


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
