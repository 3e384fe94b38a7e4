"""The clause index: every library variant in a FAISS index, labelled with its clause type and position.

Built from a validated :class:`Library` and an embedder; saved as a build output (never committed) under
``<data_dir>/index/`` with a manifest holding the library's content hash and the model id, so a stale index
is noticed and rebuilt rather than silently used.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import faiss
import numpy as np

from review_service.library import Library, LibraryText
from review_service.matching.embed import Embedder

MANIFEST = "manifest.json"


@dataclass(frozen=True, slots=True)
class Hit:
    entry: LibraryText
    score: float  # cosine similarity, -1..1


class ClauseIndex:
    def __init__(self, entries: list[LibraryText], vectors: np.ndarray, *, model_id: str,
                 library_version: str) -> None:
        if len(entries) != len(vectors):
            raise ValueError("one vector per library text")
        self.entries = entries
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.model_id = model_id
        self.library_version = library_version
        self._index = faiss.IndexFlatIP(self.vectors.shape[1])
        self._index.add(self.vectors)

    def __len__(self) -> int:
        return len(self.entries)

    def search(self, queries: np.ndarray, k: int = 10) -> list[list[Hit]]:
        """The ``k`` closest library variants to each query vector (unit vectors: inner product = cosine)."""
        if len(queries) == 0:
            return []
        k = min(k, len(self.entries))
        scores, ids = self._index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
        return [[Hit(self.entries[i], float(s)) for s, i in zip(row_s, row_i, strict=True) if i >= 0]
                for row_s, row_i in zip(scores, ids, strict=True)]

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self._index, str(folder / "library.faiss"))
        (folder / "entries.json").write_text(json.dumps([asdict(e) for e in self.entries]))
        manifest = {"library_version": self.library_version, "model": self.model_id,
                    "entries": len(self.entries), "dim": int(self.vectors.shape[1])}
        # The manifest is written last: a folder without it is an unfinished build and is ignored.
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        return folder

    @classmethod
    def load(cls, folder: Path, *, library_version: str, model_id: str) -> ClauseIndex | None:
        """The saved index when it matches this library and model; None when absent or stale."""
        try:
            manifest = json.loads((folder / MANIFEST).read_text())
        except (OSError, ValueError):
            return None
        if manifest.get("library_version") != library_version or manifest.get("model") != model_id:
            return None
        index = faiss.read_index(str(folder / "library.faiss"))
        vectors = index.reconstruct_n(0, index.ntotal)
        entries = [LibraryText(**e) for e in json.loads((folder / "entries.json").read_text())]
        return cls(entries, vectors, model_id=model_id, library_version=library_version)


def build_index(library: Library, embedder: Embedder, known: dict[str, np.ndarray] | None = None) -> ClauseIndex:
    """The index of ``library``; texts found in ``known`` (text -> vector, same model) are not embedded again."""
    entries = list(library.texts())
    known = known or {}
    missing = sorted({e.text for e in entries if e.text not in known})
    if missing:
        known = {**known, **dict(zip(missing, embedder.encode(missing), strict=True))}
    dim = next(iter(known.values())).shape[0] if known else 0
    vectors = np.vstack([known[e.text] for e in entries]) if entries else np.zeros((0, dim), dtype=np.float32)
    return ClauseIndex(entries, vectors, model_id=embedder.model_id, library_version=library.version)


def _saved_vectors(folder: Path, model_id: str) -> dict[str, np.ndarray]:
    """Text -> vector of the index saved in ``folder`` when it was built with this model (else empty)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
        if manifest.get("model") != model_id:
            return {}
        index = faiss.read_index(str(folder / "library.faiss"))
        texts = [e["text"] for e in json.loads((folder / "entries.json").read_text())]
    except (OSError, ValueError, KeyError, RuntimeError):
        return {}
    if len(texts) != index.ntotal:
        return {}
    return dict(zip(texts, index.reconstruct_n(0, index.ntotal), strict=True))


def index_dir(data_dir: Path) -> Path:
    return data_dir / "index"


def load_or_build(library: Library, embedder: Embedder, data_dir: Path) -> ClauseIndex:
    """The index for this library and model, from the build folder when fresh, else built and saved."""
    embedder_warm = getattr(embedder, "warm_up", None)
    if embedder_warm:
        embedder_warm()
    folder = index_dir(data_dir)
    index = ClauseIndex.load(folder, library_version=library.version, model_id=embedder.model_id)
    if index is None:
        # A playbook edit (a routing threshold) or one new variant changes the library's version; the texts
        # already embedded by this model keep their vectors, so only new wording goes through the model.
        index = build_index(library, embedder, known=_saved_vectors(folder, embedder.model_id))
        index.save(folder)
    return index
