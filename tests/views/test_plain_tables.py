"""Plain tables (ui.widgets.table up to PLAIN_ROWS rows) go through st.table, which renders a text cell as
Markdown: every text must still read exactly as written (a rule's ">=", a name with "*" or a link)."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from tests.fixtures import tables
from ui.widgets import PLAIN_ROWS, _verbatim

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
    "+ 列表",
    "1. 第一",
    "2) 第二",
    "`代码`",
    "$x^2$",
    "~~删除~~",
    "a | b",
    "<b>粗</b>",
    "反斜杠 \\ 结尾\\",
    "=cmd|' /C calc'!A0",
    "检修分公司（B21）",
    "-4.1%",
    "18:23",
]


def rendered(text: str) -> str:
    """What a CommonMark renderer with GFM tables and strikethrough shows of ``text``, as plain text."""
    out = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text).strip()
    out = re.sub(r"^<p>|</p>$", "", out)
    return html.unescape(out)


@pytest.mark.parametrize("text", HOSTILE)
def test_every_text_renders_as_written(text):
    assert rendered(_verbatim(text)) == text


def test_a_short_table_is_plain_and_a_long_one_a_grid():
    def page(rows: int) -> None:
        import pandas as pd

        from ui.widgets import table

        table(pd.DataFrame({"名称": [">=*x*"] * rows, "值": range(rows)}))

    short = AppTest.from_function(page, args=(PLAIN_ROWS,)).run()
    assert len(short.table) == 1 and not short.dataframe
    assert short.table[0].value["名称"].iloc[0] == "\\>=\\*x\\*"  # escaped for st.table's Markdown
    assert tables(short)[0].value["名称"].iloc[0] == ">=*x*"  # what the reader sees
    long = AppTest.from_function(page, args=(PLAIN_ROWS + 1,)).run()
    assert len(long.dataframe) == 1 and not long.table
    assert isinstance(long.dataframe[0].value, pd.DataFrame) and long.dataframe[0].value["名称"].iloc[0] == ">=*x*"
