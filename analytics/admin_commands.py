"""Administration commands: users, backup, restore."""

from __future__ import annotations

import argparse


def register(add, view: argparse.ArgumentParser) -> None:  # noqa: ANN001
    """Add the administration subcommands to the parser (see analytics.cli.build_parser)."""
