"""The ``vetted`` command line."""

from __future__ import annotations

import typer

app = typer.Typer(help="Vetted: AI-assisted contract review against your pre-vetted clause library.",
                  no_args_is_help=True, add_completion=False)


def main() -> None:
    app()
