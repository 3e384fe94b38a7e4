"""The terminal and Markdown reports say what to put to the vendor: the fallback that answers a deviation, the
approved text where no fallback softens it, and for a missing clause the standard language first."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from review_service.ingest import extract
from review_service.review.engine import Reviewer
from review_service.review.report import markdown_report, terminal_report

ROOT = Path(__file__).resolve().parents[2]
NIMBUS = ROOT / "corpora" / "drafts" / "nimbusdesk_saas_subscription.txt"


@pytest.fixture(scope="module")
def review(tmp_path_factory):
    reviewer = Reviewer(data_dir=tmp_path_factory.mktemp("data"))
    return reviewer.review(extract(NIMBUS), contract_type="saas", value=48_000)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_report_missing_clause_adds_the_standard_language_then_the_fallback(review) -> None:
    missing = next(d for d in review.deviations if d.kind == "missing" and d.fallback_text)
    md = markdown_report(review, "nimbus.txt")
    assert f"**Add:** {missing.library_text}" in md
    assert f"**If the vendor pushes back:** {missing.fallback_text}" in md
    out = io.StringIO()
    terminal_report(Console(file=out, width=400, color_system=None), review, "nimbus.txt")
    text = _one_line(out.getvalue())
    assert f"add: {_one_line(missing.library_text)}" in text
    assert f"if the vendor pushes back: {_one_line(missing.fallback_text)}" in text


def test_report_asks_for_the_approved_text_where_no_fallback_softens_the_deviation(review) -> None:
    use = next(d for d in review.deviations if d.rule == "data_protection.vendor_uses_customer_data")
    assert use.fallback_text is None
    md = markdown_report(review, "nimbus.txt")
    assert f"**No approved fallback; ask for the approved text:** {use.library_text}" in md
    payment = next(d for d in review.deviations if d.rule == "payment_terms.payment_days_too_short")
    assert f"**Fallback to offer:** {payment.fallback_text}" in md
