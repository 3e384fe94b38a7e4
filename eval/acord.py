"""Precedent search on ACORD: does Vetted's ranking find the clauses lawyers rated best for a query?

For each query, every clause of the corpus (3,931) is ranked by three systems in the same run:

- ``BM25``: plain Okapi BM25 (``rank_bm25.BM25Okapi``, default k1 = 1.5, b = 0.75) over lower-case
  alphanumeric tokens;
- ``MiniLM``: cosine of all-MiniLM-L6-v2 vectors of the query and the clause;
- ``Vetted``: :class:`review_service.matching.search.ClauseSearch` with the shipped clause library and the
  fusion weights of ``models/search/fusion.json``.

Convention (primary, "judged"): ACORD rates, for each query, its 1-to-5-star clauses (grades 0-4) and marks
a fixed set of clauses from other categories 1 star; the rest of the corpus is unrated for that query. The
ranking is scored over the rated clauses only: unrated clauses are dropped from the ranking before cutting
at k (a "condensed list", trec_eval -J). Under this convention the two baselines land next to the figures
the team was given for ACORD's test queries (NDCG@10 0.456 BM25, 0.572 MiniLM); the ACORD README stresses
that irrelevant clauses are annotated explicitly. NDCG uses the grade as the gain and a log2 discount
(trec_eval's ndcg_cut); the ideal is the best ordering of the rated clauses. Precision@5 at 3+, 4+ and 5
stars is the share of the first five rated clauses with a grade of at least 2, 3 and 4. The
second convention ("full") keeps the unrated clauses in the ranking with grade 0; it is reported beside the
first for reference and is much lower, because unrated same-category clauses crowd the top.

    python -m eval.acord [DATA_DIR] [--split train|valid|both] [--trec FILE]
    python -m eval.acord --fit      # re-fit models/search/fusion.json on the train queries, check on valid

DATA_DIR holds corpus.jsonl, queries.jsonl and qrels/{train,valid}.tsv (default ../shared/data/acord).
Vectors are cached on disk under ``var/cache/acord_vectors/`` by text hash: only the first run pays for the
model (3-9 minutes on 2 shared cores). The TREC run file (``query-id Q0 corpus-id rank score tag``) holds
Vetted's full ranking; ACORD's query ids are their texts, so whitespace in them is written as ``_``. The
report (``eval/reports/acord.json`` and ``.md``) is written only when both splits are run.

Data: The Atticus Project, ACORD (Wang et al., ACL 2025), CC BY 4.0.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from eval.report import DEFAULT_DATA, markdown_table, require_data, write_report
from review_service.library import load_library
from review_service.matching.embed import Embedder, get_embedder, text_key
from review_service.matching.search import WEIGHTS_FILE, ClauseSearch, FusionWeights

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "var" / "cache" / "acord_vectors"
ATTRIBUTION = "The Atticus Project, ACORD (CC BY 4.0)"
SPLITS = ("train", "valid")
SYSTEMS = ("BM25", "MiniLM", "Vetted")
#: The metric the fusion weights are fitted to, and the grid each weight is searched over.
FIT_METRIC = "ndcg@10"
FIT_GRID = (0.0, 0.25, 0.5, 1.0, 2.0)
FIT_ROUNDS = 3


# ---------------------------------------------------------------------------------------------------------
# The data


@dataclass(frozen=True, slots=True)
class Query:
    id: str
    text: str
    category: str
    split: str


@dataclass(frozen=True)
class Acord:
    corpus_ids: list[str]
    texts: list[str]
    queries: list[Query]
    qrels: dict[str, dict[str, int]]  # query id -> corpus id -> grade 0..4

    def split(self, name: str) -> list[Query]:
        return [q for q in self.queries if q.split == name and q.id in self.qrels]


def load_acord(data_dir: Path) -> Acord:
    corpus = [json.loads(line) for line in (data_dir / "corpus.jsonl").open()]
    queries = []
    for line in (data_dir / "queries.jsonl").open():
        q = json.loads(line)
        meta = q.get("metadata") or {}
        queries.append(Query(q["_id"], q["text"], meta.get("category", ""), meta.get("split", "")))
    qrels: dict[str, dict[str, int]] = {}
    for split in SPLITS:
        path = data_dir / "qrels" / f"{split}.tsv"
        if not path.exists():
            continue
        with path.open(newline="") as f:
            rows = csv.reader(f, delimiter="\t")
            next(rows)  # header
            for query_id, corpus_id, score in rows:
                qrels.setdefault(query_id, {})[corpus_id] = int(score)
    return Acord([c["_id"] for c in corpus], [c["text"] for c in corpus], queries, qrels)


# ---------------------------------------------------------------------------------------------------------
# Vectors, cached on disk


class CachedEmbedder:
    """An :class:`Embedder` that keeps vectors on disk by text hash (one .npz per model) and asks the model
    for new texts alone."""

    def __init__(self, inner: Embedder, folder: Path = CACHE) -> None:
        warm_up = getattr(inner, "warm_up", None)
        if warm_up:
            warm_up()  # the id names the exact package version only once the model is loaded
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self.folder = folder
        self._store: dict[str, np.ndarray] | None = None
        self._dirty = False
        self.misses = 0

    def _path(self) -> Path:
        return self.folder / (re.sub(r"[^A-Za-z0-9_.=-]+", "_", self.model_id) + ".npz")

    def _load(self) -> dict[str, np.ndarray]:
        if self._store is None:
            self._store = {}
            path = self._path()
            if path.exists():
                with np.load(path) as data:
                    self._store = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
        return self._store

    def missing(self, texts: list[str]) -> int:
        """How many of ``texts`` the model would have to embed."""
        store = self._load()
        return len({k for k in map(text_key, texts) if k not in store})

    def encode(self, texts: list[str]) -> np.ndarray:
        store = self._load()
        keys = [text_key(t) for t in texts]
        missing = list({k: t for k, t in zip(keys, texts, strict=True) if k not in store}.items())
        if missing:
            self.misses += len(missing)
            vectors = self.inner.encode([t for _, t in missing])
            store.update({k: v for (k, _), v in zip(missing, vectors, strict=True)})
            self._dirty = True
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([store[k] for k in keys]).astype(np.float32)

    def save(self) -> None:
        if not self._dirty or self._store is None:
            return
        path = self._path()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(list(self._store)), vectors=np.stack(list(self._store.values())))
        tmp.replace(path)  # never leave a half-written cache behind
        self._dirty = False


# ---------------------------------------------------------------------------------------------------------
# Metrics


def _dcg(gains: Sequence[float]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def query_metrics(ranked_ids: Sequence[str], grades: dict[str, int], *, judged_only: bool) -> dict[str, float]:
    """NDCG@5, NDCG@10 and precision@5 at 3+, 4+ and 5 stars for one ranking of the whole corpus."""
    ranking = [c for c in ranked_ids if c in grades] if judged_only else list(ranked_ids)
    top = [grades.get(c, 0) for c in ranking[:10]]
    ideal = sorted(grades.values(), reverse=True)
    out = {}
    for k in (5, 10):
        best = _dcg(ideal[:k])
        out[f"ndcg@{k}"] = _dcg(top[:k]) / best if best > 0 else 0.0
    for stars, grade in (("3+", 2), ("4+", 3), ("5", 4)):
        out[f"p@5 {stars}"] = sum(1 for g in top[:5] if g >= grade) / 5
    return out


METRICS = ("ndcg@5", "ndcg@10", "p@5 3+", "p@5 4+", "p@5 5")


def mean_metrics(rows: list[dict[str, float]]) -> dict[str, float]:
    return {m: float(np.mean([r[m] for r in rows])) if rows else 0.0 for m in METRICS}


# ---------------------------------------------------------------------------------------------------------
# The systems


def bm25_baseline(texts: list[str]) -> Callable[[str], np.ndarray]:
    from rank_bm25 import BM25Okapi

    def tokens(s: str) -> list[str]:
        return re.findall(r"[a-z0-9]+", s.lower())

    bm25 = BM25Okapi([tokens(t) for t in texts])
    return lambda q: np.asarray(bm25.get_scores(tokens(q)))


def order(scores: np.ndarray) -> np.ndarray:
    """Best first; ties keep corpus order, so every run ranks the same way."""
    return np.argsort(-scores, kind="stable")


def fit_weights(features: dict[str, dict[str, np.ndarray]], data: Acord, queries: list[Query],
                grid: Sequence[float] = FIT_GRID, rounds: int = FIT_ROUNDS) -> FusionWeights:
    """Coordinate ascent of mean judged NDCG@10 over ``queries``: each weight in turn takes its best grid
    value, ``dense`` fixed at 1 (only ratios matter), ties keep the earlier (smaller or current) value."""
    names = FusionWeights.names()
    index = {c: i for i, c in enumerate(data.corpus_ids)}
    prepared = []
    for q in queries:
        grades = data.qrels[q.id]
        rows = np.array([index[c] for c in grades])
        gains = np.array([grades[c] for c in grades], dtype=float)
        ideal = _dcg(sorted(gains, reverse=True)[:10])
        matrix = np.stack([features[q.id][n][rows] for n in names], axis=1)
        prepared.append((matrix, gains, ideal))
    discount = 1 / np.log2(np.arange(2, 12))

    def objective(w: np.ndarray) -> float:
        total = 0.0
        for matrix, gains, ideal in prepared:
            top = np.argsort(-(matrix @ w), kind="stable")[:10]
            total += float((gains[top] * discount[: len(top)]).sum() / ideal) if ideal else 0.0
        return total / max(1, len(prepared))

    w = np.zeros(len(names))
    w[names.index("dense")] = 1.0
    for _ in range(rounds):
        for i, name in enumerate(names):
            if name == "dense":
                continue
            best, best_value = objective(w), w[i]
            for value in grid:
                trial = w.copy()
                trial[i] = value
                score = objective(trial)
                if score > best + 1e-9:
                    best, best_value = score, value
            w[i] = best_value
    return FusionWeights(**{n: float(v) for n, v in zip(names, w, strict=True)})


def cross_validate(features: dict[str, dict[str, np.ndarray]], data: Acord, queries: list[Query],
                   folds: int = 5, seed: int = 0) -> float:
    """Mean judged NDCG@10 of weights fitted on the other folds: how well the fit itself generalises."""
    shuffled = list(queries)
    random.Random(seed).shuffle(shuffled)
    scores = []
    for f in range(folds):
        held = shuffled[f::folds]
        weights = fit_weights(features, data, [q for q in shuffled if q not in held])
        scores += [evaluate_fused(features, data, q, weights)["ndcg@10"] for q in held]
    return float(np.mean(scores))


def fuse(feats: dict[str, np.ndarray], weights: FusionWeights) -> np.ndarray:
    return sum(w * feats[n] for n, w in weights.as_dict().items() if w)  # type: ignore[return-value]


def evaluate_fused(features: dict[str, dict[str, np.ndarray]], data: Acord, q: Query,
                   weights: FusionWeights) -> dict[str, float]:
    ranked = [data.corpus_ids[i] for i in order(fuse(features[q.id], weights))]
    return query_metrics(ranked, data.qrels[q.id], judged_only=True)


# ---------------------------------------------------------------------------------------------------------
# The run


def run(data_dir: Path, splits: Sequence[str], *, trec: Path | None = None, fit: bool = False) -> dict:
    data = load_acord(data_dir)
    embedder = CachedEmbedder(get_embedder())
    t0 = time.perf_counter()
    vectors = embedder.encode(data.texts)
    library = load_library()
    library_vectors = embedder.encode([e.text for e in library.texts()])
    queries = [q for s in SPLITS for q in data.split(s)]
    query_vectors = dict(zip([q.id for q in queries], embedder.encode([q.text for q in queries]), strict=True))
    embedder.save()
    embed_seconds = time.perf_counter() - t0

    weights = None if fit else FusionWeights.load()
    search = ClauseSearch(data.texts, vectors, embedder=embedder, library=library, library_vectors=library_vectors,
                          weights=weights or FusionWeights())
    t0 = time.perf_counter()
    search.warm_up()
    build_seconds = time.perf_counter() - t0
    features = {q.id: search.features(q.text, query_vectors[q.id]) for q in queries}

    fit_record = None
    if fit:
        weights = fit_weights(features, data, data.split("train"))
        fit_record = write_weights(weights, features, data, library.version, embedder.model_id)
    assert weights is not None
    search.weights = weights

    bm25 = bm25_baseline(data.texts)
    scorers: dict[str, Callable[[Query], np.ndarray]] = {
        "BM25": lambda q: bm25(q.text),
        "MiniLM": lambda q: vectors @ query_vectors[q.id],
        "Vetted": lambda q: fuse(features[q.id], weights),
    }
    per_query: dict[str, dict[str, dict[str, float]]] = {}
    results: dict[str, dict[str, dict[str, Any]]] = {}
    run_lines: list[str] = []
    for split in splits:
        split_queries = data.split(split)
        results[split] = {}
        for system, scorer in scorers.items():
            judged, full = [], []
            for q in split_queries:
                ranking = order(scorer(q))
                ranked = [data.corpus_ids[i] for i in ranking]
                judged.append(query_metrics(ranked, data.qrels[q.id], judged_only=True))
                full.append(query_metrics(ranked, data.qrels[q.id], judged_only=False))
                per_query.setdefault(q.text, {})[system] = judged[-1]
                if trec and system == "Vetted":
                    scores = scorer(q)
                    qid = re.sub(r"\s+", "_", q.id)
                    run_lines += [f"{qid} Q0 {data.corpus_ids[i]} {r} {scores[i]:.6f} vetted"
                                  for r, i in enumerate(ranking, start=1)]
            results[split][system] = {"judged": mean_metrics(judged), "full": mean_metrics(full),
                                      "queries": len(split_queries)}
    if trec:
        trec.write_text("\n".join(run_lines) + "\n")

    ablation = {}
    for split in splits:
        ablation[split] = {name: float(np.mean([evaluate_fused(features, data, q, w)["ndcg@10"]
                                                for q in data.split(split)]))
                           for name, w in ablations(weights).items()}
    speed = measure_speed(search, [q.text for q in queries[:20]])
    return {
        "data": ATTRIBUTION,
        "convention": "judged-only (condensed) ranking; linear gain, log2 discount; full = unrated as grade 0",
        "weights": weights.as_dict(),
        "results": results,
        "ablation_ndcg@10": ablation,
        "per_query_judged": per_query,
        "fit": fit_record,
        "timing": {"embed_or_load_vectors_s": round(embed_seconds, 2), "build_index_s": round(build_seconds, 2),
                   "vectors_embedded_now": embedder.misses, **speed},
        "corpus": len(data.texts),
    }


def ablations(weights: FusionWeights) -> dict[str, FusionWeights]:
    """The fitted weights with parts switched off (not re-fitted): what each part adds."""
    w = weights.as_dict()
    return {
        "dense + bm25": FusionWeights(w["dense"], w["bm25"], 0, 0, 0),
        "+ feedback": FusionWeights(w["dense"], w["bm25"], w["dense_feedback"], w["bm25_feedback"], 0),
        "+ library terms (no feedback)": FusionWeights(w["dense"], w["bm25"], 0, 0, w["library_terms"]),
        "all (Vetted)": weights,
    }


def measure_speed(search: ClauseSearch, queries: list[str]) -> dict[str, float]:
    """Median milliseconds per query: ranking alone (query vector given) and with the query embedding."""
    vectors = search.embedder.encode(queries)
    ranking, total = [], []
    for q, v in zip(queries, vectors, strict=True):
        t0 = time.perf_counter()
        search.search(q, 10, query_vector=v)
        ranking.append(time.perf_counter() - t0)
    inner = getattr(search.embedder, "inner", search.embedder)
    for q in queries:
        t0 = time.perf_counter()
        v = inner.encode([q + " "])[0]  # a text the model has not seen: the embedding is really computed
        search.search(q, 10, query_vector=v)
        total.append(time.perf_counter() - t0)
    return {"query_ms_ranking": round(1000 * float(np.median(ranking)), 1),
            "query_ms_with_embedding": round(1000 * float(np.median(total)), 1)}


def write_weights(weights: FusionWeights, features: dict[str, dict[str, np.ndarray]], data: Acord,
                  library_version: str, model_id: str, path: Path = WEIGHTS_FILE) -> dict:
    """Write the fitted weights with the record of how they were made."""
    train, valid = data.split("train"), data.split("valid")

    def mean_ndcg(qs: list[Query]) -> float:
        return round(float(np.mean([evaluate_fused(features, data, q, weights)["ndcg@10"] for q in qs])), 4)

    record = {
        "weights": weights.as_dict(),
        "how": ("coordinate ascent (dense fixed at 1; each other weight over the grid, "
                f"{FIT_ROUNDS} rounds) maximising mean judged-only NDCG@10 over the ACORD train queries; "
                "checked on the validation queries; the test queries were never used"),
        "grid": list(FIT_GRID),
        "metric": FIT_METRIC,
        "train_queries": len(train),
        "valid_queries": len(valid),
        "train_ndcg@10": mean_ndcg(train),
        "train_5fold_cv_ndcg@10": round(cross_validate(features, data, train), 4),
        "valid_ndcg@10": mean_ndcg(valid),
        "library_version": library_version,
        "model": model_id,
        "data": "The Atticus Project, ACORD (Wang et al., ACL 2025), CC BY 4.0; train and valid qrels only",
        "command": "python -m eval.acord --fit",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2) + "\n")
    return record


# ---------------------------------------------------------------------------------------------------------
# Output


def tables(figures: dict) -> str:
    parts = []
    header = ["system", "NDCG@5", "NDCG@10", "P@5 3+", "P@5 4+", "P@5 5★", "NDCG@10 full"]
    for split, systems in figures["results"].items():
        n = next(iter(systems.values()))["queries"]
        rows = [[s, *(r["judged"][m] for m in METRICS), r["full"]["ndcg@10"]] for s, r in systems.items()]
        parts.append(f"### {split} ({n} queries)\n\n" + markdown_table(header, rows))
    abl = figures["ablation_ndcg@10"]
    splits = list(abl)
    rows = [[name, *(abl[s][name] for s in splits)] for name in next(iter(abl.values()))]
    parts.append("### What each part adds (judged NDCG@10, fitted weights with parts switched off)\n\n"
                 + markdown_table(["Vetted", *splits], rows))
    return "\n\n".join(parts)


def markdown(figures: dict) -> str:
    w = ", ".join(f"{k} {v:g}" for k, v in figures["weights"].items())
    record = figures["fit"] or json.loads(WEIGHTS_FILE.read_text())
    fit = f"5-fold cross-validated NDCG@10 on train {record.get('train_5fold_cv_ndcg@10', float('nan')):.3f}"
    t = figures["timing"]
    return f"""# Precedent search on ACORD

Data: {ATTRIBUTION}: {figures['corpus']:,} clauses; the train and validation queries (the test queries are
kept aside). Every query ranks the whole corpus.

Convention: NDCG and precision over each query's rated clauses only (unrated clauses dropped from the
ranking; the baselines then land next to the figures the team was given for ACORD's test queries, NDCG@10
0.456 BM25 and 0.572 MiniLM); gain = grade 0-4, log2 discount. "NDCG@10 full" keeps unrated clauses in the ranking as
grade 0. P@5 at 3+/4+/5 stars: share of the first five rated clauses with grade >= 2/3/4.

Systems: BM25 (rank_bm25 BM25Okapi, lower-case alphanumeric tokens), MiniLM (all-MiniLM-L6-v2 cosine),
Vetted (`ClauseSearch`: z-scored dense + legal-tokenised BM25 + pseudo-relevance feedback on both + clause
library vocabulary; weights {w}).
The weights were fitted on the train queries only ({fit}); the 6 validation queries are the only
held-out check, and too few to separate systems reliably: read the train and validation rows together.

{tables(figures)}

Speed: {t['query_ms_ranking']} ms per query over {figures['corpus']:,} clauses once vectors are cached
(ranking alone), {t['query_ms_with_embedding']} ms including the query embedding; building the BM25 index
and library vocabulary {t['build_index_s']} s.

`python -m eval.acord` (re-fit the weights with `--fit`).
"""


def print_tables(figures: dict) -> None:
    print(tables(figures).replace("### ", "\n"))
    t = figures["timing"]
    print(f"\nspeed: {t['query_ms_ranking']} ms/query ranking, {t['query_ms_with_embedding']} ms with the query "
          f"embedding; index build {t['build_index_s']} s; vectors embedded this run: {t['vectors_embedded_now']}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m eval.acord", description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DATA / "acord")
    parser.add_argument("--split", choices=("train", "valid", "both"), default="both")
    parser.add_argument("--trec", type=Path, help="write Vetted's ranking as a TREC run file")
    parser.add_argument("--fit", action="store_true", help=f"re-fit {WEIGHTS_FILE.relative_to(ROOT)} first")
    args = parser.parse_args(argv)
    data_dir = require_data(args.data_dir, "ACORD")
    splits = SPLITS if args.split == "both" else (args.split,)
    figures = run(data_dir, splits, trec=args.trec, fit=args.fit)
    print_tables(figures)
    if args.split == "both":
        path = write_report("acord", figures, markdown(figures))
        print(f"\nreport: {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
