"""Plain tables (ui.widgets.table up to PLAIN_ROWS rows) are HTML drawn by the browser: every text must read exactly
as written (a rule's ">=", a name with "<b>", "*" or a link), numbers as the grid would show them."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.fixtures import Plain, tables
from ui.widgets import PLAIN_ROWS, plain_html

HOSTILE = [
    ">=",
    "<=",
    "total_profit",
    "*粗体*",
    "__下划线__",
    "[点我](http://example.com)",
    "![图](x.png)",
    ":red[红色]",
    ":material/warning:",
    "http://example.com",
    "# 标题",
    "- 列表",
    "1. 第一",
    "`代码`",
    "$x^2$",
    "a | b",
    "<b>粗</b>",
    "<script>alert(1)</script>",
    "&amp; 已转义",
    "\"引号\" '单引号'",
    "反斜杠 \\ 结尾\\",
    "=cmd|' /C calc'!A0",
    "检修分公司（B21）",
    "-4.1%",
    "18:23",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_every_text_renders_as_written(text):
    body = plain_html(pd.DataFrame({"名称": [text]}), {})
    assert "<script" not in body and "<b>" not in body  # escaped, never markup
    assert Plain(body).value["名称"].tolist() == [text]


def test_headers_formats_gaps_and_numbers_as_the_grid_shows_them():
    frame = pd.DataFrame(
        {
            "d": [0.61234, np.nan],
            "n": [12, 30_000],
            "x": [2740.095, 0.5],
            "ok": [True, False],
            "who": ["甲", None],
        }
    )
    config = {"d": {"label": "融合度 D", "type_config": {"format": "%.3f"}}, "n": "单位数"}
    shown = Plain(plain_html(frame, config)).value
    assert list(shown.columns) == ["融合度 D", "单位数", "x", "ok", "who"]
    assert shown.iloc[0].tolist() == [0.612, 12, 2740, "✓", "甲"]
    assert shown.iloc[1].tolist() == ["—", 30000, 0.5, "", "—"]
    body = plain_html(frame, config)
    assert '<td class="n">30,000</td>' in body and '<td class="n">12</td>' in body  # right-aligned numbers
    assert '<td class="n">2,740</td>' in body  # decimals that matter at its size (analytics.i18n.numbers)
    times = pd.DataFrame({"at": pd.to_datetime(["2026-12-05 18:33:12.345", None]), "day": [date(2026, 1, 2), None]})
    assert Plain(plain_html(times, {})).value.values.tolist() == [["2026-12-05 18:33:12", "2026-01-02"], ["—", "—"]]
    months = plain_html(
        pd.DataFrame({"月份": ["2024-02"], "D": ["0.730"], "说明": ["较上月下降 57%，请核实。" * 3]}), {}
    )
    assert '<td class="s">2024-02</td>' in months  # short texts on one line (never "2024-" / "02")
    assert '<th class="r">D</th>' in months and '<td class="r">0.730</td>' in months  # formatted figures right
    assert "<td>较上月" in months  # a long text wraps


def test_a_short_table_is_plain_and_a_long_one_a_grid():
    def page(rows: int) -> None:
        import pandas as pd

        from ui.widgets import table

        table(pd.DataFrame({"名称": [">=*x*"] * rows, "值": range(rows)}), muted=True)

    short = AppTest.from_function(page, args=(PLAIN_ROWS,)).run()
    assert not short.table and not short.dataframe  # no Arrow, no grid: HTML only
    (plain,) = tables(short)
    assert plain.value["名称"].iloc[0] == ">=*x*" and plain.value["值"].tolist() == list(range(PLAIN_ROWS))
    assert plain.muted
    long = AppTest.from_function(page, args=(PLAIN_ROWS + 1,)).run()
    assert len(long.dataframe) == 1 and not long.table
    assert isinstance(long.dataframe[0].value, pd.DataFrame) and long.dataframe[0].value["名称"].iloc[0] == ">=*x*"
