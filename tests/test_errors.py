"""One error base (analytics.errors.AnalyticsError): every refusal class is one, each code it can carry says itself
in Chinese and English from the translation table, and the command line prints it."""

from __future__ import annotations

import ast
import importlib
import inspect
import pickle
import pkgutil

import pytest

import analytics
from analytics.errors import AnalyticsError, Message
from analytics.i18n import TEXT
from analytics.ingest.workbook_model import WorkbookError
from analytics.model.catalog import AmbiguousMetric, UnknownMetric, default_metrics
from analytics.model.master_data import MasterDataError
from analytics.model.units import UnknownUnit
from analytics.services.demo import DemoRefused
from analytics.store.backup import MANIFEST, BackupError
from analytics.store.batches import BatchError
from analytics.store.connection import DatabaseBusy
from analytics.store.observations import TooManyRows
from tests.fixtures import ROOT, cli

MODULES = [
    importlib.import_module(m.name)
    for m in pkgutil.walk_packages(analytics.__path__, "analytics.")
    if not m.name.endswith("__main__")
]


def subclasses(cls: type) -> list[type]:
    return [c for sub in cls.__subclasses__() for c in (sub, *subclasses(sub))]


REFUSALS = sorted({c for c in subclasses(AnalyticsError) if c.__module__.startswith("analytics.")}, key=str)
#: The classes constructed as ``Class("code", **fields)``: a literal first argument at a raise site is a code.
BY_CODE = {c.__name__ for c in (AnalyticsError, *REFUSALS) if list(inspect.signature(c).parameters)[:1] == ["code"]}


def raised_codes() -> list[tuple[str, int, str]]:
    """(module, line, code) of every ``Class("code", …)`` of a class constructed by code, in analytics/."""
    found = []
    for path in sorted((ROOT / "analytics").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in BY_CODE):
                continue
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.append((str(path.relative_to(ROOT)), node.lineno, node.args[0].value))
    return found


def test_every_exception_class_of_the_library_is_a_refusal():
    own = {
        obj
        for module in MODULES
        for obj in vars(module).values()
        if inspect.isclass(obj) and issubclass(obj, BaseException) and obj.__module__ == module.__name__
    }
    assert own - {AnalyticsError, *REFUSALS} == set()
    assert len(REFUSALS) >= 17  # AhpError … WorkbookError, and the unknown metric


@pytest.mark.parametrize("cls", [AnalyticsError, *REFUSALS], ids=lambda c: c.__name__)
def test_every_class_code_says_itself_in_chinese_and_english(cls):
    zh, en = TEXT[f"error.{cls.code}"]
    assert zh.strip() and en.strip() and zh != en


def test_every_code_raised_has_its_message():
    raised = raised_codes()
    assert [f"{path}:{line} {code}" for path, line, code in raised if f"error.{code}" not in TEXT] == []
    assert len({code for _, _, code in raised}) > 60  # the scan sees the raise sites (integration, ahp, backup …)


@pytest.mark.parametrize(
    ("exc", "zh", "en"),
    [
        (UnknownUnit("B99"), "未知的单位：B99", "Unknown unit: B99"),
        (UnknownMetric("营收"), "未知指标：营收", "Unknown metric: 营收"),
        (BatchError("batch.unknown", batch=7), "没有批次 7", "unknown batch 7"),
        (TooManyRows(1_048_577), "1048577 行超出 Excel 单个工作表的上限，请缩小范围或改用 .csv", None),
        (DatabaseBusy("/data/app.duckdb"), "数据库正忙，请稍后重试。", "The database is busy; try again."),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else None,
)
def test_a_caller_catching_the_base_can_say_any_refusal_in_either_language(exc, zh, en):
    try:
        raise exc
    except AnalyticsError as caught:
        assert caught.message("zh") == zh
        assert en is None or caught.message("en") == en
        if not isinstance(caught, KeyError):  # an unknown unit or metric keeps its own line (the next test)
            assert caught.bilingual() == f"{caught.message('zh')} / {caught.message('en')}"


def test_an_unknown_unit_or_metric_reads_on_one_line_as_the_command_line_always_said():
    assert UnknownUnit("检修分公司", ("BF05", "NF03")).bilingual() == (
        "未知或有歧义的单位 / unknown or ambiguous unit: 检修分公司 (BF05, NF03)"
    )
    assert UnknownUnit("B99").bilingual() == "未知或有歧义的单位 / unknown or ambiguous unit: B99"
    assert UnknownMetric("营收").bilingual() == "未知指标 / unknown metric: 营收"
    assert DatabaseBusy().bilingual() == "数据库正忙，请稍后重试。 / The database is busy; try again."


def test_str_and_args_stay_what_callers_have_always_read():
    unknown = UnknownUnit("检修分公司", ("BF05", "NF03"))
    assert (str(unknown), unknown.args, unknown.label, unknown.candidates) == (
        "'检修分公司'",
        ("检修分公司",),
        "检修分公司",
        ("BF05", "NF03"),
    )
    assert isinstance(unknown, KeyError) and unknown.code == "unit.ambiguous" and "BF05, NF03" in unknown.message()
    clash = AmbiguousMetric("营收", tuple(default_metrics()[:2]))
    assert isinstance(clash, UnknownMetric) and isinstance(clash, KeyError) and str(clash) == "'营收'"
    assert (str(TooManyRows(5)), TooManyRows(5).args) == ("5", (5,))
    assert str(DatabaseBusy("/x.duckdb")) == "/x.duckdb"
    assert str(BatchError("batch.reverted", batch=3)) == "batch 3 is already reverted"
    newer = BackupError("backup.newer_schema", schema=9, current=7)
    assert str(newer) == "备份来自更新的版本（架构 9）/ the backup's schema 9 is newer than this program's 7"
    codes = MasterDataError("md.bad_codes", ["'=1': 以 = 开头"])
    assert str(codes).endswith(
        " / these codes are refused (a code must not start with = + - @, contain control "
        "characters or leading/trailing spaces)\n  '=1': 以 = 开头"
    )
    assert codes.message("en").endswith(": '=1': 以 = 开头") and codes.key == "md.bad_codes"


def test_a_workbook_refusal_reads_like_an_import_issue_and_like_any_refusal():
    error = WorkbookError("too_many_sheets", count=51, limit=50)
    assert (error.message, error.message_en) == (
        "工作簿有 51 个工作表，超过上限 50 个。",
        "The workbook has 51 sheets; the limit is 50.",
    )
    assert isinstance(error.message, Message) and error.message("en") == error.message_en
    assert str(error) == "too_many_sheets: The workbook has 51 sheets; the limit is 50."
    assert pickle.loads(pickle.dumps(error.message))("en") == error.message_en


def test_a_code_without_a_message_still_says_itself():
    assert AnalyticsError("no_such_code", path="a.csv").message("en") == "no_such_code: path=a.csv"
    assert AnalyticsError("batch.unknown").message("en") == "batch.unknown"  # its text wants a batch it lacks


def test_the_command_line_prints_the_refusal(db, tmp_path):
    assert cli("demo", db=db).stderr == DemoRefused().bilingual() + "\n"
    empty = tmp_path / "empty"
    empty.mkdir()
    done = cli("restore", str(empty), db=tmp_path / "new.duckdb")
    assert done.returncode == 1
    assert done.stderr == BackupError("backup.no_manifest", manifest=MANIFEST, folder=empty).bilingual() + "\n"
    assert done.stderr.startswith("没有备份清单 / no manifest.json in ")
