"""Translation table entries for the overview pages: key → (zh, en). Merged into analytics.i18n.TEXT."""

TEXT: dict[str, tuple[str, str]] = {}
