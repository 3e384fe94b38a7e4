"""The review as people read it: in the terminal, and as Markdown."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel

from review_service.review.engine import Deviation, Review
from review_service.review.redline import render_redline

SEVERITY_STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "cyan",
                  "info": "dim"}
ROUTE_LABEL = {"self_serve": "self-serve (procurement may proceed)", "legal": "legal review",
               "senior_legal": "senior legal review"}


def _summary(review: Review) -> str:
    counts = ", ".join(f"{n} {s}" for s, n in review.counts().items() if n) or "no deviations"
    return f"{ROUTE_LABEL.get(review.route.route, review.route.route)} · approver: {review.route.approver} · {counts}"


def _where(review: Review, d: Deviation) -> str:
    if d.clause_id is None:
        return "whole draft"
    clause = next(c for c in review.clauses if c.id == d.clause_id)
    label = " ".join(x for x in (clause.number, clause.heading) if x) or clause.id
    return f"{label} (page {clause.page})"


def terminal_report(console: Console, review: Review, name: str) -> None:
    route_style = {"self_serve": "green", "legal": "yellow", "senior_legal": "red"}.get(review.route.route, "white")
    console.print(Panel(f"[bold]{escape(_summary(review))}[/]\n[dim]reasons: {', '.join(review.route.reasons)}[/]",
                        title=f"{escape(name)} · {review.contract_type}"
                              + (f" · ${review.value:,.0f}" if review.value is not None else ""),
                        border_style=route_style, expand=False))
    for w in review.route.warnings + list(review.document.warnings):
        console.print(f"[yellow]warning[/] {escape(w)}")
    for severity in ("critical", "high", "medium", "low", "info"):
        group = [d for d in review.deviations if d.severity == severity]
        if not group:
            continue
        console.rule(f"[{SEVERITY_STYLE[severity]}]{severity.upper()}[/] ({len(group)})", align="left")
        for d in group:
            console.print(f"[{SEVERITY_STYLE[severity]}]●[/] [bold]{escape(d.clause_type or 'unrecognized')}[/] "
                          f"[dim]{escape(d.rule)} · {d.kind} · {escape(_where(review, d))}[/]")
            console.print(f"  {escape(d.message)}")
            if d.evidence is not None:
                quote = " ".join(d.evidence.text.split())
                console.print(f"  [dim]evidence:[/] “{escape(quote[:400])}{'…' if len(quote) > 400 else ''}”")
            if d.kind == "missing" and d.library_text:
                # A missing clause is answered with the standard language; the fallback is the compromise.
                console.print(f"  [green]add:[/] {escape(d.library_text)}")
                if d.fallback_text:
                    console.print(f"  [green]if the vendor pushes back:[/] {escape(d.fallback_text)}")
            elif d.fallback_text:
                console.print(f"  [green]offer:[/] {escape(d.fallback_text)}")
            elif d.library_text and d.kind in NO_COMPROMISE:
                console.print(f"  [green]ask for:[/] {escape(d.library_text)} [dim](no approved fallback softens "
                              "this)[/]")
    t = review.timings
    console.print(f"[dim]{len(review.clauses)} clauses · library {review.library_version[:12]} · {review.model} · "
                  + " · ".join(f"{k} {v * 1000:.0f} ms" for k, v in t.items()) + "[/]")


# Deviations that the library's approved language answers when no fallback does.
NO_COMPROMISE = ("parameter", "red_flag")


def markdown_report(review: Review, name: str) -> str:
    lines = [f"# Review of {name}", "", f"**{_summary(review)}**", "",
             f"Reasons: {', '.join(f'`{r}`' for r in review.route.reasons)}", ""]
    for w in review.route.warnings:
        lines += [f"> Warning: {w}", ""]
    for severity in ("critical", "high", "medium", "low", "info"):
        group = [d for d in review.deviations if d.severity == severity]
        if not group:
            continue
        lines += [f"## {severity.capitalize()} ({len(group)})", ""]
        for d in group:
            lines += [f"### {d.clause_type or 'Unrecognized clause'} — {_where(review, d)}", "",
                      f"`{d.rule}` ({d.kind}). {d.message}", ""]
            if d.evidence is not None:
                lines += ["> " + " ".join(d.evidence.text.split()), ""]
            if d.redline:
                lines += ["Redline to the approved text: " + render_redline(d.redline), ""]
            if d.kind == "missing" and d.library_text:
                lines += [f"**Add:** {d.library_text}", ""]
                if d.fallback_text:
                    lines += [f"**If the vendor pushes back:** {d.fallback_text}", ""]
            elif d.fallback_text:
                lines += [f"**Fallback to offer:** {d.fallback_text}", ""]
            elif d.library_text and d.kind in NO_COMPROMISE:
                lines += [f"**No approved fallback; ask for the approved text:** {d.library_text}", ""]
    lines += [f"_Library {review.library_version[:12]}, model {review.model}._", ""]
    return "\n".join(lines)
