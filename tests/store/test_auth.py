"""Accounts and roles: argon2 hashes, lockout, sessions, a planner's scope, the users CLI, the login gate."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from streamlit.proto.TextInput_pb2 import TextInput as TextInputProto
from streamlit.runtime.context import ContextProxy, StreamlitHeaders
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from analytics.services.imports import Upload, check_scope, run_import, validate
from analytics.store import accounts as auth
from analytics.store import audit
from analytics.store.connection import connect, first_row
from analytics.store.units import load_registry
from tests.fixtures import WIDE, tables, xlsx

ROOT = Path(__file__).resolve().parents[2]
T0 = dt.datetime(2026, 11, 2, 9, 0, 0)
PASSWORD = "correct horse 1"
FAILED = "用户名或密码错误，或账户因连续输错已被暂时锁定。"
FAILED_EN = "Wrong user name or password, or the account is locked for a while after repeated failures."


@pytest.fixture(autouse=True)
def fast_hasher(monkeypatch):
    """Cheap argon2id parameters in-process (the CLI tests below use the real ones)."""
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def accounts(db: Path) -> Path:
    with connect(db) as con:
        auth.add_user(con, "root", "admin", PASSWORD, "test")
        auth.add_user(con, "p1", "planner", PASSWORD, "test", units=["S1"])
        auth.add_user(con, "lead", "leader", PASSWORD, "test", email="Lead@Example.cn")
        auth.add_user(con, "show", "presenter", PASSWORD, "test")
    return db


def actions(db: Path) -> list[tuple[str, str, dict]]:
    with connect(db, read_only=True) as con:
        log = audit.query(con).iloc[::-1]
    return list(zip(log["actor"], log["action"], audit.details_of(log), strict=True))


def test_passwords_are_stored_as_argon2id_hashes(accounts):
    with connect(accounts, read_only=True) as con:
        (stored,) = first_row(con, "SELECT password_hash FROM users WHERE name = 'root'")
        listed = auth.list_users(con)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert "password_hash" not in listed.columns
    assert listed["name"].tolist() == ["lead", "p1", "root", "show"]


def test_login_success_and_failures_are_audited_with_one_message(accounts):
    ok = auth.authenticate(accounts, "root", PASSWORD, T0)
    wrong = auth.authenticate(accounts, "root", "nope", T0)
    nobody = auth.authenticate(accounts, "ghost", PASSWORD, T0)
    assert (ok.ok, ok.reason, ok.user.role) == (True, "ok", "admin")
    assert (wrong.ok, wrong.reason, nobody.reason) == (False, "bad_password", "unknown")
    assert wrong.message("zh") == nobody.message("zh") == FAILED
    assert actions(accounts)[-3:] == [
        ("root", "login", {}),
        ("root", "login_failed", {"reason": "bad_password"}),
        ("ghost", "login_failed", {"reason": "unknown"}),
    ]


def test_five_failures_lock_the_account_for_15_minutes(accounts):
    for minute in range(4):
        assert auth.authenticate(accounts, "p1", "bad", T0 + dt.timedelta(minutes=minute)).locked_until is None
    fifth = auth.authenticate(accounts, "p1", "bad", T0 + dt.timedelta(minutes=4))
    assert fifth.locked_until == T0 + dt.timedelta(minutes=19)
    during = auth.authenticate(accounts, "p1", PASSWORD, T0 + dt.timedelta(minutes=18))
    assert (during.ok, during.reason) == (False, "locked")
    assert during.message("en") == FAILED_EN
    after = auth.authenticate(accounts, "p1", PASSWORD, T0 + dt.timedelta(minutes=19, seconds=1))
    assert after.ok
    assert ("p1", "locked", {"until": "2026-11-02T09:19:00"}) in actions(accounts)


class CountingHasher(PasswordHasher):
    """The test's cheap hasher, counting the password checks a login makes."""

    checks = 0

    def verify(self, hash, password):  # argon2's own parameter names
        CountingHasher.checks += 1
        return super().verify(hash, password)


def test_failures_read_and_cost_the_same_for_existing_locked_and_unknown_names(accounts, monkeypatch):
    monkeypatch.setattr(auth, "HASHER", CountingHasher(time_cost=1, memory_cost=1024, parallelism=1))
    for _ in range(auth.MAX_FAILURES):
        auth.authenticate(accounts, "show", "bad", T0)
    outcomes = {}
    for name, password in [("show", PASSWORD), ("show", "bad"), ("ghost", PASSWORD), ("lead", "bad")]:
        CountingHasher.checks = 0
        result = auth.authenticate(accounts, name, password, T0 + dt.timedelta(minutes=1))
        outcomes[name, password] = (result.reason, result.message("zh"), result.message("en"), CountingHasher.checks)
    assert outcomes == {
        ("show", PASSWORD): ("locked", FAILED, FAILED_EN, 1),  # before the fix: a lock message, and no hashing
        ("show", "bad"): ("locked", FAILED, FAILED_EN, 1),
        ("ghost", PASSWORD): ("unknown", FAILED, FAILED_EN, 1),
        ("lead", "bad"): ("bad_password", FAILED, FAILED_EN, 1),
    }
    fifth = [auth.authenticate(accounts, "lead", "bad", T0) for _ in range(4)][-1]
    assert fifth.locked_until is not None and fifth.message("zh") == FAILED  # the locking attempt reads alike too


def test_an_overlong_login_name_is_refused_before_any_work(accounts, tmp_path, monkeypatch):
    monkeypatch.setattr(auth, "HASHER", CountingHasher(time_cost=1, memory_cost=1024, parallelism=1))
    CountingHasher.checks = 0
    before = actions(accounts)
    result = auth.authenticate(accounts, "x" * 1_000_000, PASSWORD, T0)
    assert (result.ok, result.reason, result.message("zh")) == (False, "name_too_long", FAILED)
    assert CountingHasher.checks == 0 and actions(accounts) == before  # no hashing, no audit entry
    absent = tmp_path / "absent.duckdb"
    auth.authenticate(absent, "y" * (auth.MAX_NAME_LENGTH + 1), PASSWORD, T0)
    assert not absent.exists()  # not even the database is opened
    assert auth.authenticate(accounts, "g" * auth.MAX_NAME_LENGTH, PASSWORD, T0).reason == "unknown"


def test_a_success_resets_the_failure_count(accounts):
    for _ in range(4):
        auth.authenticate(accounts, "show", "bad", T0)
    assert auth.authenticate(accounts, "show", PASSWORD, T0).ok
    for _ in range(4):
        auth.authenticate(accounts, "show", "bad", T0)
    assert auth.authenticate(accounts, "show", PASSWORD, T0).ok


def test_sessions_logging_in_at_the_same_moment_all_get_in(accounts):
    results: list[auth.AuthResult] = []
    threads = [
        threading.Thread(target=lambda n=n: results.append(auth.authenticate(accounts, n, PASSWORD)))
        for n in ("root", "p1", "lead", "show") * 2
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [r.reason for r in results] == ["ok"] * 8
    with connect(accounts, read_only=True) as con:
        assert len(audit.query(con, action="login")) == 8 and audit.verify(con) is None


def test_unlock_and_new_password_lift_a_lockout(accounts):
    for _ in range(5):
        auth.authenticate(accounts, "show", "bad", T0)
    with connect(accounts) as con:
        auth.unlock(con, "show", "root")
    assert auth.authenticate(accounts, "show", PASSWORD, T0).ok
    with connect(accounts) as con:
        auth.set_password(con, "show", "another secret", "root")
    assert not auth.authenticate(accounts, "show", PASSWORD, T0).ok
    assert auth.authenticate(accounts, "show", "another secret", T0).ok


def test_a_disabled_account_cannot_log_in_and_its_session_ends(accounts):
    session = auth.new_session(auth.authenticate(accounts, "lead", PASSWORD, T0).user, T0)
    with connect(accounts) as con:
        auth.set_disabled(con, "lead", True, "root")
    assert auth.authenticate(accounts, "lead", PASSWORD, T0).reason == "disabled"
    assert auth.refresh_session(accounts, session, T0 + dt.timedelta(seconds=30)) is session  # not re-read yet
    assert auth.refresh_session(accounts, session, T0 + auth.REFRESH_INTERVAL) is None


def test_a_role_change_applies_at_the_next_refresh(accounts):
    session = auth.new_session(auth.authenticate(accounts, "lead", PASSWORD, T0).user, T0)
    with connect(accounts) as con:
        auth.set_role(con, "lead", "planner", "root", units=["S2"])
    refreshed = auth.refresh_session(accounts, session, T0 + dt.timedelta(minutes=5))
    assert (refreshed.role, refreshed.units, refreshed.can("import")) == ("planner", ("S2",), True)


def test_sessions_expire_after_8_idle_hours_and_24_hours_in_all(accounts):
    session = auth.new_session(auth.authenticate(accounts, "show", PASSWORD, T0).user, T0)
    assert auth.session_valid(session, T0 + dt.timedelta(hours=7, minutes=59))
    assert not auth.session_valid(session, T0 + dt.timedelta(hours=8, minutes=1))
    later = auth.touch(session, T0 + dt.timedelta(hours=7))
    assert auth.session_valid(later, T0 + dt.timedelta(hours=14))
    assert not auth.session_valid(
        auth.touch(session, T0 + dt.timedelta(hours=23)), T0 + dt.timedelta(hours=24, seconds=1)
    )
    assert not auth.session_valid(None, T0)


def test_roles_grant_what_the_issue_says():
    grants = {role: sorted(perms) for role, perms in auth.PERMISSIONS.items()}
    assert grants == {
        "admin": ["export", "import", "manage", "revert", "review", "view"],
        "planner": ["import", "revert", "view"],
        "reviewer": ["review", "view"],
        "leader": ["view"],
        "presenter": ["export", "view"],
    }


def test_a_planner_may_upload_for_their_units_and_sub_units_only(accounts):
    with connect(accounts, read_only=True) as con:
        planner, leader, admin = (auth.load_user(con, n) for n in ("p1", "lead", "root"))
        registry = load_registry(con)
    own = validate(accounts, [Upload("月报.xlsx", xlsx(WIDE))])
    assert check_scope(planner, own, registry) == []
    rows = [list(r) for r in WIDE]
    rows[3][1] = "B21"  # a branch of S2
    other = validate(accounts, [Upload("月报.xlsx", xlsx(rows))])
    (issue,) = check_scope(planner, other, registry)
    assert (issue.file, issue.sheet, issue.cell, issue.code) == ("月报.xlsx", "党建", "D4", "unit_out_of_scope")
    assert issue.message == "单位 B21 不在您负责的范围内（可上传：S1），本次上传不会写入任何数据。"
    assert issue.message_en.startswith("Unit B21 is outside your scope (you may upload for: S1)")
    assert check_scope(admin, other, registry) == []
    assert [i.code for i in check_scope(leader, own, registry)] == ["import_not_allowed"]
    assert check_scope(planner, ["S1", "B11", "B12"], registry) == []
    assert [i.message_en.split(" is")[0] for i in check_scope(planner, ["G", "B22"], registry)] == [
        "Unit G",
        "Unit B22",
    ]


def test_a_planner_may_revert_only_batches_within_scope(accounts):
    assert run_import(accounts, [Upload("月报.xlsx", xlsx(WIDE))], user="root").batch_id == 1
    with connect(accounts) as con:
        auth.add_user(con, "p2", "planner", PASSWORD, "root", units=["S2"])
        found = {n: auth.batch_in_scope(con, auth.load_user(con, n), 1) for n in ("root", "p1", "p2", "lead")}
    assert found == {"root": True, "p1": True, "p2": False, "lead": False}


def test_accounts_configured_and_an_absent_file_is_not_created(db, tmp_path):
    absent = tmp_path / "absent.duckdb"
    assert not auth.accounts_configured(absent) and not absent.exists()
    assert not auth.accounts_configured(db)
    with connect(db) as con:
        auth.add_user(con, "root", "admin", PASSWORD, "test")
        auth.set_disabled(con, "root", True, "test")
    assert auth.accounts_configured(db)  # a disabled account still closes the demo mode


def test_account_changes_are_validated_and_audited(accounts):
    with connect(accounts) as con:
        for call, key in [
            (lambda: auth.add_user(con, "root", "admin", PASSWORD, "t"), "account.exists"),
            (lambda: auth.add_user(con, "a b", "admin", PASSWORD, "t"), "account.bad_name"),
            (lambda: auth.add_user(con, "x", "admin", "short", "t"), "account.short_password"),
            (lambda: auth.add_user(con, "x", "planner", PASSWORD, "t"), "account.needs_units"),
            (lambda: auth.add_user(con, "x", "leader", PASSWORD, "t", units=["S1"]), "account.units_only_planner"),
            (lambda: auth.add_user(con, "x", "planner", PASSWORD, "t", units=["检修分公司"]), "account.unknown_unit"),
            (lambda: auth.add_user(con, "x", "leader", None, "t"), "account.needs_login"),
            (lambda: auth.set_role(con, "ghost", "admin", "t"), "account.unknown"),
            (lambda: auth.set_email(con, "root", "lead@example.cn", "t"), "account.email_taken"),
        ]:
            with pytest.raises(auth.AccountError) as caught:
                call()
            assert caught.value.key == key
        assert auth.load_user(con, "x") is None
    assert actions(accounts)[1] == ("test", "user_add", {"email": None, "name": "p1", "role": "planner", "units": "S1"})


def test_sso_identities_map_to_accounts_by_email(accounts):
    with connect(accounts) as con:
        assert auth.user_for_email(con, " lead@example.CN ").name == "lead"
        auth.add_user(con, "sso", "presenter", None, "root", email="sso@example.cn")
        assert auth.user_for_email(con, "sso@example.cn").has_password is False
        auth.set_disabled(con, "lead", True, "root")
        assert auth.user_for_email(con, "lead@example.cn") is None
    assert auth.authenticate(accounts, "sso", "", T0).reason == "no_password"


def cli(*args: str, db: Path, stdin: str = "") -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "analytics", *args, "--db", str(db)]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_users_command_line_reads_passwords_from_stdin_never_arguments(db):
    assert cli("users", "add", "root", "--role", "admin", db=db, stdin="s3cret-pass\n").returncode == 0
    assert (
        cli("users", "add", "p1", "--role", "planner", "--units", "S1,B21", db=db, stdin="s3cret-pass\n").returncode
        == 0
    )
    assert cli("users", "add", "x", "--role", "admin", "--password", "s3cret-pass", db=db).returncode == 2
    assert cli("users", "add", "y", "--role", "admin", db=db, stdin="short\n").returncode == 1
    assert cli("users", "passwd", "p1", db=db, stdin="n3w-secret\n").returncode == 0
    assert cli("users", "role", "root", "leader", db=db).returncode == 0
    assert cli("users", "disable", "p1", db=db).returncode == 0
    assert cli("users", "role", "ghost", "leader", db=db).returncode == 1
    listed = cli("users", "list", "--json", db=db)
    users = json.loads(listed.stdout)["users"]
    assert [(u["name"], u["role"], u["units"], u["disabled"]) for u in users] == [
        ("p1", "planner", "S1,B21", True),
        ("root", "leader", "", False),
    ]
    assert "s3cret" not in listed.stdout and "argon2" not in listed.stdout
    assert auth.authenticate(db, "root", "s3cret-pass").ok  # the real (default) argon2 parameters
    with connect(db, read_only=True) as con:
        log = audit.query(con, action=["user_add", "user_password", "user_role", "user_disable"])
    assert log["action"].tolist()[::-1] == ["user_add", "user_add", "user_password", "user_role", "user_disable"]
    assert log["actor"].str.startswith("cli").all()


GATE = """
import streamlit as st
from ui.auth import account_box, require_login
session = require_login()
account_box()
st.markdown(f"hello {session.user} {session.role}")
"""


def test_the_gate_opens_a_bannered_demo_without_accounts(db, monkeypatch):
    monkeypatch.setenv("ANALYTICS_DB", str(db))
    at = AppTest.from_string(GATE, default_timeout=30).run()
    assert not at.exception
    assert "本地演示模式" in at.warning[0].value
    assert at.markdown[0].value == "hello local admin"


@pytest.mark.parametrize(
    ("address", "headers", "local"),
    [
        (None, {}, True),
        ("127.0.0.1", {}, True),
        ("::1", {"Host": "localhost:8501"}, True),
        ("::ffff:127.0.0.1", {}, True),
        ("10.1.2.3", {}, False),
        ("not an address", {}, False),
        ("127.0.0.1", {"X-Forwarded-For": "10.1.2.3"}, False),  # a proxy on this machine relaying a remote browser
        (None, {"forwarded": "for=10.1.2.3"}, False),
        ("127.0.0.1", {"X-Real-IP": "10.1.2.3"}, False),
    ],
)
def test_the_demo_mode_treats_forwarded_requests_as_remote(address, headers, local):
    assert auth.is_local_request(address, headers) is local


def test_the_demo_gate_refuses_a_request_relayed_by_a_proxy(db, monkeypatch):
    monkeypatch.setenv("ANALYTICS_DB", str(db))
    relayed = StreamlitHeaders([("X-Forwarded-For", "10.1.2.3")])  # what a proxy on this machine adds
    monkeypatch.setattr(ContextProxy, "headers", property(lambda self: relayed))
    at = AppTest.from_string(GATE, default_timeout=30).run()
    assert not at.markdown  # before the fix: "hello local admin" (the peer is the proxy, on loopback)
    assert at.error[0].value == "尚未配置账户，本系统只对本机开放。请管理员先创建账户。"


def test_the_login_name_field_is_capped(accounts, monkeypatch):
    monkeypatch.setenv("ANALYTICS_DB", str(accounts))
    at = AppTest.from_string(GATE, default_timeout=30).run()
    assert at.text_input(key="login_name").max_chars == auth.MAX_NAME_LENGTH


def test_a_deep_link_opened_before_login_is_where_the_login_leads(accounts, monkeypatch, tmp_path):
    """A browser opens /unit?profile_metrics=revenue with no session. AppTest cannot open a URL path before
    st.navigation has registered the pages, nor forget the page as the browser does on the login form's own
    reruns (the navigation never ran, so the browser knows no page): both are emulated on its page request."""
    run_import(accounts, [Upload("月报.xlsx", xlsx(WIDE))], user="root")
    monkeypatch.setenv("ANALYTICS_DB", str(accounts))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at._page_hash = calc_hash("unit")  # the URL path /unit (st.Page hashes its url_path)
    at.query_params["profile_metrics"] = ["revenue"]
    at.run()
    assert at.text_input(key="login_password") and not at.title
    at._page_hash = at._finished_page_script_hash = ""  # the form's submit names no page
    at.text_input(key="login_name").input("root")
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["单位画像"]  # before the fix: 集团总览, the overview
    assert at.multiselect(key="profile_metrics").value == ["revenue"]
    assert at.query_params["profile_metrics"] == "revenue"


def test_the_gate_asks_for_a_login_and_lets_the_right_password_in(accounts, monkeypatch):
    monkeypatch.setenv("ANALYTICS_DB", str(accounts))
    at = AppTest.from_string(GATE, default_timeout=30).run()
    assert not at.markdown and at.text_input(key="login_password").proto.type == TextInputProto.PASSWORD
    at.text_input(key="login_name").input("p1")
    at.text_input(key="login_password").input("wrong password")
    at.button[0].click().run()
    assert at.error[0].value == FAILED and not at.markdown
    at.text_input(key="login_name").input("p1")
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    assert at.markdown[0].value == "hello p1 planner"
    assert at.session_state["user"] == "p1"
    next(b for b in at.button if b.key == "logout").click().run()
    assert not at.markdown and actions(accounts)[-1][:2] == ("p1", "logout")


@pytest.mark.parametrize(("role", "allowed"), [("admin", True), ("leader", False)])
def test_the_admin_page_is_for_admins_only(accounts, monkeypatch, role, allowed):
    monkeypatch.setenv("ANALYTICS_DB", str(accounts))
    at = AppTest.from_file(str(ROOT / "views" / "admin.py"), default_timeout=30)
    at.session_state["auth_session"] = auth.Session("someone", role, (), T0, T0, T0)
    at.run()
    assert not at.exception
    if not allowed:
        assert at.warning[0].value == "您没有访问此页面的权限。" and not tables(at)
        return
    log, users = tables(at)[0].value, tables(at)[1].value
    assert log["代码"].tolist()[-1] == "user_add" and users["用户名"].tolist() == ["lead", "p1", "root", "show"]
    at.selectbox(key="change_who").set_value("show")
    at.radio(key="change_what").set_value("disable")
    next(b for b in at.button if b.label == "保存" and "change_user" in b.form_id).click().run()
    assert actions(accounts)[-1] == ("someone", "user_disable", {"name": "show"})
