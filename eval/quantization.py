"""int8 quantisation of the embedding model: how much faster, and how far its vectors move from fp32.

    python -m eval.quantization [PDF] [--repeat N]

The texts are the ones a review of the speed evaluation's 30-page PDF sends through the model (extracted,
segmented, the clauses that need the model, each distinct text once). Each variant is torch's dynamic int8
quantisation of the transformer's linear layers (activations quantised per call, weights ahead of time):

- ``int8, per-tensor weights``: every linear layer;
- ``int8, per-channel weights``: every linear layer, one scale per output row of the weights;
- ``int8, per-channel, FFN output in fp32``: as above but the feed-forward output layers, whose inputs
  (after GELU) have the widest range, stay in fp32.

Per variant: the forward pass (median of ``--repeat`` runs, with fp32 timed between them so that the ratio holds
on a busy machine) and the cosine of each text's vector to its fp32 vector (min, 1st percentile, median). The
issue allows quantisation only where the ACORD and CUAD figures hold; a cosine far below bf16's (min 0.9998 to
fp32) already says they would not, so these variants are not run through those evaluations.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from eval.report import markdown_table, write_report
from eval.review_speed import DEFAULT_PDF


def model_texts(pdf: Path) -> list[str]:
    """The distinct texts a review of ``pdf`` embeds."""
    from review_service.ingest import extract
    from review_service.ingest.segment import segment
    from review_service.matching.embed import SentenceEmbedder
    from review_service.review.engine import Reviewer

    reviewer = Reviewer(embedder=SentenceEmbedder(precision="fp32"), data_dir=Path(tempfile.mkdtemp()))
    reviewer.warm_up()
    clauses = segment(extract(pdf))
    return list(dict.fromkeys(c.text for c in clauses if reviewer.needs_model(c)))


def _linear_layers(model: Any, keep_fp32: Callable[[str], bool]) -> dict[str, Any]:
    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig

    return {name: per_channel_dynamic_qconfig for name, module in model.named_modules()
            if isinstance(module, torch.nn.Linear) and not keep_fp32(name)}


def _ffn_output(name: str) -> bool:
    return name.endswith("output.dense") and "attention" not in name


def variants() -> dict[str, Callable[[Any], None]]:
    import torch
    from torch.ao.quantization import quantize_dynamic

    def per_tensor(model: Any) -> None:
        quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)

    def per_channel(model: Any) -> None:
        quantize_dynamic(model, _linear_layers(model, lambda _: False), inplace=True)

    def per_channel_ffn_fp32(model: Any) -> None:
        quantize_dynamic(model, _linear_layers(model, _ffn_output), inplace=True)

    return {"int8, per-tensor weights": per_tensor, "int8, per-channel weights": per_channel,
            "int8, per-channel, FFN output in fp32": per_channel_ffn_fp32}


def _forward(embedder: Any, texts: list[str]) -> tuple[np.ndarray, float]:
    embedder.clear_cache()
    before = embedder.forward_seconds
    vectors = embedder.encode(texts)
    return vectors, embedder.forward_seconds - before


def evaluate(pdf: Path, repeat: int = 3) -> dict[str, Any]:
    import warnings

    from review_service.matching.embed import SentenceEmbedder

    warnings.filterwarnings("ignore", category=DeprecationWarning)  # torch.ao's notice that it moves to torchao
    texts = model_texts(pdf)
    fp32 = SentenceEmbedder(precision="fp32")
    fp32.warm_up()
    _forward(fp32, texts[:8])
    reference, _ = _forward(fp32, texts)
    rows = []
    for name, quantise in variants().items():
        embedder = SentenceEmbedder(precision="fp32")
        embedder.warm_up()
        quantise(embedder._model[0].auto_model)
        _forward(embedder, texts[:8])
        times: dict[str, list[float]] = {"fp32": [], "int8": []}
        vectors = reference
        for _ in range(repeat):  # alternate, so that both see the same load
            times["fp32"].append(_forward(fp32, texts)[1])
            vectors, seconds = _forward(embedder, texts)
            times["int8"].append(seconds)
        cosine = (vectors * reference).sum(axis=1)
        fp32_s, int8_s = statistics.median(times["fp32"]), statistics.median(times["int8"])
        rows.append({"variant": name, "fp32_seconds": fp32_s, "int8_seconds": int8_s, "speed_up": fp32_s / int8_s,
                     "cosine_min": float(cosine.min()), "cosine_p1": float(np.percentile(cosine, 1)),
                     "cosine_median": float(np.median(cosine))})
        print(f"{name}: {fp32_s:.2f} s -> {int8_s:.2f} s ({fp32_s / int8_s:.2f}x), cosine to fp32 min "
              f"{cosine.min():.4f}, median {np.median(cosine):.4f}", flush=True)
    return {"pdf": pdf.name, "texts": len(texts), "characters": sum(map(len, texts)), "repeat": repeat,
            "variants": rows}


def render(r: dict[str, Any]) -> str:
    table = markdown_table(
        ["variant", "fp32 forward", "int8 forward", "speed-up", "cosine min", "cosine 1st pct", "cosine median"],
        [[v["variant"], f"{v['fp32_seconds']:.2f} s", f"{v['int8_seconds']:.2f} s", f"{v['speed_up']:.2f}x",
          f"{v['cosine_min']:.4f}", f"{v['cosine_p1']:.4f}", f"{v['cosine_median']:.4f}"] for v in r["variants"]])
    return (f"# int8 quantisation of the embedding model\n\n`{r['pdf']}`: {r['texts']} distinct clause texts, "
            f"{r['characters']:,} characters; forward pass, medians of {r['repeat']} runs alternating with fp32.\n\n"
            f"{table}\n\nFor comparison, bf16 on a CPU that computes it natively: cosine to fp32 min 0.9998 "
            "(`review_speed.md`).\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pdf", nargs="?", type=Path, default=DEFAULT_PDF)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    r = evaluate(args.pdf, args.repeat)
    print(f"written: {write_report('quantization', r, render(r))}")


if __name__ == "__main__":
    main()
