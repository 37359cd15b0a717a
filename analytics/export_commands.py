"""The ``export`` command (SPEC §4): the presenter's report as html, pptx or xlsx."""

from __future__ import annotations

import argparse


def register(add, view: argparse.ArgumentParser) -> None:  # noqa: ANN001
    """Add the export subcommand to the parser (see analytics.cli.build_parser)."""
