"""The review engine on the team's labelled sample drafts: deviation recall and precision, route accuracy.

    python -m eval.corpus [CORPUS_DIR] [--report NAME]   # default: corpora/ (labels.yaml beside the drafts)

A flag counts when its clause type and severity match an expected deviation (each expected deviation can be
matched once). ``info`` flags are for awareness and never route, so recall and precision are over deviations
of ``low`` and above. The team corpus was tuned on (a floor on regressions); a held-out set written and labelled
blind (``corpora/unseen_N``) is an honest measure on its first run only.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from eval.report import markdown_table, write_report

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpora"


def load_labels(corpus: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load((corpus / "labels.yaml").read_text())
    return data["files"] if isinstance(data, dict) else data


def score(expected: list[dict[str, Any]], found: list[dict[str, Any]]) -> tuple[int, list, list]:
    """Matched count, the expected deviations missed, and the flags nobody expected."""
    want = Counter((e.get("clause_type"), e["severity"]) for e in expected if e["severity"] != "info")
    got = Counter((f["clause_type"], f["severity"]) for f in found if f["severity"] != "info")
    matched = want & got
    missed = list((want - matched).elements())
    extra = list((got - matched).elements())
    return sum(matched.values()), missed, extra


def evaluate(corpus: Path) -> dict[str, Any]:
    from review_service.ingest import extract
    from review_service.review.engine import Reviewer

    reviewer = Reviewer()
    reviewer.warm_up()
    rows = []
    for label in load_labels(corpus):
        review = reviewer.review(extract(corpus / label["file"]), contract_type=label["contract_type"],
                                 value=label.get("value"), personal_data=label.get("personal_data"))
        found = [d.to_dict() for d in review.deviations]
        expected = label.get("deviations") or []
        matched, missed, extra = score(expected, found)
        rows.append({
            "file": label["file"], "contract_type": label["contract_type"],
            "expected": sum(1 for e in expected if e["severity"] != "info"),
            "flagged": sum(1 for f in found if f["severity"] != "info"), "matched": matched,
            "missed": [f"{c or 'unrecognized'}/{s}" for c, s in missed],
            "unexpected": [f"{c or 'unrecognized'}/{s}" for c, s in extra],
            "route_expected": label["expected_route"], "route": review.route.route,
            "worst": review.worst_severity,
        })
    expected = sum(r["expected"] for r in rows)
    flagged = sum(r["flagged"] for r in rows)
    matched = sum(r["matched"] for r in rows)
    return {
        "drafts": len(rows),
        "recall": matched / expected if expected else None,
        "precision": matched / flagged if flagged else None,
        "route_accuracy": sum(r["route"] == r["route_expected"] for r in rows) / len(rows) if rows else None,
        "expected": expected, "flagged": flagged, "matched": matched,
        "per_draft": rows,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m eval.corpus", description=__doc__.split("\n")[0])
    parser.add_argument("corpus_dir", nargs="?", type=Path, default=CORPUS,
                        help="a folder with labels.yaml beside its drafts (default: corpora/)")
    parser.add_argument("--report", default=None,
                        help="report name under eval/reports/ (default: corpus, or corpus_<folder> for another folder)")
    args = parser.parse_args(argv)
    corpus = args.corpus_dir
    report = args.report or ("corpus" if corpus.resolve() == CORPUS.resolve() else f"corpus_{corpus.resolve().name}")
    r = evaluate(corpus)
    table = markdown_table(
        ["draft", "type", "expected", "flagged", "matched", "route (expected)", "missed", "unexpected"],
        [(x["file"], x["contract_type"], x["expected"], x["flagged"], x["matched"],
          f"{x['route']} ({x['route_expected']})", ", ".join(x["missed"]) or "-", ", ".join(x["unexpected"]) or "-")
         for x in r["per_draft"]])
    labels = corpus / "labels.yaml"
    shown = labels.resolve().relative_to(ROOT) if labels.resolve().is_relative_to(ROOT) else labels
    # A held-out set's first run is an honest measure; the team's corpus, tuned on, is a floor on regressions.
    about = (f"{r['drafts']} drafts, labels in `{shown}`. The team corpus was tuned on; a held-out set is honest "
             "only on its first run (its `_blind` report); no lawyer has reviewed these labels.")
    body = (f"# Review engine on labelled drafts: `{corpus.name}`\n\n{about}\n\n"
            f"- deviation recall: {r['recall']:.3f} ({r['matched']}/{r['expected']})\n"
            f"- deviation precision (flags of low and above): {r['precision']:.3f} ({r['matched']}/{r['flagged']})\n"
            f"- route accuracy: {r['route_accuracy']:.3f}\n\n{table}")
    print(body)
    path = write_report(report, r, body)
    print(f"\nwritten: {path}")


if __name__ == "__main__":
    main()
