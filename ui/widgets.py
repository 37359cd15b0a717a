"""Rendering pieces shared by several pages (no analytics here: tables, charts and controls only)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar, cast

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


def batch_history(allow_revert: bool = True) -> None:
    """The batches table (newest first) and a guarded revert control."""
    current = view(live=True)
    if REVERTED_KEY in st.session_state:  # the revert reran the page, so the table above shows it
        st.success(st.session_state.pop(REVERTED_KEY))
    frame = data.batches(current.db, data.version(current.db))
    if frame.empty:
        st.caption(tr("batch.none"))
        return
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
    st.dataframe(shown, hide_index=True, width="stretch")
    active = frame.loc[frame["status"] == "committed", "id"].tolist()
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
