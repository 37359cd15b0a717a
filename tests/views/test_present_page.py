"""The presentation page in AppTest: the deck and slide from the URL, stepping, the link and the exports."""

from __future__ import annotations

import pytest
from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest

from analytics.i18n import numbers as nf
from analytics.reports.deck import build_deck, parse_deck
from analytics.services.exports import load_source
from tests.fixtures import APP, FULL_DECK, TIMEOUT, tables

PAGE = "views/present.py"


@pytest.fixture
def app_env(filled, tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYTICS_DB", str(filled))
    monkeypatch.setenv("ANALYTICS_DEMO_DB", str(tmp_path / "no-demo.duckdb"))
    return filled


def open_present(lang: str = "zh", **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def counter(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "text-align:center" in m.value)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_slide_renders(app_env, lang):
    for index in range(1, 9):
        at = open_present(lang, deck=FULL_DECK, slide=str(index))
        assert f">{index} / 8<" in counter(at)
        assert at.title, f"slide {index} has no title"


def test_the_url_opens_the_same_slide_and_the_buttons_step(app_env):
    at = open_present(deck=FULL_DECK, slide="3")
    assert at.title[0].value == "党建与经营双维度分布"
    assert ">3 / 8<" in counter(at)
    at.button(key="present_next").click().run()
    assert at.title[0].value == "党建与生产经营指标相关矩阵"
    assert ">4 / 8<" in counter(at)
    assert at.query_params["slide"] == "4"
    at.button(key="present_prev").click().run()
    at.button(key="present_prev").click().run()
    assert at.title[0].value == "融合度排名" and at.query_params["slide"] == "2"


def test_every_slide_shows_filters_and_data_version(app_env):
    at = open_present(deck="ranking,unit:B12", slide="2")
    assert at.title[0].value == "单位画像：一电厂"
    caption = " ".join(c.value for c in at.caption)
    assert "范围：2025-11 至 2026-10" in caption and "数据版本 v1" in caption


def test_choosing_slides_rewrites_the_deck_in_the_url(app_env):
    at = open_present(deck="kpis,ranking")
    at.multiselect(key="present_kinds").set_value(["findings", "kpis", "lag"]).run()
    assert at.query_params["deck"] == "findings,kpis,lag:heart_talks~revenue"
    assert at.title[0].value == "主要发现"


def test_copy_link_pins_the_data_version_and_a_version_that_never_was_says_so(app_env):
    at = open_present(deck="ranking", slide="1")
    link = at.code[0].value
    assert "deck=ranking" in link and "slide=1" in link and link.endswith("v=1.0")  # batch 1, no revert
    assert not at.info
    same = open_present(deck="ranking", slide="1", v="1.0")
    assert not same.info and same.code[0].value == link
    never = open_present(deck="ranking", slide="1", v="9.0")
    assert any("数据版本 v9.0 不存在" in w.value for w in never.warning)
    assert never.code[0].value == link  # the current data, and its own version in the link


# an old version's link showing that version's data: tests/views/test_pinned_links.py


def test_a_bad_deck_in_the_url_falls_back_to_the_default(app_env):
    at = open_present(deck="pie,chart")
    assert any("幻灯片设置有误" in w.value for w in at.warning)
    assert ">1 / 8<" in counter(at)


def test_export_buttons_are_offered(app_env):
    at = open_present(deck="ranking")
    labels = {b.label for b in at.get("download_button")} | {b.label for b in at.button}
    assert {"下载 HTML（单文件）", "下载 PowerPoint", "下载 Excel 数据表", "下载 PDF（A4）"} <= labels


def test_the_correlation_level_comes_from_the_url_and_the_findings_slide_follows_it(app_env):
    at = open_present(deck="findings", slide="1")
    assert at.radio(key="corr_level").value == "twoway" and at.radio(key="corr_scale").value == "unit"
    assert "基于 12 个单位的 144 组月度数据" in " ".join(m.value for m in at.markdown)
    pooled = open_present(deck="findings", slide="1", corr_level="pooled")
    assert any("只作描述，不产生“发现”" in i.value for i in pooled.info)
    assert "corr_level=pooled" in pooled.code[0].value
    assert "相关分析：全部单位月度合并（描述性）" in " ".join(c.value for c in pooled.caption)


def test_kpi_cards_arrow_follows_the_sign_and_nothing_is_cut(app_env):
    at = open_present(deck="kpis", slide="1")
    cards = {m.label: m for m in at.metric}
    assert list(cards) == ["融合度 D（单位平均）", "营业收入（万元）", "利润总额（万元）", "三会一课完成率",
                           "党员先锋岗数（个）", "产品质量合格率"]  # fmt: skip
    for card in cards.values():  # the delta is the signed change itself ("环比" is its description): no "↑ -0.001"
        sign = card.delta[:1]
        expected = {"+": "up", "-": "down"}.get(sign, "none")
        assert Metric.MetricDirection.Name(card.proto.direction).lower() == expected, card.delta
        assert card.proto.delta_description == "环比"
    rate = cards["三会一课完成率"]
    assert rate.value.endswith("%") and len(rate.value.split(".")[1]) == 2  # "97.7%": one decimal
    assert cards["党员先锋岗数（个）"].delta.endswith(" 个")  # a count changes by its difference, not in %


def test_unit_slide_table_shows_names_and_readable_values(app_env):
    at = open_present(deck="unit:B12", slide="1")
    table = tables(at)[0].value
    assert list(table.columns) == ["名称", "本单位", "二级单位中位数", "集团中位数"]  # no metric codes
    peers = build_deck(load_source(app_env), parse_deck("unit:B12")).slides[0].payload.peers
    revenue = peers.set_index("metric").loc["revenue"]
    assert table[table["名称"] == "营业收入（万元）"].iloc[0].tolist() == [
        "营业收入（万元）",
        *(nf.amount(revenue[k]) for k in ("unit_value", "sub_median", "group_median")),
    ]  # "1,438", never "1438.16" beside the code "revenue"
    assert not table.isin(["None", "nan"]).any().any()


def test_the_ranking_slide_follows_the_integration_pages_choices(app_env):
    """The presentation scores with the Integration page's basis/size/weights/missing (shared in the URL), like the
    overview: the speaker notes state them and the ranking equals a deck built with those choices."""
    from analytics.figures.integration import choices_text
    from analytics.reports.deck import DeckAnalysis, parse_slide
    from analytics.stats.integration import IntegrationSettings

    at = open_present("zh", deck="ranking", slide="1", size="raw", missing="rescale")
    chosen = IntegrationSettings(size="raw", missing="rescale")
    notes = "\n".join(t.value for t in at.text)  # the speaker notes
    assert choices_text(chosen, "zh") in notes
    assert choices_text(IntegrationSettings(), "zh") not in notes
    expected = DeckAnalysis(load_source(app_env), integration_settings=chosen).slide(parse_slide("ranking"), "zh")
    default = DeckAnalysis(load_source(app_env)).slide(parse_slide("ranking"), "zh")
    assert expected.payload.frame["D"].tolist() != default.payload.frame["D"].tolist()  # the choice matters here
    shown = [t.value for t in at.title]
    assert shown and shown[0] == expected.title
