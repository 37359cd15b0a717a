"""The integration page's ranking chart: every unit up to RANKING_BARS, else the top and bottom halves with the
number left out between (a 2,000-unit chart was tens of thousands of pixels tall)."""

from __future__ import annotations

import pandas as pd

from analytics.figures.integration import RANKING_BARS, ranking_figure


def ranking(n: int) -> pd.DataFrame:
    d = [0.9 - i * 0.0004 for i in range(n)]
    return pd.DataFrame(
        {
            "rank": range(1, n + 1),
            "unit": [f"U{i:04d}" for i in range(n)],
            "D": d,
            "level_index": [min(9, int(x * 10)) for x in d],
        }
    )


def bar_labels(figure) -> list[str]:
    return list(figure.layout.yaxis.categoryarray)


def test_a_small_group_shows_every_unit():
    figure = ranking_figure(ranking(12), {}, "2026-10", "zh")
    assert bar_labels(figure) == [f"{i + 1}. U{i:04d}" for i in range(12)]


def test_a_large_group_shows_the_top_and_bottom_halves_with_the_gap_named():
    figure = ranking_figure(ranking(2000), {}, "2026-10", "zh")
    labels = bar_labels(figure)
    half = RANKING_BARS // 2
    assert labels[:half] == [f"{i + 1}. U{i:04d}" for i in range(half)]
    assert labels[half] == f"⋯ 中间 {2000 - RANKING_BARS} 个单位略 ⋯"
    assert labels[half + 1 :] == [f"{i + 1}. U{i:04d}" for i in range(2000 - half, 2000)]
    drawn = sum(len(trace.x) for trace in figure.data if trace.showlegend is not False)
    assert drawn == RANKING_BARS
    assert figure.layout.height < 1200
