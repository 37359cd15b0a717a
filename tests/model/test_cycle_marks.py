"""What leaders' views say about months under the reporting cycle (SPEC §8): they end by default at the latest
closed month, later months are marked 初步 (preliminary), restated months 更正."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.model.cycles import Marks
from analytics.periods import to_index
from analytics.reports.deck import DataStamp, stamp_text
from analytics.services import cycles
from analytics.services.exports import data_stamp
from analytics.store import cycles as store
from analytics.store.connection import connect, data_version
from tests.fixtures import fill_deck
from ui.context import default_range

MONTHS = [f"2025-{m:02d}" for m in range(1, 13)] + [f"2026-{m:02d}" for m in range(1, 11)]


def test_a_view_ends_at_the_latest_closed_month_by_default():
    assert Marks().default_end(MONTHS) == "2026-10"  # no cycles: the last month with data, as before
    assert Marks("2026-08").default_end(MONTHS) == "2026-08"
    assert Marks("2027-03").default_end(MONTHS) == "2026-10"  # closed beyond the data: the data's last month
    assert Marks("2024-12").default_end(MONTHS) == "2026-10"  # nothing final has data: the last month
    assert default_range(MONTHS) == ("2025-11", "2026-10")  # twelve months
    assert default_range(MONTHS, Marks("2026-08")) == ("2025-09", "2026-08")
    assert default_range(MONTHS[:5], Marks("2025-03")) == ("2025-01", "2025-03")


def test_months_after_the_latest_closed_one_are_preliminary_and_restated_ones_named():
    marks = Marks("2026-08", (("2026-05", "补录漏报"), ("2026-05", "补录漏报"), ("2026-07", "口径调整")))
    assert marks.preliminary("2025-11", "2026-08") is None
    assert marks.preliminary("2025-11", "2026-10") == "2026-09"
    assert marks.preliminary("2026-10", "2026-10") == "2026-10"  # the view starts after the close
    assert marks.preliminary(None, None) is None and Marks().preliminary("2025-01", "2026-10") is None
    assert marks.restated_in("2026-06", "2026-10") == {"2026-07": ("口径调整",)}
    assert marks.restated_in(None, None) == {"2026-05": ("补录漏报",), "2026-07": ("口径调整",)}
    assert marks.texts("2025-11", "2026-10", "zh") == [
        ("preliminary", "初步：2026-09 起的月份尚未关账，数字在审核确认前仍可能变化。"),
        ("restated", "更正：2026-05、2026-07 关账后数据有更正（补录漏报、口径调整）。"),
    ]
    assert marks.texts("2025-11", "2026-04", "en") == []
    december = Marks("2025-12")
    assert december.preliminary("2025-06", "2026-02") == "2026-01"  # the year turns


@pytest.fixture
def months_db(db: Path) -> Path:
    return fill_deck(db)  # twelve months, 2025-11 .. 2026-10


def _excuse_all(db: Path, period: int) -> None:
    units = [u.unit for u in cycles.status(db, period).units]
    cycles.review(db, "excuse", units, period, "cli", reason="测试")


def test_the_store_says_which_months_are_final(months_db):
    with connect(months_db, read_only=True) as con:
        assert store.marks(con) == Marks()  # cycles not in use
    sep = to_index(2026, 9)
    cycles.open_month(months_db, sep, None, "cli")
    with connect(months_db, read_only=True) as con:
        assert store.marks(con).closed_through == "2026-08"  # the months before the first cycle are final
        before = data_version(con)
    _excuse_all(months_db, sep)
    cycles.close_month(months_db, sep, "cli")
    with connect(months_db, read_only=True) as con:
        assert store.marks(con).closed_through == "2026-09"
        assert data_version(con) == before + 1  # pages keyed by the version see the close
        stamp = data_stamp(con)
    assert stamp.marks.closed_through == "2026-09"
    assert stamp_text(stamp, "zh", "2025-11", "2026-10").endswith(" · 2026-10 起为初步数据")
    assert " · " not in stamp_text(stamp, "zh", "2025-11", "2026-09").split("数据版本")[1]
    cycles.reopen_month(months_db, sep, "补报", "cli")
    with connect(months_db, read_only=True) as con:
        assert store.marks(con).closed_through == "2026-08"


def test_stamp_text_names_restated_months():
    stamp = DataStamp(7, dt.datetime(2026, 11, 2, 9, 30), marks=Marks("2026-09", (("2026-08", "更正产值"),)))
    assert stamp_text(stamp, "en", "2026-01", "2026-09") == (
        stamp_text(DataStamp(7, dt.datetime(2026, 11, 2, 9, 30)), "en") + " · 2026-08 restated"
    )


def test_leaders_pages_end_at_the_closed_month_and_mark_later_ones(months_db, monkeypatch, tmp_path):
    monkeypatch.setenv("ANALYTICS_DB", str(months_db))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    sep = to_index(2026, 9)
    cycles.open_month(months_db, sep, None, "cli")
    _excuse_all(months_db, sep)
    cycles.close_month(months_db, sep, "cli")
    at = AppTest.from_file(str(Path(__file__).parents[2] / "app.py"), default_timeout=60).run()
    at.switch_page("views/overview.py").run()
    assert not at.exception, at.exception
    assert at.sidebar.selectbox(key="to").value == "2026-09"
    assert not [w for w in at.warning if w.value.startswith("初步")]
    assert any(c.value.startswith("默认显示到 2026-09，之后的月份尚未关账") for c in at.caption)
    at.sidebar.selectbox(key="to").set_value("2026-10").run()
    assert [w.value for w in at.warning if w.value.startswith("初步")] == [
        "初步：2026-10 起的月份尚未关账，数字在审核确认前仍可能变化。"
    ]
    at.switch_page("views/import_data.py").run()  # a planner's page: no marks
    assert not [w for w in at.warning if w.value.startswith("初步")]
