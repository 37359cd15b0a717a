"""The metric catalog: what each metric means, and how spreadsheet headers are matched to it."""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from analytics.errors import AnalyticsError
from analytics.i18n import LANGS, t
from analytics.model.master_data import ARROW, MasterDataError, check_codes
from analytics.settings import DATA_DIR

DEFAULT_CATALOG = DATA_DIR / "metrics.csv"
CATEGORIES = ("party", "production", "efficiency")
ROLLUPS = ("sum", "mean", "last")
#: Units of measure of rates and scores: a metric in one of them (or in a ratio unit such as 万元/人) averages.
MEAN_UNITS = frozenset({"%", "‰", "分"})
RATIO_MARK = "/"
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


def metric_labels(metric: Metric) -> set[str]:
    """The normalised labels a metric answers to: its code, zh and en names and aliases (blank ones left out)."""
    labels = {normalise_label(label) for label in (metric.code, metric.name_zh, metric.name_en, *metric.aliases)}
    return labels - {""}


def label_clashes(metrics: Iterable[Metric]) -> list[str]:
    """Every normalised label that names more than one metric, as ``“label” → code, code`` (SPEC §4: each code,
    name and alias names exactly one metric); empty when the catalog is consistent. In the metrics' order."""
    owners: dict[str, list[str]] = {}
    shown: dict[str, str] = {}
    for m in metrics:
        for text in (m.code, m.name_zh, m.name_en, *m.aliases):
            label = normalise_label(text)
            if label and m.code not in owners.setdefault(label, []):
                owners[label].append(m.code)
                shown.setdefault(label, text)
    return [f"“{shown[label]}”{ARROW}{', '.join(codes)}" for label, codes in owners.items() if len(codes) > 1]


class UnknownMetric(AnalyticsError, KeyError):
    """A metric argument that names no metric. A KeyError of the label, as ``str()`` and ``args`` always said."""

    code = "metric.unknown"

    def __init__(self, label: str, /, **fields: object) -> None:
        self.label = label
        super().__init__(None, label=label, **fields)

    def bilingual(self) -> str:
        """The command line's line, an ambiguous label's too: ``未知指标 / unknown metric: 营收``."""
        return " / ".join(t("error.unknown_metric", lang, label=self.label) for lang in LANGS)

    def summary(self) -> str:
        return self.label


class AmbiguousMetric(UnknownMetric):
    """A label that names several metrics (a catalog stored before labels had to be unique)."""

    code = "metric.ambiguous"

    def __init__(self, label: str, candidates: tuple[Metric, ...]) -> None:
        self.candidates = candidates
        super().__init__(label, candidates=", ".join(m.code for m in candidates))


@dataclass(frozen=True)
class Catalog:
    metrics: tuple[Metric, ...]
    _lookup: dict[str, tuple[Metric, ...]] = dataclasses.field(init=False, repr=False, compare=False)
    _by_code: dict[str, Metric] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup: dict[str, tuple[Metric, ...]] = {}
        for m in self.metrics:
            for label in metric_labels(m):
                lookup[label] = (*lookup.get(label, ()), m)
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "_by_code", {m.code: m for m in self.metrics})

    def __len__(self) -> int:
        return len(self.metrics)

    def get(self, code: str) -> Metric:
        return self._by_code[code]

    def codes(self, category: str | None = None) -> list[str]:
        return [m.code for m in self.metrics if category is None or m.category == category]

    def candidates(self, label: object) -> tuple[Metric, ...]:
        """Every metric a header or argument names (code, zh/en name or alias, ignoring width, spaces, case): one
        in a consistent catalog, none when unknown, several only in a catalog stored with a clash."""
        if label is None:
            return ()
        return self._lookup.get(normalise_label(label), ())

    def match(self, label: object) -> Metric | None:
        """The one metric a header or argument names; None when it names none — or several (never a silent pick:
        callers that read headers ask :meth:`candidates` to report the clash)."""
        found = self.candidates(label)
        return found[0] if len(found) == 1 else None

    def resolve(self, label: str) -> Metric:
        """Like match, but raises UnknownMetric, a KeyError naming the label (AmbiguousMetric with the candidates
        when it names several), for command-line arguments."""
        found = self.candidates(label) or self.candidates(split_header(label)[0])
        if len(found) > 1:
            raise AmbiguousMetric(label, found)
        if not found:
            raise UnknownMetric(label)
        return found[0]

    def clashes(self) -> list[str]:
        """The labels that name several metrics (see :func:`label_clashes`)."""
        return label_clashes(self.metrics)


def _bound(text: str | None, field: str, line: int) -> float | None:
    text = (text or "").strip()
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if math.isnan(value):
        raise MasterDataError("md.bad_number", line=line, field=field, value=text)
    return value


def default_rollup(unit: str) -> str:
    """How a metric rolls up when the catalog leaves it out (SPEC §4): ``mean`` for ``%``, ``‰``, ``分`` and ratio
    units containing ``/`` (万元/人, 吨标准煤/万元), else ``sum`` (counts and amounts: 次, 万元, 人)."""
    unit = unicodedata.normalize("NFKC", unit).strip()
    return "mean" if unit in MEAN_UNITS or RATIO_MARK in unit else "sum"


def metric_from_row(row: dict[str, str], line: int = 0) -> Metric:
    """One catalog CSV row → Metric; raises MasterDataError with the reason (``line``: its line in the file).

    The code is kept exactly as given (codes are identifiers: :func:`read_catalog_csv` refuses one with spaces
    around it); the other fields are trimmed.
    """

    def field(name: str) -> str:
        return (row.get(name) or "").strip()

    for required in ("code", "name_zh"):
        if not field(required):
            raise MasterDataError("md.missing_field", line=line, field=required)
    category = field("category")
    if category not in CATEGORIES:
        raise MasterDataError("md.bad_category", line=line, allowed=", ".join(CATEGORIES), value=category)
    try:
        direction = int(float(field("direction")))
    except ValueError:
        direction = 0
    if direction not in (1, -1):
        raise MasterDataError("md.bad_direction", line=line, value=field("direction"))
    rollup = field("rollup") or default_rollup(field("unit"))
    if rollup not in ROLLUPS:
        raise MasterDataError("md.bad_rollup", line=line, allowed=", ".join(ROLLUPS), value=rollup)
    low, high = _bound(row.get("min"), "min", line), _bound(row.get("max"), "max", line)
    if low is not None and high is not None and low > high:
        raise MasterDataError("md.bad_bounds", line=line)
    aliases = tuple(a.strip() for a in field("aliases").split("|") if a.strip())
    return Metric(
        code=row.get("code") or "",
        name_zh=field("name_zh"),
        name_en=field("name_en"),
        category=category,
        dimension=field("dimension"),
        unit=field("unit"),
        direction=direction,
        min=low,
        max=high,
        aliases=aliases,
        rollup=rollup,
    )


def read_catalog_csv(text: str) -> list[Metric]:
    """Metrics from catalog CSV text (SPEC §4 columns, optional rollup); raises MasterDataError for a missing
    column, a row that is not a metric, an invalid code (listing every one) or a code given twice.

    Whether the labels stay unique is checked against the catalog they are saved into (``save_metrics``).
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = set(CSV_COLUMNS) - set(reader.fieldnames or ())
    if missing:
        raise MasterDataError("md.missing_columns", columns=", ".join(sorted(missing)))
    rows = list(enumerate(reader, start=2))
    check_codes((line, row.get("code") or "") for line, row in rows)
    metrics: list[Metric] = []
    first_line: dict[str, int] = {}
    for line, row in rows:
        metric = metric_from_row(row, line)
        if metric.code in first_line:
            raise MasterDataError("md.code_twice", code=metric.code, first=first_line[metric.code], line=line)
        first_line[metric.code] = line
        metrics.append(metric)
    return metrics


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
