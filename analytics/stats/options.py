"""The analysis options shared by every correlation (methods, levels, scales, gates, scope)."""

from __future__ import annotations

from dataclasses import dataclass

METHODS = ("pearson", "spearman")
LEVELS = ("twoway", "within", "pooled", "between", "period")
CLUSTERED_LEVELS = ("twoway", "within", "pooled")
SCALES = ("unit", "none")
DEFAULT_LEVEL = "twoway"
DEFAULT_SCALE = "unit"
ALPHA = 0.05  # findings: q below this …
MIN_EFFECT = 0.1  # … and |r| at least this
P_FLOOR = 0.001  # p or q below this is written "<0.001"
PAGE_LEVELS = ("twoway", "within", "pooled", "between")  # levels offered on the pages ("period" is the CLI's)
LAGS = range(7)  # lags of the findings scan and the heatmap slider (months the x / party metric leads)
PROFILE_LAGS = range(-6, 7)  # the lag profile: y leads by 6 months … x leads by 6
TOP_FINDINGS = 10  # findings listed on the page and the slide


def check_options(method: str, level: str, scale: str, period: str | None) -> None:
    """Raise ValueError for an unknown method, level or scale, or level 'period' without a period."""
    for name, value, allowed in (("method", method, METHODS), ("level", level, LEVELS), ("scale", scale, SCALES)):
        if value not in allowed:
            raise ValueError(f"{name} must be one of {allowed}, not {value!r}")
    if level == "period" and period is None:
        raise ValueError("level 'period' needs a period (YYYY-MM)")


@dataclass(frozen=True)
class Scope:
    """The options shared by every cell of a matrix or scan."""

    method: str = "pearson"
    level: str = DEFAULT_LEVEL
    lag: int = 0
    period: str | None = None
    from_: str | None = None
    to: str | None = None
    units: tuple[str, ...] | None = None
    scale: str = DEFAULT_SCALE
