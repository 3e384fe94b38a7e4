import json
from pathlib import Path

from review_service.matching.model_files import file_checksums, max_seq_length, model_dir

MANIFEST = Path(__file__).resolve().parents[2] / "models" / "manifest.json"


def test_model_files_match_the_manifest() -> None:
    manifest = json.loads(MANIFEST.read_text())
    assert file_checksums() == manifest["files"], "the installed model differs from models/manifest.json"
    assert max_seq_length() == manifest["max_seq_length"] == 256


def test_model_comes_from_the_installed_package() -> None:
    assert (model_dir() / "model.safetensors").exists()
