"""Links that reopen a view: the copy-link control and the data version pinned in it.

Every page's state lives in the URL (sidebar filters bound with ``bind="query-params"``, page state in
``st.query_params``). A copied link adds ``v=<latest batch id>``; a page opened from a link whose ``v`` is older than
the current latest batch says so (:func:`stale_notice`). Pages call :func:`copy_link` where the link should be offered.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from analytics.reports.deck import DataStamp, data_stamp
from analytics.store.connection import DatabaseBusy, connect
from ui import data
from ui.context import MONTH_KEYS, View, tr

VERSION_PARAM = "v"
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


def pinned_version() -> int | None:
    """The data version the page's link was made at (query parameter ``v``), if any."""
    raw = st.query_params.get(VERSION_PARAM)
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None


def stale_notice(stamp: DataStamp) -> bool:
    """Show '此链接生成于数据版本 v…，之后已有新数据' when the link's ``v`` is older than the data; True if shown."""
    pinned = pinned_version()
    if pinned is None or pinned >= stamp.batch_id:
        return False
    st.info(tr("share.stale", old=pinned, new=stamp.batch_id), icon=":material/update:")
    return True


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


def share_url(params: Mapping[str, list[str]], version: int) -> str:
    """The page's address with ``params`` and ``v=version``: absolute when the browser told us where we are."""
    base = (st.context.url or "").split("?", 1)[0].split("#", 1)[0]
    query = urlencode({**params, VERSION_PARAM: [str(version)]}, doseq=True, safe=LINK_SAFE)
    return f"{base}?{query}"


def copy_link(stamp: DataStamp, extra: Mapping[str, str] | None = None) -> str:
    """Render the 复制链接 / Copy link control (the full link in a code box with its copy button); returns the link.

    ``extra``: page state to pin that is not (yet) in the URL. The link pins the data version ``v``.
    """
    url = share_url(current_params(extra), stamp.batch_id)
    st.markdown(f"**{tr('share.copy')}**")
    st.code(url, language=None, wrap_lines=True)
    st.caption(tr("share.help", version=stamp.batch_id))
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
