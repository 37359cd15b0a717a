"""Translation table entries for the integration pages: key → (zh, en). Merged into analytics.i18n.TEXT."""

TEXT: dict[str, tuple[str, str]] = {}
