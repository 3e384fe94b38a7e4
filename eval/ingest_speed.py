"""Ingest speed: pages per second for extraction, clauses per second for segmentation, and a 100-page PDF.

    python -m eval.ingest_speed [DATA_DIR]     # DATA_DIR has pdf/ (default ../shared/data/cuad)

The 100-page PDF is made by joining real CUAD PDFs (largest first) with pypdfium2, so its pages are real
contract pages. Medians over repeated runs; the machine is shared and noisy.
Data: The Atticus Project, CUAD v1 (CC BY 4.0).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from eval.report import DEFAULT_DATA, markdown_table, require_data, write_report


def join_pdfs(pdfs: list[Path], pages: int, out: Path) -> Path:
    import pypdfium2 as pdfium

    joined = pdfium.PdfDocument.new()
    try:
        for path in pdfs:
            src = pdfium.PdfDocument(path)
            try:
                take = min(len(src), pages - len(joined))
                joined.import_pages(src, list(range(take)))
            finally:
                src.close()
            if len(joined) >= pages:
                break
        joined.save(out)
    finally:
        joined.close()
    return out


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def evaluate(data_dir: Path, repeat: int = 5) -> dict:
    from review_service.ingest import extract
    from review_service.ingest.segment import segment

    pdfs = sorted((data_dir / "pdf").iterdir(), key=lambda p: p.stat().st_size, reverse=True)
    segment(extract(pdfs[-1]))  # warm imports (spaCy, tokenizer) outside the timings
    per_doc = []
    for path in pdfs:
        t_extract, doc = timed(lambda p=path: extract(p), repeat)
        t_segment, clauses = timed(lambda d=doc: segment(d), repeat)
        per_doc.append({"file": path.name, "pages": doc.page_count, "chars": len(doc.text),
                        "clauses": len(clauses), "extract_s": t_extract, "segment_s": t_segment})
    with tempfile.TemporaryDirectory() as tmp:
        big = join_pdfs(pdfs, 100, Path(tmp) / "joined-100.pdf")
        t_extract, doc = timed(lambda: extract(big), repeat)
        t_segment, clauses = timed(lambda: segment(doc), repeat)
    pages = sum(d["pages"] for d in per_doc)
    return {
        "data": str(data_dir),
        "documents": len(per_doc),
        "pages": pages,
        "extract_pages_per_second": pages / sum(d["extract_s"] for d in per_doc),
        "segment_clauses_per_second": sum(d["clauses"] for d in per_doc) / sum(d["segment_s"] for d in per_doc),
        "pdf_100_pages": {"pages": doc.page_count, "chars": len(doc.text), "clauses": len(clauses),
                          "extract_s": t_extract, "segment_s": t_segment, "total_s": t_extract + t_segment},
        "per_document": per_doc,
        "repeat": repeat,
    }


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    data_dir = require_data(Path(args[0]) if args else DEFAULT_DATA / "cuad", "CUAD data")
    r = evaluate(data_dir)
    big = r["pdf_100_pages"]
    body = (
        "# Ingest speed\n\n"
        f"Data: `{data_dir}` ({r['documents']} PDFs, {r['pages']} pages; The Atticus Project, CUAD v1, CC BY 4.0). "
        f"Medians of {r['repeat']} runs.\n\n"
        + markdown_table(["measure", "figure"], [
            ("extraction, pages/s (all PDFs)", f"{r['extract_pages_per_second']:.0f}"),
            ("segmentation, clauses/s (all PDFs)", f"{r['segment_clauses_per_second']:.0f}"),
            (f"100-page PDF ({big['chars']:,} chars, {big['clauses']} clauses): extract s", f"{big['extract_s']:.2f}"),
            ("100-page PDF: segment s", f"{big['segment_s']:.2f}"),
            ("100-page PDF: extract + segment s (aim < 3)", f"{big['total_s']:.2f}"),
        ])
        + "\n\nPer document:\n\n"
        + markdown_table(["file", "pages", "clauses", "extract s", "segment s"],
                         [(d["file"][:60], d["pages"], d["clauses"], d["extract_s"], d["segment_s"])
                          for d in r["per_document"]])
    )
    print(body)
    path = write_report("ingest_speed", r, body)
    print(f"\nwritten: {path} and {path.with_suffix('.json')}")


if __name__ == "__main__":
    main()
