"""党建与生产经营融合分析 — entry point: page config, language, data source, shared filters, navigation."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from analytics.i18n import DEFAULT_LANG, LANGS
from analytics.model.cycles import Marks
from ui import data
from ui.auth import account_box, can, require_login, require_permission, return_after_login
from ui.context import (
    SOURCES,
    cycle_marks,
    default_source,
    demo_available,
    demo_mark,
    month_selects,
    publish,
    tr,
    url_choice,
    view,
)
from ui.share import current_stamp, pin_banner, remember_page

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
has_data = data.has_data(view(live=True).db)

PAGES = [
    st.Page("views/welcome.py", title=tr("page.welcome"), icon=":material/waving_hand:", url_path="welcome"),
    st.Page("views/overview.py", title=tr("page.overview"), icon=":material/dashboard:", url_path="overview"),
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
    st.Page("views/progress.py", title=tr("page.progress"), icon=":material/task_alt:", url_path="progress"),
    st.Page("views/review.py", title=tr("page.review"), icon=":material/fact_check:", url_path="review"),
    st.Page("views/rules.py", title=tr("page.rules"), icon=":material/rule:", url_path="rules"),
    st.Page("views/audit.py", title=tr("page.audit"), icon=":material/history:", url_path="data"),
    st.Page("views/admin.py", title=tr("page.admin"), icon=":material/admin_panel_settings:", url_path="admin"),
]
NEEDS = {"import": "import", "data": "import", "present": "export", "admin": "manage", "review": "review"}
# pages that write: always the live data, never a pinned version
CHANGES_DATA = {"welcome", "import", "data", "admin", "progress", "review", "rules"}
START = "overview" if has_data else "welcome"  # where the app's root address leads


def _home() -> None:
    """The root address: the overview once there is data, else the welcome page. Every page keeps its own address
    (a page marked ``default`` would be served at the root only, so a bookmark of /overview would not be found)."""
    target = next(p for p in PAGES if p.url_path == START)
    st.switch_page(target, query_params={key: st.query_params.get_all(key) for key in st.query_params})


def _closed(permission: str) -> Callable[[], None]:
    """A page the role may not open, still known by its address: it says so instead of "Page not found"."""

    def closed() -> None:
        require_permission(permission)

    return closed


allowed = [p for p in PAGES if can(NEEDS.get(p.url_path, "view"))]
closed = [
    st.Page(_closed(NEEDS[p.url_path]), title=p.title, url_path=p.url_path, visibility="hidden")
    for p in PAGES
    if p not in allowed
]
home = st.Page(_home, title=tr(f"page.{START}"), url_path="home", default=True, visibility="hidden")
SECTIONS = {  # the sidebar's groups, in order: start, what leaders read, the monthly reporting, administration
    "": ("welcome",),
    "nav.analysis": ("overview", "correlation", "integration", "unit", "present"),
    "nav.reporting": ("import", "completeness", "progress", "review", "rules"),
    "nav.manage": ("data", "admin"),
}
grouped = {
    tr(key) if key else "": [p for p in [*allowed, *closed] if p.url_path in paths] for key, paths in SECTIONS.items()
}
placed = {path for paths in SECTIONS.values() for path in paths}
grouped[tr("nav.manage")] += [p for p in [*allowed, *closed] if p.url_path not in placed]  # a page not grouped yet
grouped[""].insert(0, home)
grouped = {section: pages for section, pages in grouped.items() if pages}
page = st.navigation(grouped, expanded=True)  # every page listed (else Streamlit folds them under "View more")
current = view(live=page.url_path in CHANGES_DATA)  # a link's pinned version shows on the reading pages only
marks = data.marks(current.live_db) if has_data else Marks()  # the reporting cycle's closed and restated months
months = data.months(current.db) if has_data else []
with st.sidebar:
    month_selects(months, marks)
if current.is_demo or (has_data and current_stamp(current.db).demo):  # the demo source, or a demo file as the data
    demo_mark()  # on every page, above it: the sidebar is hidden in presentation mode
pin_banner(current)  # a link of an older data version shows that version's data, and says so
if page.url_path not in CHANGES_DATA:
    cycle_marks(view(live=False), marks, months)  # 初步 / 更正 on leaders' pages (SPEC §8)
return_after_login(page, allowed)  # a deep link opened before logging in: go there now
if page in allowed and page.url_path != "present":
    remember_page(page)  # presentation mode's exit leads back here
page.run()
