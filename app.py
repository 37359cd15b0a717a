"""党建与生产经营融合分析 — entry point: page config, language, data source, shared filters, navigation."""

from __future__ import annotations

import streamlit as st

from ui import data
from ui.context import SOURCES, default_source, demo_available, tr, view

st.set_page_config(page_title="党建与生产经营融合分析", page_icon="🚩", layout="wide")

with st.sidebar:
    st.selectbox(
        "语言 / Language",
        ("zh", "en"),
        key="lang",
        bind="query-params",
        format_func=lambda code: "中文" if code == "zh" else "English",
    )
    if demo_available():
        st.radio(
            tr("ui.source"),
            SOURCES,
            key="data",
            bind="query-params",
            index=SOURCES.index(default_source()),
            format_func=lambda s: tr(f"ui.source.{s}"),
            horizontal=True,
        )
    current = view()
    months = data.months(current.db) if data.has_data(current.db) else []
    if months:
        st.selectbox(tr("ui.from"), months, key="from", bind="query-params", index=max(0, len(months) - 12))
        st.selectbox(tr("ui.to"), months, key="to", bind="query-params", index=len(months) - 1)
    if current.is_demo:
        st.info(tr("ui.demo_banner"))

has_data = data.has_data(view().db)
PAGES = [
    st.Page("pages/welcome.py", title=tr("page.welcome"), icon="👋", default=not has_data, url_path="welcome"),
    st.Page("pages/import_data.py", title=tr("page.import"), icon="📥", url_path="import"),
    st.Page(
        "pages/completeness.py", title=tr("page.completeness"), icon="🗓️", url_path="completeness", default=has_data
    ),
    st.Page("pages/audit.py", title=tr("page.audit"), icon="🗂️", url_path="data"),
]
st.navigation(PAGES).run()
