"""Translation table entries for the present pages: key → (zh, en). Merged into analytics.i18n.TEXT."""

TEXT: dict[str, tuple[str, str]] = {}
