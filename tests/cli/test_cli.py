"""The command line of SPEC §4: exit codes, JSON shapes, the data export."""

from __future__ import annotations

import json

import pytest

from tests.fixtures import WIDE, cli, xlsx


def test_import_json_then_data_then_revert(db, tmp_path):
    book = tmp_path / "月报.xlsx"
    book.write_bytes(xlsx(WIDE))
    done = cli("import", str(book), "--json", db=db)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert {k: report[k] for k in ("status", "batch_id", "observations", "new", "changed", "unchanged")} == {
        "status": "committed",
        "batch_id": 1,
        "observations": 4,
        "new": 4,
        "changed": 0,
        "unchanged": 0,
    }
    assert set(report["errors"] + report["warnings"][0:0]) == set()
    assert {"file", "sheet", "cell", "code", "message", "message_en"} == set(report["warnings"][0])
    again = json.loads(cli("import", str(book), "--json", db=db).stdout)
    assert (again["status"], again["batch_id"]) == ("unchanged", None)
    data = cli("data", "--units", "S1", db=db)
    assert data.stdout == (
        "unit,period,metric,value\nB11,2026-10,revenue,1234.5\nB11,2026-10,three_meetings_rate,95\n"
        "B12,2026-10,revenue,2000\nB12,2026-10,three_meetings_rate,98\n"
    )
    assert cli("revert", "1", db=db).returncode == 0
    assert cli("data", db=db).stdout == "unit,period,metric,value\n"
    assert cli("revert", "1", db=db).returncode == 1


def test_rejected_and_dry_run_exit_1_and_0(db, tmp_path):
    rows = [list(r) for r in WIDE]
    rows[3][3] = "abc"
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx(rows))
    done = cli("import", str(bad), "--dry-run", "--json", db=db)
    assert done.returncode == 1
    assert json.loads(done.stdout)["errors"][0]["cell"] == "D4"
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx(WIDE))
    dry = cli("import", str(good), "--dry-run", "--json", db=db)
    assert (dry.returncode, json.loads(dry.stdout)["status"], json.loads(dry.stdout)["batch_id"]) == (
        0,
        "dry_run",
        None,
    )
    assert cli("batches", "--json", db=db).stdout.strip() == '{"batches": []}'


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("import", "missing.xlsx"), 1),
        (("data", "--from", "2026-13"), 2),
        (("data", "--bogus"), 2),
        (("data", "--units", "nowhere"), 1),
        (("correlate", "--x", "heart_talks", "--y", "revenue", "--level", "period"), 2),
        (("correlate", "--x", "nope", "--y", "revenue"), 1),
        (("revert", "42"), 1),
    ],
)
def test_exit_codes(db, args, code):
    assert cli(*args, db=db).returncode == code


def test_units_and_metrics_round_trip(db, tmp_path):
    exported = tmp_path / "units.csv"
    assert cli("units", "--export", str(exported), db=db).returncode == 0
    assert exported.read_text(encoding="utf-8").splitlines()[:3] == [
        "code,name,parent_code,headcount",
        "G,集团,,",
        "S1,一公司,G,900",
    ]
    metrics = json.loads(cli("metrics", "--json", db=db).stdout)["metrics"]
    assert len(metrics) == 36 and metrics[0]["code"] == "pre_review_coverage"
    edited = tmp_path / "m.csv"
    edited.write_text(
        "code,name_zh,name_en,category,dimension,unit,direction,min,max,aliases\n"
        "heart_talks,谈心谈话次数,Heart-to-heart talks,party,组织建设,次,1,0,,谈心|谈话\n",
        encoding="utf-8",
    )
    assert cli("metrics", "--import", str(edited), db=db).returncode == 0
    talks = next(m for m in json.loads(cli("metrics", "--json", db=db).stdout)["metrics"] if m["code"] == "heart_talks")
    assert (talks["max"], talks["aliases"]) == (None, ["谈心", "谈话"])


def test_template_command_writes_a_workbook(db, tmp_path):
    out = tmp_path / "t.xlsx"
    assert cli("template", "--period", "2026-10", "--out", str(out), db=db).returncode == 0
    assert out.read_bytes()[:2] == b"PK"
    assert cli("template", "--period", "2026-1", "--out", str(out), db=db).returncode == 2


def test_a_command_that_changes_data_leaves_the_next_analysis_a_snapshot(db, tmp_path):
    from analytics.store.connection import connect, get_meta
    from analytics.store.snapshot import snapshot_dir

    book = tmp_path / "月报.xlsx"
    book.write_bytes(xlsx(WIDE))
    assert cli("import", str(book), "--json", db=db).returncode == 0
    with connect(db, read_only=True) as con:
        token = get_meta(con, "data_token")
    assert (snapshot_dir(db) / f"panel-{token}.json").exists()  # the panel of the data just imported
    assert cli("revert", "1", db=db).returncode == 0
    with connect(db, read_only=True) as con:
        reverted = get_meta(con, "data_token")
    assert reverted != token and (snapshot_dir(db) / f"panel-{reverted}.json").exists()
    assert not (snapshot_dir(db) / f"panel-{token}.json").exists()
