"""The metric catalog: what each metric means, and how spreadsheet headers are matched to it."""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from analytics.settings import DATA_DIR

DEFAULT_CATALOG = DATA_DIR / "metrics.csv"
CATEGORIES = ("party", "production", "efficiency")
ROLLUPS = ("sum", "mean", "last")
CSV_COLUMNS = (
    "code",
    "name_zh",
    "name_en",
    "category",
    "dimension",
    "unit",
    "direction",
    "min",
    "max",
    "aliases",
)

# Units of measure that name the same kind of quantity; a header unit from another family contradicts.
_COUNT_UNITS = frozenset("次个项条场件起篇人家")
_UNIT_SYNONYMS = {
    "百分比": "%",
    "百分点": "%",
    "pct": "%",
    "percent": "%",
    "h": "小时",
    "hours": "小时",
    "时": "小时",
}
_BRACKETED_UNIT = re.compile(r"[（(\[【]([^（）()\[\]【】]*)[）)\]】]\s*$")


@dataclass(frozen=True)
class Metric:
    code: str
    name_zh: str
    name_en: str
    category: str
    dimension: str
    unit: str
    direction: int
    min: float | None
    max: float | None
    aliases: tuple[str, ...] = ()
    rollup: str = "mean"

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"

    @property
    def is_business(self) -> bool:
        return self.category in ("production", "efficiency")

    def in_range(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


def normalise_label(text: object) -> str:
    """A header or name reduced for matching: NFKC (full → half width), no spaces, lower case."""
    folded = unicodedata.normalize("NFKC", str(text)).lower()
    return "".join(folded.split())  # str.split() splits at exactly the characters \s matches


def normalise_unit(text: str) -> str:
    unit = normalise_label(text)
    return _UNIT_SYNONYMS.get(unit, unit)


def split_header(text: object) -> tuple[str, str | None]:
    """``营业收入（万元）`` → (``营业收入``, ``万元``): the label and its trailing bracketed unit, if any."""
    label = unicodedata.normalize("NFKC", str(text)).strip()
    m = _BRACKETED_UNIT.search(label)
    if not m:
        return label, None
    return label[: m.start()].strip(), m.group(1).strip() or None


def units_agree(header_unit: str, metric_unit: str) -> bool:
    """True when a header's unit of measure may stand for the catalog's (元 vs 万元 does not)."""
    a, b = normalise_unit(header_unit), normalise_unit(metric_unit)
    return a == b or (a in _COUNT_UNITS and b in _COUNT_UNITS)


@dataclass(frozen=True)
class Catalog:
    metrics: tuple[Metric, ...]

    def __post_init__(self) -> None:
        lookup: dict[str, Metric] = {}
        for m in self.metrics:
            for label in (m.code, m.name_zh, m.name_en, *m.aliases):
                lookup.setdefault(normalise_label(label), m)
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "_by_code", {m.code: m for m in self.metrics})

    def __len__(self) -> int:
        return len(self.metrics)

    def get(self, code: str) -> Metric:
        return self._by_code[code]  # type: ignore[attr-defined]

    def codes(self, category: str | None = None) -> list[str]:
        return [m.code for m in self.metrics if category is None or m.category == category]

    def match(self, label: object) -> Metric | None:
        """The metric a header or argument names (code, zh/en name or alias), ignoring width, spaces, case."""
        if label is None:
            return None
        return self._lookup.get(normalise_label(label))  # type: ignore[attr-defined]

    def resolve(self, label: str) -> Metric:
        """Like match, but raises KeyError naming the label (for command-line arguments)."""
        metric = self.match(label) or self.match(split_header(label)[0])
        if metric is None:
            raise KeyError(label)
        return metric


def _bound(text: str) -> float | None:
    text = (text or "").strip()
    return None if text == "" else float(text)


def metric_from_row(row: dict[str, str]) -> Metric:
    """One catalog CSV row → Metric; raises ValueError with the reason when a field is invalid."""
    category = row["category"].strip()
    if category not in CATEGORIES:
        raise ValueError(f"category must be one of {CATEGORIES}: {category!r}")
    direction = int(float(row["direction"]))
    if direction not in (1, -1):
        raise ValueError(f"direction must be 1 or -1: {row['direction']!r}")
    rollup = (row.get("rollup") or "").strip() or ("mean" if row["unit"].strip() == "%" else "sum")
    if rollup not in ROLLUPS:
        raise ValueError(f"rollup must be one of {ROLLUPS}: {rollup!r}")
    low, high = _bound(row.get("min", "")), _bound(row.get("max", ""))
    if low is not None and high is not None and (math.isnan(low) or low > high):
        raise ValueError("min must not exceed max")
    aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
    return Metric(
        code=row["code"].strip(),
        name_zh=row["name_zh"].strip(),
        name_en=row["name_en"].strip(),
        category=category,
        dimension=row["dimension"].strip(),
        unit=row["unit"].strip(),
        direction=direction,
        min=low,
        max=high,
        aliases=aliases,
        rollup=rollup,
    )


def read_catalog_csv(text: str) -> list[Metric]:
    """Metrics from catalog CSV text (SPEC §4 columns, optional rollup)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = set(CSV_COLUMNS) - set(reader.fieldnames or ())
    if missing:
        raise ValueError(f"missing columns: {', '.join(sorted(missing))}")
    return [metric_from_row(row) for row in reader]


def write_catalog_csv(metrics: list[Metric]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((*CSV_COLUMNS, "rollup"))
    for m in metrics:
        bounds = ["" if b is None else repr(b) for b in (m.min, m.max)]
        writer.writerow(
            (
                m.code,
                m.name_zh,
                m.name_en,
                m.category,
                m.dimension,
                m.unit,
                m.direction,
                *bounds,
                "|".join(m.aliases),
                m.rollup,
            )
        )
    return out.getvalue()


def default_metrics(path: Path = DEFAULT_CATALOG) -> list[Metric]:
    """The shipped default catalog (data/metrics.csv)."""
    return read_catalog_csv(path.read_text(encoding="utf-8"))
