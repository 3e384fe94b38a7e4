"""eval.measured copies the reports' headline figures into the model manifest."""

from __future__ import annotations

import json

from eval import measured


def test_measured_reads_the_reports_into_the_manifest(tmp_path, monkeypatch) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    machine = {"commit": "abc1234", "date": "2026-11-27T00:00:00+00:00", "cpu": "a CPU", "cores": 2}
    (reports / "corpus.json").write_text(json.dumps(
        {"machine": machine, "recall": 0.75432, "precision": 0.5, "route_accuracy": 1.0}))
    (reports / "acord.json").write_text(json.dumps({"machine": machine, "results": {"train": {
        "BM25": {"judged": {"ndcg@5": 0.4, "ndcg@10": 0.5, "p@5 3+": 0.1}}, "queries": 51}}}))
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"model": "m", "measured": {"stale": 1}}))
    monkeypatch.setattr(measured, "REPORTS", reports)
    monkeypatch.setattr(measured, "MANIFEST", manifest)
    measured.main()
    data = json.loads(manifest.read_text())
    assert data["model"] == "m" and "stale" not in data["measured"]
    assert data["measured"]["corpus_deviations"]["recall"] == 0.754
    assert data["measured"]["corpus_deviations"]["report"] == "eval/reports/corpus.md"
    assert data["measured"]["acord_search"]["train"] == {"BM25": {"ndcg@5": 0.4, "ndcg@10": 0.5}}
    assert "review_speed" not in data["measured"], "a report not run is left out, not invented"
