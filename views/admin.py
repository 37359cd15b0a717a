"""Administration (admins only): the audit log, filtered and read-only, and the accounts (add, role, disable)."""

import datetime as dt

import streamlit as st

from analytics.figures.records import accounts_table, action_name, audit_table
from analytics.store import accounts as auth
from analytics.store import audit
from analytics.store.connection import DatabaseBusy, connect
from ui import data
from ui.auth import auth_db, require_permission, role_label, ui_text
from ui.context import lang, tr
from ui.widgets import table

MAX_ROWS = 1000


def tx(key: str, **fields: object) -> str:
    """The text of ``admin.<key>`` (analytics/i18n/accounts.py) in the session's language."""
    return tr(f"admin.{key}", **fields)


def apply(change) -> None:
    """Run one account change in a write connection; show the outcome."""
    try:
        with connect(db) as con:
            change(con)
    except auth.AccountError as exc:
        st.error(exc.message(lang()))
    except DatabaseBusy:
        st.error(ui_text("login.busy"))
    else:
        st.toast(tx("done"))
        st.rerun()  # the tables above show the change


session = require_permission("manage")
db = auth_db()
st.title(tx("title"))
tab_log, tab_users = st.tabs([tx("log"), tx("users")])

with tab_log:
    today = dt.date.today()
    with connect(db, read_only=True) as con:
        actors = audit.actors(con)
    col_actor, col_action, col_since, col_until = st.columns(4)
    actor = col_actor.selectbox(tx("actor"), [None, *actors], format_func=lambda a: tx("all") if a is None else a)
    actions = col_action.multiselect(
        tx("action"), audit.ACTIONS, format_func=lambda a: action_name(a, lang()), placeholder=tx("all")
    )
    since = col_since.date_input(tx("since"), value=today - dt.timedelta(days=30))
    until = col_until.date_input(tx("until"), value=today)
    with connect(db, read_only=True) as con:
        log = audit.query(con, actor, actions or None, since, until, limit=MAX_ROWS)
        broken = audit.verify(con)
    # text cells: names are shown verbatim, never as markup
    table(audit_table(log, lang()))
    st.caption(tx("shown", n=len(log)))
    if broken is None:
        st.caption(tx("intact"))
    else:
        st.error(tx("broken", id=broken))

with tab_users:
    registry = data.registry(db, data.version(db))
    with connect(db, read_only=True) as con:
        users = auth.list_users(con)
    table(accounts_table(users, lang()))
    codes = [u.code for u in registry.units]
    with st.form("add_user", clear_on_submit=True):
        st.subheader(tx("add"))
        name = st.text_input(tx("name"))
        role = st.selectbox(tx("role"), auth.ROLES, format_func=role_label)
        units = st.multiselect(tx("units"), codes, placeholder=tr("ui.choose"))
        email = st.text_input(tx("email"))
        password = st.text_input(tx("password"), type="password")
        repeat = st.text_input(tx("repeat"), type="password")
        if st.form_submit_button(tx("save"), type="primary"):
            if password != repeat:
                st.error(tx("mismatch"))
            else:
                apply(lambda con: auth.add_user(con, name.strip(), role, password, session.user, units, email))
    with st.form("change_user", clear_on_submit=True):
        st.subheader(tx("change"))
        who = st.selectbox(tx("user"), users["name"].tolist(), key="change_who")
        changes = ("role", "disable", "enable", "unlock", "password")
        what = st.radio(tx("what"), changes, horizontal=True, format_func=lambda w: tx(f"do.{w}"), key="change_what")
        new_role = st.selectbox(tx("role"), auth.ROLES, format_func=role_label, key="new_role")
        new_units = st.multiselect(tx("units"), codes, key="new_units", placeholder=tr("ui.choose"))
        new_password = st.text_input(tx("new_password"), type="password")
        if st.form_submit_button(tx("save")) and who:
            apply(
                {
                    "role": lambda con: auth.set_role(con, who, new_role, session.user, new_units),
                    "disable": lambda con: auth.set_disabled(con, who, True, session.user),
                    "enable": lambda con: auth.set_disabled(con, who, False, session.user),
                    "unlock": lambda con: auth.unlock(con, who, session.user),
                    "password": lambda con: auth.set_password(con, who, new_password, session.user),
                }[what]
            )
