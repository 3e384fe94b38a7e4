"""Check a clause library folder and report every problem with its file, line and column.

A library folder holds ``playbook.yaml`` and one YAML file per clause type in ``clauses/``. Each file is
parsed with :func:`yaml.compose` so that every value keeps its position; pydantic error locations and the
cross-file checks below are mapped back to those positions. Nothing stops at the first problem: a legal
editor fixing a customer library wants the whole list at once.

Cross-file checks: file name matches the clause id; ids unique; variant texts unique across the library;
rule ids carry one severity per clause type; preferred and fallback values respect the bounds; the playbook
names only known clause types, and its contract types agree with each clause type's ``required``; every
policy row is covered by exactly one clause type, with red flags, and with fallbacks exactly where the
policy offers one; routing rules name known thresholds and end in a catch-all.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from review_service.library.schema import (
    SEVERITIES,
    ClauseType,
    Fallback,
    Limit,
    Parameter,
    Playbook,
    RedFlag,
    value_fits_type,
)

PLAYBOOK_FILE = "playbook.yaml"
CLAUSES_DIR = "clauses"
YAML_SUFFIXES = (".yaml", ".yml")
#: all-MiniLM-L6-v2 reads at most 256 word pieces; a longer variant is silently cut when embedded.
MAX_VARIANT_WORDS = 180
MIN_STANDARD_VARIANTS = 3

Path_ = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a library file; line and column are 1-based."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


@dataclass
class Inspection:
    """What reading a library folder produced: the parsed models, per-file digests and the problems."""

    folder: Path
    clause_types: dict[str, ClauseType] = field(default_factory=dict)
    playbook: Playbook | None = None
    digests: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class _File:
    """A parsed YAML file with its node tree, so that any data path can be turned into a position."""

    path: Path
    node: Node | None
    data: Any

    def at(self, path: Path_, message: str, *, at_key: bool = False) -> Problem:
        line, column = locate(self.node, path, at_key=at_key)
        return Problem(str(self.path), line, column, message)


def validate_library(folder: Path | str) -> list[Problem]:
    """Every problem in the library at ``folder``, sorted by file and line; empty when it is clean."""
    return inspect_library(Path(folder)).problems


def inspect_library(folder: Path) -> Inspection:
    """Read, parse and check the library at ``folder``; never raises for a bad library."""
    result = Inspection(folder=folder)
    problems = result.problems
    if not folder.is_dir():
        problems.append(Problem(str(folder), 1, 1, "library folder not found (check VETTED_LIBRARY_DIR)"))
        return result

    playbook_file: _File | None = None
    playbook_path = folder / PLAYBOOK_FILE
    if playbook_path.is_file():
        playbook_file = _read(playbook_path, problems)
    else:
        problems.append(Problem(str(playbook_path), 1, 1, "missing: the library needs a playbook.yaml"))
    for stray in sorted(folder.iterdir()):
        if stray.suffix in YAML_SUFFIXES and stray.name != PLAYBOOK_FILE and not stray.name.startswith("."):
            problems.append(
                Problem(str(stray), 1, 1, f"not read: clause type files belong in {CLAUSES_DIR}/")
            )

    clauses_dir = folder / CLAUSES_DIR
    clause_paths = (
        sorted(p for p in clauses_dir.iterdir() if p.suffix in YAML_SUFFIXES and not p.name.startswith("."))
        if clauses_dir.is_dir()
        else []
    )
    if not clause_paths:
        problems.append(Problem(str(clauses_dir), 1, 1, "no clause type files (*.yaml) found"))

    clause_files: dict[str, _File] = {}
    # Clause files that do not parse: the playbook's references to them are not reported a second time.
    broken: set[str] = set()
    for path in clause_paths:
        parsed = _read(path, problems)
        clause = _model(ClauseType, parsed, problems) if parsed is not None else None
        if parsed is None or clause is None:
            broken.add(path.stem)
            continue
        if clause.id != path.stem:
            problems.append(parsed.at(("id",), f"id {clause.id!r} differs from the file name {path.name!r}"))
        if clause.id in result.clause_types:
            first = clause_files[clause.id].path
            problems.append(parsed.at(("id",), f"duplicate clause type id {clause.id!r} (also in {first})"))
            continue
        result.clause_types[clause.id] = clause
        clause_files[clause.id] = parsed
        result.digests.append(_digest(parsed.data))
        problems.extend(_check_clause(clause, parsed))

    problems.extend(_check_duplicate_texts(result.clause_types, clause_files))

    if playbook_file is not None:
        playbook = _model(Playbook, playbook_file, problems)
        if playbook is not None:
            result.playbook = playbook
            result.digests.append(_digest(playbook_file.data))
            problems.extend(
                _check_playbook(playbook, playbook_file, result.clause_types, clause_files, broken)
            )

    problems.sort()
    return result


def library_version(digests: Sequence[str]) -> str:
    """The library's content hash: sha256 over the sorted per-file digests (file names do not count)."""
    return hashlib.sha256("\n".join(sorted(digests)).encode()).hexdigest()


# ---------------------------------------------------------------------------------------------------------
# Reading and locating


def _read(path: Path, problems: list[Problem]) -> _File | None:
    """Parse ``path`` into a node tree and plain data; a syntax error becomes a problem at its mark."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(str(path), 1, 1, f"cannot read: {exc}"))
        return None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(filter(None, [exc.context, exc.problem]))
        problems.append(Problem(str(path), line, column, f"YAML syntax error: {what}"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(str(path), 1, 1, f"YAML error: {exc}"))
        return None
    finally:
        loader.dispose()
    parsed = _File(path, node, data)
    if node is None:
        problems.append(Problem(str(path), 1, 1, "the file is empty"))
        return None
    problems.extend(_duplicate_keys(parsed, node))
    return parsed


def _duplicate_keys(parsed: _File, node: Node) -> list[Problem]:
    """YAML keeps the last of two equal keys without a word; a reviewer almost never means that."""
    found: list[Problem] = []
    if isinstance(node, MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if isinstance(key, ScalarNode):
                if key.value in seen:
                    found.append(
                        Problem(
                            str(parsed.path),
                            key.start_mark.line + 1,
                            key.start_mark.column + 1,
                            f"duplicate key {key.value!r}: the earlier value would be silently dropped",
                        )
                    )
                seen.add(key.value)
            found.extend(_duplicate_keys(parsed, value))
    elif isinstance(node, SequenceNode):
        for item in node.value:
            found.extend(_duplicate_keys(parsed, item))
    return found


def locate(node: Node | None, path: Path_, *, at_key: bool = False) -> tuple[int, int]:
    """The 1-based (line, column) of the value at ``path`` in a composed YAML tree.

    Path parts that do not match the tree (pydantic adds union member names to its locations) are skipped;
    a key that is absent (a missing field) leaves the position at the enclosing mapping. A scalar is
    reported at the value itself (at its key with ``at_key``, for an unknown key); a mapping or list at the
    key that introduces it.
    """
    if node is None:
        return 1, 1
    current: Node = node
    mark_node: Node = node
    for part in path:
        if isinstance(current, MappingNode) and isinstance(part, str):
            for key, value in current.value:
                if isinstance(key, ScalarNode) and key.value == part:
                    current = value
                    mark_node = value if isinstance(value, ScalarNode) and not at_key else key
                    break
        elif isinstance(current, SequenceNode) and isinstance(part, int) and 0 <= part < len(current.value):
            current = current.value[part]
            mark_node = current
    return mark_node.start_mark.line + 1, mark_node.start_mark.column + 1


def _model(cls: type[M], parsed: _File, problems: list[Problem]) -> M | None:
    try:
        return cls.model_validate(parsed.data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc: Path_ = tuple(error["loc"])
            # A model-level check names the field it is about ("preferred: ..."): point at that field.
            named = re.match(r"Value error, ([a-z_]+): ", str(error["msg"]))
            if error["type"] == "value_error" and named:
                loc = (*loc, named.group(1))
                error = {**error, "msg": str(error["msg"])[named.end() :]}
            at_key = error["type"] == "extra_forbidden"
            problems.append(parsed.at(loc, _message(loc, error), at_key=at_key))
        return None


def _message(loc: Path_, error: Any) -> str:
    """A pydantic error as a sentence a library editor can act on."""
    where = _dotted(loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"unknown key {loc[-1]!r}" + (f" in {_dotted(loc[:-1])}" if len(loc) > 1 else "")
    if kind == "missing":
        return f"missing required key {loc[-1]!r}" + (f" in {_dotted(loc[:-1])}" if len(loc) > 1 else "")
    msg = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {msg}" if where else msg


def _dotted(loc: Path_) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[a-z_][a-z0-9_]*", part):
            out += f".{part}" if out else part
        # union member names such as 'list[str]' say nothing to an editor
    return out


def _digest(data: Any) -> str:
    """A file's content, normalized: comments, key order and layout do not change it."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


# ---------------------------------------------------------------------------------------------------------
# Checks within one clause type


def _check_clause(clause: ClauseType, parsed: _File) -> list[Problem]:
    found: list[Problem] = []
    at = parsed.at

    sentences = [s for s in re.split(r"(?<=[.!?])\s+", clause.glossary) if s]
    if len(sentences) > 3:
        found.append(at(("glossary",), f"the glossary has {len(sentences)} sentences; keep it to 1-3"))

    substantive = not clause.boilerplate
    if substantive and clause.policy_row is not None:
        styles = {v.style for v in clause.standard}
        if len(clause.standard) < MIN_STANDARD_VARIANTS or len(styles) < MIN_STANDARD_VARIANTS:
            found.append(
                at(
                    ("standard",),
                    f"a substantive clause type needs at least {MIN_STANDARD_VARIANTS} standard variants in "
                    f"{MIN_STANDARD_VARIANTS} different styles (has {len(clause.standard)} in "
                    f"{len(styles)})",
                )
            )
    elif len(clause.standard) < 2:
        found.append(at(("standard",), "give at least 2 standard variants so the matcher recognizes it"))

    positions: list[tuple[str, Sequence[Fallback | RedFlag]]] = [
        ("fallbacks", clause.fallbacks),
        ("red_flags", clause.red_flags),
    ]
    for kind, items in positions:
        for i, item in enumerate(items):
            if len({v.style for v in item.texts}) < 2:
                found.append(at((kind, i, "texts"), f"{item.id}: write the texts in at least 2 styles"))

    for kind, ids in (
        ("parameters", [p.name for p in clause.parameters]),
        ("fallbacks", [f.id for f in clause.fallbacks]),
        ("red_flags", [r.id for r in clause.red_flags]),
    ):
        seen: set[str] = set()
        for i, id_ in enumerate(ids):
            if id_ in seen:
                found.append(at((kind, i), f"duplicate id {id_!r} in {kind}"))
            seen.add(id_)

    # One rule id, one severity: a red flag and the bound that detects it describe the same deviation.
    severities: dict[str, tuple[str, Path_]] = {
        r.id: (r.severity, ("red_flags", i, "severity")) for i, r in enumerate(clause.red_flags)
    }
    for i, p in enumerate(clause.parameters):
        for kind, bound in p.bounds():
            where: Path_ = ("parameters", i, kind, "severity")
            if bound.rule in severities and severities[bound.rule][0] != bound.severity:
                found.append(
                    at(
                        where,
                        f"rule {bound.rule!r} is {bound.severity} here but {severities[bound.rule][0]} "
                        "elsewhere in this clause type",
                    )
                )
            severities.setdefault(bound.rule, (bound.severity, where))
        found.extend(_check_parameter(p, ("parameters", i), at))

    params = {p.name: p for p in clause.parameters}
    for i, fb in enumerate(clause.fallbacks):
        for name, value in fb.values.items():
            where = ("fallbacks", i, "values", name)
            param = params.get(name)
            if param is None:
                found.append(at(where, f"fallback {fb.id!r} sets {name!r}, which is not a parameter here"))
            elif not value_fits_type(param.type, value):
                found.append(at(where, f"{name} is a {param.type} parameter; {value!r} does not fit"))
            else:
                for bound in param.check(value):
                    found.append(
                        at(where, f"fallback {fb.id!r} sets {name}={value!r}, breaking rule {bound.rule!r}")
                    )

    for i, v in enumerate(clause.standard):
        found.extend(_check_length(v.text, ("standard", i, "text"), at))
    for kind, items in positions:
        for i, item in enumerate(items):
            for j, v in enumerate(item.texts):
                found.extend(_check_length(v.text, (kind, i, "texts", j, "text"), at))
    return found


def _check_parameter(p: Parameter, where: Path_, at: Any) -> list[Problem]:
    found: list[Problem] = []
    if p.min and p.max and p.min.value is not None and p.max.value is not None and p.min.value > p.max.value:
        found.append(at((*where, "min"), f"{p.name}: min {p.min.value} is above max {p.max.value}"))
    if p.preferred is not None and value_fits_type(p.type, p.preferred):
        for bound in p.check(p.preferred):
            kind = next(k for k, b in p.bounds() if b is bound)
            shown = bound.value if isinstance(bound, Limit) else getattr(bound, "values", None)
            found.append(
                at(
                    (*where, "preferred"),
                    f"{p.name}: preferred value {p.preferred!r} is outside its own {kind} bound {shown!r}",
                )
            )
    return found


def _check_length(text: str, where: Path_, at: Any) -> list[Problem]:
    words = len(text.split())
    if words > MAX_VARIANT_WORDS:
        return [at(where, f"variant has {words} words; the embedding model reads about {MAX_VARIANT_WORDS}")]
    return []


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w%$]+", " ", text.casefold()).split())


def _check_duplicate_texts(clauses: dict[str, ClauseType], files: dict[str, _File]) -> list[Problem]:
    """The same words labelled twice would make the index vote against itself."""
    found: list[Problem] = []
    seen: dict[str, str] = {}
    for clause_id, clause in clauses.items():
        counters = {
            "fallback": {f.id: i for i, f in enumerate(clause.fallbacks)},
            "red_flag": {r.id: i for i, r in enumerate(clause.red_flags)},
        }
        positions: dict[tuple[str, str | None], int] = {}
        std = 0
        for position, pos_id, variant in clause.variants():
            if position == "standard":
                path: Path_ = ("standard", std, "text")
                label = f"{clause_id} standard[{std}]"
                std += 1
            else:
                n = positions.get((position, pos_id), 0)
                positions[(position, pos_id)] = n + 1
                kind = "fallbacks" if position == "fallback" else "red_flags"
                path = (kind, counters[position][pos_id or ""], "texts", n, "text")
                label = f"{clause_id} {position} {pos_id}"
            key = _normal(variant.text)
            if key in seen:
                found.append(files[clause_id].at(path, f"duplicate variant text (same as {seen[key]})"))
            else:
                seen[key] = label
    return found


# ---------------------------------------------------------------------------------------------------------
# Checks of the playbook against the clause types


def _check_playbook(
    playbook: Playbook,
    parsed: _File,
    clauses: dict[str, ClauseType],
    files: dict[str, _File],
    broken: set[str],
) -> list[Problem]:
    found: list[Problem] = []
    at = parsed.at

    scale = [level.id for level in playbook.severity_scale]
    if scale != list(SEVERITIES):
        found.append(at(("severity_scale",), f"the severity scale must be {', '.join(SEVERITIES)}, in order"))

    type_ids: set[str] = set()
    for i, ct in enumerate(playbook.contract_types):
        if ct.id in type_ids:
            found.append(at(("contract_types", i, "id"), f"duplicate contract type {ct.id!r}"))
        type_ids.add(ct.id)
        for key in ("requires", "requires_when_personal_data"):
            listed: list[str] = getattr(ct, key)
            for j, clause_id in enumerate(listed):
                where: Path_ = ("contract_types", i, key, j)
                if clause_id in broken:
                    continue
                if clause_id not in clauses:
                    found.append(at(where, f"unknown clause type {clause_id!r}"))
                elif listed.index(clause_id) != j:
                    found.append(at(where, f"{clause_id!r} is listed twice"))
                elif clauses[clause_id].boilerplate:
                    found.append(at(where, f"{clause_id!r} is boilerplate and cannot be required"))

    # The playbook's lists are what the engine uses; each clause type's `required` says the same in words.
    for clause_id, clause in clauses.items():
        req = clause.required
        for ct_id in req.contract_types:
            if ct_id not in type_ids:
                found.append(files[clause_id].at(("required",), f"unknown contract type {ct_id!r}"))
        for i, ct in enumerate(playbook.contract_types):
            says = ct.id in req.contract_types or (ct.buying and req.always)
            says_pd = ct.buying and req.when_personal_data and not says
            for key, want in (("requires", says), ("requires_when_personal_data", says_pd)):
                listed = getattr(ct, key)
                if want and clause_id not in listed:
                    found.append(
                        files[clause_id].at(
                            ("required",),
                            f"required here for {ct.id!r}, but playbook {ct.id}.{key} omits {clause_id}",
                        )
                    )
                elif not want and clause_id in listed:
                    found.append(
                        at(
                            ("contract_types", i, key, listed.index(clause_id)),
                            f"{clause_id} is listed, but {clause_id}.yaml's 'required' does not say so "
                            f"for {ct.id!r}",
                        )
                    )
        if not req.never and clause.missing_severity is None:
            found.append(
                files[clause_id].at(
                    ("required",),
                    "a required clause type needs a red flag or a bound: its absence takes that severity",
                )
            )

    found.extend(_check_policy_rows(playbook, parsed, clauses, files, broken))
    found.extend(_check_routing(playbook, parsed))
    return found


def _check_policy_rows(
    playbook: Playbook,
    parsed: _File,
    clauses: dict[str, ClauseType],
    files: dict[str, _File],
    broken: set[str],
) -> list[Problem]:
    found: list[Problem] = []
    at = parsed.at
    rows = playbook.policy_rows
    numbers = [r.row for r in rows]
    if sorted(numbers) != list(range(1, len(rows) + 1)):
        found.append(at(("policy_rows",), "policy rows must be numbered 1..N, each once"))
    covered: dict[str, int] = {}
    for i, row in enumerate(rows):
        clause = clauses.get(row.clause_type)
        if row.clause_type in broken:
            continue
        if clause is None:
            found.append(at(("policy_rows", i, "clause_type"), f"unknown clause type {row.clause_type!r}"))
            continue
        if row.clause_type in covered:
            found.append(
                at(
                    ("policy_rows", i, "clause_type"),
                    f"{row.clause_type} already covers row {covered[row.clause_type]}",
                )
            )
        covered[row.clause_type] = row.row
        cfile = files[row.clause_type]
        if clause.policy_row != row.row:
            found.append(cfile.at(("policy_row",), f"the playbook maps row {row.row} to this clause type"))
        if not clause.red_flags:
            found.append(cfile.at(("red_flags",), f"policy row {row.row} lists deviations: add red flags"))
        if row.has_fallback and not clause.fallbacks:
            found.append(cfile.at(("fallbacks",), f"policy row {row.row} offers a fallback: add it"))
        if not row.has_fallback and clause.fallbacks:
            found.append(cfile.at(("fallbacks",), f"policy row {row.row} approves no fallback: remove these"))
    for clause_id, clause in clauses.items():
        if clause.policy_row is not None and clause_id not in covered:
            found.append(
                files[clause_id].at(
                    ("policy_row",), f"row {clause.policy_row} is not in the playbook's policy_rows"
                )
            )
    return found


def _check_routing(playbook: Playbook, parsed: _File) -> list[Problem]:
    found: list[Problem] = []
    at = parsed.at
    routing = playbook.routing
    ids: set[str] = set()
    for i, rule in enumerate(routing.rules):
        if rule.id in ids:
            found.append(at(("routing", "rules", i, "id"), f"duplicate routing rule {rule.id!r}"))
        ids.add(rule.id)
        for j, c in enumerate(rule.conditions):
            if c.value_at_least is not None and c.value_at_least not in routing.thresholds:
                found.append(
                    at(
                        ("routing", "rules", i, "conditions", j, "value_at_least"),
                        f"unknown threshold {c.value_at_least!r}",
                    )
                )
        for j, s in enumerate(rule.co_signers):
            if s.value_above not in routing.thresholds:
                found.append(
                    at(
                        ("routing", "rules", i, "co_signers", j, "value_above"),
                        f"unknown threshold {s.value_above!r}",
                    )
                )
        is_last = i == len(routing.rules) - 1
        if rule.match == "always" and not is_last:
            found.append(at(("routing", "rules", i, "match"), "rules after an 'always' rule never fire"))
        if is_last and rule.match != "always":
            found.append(at(("routing", "rules", i, "match"), "the last rule must match 'always'"))
    return found
