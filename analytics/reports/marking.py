"""The mark every export carries: who exported it and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from analytics.i18n import t


@dataclass(frozen=True)
class ExportMark:
    """Who exported the report and when: shown on every page and in the file's properties."""

    user: str
    when: dt.datetime
    demo: bool = False  # the deck shows the demo group: the mark says so first (render sets it from the deck)

    def text(self, lang: str) -> str:
        """'内部资料 · 由 张三 于 2026-11-28 10:15 导出 · 注意保密，请勿外传', after '演示数据（…） · ' for the demo."""
        text = t("present.mark", lang, user=self.user or "—", when=self.when.strftime("%Y-%m-%d %H:%M"))
        return t("present.demo_export_mark", lang) + text if self.demo else text


def mark_now(user: str) -> ExportMark:
    return ExportMark(user.strip(), dt.datetime.now().replace(microsecond=0))
