"""The findings scan (SPEC §5 "Findings"): which party-building × business pairs move together, honestly gated.

Only ``twoway`` or ``within`` (pooled and between confound size and timing and are never worded as findings). Every
party metric x is tested against every business metric y at lags 0..6 (x of month t with y of month t + K); q is
Benjamini–Hochberg over every (pair, lag) tested. A (pair, lag) is a finding when q < 0.05 **and** |r| ≥ 0.1; one
per pair (smallest q, then largest |r|). Before a lagged finding says "x leads y", the reverse pairing (y of month t
with x of month t + K) is tested: "leads" only when it has p ≥ 0.05 or |r| below half the finding's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from analytics.i18n import TEXT, t
from analytics.model.catalog import Catalog
from analytics.model.panel import Panel
from analytics.stats.correlations import benjamini_hochberg, json_value
from analytics.stats.matrix import cells
from analytics.stats.options import ALPHA, DEFAULT_LEVEL, DEFAULT_SCALE, LAGS, MIN_EFFECT, P_FLOOR, Scope

FINDING_LEVELS = ("twoway", "within")
DIRECTIONS = ("leads", "unclear", "same_month")


@dataclass(frozen=True)
class Finding:
    """One finding: r with its 95 % CI, p, the scan's q, n pairs, G units, and the direction check's verdict."""

    x: str
    y: str
    lag: int
    r: float
    ci_low: float
    ci_high: float
    p: float
    q: float
    n: int
    n_units: int
    direction: str
    level: str = DEFAULT_LEVEL
    scale: str = DEFAULT_SCALE
    method: str = "pearson"
    reverse_r: float | None = None
    reverse_p: float | None = None

    def to_dict(self, names_zh: Mapping[str, str], names_en: Mapping[str, str]) -> dict[str, object]:
        """The SPEC §4 ``findings`` JSON object, with the sentence in both languages."""
        keys = ("x", "y", "lag", "r", "ci_low", "ci_high", "p", "q", "n", "n_units", "direction")
        out = {k: json_value(v) for k, v in asdict(self).items() if k in keys}
        return out | {
            "text_zh": describe_finding(self, names_zh, "zh"),
            "text_en": describe_finding(self, names_en, "en"),
        }


@dataclass(frozen=True)
class FindingScan:
    """The findings, best first, and how many (pair, lag) tests had a p (the BH family)."""

    scanned: int
    findings: tuple[Finding, ...]
    level: str = DEFAULT_LEVEL
    scale: str = DEFAULT_SCALE

    def to_dict(self, names_zh: Mapping[str, str], names_en: Mapping[str, str]) -> dict[str, object]:
        """The SPEC §4 ``findings`` JSON document."""
        return {"scanned": self.scanned, "findings": [f.to_dict(names_zh, names_en) for f in self.findings]}


def scanned_metrics(panel: Panel, catalog: Catalog) -> tuple[list[str], list[str]]:
    """(party metrics, production + efficiency metrics) in catalog order, keeping those with any value in the panel:
    the rows and columns of the party × business grid every page, deck and command scans."""
    present = set(panel.metrics[~np.isnan(panel.cube).all(axis=(0, 1))]) if panel.cube.size else set()
    party = [m.code for m in catalog.metrics if m.category == "party" and m.code in present]
    business = [m.code for m in catalog.metrics if m.is_business and m.code in present]
    return party, business


def scan(
    panel: Panel,
    rows: Sequence[str],
    cols: Sequence[str],
    lags: Iterable[int] = LAGS,
    level: str = DEFAULT_LEVEL,
    scale: str = DEFAULT_SCALE,
    method: str = "pearson",
    from_: str | None = None,
    to: str | None = None,
    units: Iterable[str] | None = None,
) -> FindingScan:
    """Scan rows (party metric codes) × cols (business metric codes) at each lag ≥ 0 (SPEC §5 "Findings").

    Raises ValueError for a level other than twoway/within or a negative lag.
    """
    if level not in FINDING_LEVELS:
        raise ValueError(f"findings use level twoway or within, not {level!r}")
    lags = sorted(set(lags))
    if any(k < 0 for k in lags):
        raise ValueError("findings scan lags 0 or more (x leads y)")
    base = Scope(method, level, 0, None, from_, to, None if units is None else tuple(units), scale)
    tested = _tested(panel, rows, cols, lags, base)
    chosen = _chosen(tested)
    reverse = _reverse(panel, chosen, base)
    found = [_finding(row, reverse.get((row.x, row.y, row.lag)), base) for row in chosen.itertuples(index=False)]
    found.sort(key=lambda f: (f.q, -abs(f.r)))
    return FindingScan(int(tested["p"].notna().sum()), tuple(found), level, scale)


def _tested(panel: Panel, rows: Sequence[str], cols: Sequence[str], lags: list[int], base: Scope) -> pd.DataFrame:
    """Every (pair, lag) cell with BH q over all cells that have a p."""
    frames = [cells(panel, rows, cols, _at(base, k)).assign(lag=k) for k in lags]
    tested = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["x", "y", "lag", "p", "r"])
    return tested.assign(q=benjamini_hochberg(tested["p"].to_numpy(dtype=np.float64)))


def _at(base: Scope, lag: int) -> Scope:
    return Scope(base.method, base.level, lag, None, base.from_, base.to, base.units, base.scale)


def _chosen(tested: pd.DataFrame) -> pd.DataFrame:
    """The gate (q < 0.05 and |r| ≥ 0.1), then one (pair, lag) per pair: smallest q, then largest |r|."""
    hits = tested[(tested["q"] < ALPHA) & (tested["r"].abs() >= MIN_EFFECT)]
    hits = hits.assign(strength=-hits["r"].abs()).sort_values(["q", "strength"], kind="stable")
    return hits.drop_duplicates(["x", "y"]).drop(columns="strength")


def _reverse(panel: Panel, chosen: pd.DataFrame, base: Scope) -> dict[tuple[str, str, int], tuple[float, float]]:
    """(x, y, K) → (r, p) of the reverse pairing (x of month t + K with y of month t) for each lagged finding."""
    out: dict[tuple[str, str, int], tuple[float, float]] = {}
    for lag, group in chosen[chosen["lag"] > 0].groupby("lag"):
        xs, ys = list(dict.fromkeys(group["x"])), list(dict.fromkeys(group["y"]))
        back = cells(panel, xs, ys, _at(base, -int(lag))).set_index(["x", "y"])
        for x, y in zip(group["x"], group["y"], strict=True):
            out[(x, y, int(lag))] = (float(back.at[(x, y), "r"]), float(back.at[(x, y), "p"]))
    return out


def direction_of(r: float, lag: int, reverse: tuple[float, float] | None) -> str:
    """'same_month' at lag 0; 'leads' when the reverse pairing is not significant or less than half as strong."""
    if lag == 0:
        return "same_month"
    if reverse is None or np.isnan(reverse[1]):
        return "unclear"  # the reverse could not be tested: no claim of direction
    r_back, p_back = reverse
    return "leads" if p_back >= ALPHA or abs(r_back) < abs(r) / 2 else "unclear"


def _finding(row: object, reverse: tuple[float, float] | None, base: Scope) -> Finding:
    get = row.__getattribute__
    r, lag = float(get("r")), int(get("lag"))
    back = (None, None) if reverse is None else tuple(_finite(v) for v in reverse)
    return Finding(
        str(get("x")), str(get("y")), lag, r, float(get("ci_low")), float(get("ci_high")), float(get("p")),
        float(get("q")), int(get("n")), int(get("n_units")), direction_of(r, lag, reverse),
        level=base.level, scale=base.scale, method=base.method, reverse_r=back[0], reverse_p=back[1],
    )  # fmt: skip


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


# ---------------------------------------------------------------- plain-language sentences


def months_in_words(lag: int, lang: str) -> str:
    """A small month count in words (两/two; ``finding.count.<n>`` in the table), digits beyond twelve."""
    key = f"finding.count.{lag}"
    return t(key, lang) if key in TEXT else str(lag)


def _lagged(y: str, lag: int, lang: str) -> str:
    key = "finding.lag.0" if lag == 0 else "finding.lag.1" if lag == 1 else "finding.lag.k"
    return t(key, lang).format(y=y, k=months_in_words(lag, lang))


def format_q(q: float) -> str:
    """'< 0.001' or '= 0.012'."""
    return f"< {P_FLOOR:g}" if q < P_FLOOR else f"= {q:.3f}"


def describe_finding(
    finding: Finding, names: Mapping[str, str], lang: str = "zh", directions: Mapping[str, int] | None = None
) -> str:
    """One plain sentence for a finding in Chinese (``lang='zh'``) or English, ending with "not causation".

    ``names`` maps metric codes to display names in that language (the code when absent); a metric with
    direction −1 in ``directions`` is noted as lower-is-better.
    """
    x, y = (names.get(code, code) for code in (finding.x, finding.y))
    direction = t(f"finding.direction.{finding.direction}", lang).format(x=x, y=y)
    x, y = (_noted(code, names, lang, directions) for code in (finding.x, finding.y))
    sentence = t("finding.sentence", lang).format(
        lead=t(f"finding.level.{finding.level}", lang),
        scale=t(f"finding.scale.{finding.scale}", lang),
        x=x,
        lagged=_lagged(y, finding.lag, lang),
        sign=t("finding.sign.1" if finding.r > 0 else "finding.sign.-1", lang),
        r=f"{finding.r:.2f}",
        low=f"{finding.ci_low:.2f}",
        high=f"{finding.ci_high:.2f}",
        q=format_q(finding.q),
        n=f"{finding.n:,}",
        g=f"{finding.n_units:,}",
        direction=direction,
    )
    return f"{sentence}{t('finding.causation', lang)}" if lang == "zh" else f"{sentence} {causation_note(lang)}"


def _noted(code: str, names: Mapping[str, str], lang: str, directions: Mapping[str, int] | None) -> str:
    """The metric's name, with "lower is better" noted for a direction −1 metric."""
    name = names.get(code, code)
    lower = (directions or {}).get(code) == -1
    return name + t("finding.lower_better", lang) if lower else name


def causation_note(lang: str = "zh") -> str:
    """The sentence that goes with every finding: correlation is not causation."""
    return t("finding.causation", lang)
