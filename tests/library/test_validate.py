"""The validator: the shipped library is clean, and each kind of broken file is reported at its line."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from review_service.library import LibraryError, default_library_dir, load_library, validate_library
from review_service.library.cli import library_app

SHIPPED = Path(__file__).resolve().parents[2] / "clause_library"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A customer's own library folder: a copy of the shipped one."""
    target = tmp_path / "customer_library"
    shutil.copytree(SHIPPED, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """1-based line of the only line containing ``needle``."""
    hits = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    assert len(hits) == 1, f"{needle!r} is on lines {hits} of {path.name}"
    return hits[0]


def test_validate_shipped_library_is_clean():
    assert validate_library(SHIPPED) == []


def test_validate_default_dir_is_the_shipped_library(monkeypatch):
    monkeypatch.delenv("VETTED_LIBRARY_DIR", raising=False)
    assert default_library_dir() == SHIPPED


def test_validate_version_ignores_layout_but_not_content(copy):
    base = load_library(SHIPPED).version
    assert load_library(copy).version == base  # the folder's location does not count
    path = copy / "clauses" / "payment_terms.yaml"
    edit(path, "id: payment_terms\n", "# a reviewer's note\nid:   payment_terms\n")
    assert load_library(copy).version == base
    edit(path, "preferred: 45", "preferred: 40")
    assert load_library(copy).version != base


# Each case: (file under the library folder, edit to make, text on the line to report, words in the message).
Case = tuple[str, Callable[[Path], None], str, str]


def _replace(old: str, new: str) -> Callable[[Path], None]:
    return lambda path: edit(path, old, new)


def _append(extra: str) -> Callable[[Path], None]:
    return lambda path: path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")


CASES: dict[str, Case] = {
    "bad severity": (
        "clauses/payment_terms.yaml",
        _replace("severity: medium, rule: late_fee_too_high", "severity: severe, rule: late_fee_too_high"),
        "severity: severe",
        "Input should be 'info', 'low', 'medium', 'high' or 'critical'",
    ),
    "unknown key": (
        "clauses/warranties.yaml",
        _replace("lane: legal\n", "lane: legal\nreviewer: jane\n"),
        "reviewer: jane",
        "unknown key 'reviewer'",
    ),
    "unknown key in a red flag": (
        "clauses/exclusivity.yaml",
        _replace("    severity: high\n", "    sevrity: high\n"),
        "sevrity: high",
        "unknown key 'sevrity' in red_flags[0]",
    ),
    "missing field": (
        "clauses/publicity.yaml",
        _replace("lane: procurement\n", ""),
        "id: publicity",
        "missing required key 'lane'",
    ),
    "missing field in a red flag": (
        "clauses/exclusivity.yaml",
        _replace("    severity: high\n", ""),
        "- id: customer_exclusivity",
        "missing required key 'severity' in red_flags[0]",
    ),
    "bad YAML syntax": (
        "clauses/subcontracting.yaml",
        _replace("lane: procurement\n", "lane: procurement\n  oops: [\n"),
        "oops: [",
        "YAML syntax error",
    ),
    "duplicate YAML key": (
        "clauses/survival.yaml",
        _replace("lane: legal\n", "lane: legal\nlane: finance\n"),
        "lane: finance",
        "duplicate key 'lane'",
    ),
    "string where a number belongs": (
        "clauses/service_levels.yaml",
        _replace("preferred: 99.9", "preferred: ninety-nine"),
        "preferred: ninety-nine",
        "preferred: the preferred value of a percent parameter must be a number",
    ),
    "preferred outside its bound": (
        "clauses/payment_terms.yaml",
        _replace("preferred: 45", "preferred: 20"),
        "preferred: 20",
        "preferred value 20 is outside its own min bound 30",
    ),
    "fallback breaking a bound": (
        "clauses/payment_terms.yaml",
        _replace("values: {payment_days: 30}", "values: {payment_days: 25}"),
        "values: {payment_days: 25}",
        "breaking rule 'payment_days_too_short'",
    ),
    "fallback naming an unknown parameter": (
        "clauses/payment_terms.yaml",
        _replace("values: {payment_days: 30}", "values: {payment_dayz: 30}"),
        "values: {payment_dayz: 30}",
        "'payment_dayz', which is not a parameter",
    ),
    "one rule with two severities": (
        "clauses/payment_terms.yaml",
        _replace("severity: medium, rule: late_fee_too_high", "severity: high, rule: late_fee_too_high"),
        "severity: high, rule: late_fee_too_high",
        "rule 'late_fee_too_high' is high here but medium elsewhere",
    ),
    "duplicate variant text": (
        "clauses/waiver.yaml",
        _append(
            "  - style: order_form\n"
            '    text: "Severability: an unenforceable term is severed; the remainder continues to apply."\n'
        ),
        "Severability: an unenforceable term",
        "duplicate variant text (same as severability standard[3])",
    ),
    "id differing from the file name": (
        "clauses/anti_bribery.yaml",
        _replace("id: anti_bribery", "id: anti_corruption"),
        "id: anti_corruption",
        "differs from the file name",
    ),
    "requirement disagreeing with the playbook": (
        "clauses/service_levels.yaml",
        _replace("required: [saas]", "required: [saas, software]"),
        "required: [saas, software]",
        "required here for 'software', but playbook software.requires omits service_levels",
    ),
    "red flags missing where the policy lists deviations": (
        "clauses/publicity.yaml",
        lambda path: path.write_text(
            path.read_text(encoding="utf-8").split("red_flags:")[0] + "red_flags: []\n", encoding="utf-8"
        ),
        "red_flags: []",
        "policy row 19 lists deviations: add red flags",
    ),
    "playbook naming an unknown clause type": (
        "playbook.yaml",
        _replace("clause_type: publicity,", "clause_type: publicty,"),
        "clause_type: publicty",
        "unknown clause type 'publicty'",
    ),
    "playbook with a bad severity": (
        "playbook.yaml",
        _replace("severity_at_least: high,", "severity_at_least: hi,"),
        "severity_at_least: hi",
        "Input should be",
    ),
    "routing naming an unknown threshold": (
        "playbook.yaml",
        _replace("value_at_least: legal_value,", "value_at_least: legal_valu,"),
        "value_at_least: legal_valu",
        "unknown threshold 'legal_valu'",
    ),
    "contract type requiring boilerplate": (
        "playbook.yaml",
        _replace(
            "requires: [governing_law, confidentiality]", "requires: [governing_law, confidentiality, waiver]"
        ),
        "requires: [governing_law, confidentiality, waiver]",
        "'waiver' is boilerplate and cannot be required",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_reports_file_and_line(copy, case):
    relative, change, needle, words = CASES[case]
    path = copy / relative
    change(path)
    problems = validate_library(copy)
    assert problems, "the broken file validated clean"
    expected_line = line_of(path, needle)
    matching = [p for p in problems if words in p.message]
    assert matching, f"no problem says {words!r}: {[str(p) for p in problems]}"
    assert any(p.file == str(path) and p.line == expected_line for p in matching), [str(p) for p in matching]
    assert all(p.line >= 1 and p.column >= 1 for p in problems)


def test_validate_reports_a_duplicate_id_in_a_second_file(copy):
    clone = copy / "clauses" / "payment_terms_v2.yaml"
    shutil.copy(copy / "clauses" / "payment_terms.yaml", clone)
    problems = validate_library(copy)
    line = line_of(clone, "id: payment_terms")
    messages = {p.message for p in problems if p.file == str(clone) and p.line == line}
    assert any("duplicate clause type id 'payment_terms'" in m for m in messages)
    assert any("differs from the file name" in m for m in messages)


def test_validate_an_uncovered_policy_row_is_reported_in_the_clause_file(copy):
    edit(copy / "playbook.yaml", "  - {row: 24, clause_type: minimum_commitment, has_fallback: false}\n", "")
    path = copy / "clauses" / "minimum_commitment.yaml"
    problems = validate_library(copy)
    assert [(p.file, p.line) for p in problems if "not in the playbook's policy_rows" in p.message] == [
        (str(path), line_of(path, "policy_row: 24"))
    ]


def test_validate_a_broken_clause_file_is_not_reported_twice(copy):
    edit(copy / "clauses" / "publicity.yaml", "lane: procurement\n", "lane: procurement\n  oops: [\n")
    problems = validate_library(copy)
    assert len(problems) == 1
    assert problems[0].file.endswith("publicity.yaml")


def test_validate_missing_folder_and_playbook(tmp_path):
    assert "library folder not found" in validate_library(tmp_path / "nowhere")[0].message
    (tmp_path / "clauses").mkdir()
    messages = [p.message for p in validate_library(tmp_path)]
    assert any("needs a playbook.yaml" in m for m in messages)
    assert any("no clause type files" in m for m in messages)


def test_validate_load_library_refuses_a_broken_library(copy):
    edit(copy / "clauses" / "payment_terms.yaml", "preferred: 45", "preferred: 20")
    with pytest.raises(LibraryError) as err:
        load_library(copy)
    assert err.value.code == "invalid_library"
    assert "payment_terms.yaml:" in err.value.message


def test_validate_customer_folder_with_one_edit(copy, monkeypatch):
    """A customer library behaves exactly like the shipped one: same checks, chosen by VETTED_LIBRARY_DIR."""
    path = copy / "clauses" / "payment_terms.yaml"
    edit(path, "preferred: 45", "preferred: 60")
    monkeypatch.setenv("VETTED_LIBRARY_DIR", str(copy))
    assert default_library_dir() == copy
    assert validate_library(copy) == []
    library = load_library()
    assert library.folder == copy
    assert library.clause_type("payment_terms").parameter("payment_days").preferred == 60
    assert library.version != load_library(SHIPPED).version

    edit(path, "preferred: 60", "preferred: 20")
    runner = CliRunner()
    by_env = runner.invoke(library_app, ["validate"])
    by_flag = runner.invoke(library_app, ["validate", "--dir", str(copy)])
    assert by_env.exit_code == by_flag.exit_code == 1
    assert by_env.stdout == by_flag.stdout
    assert f"{path}:{line_of(path, 'preferred: 20')}:" in by_env.stdout


def test_validate_cli_summary_for_a_clean_library():
    result = CliRunner().invoke(library_app, ["validate", "--dir", str(SHIPPED)])
    library = load_library(SHIPPED)
    assert result.exit_code == 0, result.output
    assert f"{len(library.clause_types)} clause types" in result.stdout
    assert f"{sum(1 for _ in library.texts())} variants" in result.stdout
    assert library.version in result.stdout


def test_validate_cli_show_renders_a_clause_type():
    result = CliRunner().invoke(library_app, ["show", "payment_terms", "--dir", str(SHIPPED)])
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    for expected in ("Payment terms", "finance", "every buying agreement", "Net 45", "net_30",
                     "late_fee_too_high", "payment_days", "min 30"):
        assert expected in out


def test_validate_cli_show_unknown_type_suggests_one():
    result = CliRunner().invoke(library_app, ["show", "paymnt_terms", "--dir", str(SHIPPED)])
    assert result.exit_code == 2
    assert "did you mean payment_terms" in result.output
