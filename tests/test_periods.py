import datetime as dt

import pytest

from analytics.periods import from_index, parse_period, parse_strict, to_index


@pytest.mark.parametrize(
    "value",
    [
        "2026-10",
        "2026/10",
        "2026.10",
        "2026年10月",
        "2026 年 10 月",
        "202610",
        202610,
        202610.0,
        "２０２６年１０月",
        "2026年10月党建工作月报",
        "月报_202610.xlsx",
        dt.date(2026, 10, 31),
        dt.datetime(2026, 10, 1, 12),
    ],
)
def test_every_accepted_form_names_october_2026(value):
    assert parse_period(value) == to_index(2026, 10)


@pytest.mark.parametrize("value", ["2026年1-10月", "2026年1至10月", "2026-13", "hello", None, True, 12, "", "2026"])
def test_ranges_and_junk_name_no_month(value):
    assert parse_period(value) is None


def test_month_index_round_trip():
    assert from_index(to_index(2024, 1)) == "2024-01"
    assert to_index(2024, 12) + 1 == to_index(2025, 1)


@pytest.mark.parametrize("text", ["2026-1", "2026/10", "26-10", "2026-00"])
def test_strict_command_line_form(text):
    with pytest.raises(ValueError):
        parse_strict(text)
