"""``vetted library``: check the clause library and read a clause type as legal and procurement see it.

Mounted in :mod:`review_service.cli` as ``app.add_typer(library_app, name="library")``.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from review_service.library.loader import default_library_dir
from review_service.library.schema import ClauseType, Parameter, Requirement
from review_service.library.validate import inspect_library, library_version

library_app = typer.Typer(
    help="The clause library and playbook: validate them, or show one clause type.",
    no_args_is_help=True,
    add_completion=False,
)

DirOption = Annotated[
    Path | None,
    typer.Option(
        "--dir",
        help="Library folder (default: VETTED_LIBRARY_DIR, else the shipped clause_library/).",
        file_okay=False,
    ),
]

_SEVERITY_STYLE = {"info": "dim", "low": "cyan", "medium": "yellow", "high": "red", "critical": "bold red"}


@library_app.command("validate")
def validate_command(directory: DirOption = None) -> None:
    """Check every file; print problems as file:line:col: message and exit 1 if there are any."""
    folder = directory or default_library_dir()
    inspection = inspect_library(folder)
    if inspection.problems:
        for problem in inspection.problems:
            typer.echo(str(problem))
        typer.echo(f"{len(inspection.problems)} problem(s) in {folder}", err=True)
        raise typer.Exit(1)
    clauses = inspection.clause_types.values()
    in_policy = sum(1 for c in clauses if c.policy_row is not None)
    boilerplate = sum(1 for c in clauses if c.boilerplate)
    variants = sum(1 for c in clauses for _ in c.variants())
    typer.echo(
        f"{folder}: {len(inspection.clause_types)} clause types ({in_policy} policy rows, "
        f"{boilerplate} boilerplate, {len(inspection.clause_types) - in_policy - boilerplate} other), "
        f"{variants} variants, version {library_version(inspection.digests)}"
    )


@library_app.command("show")
def show_command(
    clause_type: Annotated[str, typer.Argument(help="Clause type id, e.g. payment_terms.")],
    directory: DirOption = None,
) -> None:
    """Show one clause type: glossary, lane, where required, standard text, fallbacks, red flags, bounds."""
    folder = directory or default_library_dir()
    inspection = inspect_library(folder)
    clause = inspection.clause_types.get(clause_type)
    if clause is None:
        known = sorted(inspection.clause_types)
        close = difflib.get_close_matches(clause_type, known, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(known)}"
        typer.echo(f"unknown_clause_type: no clause type {clause_type!r} in {folder}{hint}", err=True)
        raise typer.Exit(2)
    if inspection.problems:
        typer.echo(
            f"warning: the library has {len(inspection.problems)} problem(s); run `vetted library validate`",
            err=True,
        )
    Console().print(render_clause_type(clause))


def render_clause_type(clause: ClauseType) -> Group:
    """A readable rich rendering of a clause type, in the order a reviewer reads it."""
    parts: list[RenderableType] = []
    kind = (
        "boilerplate"
        if clause.boilerplate
        else f"policy row {clause.policy_row}"
        if clause.policy_row is not None
        else "outside the policy table"
    )
    header = Text.assemble((clause.title, "bold"), f"  ({clause.id}, {kind})")
    facts = Table.grid(padding=(0, 2))
    facts.add_row("[bold]lane[/]", clause.lane)
    facts.add_row("[bold]required[/]", escape(describe_requirement(clause.required)))
    if clause.missing_severity and not clause.required.never:
        facts.add_row("[bold]if missing[/]", _severity(clause.missing_severity))
    if clause.headings:
        facts.add_row("[bold]headings[/]", escape(", ".join(clause.headings)))
    parts.append(Panel(Group(Text(clause.glossary), Text(""), facts), title=header, title_align="left"))

    parts.append(Text("Standard", style="bold green"))
    for v in clause.standard:
        parts.append(_variant(v.style, v.text, indent=2))

    if clause.fallbacks:
        parts.append(Text("Fallbacks, in order", style="bold yellow"))
        for n, fb in enumerate(clause.fallbacks, 1):
            values = ", ".join(f"{k}={_value(v)}" for k, v in fb.values.items())
            parts.append(
                Text.assemble(f"{n}. ", (fb.id, "bold"), f": {fb.description}", (f"  [{values}]", "dim"))
            )
            for v in fb.texts:
                parts.append(_variant(v.style, v.text, indent=4))

    if clause.red_flags:
        parts.append(Text("Red flags", style="bold red"))
        for rf in clause.red_flags:
            parts.append(
                Text.assemble(
                    "- ",
                    (rf.severity, _SEVERITY_STYLE[rf.severity]),
                    " ",
                    (rf.id, "bold"),
                    f": {rf.description}",
                )
            )
            for v in rf.texts:
                parts.append(_variant(v.style, v.text, indent=4))

    if clause.parameters:
        table = Table(title="Parameters", title_justify="left", expand=True)
        table.add_column("name", overflow="fold", ratio=3)
        table.add_column("type (unit)", overflow="fold", ratio=3)
        table.add_column("preferred", overflow="fold", ratio=2)
        table.add_column("bounds → severity (rule)", overflow="fold", ratio=5)
        for p in clause.parameters:
            kind = f"{p.type} ({p.unit})" if p.unit else p.type
            table.add_row(p.name, escape(kind), escape(_value(p.preferred)), describe_bounds(p))
        parts.append(table)
    return Group(*parts)


def describe_requirement(req: Requirement) -> str:
    if req.never:
        return "never"
    said = []
    if req.always:
        said.append("every buying agreement")
    if req.when_personal_data:
        said.append("buying agreements where the vendor processes personal data")
    if req.contract_types:
        said.append(", ".join(req.contract_types))
    return "; ".join(said)


def describe_bounds(p: Parameter) -> str:
    """Bounds as rich markup: ``min 30 → medium (payment_days_too_short)``."""
    lines = []
    for kind, bound in p.bounds():
        if kind in ("min", "max"):
            limit = getattr(bound, "value", None)
            shown = _value(limit) if limit is not None else str(getattr(bound, "relative_to", ""))
            what = f"{kind} {shown}"
        elif kind == "allowed":
            what = "one of " + ", ".join(getattr(bound, "values", []))
        else:
            what = f"must be {_value(getattr(bound, 'value', None))}"
        lines.append(f"{escape(what)} → {_severity(bound.severity)} ({bound.rule})")
    return "\n".join(lines)


def _severity(severity: str) -> str:
    style = _SEVERITY_STYLE.get(severity, "")
    return f"[{style}]{severity}[/]" if style else severity


def _variant(style: str, text: str, indent: int = 0) -> Padding:
    return Padding(Text.assemble((f"[{style}] ", "dim"), text), (0, 0, 0, indent))


def _value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and abs(value) >= 10_000:
        return f"{value:,}"
    return str(value)


@library_app.command("build")
def build_command(directory: DirOption = None) -> None:
    """Embed every variant and write the FAISS index with its manifest (a build output, never committed)."""
    import time

    from review_service.errors import VettedError
    from review_service.library.loader import load_library
    from review_service.matching.embed import get_embedder
    from review_service.matching.index import build_index, index_dir
    from review_service.settings import get_settings

    try:
        library = load_library(directory)
        embedder = get_embedder()
        with Console(stderr=True).status("embedding the library variants with the model..."):
            t0 = time.perf_counter()
            embedder.warm_up()
            index = build_index(library, embedder)
            folder = index.save(index_dir(get_settings().data_dir))
    except VettedError as exc:
        Console(stderr=True).print(f"[bold red]error[/] {exc.code}: {escape(exc.message)}")
        raise typer.Exit(code=2) from None
    Console().print(f"built {len(index)} variants from {library.folder} (version {library.short_version}) "
                    f"with {embedder.model_id} in {time.perf_counter() - t0:.1f} s -> {folder}")
