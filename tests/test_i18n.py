"""The one translation table (analytics/i18n/): every key says something in both languages, with the same fields,
and every key the code asks for by name exists."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from analytics.i18n import TEXT, Phrase, t
from analytics.i18n.errors import TERSE_ZH
from tests.fixtures import ROOT

SOURCES = sorted(p for folder in ("analytics", "ui", "views") for p in (ROOT / folder).rglob("*.py"))
#: Functions that look a key up by a literal, and the prefix each puts before it.
LOOKUPS = {"t": "", "tr": "", "Phrase": "", "ui_text": "auth.", "tx": "admin.", "make_issue": "issue."}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def literal_keys(path: Path) -> list[tuple[int, str]]:
    """(line, key) of every call ``t("key", …)``, ``tr("key")``, ``Phrase("key")``, … with a literal first argument."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name in LOOKUPS and isinstance(node.args[0].value, str):
            found.append((node.lineno, LOOKUPS[name] + node.args[0].value))
    return found


def test_every_key_has_chinese_and_english():
    empty = [key for key, (zh, en) in TEXT.items() if not zh.strip() or not en.strip()]
    assert empty == []
    assert all(len(pair) == 2 and all(isinstance(text, str) for text in pair) for pair in TEXT.values())


def test_chinese_and_english_fill_in_the_same_fields():
    differ = {key: (fields(zh), fields(en)) for key, (zh, en) in TEXT.items() if fields(zh) != fields(en)}
    terse = {key for key in differ if key in TERSE_ZH and differ[key][0] < differ[key][1]}
    assert {key: differ[key] for key in differ.keys() - terse} == {}
    assert terse <= TERSE_ZH and all(key in TEXT for key in TERSE_ZH)


def test_every_literal_key_the_code_looks_up_exists():
    missing = [
        f"{path.relative_to(ROOT)}:{line} {key}"
        for path in SOURCES
        for line, key in literal_keys(path)
        if key not in TEXT
    ]
    assert missing == []
    assert sum(len(literal_keys(path)) for path in SOURCES) > 500  # the scan sees the code's lookups


def test_the_scan_finds_lookups_and_the_keys_they_build(tmp_path):
    path = tmp_path / "lookups.py"
    path.write_text('t("page.welcome", lang)\ntr("ui.source")\nui_text("logout")\nmake_issue("bad_value", f)\n')
    assert literal_keys(path) == [(1, "page.welcome"), (2, "ui.source"), (3, "auth.logout"), (4, "issue.bad_value")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_phrase_field_is_put_in_the_language_of_its_text(lang):
    what, hint = Phrase("file.pdf"), Phrase("file.hint.upload")
    text = t("error.not_a_spreadsheet", lang, what=what, hint=hint)
    assert text == TEXT["error.not_a_spreadsheet"][lang == "en"].format(what=what.text(lang), hint=hint.text(lang))
    assert t("file.extension", lang, extension=".doc") == Phrase("file.extension", extension=".doc").text(lang)


def test_an_unknown_key_is_shown_as_itself_and_any_other_language_reads_chinese():
    assert t("no.such.key", "en") == "no.such.key"
    assert t("page.welcome", "fr") == t("page.welcome", "zh") == "欢迎"
    assert t("sep.key_value", "en", key="批次", value=12) == "批次: 12"
