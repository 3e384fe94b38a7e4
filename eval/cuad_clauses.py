"""Clause-type detection on CUAD: are the clauses CUAD's annotators labelled typed as the library type?

For each contract: extract, segment, embed (``Reviewer.embed``) and type the clauses as a review does (the
classifier, boilerplate its heading decides, sub-clauses taking their parent's type). The clauses scored are
the ones the engine types: substantive clauses that are not definitions. A clause is a gold positive for a
library type when it overlaps a gold span of one of the CUAD categories ``eval/cuad_mapping.yaml`` maps the
type to (by at least 25 characters, or half the span when the span is shorter); it is predicted as the type
when the review gives it that type (or a type listed in the row's ``counts_with``). Per type: precision,
recall, F1; micro averages (summed counts) and macro averages (mean over the types).

Systems compared on the same clauses and vectors: ``rule`` (the similarity rule alone) and, when there is a
clause model (``--model``, default the file in ``models/clause_classifier/``), ``model`` (the model deciding
every type alone) and ``model+rule`` (``ClauseModel.decide``, what the engine does with the model). The 344
development contracts are split by a hash of the file name: ``heldout`` (about 30%) is never used to train or
tune anything (eval.train_clause_classifier reads ``train`` only). Train-part contracts missing from the model's
``train_contracts.txt`` are reported apart (``unused``): the model never saw them either. On every contract
the model never saw, each system is compared with the rule by a paired bootstrap over contracts. The team
keeps a further test part of CUAD aside.

Clause vectors are cached on disk under ``var/cache/cuad_vectors/<model>/`` (one .npz per contract, keyed by
the sha256 of each clause text), so only the first run pays for the model (about 18 million characters: 20
minutes on 2 free cores, hours on a busy machine). ``--cached-only`` scores only the contracts cached so far.

    python -m eval.cuad_clauses [DATA_DIR] [--limit N] [--model PATH | --rule-only] [--cached-only]

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
# CUAD categories no library type covers and that POLICY.md wants flagged as unrecognized: a clause holding
# only such spans is a novel term, and the share of them left unrecognized is reported.
NONE_CATEGORIES = frozenset({
    "Non-Disparagement", "Covenant Not To Sue", "Rofr/Rofo/Rofn", "Source Code Escrow", "Third Party Beneficiary",
})


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
        self.model_id = inner.model_id
        self.dim = inner.dim

    @property
    def folder(self) -> Path:
        return self.root / re.sub(r"[^A-Za-z0-9._=-]+", "_", self.model_id)

    def warm_up(self) -> None:
        warm = getattr(self.inner, "warm_up", None)
        if warm:
            warm()
        self.model_id, self.dim = self.inner.model_id, self.inner.dim  # known once the model is loaded
        self._load()

    def _load(self) -> None:
        if self._loaded_for == self.model_id:
            return
        self._store.clear()
        for path in sorted(self.folder.glob("*.npz")) if self.folder.exists() else []:
            if path.name.endswith(".tmp.npz"):
                continue  # a file another process is still writing
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
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f"{name}.npz.tmp"
        # Written even when empty (a contract with nothing to embed), so that --cached-only counts it.
        vectors = np.stack(list(self._used.values())) if self._used else np.zeros((0, self.dim), dtype=np.float32)
        with tmp.open("wb") as fh:
            np.savez(fh, keys=np.array(list(self._used), dtype=str), vectors=vectors)
        tmp.replace(self.folder / f"{name}.npz")  # readers never see a half-written file
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
                   progress: Callable[[str], None] | None = None, cached_only: bool = False,
                   names: set[str] | None = None) -> Iterator[Contract]:
    """Each contract (sorted by file name, the first ``limit``) of the given splits, embedded and labelled.

    ``reviewer`` is a warmed-up :class:`Reviewer` whose embedder is a :class:`CachedEmbedder`; with
    ``cached_only``, the contracts whose vectors are not on disk yet are left out (no model time at all);
    with ``names``, only the contracts of those file names.
    """
    from review_service.ingest import extract
    from review_service.ingest.segment import segment

    if categories is None:
        categories = {c for t in load_mapping() for c in t.categories} | NONE_CATEGORIES
    labels = load_labels(data_dir)
    if names is not None:
        labels = [r for r in labels if r["filename"] in names]
    rows = [r for split in splits for r in [r for r in labels if split_of(r["filename"]) == split][:limit]]
    embedder = reviewer.embedder
    t0 = time.perf_counter()
    for n, row in enumerate(rows, 1):
        doc = extract(data_dir / "txt" / row["filename"])
        name = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()[:32]
        if cached_only and not (isinstance(embedder, CachedEmbedder) and (embedder.folder / f"{name}.npz").exists()):
            continue
        clauses = segment(doc)
        vectors = reviewer.embed(clauses)
        if isinstance(embedder, CachedEmbedder):
            embedder.flush(name)
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

RULE, MODEL, BOTH = "rule", "model", "model+rule"
PARTS = ("heldout", "unused", "train", "all")
LEARNT_FROM = "train_contracts.txt"  # beside a model file: the CUAD contracts it learnt from
OUTCOMES = ("tp", "fp", "fn")
RESAMPLES = 2000  # bootstrap resamples of the held-out contracts


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "support": tp + fn, "predicted": tp + fp, "precision": p,
            "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def _outcome(gold: frozenset[str], predicted: str | None, target: Target) -> str | None:
    """tp, fp or fn of one scored clause for one mapped type (None: a true negative)."""
    positive = not gold.isdisjoint(target.categories)
    hit = predicted in target.predicted_types
    return "tp" if positive and hit else "fp" if hit else "fn" if positive else None


def score(contracts: Sequence[Contract], predictions: Sequence[Sequence[str | None]],
          targets: Sequence[Target]) -> dict[str, Any]:
    """Per-type and averaged precision / recall / F1; ``predictions`` has a clause type (or None) per clause."""
    counts: dict[str, Counter[str]] = {t.clause_type: Counter() for t in targets}
    missed_as: dict[str, Counter[str]] = {t.clause_type: Counter() for t in targets}
    wrongly_from: dict[str, Counter[str]] = {t.clause_type: Counter() for t in targets}
    scored_clauses = 0
    novel: Counter = Counter()
    for contract, predicted in zip(contracts, predictions, strict=True):
        for gold, ok, pred in zip(contract.gold, contract.scored, predicted, strict=True):
            if not ok:
                continue
            scored_clauses += 1
            if gold and gold <= NONE_CATEGORIES:
                novel[pred or "(unrecognized)"] += 1
            for t in targets:
                outcome = _outcome(gold, pred, t)
                if outcome:
                    counts[t.clause_type][outcome] += 1
                if outcome == "fp":
                    wrongly_from[t.clause_type][", ".join(sorted(gold)) or "(no mapped span)"] += 1
                elif outcome == "fn":
                    missed_as[t.clause_type][pred or "(unrecognized)"] += 1
    per_type = {ct: {**_prf(c["tp"], c["fp"], c["fn"]),
                     "coverage": next(t.coverage for t in targets if t.clause_type == ct),
                     "missed_as": dict(missed_as[ct].most_common(5)),
                     "false_positives_hold": dict(wrongly_from[ct].most_common(5))}
                for ct, c in counts.items()}
    total: Counter[str] = Counter()
    for c in counts.values():
        total.update(c)

    def macro(rows: list[dict[str, Any]]) -> dict[str, float]:
        return {k: float(np.mean([r[k] for r in rows])) if rows else 0.0 for k in ("precision", "recall", "f1")}

    full = [r for r in per_type.values() if r["coverage"] == "full"]
    full_total: Counter[str] = Counter()
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
        "novel_terms": {"clauses": sum(novel.values()),
                        "unrecognized": novel["(unrecognized)"] / sum(novel.values()) if novel else None,
                        "typed_as": dict(novel.most_common(8))},
    }


def contract_counts(contract: Contract, predicted: Sequence[str | None], targets: Sequence[Target]) -> np.ndarray:
    """tp, fp and fn per mapped type in one contract: (types, 3)."""
    out = np.zeros((len(targets), len(OUTCOMES)), dtype=np.int64)
    for gold, ok, pred in zip(contract.gold, contract.scored, predicted, strict=True):
        if ok:
            for k, t in enumerate(targets):
                outcome = _outcome(gold, pred, t)
                if outcome:
                    out[k, OUTCOMES.index(outcome)] += 1
    return out


def _f1(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:
    tp, fp, fn = (np.asarray(a, dtype=np.float64) for a in (tp, fp, fn))
    return np.divide(2 * tp, 2 * tp + fp + fn, out=np.zeros_like(tp), where=(2 * tp + fp + fn) > 0)


def averages(counts: np.ndarray, full: np.ndarray) -> dict[str, np.ndarray]:
    """Micro and macro F1 (all rows and full-coverage rows) of summed counts (..., types, 3)."""
    tp, fp, fn = counts[..., 0], counts[..., 1], counts[..., 2]
    per_type = _f1(tp, fp, fn)
    return {"micro_f1": _f1(tp.sum(-1), fp.sum(-1), fn.sum(-1)), "macro_f1": per_type.mean(-1),
            "micro_f1_full": _f1(tp[..., full].sum(-1), fp[..., full].sum(-1), fn[..., full].sum(-1)),
            "macro_f1_full": per_type[..., full].mean(-1), "per_type": per_type}


def bootstrap(counts: dict[str, np.ndarray], targets: Sequence[Target], *, seed: int = 0) -> dict[str, Any]:
    """Each system against the rule, on the same resamples of contracts (``counts[system]``: contracts, types, 3).

    Per measure: the observed difference, its 95% interval and the share of resamples where the system is ahead:
    a contract's clauses move together, so contracts, not clauses, are resampled.
    """
    full = np.array([t.coverage == "full" for t in targets])
    n = len(counts[RULE])
    idx = np.random.default_rng(seed).integers(0, n, size=(RESAMPLES, n))
    base_obs, base = averages(counts[RULE].sum(axis=0), full), averages(counts[RULE][idx].sum(axis=1), full)
    out: dict[str, Any] = {}
    for system, c in counts.items():
        if system == RULE:
            continue
        obs, res = averages(c.sum(axis=0), full), averages(c[idx].sum(axis=1), full)

        def summary(observed: float, resampled: np.ndarray) -> dict[str, Any]:
            return {"difference": round(float(observed), 4),
                    "interval95": [round(float(np.percentile(resampled, q)), 4) for q in (2.5, 97.5)],
                    "share_ahead": round(float((resampled > 0).mean()), 4)}

        out[system] = {k: summary(obs[k] - base_obs[k], res[k] - base[k]) for k in obs if k != "per_type"}
        out[system]["per_type"] = {t.clause_type: summary(obs["per_type"][k] - base_obs["per_type"][k],
                                                          res["per_type"][:, k] - base["per_type"][:, k])
                                   for k, t in enumerate(targets)}
    return out


# ---------------------------------------------------------------------------------------------------------
# The systems compared


def engine_types(reviewer: Any, clauses: Sequence[Clause], types: Sequence[str | None]) -> list[str | None]:
    """The clause types a review reports (``Reviewer.assess``) from a classifier's types: definitions,
    boilerplate its own heading decides, and sub-clauses nothing places taking their parent's type."""
    from review_service.review.classify import ClauseMatch
    from review_service.review.engine import _inherit_from_parents  # the engine's own step, not a copy of it

    matches = []
    for clause, chosen in zip(clauses, types, strict=True):
        if not reviewer.classifier.is_substantive(clause):
            matches.append(ClauseMatch(None, None, 0.0, 0.0, None, None, False))
            continue
        chosen = "definitions" if clause.kind == "definition" else reviewer.heading_decides(clause) or chosen
        matches.append(ClauseMatch(chosen, None, 0.0, 0.0, None, None, True))
    return [m.clause_type for m in _inherit_from_parents(list(clauses), matches)]


def predict(reviewer: Any, contract: Contract, classifier: Any = None) -> list[str | None]:
    """The clause types a review gives with ``classifier`` (default: the Reviewer's own)."""
    matches = (classifier or reviewer.classifier).classify(contract.clauses, contract.vectors)
    return engine_types(reviewer, contract.clauses, [m.clause_type for m in matches])


def model_alone(model: Any) -> Any:
    """The same trained model deciding every type by itself, without the rule (for the comparison)."""
    from review_service.review.classify import ClauseModel

    meta = {**model.meta, "decides": list(model.types), "adds": [], "families": [], "veto_below": 1.0}
    return ClauseModel(model.classes, model.types, model.weights, model.bias, model.mean, model.scale,
                       threshold=model.threshold, meta=meta)


def systems(reviewer: Any, model_path: Path | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The classifiers compared: the rule and, when there is a model (``model_path``, default the shipped file),
    the model alone and the model with the rule (``ClauseModel.decide``); and the model's description."""
    from review_service.review.classify import MODEL_FILE, Classifier, ClauseModel

    out: dict[str, Any] = {RULE: Classifier(reviewer.library, reviewer.index, model=None)}
    model = ClauseModel.load(model_path or MODEL_FILE)
    if model is None:
        if model_path is not None:
            raise SystemExit(f"no clause model at {model_path}")
        return out, {}
    if not model.fits(reviewer.library, reviewer.index):
        raise SystemExit(f"the clause model at {model_path or MODEL_FILE} was trained for other clause types or "
                         "another embedding model: rebuild it with `make clause-model`")
    out[MODEL] = Classifier(reviewer.library, reviewer.index, model=model_alone(model))
    out[BOTH] = Classifier(reviewer.library, reviewer.index, model=model)
    listed = (model_path or MODEL_FILE).with_name(LEARNT_FROM)
    learnt = sorted(set(listed.read_text(encoding="utf-8").splitlines()) - {""}) if listed.exists() else None
    return out, {"file": str(model_path or MODEL_FILE), "threshold": model.threshold, **model.meta,
                 "learnt_from": learnt}


def evaluate(data_dir: Path, limit: int | None = None, *, model_path: Path | None = None, rule_only: bool = False,
             cached_only: bool = False, progress: Callable[[str], None] | None = print,
             reviewer: Any = None) -> dict[str, Any]:
    targets = load_mapping()
    reviewer = reviewer or make_reviewer()
    unreachable: Counter = Counter()
    t0 = time.perf_counter()
    contracts = list(load_contracts(data_dir, reviewer, limit=limit, progress=progress, cached_only=cached_only))
    for contract in contracts:
        unreachable.update(contract.unreachable)
    load_seconds = time.perf_counter() - t0
    compared, model = ({RULE: systems(reviewer, None)[0][RULE]}, {}) if rule_only else systems(reviewer, model_path)
    # Train-part contracts a model did not learn from (its list says which it did) are unseen by it too.
    learnt = set(model["learnt_from"]) if model.get("learnt_from") is not None else None
    parts = {"heldout": [c for c in contracts if c.split == "heldout"],
             "unused": [c for c in contracts if c.split == "train" and learnt is not None and c.filename not in learnt],
             "train": [c for c in contracts if c.split == "train" and (learnt is None or c.filename in learnt)],
             "all": contracts}
    t1 = time.perf_counter()
    predicted = {name: [predict(reviewer, c, clf) for c in contracts] for name, clf in compared.items()}
    by_name = {name: dict(zip((c.filename for c in contracts), p, strict=True)) for name, p in predicted.items()}
    results = {name: {part: score(cs, [by_name[name][c.filename] for c in cs], targets) for part, cs in parts.items()}
               for name in compared}
    unseen = [c for part in ("heldout", "unused") for c in parts[part]]
    unseen_counts = {name: np.stack([contract_counts(c, by_name[name][c.filename], targets) for c in unseen])
                     for name in compared} if unseen else {}
    return {
        "data": str(data_dir), "attribution": ATTRIBUTION, "limit": limit, "heldout_percent": HELDOUT_PERCENT,
        "cached_only": cached_only, "contracts_in_data": len(load_labels(data_dir)),
        "mapping": {t.clause_type: {"categories": list(t.categories), "counts_with": list(t.counts_with),
                                    "coverage": t.coverage} for t in targets},
        # What `vetted review` uses with the files in models/ (the model, when it is there and fits).
        "engine": BOTH if reviewer.classifier.model is not None else RULE,
        "model": model,
        "embedding": {"model": reviewer.embedder.model_id, "cache_hits": getattr(reviewer.embedder, "hits", None),
                      "cache_misses": getattr(reviewer.embedder, "misses", None), "seconds": load_seconds},
        "classify_seconds": time.perf_counter() - t1,
        "gold_spans_in_no_scored_clause": dict(unreachable.most_common()),
        "systems": results,
        "unseen_contracts": len(unseen),
        # Every contract the model never learnt from: the held-out part and the unused train contracts.
        "unseen_against_rule": bootstrap(unseen_counts, targets) if len(compared) > 1 and unseen else {},
    }


# ---------------------------------------------------------------------------------------------------------
# The report

_AVERAGES = (("micro", "micro"), ("macro", "macro"), ("micro, full-coverage rows", "micro_full_coverage"),
             ("macro, full-coverage rows", "macro_full_coverage"))
_PART_TITLES = {"heldout": "Held-out part (never trained or tuned on)",
                "unused": "Train-part contracts the model did not learn from (never trained or tuned on either)",
                "train": "Train part the model learnt from (its figures here are in-sample)",
                "all": "All development contracts"}


def _table(results: dict[str, dict[str, Any]], part: str, names: list[str]) -> str:
    """Per type and averaged P / R / F1 of each system on one part."""
    first = results[names[0]][part]
    rows: list[tuple[Any, ...]] = []
    for ct, v in first["per_type"].items():
        rows.append((ct, v["coverage"], v["support"],
                     *(x for n in names for x in _prf_cells(results[n][part]["per_type"][ct], len(names)))))
    for label, key in _AVERAGES:
        rows.append((f"**{label}**", "", first[key].get("support", ""),
                     *(x for n in names for x in _prf_cells(results[n][part][key], len(names)))))
    # The share of clauses holding only spans of categories no library type covers that stay unrecognized.
    blank = ("",) * (2 if len(names) > 1 else 3)
    rows.append(("novel terms left unrecognized", "", first["novel_terms"]["clauses"],
                 *(x for n in names for x in (*blank, results[n][part]["novel_terms"]["unrecognized"] or 0.0))))
    header = ["library type", "coverage", "gold clauses"]
    for n in names:
        header += [f"{n} P", f"{n} R", f"{n} F1"] if len(names) > 1 else ["predicted", "precision", "recall", "F1"]
    return markdown_table(header, rows)


def _prf_cells(v: dict[str, Any], systems: int) -> tuple[Any, ...]:
    cells = (v["precision"], v["recall"], v["f1"])
    return cells if systems > 1 else (v.get("predicted", ""), *cells)


def render(r: dict[str, Any]) -> str:
    """The Markdown report: per part, each system's figures side by side; then the held-out comparison."""
    names = list(r["systems"])
    s = r["systems"]
    parts = []
    for part in PARTS:
        first = s[names[0]][part]
        if not first["contracts"]:
            continue
        shown = names if part != "all" or len(names) == 1 else [RULE]
        title = _PART_TITLES[part] if len(names) > 1 or part != "train" else "Train part"
        if part == "all" and len(names) > 1:
            title += " (the rule alone: it learnt nothing from CUAD)"
        count = f"{first['contracts']} contracts"
        if part == "all" and first["contracts"] < r["contracts_in_data"]:
            count = f"{first['contracts']} of the {r['contracts_in_data']} contracts (those with cached vectors)"
        parts.append(f"## {title}: {count}, {first['scored_clauses']:,} scored clauses\n\n"
                     + _table(s, part, shown))
    against = r.get("unseen_against_rule") or {}
    if against:
        rows = []
        for name, figures in against.items():
            for key, label in (("micro_f1", "micro F1"), ("macro_f1", "macro F1"),
                               ("micro_f1_full", "micro F1, full rows"), ("macro_f1_full", "macro F1, full rows")):
                f = figures[key]
                rows.append((name, label, f"{f['difference']:+.3f}",
                             f"{f['interval95'][0]:+.3f} to {f['interval95'][1]:+.3f}", f["share_ahead"]))
        per_type = [(ct, *(f"{against[n]['per_type'][ct]['difference']:+.3f} "
                           f"({against[n]['per_type'][ct]['share_ahead']:.2f})" for n in against))
                    for ct in s[RULE]["heldout"]["per_type"]]
        parts.append(
            f"## Unseen contracts: each system against the rule\n\nDifference in F1 from the rule on the "
            f"{r['unseen_contracts']} contracts the model never learnt from (the held-out part, plus any "
            "train-part contracts left out of training), "
            f"with a 95% interval from {RESAMPLES} bootstrap resamples of those contracts (paired: the same "
            "resamples for every system), and the share of resamples in which the system is ahead.\n\n"
            + markdown_table(["system", "measure", "difference", "95% interval", "share ahead"], rows)
            + "\n\nPer type, F1 difference from the rule (share of resamples ahead):\n\n"
            + markdown_table(["library type", *against], per_type))
    engine = r["engine"]
    focus = s[engine]["heldout"] if s[engine]["heldout"]["contracts"] else s[engine]["train"]
    misses = [(ct, ", ".join(f"{k} {n}" for k, n in v["missed_as"].items()) or "-",
               ", ".join(f"{k} {n}" for k, n in v["false_positives_hold"].items()) or "-")
              for ct, v in focus["per_type"].items()]
    mapping = "\n".join(f"- `{ct}` ({m['coverage']}): {', '.join(m['categories'])}"
                        + (f"; predictions of {', '.join(m['counts_with'])} count too" if m["counts_with"] else "")
                        for ct, m in r["mapping"].items())
    unreachable = ", ".join(f"{k} {n}" for k, n in r["gold_spans_in_no_scored_clause"].items()) or "none"
    model = r.get("model") or {}
    described = {RULE: "the similarity rule (nearest library variant per type + heading bonus, thresholds)",
                 MODEL: "the trained model deciding every type alone",
                 BOTH: "the trained model with the rule (`ClauseModel.decide`: the model decides "
                       f"{', '.join(model.get('decides', [])) or 'no type'}; may add "
                       f"{', '.join(model.get('adds', [])) or 'no type'}; the rule keeps the rest)"}
    return (
        f"# Clause-type detection on CUAD\n\nData: `{r['data']}` ({ATTRIBUTION}); contracts split by a hash of the "
        f"file name, {r['heldout_percent']}% held out and never used to train or tune anything. Systems: "
        + "; ".join(f"**{n}**: {described[n]}" for n in names)
        + f". `vetted review` uses **{engine}** with the files now in `models/`.\n\n"
        "A clause is a gold positive for a library type when it holds a span of one of the type's CUAD "
        f"categories (at least {MIN_OVERLAP} characters of it, or half a shorter span); its predicted type is the "
        "one the review reports (boilerplate decided by its heading, sub-clauses taking their parent's type). "
        "Scored clauses: substantive clauses that are not definitions. For `partial` rows CUAD labels only some "
        "kinds of the library type (e.g. termination: only for convenience), so a correctly typed clause of "
        "another kind counts as a false positive: their precision is a lower bound.\n\n"
        + "\n\n".join(parts)
        + f"\n\n## Where the misses of **{engine}** go ({'held-out' if s[engine]['heldout']['contracts'] else 'train'}"
        " part)\n\n"
        + markdown_table(["library type", "gold clauses typed as (top 5)", "false positives hold (top 5)"], misses)
        + f"\n\n## Mapping (eval/cuad_mapping.yaml)\n\n{mapping}\n\n"
        f"Gold spans that fall in no scored clause (definitions, headings alone): {unreachable}.\n"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m eval.cuad_clauses", description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DATA / "cuad")
    parser.add_argument("--limit", type=int, default=None, help="only the first N contracts of each part")
    parser.add_argument("--model", type=Path, default=None,
                        help="a clause model file to compare with the rule (default: the one in models/, if any)")
    parser.add_argument("--rule-only", action="store_true", help="measure the similarity rule alone")
    parser.add_argument("--cached-only", action="store_true",
                        help="only the contracts whose clause vectors are already cached (no model time)")
    parser.add_argument("--report", default="cuad_clauses", help="report name under eval/reports/")
    args = parser.parse_args(argv)
    data_dir = require_data(args.data_dir, "CUAD data")
    r = evaluate(data_dir, args.limit, model_path=args.model, rule_only=args.rule_only, cached_only=args.cached_only)
    publish(args.report, r, render(r))


def publish(name: str, figures: dict[str, Any], body: str) -> None:
    """Print the Markdown report and write it with its JSON under eval/reports/."""
    print(body)
    path = write_report(name, figures, body)
    print(f"\nwritten: {path} and {path.with_suffix('.json')}")


if __name__ == "__main__":
    main()
