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
    assert len(payload["results"]) == 3
    assert payload["results"][0]["clause_type"] == "governing_law"
    assert (tmp_path / "index" / "manifest.json").exists()
