"""The clause library browser, for everyone: the glossary (each clause type's plain-language definition,
searchable and filterable by lane) and a page per clause type with its owning lane, where it is required,
the standard text, the fallbacks in order, the red flags with their severity and the parameters with their
playbook bounds. Glossary and type pages link to each other, and a definition that names another clause type
links to it."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from api.deps import SettingsDep
from api.web.render import render
from api.web.session import PageUser
from review_service.library import Library, load_library
from review_service.library.loader import default_library_dir, library_stamp
from review_service.library.schema import Allowed, ClauseType, Expected, Limit, Parameter
from review_service.repository.errors import NotFoundError
from review_service.settings import Settings

router = APIRouter()
LANES = {"legal": "Legal", "procurement": "Procurement", "finance": "Finance"}
STYLE_NAMES = {"plain": "Plain English", "legalese": "Formal", "order_form": "Order form", "uk": "UK drafting",
               "us_saas": "US SaaS"}


@functools.lru_cache(maxsize=4)
def _load(folder: str, stamp: int) -> Library:
    return load_library(folder)


def current_library(settings: Settings) -> Library:
    """The library the service reviews against, loaded once per change of its files."""
    folder = Path(settings.library_dir).expanduser() if settings.library_dir else default_library_dir()
    return _load(str(folder), library_stamp(folder))  # a library edited on disk is read again


@dataclass(frozen=True, slots=True)
class Requirement:
    summary: str
    contract_types: list[str]
    with_personal_data: list[str]


def requirement(library: Library, ct: ClauseType) -> Requirement:
    """Where the playbook requires a clause type, in words."""
    always = [c.title for c in library.playbook.contract_types if ct.id in c.requires]
    personal = [c.title for c in library.playbook.contract_types
                if ct.id in c.requires_when_personal_data and ct.id not in c.requires]
    if ct.required.never and not always and not personal:
        summary = "Not required: recognised when present."
    elif ct.required.always:
        summary = "Required in every buying agreement."
    elif ct.required.when_personal_data and not always:
        summary = "Required when the vendor processes personal data for us."
    else:
        summary = "Required in some kinds of agreement."
    return Requirement(summary, always, personal)


def _number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    return f"{value:,}" if isinstance(value, int | float) and not isinstance(value, bool) else str(value)


def bound_text(param: Parameter, kind: str, bound: object) -> str:
    """A playbook bound in words: "at least 30 days after receipt of a correct invoice"."""
    unit = f" {param.unit}" if param.unit else ""
    if isinstance(bound, Limit):
        figure = _number(bound.value) + unit if bound.value is not None else "the contract value"
        return f"at least {figure}" if kind == "min" else f"at most {figure}"
    if isinstance(bound, Allowed):
        return "one of " + ", ".join(bound.values)
    if isinstance(bound, Expected):
        return "must be yes" if bound.value else "must be no"
    return str(bound)


def link_mentions(text: str, library: Library, *, skip: str | None = None) -> Markup:
    """``text`` (escaped) with each other clause type's title it mentions linked to that type's page."""
    titles = {ct.title.casefold(): ct.id for ct in library.clause_types.values() if ct.id != skip}
    if not titles:
        return Markup(escape(text))
    pattern = re.compile(r"\b(" + "|".join(re.escape(t) for t in sorted(titles, key=len, reverse=True)) + r")\b",
                         re.IGNORECASE)
    out, pos, seen = [], 0, set()
    for m in pattern.finditer(text):
        target = titles[m.group(1).casefold()]
        if target in seen:
            continue  # link a type once per text
        seen.add(target)
        out.append(escape(text[pos:m.start()]))
        out.append(f'<a href="/library/{target}">{escape(m.group(1))}</a>')
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("".join(out))


def _matches(ct: ClauseType, q: str) -> bool:
    needle = q.casefold()
    return any(needle in s.casefold() for s in (ct.title, ct.id.replace("_", " "), ct.glossary, *ct.headings,
                                                 *ct.keywords))


@router.get("/library", response_class=HTMLResponse)
def read_library(request: Request, user: PageUser, settings: SettingsDep,
                 lane: Annotated[str | None, Query(max_length=20)] = None,
                 q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    library = current_library(settings)
    lane = lane if lane in LANES else None
    q = q.strip()
    entries = sorted(library.clause_types.values(), key=lambda c: c.title.casefold())
    shown = [c for c in entries if (lane is None or c.lane == lane) and (not q or _matches(c, q))]
    counts = {key: sum(1 for c in entries if c.lane == key) for key in LANES}
    glossary = {c.id: link_mentions(c.glossary, library, skip=c.id) for c in shown}
    return render(request, "library.html", user, entries=shown, total=len(entries), lane=lane, q=q, lanes=LANES,
                  counts=counts, glossary=glossary, library=library)


@router.get("/library/{clause_type}", response_class=HTMLResponse)
def read_clause_type(clause_type: str, request: Request, user: PageUser, settings: SettingsDep) -> HTMLResponse:
    library = current_library(settings)
    ct = library.clause_types.get(clause_type)
    if ct is None:
        raise NotFoundError(f"The clause library has no clause type called {clause_type!r}.")
    parameters = [(p, [(kind, bound, bound_text(p, kind, bound)) for kind, bound in p.bounds()])
                  for p in ct.parameters]
    policy = next((r for r in library.playbook.policy_rows if r.clause_type == ct.id), None)
    return render(request, "library_type.html", user, ct=ct, lanes=LANES, styles=STYLE_NAMES,
                  glossary=link_mentions(ct.glossary, library, skip=ct.id), required=requirement(library, ct),
                  parameters=parameters, policy=policy, library=library)
