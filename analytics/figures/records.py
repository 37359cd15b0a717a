"""The product's records as tables a reader can read: audit entries, accounts, the metric catalog, the unit
registry and data-quality flags, with headers and stored codes in words in the UI language.

The stored codes stay where an expert may need them: the audit table and the quality table end with a small
代码/Code column. Texts come from analytics.i18n.records.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

import pandas as pd

from analytics.i18n import TEXT, t
from analytics.model.catalog import Metric
from analytics.model.units import Unit

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
AUDIT_COLUMNS = ("id", "at", "actor", "action", "details")
ACCOUNT_COLUMNS = (
    "name",
    "role",
    "units",
    "email",
    "disabled",
    "locked_until",
    "failed_logins",
    "has_password",
    "created_at",
    "updated_at",
)


def _known(key: str, lang: str, fallback: str) -> str:
    return t(key, lang) if key in TEXT else fallback


def action_name(action: str, lang: str) -> str:
    """An audit action in words (``import`` → 导入); an unknown one as stored."""
    return _known(f"audit.action.{action}", lang, action)


def _value_text(value: object, lang: str) -> str:
    """One detail value: lists joined, yes/no for flags, stored codes (a reason, a role) in words."""
    if isinstance(value, bool) or value is None:
        return t(f"audit.value.{str(value).lower()}", lang)
    if isinstance(value, list | tuple):
        return t("sep.list", lang).join(_value_text(v, lang) for v in value) or t("audit.value.none", lang)
    if isinstance(value, dict):
        return t("sep.list", lang).join(f"{k} {_value_text(v, lang)}" for k, v in value.items())
    return _known(f"audit.value.{value}", lang, str(value))


def details_text(details: str | Mapping[str, object], lang: str) -> str:
    """An entry's details (the stored JSON object, or the dict) as ``批次：12；文件：a.xlsx、b.xlsx；新增：30``.

    Keys are named in ``lang``; a key or value the tables do not know is shown as stored; empty values (none, an
    empty text or list) are left out. Text that is not a JSON object is returned unchanged."""
    decoded: object = details
    if isinstance(details, str):
        try:
            decoded = json.loads(details) if details else {}
        except json.JSONDecodeError:
            return details
    if not isinstance(decoded, Mapping):
        return str(details)
    fields = (
        t("sep.key_value", lang, key=_known(f"audit.key.{k}", lang, k), value=_value_text(v, lang))
        for k, v in decoded.items()
        if v not in (None, "", [], {})
    )
    return t("sep.field", lang).join(fields)


def audit_table(log: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The audit log (analytics.store.audit.query: id, at, actor, action, details) for display: translated headers, the
    action in words, the details as text, and the stored action name last (代码)."""
    return pd.DataFrame(
        {
            t("audit.col.id", lang): log["id"],
            t("audit.col.at", lang): log["at"].dt.strftime(TIME_FORMAT),
            t("audit.col.actor", lang): log["actor"],
            t("audit.col.action", lang): [action_name(a, lang) for a in log["action"]],
            t("audit.col.details", lang): [details_text(d, lang) for d in log["details"]],
            t("audit.col.code", lang): log["action"],
        }
    )


def accounts_table(users: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Accounts (analytics.store.accounts.list_users) for display: translated headers and roles in words."""
    shown = users.assign(role=[_known(f"audit.value.{r}", lang, r) for r in users["role"]])
    columns = [c for c in ACCOUNT_COLUMNS if c in shown.columns]
    return shown[columns].rename(columns={c: t(f"account.col.{c}", lang) for c in columns})


def catalog_table(metrics: Iterable[Metric], lang: str) -> pd.DataFrame:
    """The metric catalog for display: one row per metric, headers, category, direction and roll-up in words
    (the code and the unit of measure as stored: they are what a catalog CSV holds)."""
    rows = [
        {
            "code": m.code,
            "name_zh": m.name_zh,
            "name_en": m.name_en,
            "category": _known(f"catalog.category.{m.category}", lang, m.category),
            "dimension": m.dimension,
            "unit": m.unit,
            "direction": _known(f"catalog.direction.{m.direction}", lang, str(m.direction)),
            "min": m.min,
            "max": m.max,
            "aliases": t("sep.list", lang).join(m.aliases),
            "rollup": _known(f"catalog.rollup.{m.rollup}", lang, m.rollup),
        }
        for m in metrics
    ]
    frame = pd.DataFrame(rows, columns=list(Metric.__dataclass_fields__))
    return frame.rename(columns={c: t(f"catalog.col.{c}", lang) for c in frame.columns})


def units_table(units: Iterable[Unit], lang: str) -> pd.DataFrame:
    """The unit registry for display: code, name, parent's code, headcount under translated headers."""
    columns = ("code", "name", "parent_code", "headcount")
    frame = pd.DataFrame([[getattr(u, c) for c in columns] for u in units], columns=list(columns))
    return frame.rename(columns={c: t(f"units.col.{c}", lang) for c in columns})


def quality_table(flags: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A unit's data-quality flags (analytics.stats.quality.quality_flags) for display: month, kind in words, detail in
    ``lang``, and the stored kind last (代码)."""
    return pd.DataFrame(
        {
            t("quality.col.period", lang): flags["period"],
            t("quality.col.kind", lang): [_known(f"overview.kind_{k}", lang, k) for k in flags["kind"]],
            t("quality.col.detail", lang): flags["detail_en" if lang == "en" else "detail_zh"],
            t("quality.col.code", lang): flags["kind"],
        }
    )
