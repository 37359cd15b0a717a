"""Command handlers for the analyses: correlate, matrix, integration, export (SPEC §4)."""

from __future__ import annotations

import argparse


def register(add, view: argparse.ArgumentParser) -> None:  # noqa: ANN001
    """Add the analysis subcommands to the parser (see analytics.cli.build_parser)."""
