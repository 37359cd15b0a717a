"""Slide figures and texts shared by the presentation page and the exports (analytics.reports.html): KPI cards
written as the overview writes them, a legend on the ranking, readable quadrant labels, the unit slide's table."""

from __future__ import annotations

import pandas as pd

from analytics.i18n import unit_of_measure
from analytics.reports.deck import KPI_COLUMNS, KpiPayload, RankingPayload, UnitPayload
from analytics.reports.html import _cards_html, kpi_cards, peer_rows, quadrant_figure, ranking_figure

TREND = pd.DataFrame({"period": ["2026-10"], "D": [0.73], "n": [17]})


def _kpis() -> KpiPayload:
    rows = [
        ("D", "融合度 D（单位平均）", "", 0.7301, 17, -0.0011, 0.011, "index", 1),
        ("revenue", "营业收入", "万元", 178212.4, 29, -1.02, 4.61, "relative", 1),
        ("rate", "三会一课完成率", "%", 97.674, 30, 0.23, -0.04, "points", 1),
        ("accidents", "安全生产事故起数", "起", 6.0, 30, 5.0, -2.0, "difference", -1),
    ]
    frame = pd.DataFrame(
        [(m, n, u, "2026-10", v, k, mom, yoy, c, k, d) for m, n, u, v, k, mom, yoy, c, d in rows],
        columns=list(KPI_COLUMNS),
    )
    return KpiPayload(frame, TREND)


def test_kpi_cards_are_written_as_the_overview_writes_them():
    cards = kpi_cards(_kpis(), "zh")
    assert [(c["label"], c["value"], c["mom"], c["yoy"]) for c in cards] == [
        ("融合度 D（单位平均）", "0.730", "-0.001", "+0.011"),
        ("营业收入（万元）", "178,212", "-1.0%", "+4.6%"),  # the unit in the label: the value is never cut
        ("三会一课完成率", "97.7%", "+0.2 百分点", "0.0 百分点"),  # not "97.67 %"
        ("安全生产事故起数（起）", "6", "+5 起", "-2 起"),  # 1 → 6 accidents is "+5 起", not "+500.0%"
    ]
    # the tone follows the sign against the metric's direction: fewer accidents is good
    assert [(c["mom_tone"], c["yoy_tone"]) for c in cards] == [
        ("bad", "good"),
        ("bad", "good"),
        ("good", "flat"),
        ("bad", "good"),
    ]
    english = kpi_cards(_kpis(), "en")
    assert [c["mom"] for c in english] == ["-0.001", "-1.0%", "+0.2 pp", "+5 " + unit_of_measure("起", "en")]


def test_html_cards_have_an_arrow_that_follows_the_sign():
    text = _cards_html(_kpis(), "zh")
    assert '环比 <span class="bad">▼ -0.001</span>' in text  # was "↑ 环比 -0.001"
    assert '同比 <span class="flat">0.0 百分点</span>' in text  # no change: no arrow
    assert '环比 <span class="bad">▲ +5 起</span>' in text  # more accidents: up, and bad
    assert '同比 <span class="good">▼ -2 起</span>' in text


def _ranking() -> pd.DataFrame:
    n = 20
    return pd.DataFrame(
        {
            "rank": range(1, n + 1),
            "unit": [f"U{i:02d}" for i in range(n)],
            "name": ["检修分公司（BF05）", "检修分公司（NF03）", *[f"单位{i}" for i in range(2, n)]],
            "D": [0.9 - 0.02 * i for i in range(n)],
            "u_party": [0.3 + 0.02 * i for i in range(n)],
            "u_business": [0.7 - 0.015 * i for i in range(n)],
            "lagging": ["party", "business", *["balanced"] * (n - 2)],
        }
    )


def test_ranking_has_a_legend_of_its_colours_and_names_carry_their_codes():
    figure = ranking_figure(RankingPayload("2026-10", _ranking()), "zh")
    assert [(t.name, t.marker.color) for t in figure.data] == [
        ("党建滞后", "#c0392b"),
        ("经营滞后", "#2471a3"),
        ("同步", "#7f8c8d"),
    ]
    assert figure.layout.showlegend is not False
    assert list(figure.layout.yaxis.categoryarray[:2]) == ["1. 检修分公司（BF05）", "2. 检修分公司（NF03）"]
    assert figure.data[0].text == ("0.900",)


def test_quadrant_names_only_the_extremes_and_keeps_the_rest_on_hover():
    figure = quadrant_figure(RankingPayload("2026-10", _ranking()), "zh")
    named = [label for trace in figure.data for label in trace.text if label]
    assert named == ["检修分公司（BF05）", "检修分公司（NF03）", "单位2", "单位17", "单位18", "单位19"]
    assert sum(len(trace.hovertext) for trace in figure.data) == 20  # every unit on hover


def test_unit_slide_table_has_names_with_units_and_readable_values():
    peers = pd.DataFrame(
        [
            ("revenue", "营业收入", "万元", 2740.095, 1438.16, float("nan")),
            ("rate", "前置研究讨论重大事项覆盖率", "%", 97.76, 95.31, 96.775),
            ("study", "党委理论学习中心组学习次数", "次", 2.0, 2.0, 1.5),
        ],
        columns=["metric", "name", "unit_of_measure", "unit_value", "sub_median", "group_median"],
    )
    table = peer_rows(UnitPayload("B12", "一电厂", pd.DataFrame(), peers), "zh")
    assert table.to_dict("split")["data"] == [
        ["营业收入（万元）", "2,740", "1,438", "—"],  # was "2740.095", with the metric code beside it
        ["前置研究讨论重大事项覆盖率", "97.8%", "95.3%", "96.8%"],
        ["党委理论学习中心组学习次数（次）", "2", "2", "1.5"],
    ]
    assert list(table.columns) == ["name", "unit_value", "sub_median", "group_median"]
