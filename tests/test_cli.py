"""The command line as users' scripts call it: JSON shapes and exit codes are contracts."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpora" / "drafts" / "nimbusdesk_saas_subscription.txt"


def vetted(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "review_service", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_cli_segment_json_schema() -> None:
    result = vetted("segment", str(SAMPLE), "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {"document", "text", "clauses"}
    assert set(payload["document"]) == {"source", "type", "pages", "chars"}
    assert payload["document"]["type"] == "txt"
    raw = SAMPLE.read_text(encoding="utf-8")
    assert payload["text"] == raw  # a .txt is given back exactly as decoded
    fields = {"id", "number", "heading", "level", "parent", "kind", "start", "end", "page", "text"}
    for clause in payload["clauses"]:
        assert set(clause) == fields
        assert raw[clause["start"]:clause["end"]] == clause["text"]
    by_number = {c["number"]: c for c in payload["clauses"] if c["number"]}
    assert by_number["3.2"]["heading"] == "Payment Terms"
    assert by_number["3.2"]["parent"] == by_number["3."]["id"]
    assert payload["clauses"][-1]["kind"] == "signature"


def test_cli_segment_table() -> None:
    result = vetted("segment", str(SAMPLE))
    assert result.returncode == 0
    assert "Payment Terms" in result.stdout


def test_cli_segment_bad_input_exits_2_with_code(tmp_path) -> None:
    bad = tmp_path / "contract.pdf"
    bad.write_text("this is not a PDF at all")
    result = vetted("segment", str(bad), "--json")
    assert result.returncode == 2
    assert "type_mismatch" in result.stderr
    assert result.stdout == ""


def test_cli_segment_missing_file_exits_2(tmp_path) -> None:
    result = vetted("segment", str(tmp_path / "nope.docx"))
    assert result.returncode == 2
    assert "unreadable_file" in result.stderr


def test_cli_search_finds_library_precedent(tmp_path) -> None:
    import os

    env = {**os.environ, "VETTED_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "review_service", "search", "Texas governing law", "-k", "3",
                             "--json"], capture_output=True, text=True, cwd=ROOT, timeout=300, env=env)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert len(payload["results"]) == 3 and "cosine" in payload["results"][0]
    assert payload["results"][0]["clause_type"] == "governing_law"
    assert (tmp_path / "index" / "manifest.json").exists()


def test_cli_review_json_schema(tmp_path) -> None:
    import os

    env = {**os.environ, "VETTED_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "review_service", "review", str(SAMPLE), "--value", "48000",
                             "--type", "saas", "--json"], capture_output=True, text=True, cwd=ROOT, timeout=300,
                            env=env)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert {"document", "text", "clauses", "deviations", "route", "library"} <= set(payload)
    clause_fields = {"id", "number", "heading", "level", "parent", "kind", "start", "end", "page", "text",
                     "clause_type", "position", "similarity", "terms"}
    assert all(clause_fields <= set(c) for c in payload["clauses"])
    deviation_fields = {"clause_id", "clause_type", "rule", "kind", "severity", "message", "evidence",
                        "library_text", "fallback_text", "redline"}
    assert payload["deviations"] and all(deviation_fields <= set(d) for d in payload["deviations"])
    assert set(payload["route"]) >= {"route", "approver", "reasons"}
    assert set(payload["library"]) == {"version", "model"}
    for d in payload["deviations"]:
        if d["evidence"]:
            assert payload["text"][d["evidence"]["start"]:d["evidence"]["end"]] == d["evidence"]["text"]


def test_cli_review_bad_type_and_bad_file_exit_2(tmp_path) -> None:
    assert vetted("review", str(SAMPLE), "--type", "lease").returncode == 2
    bad = tmp_path / "draft.docx"
    bad.write_bytes(b"")
    result = vetted("review", str(bad))
    assert result.returncode == 2 and "empty_file" in result.stderr


def test_cli_mistyped_setting_is_named_not_a_traceback() -> None:
    import os

    result = subprocess.run([sys.executable, "-m", "review_service", "segment", str(SAMPLE)], capture_output=True,
                            text=True, cwd=ROOT, timeout=120, env={**os.environ, "VETTED_EMBED_PRECISION": "int8"})
    assert result.returncode == 2
    assert "invalid_setting: VETTED_EMBED_PRECISION" in result.stderr and "Traceback" not in result.stderr
