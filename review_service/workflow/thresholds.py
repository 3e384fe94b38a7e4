"""Changing the routing thresholds of the playbook (the contract values at which a contract goes to legal, to
senior legal, or gets finance as a co-signer), with validation and an audit record.

The playbook stays the one source of truth: the change is written into the library folder's
``playbook.yaml`` (only the numbers of the ``routing.thresholds`` block are replaced, so comments and layout
survive), after the whole library has been validated with the new numbers in a scratch copy. A refused change
writes nothing. The library's version changes with it, so the worker loads the library again before its next
job (``review_service.jobs.worker``) and a re-scan re-routes the stored contracts.

Checks, each refused with ``InvalidRequestError`` and a message to act on:

- only thresholds the playbook names (``unknown_threshold``); a value is a finite number from 0 to 10^12;
- the value thresholds of the routing rules must not grow down the rule list: the rules are tried in order
  (senior legal first), so a later rule's threshold above an earlier one's could never fire
  (``thresholds_out_of_order``).
"""

from __future__ import annotations

import itertools
import math
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from review_service.library import Library, load_library
from review_service.library.loader import default_library_dir
from review_service.repository import audit
from review_service.repository.errors import InvalidRequestError

MAX_VALUE = 10**12
_BLOCK = re.compile(r"^(?P<indent>[ \t]+)thresholds:[ \t]*(?:#.*)?$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class ThresholdChange:
    changes: dict[str, dict[str, float]]  # name -> {"from": old, "to": new}
    version_from: str
    version_to: str


def library_folder(configured: Path | str | None) -> Path:
    return Path(configured).expanduser() if configured else default_library_dir()


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _check(library: Library, values: dict[str, float]) -> None:
    routing = library.playbook.routing
    unknown = sorted(set(values) - set(routing.thresholds))
    if unknown:
        raise InvalidRequestError(f"the playbook has no routing threshold {unknown[0]!r} (it has "
                                  f"{', '.join(routing.thresholds)})", code="unknown_threshold")
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
                or not 0 <= value <= MAX_VALUE:
            raise InvalidRequestError(f"{name}: give an amount from 0 to {MAX_VALUE:,} ({routing.currency})")
    merged = {**routing.thresholds, **values}
    # The value tests of the rules, in the order the rules are tried.
    ordered = [(rule.id, c.value_at_least) for rule in routing.rules for c in rule.conditions if c.value_at_least]
    for (rule_a, a), (rule_b, b) in itertools.pairwise(ordered):
        if merged[b] > merged[a]:
            raise InvalidRequestError(
                f"{b} ({merged[b]:,.0f}) may not exceed {a} ({merged[a]:,.0f}): the rule {rule_a} is tried before "
                f"{rule_b}, so {rule_b} would only ever see contracts below {merged[a]:,.0f}",
                code="thresholds_out_of_order")


def rewrite_thresholds(text: str, values: dict[str, float]) -> str:
    """``playbook.yaml``'s text with the numbers of ``routing.thresholds`` replaced; everything else as it was."""
    found = _BLOCK.search(text)
    if found is None:
        raise InvalidRequestError("playbook.yaml has no 'thresholds:' block under 'routing:' to change")
    indent = len(found.group("indent").expandtabs())
    lines = text[found.end():].split("\n")
    done: set[str] = set()
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() and not line.lstrip().startswith("#") and len(line) - len(line.lstrip()) <= indent:
            break  # the block ended
        m = re.match(r"^(\s+)([A-Za-z_][A-Za-z0-9_]*)(\s*:\s*)([^#\s]+)(.*)$", line)
        if m and m.group(2) in values:
            lines[i] = f"{m.group(1)}{m.group(2)}{m.group(3)}{_number(values[m.group(2)])}{m.group(5)}"
            done.add(m.group(2))
    missing = sorted(set(values) - done)
    if missing:
        raise InvalidRequestError(f"could not find {missing[0]} in playbook.yaml's thresholds block (it may use a "
                                  "YAML form Vetted does not rewrite): change it in the file")
    return text[:found.end()] + "\n".join(lines)


def set_thresholds(session: Session, *, values: dict[str, float], actor: str, ip: str | None = None,
                   folder: Path | str | None = None) -> ThresholdChange:
    """Validate and write new routing thresholds into the library's playbook; audited as
    ``playbook.thresholds`` (from, to, and the library version before and after). Nothing is written when a
    check fails, and nothing is changed when the values are the ones already set."""
    root = library_folder(folder)
    library = load_library(root)
    _check(library, values)
    current = library.playbook.routing.thresholds
    changes = {k: {"from": current[k], "to": v} for k, v in values.items() if float(current[k]) != float(v)}
    if not changes:
        return ThresholdChange({}, library.version, library.version)
    path = root / "playbook.yaml"
    text = rewrite_thresholds(path.read_text(encoding="utf-8"), {k: c["to"] for k, c in changes.items()})
    with tempfile.TemporaryDirectory(prefix="vetted-playbook-") as scratch:
        copy = Path(scratch) / "library"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns("build", ".*"))
        (copy / "playbook.yaml").write_text(text, encoding="utf-8")
        changed = load_library(copy)  # the whole library validates with the new numbers, or nothing is written
    audit.record(session, actor=actor, action="playbook.thresholds", target=f"library:{changed.short_version}",
                 ip=ip, detail={"changes": changes, "version_from": library.version, "version_to": changed.version})
    session.flush()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)  # atomic: a reader sees the old file or the new one, never half of it
    return ThresholdChange(changes, library.version, changed.version)
