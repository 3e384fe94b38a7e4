"""Clause-type detection on CUAD: are the clauses CUAD's annotators labelled typed as the library type?

For each contract: extract, segment, embed (``Reviewer.embed``) and classify (the Reviewer's classifier),
exactly as a review does. The clauses scored are the ones the engine types: substantive clauses that are not
definitions. A clause is a gold positive for a library type when it overlaps a gold span of one of the CUAD
categories ``eval/cuad_mapping.yaml`` maps the type to (by at least 25 characters, or half the span when the
span is shorter); it is predicted as the type when the classifier gives it that type (or a type listed in the
row's ``counts_with``). Per type: precision, recall, F1; micro averages (summed counts) and macro averages
(mean over the types). A clause with spans of two mapped types can be right for one of them only.

The 344 development contracts are split by a hash of the file name: ``heldout`` (about 30%) is never used to
train or tune anything (eval.train_clause_classifier trains on ``train`` only); figures are reported for each
part separately. The team keeps a further test part of CUAD aside.

Clause vectors are cached on disk under ``var/cache/cuad_vectors/<model>/`` (one .npz per contract, keyed by
the sha256 of each clause text), so only the first run pays for the model (15-25 minutes on 2 cores).

    python -m eval.cuad_clauses [DATA_DIR] [--limit N]   # DATA_DIR has txt/ and labels.jsonl

Data: The Atticus Project, CUAD v1 (CC BY 4.0).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from eval.report import DEFAULT_DATA, markdown_table, require_data, write_report
from review_service.ingest.segment import Clause
from review_service.matching.embed import Embedder, text_key

ROOT = Path(__file__).resolve().parents[1]
MAPPING = Path(__file__).resolve().with_name("cuad_mapping.yaml")
CACHE = ROOT / "var" / "cache" / "cuad_vectors"
ATTRIBUTION = "The Atticus Project, CUAD v1 (CC BY 4.0)"
HELDOUT_PERCENT = 30
MIN_OVERLAP = 25  # characters of a gold span a clause must hold (or half the span, if shorter)
SPLITS = ("train", "heldout")


# ---------------------------------------------------------------------------------------------------------
# The mapping and the split


@dataclass(frozen=True, slots=True)
class Target:
    """One row of the mapping: a library type, the CUAD categories it answers for, and how fully."""

    clause_type: str
    categories: tuple[str, ...]
    counts_with: tuple[str, ...] = ()
    coverage: str = "full"  # full | partial (CUAD labels only some kinds of the library type)

    @property
    def predicted_types(self) -> frozenset[str]:
        return frozenset((self.clause_type, *self.counts_with))


def load_mapping(path: Path = MAPPING) -> list[Target]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Target(ct, tuple(row["categories"]), tuple(row.get("counts_with", ())), row.get("coverage", "full"))
            for ct, row in raw.items()]


def split_of(filename: str) -> str:
    """``heldout`` for a fixed ~30% of contracts (by a hash of the file name), else ``train``."""
    bucket = int(hashlib.sha256(filename.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "heldout" if bucket < HELDOUT_PERCENT else "train"


def load_labels(data_dir: Path) -> list[dict[str, Any]]:
    with (data_dir / "labels.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return sorted(rows, key=lambda r: r["filename"])


# ---------------------------------------------------------------------------------------------------------
# Clause vectors, cached on disk


class CachedEmbedder:
    """An :class:`Embedder` that keeps every vector on disk by text hash and asks the model only for new texts.

    Wraps the process-wide model from ``get_embedder()``; ``flush(name)`` writes the vectors used since the
    previous flush as one file (one per contract), so a changed segmentation re-embeds only changed clauses.
    """

    def __init__(self, inner: Embedder, folder: Path = CACHE) -> None:
        self.inner = inner
        self.root = folder
        self._store: dict[str, np.ndarray] = {}
        self._used: dict[str, np.ndarray] = {}
        self._loaded_for: str | None = None
        self.hits = self.misses = 0

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dim(self) -> int:
        return self.inner.dim

    @property
    def folder(self) -> Path:
        return self.root / re.sub(r"[^A-Za-z0-9._=-]+", "_", self.model_id)

    def warm_up(self) -> None:
        warm = getattr(self.inner, "warm_up", None)
        if warm:
            warm()
        self._load()

    def _load(self) -> None:
        if self._loaded_for == self.model_id:
            return
        self._store.clear()
        for path in sorted(self.folder.glob("*.npz")) if self.folder.exists() else []:
            with np.load(path) as npz:
                for key, vector in zip(npz["keys"], npz["vectors"], strict=True):
                    self._store[str(key)] = vector
        self._loaded_for = self.model_id

    def encode(self, texts: list[str]) -> np.ndarray:
        self._load()
        keys = [text_key(t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self._store))
        self.hits += len(keys) - len(missing)
        self.misses += len(missing)
        if missing:
            by_key = dict(zip(keys, texts, strict=True))
            vectors = self.inner.encode([by_key[k] for k in missing])
            self._store.update(zip(missing, vectors, strict=True))
        for k in keys:
            self._used[k] = self._store[k]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._store[k] for k in keys]).astype(np.float32)

    def flush(self, name: str) -> None:
        if not self._used:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f"{name}.tmp.npz"
        np.savez(tmp, keys=np.array(list(self._used)), vectors=np.stack(list(self._used.values())))
        tmp.replace(self.folder / f"{name}.npz")
        self._used = {}


# ---------------------------------------------------------------------------------------------------------
# Contracts: clauses, vectors, gold


@dataclass
class Contract:
    filename: str
    split: str
    clauses: list[Clause]
    vectors: np.ndarray
    gold: list[frozenset[str]]  # CUAD categories whose spans each clause holds
    scored: list[bool]  # the clauses the engine types: substantive, not definitions
    unreachable: Counter  # per category: gold spans that fall in no scored clause


def clause_gold(text: str, clauses: Sequence[Clause], labels: dict[str, Any],
                categories: set[str]) -> tuple[list[frozenset[str]], list[tuple[str, int, int]]]:
    """For each clause, the categories whose (whitespace-trimmed) spans it holds; and every span's clauses."""
    found: list[set[str]] = [set() for _ in clauses]
    starts = np.array([c.start for c in clauses])
    ends = np.array([c.end for c in clauses])
    spans: list[tuple[str, int, int]] = []
    for category in sorted(categories):
        for span in labels.get(category, {}).get("spans", []):
            if span.get("start") is None:
                continue  # one of the few spans CUAD could not locate
            piece = text[span["start"]:span["end"]]
            s = span["start"] + len(piece) - len(piece.lstrip())
            e = span["end"] - (len(piece) - len(piece.rstrip()))
            if e <= s:
                continue
            need = min(MIN_OVERLAP, 0.5 * (e - s))
            overlap = np.minimum(ends, e) - np.maximum(starts, s)
            for i in np.flatnonzero(overlap >= need):
                found[i].add(category)
            spans.append((category, s, e))
    return [frozenset(f) for f in found], spans


def load_contracts(data_dir: Path, reviewer: Any, *, limit: int | None = None,
                   splits: Sequence[str] = SPLITS, categories: set[str] | None = None,
                   progress: Callable[[str], None] | None = None) -> Iterator[Contract]:
    """Each contract (sorted by file name, the first ``limit``) of the given splits, embedded and labelled.

    ``reviewer`` is a warmed-up :class:`Reviewer` whose embedder is a :class:`CachedEmbedder`.
    """
    from review_service.ingest import extract
    from review_service.ingest.segment import segment

    if categories is None:
        categories = {c for t in load_mapping() for c in t.categories}
    labels = load_labels(data_dir)
    rows = [r for split in splits for r in [r for r in labels if split_of(r["filename"]) == split][:limit]]
    embedder = reviewer.embedder
    t0 = time.perf_counter()
    for n, row in enumerate(rows, 1):
        doc = extract(data_dir / "txt" / row["filename"])
        clauses = segment(doc)
        vectors = reviewer.embed(clauses)
        if isinstance(embedder, CachedEmbedder):
            embedder.flush(hashlib.sha256(doc.text.encode("utf-8")).hexdigest()[:32])
        gold, spans = clause_gold(doc.text, clauses, row["labels"], categories)
        scored = [reviewer.classifier.is_substantive(c) and c.kind != "definition" for c in clauses]
        unreachable: Counter = Counter()
        for category, s, e in spans:
            need = min(MIN_OVERLAP, 0.5 * (e - s))
            if not any(ok and min(c.end, e) - max(c.start, s) >= need for c, ok in zip(clauses, scored, strict=True)):
                unreachable[category] += 1
        if progress and (n % 10 == 0 or n == len(rows)):
            progress(f"{n}/{len(rows)} contracts, {time.perf_counter() - t0:.0f} s")
        yield Contract(row["filename"], split_of(row["filename"]), clauses, vectors, gold, scored, unreachable)


def make_reviewer(data_dir: Path | None = None) -> Any:
    """A warmed-up Reviewer whose model calls go through the on-disk vector cache."""
    from review_service.matching.embed import get_embedder
    from review_service.review.engine import Reviewer

    reviewer = Reviewer(embedder=CachedEmbedder(get_embedder()), data_dir=data_dir)
    reviewer.warm_up()
    return reviewer


# ---------------------------------------------------------------------------------------------------------
# Scoring


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "support": tp + fn, "predicted": tp + fp, "precision": p,
            "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def score(contracts: Sequence[Contract], predictions: Sequence[Sequence[str | None]],
          targets: Sequence[Target]) -> dict[str, Any]:
    """Per-type and averaged precision / recall / F1; ``predictions`` has a clause type (or None) per clause."""
    counts = {t.clause_type: Counter() for t in targets}
    missed_as = {t.clause_type: Counter() for t in targets}
    wrongly_from = {t.clause_type: Counter() for t in targets}
    scored_clauses = 0
    for contract, predicted in zip(contracts, predictions, strict=True):
        for gold, ok, pred in zip(contract.gold, contract.scored, predicted, strict=True):
            if not ok:
                continue
            scored_clauses += 1
            for t in targets:
                positive = bool(gold & set(t.categories))
                hit = pred in t.predicted_types
                if positive and hit:
                    counts[t.clause_type]["tp"] += 1
                elif hit:
                    counts[t.clause_type]["fp"] += 1
                    wrongly_from[t.clause_type][", ".join(sorted(gold)) or "(no mapped span)"] += 1
                elif positive:
                    counts[t.clause_type]["fn"] += 1
                    missed_as[t.clause_type][pred or "(unrecognized)"] += 1
    per_type = {ct: {**_prf(c["tp"], c["fp"], c["fn"]),
                     "coverage": next(t.coverage for t in targets if t.clause_type == ct),
                     "missed_as": dict(missed_as[ct].most_common(5)),
                     "false_positives_hold": dict(wrongly_from[ct].most_common(5))}
                for ct, c in counts.items()}
    total = Counter()
    for c in counts.values():
        total.update(c)

    def macro(rows: list[dict[str, Any]]) -> dict[str, float]:
        return {k: float(np.mean([r[k] for r in rows])) if rows else 0.0 for k in ("precision", "recall", "f1")}

    full = [r for r in per_type.values() if r["coverage"] == "full"]
    full_total = Counter()
    for ct, c in counts.items():
        if per_type[ct]["coverage"] == "full":
            full_total.update(c)
    return {
        "contracts": len(contracts),
        "scored_clauses": scored_clauses,
        "per_type": per_type,
        "micro": _prf(total["tp"], total["fp"], total["fn"]),
        "macro": macro(list(per_type.values())),
        "micro_full_coverage": _prf(full_total["tp"], full_total["fp"], full_total["fn"]),
        "macro_full_coverage": macro(full),
    }


def predict(reviewer: Any, contract: Contract) -> list[str | None]:
    """The clause types a review gives: the classifier, then boilerplate the engine lets a heading decide."""
    matches = reviewer.classifier.classify(contract.clauses, contract.vectors)
    decides = getattr(reviewer, "heading_decides", lambda clause: None)
    return [(decides(c) if m.substantive else None) or m.clause_type
            for c, m in zip(contract.clauses, matches, strict=True)]


def evaluate(data_dir: Path, limit: int | None = None, *, progress: Callable[[str], None] | None = print,
             reviewer: Any = None) -> dict[str, Any]:
    targets = load_mapping()
    reviewer = reviewer or make_reviewer()
    by_split: dict[str, list[Contract]] = {s: [] for s in SPLITS}
    unreachable: Counter = Counter()
    t0 = time.perf_counter()
    for contract in load_contracts(data_dir, reviewer, limit=limit, progress=progress):
        by_split[contract.split].append(contract)
        unreachable.update(contract.unreachable)
    load_seconds = time.perf_counter() - t0
    out: dict[str, Any] = {
        "data": str(data_dir), "attribution": ATTRIBUTION, "limit": limit,
        "mapping": {t.clause_type: {"categories": list(t.categories), "counts_with": list(t.counts_with),
                                    "coverage": t.coverage} for t in targets},
        "classifier": getattr(reviewer.classifier, "describe", lambda: {})(),
        "embedding": {"model": reviewer.embedder.model_id, "cache_hits": getattr(reviewer.embedder, "hits", None),
                      "cache_misses": getattr(reviewer.embedder, "misses", None), "seconds": load_seconds},
        "gold_spans_in_no_scored_clause": dict(unreachable.most_common()),
    }
    t1 = time.perf_counter()
    for split, contracts in by_split.items():
        out[split] = score(contracts, [predict(reviewer, c) for c in contracts], targets)
    out["classify_seconds"] = time.perf_counter() - t1
    return out


def render(r: dict[str, Any]) -> str:
    """The Markdown report: one table per part, then the averages."""
    parts = []
    for split in SPLITS:
        s = r[split]
        if not s["contracts"]:
            continue
        rows = [(ct, v["coverage"], v["support"], v["predicted"], v["precision"], v["recall"], v["f1"])
                for ct, v in s["per_type"].items()]
        for name, key in (("micro", "micro"), ("macro", "macro"), ("micro, full-coverage rows", "micro_full_coverage"),
                          ("macro, full-coverage rows", "macro_full_coverage")):
            v = s[key]
            rows.append((f"**{name}**", "", v.get("support", ""), v.get("predicted", ""), v["precision"],
                         v["recall"], v["f1"]))
        title = "train part (tuned and trained on)" if split == "train" else "held-out part (never tuned on)"
        parts.append(f"## {title}: {s['contracts']} contracts, {s['scored_clauses']:,} scored clauses\n\n"
                     + markdown_table(["library type", "coverage", "gold clauses", "predicted", "precision",
                                       "recall", "F1"], rows))
    misses = []
    s = r["heldout"] if r["heldout"]["contracts"] else r["train"]
    for ct, v in s["per_type"].items():
        missed = ", ".join(f"{k} {n}" for k, n in v["missed_as"].items())
        wrong = ", ".join(f"{k} {n}" for k, n in v["false_positives_hold"].items())
        misses.append((ct, missed or "-", wrong or "-"))
    mapping = "\n".join(f"- `{ct}` ({m['coverage']}): {', '.join(m['categories'])}"
                        + (f"; predictions of {', '.join(m['counts_with'])} count too" if m["counts_with"] else "")
                        for ct, m in r["mapping"].items())
    unreachable = ", ".join(f"{k} {n}" for k, n in r["gold_spans_in_no_scored_clause"].items()) or "none"
    classifier = r.get("classifier") or {}
    return (
        f"# Clause-type detection on CUAD\n\nData: `{r['data']}` ({ATTRIBUTION}); split by a hash of the file "
        f"name, {HELDOUT_PERCENT}% held out. Classifier: {classifier.get('summary', 'see the JSON report')}.\n\n"
        "A clause is a gold positive for a library type when it holds a span of one of the type's CUAD "
        f"categories (at least {MIN_OVERLAP} characters of it, or half a shorter span). Scored clauses: "
        "substantive clauses that are not definitions. For `partial` rows CUAD labels only some kinds of the "
        "library type (e.g. termination: only for convenience), so a correctly typed clause of another kind "
        "counts as a false positive: their precision is a lower bound.\n\n"
        + "\n\n".join(parts)
        + "\n\n## Where the held-out misses go\n\n"
        + markdown_table(["library type", "gold clauses typed as (top 5)", "false positives hold (top 5)"], misses)
        + f"\n\n## Mapping (eval/cuad_mapping.yaml)\n\n{mapping}\n\n"
        f"Gold spans that fall in no scored clause (definitions, headings alone): {unreachable}.\n"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m eval.cuad_clauses", description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DATA / "cuad")
    parser.add_argument("--limit", type=int, default=None, help="only the first N contracts of each part")
    args = parser.parse_args(argv)
    data_dir = require_data(args.data_dir, "CUAD data")
    r = evaluate(data_dir, args.limit)
    body = render(r)
    print(body)
    path = write_report("cuad_clauses", r, body)
    print(f"\nwritten: {path} and {path.with_suffix('.json')}")


if __name__ == "__main__":
    main()
