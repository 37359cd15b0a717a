"""What a meeting report can hold and be written as: the slide kinds and output formats.

Kept apart from :mod:`analytics.reports.deck` and :mod:`analytics.reports.export` so the command line can offer
them without loading the statistics and chart code that builds a deck.
"""

SLIDE_KINDS = ("kpis", "ranking", "quadrant", "heatmap", "findings", "scatter", "lag", "unit")
DEFAULT_DECK = ",".join(SLIDE_KINDS)
FORMATS = ("html", "pptx", "xlsx", "pdf")
