"""党建与生产经营融合分析 — entry point: page config, language, data source, shared filters, navigation."""

from __future__ import annotations

import streamlit as st

from analytics.i18n import DEFAULT_LANG, LANGS
from ui import data
from ui.auth import account_box, can, require_login, return_after_login
from ui.context import SOURCES, default_source, demo_available, publish, tr, url_choice, view

st.set_page_config(page_title="党建与生产经营融合分析", page_icon=":material/flag:", layout="wide")

with st.sidebar:
    url_choice("lang", LANGS, DEFAULT_LANG)
    st.selectbox("语言 / Language", LANGS, key="lang", format_func=lambda code: "中文" if code == "zh" else "English")
require_login()  # the login form (and a stop) until signed in; a bannered local demo mode without accounts
with st.sidebar:
    account_box()
    if demo_available():
        url_choice("data", SOURCES, default_source())
        st.radio(tr("ui.source"), SOURCES, key="data", format_func=lambda s: tr(f"ui.source.{s}"), horizontal=True)
    publish("lang", "data")
    current = view()
    months = data.months(current.db) if data.has_data(current.db) else []
    if months:
        st.selectbox(tr("ui.from"), months, key="from", bind="query-params", index=max(0, len(months) - 12))
        st.selectbox(tr("ui.to"), months, key="to", bind="query-params", index=len(months) - 1)
    if current.is_demo:
        st.info(tr("ui.demo_banner"))

has_data = data.has_data(view().db)
PAGES = [
    st.Page(
        "views/welcome.py",
        title=tr("page.welcome"),
        icon=":material/waving_hand:",
        default=not has_data,
        url_path="welcome",
    ),
    st.Page(
        "views/overview.py",
        title=tr("page.overview"),
        icon=":material/dashboard:",
        default=has_data,
        url_path="overview",
    ),
    st.Page(
        "views/correlation.py", title=tr("page.correlation"), icon=":material/scatter_plot:", url_path="correlation"
    ),
    st.Page("views/integration.py", title=tr("page.integration"), icon=":material/join_inner:", url_path="integration"),
    st.Page("views/unit_profile.py", title=tr("page.unit"), icon=":material/factory:", url_path="unit"),
    st.Page("views/present.py", title=tr("page.present"), icon=":material/slideshow:", url_path="present"),
    st.Page("views/import_data.py", title=tr("page.import"), icon=":material/upload_file:", url_path="import"),
    st.Page(
        "views/completeness.py",
        title=tr("page.completeness"),
        icon=":material/calendar_month:",
        url_path="completeness",
    ),
    st.Page("views/audit.py", title=tr("page.audit"), icon=":material/history:", url_path="data"),
]
NEEDS = {"import": "import", "data": "import", "present": "export", "admin": "manage"}
PAGES.append(
    st.Page("views/admin.py", title=tr("page.admin"), icon=":material/admin_panel_settings:", url_path="admin")
)
PAGES = [p for p in PAGES if can(NEEDS.get(p.url_path, "view"))]
page = st.navigation(PAGES)
return_after_login(page, PAGES)  # a deep link opened before logging in: go there now
page.run()
