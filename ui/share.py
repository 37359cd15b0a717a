"""Links that reopen a view: the copy-link control and the data version pinned in it.

Every page's state lives in the URL (sidebar filters bound with ``bind="query-params"``, page state in
``st.query_params``). A copied link adds the data version ``v=<batch>.<reverts>`` of what the page shows; a page
opened from a link of an older version shows the data as it stood then (ui.pin), marked by :func:`pin_banner` with a
switch to the current data. Pages call :func:`copy_link` where the link should be offered.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from analytics.reports.deck import DataStamp
from analytics.services.exports import data_stamp
from analytics.store.connection import DatabaseBusy, connect
from ui import data
from ui.context import MONTH_KEYS, View, tr
from ui.pin import VERSION_PARAM, latest_version, unpin

CAME_FROM_KEY = "present_came_from"  # the page (and its query) the presenter was on before presentation mode
LINK_SAFE = ",:~@"  # left readable in a link (deck strings use them)


@st.cache_data(show_spinner=False, max_entries=8)
def _stamp(db: str, dv: int) -> DataStamp:
    with connect(db, read_only=True) as con:
        return data_stamp(con)


def current_stamp(db: str) -> DataStamp:
    """The data version of ``db``: latest batch id, when data last changed, demo or not (cached per version)."""
    try:
        return _stamp(db, data.version(db))
    except DatabaseBusy:
        return DataStamp(0, None)


def pin_banner(current: View) -> None:
    """On every page whose link pins an older version: "as of v…, newer data exists", and the switch to current.
    A link naming a version the data never had says so once (the page shows the current data)."""
    refused = st.session_state.pop("pin_refused", None)
    if refused:
        st.warning(tr("share.unknown_version", version=refused), icon=":material/history_toggle_off:")
    if current.pin is None:
        return
    as_of = current_stamp(current.db).as_of
    when = as_of.strftime("%Y-%m-%d %H:%M") if as_of is not None else "—"
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.info(
        tr("share.as_of", version=current.pin.version.text, when=when, latest=current.pin.latest.text),
        icon=":material/history:",
    )
    if right.button(tr("share.to_current"), icon=":material/update:", key="pin_to_current"):
        unpin()
        st.rerun()


def version_text(db: str) -> str:
    """The version a link to what ``db`` shows should pin (a pinned file knows its own)."""
    return latest_version(db).text


def current_params(extra: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    """The page's query parameters (repeated ones kept), with ``extra`` set and the version left out."""
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    for key, value in (extra or {}).items():
        params[key] = [value]
    params.pop(VERSION_PARAM, None)
    return params


def view_params(view: View) -> dict[str, str]:
    """The sidebar filters of ``view`` as query parameters, pinned even where they equal today's defaults (the
    default month range moves when new data arrives)."""
    params = {"lang": view.lang, "data": view.source}
    if view.start:
        params["from"] = view.start
    if view.end:
        params["to"] = view.end
    return params


def share_url(params: Mapping[str, list[str]], version: str) -> str:
    """The page's address with ``params`` and ``v=version``: absolute when the browser told us where we are."""
    base = (st.context.url or "").split("?", 1)[0].split("#", 1)[0]
    query = urlencode({**params, VERSION_PARAM: [version]}, doseq=True, safe=LINK_SAFE)
    return f"{base}?{query}"


def copy_link(db: str, extra: Mapping[str, str] | None = None) -> str:
    """Render the 复制链接 / Copy link control (a popover with the full link in a code box and its copy button);
    returns the link.

    ``db``: the file the page shows (a pinned view's file keeps its version). ``extra``: page state to pin that is
    not (yet) in the URL. The link pins the data version ``v``: opened later, it shows the data as it stood then.
    """
    version = version_text(db)
    url = share_url(current_params(extra), version)
    # In a popover: its content is drawn when opened, and the code box's highlighter (~0.2 s of the page's load in
    # the browser, issue 14) with it.
    with st.popover(tr("share.copy"), icon=":material/link:"):
        st.code(url, language=None, wrap_lines=True)
        st.caption(tr("share.help", version=version))
    return url


def remember_page(page: StreamlitPage) -> None:
    """app.py, before a page other than the presentation runs: that page and its query, to return to from it."""
    st.session_state[CAME_FROM_KEY] = (page, {key: st.query_params.get_all(key) for key in st.query_params})


def way_back(view: View) -> tuple[StreamlitPage | str, dict[str, list[str]]]:
    """Where presentation mode's exit leads: the page the presenter came from with its query (else the overview).
    The months are left out: the sidebar's selects, bound to the URL, put the view's months back themselves (in the
    link too they would appear twice)."""
    page, params = st.session_state.get(CAME_FROM_KEY, ("views/overview.py", {}))
    chosen = {key: [value] for key, value in view_params(view).items() if key not in MONTH_KEYS}
    return page, {key: value for key, value in {**params, **chosen}.items() if key not in MONTH_KEYS}
