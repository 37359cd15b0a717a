"""Plotly figures for the foundation pages: functions that take data and return a Figure (testable headless)."""

from __future__ import annotations

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


def completeness_figure(grid: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Units (rows) × months (columns) coloured reported / partial / missing, counts on hover."""
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
