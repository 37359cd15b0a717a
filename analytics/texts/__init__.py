"""Parts of the one translation table, one module per area; analytics.i18n merges them into TEXT."""
