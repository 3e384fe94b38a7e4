"""Could the wording alone spare the model? A lexical gate that predicts which clauses a review leaves untyped.

    python -m eval.skip_by_wording [DATA_DIR]

More than half the text a review embeds ends up in no library type (service descriptions, operational
detail), and is flagged ``unrecognized`` whatever its vector. If a cheap classifier over the clause's words
and heading could tell such clauses in advance, they could skip the forward pass and still be flagged. This
evaluation trains one (TF-IDF of words and word pairs, heading words apart, logistic regression) on the CUAD
train contracts to predict the engine's own decision (untyped or not, from cached clause vectors), and on the
held-out contracts reports, per threshold: the share of characters it would spare the model, the clauses it
would wrongly spare (the engine types them: a payment or liability clause reported as unrecognized, its
terms never read), and the CUAD clause-type F1 with the gate applied. CUAD's F1 covers only the types it
labels; the wrongly spared share covers every type, and is the figure that decides.

Needs the clause vectors of ``eval.cuad_clauses`` cached (``var/cache/cuad_vectors/``); contracts not cached
are left out. Data: The Atticus Project, CUAD v1 (CC BY 4.0).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

import numpy as np

from eval.cuad_clauses import engine_types, load_contracts, load_mapping, make_reviewer, score
from eval.report import DEFAULT_DATA, markdown_table, require_data, write_report

C_GRID = (1.0, 4.0, 16.0)
THRESHOLDS = (0.8, 0.9, 0.95, 0.98)


def _words(text: str, heading: str) -> str:
    return text.lower() + " " + " ".join("H_" + w for w in re.findall(r"[a-z]+", heading.lower()))


def evaluate(data_dir: Path) -> dict[str, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    reviewer = make_reviewer()
    contracts = list(load_contracts(data_dir, reviewer, cached_only=True))
    targets = load_mapping()
    types = [[m.clause_type for m in reviewer.classifier.classify(c.clauses, c.vectors)] for c in contracts]
    rows = [(c.split, n, i, _words(cl.text, cl.heading or ""), len(cl.text), types[n][i] is None)
            for n, c in enumerate(contracts) for i, cl in enumerate(c.clauses) if reviewer.needs_model(cl)]
    train = [r for r in rows if r[0] == "train"]
    held = [r for r in rows if r[0] == "heldout"]
    words = TfidfVectorizer(ngram_range=(1, 2), min_df=3, sublinear_tf=True, max_features=60_000,
                            token_pattern=r"(?u)\b[A-Za-z_][A-Za-z_]+\b")
    x_train = words.fit_transform([r[3] for r in train])
    x_held = words.transform([r[3] for r in held])
    y_train = np.array([r[5] for r in train])
    untyped = np.array([r[5] for r in held])
    chars = np.array([r[4] for r in held], dtype=float)
    held_contracts = [n for n, c in enumerate(contracts) if c.split == "heldout"]

    def f1_with(spared: np.ndarray) -> dict[str, Any]:
        gated = {(r[1], r[2]) for r, s in zip(held, spared, strict=True) if s}
        predictions = [engine_types(reviewer, contracts[n].clauses,
                                    [None if (n, i) in gated else t for i, t in enumerate(types[n])])
                       for n in held_contracts]
        return score([contracts[n] for n in held_contracts], predictions, targets)

    base = f1_with(np.zeros(len(held), dtype=bool))
    results = []
    for c in C_GRID:
        probability = LogisticRegression(C=c, max_iter=3000).fit(x_train, y_train).predict_proba(x_held)[:, 1]
        for threshold in THRESHOLDS:
            spared = probability >= threshold
            wrong = int((spared & ~untyped).sum())
            s = f1_with(spared)
            results.append({"C": c, "threshold": threshold, "clauses_spared": int(spared.sum()),
                             "chars_spared_share": float(chars[spared].sum() / chars.sum()),
                             "wrongly_spared": wrong, "wrongly_spared_share": wrong / max(1, int(spared.sum())),
                             "typed_clauses_lost_share": wrong / max(1, int((~untyped).sum())),
                             "micro_f1": s["micro"]["f1"], "macro_f1": s["macro"]["f1"]})
            print(f"C={c:g} threshold {threshold}: spares {results[-1]['chars_spared_share']:.3f} of characters, "
                  f"{wrong} of {int(spared.sum())} spared clauses wrongly", flush=True)
    return {"contracts": {"train": sum(c.split == "train" for c in contracts), "heldout": len(held_contracts)},
            "clauses": {"train": len(train), "heldout": len(held)},
            "heldout_untyped_share": float(untyped.mean()),
            "heldout_untyped_chars_share": float(chars[untyped].sum() / chars.sum()),
            "baseline": {"micro_f1": base["micro"]["f1"], "macro_f1": base["macro"]["f1"]}, "gates": results}


def render(r: dict[str, Any]) -> str:
    table = markdown_table(
        ["C", "threshold", "characters spared", "clauses spared", "of them typed by the engine",
         "typed clauses lost", "CUAD micro F1", "CUAD macro F1"],
        [[g["C"], g["threshold"], f"{g['chars_spared_share']:.3f}", g["clauses_spared"],
          f"{g['wrongly_spared']} ({g['wrongly_spared_share']:.3f})", f"{g['typed_clauses_lost_share']:.3f}",
          f"{g['micro_f1']:.4f}", f"{g['macro_f1']:.4f}"] for g in r["gates"]])
    return (f"# Sparing the model by wording: a lexical gate\n\nTrained on {r['clauses']['train']:,} clauses of "
            f"{r['contracts']['train']} CUAD train contracts, measured on {r['clauses']['heldout']:,} of "
            f"{r['contracts']['heldout']} held-out ones. The engine leaves {r['heldout_untyped_share']:.3f} of "
            f"the held-out clauses it embeds untyped ({r['heldout_untyped_chars_share']:.3f} of their characters). "
            f"CUAD F1 without a gate: micro {r['baseline']['micro_f1']:.4f}, macro {r['baseline']['macro_f1']:.4f}."
            f"\n\n{table}\n\nA spared clause the engine would have typed is reported as unrecognized and its terms "
            "are never read: CUAD's F1 does not see it when its type is one CUAD does not label (payment, "
            "confidentiality, data protection).\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DATA / "cuad")
    args = parser.parse_args(argv)
    r = evaluate(require_data(args.data_dir, "CUAD data"))
    print(f"written: {write_report('skip_by_wording', r, render(r))}")


if __name__ == "__main__":
    main()
