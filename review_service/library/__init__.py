"""The clause library and playbook: file schema, loader and validator.

- :mod:`.schema`: the pydantic models of a clause type file and of ``playbook.yaml``;
- :mod:`.loader`: :func:`load_library` (validated :class:`Library` with a content-hash ``version``);
- :mod:`.validate`: :func:`validate_library`, every problem with its file, line and column;
- :mod:`.cli`: ``vetted library validate`` and ``vetted library show``.

Building the FAISS index over :meth:`Library.texts` needs the embedding model and belongs to the matching
package (``vetted library build``, see the note in :mod:`.cli`).
"""

from __future__ import annotations

from review_service.library.loader import (
    Library,
    LibraryError,
    LibraryText,
    default_library_dir,
    load_library,
)
from review_service.library.schema import SEVERITIES, ClauseType, Playbook, Severity, severity_rank
from review_service.library.validate import Problem, validate_library

__all__ = [
    "SEVERITIES",
    "ClauseType",
    "Library",
    "LibraryError",
    "LibraryText",
    "Playbook",
    "Problem",
    "Severity",
    "default_library_dir",
    "load_library",
    "severity_rank",
    "validate_library",
]
