"""The ``vetted`` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from review_service.errors import VettedError

app = typer.Typer(help="Vetted: AI-assisted contract review against your pre-vetted clause library.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


@app.callback()
def root() -> None:
    """Vetted reviews vendor contract drafts against your pre-vetted clause library."""


def fail(exc: VettedError) -> typer.Exit:
    """Print a domain error the way scripts expect (``code: message`` on stderr) and exit 2."""
    err.print(f"[bold red]error[/] {exc.code}: {exc.message}", soft_wrap=True)
    return typer.Exit(code=2)


@app.command()
def segment(
    path: Annotated[Path, typer.Argument(help="A contract: PDF, DOCX or TXT.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the document, its text and clauses as JSON.")] = False,
) -> None:
    """Extract a contract's text and split it into a clause tree."""
    from review_service.ingest import extract
    from review_service.ingest.segment import segment as segment_document

    try:
        doc = extract(path)
        clauses = segment_document(doc)
    except VettedError as exc:
        raise fail(exc) from None
    if as_json:
        payload = {"document": doc.summary(), "text": doc.text, "clauses": [c.to_dict() for c in clauses]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{path.name}: {doc.page_count} page(s), {len(doc.text):,} characters, "
                        f"{len(clauses)} clauses", title_justify="left", show_lines=False, expand=True)
    table.add_column("id", style="dim", no_wrap=True)
    table.add_column("number", no_wrap=True)
    table.add_column("kind", style="cyan", no_wrap=True)
    table.add_column("heading", style="bold", max_width=32)
    table.add_column("page", justify="right")
    table.add_column("text", ratio=1, no_wrap=True, overflow="ellipsis")
    for c in clauses:
        indent = "  " * (c.level - 1)
        table.add_row(c.id, indent + (c.number or ""), c.kind, c.heading or "", str(c.page),
                      " ".join(c.text.split())[:200])
    out.print(table)
    for w in doc.warnings:
        err.print(f"[yellow]warning[/] {w}")


def main() -> None:
    app()
