"""Review speed: a contract reviewed end to end with the model warm, time per stage.

    python -m eval.review_speed [PDF ...]     # default: the 30-page CUAD PDF in ../shared/data/cuad/pdf

Reports, as medians of several runs: extraction, segmentation, embedding (the model's forward pass), matching
and assessment, with the embedding cache emptied before each run (a fresh draft); and the re-assessment of an
already embedded contract (what a re-scan does after a library change). The aim: a 30-page draft in under
2 seconds, a re-assessment in under 50 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from eval.report import DEFAULT_DATA, markdown_table, write_report

DEFAULT_PDF = DEFAULT_DATA / "cuad" / "pdf" / "CHANGEPOINTCORP_03_08_2000-EX-10.6-LICENSE AND HOSTING AGREEMENT.PDF"


def measure(path: Path, repeat: int = 3) -> dict:
    from review_service.ingest import extract
    from review_service.ingest.segment import segment
    from review_service.review.engine import Reviewer

    reviewer = Reviewer()
    reviewer.warm_up()
    reviewer.embedder.encode(["warm the model up"])
    runs: list[dict[str, float]] = []
    for _ in range(repeat):
        reviewer.embedder._cache.clear()  # type: ignore[attr-defined]  # a fresh draft: nothing cached
        t0 = time.perf_counter()
        doc = extract(path)
        t1 = time.perf_counter()
        clauses = segment(doc)
        t2 = time.perf_counter()
        vectors = reviewer.embed(clauses)
        t3 = time.perf_counter()
        review = reviewer.assess(doc, clauses, vectors, contract_type="software", value=100_000)
        t4 = time.perf_counter()
        runs.append({"extract": t1 - t0, "segment": t2 - t1, "embed": t3 - t2, "match_and_assess": t4 - t3,
                     "total": t4 - t0})
    reassess = []
    for _ in range(repeat * 3):
        t0 = time.perf_counter()
        reviewer.assess(doc, clauses, vectors, contract_type="software", value=100_000)
        reassess.append(time.perf_counter() - t0)
    embedded = [c for c in clauses if reviewer.classifier.is_substantive(c) and c.kind != "definition"]
    median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    return {
        "file": path.name, "pages": doc.page_count, "chars": len(doc.text), "clauses": len(clauses),
        "clauses_embedded": len(embedded), "chars_embedded": sum(len(c.text) for c in embedded),
        "deviations": len(review.deviations), "median_seconds": median,
        "forward_pass_share": median["embed"] / median["total"],
        "embed_chars_per_second": sum(len(c.text) for c in embedded) / median["embed"],
        "reassess_ms": 1000 * statistics.median(reassess), "repeat": repeat,
    }


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    paths = [Path(a) for a in args] or [DEFAULT_PDF]
    results = [measure(p) for p in paths if p.exists()]
    if not results:
        raise SystemExit(f"no input found ({', '.join(map(str, paths))}): pass a PDF, DOCX or TXT")
    rows = []
    for r in results:
        m = r["median_seconds"]
        rows.append((r["file"][:50], r["pages"], f"{r['chars']:,}", r["clauses_embedded"], f"{m['extract']:.2f}",
                     f"{m['segment']:.2f}", f"{m['embed']:.2f}", f"{m['match_and_assess']:.2f}",
                     f"{m['total']:.2f}", f"{r['forward_pass_share']:.0%}", f"{r['reassess_ms']:.0f}"))
    body = ("# Review speed\n\nModel warm, embedding cache emptied before each run; medians.\n\n"
            + markdown_table(["file", "pages", "chars", "clauses embedded", "extract s", "segment s", "embed s",
                              "match+assess s", "total s (aim < 2)", "forward pass", "re-assess ms (aim < 50)"],
                             rows))
    print(body)
    path = write_report("review_speed", {"results": results}, body)
    print(f"\nwritten: {path}")


if __name__ == "__main__":
    main()
