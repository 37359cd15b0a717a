"""The login gate for app.py: login form, logout, SSO (optional), the local demo mode, and permission checks.

Accounts live in the real database (``$ANALYTICS_DB``), never the demo one. app.py calls :func:`require_login`
before building the navigation (it renders the form and stops the script until someone logs in), :func:`account_box`
in the sidebar, and :func:`return_after_login` once the navigation is built (a deep link opened before logging in
leads there after it). Pages call :func:`require_permission`. With no account configured the app runs as a
bannered local demo, open only to browsers on this machine (loopback peer, no proxy's forwarding headers).
The texts are ``auth.*`` in the translation table (analytics/i18n/accounts.py).
"""

from __future__ import annotations

import datetime as dt

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from analytics.i18n import TEXT, t
from analytics.settings import default_db_path
from analytics.store import accounts as auth
from analytics.store import audit
from analytics.store.connection import DatabaseBusy, connect
from ui.context import lang

SESSION_KEY = "auth_session"
CONFIGURED_KEY = "auth_configured"  # once accounts exist they stay (disabled ones count), so ask the database once
RETURN_KEY = "auth_return_to"  # the page and query a browser asked for before the login form took over


def ui_text(key: str, **fields: object) -> str:
    """The text of ``auth.<key>`` (analytics/i18n/accounts.py) in the session's language."""
    return t(f"auth.{key}", lang(), **fields)


def role_label(role: str) -> str:
    return ui_text(f"role.{role}") if f"auth.role.{role}" in TEXT else role


def auth_db() -> str:
    """The database holding accounts and the audit log: the real one, whichever data source is shown."""
    return str(default_db_path())


def current_session() -> auth.Session | None:
    return st.session_state.get(SESSION_KEY)


def can(permission: str) -> bool:
    """Whether the logged-in user's role grants ``permission`` (view, export, import, revert, manage, review)."""
    session = current_session()
    return session is not None and session.can(permission)


def require_permission(permission: str) -> auth.Session:
    """The session, or a "no permission" notice and the end of the script."""
    session = current_session()
    if session is None or not session.can(permission):
        st.warning(ui_text("no_permission"))
        st.stop()
    return session  # type: ignore[return-value]


def sso_configured() -> bool:
    """Whether ``.streamlit/secrets.toml`` configures Streamlit's OIDC login (an ``[auth]`` section)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises its own not-found error
        return False


def request_headers() -> dict[str, str]:
    """The headers of this browser's initial request (none in AppTest, which has no network client)."""
    return dict(st.context.headers)


def is_local_client() -> bool:
    """Whether this browser is on this machine: a loopback peer (Streamlit reports none for localhost; AppTest has
    no network peer at all) and no proxy's forwarding header (see analytics.store.accounts.is_local_request)."""
    address = st.context.ip_address
    return auth.is_local_request(address if isinstance(address, str) else None, request_headers())


def _stop_with(message: str) -> None:
    st.error(message)
    st.stop()


def _accounts_configured(db: str) -> bool:
    if st.session_state.get(CONFIGURED_KEY):
        return True
    try:
        configured = auth.accounts_configured(db)
    except DatabaseBusy:
        _stop_with(ui_text("login.busy"))
    st.session_state[CONFIGURED_KEY] = configured
    return configured


def _start(session: auth.Session) -> auth.Session:
    st.session_state[SESSION_KEY] = session
    st.session_state["user"] = session.user  # who the pages record as doing an import, a revert or an export
    return session


def require_login() -> auth.Session:
    """The gate app.py calls first: the session, or the login form (and a stopped script)."""
    db, now = auth_db(), dt.datetime.now()
    if not _accounts_configured(db):
        if not is_local_client():
            _stop_with(ui_text("demo.remote"))
        st.warning(ui_text("demo.banner"), icon=":material/science:")
        return _start(auth.Session("local", "admin", (), now, now, now, kind="demo"))
    session = current_session()
    if session is not None and session.kind != "demo":
        if auth.session_valid(session, now):
            try:
                refreshed = auth.refresh_session(db, session, now)
            except DatabaseBusy:
                refreshed = session  # checked again on the next interaction
            if refreshed is not None:
                return _start(auth.touch(refreshed, now))
        st.session_state.pop(SESSION_KEY, None)
        st.info(ui_text("login.expired"))
    if sso_configured() and st.user.is_logged_in:
        return _sso_session(db, now)
    _remember_requested_page()
    login_form(db)
    st.stop()
    raise AssertionError("unreachable")


def _remember_requested_page() -> None:
    """Keep the page and query the browser first asked for, to go there after the login (see return_after_login).

    Streamlit offers no public way to read the requested page before ``st.navigation`` runs, and the gate stops the
    script before it does: the page is read from the run's page manager (its URL path, or its page hash)."""
    if RETURN_KEY in st.session_state:
        return  # the first request counts; the form's own reruns name no page
    manager = getattr(get_script_run_ctx(), "pages_manager", None)
    name = getattr(manager, "intended_page_name", None) or ""
    page_hash = getattr(manager, "intended_page_script_hash", None) or ""
    query = {key: st.query_params.get_all(key) for key in st.query_params}
    st.session_state[RETURN_KEY] = (name, page_hash, query)


def return_after_login(page: st.Page, pages: list[st.Page]) -> None:
    """After ``st.navigation`` (app.py): switch to the page a deep link asked for before the login, with its query.

    Only pages the user may open (``pages``) are candidates; an unknown or forbidden page leaves the user where
    the navigation put them. Does nothing when no login interrupted a request."""
    wanted = st.session_state.pop(RETURN_KEY, None)
    if wanted is None or current_session() is None:
        return
    name, page_hash, query = wanted
    target = next(
        (
            p
            for p in pages
            if (name and p.url_path == name) or (page_hash and getattr(p, "_script_hash", "") == page_hash)
        ),
        None,
    )
    if target is None:
        return
    if target is not page:
        st.switch_page(target, query_params=query)
    elif query and {key: st.query_params.get_all(key) for key in st.query_params} != query:
        st.query_params.from_dict(query)


def _sso_session(db: str, now: dt.datetime) -> auth.Session:
    """Map the OIDC identity to an account by email (untested against a real provider; see
    analytics/store/accounts.py)."""
    email = str(st.user.get("email") or "")
    with connect(db) as con:
        user = auth.user_for_email(con, email) if email else None
        audit.record(con, user.name if user else email, audit.LOGIN if user else audit.LOGIN_FAILED, {"sso": email})
    if user is None:
        st.error(ui_text("login.sso_unknown", email=email))
        st.button(ui_text("logout"), on_click=st.logout)
        st.stop()
    return _start(auth.new_session(user, now, kind="sso"))  # type: ignore[arg-type]


def login_form(db: str) -> None:
    """The password form (and the SSO button when configured); a successful login reruns the app."""
    with st.form("login_form", clear_on_submit=True):
        st.subheader(ui_text("login.title"))
        name = st.text_input(ui_text("login.name"), key="login_name", max_chars=auth.MAX_NAME_LENGTH)
        password = st.text_input(ui_text("login.password"), type="password", key="login_password")
        submitted = st.form_submit_button(ui_text("login.submit"), type="primary")
    if sso_configured():
        st.button(ui_text("login.sso"), on_click=st.login)
    if not submitted:
        return
    try:
        result = auth.authenticate(db, name, password)
    except DatabaseBusy:
        _stop_with(ui_text("login.busy"))
    if not result.ok:
        st.error(result.message(lang()))
        return
    _start(auth.new_session(result.user))  # type: ignore[arg-type]
    st.rerun()


def account_box() -> None:
    """For the sidebar: who is signed in, and the logout button (nothing in the demo mode)."""
    session = current_session()
    if session is None or session.kind == "demo":
        return
    st.caption(ui_text("signed_in", name=session.user, role=role_label(session.role)))
    if st.button(ui_text("logout"), key="logout"):
        logout(session)


def logout(session: auth.Session) -> None:
    """End the session (audited); an SSO session also ends Streamlit's identity cookie."""
    try:
        with connect(auth_db()) as con:
            audit.record(con, session.user, audit.LOGOUT, {"kind": session.kind})
    except DatabaseBusy:
        pass  # logging out must work even while an import holds the database
    st.session_state.pop(SESSION_KEY, None)
    st.session_state.pop("user", None)
    if session.kind == "sso":
        st.logout()
    st.rerun()


def record_event(db: str, action: str, details: dict[str, object]) -> None:
    """Append an audit entry for what the signed-in user just did (in the database the action changed).

    The demo database keeps its own log; a busy database drops no action, only delays: it is retried by connect().
    """
    with connect(db) as con:
        audit.record(con, st.session_state.get("user", "app"), action, details)
