"""The cross-checks' command line (SPEC §4, §8): ``rules [--import CSV] [--export CSV] [--json]`` and
``import … --note-file CSV``; a refused rules file exits 1 naming the row and the column and changes nothing;
usage errors exit 2."""

from __future__ import annotations

import json

import pytest

from tests.fixtures import cli, xlsx

HEADER = "code,left,op,right,tolerance,severity,message_zh,message_en\n"
RULES = (
    HEADER + "P1,total_profit,<=,revenue,,error,利润不应超过收入,Profit cannot exceed revenue\n"
    "W1,revenue,<=,1000,,warning,收入异常高,Revenue unusually high\n"
)


@pytest.fixture
def files(tmp_path):
    (tmp_path / "rules.csv").write_text(RULES, encoding="utf-8")
    rows = [["2026年10月党建工作月报"], ["单位编码", "营业收入（万元）", "利润总额（万元）"], ["B11", 2000, 100]]
    (tmp_path / "月报.xlsx").write_bytes(xlsx(rows))
    (tmp_path / "notes.csv").write_text("unit,period,metric,note\nB11,2026-10,营业收入,新签大合同\n", encoding="utf-8")
    return tmp_path


def run(*args: str, db, code: int = 0) -> str:
    """stdout of a command that exits ``code``."""
    done = cli(*args, db=db)
    assert done.returncode == code, done.stderr
    return done.stdout


def refused(*args: str, db, code: int = 1) -> str:
    """stderr of a command that exits ``code``."""
    done = cli(*args, db=db)
    assert done.returncode == code, done.stdout
    return done.stderr


def test_rules_import_list_export_and_json(db, files):
    assert run("rules", db=db) == HEADER
    listed = json.loads(run("rules", "--import", str(files / "rules.csv"), "--json", db=db))
    assert [r["code"] for r in listed["rules"]] == ["P1", "W1"]
    assert listed["rules"][0] == {
        "code": "P1", "left": "total_profit", "op": "<=", "right": "revenue", "tolerance": 0.0,
        "severity": "error", "message_zh": "利润不应超过收入", "message_en": "Profit cannot exceed revenue",
    }  # fmt: skip
    run("rules", "--export", str(files / "out.csv"), db=db)
    assert (files / "out.csv").read_text(encoding="utf-8").splitlines()[1].startswith("P1,total_profit,<=,revenue,0,")
    assert run("rules", db=db).count("\n") == 3


def test_a_bad_rules_file_exits_1_naming_the_row_and_column_and_changes_nothing(db, files):
    bad = files / "bad.csv"
    bad.write_text(RULES + "X1,revenue,>=,__import__('os').system('touch pwned'),,,,\n", encoding="utf-8")
    said = refused("rules", "--import", str(bad), db=db)
    assert "第 4 行“right”列" in said and "line 4, column right" in said
    assert not (files / "pwned").exists()
    assert run("rules", db=db) == HEADER  # the good rows before it were not written either
    unknown = files / "unknown.csv"
    unknown.write_text(HEADER + "U1,no_such_metric,>=,0,,,,\n", encoding="utf-8")
    assert "unknown metric 'no_such_metric'" in refused("rules", "--import", str(unknown), db=db)
    assert "none.csv" in refused("rules", "--import", str(files / "none.csv"), db=db)
    assert "--import" in refused("rules", "--import", db=db, code=2)
    assert "unrecognized" in refused("rules", "--drop", "P1", db=db, code=2)


def test_import_with_a_note_file(db, files):
    run("rules", "--import", str(files / "rules.csv"), db=db)
    run("cycle", "open", "2026-10", db=db)
    book = str(files / "月报.xlsx")
    rejected = json.loads(run("import", book, "--json", db=db, code=1))
    assert [(e["code"], e["cell"]) for e in rejected["errors"]] == [("note_required", "B3")]
    assert [w["code"] for w in rejected["warnings"]] == ["rule_failed"]
    done = json.loads(run("import", book, "--note-file", str(files / "notes.csv"), "--json", db=db))
    assert (done["status"], done["batch_id"]) == ("committed", 1)
    missing = json.loads(run("import", book, "--note-file", str(files / "nope.csv"), "--json", db=db, code=1))
    assert [e["code"] for e in missing["errors"]] == ["missing_file"]
    (files / "bad_notes.csv").write_text("unit,metric,note\nB11,revenue,x\n", encoding="utf-8")
    said = refused("import", book, "--note-file", str(files / "bad_notes.csv"), db=db)
    assert "缺少列：period" in said and "lacks the columns: period" in said
