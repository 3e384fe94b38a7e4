"""Segmentation on CUAD: do the expert-labelled clauses fall inside our clauses?

For the clause-level CUAD categories, the share of gold spans that lie inside one clause or two adjacent
ones (adjacent in document order); and the share of clauses longer than the model's window.

    python -m eval.segmentation [DATA_DIR]      # DATA_DIR has txt/ and labels.jsonl (default ../shared/data/cuad)

Data: The Atticus Project, CUAD v1 (CC BY 4.0).
"""

from __future__ import annotations

import bisect
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from eval.report import DEFAULT_DATA, markdown_table, require_data, write_report

CATEGORIES = [
    "Governing Law", "Cap On Liability", "Uncapped Liability", "Anti-Assignment", "Change Of Control",
    "Audit Rights", "Insurance", "Termination For Convenience", "Renewal Term",
    "Notice Period To Terminate Renewal", "Warranty Duration", "Ip Ownership Assignment", "Exclusivity",
    "Non-Compete", "Liquidated Damages", "Minimum Commitment", "No-Solicit Of Employees", "Most Favored Nation",
]


def load_labels(data_dir: Path) -> list[dict]:
    with (data_dir / "labels.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def containment(starts: list[int], ends: list[int], span_start: int, span_end: int) -> int:
    """How many consecutive clauses the span touches (whitespace at the edges ignored by the caller)."""
    first = bisect.bisect_right(starts, span_start) - 1
    last = bisect.bisect_left(ends, span_end)
    return max(1, last - max(first, 0) + 1)


def evaluate(data_dir: Path, limit: int | None = None) -> dict:
    from review_service.ingest import extract
    from review_service.ingest.segment import segment
    from review_service.matching.model_files import count_tokens, max_seq_length

    window = max_seq_length()
    contracts = load_labels(data_dir)[:limit]
    per_cat: dict[str, Counter] = defaultdict(Counter)
    n_clauses = n_long = 0
    kinds: Counter = Counter()
    seconds = chars = 0.0
    worst: list[tuple[float, str]] = []
    for row in contracts:
        doc = extract(data_dir / "txt" / row["filename"])
        t0 = time.perf_counter()
        clauses = segment(doc)
        seconds += time.perf_counter() - t0
        chars += len(doc.text)
        n_clauses += len(clauses)
        kinds.update(c.kind for c in clauses)
        long = [n for n in count_tokens([c.text for c in clauses]) if n > window]
        n_long += len(long)
        # Gaps between clauses (blank lines) belong to the clause before, for this measure.
        starts = [c.start for c in clauses]
        ends = [*starts[1:], len(doc.text)]
        missed = total = 0
        for cat in CATEGORIES:
            for span in row["labels"].get(cat, {}).get("spans", []):
                if span.get("start") is None:
                    continue  # one of the few spans CUAD could not locate
                text = doc.text[span["start"]:span["end"]]
                s = span["start"] + (len(text) - len(text.lstrip()))
                e = span["end"] - (len(text) - len(text.rstrip()))
                touched = containment(starts, ends, s, e)
                per_cat[cat]["spans"] += 1
                per_cat[cat]["in_one"] += touched == 1
                per_cat[cat]["in_two"] += touched <= 2
                total += 1
                missed += touched > 2
        if total:
            worst.append((missed / total, row["filename"]))
    spans = sum(c["spans"] for c in per_cat.values())
    in_two = sum(c["in_two"] for c in per_cat.values())
    in_one = sum(c["in_one"] for c in per_cat.values())
    return {
        "data": str(data_dir),
        "contracts": len(contracts),
        "window_tokens": window,
        "gold_spans": spans,
        "in_one_clause": in_one / spans if spans else None,
        "in_one_or_two_adjacent": in_two / spans if spans else None,
        "clauses": n_clauses,
        "clauses_over_window": n_long / n_clauses if n_clauses else None,
        "clause_kinds": dict(kinds.most_common()),
        "segment_seconds": seconds,
        "clauses_per_second": n_clauses / seconds if seconds else None,
        "chars_per_second": chars / seconds if seconds else None,
        "per_category": {
            cat: {"spans": c["spans"], "in_one": c["in_one"] / c["spans"], "in_one_or_two": c["in_two"] / c["spans"]}
            for cat, c in sorted(per_cat.items()) if c["spans"]
        },
        "worst_contracts": [{"file": f, "share_missed": round(m, 3)} for m, f in sorted(worst, reverse=True)[:10]],
    }


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    data_dir = require_data(Path(args[0]) if args else DEFAULT_DATA / "cuad", "CUAD data")
    limit = int(args[1]) if len(args) > 1 else None
    r = evaluate(data_dir, limit)
    rows = [(cat, v["spans"], v["in_one"], v["in_one_or_two"]) for cat, v in r["per_category"].items()]
    rows.append(("ALL", r["gold_spans"], r["in_one_clause"], r["in_one_or_two_adjacent"]))
    table = markdown_table(["category", "gold spans", "inside one clause", "inside one or two adjacent"], rows)
    body = (
        f"# Segmentation on CUAD\n\nData: `{data_dir}` ({r['contracts']} contracts; The Atticus Project, CUAD v1, "
        f"CC BY 4.0).\n\n{table}\n\n"
        f"- clauses: {r['clauses']:,}; longer than the model's window ({r['window_tokens']} word pieces): "
        f"{r['clauses_over_window']:.4f}\n"
        f"- speed: {r['clauses_per_second']:,.0f} clauses/s, {r['chars_per_second']:,.0f} characters/s "
        f"(segmentation only, text already extracted)\n"
        f"- clause kinds: {', '.join(f'{k} {v}' for k, v in r['clause_kinds'].items())}\n\n"
        "Worst contracts (share of spans touching more than two clauses):\n\n"
        + markdown_table(["file", "missed"], [(w["file"], w["share_missed"]) for w in r["worst_contracts"]])
    )
    print(body)
    path = write_report("segmentation", r, body)
    print(f"\nwritten: {path} and {path.with_suffix('.json')}")


if __name__ == "__main__":
    main()
