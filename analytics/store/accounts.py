"""Who may see and change what: local accounts, roles, logins with lockout, sessions, and a planner's scope.

Roles (PERMISSIONS): ``admin`` everything (users, catalog, units, the reporting cycle); ``planner`` uploads and
reverts for the units assigned to them and their sub-units; ``reviewer`` (审核人) approves or returns the
submissions of the units assigned to them and their sub-units (SPEC §8), and cannot import; ``leader`` views all;
``presenter`` views and exports. Passwords are hashed
with argon2id (argon2-cffi); the plain password is never stored, logged or taken as a command-line argument.
Five failed logins in a row lock an account for 15 minutes; a session ends after 8 hours without interaction.
A failed login says the same thing, after the same password-hashing work, whether the name exists, the password is
wrong, or the account is locked or disabled, so the form does not reveal which names exist. A name longer than
MAX_NAME_LENGTH is refused before any hashing or database work (and is not logged).
With no account in the database the app runs as a bannered local demo for this machine only (see ui/auth.py and
:func:`is_local_request`). Every login, failure and account change is written to the audit log in the same
transaction.

Single sign-on (optional, **untested**: no OIDC provider was available to try it against). When
``.streamlit/secrets.toml`` has an ``[auth]`` section, the login page also offers ``st.login()`` (Streamlit's OIDC;
it needs the ``Authlib`` package)::

    [auth]
    redirect_uri = "http://127.0.0.1:8501/oauth2callback"
    cookie_secret = "a long random string"
    client_id = "…"
    client_secret = "…"
    server_metadata_url = "https://sso.example.cn/.well-known/openid-configuration"

An identity maps to an account through the account's ``email`` (the ``sso_users`` mapping lives in the users
table): ``python -m analytics users add 张三 --role leader --email zhangsan@example.cn --no-password`` creates an
SSO-only account; ``users email NAME ADDRESS`` maps an existing one. An identity with no enabled account is refused.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from analytics.errors import AnalyticsError
from analytics.i18n import t
from analytics.model.units import Registry, UnknownUnit
from analytics.settings import default_db_path
from analytics.store import audit
from analytics.store.connection import connect, first_row, one_row
from analytics.store.units import load_registry

ROLES = ("admin", "planner", "reviewer", "leader", "presenter")
SCOPED_ROLES = ("planner", "reviewer")  # the roles assigned to units (and their sub-units)
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"view", "export", "import", "revert", "manage", "review"}),
    "planner": frozenset({"view", "import", "revert"}),
    "reviewer": frozenset({"view", "review"}),
    "leader": frozenset({"view"}),
    "presenter": frozenset({"view", "export"}),
}
MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
IDLE_TIMEOUT = dt.timedelta(hours=8)
MAX_SESSION_AGE = dt.timedelta(hours=24)  # even an active session logs in again daily
REFRESH_INTERVAL = dt.timedelta(minutes=1)  # how often a session re-reads its account (role change, disable)
MIN_PASSWORD_LENGTH = 8
MAX_NAME_LENGTH = 64  # account names; a login name longer than this is refused before any other work
# headers a reverse proxy adds: a request carrying any of them did not come from a browser on this machine
FORWARDING_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")

HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters


class AccountError(AnalyticsError, ValueError):
    """A refused account change (code ``account.*``); ``str()`` gives both languages, :meth:`message` one."""

    code = "account"

    @property
    def key(self) -> str:
        """The refusal's translation key without its ``error.`` prefix (the code)."""
        return self.code


@dataclass(frozen=True)
class User:
    """An account as stored, without its password hash."""

    name: str
    role: str
    units: tuple[str, ...]
    email: str | None
    disabled: bool
    failed_logins: int
    locked_until: dt.datetime | None
    has_password: bool

    def can(self, permission: str) -> bool:
        """Whether the role grants ``permission`` (view, export, import, revert, manage, review)."""
        return not self.disabled and permission in PERMISSIONS.get(self.role, frozenset())


@dataclass(frozen=True)
class AuthResult:
    """The outcome of a login: ``reason`` is ok, unknown, bad_password, locked, disabled, no_password or
    name_too_long; ``locked_until`` is set when this attempt locked the account or found it locked (for the audit
    log and the admin, never shown on the login form)."""

    ok: bool
    reason: str
    user: User | None = None
    locked_until: dt.datetime | None = None

    def message(self, lang: str = "zh") -> str:
        """What the login form says: one text for every failure, so that it does not tell which names exist."""
        return "" if self.ok else t("auth.login.failed", lang)


@dataclass(frozen=True)
class Session:
    """A logged-in user as the app keeps it between reruns; times are naive local datetimes."""

    user: str
    role: str
    units: tuple[str, ...]
    started: dt.datetime
    last_seen: dt.datetime
    checked: dt.datetime
    kind: str = "password"  # password | sso | demo

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())


_SELECT_USER = (
    "SELECT name, role, units, email, disabled, failed_logins, locked_until, password_hash IS NOT NULL, password_hash "
    "FROM users WHERE name = ?"
)


def _user(row: tuple) -> User:
    name, role, units, email, disabled, failed, locked, has_password = row
    scope = tuple(u for u in units.split(",") if u)
    return User(name, role, scope, email, bool(disabled), int(failed), locked, bool(has_password))


def load_user(con: duckdb.DuckDBPyConnection, name: str) -> User | None:
    """The account called ``name`` (exact match), or None."""
    row = first_row(con, _SELECT_USER, [name])
    return _user(row[:-1]) if row else None


def user_for_email(con: duckdb.DuckDBPyConnection, email: str) -> User | None:
    """The enabled account an SSO identity maps to (email compared case-insensitively), or None."""
    row = first_row(
        con,
        "SELECT name, role, units, email, disabled, failed_logins, locked_until, password_hash IS NOT NULL "
        "FROM users WHERE lower(email) = lower(?) AND NOT disabled",
        [email.strip()],
    )
    return _user(row) if row else None


def list_users(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every account, by name: name, role, units, email, disabled, locked_until, failed_logins, has_password,
    created_at, updated_at. Password hashes are never returned."""
    return con.execute(
        "SELECT name, role, units, email, disabled, locked_until, failed_logins, password_hash IS NOT NULL "
        "AS has_password, created_at, updated_at FROM users ORDER BY name"
    ).df()


def accounts_configured(db: str | Path | None = None) -> bool:
    """Whether any account exists (disabled ones count: disabling everyone must not reopen the demo mode).

    A database file that does not exist has none and is not created.
    """
    path = Path(db) if db else default_db_path()
    if not path.exists():
        return False
    with connect(path, read_only=True) as con:
        return bool(one_row(con, "SELECT count(*) > 0 FROM users")[0])


@cache
def _dummy_hash() -> str:
    return HASHER.hash("timing equaliser for unknown users")


def _verify(stored: str | None, password: str) -> bool:
    try:
        return HASHER.verify(stored or _dummy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def authenticate(db: str | Path | None, name: str, password: str, now: dt.datetime | None = None) -> AuthResult:
    """Check a password login and record it (success or failure) in the audit log.

    Five failures in a row lock the account for LOCKOUT; while locked even the right password is refused. Success
    clears the failure count. A ``name`` longer than MAX_NAME_LENGTH (no account has one) is refused at once: no
    hashing, no database, no audit entry. Raises DatabaseBusy when the database stays locked.
    """
    if len(name) > MAX_NAME_LENGTH:
        return AuthResult(False, "name_too_long")
    now = now or dt.datetime.now()
    name = name.strip()
    with connect(db) as con, audit.transaction(con):
        row = first_row(con, _SELECT_USER, [name])
        user, stored = (_user(row[:-1]), row[-1]) if row else (None, None)
        result = _check(con, user, stored, password, now)
        details = {} if result.ok else {"reason": result.reason}
        audit.record(con, name, audit.LOGIN if result.ok else audit.LOGIN_FAILED, details, now)
        if result.reason == "bad_password" and result.locked_until is not None:
            audit.record(con, name, audit.LOCKED, {"until": result.locked_until.isoformat()}, now)
    return result


def _check(
    con: duckdb.DuckDBPyConnection, user: User | None, stored: str | None, password: str, now: dt.datetime
) -> AuthResult:
    if user is None:
        _verify(None, password)  # same work as a real check, so timing does not reveal which names exist
        return AuthResult(False, "unknown")
    if user.locked_until is not None and now < user.locked_until:
        _verify(None, password)  # a locked account costs the same as any other failure
        return AuthResult(False, "locked", locked_until=user.locked_until)
    if user.disabled or stored is None:
        _verify(None, password)
        return AuthResult(False, "disabled" if user.disabled else "no_password")
    if not _verify(stored, password):
        failures = user.failed_logins + 1
        locked = now + LOCKOUT if failures >= MAX_FAILURES else None
        con.execute(
            "UPDATE users SET failed_logins = ?, locked_until = ? WHERE name = ?",
            [0 if locked else failures, locked, user.name],
        )
        return AuthResult(False, "bad_password", locked_until=locked)
    if HASHER.check_needs_rehash(stored):
        con.execute("UPDATE users SET password_hash = ? WHERE name = ?", [HASHER.hash(password), user.name])
    con.execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE name = ?", [user.name])
    return AuthResult(True, "ok", replace(user, failed_logins=0, locked_until=None))


def is_local_request(address: str | None, headers: Mapping[str, str]) -> bool:
    """Whether a request comes from a browser on this machine, as the local demo mode requires.

    ``address`` is the TCP peer (None when Streamlit reports none, as for localhost); ``headers`` the request's
    headers. A request through a proxy on this machine has a loopback peer too, so any forwarding header
    (FORWARDING_HEADERS, any case) makes it remote, whatever the peer.
    """
    if any(key.lower() in FORWARDING_HEADERS for key in headers):
        return False
    if address is None:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    return (mapped or ip).is_loopback


def new_session(user: User, now: dt.datetime | None = None, kind: str = "password") -> Session:
    now = now or dt.datetime.now()
    return Session(user.name, user.role, user.units, now, now, now, kind)


def session_valid(session: Session | None, now: dt.datetime | None = None) -> bool:
    """False when there is no session, it has been idle longer than IDLE_TIMEOUT or is older than MAX_SESSION_AGE."""
    if session is None:
        return False
    now = now or dt.datetime.now()
    return now - session.last_seen <= IDLE_TIMEOUT and now - session.started <= MAX_SESSION_AGE


def touch(session: Session, now: dt.datetime | None = None) -> Session:
    """The session with ``last_seen`` moved to now (call on each interaction)."""
    return replace(session, last_seen=now or dt.datetime.now())


def refresh_session(db: str | Path | None, session: Session, now: dt.datetime | None = None) -> Session | None:
    """Re-read the account at most every REFRESH_INTERVAL: a new role applies, a disabled one ends the session."""
    now = now or dt.datetime.now()
    if session.kind == "demo" or now - session.checked < REFRESH_INTERVAL:
        return session
    with connect(db, read_only=True) as con:
        user = load_user(con, session.user)
    if user is None or user.disabled:
        return None
    return replace(session, role=user.role, units=user.units, checked=now)


# --- a planner's scope --------------------------------------------------------------------------------------


def scope_codes(units: Iterable[str], registry: Registry) -> set[str]:
    """The assigned units and all their descendants (codes no longer in the registry are ignored)."""
    return {c for u in units if registry.by_code(u) for c in registry.descendants(u)}


def batch_in_scope(con: duckdb.DuckDBPyConnection, user: User | Session, batch_id: int) -> bool:
    """Whether ``user`` may revert the batch: admins always; planners when it wrote only units in their scope."""
    if user.role == "admin":
        return True
    if "revert" not in PERMISSIONS.get(user.role, frozenset()):
        return False
    written = con.execute(
        "SELECT DISTINCT u.code FROM observations o JOIN units u ON u.uid = o.uid WHERE o.batch_id = ?", [batch_id]
    ).fetchall()
    return {code for (code,) in written} <= scope_codes(user.units, load_registry(con))


# --- managing accounts (each change is audited in its own transaction) ----------------------------------------


def _check_name(name: str) -> str:
    if not name or len(name) > MAX_NAME_LENGTH or any(ch.isspace() or not ch.isprintable() for ch in name):
        raise AccountError("account.bad_name")
    return name


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("account.short_password", n=MIN_PASSWORD_LENGTH)
    return password


def _scope(con: duckdb.DuckDBPyConnection, role: str, units: Iterable[str]) -> str:
    if role not in ROLES:
        raise AccountError("account.bad_role", role=role, roles=", ".join(ROLES))
    labels = [u.strip() for u in units if u.strip()]
    if role not in SCOPED_ROLES:
        if labels:
            raise AccountError("account.units_only_planner")
        return ""
    if not labels:
        raise AccountError("account.needs_units")
    registry = load_registry(con)
    try:
        return ",".join(dict.fromkeys(registry.resolve(label).code for label in labels))
    except UnknownUnit as exc:
        raise AccountError("account.unknown_unit", unit=exc.label) from exc


def _existing(con: duckdb.DuckDBPyConnection, name: str) -> User:
    user = load_user(con, name)
    if user is None:
        raise AccountError("account.unknown", name=name)
    return user


def _check_email(con: duckdb.DuckDBPyConnection, name: str, email: str | None) -> str | None:
    email = (email or "").strip() or None
    owner = user_for_email(con, email) if email else None
    if owner is not None and owner.name != name:
        raise AccountError("account.email_taken", email=email, name=owner.name)
    return email


def add_user(
    con: duckdb.DuckDBPyConnection,
    name: str,
    role: str,
    password: str | None,
    actor: str,
    units: Iterable[str] = (),
    email: str | None = None,
) -> User:
    """Create an account. ``password`` None makes an SSO-only account, which needs ``email``."""
    _check_name(name)
    with audit.transaction(con):
        if load_user(con, name) is not None:
            raise AccountError("account.exists", name=name)
        scope, mail = _scope(con, role, units), _check_email(con, name, email)
        if password is None and mail is None:
            raise AccountError("account.needs_login")
        hashed = HASHER.hash(_check_password(password)) if password is not None else None
        now = dt.datetime.now()
        con.execute(
            "INSERT INTO users VALUES (?, ?, ?, ?, ?, false, 0, NULL, ?, ?)",
            [name, role, scope, mail, hashed, now, now],
        )
        audit.record(con, actor, audit.USER_ADD, {"name": name, "role": role, "units": scope, "email": mail})
    return _existing(con, name)


def set_password(con: duckdb.DuckDBPyConnection, name: str, password: str, actor: str) -> None:
    """Replace the password (and lift a lockout)."""
    hashed = HASHER.hash(_check_password(password))
    with audit.transaction(con):
        _existing(con, name)
        con.execute(
            "UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL, updated_at = ? WHERE name = ?",
            [hashed, dt.datetime.now(), name],
        )
        audit.record(con, actor, audit.USER_PASSWORD, {"name": name})


def set_role(con: duckdb.DuckDBPyConnection, name: str, role: str, actor: str, units: Iterable[str] = ()) -> User:
    """Change the role (and, for a planner, the assigned units)."""
    with audit.transaction(con):
        before = _existing(con, name)
        scope = _scope(con, role, units)
        sql = "UPDATE users SET role = ?, units = ?, updated_at = ? WHERE name = ?"
        con.execute(sql, [role, scope, dt.datetime.now(), name])
        audit.record(con, actor, audit.USER_ROLE, {"name": name, "from": before.role, "role": role, "units": scope})
    return _existing(con, name)


def _update(con: duckdb.DuckDBPyConnection, name: str, actor: str, action: str, sql: str, params: list) -> None:
    """Run one ``UPDATE users … updated_at = ? WHERE name = ?`` and audit it, in one transaction."""
    with audit.transaction(con):
        _existing(con, name)
        con.execute(sql, [*params, dt.datetime.now(), name])
        audit.record(con, actor, action, {"name": name} | ({"email": params[0]} if action == audit.USER_EMAIL else {}))


def set_disabled(con: duckdb.DuckDBPyConnection, name: str, disabled: bool, actor: str) -> None:
    """Disable (the user's sessions end at their next check) or re-enable an account; nothing is deleted."""
    action = audit.USER_DISABLE if disabled else audit.USER_ENABLE
    _update(con, name, actor, action, "UPDATE users SET disabled = ?, updated_at = ? WHERE name = ?", [disabled])


def unlock(con: duckdb.DuckDBPyConnection, name: str, actor: str) -> None:
    """Lift a lockout before it expires."""
    sql = "UPDATE users SET failed_logins = 0, locked_until = NULL, updated_at = ? WHERE name = ?"
    _update(con, name, actor, audit.USER_UNLOCK, sql, [])


def set_email(con: duckdb.DuckDBPyConnection, name: str, email: str | None, actor: str) -> None:
    """Map an SSO identity (email) to the account; empty or None removes the mapping."""
    mail = _check_email(con, name, email)
    _update(con, name, actor, audit.USER_EMAIL, "UPDATE users SET email = ?, updated_at = ? WHERE name = ?", [mail])
