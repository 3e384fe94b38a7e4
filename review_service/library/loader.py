"""Load a clause library folder into a :class:`Library`, refusing one that does not validate.

The shipped library is the repository's ``clause_library/``; a customer points ``VETTED_LIBRARY_DIR`` at a
folder of its own with the same layout (``playbook.yaml`` and ``clauses/*.yaml``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from review_service.errors import LibraryError
from review_service.library.schema import ClauseType, Playbook, Position, Style
from review_service.library.validate import inspect_library, library_version

#: How many problems a LibraryError spells out; ``vetted library validate`` lists them all.
_SHOWN_PROBLEMS = 5


@dataclass(frozen=True, slots=True)
class LibraryText:
    """One variant as the index sees it: its text and the (clause type, position) it stands for."""

    clause_type: str
    position: Position
    #: The fallback or red flag id; None for the standard position.
    position_id: str | None
    text: str
    style: Style
    #: False for a wording kept only to recognise the type (see schema.Variant.offered).
    offered: bool = True


@dataclass(frozen=True)
class Library:
    """The validated clause types and playbook of one folder, with a content hash as ``version``.

    ``version`` changes when any file's content changes (not its comments or layout), which is what
    decides whether the repository needs a re-scan.
    """

    folder: Path
    clause_types: Mapping[str, ClauseType]
    playbook: Playbook
    version: str

    @property
    def short_version(self) -> str:
        return self.version[:12]

    def clause_type(self, id_: str) -> ClauseType:
        try:
            return self.clause_types[id_]
        except KeyError:
            message = f"the library has no clause type {id_!r}"
            raise LibraryError(message, code="unknown_clause_type") from None

    def required_clause_types(self, contract_type: str, *, personal_data: bool = False) -> list[ClauseType]:
        """The clause types a contract of ``contract_type`` must contain."""
        try:
            ct = self.playbook.contract_type(contract_type)
        except KeyError as exc:
            raise LibraryError(str(exc.args[0]), code="unknown_contract_type") from None
        return [self.clause_types[c] for c in ct.required_clause_types(personal_data=personal_data)]

    def texts(self) -> Iterator[LibraryText]:
        """Every variant of every clause type, labelled; what the index builder embeds."""
        for clause in self.clause_types.values():
            for position, position_id, variant in clause.variants():
                yield LibraryText(clause.id, position, position_id, variant.text, variant.style, variant.offered)


def default_library_dir() -> Path:
    """``VETTED_LIBRARY_DIR`` when set, else the library shipped in the repository."""
    from review_service.settings import get_settings

    configured = get_settings().library_dir
    if configured:
        return Path(configured).expanduser()
    return Path(__file__).resolve().parents[2] / "clause_library"


def library_stamp(folder: Path | str | None = None) -> int:
    """The newest modification time (ns) of the library's files: cheap to take before every job, and it moves
    when an edit (such as a routing threshold changed from the admin page) lands, so holders reload."""
    root = Path(folder).expanduser() if folder is not None else default_library_dir()
    files = [root / "playbook.yaml", *(root / "clauses").glob("*.yaml")]
    return max((f.stat().st_mtime_ns for f in files if f.exists()), default=0)


def load_library(folder: Path | str | None = None) -> Library:
    """Load and validate the library at ``folder`` (default: :func:`default_library_dir`)."""
    folder = Path(folder) if folder is not None else default_library_dir()
    inspection = inspect_library(folder)
    if inspection.problems or inspection.playbook is None:
        shown = "; ".join(str(p) for p in inspection.problems[:_SHOWN_PROBLEMS])
        more = len(inspection.problems) - _SHOWN_PROBLEMS
        tail = f" (and {more} more)" if more > 0 else ""
        raise LibraryError(
            f"the clause library at {folder} has {len(inspection.problems)} problem(s): {shown}{tail}; "
            "run `vetted library validate` to list them"
        )
    return Library(
        folder=folder,
        clause_types=dict(sorted(inspection.clause_types.items())),
        playbook=inspection.playbook,
        version=library_version(inspection.digests),
    )
