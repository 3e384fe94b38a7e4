"""The headline figures of the evaluations, copied from eval/reports/*.json into models/manifest.json
("measured"), so that the model's manifest says what was measured with it, where, and in which report.

    python -m eval.measured        (after the evaluations; `make eval` runs it last)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "eval" / "reports"
MANIFEST = ROOT / "models" / "manifest.json"


def _read(name: str) -> dict[str, Any] | None:
    path = REPORTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def _where(report: dict[str, Any], name: str) -> dict[str, Any]:
    machine = report.get("machine", {})
    return {"report": f"eval/reports/{name}.md", "commit": machine.get("commit"), "date": machine.get("date"),
            "cpu": machine.get("cpu"), "cores": machine.get("cores")}


def _round(x: Any) -> Any:
    return round(x, 3) if isinstance(x, float) else x


def measured() -> dict[str, Any]:
    out: dict[str, Any] = {}
    if acord := _read("acord"):
        out["acord_search"] = {
            **_where(acord, "acord"), "convention": "NDCG over each query's judged clauses",
            **{split: {system: {k: _round(v) for k, v in figures["judged"].items() if k.startswith("ndcg")}
                       for system, figures in acord["results"][split].items() if isinstance(figures, dict)
                       and "judged" in figures}
               for split in acord["results"]}}
    if cuad := _read("cuad_clauses"):
        out["cuad_clause_types"] = {
            **_where(cuad, "cuad_clauses"), "embedding_model": cuad["embedding"]["model"],
            "heldout_contracts": cuad["systems"]["model+rule"]["heldout"]["contracts"],
            **{system: {k: _round(cuad["systems"][system]["heldout"][k]["f1"]) for k in ("micro", "macro")}
               for system in ("rule", "model+rule")}}
    if corpus := _read("corpus"):
        out["corpus_deviations"] = {**_where(corpus, "corpus"),
                                    **{k: _round(corpus[k]) for k in ("recall", "precision", "route_accuracy")}}
    if speed := _read("review_speed"):
        # One entry per draft and precision: the drafts differ (a typical and a dense 30 pages), and a second
        # draft must not overwrite the first.
        runs: dict[str, dict[str, Any]] = {}
        for r in speed["results"]:
            runs.setdefault(r["precision"], {})[r["file"]] = {
                "pages": r["pages"], "chars": r["chars"], "total_seconds": _round(r["median_seconds"]["total"]),
                "forward_pass_seconds": _round(r["median_seconds"]["forward_pass"]),
                "forward_chars_per_second": round(r["forward_chars_per_second"] or 0),
                "reassess_cold_ms": _round(r["reassess"]["cold_ms"])}
        out["review_speed"] = {**_where(speed, "review_speed"), **runs}
    return out


def main() -> None:
    manifest = json.loads(MANIFEST.read_text())
    manifest["measured"] = measured()
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n")
    print(json.dumps(manifest["measured"], indent=2))
    print(f"written: {MANIFEST}")


if __name__ == "__main__":
    main()
