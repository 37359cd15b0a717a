"""One formatting rule per kind of number (analytics.i18n.numbers), and the places that use it."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analytics.i18n import numbers as nf
from analytics.i18n import unit_of_measure


@pytest.mark.parametrize(
    ("value", "text"),
    [(97.674, "97.7%"), (100.0, "100.0%"), (-0.04, "0.0%"), (None, "—"), (math.nan, "—")],
)
def test_percent_has_one_decimal(value, text):
    assert nf.percent(value) == text


@pytest.mark.parametrize(
    ("value", "unit", "lang", "text"),
    [
        (2740.095, "", "zh", "2,740"),  # slide 8 showed "2740.095"
        (178212.4, "万元", "zh", "178,212 万元"),
        (178212.4, "万元", "en", "178,212 10k yuan"),
        (615.34, "", "zh", "615.3"),
        (12.454, "", "zh", "12.45"),
        (1499.7, "", "zh", "1,500"),
        (2.0, "次", "zh", "2 次"),
        (97.76, "%", "zh", "97.8%"),
        (-0.001, "", "zh", "0"),
        (math.nan, "万元", "zh", "—"),
    ],
)
def test_amount_has_the_decimals_that_matter_at_its_size(value, unit, lang, text):
    assert nf.amount(value, unit, lang) == text


def test_index_r_p_and_count():
    assert [nf.index(v) for v in (0.73, 0.7304, None)] == ["0.730", "0.730", "—"]
    assert [nf.r_value(v) for v in (-0.001, -0.004, 0.415, -0.31, math.nan)] == ["0.00", "0.00", "0.41", "-0.31", "—"]
    assert [nf.p_value(v) for v in (0.0004, 0.0123, 1.0, None)] == ["<0.001", "0.012", "1.000", "—"]
    assert [nf.count(v) for v in (1234, 12.0, None)] == ["1,234", "12", "—"]


def test_changes_by_kind_are_signed_and_unsigned_at_zero():
    assert nf.change(nf.POINTS, 0.23, lang="zh") == "+0.2 百分点"
    assert nf.change(nf.POINTS, -0.04, lang="en") == "0.0 pp"
    assert nf.change(nf.RELATIVE, -33.333) == "-33.3%"
    assert nf.change(nf.INDEX, -0.001) == "-0.001"
    assert nf.change(nf.INDEX, 0.0004) == "0.000"
    assert nf.change(nf.DIFFERENCE, 5.0, "起", "zh") == "+5 起"  # 1 → 6 accidents, not +500%
    assert nf.change(nf.DIFFERENCE, 5.0, "起", "en") == "+5 " + unit_of_measure("起", "en")  # not "+5 起"
    assert unit_of_measure("起", "en") != "起"
    assert nf.change(nf.DIFFERENCE, -2.0, "个", "en") == "-2"  # not "-2 count"
    assert nf.change(nf.DIFFERENCE, 1250.0, "万元", "zh") == "+1,250 万元"
    assert nf.change(nf.RELATIVE, None) == "—"


def test_a_count_changes_by_its_difference():
    assert nf.change_kind(nf.RELATIVE, "起") == nf.DIFFERENCE
    assert nf.change_kind(nf.RELATIVE, "万元") == nf.RELATIVE
    assert nf.change_kind(nf.POINTS, "%") == nf.POINTS


def test_direction_of_a_change_text():
    assert [nf.direction_of(s) for s in ("+0.5 百分点", "-1.0%", "0.0%", "—")] == [1, -1, 0, 0]


def test_text_table_writes_each_column_by_its_kind_and_never_none():
    frame = pd.DataFrame({"lag": [0, 1], "r": [0.4123, None], "p": [0.0001, math.nan], "n": [12, 11]})
    table = nf.text_table(frame, {"r": nf.R, "p": nf.P, "n": nf.COUNT})
    assert table.to_dict("list") == {"lag": [0, 1], "r": ["0.41", "—"], "p": ["<0.001", "—"], "n": ["12", "11"]}
