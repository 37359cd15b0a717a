"""The reporting cycle's command line (SPEC §4, §8): ``cycle``, ``review``, ``import --restate``; the JSON of
``cycle status``; refusals exit 1 naming the status, usage errors exit 2."""

from __future__ import annotations

import json

import pytest

from tests.fixtures import WIDE, cli, xlsx

UNIT_KEYS = ["unit", "status", "batch_id", "submitted_at", "by", "reviewed_by", "reason", "overdue"]


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "月报.xlsx"
    path.write_bytes(xlsx(WIDE))
    return path


def ok(*args: str, db) -> str:
    done = cli(*args, db=db)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_status_json_has_exactly_the_spec_shape(db, book):
    never = json.loads(ok("cycle", "status", "2026-10", "--json", db=db))
    assert never == {"period": "2026-10", "state": "none", "deadline": None, "units": []}
    opened = json.loads(ok("cycle", "open", "2026-10", "--deadline", "2026-11-10", "--json", db=db))
    assert opened == {"period": "2026-10", "state": "open", "deadline": "2026-11-10"}
    ok("import", str(book), "--user", "张三", db=db)
    report = json.loads(ok("cycle", "status", "2026-10", "--json", db=db))
    assert list(report) == ["period", "state", "deadline", "units"]
    assert (report["period"], report["state"], report["deadline"]) == ("2026-10", "open", "2026-11-10")
    assert [list(u) for u in report["units"]] == [UNIT_KEYS] * 4
    b11 = report["units"][0]
    assert (b11["unit"], b11["status"], b11["batch_id"], b11["by"], b11["reviewed_by"], b11["reason"]) == (
        "B11", "submitted", 1, "张三", None, None,
    )  # fmt: skip
    assert isinstance(b11["submitted_at"], str) and b11["submitted_at"].startswith("20")
    assert [(u["unit"], u["status"]) for u in report["units"][2:]] == [("B21", "missing"), ("B22", "missing")]
    assert all(isinstance(u["overdue"], bool) for u in report["units"])
    text = ok("cycle", "status", "2026-10", db=db)
    assert text.splitlines()[0] == "2026-10: open, deadline 2026-11-10"


def test_review_refusals_exit_1_naming_the_status(db, book):
    ok("cycle", "open", "2026-10", db=db)
    ok("import", str(book), db=db)
    approved = json.loads(ok("review", "approve", "B11", "--period", "2026-10", "--json", db=db))
    assert approved == {"period": "2026-10", "action": "approve", "units": [{"unit": "B11", "from": "submitted",
                                                                            "to": "approved"}]}  # fmt: skip
    again = cli("review", "approve", "B11", "--period", "2026-10", db=db)
    assert again.returncode == 1
    assert "B11（已审核）" in again.stderr and "B11 (approved)" in again.stderr
    no_reason = cli("review", "return", "B12", "--period", "2026-10", db=db)
    assert no_reason.returncode == 1 and "--reason" in no_reason.stderr
    assert ok("review", "return", "B12", "--period", "2026-10", "--reason", "数据有误", db=db).strip() == (
        "B12: submitted → returned"
    )
    closing = cli("cycle", "close", "2026-10", db=db)
    assert closing.returncode == 1
    assert "B11（已审核）、B12（已退回）、B21（未报）、B22（未报）" in closing.stderr
    unknown = cli("review", "approve", "B99", "--period", "2026-10", db=db)
    assert unknown.returncode == 1 and "B99" in unknown.stderr
    nobody = cli("review", "approve", "B11", "--period", "2026-10", "--user", "nobody", db=db)
    assert nobody.returncode == 1 and "nobody" in nobody.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("cycle", "open", "2026-13"),
        ("cycle", "open", "2026-10", "--deadline", "2026-11-31"),
        ("cycle", "open", "2026-10", "--deadline", "11/10/2026"),
        ("cycle", "shut", "2026-10"),
        ("cycle", "status"),
        ("review", "approve", "B11"),  # --period is required
        ("review", "bless", "B11", "--period", "2026-10"),
        ("review", "approve", "--period", "2026-10"),  # no unit
    ],
)
def test_usage_errors_exit_2(db, args):
    assert cli(*args, db=db).returncode == 2


def test_close_then_restate(db, book, tmp_path):
    ok("cycle", "open", "2026-10", db=db)
    ok("review", "excuse", "G", "--period", "2026-10", "--reason", "演示", db=db)
    assert ok("cycle", "close", "2026-10", db=db).strip() == "2026-10: closed"
    rejected = cli("import", str(book), "--json", db=db)
    assert rejected.returncode == 1
    errors = json.loads(rejected.stdout)["errors"]
    assert [(e["code"], e["sheet"], e["cell"]) for e in errors] == [("month_closed", "党建", "D4")]
    no_reason = cli("import", str(book), "--restate", db=db)
    assert no_reason.returncode == 1 and "--reason" in no_reason.stderr
    ok("users", "add", "p1", "--role", "planner", "--units", "S1", "--no-password", "--email", "p1@example.cn", db=db)
    not_admin = cli("import", str(book), "--restate", "--reason", "更正", "--user", "p1", db=db)
    assert not_admin.returncode == 1 and "p1" in not_admin.stderr
    restated = json.loads(ok("import", str(book), "--restate", "--reason", "更正", "--json", db=db))
    assert (restated["status"], restated["batch_id"]) == ("committed", 1)
    assert json.loads(ok("cycle", "status", "2026-10", "--json", db=db))["state"] == "closed"
    reopen = cli("cycle", "reopen", "2026-10", db=db)
    assert reopen.returncode == 1 and "--reason" in reopen.stderr
    assert ok("cycle", "reopen", "2026-10", "--reason", "补报", db=db).strip() == "2026-10: open"
    assert ok("import", str(book), db=db).startswith("unchanged")


def test_a_month_never_opened_imports_as_today(db, book):
    report = json.loads(ok("import", str(book), "--json", db=db))
    assert (report["status"], report["errors"]) == ("committed", [])
    assert json.loads(ok("cycle", "status", "2026-10", "--json", db=db))["units"] == []
