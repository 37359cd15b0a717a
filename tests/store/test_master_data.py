"""Master data (issue 12, items 1, 2, 4 and the identifier rule of 6): who may change units and the catalog, a unit
tree that cannot hold a cycle (and walks that survive one anyway), a catalog in which every label names one metric,
and codes that are identifiers — at every entry: the command line, the 数据与审计 page, imports, restore."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from analytics.cli.main import main
from analytics.model.catalog import AmbiguousMetric, label_clashes, read_catalog_csv, write_catalog_csv
from analytics.model.master_data import MasterDataError, code_problem
from analytics.model.units import find_cycles
from analytics.services.imports import Upload, check_scope, run_import, validate
from analytics.store import accounts as auth
from analytics.store.backup import BackupError, backup, restore
from analytics.store.connection import connect
from analytics.store.metrics import load_catalog, save_metrics
from analytics.store.observations import current_frame
from analytics.store.units import load_registry, save_units
from tests.fixtures import OCT, WIDE, tables, xlsx

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PASSWORD = "correct horse 1"
TIMEOUT = 60
UNITS_HEADER = "code,name,parent_code,headcount\n"
CATALOG_HEADER = "code,name_zh,name_en,category,dimension,unit,direction,min,max,aliases\n"
#: a group that brings its own catalog: its own codes, and names the default catalog also uses (营业收入, 利润总额)
GROUP_CATALOG = CATALOG_HEADER + (
    "R01,营业收入,Revenue (group),production,经营规模,万元,1,0,,主营收入\n"
    "R02,利润总额,Profit (group),efficiency,效益效率,万元,1,,,\n"
    "P01,三会一课完成率,Three meetings (group),party,组织建设,%,1,0,100,\n"
)


@pytest.fixture(autouse=True)
def fast_hasher(monkeypatch):
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def run(*args: str, db: Path) -> int:
    """The command line in this process (``python -m analytics …``): its exit code."""
    return main([*args, "--db", str(db)])


def catalog_json(db: Path) -> list[dict]:
    with connect(db, read_only=True) as con:
        return [m.__dict__ for m in load_catalog(con).metrics]


def parents(db: Path) -> dict[str, str | None]:
    with connect(db, read_only=True) as con:
        return load_registry(con).parents()


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# ---------------------------------------------------------------- 1. only admins change units and the catalog


@pytest.fixture
def accounts(db: Path, tmp_path, monkeypatch) -> Path:
    with connect(db) as con:
        auth.add_user(con, "root", "admin", PASSWORD, "test")
        auth.add_user(con, "p1", "planner", PASSWORD, "test", units=["S1"])
    monkeypatch.setenv("ANALYTICS_DB", str(db))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    return db


def logged_in(name: str, page: str) -> AppTest:
    """The app after logging in through its own form as ``name``, on ``page``."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(PASSWORD)
    next(b for b in at.button if b.label == "登录").click().run()
    assert at.session_state["user"] == name
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def uploader_keys(at: AppTest) -> set[str]:
    return {u.key for u in at.get("file_uploader")}


def test_a_planner_gets_no_units_or_catalog_upload_on_the_data_page(accounts):
    at = logged_in("p1", "views/audit.py")
    assert at.title[0].value == "数据与审计" and tables(at)  # the batch history, catalog and units are readable
    assert not uploader_keys(at) & {"units_csv", "catalog_csv"}
    assert not [b for b in at.button if b.key in ("save_units", "save_catalog")]
    assert [c.value for c in at.caption].count("只有管理员可以修改单位名录和指标目录。") == 2
    assert not at.get("download_button")  # a planner has no export permission either


def test_an_admin_changes_units_and_the_catalog_on_the_data_page(accounts):
    at = logged_in("root", "views/audit.py")
    assert {"units_csv", "catalog_csv"} <= uploader_keys(at)
    csv = (UNITS_HEADER + "B23,三电厂,S2,150\n").encode()
    at.file_uploader(key="units_csv").set_value([("units.csv", csv, "text/csv")]).run()
    at.button(key="save_units").click().run()
    assert any("已保存 1 个单位" in s.value for s in at.success)
    assert parents(accounts)["B23"] == "S2"


def test_a_planner_cannot_register_units_through_an_import(accounts):
    """New units are a units change too: the import page offers registering them to admins only, so a planner's
    upload naming a unit that is not registered is an error against the tree as it was."""
    at = logged_in("p1", "views/import_data.py")
    assert "create_units" not in {c.key for c in at.checkbox}
    rows = [["单位编码", "单位名称", "三会一课完成率"], ["B13", "新电厂", 95]]
    at.file_uploader(key="uploads").set_value([("月报.xlsx", xlsx(rows), "application/octet-stream")]).run()
    at.text_input(key="upload_period").input("2026-10")
    next(b for b in at.button if b.label == "校验并预览").click().run()
    assert tables(at)[0].value["代码"].tolist() == ["unknown_unit"]
    assert "B13" not in parents(accounts)
    admin = logged_in("root", "views/import_data.py")
    assert "create_units" in {c.key for c in admin.checkbox}


def test_a_planners_scope_is_the_tree_before_the_upload(accounts):
    """The red-team path: with units uploads out of reach, B21 stays under S2, so p1 (S1) may not write it."""
    with connect(accounts, read_only=True) as con:
        planner, registry = auth.load_user(con, "p1"), load_registry(con)
    rows = [["单位编码", "三会一课完成率"], ["B21", 95]]
    checked = validate(accounts, [Upload("月报.xlsx", xlsx(rows))], OCT)
    issues = check_scope(planner, checked, registry)
    assert [(i.code, i.cell) for i in issues] == [("unit_out_of_scope", "B2")]


# ---------------------------------------------------------------- 2. a cycle in the unit tree


def test_find_cycles_names_each_cycle_once():
    tree = {"G": None, "A": "B", "B": "C", "C": "A", "D": "A", "E": "E", "F": "G"}
    assert find_cycles(tree) == [["A", "B", "C", "A"], ["E", "E"]]
    assert find_cycles({"G": None, "S1": "G", "X": "missing"}) == []


def test_units_import_refuses_a_cycle_naming_it_and_changes_nothing(db, tmp_path, capsys):
    before = parents(db)
    moved = write(tmp_path, "units.csv", UNITS_HEADER + "S1,一公司,B11,900\n")  # S1 under its own branch
    assert run("units", "--import", moved, db=db) == 1
    error = capsys.readouterr().err
    assert "单位上下级关系成环" in error and "the unit tree would hold a cycle" in error
    assert "S1 → B11 → S1" in error
    own = write(tmp_path, "self.csv", UNITS_HEADER + "B22,二电厂,B22,300\n")
    assert run("units", "--import", own, db=db) == 1
    assert "B22 → B22" in capsys.readouterr().err
    assert parents(db) == before


def test_the_data_page_refuses_a_cycle(accounts):
    at = logged_in("root", "views/audit.py")
    csv = (UNITS_HEADER + "G,集团,B21,\n").encode()
    at.file_uploader(key="units_csv").set_value([("units.csv", csv, "text/csv")]).run()
    at.button(key="save_units").click().run()
    assert [e.value for e in at.error] == [
        "文件有误：单位上下级关系成环（箭头指向上级单位），未做任何修改：G → B21 → S2 → G"
    ]
    assert parents(accounts)["G"] is None


@pytest.fixture
def cyclic(db: Path) -> Path:
    """A database holding a cycle written straight into the file (bypassing every check): S1 → B11 → S1."""
    with connect(db) as con:
        con.execute("UPDATE units SET parent_code = 'B11' WHERE code = 'S1'")
    run_import(db, [Upload("月报.xlsx", xlsx(WIDE))])
    return db


def test_tree_walks_survive_a_stored_cycle(cyclic):
    with connect(cyclic, read_only=True) as con:
        registry = load_registry(con)
    assert sorted(registry.descendants("S1")) == ["B11", "B12", "S1"]
    assert registry.expand(["B11"]) == ["S1", "B11", "B12"]
    assert registry.ancestors("B12") == ["S1", "B11"]
    assert registry.subsidiary_of("B12") == "S1"
    assert auth.scope_codes(["S1"], registry) == {"S1", "B11", "B12"}


def test_data_for_a_unit_in_a_stored_cycle_returns(cyclic):
    """The red-team run took 60 s and 4.4 GB; the subprocess timeout only guards the suite against a hang."""
    command = [sys.executable, "-m", "analytics", "data", "--units", "S1", "--db", str(cyclic)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "unit,period,metric,value",
        "B11,2026-10,revenue,1234.5",
        "B11,2026-10,three_meetings_rate,95",
        "B12,2026-10,revenue,2000",
        "B12,2026-10,three_meetings_rate,98",
    ]


def test_restore_refuses_a_backup_holding_a_cycle(cyclic, tmp_path):
    backup(cyclic, tmp_path / "backup")
    target = tmp_path / "restored.duckdb"
    with pytest.raises(BackupError) as refused:
        restore(target, tmp_path / "backup")
    assert "成环" in str(refused.value) and "cycle" in str(refused.value) and "S1 → B11 → S1" in str(refused.value)
    assert not target.exists() and not (tmp_path / "restored.duckdb.restoring").exists()


def test_a_unit_tree_can_be_repaired_by_an_upload(cyclic):
    with connect(cyclic) as con:
        save_units(con, [{"code": "S1", "name": "一公司", "parent_code": "G", "headcount": 900.0}])
    assert find_cycles(parents(cyclic)) == []


# ---------------------------------------------------------------- 4. one label names one metric


def test_label_clashes_list_every_label_naming_two_metrics():
    ours = read_catalog_csv(GROUP_CATALOG)
    with_default = [*read_catalog_csv((ROOT / "data" / "metrics.csv").read_text(encoding="utf-8")), *ours]
    assert label_clashes(with_default) == [
        "“三会一课完成率” → three_meetings_rate, P01",
        "“营业收入” → revenue, R01",
        "“利润总额” → total_profit, R02",
    ]
    assert label_clashes(ours) == []


def test_a_catalog_import_that_would_let_a_label_name_two_metrics_is_refused(db, tmp_path, capsys):
    before = catalog_json(db)
    group = write(tmp_path, "group.csv", GROUP_CATALOG)
    assert run("metrics", "--import", group, db=db) == 1
    error = capsys.readouterr().err
    assert "有 3 个名称对应多个指标" in error and "3 labels would name more than one metric" in error
    for clash in (
        "“营业收入” → revenue, R01",
        "“利润总额” → total_profit, R02",
        "“三会一课完成率” → three_meetings_rate, P01",
    ):
        assert clash in error
    alias = write(tmp_path, "alias.csv", CATALOG_HEADER + "talks2,谈心谈话2,Talks 2,party,组织建设,次,1,,,营收\n")
    assert run("metrics", "--import", alias, db=db) == 1
    assert "“营收” → revenue, talks2" in capsys.readouterr().err
    inside = write(
        tmp_path, "inside.csv", CATALOG_HEADER + "x1,甲,A,party,组织建设,次,1,,,\nx2,乙,a,party,组织建设,次,1,,,\n"
    )
    assert run("metrics", "--import", inside, db=db) == 1  # names compared normalised: A and a
    assert "“A” → x1, x2" in capsys.readouterr().err
    assert catalog_json(db) == before


def test_an_update_that_keeps_labels_unique_is_accepted(db, tmp_path):
    rename = write(
        tmp_path, "rename.csv", CATALOG_HEADER + "revenue,营业收入,Revenue,production,经营规模,万元,1,0,,营收\n"
    )
    assert run("metrics", "--import", rename, db=db) == 0
    with connect(db, read_only=True) as con:
        assert load_catalog(con).get("revenue").aliases == ("营收",)  # its own old aliases never clash with it


def test_replace_makes_a_group_catalog_the_whole_catalog_and_headers_follow_it(db, tmp_path):
    group = write(tmp_path, "group.csv", GROUP_CATALOG)
    assert run("metrics", "--import", group, "--replace", db=db) == 0
    assert [m["code"] for m in catalog_json(db)] == ["R01", "R02", "P01"]
    with connect(db, read_only=True) as con:
        assert write_catalog_csv(list(load_catalog(con).metrics)).splitlines()[1:] == [
            "R01,营业收入,Revenue (group),production,经营规模,万元,1,0.0,,主营收入,sum",
            "R02,利润总额,Profit (group),efficiency,效益效率,万元,1,,,,sum",
            "P01,三会一课完成率,Three meetings (group),party,组织建设,%,1,0.0,100.0,,mean",
        ]
    result = run_import(db, [Upload("月报.xlsx", xlsx(WIDE))])
    assert result.status == "committed", result.errors
    with connect(db, read_only=True) as con:
        assert sorted(set(current_frame(con)["metric"])) == ["P01", "R01"]


def test_replace_is_refused_while_observations_refer_to_a_metric_it_drops(db, tmp_path, capsys):
    assert run_import(db, [Upload("月报.xlsx", xlsx(WIDE))]).status == "committed"
    before = catalog_json(db)
    group = write(tmp_path, "group.csv", GROUP_CATALOG)
    assert run("metrics", "--import", group, "--replace", db=db) == 1
    error = capsys.readouterr().err
    assert "仍有数据引用它们" in error and "observations still refer to" in error
    assert "three_meetings_rate (2)" in error and "revenue (2)" in error
    assert catalog_json(db) == before
    with connect(db) as con:  # keeping the metrics with data (and dropping the rest) is allowed; values stay
        stored = load_catalog(con)
        save_metrics(con, [stored.get("three_meetings_rate"), stored.get("revenue")], replace=True)
    assert [m["code"] for m in catalog_json(db)] == ["three_meetings_rate", "revenue"]
    with connect(db, read_only=True) as con:
        assert len(current_frame(con)) == 4


def test_an_admin_replaces_the_catalog_on_the_data_page(accounts):
    at = logged_in("root", "views/audit.py")
    at.file_uploader(key="catalog_csv").set_value([("group.csv", GROUP_CATALOG.encode(), "text/csv")]).run()
    at.button(key="save_catalog").click().run()
    assert at.error[0].value.startswith("文件有误：有 3 个名称对应多个指标")
    assert len(catalog_json(accounts)) == 36
    at.checkbox(key="catalog_replace").check().run()
    at.button(key="save_catalog").click().run()
    assert any("已保存 3 个指标" in s.value for s in at.success)
    assert [m["code"] for m in catalog_json(accounts)] == ["R01", "R02", "P01"]


@pytest.fixture
def clashing(db: Path) -> Path:
    """A catalog stored with a clash (written straight into the file): ``营收`` names revenue and talks2."""
    with connect(db) as con:
        con.execute(
            "INSERT INTO metrics SELECT max(mid) + 1, 'talks2', '谈心谈话2', 'Talks 2', 'party', '组织建设', '次', 1, "
            "NULL, NULL, '营收', 'sum' FROM metrics"
        )
    return db


def test_a_header_naming_two_stored_metrics_is_an_error_at_its_cell(clashing):
    with connect(clashing, read_only=True) as con:
        catalog = load_catalog(con)
    assert catalog.match("营收") is None and catalog.match("营业收入").code == "revenue"
    with pytest.raises(AmbiguousMetric):
        catalog.resolve("营收")
    rows = [["单位编码", "三会一课完成率", "营收（万元）"], ["B11", 95, 1000]]
    result = run_import(clashing, [Upload("月报.xlsx", xlsx(rows))], period=None)
    (error,) = [e for e in result.errors if e.code == "ambiguous_metric"]
    assert (result.status, error.sheet, error.cell) == ("rejected", "党建", "C1")
    assert "revenue 营业收入、talks2 谈心谈话2" in error.message and "names several metrics" in error.message_en
    long = [["单位编码", "月份", "指标", "值"], ["B11", "2026-10", "营收", 1000], ["B12", "2026-10", "营业收入", 9]]
    result = run_import(clashing, [Upload("长表.xlsx", xlsx(long))])
    assert [(e.code, e.cell) for e in result.errors] == [("ambiguous_metric", "C2")]
    with connect(clashing, read_only=True) as con:
        assert current_frame(con).empty


def test_a_vertical_form_naming_two_stored_metrics_is_an_error_at_its_cell(clashing):
    form = [["填报单位：一电厂"], ["2026年10月"], ["指标", "本月"], ["三会一课完成率", 95], ["营收", 1000]]
    result = run_import(clashing, [Upload("月报.xlsx", xlsx(form))])
    assert [(e.code, e.cell) for e in result.errors] == [("ambiguous_metric", "A5")]


# ---------------------------------------------------------------- 6. codes are identifiers


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("=1+2", "md.code.formula"), ("+86", "md.code.formula"), ("-1", "md.code.formula"),
        ("@SUM(A1)", "md.code.formula"), ("＝1", "md.code.formula"), (" S9", "md.code.spaces"),
        ("S9 ", "md.code.spaces"), ("S\t9", "md.code.control"), ("S9\u202e", "md.code.control"),
        ("", "md.code.empty"), ("S9", None), ("BF-05", None), ("检修1", None),
    ],
)  # fmt: skip
def test_code_rules(code, problem):
    found = code_problem(code)
    assert (found[0] if found else None) == problem


def test_units_and_metrics_csv_refuse_codes_that_are_not_identifiers(db, tmp_path, capsys):
    units_before, catalog_before = parents(db), catalog_json(db)
    bad_units = UNITS_HEADER + "=1+2,甲,S1,\n S9,乙,S1,\nB31,丙,S1,\n@x,丁,S1,\n"
    assert run("units", "--import", write(tmp_path, "u.csv", bad_units), db=db) == 1
    error = capsys.readouterr().err
    assert "编码不能以 = + - @ 开头" in error and "must not start with = + - @" in error
    assert "2: '=1+2'" in error and "3: ' S9'" in error and "5: '@x'" in error and "B31" not in error
    bad_metric = CATALOG_HEADER + "-cmd,甲,A,party,组织建设,次,1,,,\n"
    assert run("metrics", "--import", write(tmp_path, "m.csv", bad_metric), db=db) == 1
    assert "2: '-cmd' — 以 - 开头 / starts with -" in capsys.readouterr().err
    assert (parents(db), catalog_json(db)) == (units_before, catalog_before)
    with connect(db) as con, pytest.raises(MasterDataError):
        save_units(con, [{"code": "+1", "name": "甲", "parent_code": None, "headcount": None}])


def test_the_data_page_refuses_a_bad_unit_code(accounts):
    at = logged_in("root", "views/audit.py")
    csv = (UNITS_HEADER + "=HYPERLINK(1),甲,S1,\n").encode()
    at.file_uploader(key="units_csv").set_value([("units.csv", csv, "text/csv")]).run()
    at.button(key="save_units").click().run()
    assert "编码不能以 = + - @ 开头" in at.error[0].value
    assert "=HYPERLINK(1)" not in parents(accounts)


def test_an_import_does_not_register_a_unit_whose_code_is_a_formula(db):
    book = "单位名称,三会一课完成率\n=1+2,95\n新电厂,90\n".encode()
    result = run_import(db, [Upload("月报.csv", book)], OCT, create_units=True)
    (error,) = result.errors
    assert (result.status, error.code, error.cell) == ("rejected", "bad_unit_code", "A2")
    assert "以 = 开头" in error.message and "starts with =" in error.message_en
    assert "=1+2" not in parents(db) and "新电厂" not in parents(db)


def test_restore_refuses_a_backup_with_a_formula_code(db, tmp_path):
    with connect(db) as con:
        con.execute("UPDATE units SET code = '=1+2' WHERE code = 'B22'")
    backup(db, tmp_path / "backup")
    with pytest.raises(BackupError, match="=1\\+2"):
        restore(tmp_path / "restored.duckdb", tmp_path / "backup")


def test_a_stored_cycle_does_not_block_registering_other_units(cyclic):
    result = run_import(
        cyclic, [Upload("月报.xlsx", xlsx([["单位编码", "三会一课完成率"], ["B31", 90]]))], OCT, create_units=True
    )
    assert result.status == "committed", result.errors
    assert parents(cyclic)["B31"] is None
