"""Plotly figures for the foundation pages: functions that take data and return a Figure (testable headless)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from analytics.i18n import t

STATUS_CODES = {"missing": 0, "partial": 1, "reported": 2}
STATUS_COLOURS = (
    (0.0, "#D9534F"),
    (0.33, "#D9534F"),
    (0.34, "#F0AD4E"),
    (0.66, "#F0AD4E"),
    (0.67, "#5CB85C"),
    (1.0, "#5CB85C"),
)
ROW_HEIGHT_PX, MIN_HEIGHT_PX = 18, 320
# Beyond this many units the chart shows their subsidiaries (share of units fully reported per month): 2,000 rows
# made a chart 36,000 px tall with 2,000 axis labels, slow to draw and not readable. The table below the chart
# names the units still missing in the chosen month.
UNIT_ROWS = 80
SHARE_COLOURS = ((0.0, "#D9534F"), (0.5, "#F0AD4E"), (1.0, "#5CB85C"))


def completeness_figure(grid: pd.DataFrame, lang: str = "zh", groups: Mapping[str, str] | None = None) -> go.Figure:
    """Units (rows) × months (columns) coloured reported / partial / missing, counts on hover; with more than
    UNIT_ROWS units and ``groups`` (unit code → its subsidiary's name), the subsidiaries instead
    (:func:`grouped_figure`)."""
    if groups is not None and grid["unit"].nunique() > UNIT_ROWS:
        return grouped_figure(grid, groups, lang)
    labels = grid["unit"] + " " + grid["name"]
    z = grid.assign(label=labels, code=grid["status"].map(STATUS_CODES)).pivot(
        index="label", columns="period", values="code"
    )
    text = grid.assign(
        label=labels,
        txt=grid["status"].map(lambda s: t(f"status.{s}", lang))
        + " "
        + grid["values"].astype(str)
        + "/"
        + grid["expected"].astype(str),
    ).pivot(index="label", columns="period", values="txt")
    order = list(dict.fromkeys(labels))
    z, text = z.loc[order], text.loc[order]
    figure = go.Figure(
        go.Heatmap(
            z=z.to_numpy(),
            x=list(z.columns),
            y=list(z.index),
            text=text.to_numpy(),
            zmin=0,
            zmax=2,
            colorscale=[list(p) for p in STATUS_COLOURS],
            showscale=False,
            xgap=1,
            ygap=1,
            hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
        )
    )
    figure.update_layout(
        title=t("complete.chart_title", lang),
        height=max(MIN_HEIGHT_PX, ROW_HEIGHT_PX * len(order) + 120),
        xaxis_title=t("complete.axis_month", lang),
        yaxis_title=t("complete.axis_unit", lang),
        yaxis={"autorange": "reversed"},
        xaxis={"type": "category"},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return figure


def grouped_figure(grid: pd.DataFrame, groups: Mapping[str, str], lang: str = "zh") -> go.Figure:
    """Subsidiaries (rows, in the order of their first unit) × months: the share of their units fully reported,
    red (none) through amber to green (all), and on hover how many units reported, in part or not at all."""
    frame = grid.assign(group=grid["unit"].map(groups).fillna(grid["unit"]))
    counts = pd.crosstab([frame["group"], frame["period"]], frame["status"]).reindex(
        columns=list(STATUS_CODES), fill_value=0
    )
    total = counts.sum(axis=1)
    share = (counts["reported"] / total).unstack("period")
    text = (
        counts.apply(
            lambda row: t(
                "complete.group_hover", lang, reported=row["reported"], partial=row["partial"],
                missing=row["missing"], total=int(row.sum()),
            ),
            axis=1,
        )
    ).unstack("period")  # fmt: skip
    order = list(dict.fromkeys(frame["group"]))
    share, text = share.loc[order], text.loc[order]
    figure = go.Figure(
        go.Heatmap(
            z=share.to_numpy(dtype=float),
            x=list(share.columns),
            y=order,
            text=text.to_numpy(),
            zmin=0,
            zmax=1,
            colorscale=[list(p) for p in SHARE_COLOURS],
            colorbar={"title": {"text": t("complete.share", lang)}, "tickformat": ".0%", "len": 0.8},
            xgap=1,
            ygap=1,
            hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
        )
    )
    figure.update_layout(
        title=t("complete.group_title", lang, n=frame["unit"].nunique()),
        height=max(MIN_HEIGHT_PX, ROW_HEIGHT_PX * 2 * len(order) + 120),
        xaxis_title=t("complete.axis_month", lang),
        yaxis_title=t("complete.axis_group", lang),
        yaxis={"autorange": "reversed"},
        xaxis={"type": "category"},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return figure
