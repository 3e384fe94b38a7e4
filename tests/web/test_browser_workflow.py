"""The contract workflow through the pages, in Debian's Chromium against `vetted serve --demo` with the real
engine: legal decides every deviation and approves, procurement then marks the contract ready for signature; a
contract worth over $1,000,000 goes to senior legal, where plain legal can neither decide nor approve and the
general counsel can, and finance, its co-signer, sees only the money terms and signs it off.

Screenshots go to var/screenshots/ (git-ignored): workflow-*.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browsing import no_script_errors, reviewed, upload

pytestmark = pytest.mark.slow

MONEY_TYPES = {"Payment terms", "Price changes", "Minimum commitment"}


def _workflow_buttons(page: Any) -> list[str]:
    return [b.strip() for b in page.locator("form.workflow button").all_inner_texts()]


def _decide_every_deviation(page: Any) -> int:
    """Choose each deviation in the list and decide it: the fallback where the library has one, else accept."""
    ids = page.locator(".deviation-list [data-select-deviation]").evaluate_all(
        "els => els.map(e => e.dataset.selectDeviation)")
    for dev_id in ids:
        page.locator(f".deviation-list [data-select-deviation='{dev_id}']").click()
        detail = page.locator(f"[data-deviation='{dev_id}']")
        assert detail.is_visible()
        choice = "fallback" if detail.locator("button[value=fallback]").count() else "accept"
        detail.locator("textarea[name=comment]").fill(f"Decided in the browser test ({choice}).")
        with page.expect_navigation():
            detail.locator(f"button[value={choice}]").click()
        assert "Recorded:" in page.inner_text("#flash")
        assert page.get_attribute(f"[data-deviation='{dev_id}'] [data-decision]", "data-decision") == choice
    assert f"{len(ids)} decided" in page.inner_text("#deviations-title + .sub")
    return len(ids)


def _move(page: Any, label: str, note: str = "") -> str:
    """Press the workflow button ``label`` (with an optional note); the flash message."""
    if note:
        page.fill("#state-comment", note)
    with page.expect_navigation():
        page.click(f"form.workflow button:has-text('{label}')")
    return str(page.inner_text("#flash"))


def test_legal_decides_every_deviation_and_approves_then_procurement_marks_it_ready(  # type: ignore[no-untyped-def]
        new_page, live_server, screenshots: Path) -> None:
    pinecrest = reviewed(live_server, "Pinecrest")
    assert pinecrest["route"] == "legal"
    contract_id = pinecrest["id"]

    lee = new_page("lee")
    lee.goto(f"/contracts/{contract_id}")
    # Approval waits for every deviation to be decided.
    assert "Approve" not in _workflow_buttons(lee) and "Request changes" in _workflow_buttons(lee)
    decided = _decide_every_deviation(lee)
    assert decided >= 3
    assert "Approve" in _workflow_buttons(lee)
    assert _move(lee, "Approve", "All deviations settled with the vendor.") == "The contract is now approved."
    assert "Approved" in lee.inner_text(".badges")
    assert lee.locator(".decision-form").count() == 0  # decisions are closed once approved
    lee.screenshot(path=str(screenshots / "workflow-legal_approved.png"), full_page=True)

    # Procurement moves it on: ready for signature, from the request page.
    pat = new_page("pat")
    pat.goto(f"/requests/{contract_id}")
    assert "Approved" in pat.inner_text(".outcome")
    with pat.expect_navigation():
        pat.click("button:has-text('Mark ready for signature')")
    assert "The contract is now ready for signature." in pat.inner_text("#flash")
    assert "Ready for signature" in pat.inner_text(".outcome")
    assert pat.locator("button:has-text('Mark ready for signature')").count() == 0
    pat.screenshot(path=str(screenshots / "workflow-signature_ready.png"), full_page=True)
    no_script_errors(lee)
    no_script_errors(pat)


def test_high_value_contract_goes_to_senior_legal_and_finance_signs_it_off(  # type: ignore[no-untyped-def]
        new_page, live_server, screenshots: Path) -> None:
    # The NimbusDesk draft (labelled senior_legal in corpora/labels.yaml) at $1.2M: senior legal by its value
    # alone, and finance co-signs above $1,000,000 (clause_library/playbook.yaml).
    contract = upload(live_server, "nimbusdesk_saas_subscription.txt", title="NimbusDesk enterprise",
                      vendor="NimbusDesk Software", value=1_200_000)
    assert contract["route"] == "senior_legal", contract["route"]
    contract_id = contract["id"]

    # Plain legal reads it but cannot decide or approve: no forms, and a forged post is refused.
    lee = new_page("lee")
    lee.goto(f"/contracts/{contract_id}")
    assert lee.locator(".decision-form").count() == 0
    assert "Routed to senior legal: the general counsel decides." in lee.inner_text("[data-deviation]:visible")
    assert "Approve" not in _workflow_buttons(lee)
    with lee.expect_navigation():
        lee.evaluate("""(id) => { const form = document.createElement('form');
            form.method = 'post'; form.action = `/contracts/${id}/state`;
            const token = document.querySelector('meta[name=csrf-token]').content;
            for (const [k, v] of [['state', 'approved'], ['csrf_token', token]]) {
                const input = document.createElement('input'); input.type = 'hidden'; input.name = k; input.value = v;
                form.appendChild(input); }
            document.body.appendChild(form); form.submit(); }""", contract_id)
    assert "senior legal" in lee.inner_text("[role=alert]").lower()
    assert "In review" in lee.inner_text(".badges")
    lee.screenshot(path=str(screenshots / "workflow-legal_refused.png"))

    # The general counsel decides every deviation and approves.
    gc = new_page("gc")
    gc.goto("/queue")
    with gc.expect_navigation():
        gc.click("table.queue a:has-text('NimbusDesk enterprise')")
    _decide_every_deviation(gc)
    assert _move(gc, "Approve") == "The contract is now approved."

    # Procurement cannot mark it ready: finance co-signs. Finance sees the money terms only, and signs it off.
    pat = new_page("pat")
    pat.goto(f"/requests/{contract_id}")
    assert pat.locator("button:has-text('Mark ready for signature')").count() == 0
    fin = new_page("fin")
    fin.goto(f"/contracts/{contract_id}")
    assert "Finance sees the money terms" in fin.inner_text(".review-panel")
    titles = {t.split("·")[0].strip() for t in fin.locator(".deviation-list .dev-title").all_inner_texts()}
    assert titles and titles <= MONEY_TYPES, titles
    assert fin.locator(".document").count() == 0 and fin.locator("#discussion").count() == 0
    assert fin.locator("#download-response").count() == 0
    assert fin.locator(".decision-form").count() == 0
    # Nothing leads where finance may not go, and nothing stands empty.
    assert fin.locator(f"a[href='/requests/{contract_id}'], [data-scroll-clause], details.why").count() == 0
    fin.screenshot(path=str(screenshots / "workflow-finance.png"), full_page=True)
    assert _move(fin, "Mark ready for signature", "Budget confirmed.") == "The contract is now ready for signature."
    assert "Ready for signature" in fin.inner_text(".badges")
    for page in (lee, gc, pat, fin):
        no_script_errors(page)
