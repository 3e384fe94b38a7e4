"""The web app in a real browser (Debian's Chromium via Playwright) against the real server with the real
review engine: procurement uploads a draft and sees its route; legal finds it in the queue, selects a deviation,
sees the redline and decides; procurement sees the decision. Also: the wrong role is refused a page, an
anonymous visitor is sent to sign in, and a bad file's error (corrupt, mislabelled, scanned, too large) is
shown with the form kept.

Screenshots of the main pages are saved under var/screenshots/ (the run's summary says where)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DRAFT = ROOT / "corpora" / "drafts" / "fernhill_saas_terms.txt"
REVIEW_SECONDS = 180_000  # the first review in a fresh server loads the model

pytestmark = pytest.mark.slow
# The element is on screen, and the (smooth) scroll to it has finished.
IN_VIEWPORT = """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
    const settled = window.__lastY === window.scrollY; window.__lastY = window.scrollY;
    return settled && r.bottom > 0 && r.top < window.innerHeight; }"""


def _no_script_errors(page) -> None:  # type: ignore[no-untyped-def]
    assert page.script_errors == [], page.script_errors


def test_upload_route_decision_round_trip(new_page, screenshots: Path) -> None:  # type: ignore[no-untyped-def]
    # Sign-in page.
    anonymous = new_page()
    anonymous.goto("/login")
    anonymous.screenshot(path=str(screenshots / "login.png"))

    # Procurement uploads a vendor draft with its business context and waits for the outcome.
    pat = new_page("pat")
    assert pat.url.endswith("/requests")
    pat.click("nav.mainnav >> text=Upload")
    # Drag the file onto the drop zone (the file input is the other way in; the bad-file test uses it).
    pat.evaluate("""([name, text]) => {
        const files = new DataTransfer();
        files.items.add(new File([text], name, { type: "text/plain" }));
        const zone = document.querySelector("[data-dropzone]");
        zone.dispatchEvent(new DragEvent("dragenter", { dataTransfer: files, bubbles: true, cancelable: true }));
        zone.dispatchEvent(new DragEvent("drop", { dataTransfer: files, bubbles: true, cancelable: true }));
    }""", [DRAFT.name, DRAFT.read_text(encoding="utf-8")])
    assert "fernhill_saas_terms.txt" in pat.inner_text("[data-file-name]")
    assert pat.evaluate("document.querySelector('#upload-file').files[0].name") == DRAFT.name
    pat.fill("#title", "Fernhill support terms")
    pat.fill("#vendor", "Fernhill")
    pat.select_option("#contract_type", "saas")
    pat.fill("#value", "150000")
    pat.fill("#business_context", "Vendor needs Net 60 because its cash-flow cycle changed.")
    pat.click("button:has-text('Upload and review')")
    pat.wait_for_url(re.compile(r"/requests/\d+"))
    contract_id = int(re.search(r"/requests/(\d+)", pat.url).group(1))  # type: ignore[union-attr]
    pat.wait_for_selector("#outcome-title", timeout=REVIEW_SECONDS)
    assert "Sent to legal" in pat.inner_text("#outcome-title")
    assert pat.inner_text("[data-assignee]") == "Lee Park"
    reasons = pat.inner_text("[data-reasons]")
    assert "Its value is at least $100,000." in reasons and "Deciding deviation:" in reasons
    assert "Vendor needs Net 60" in pat.inner_text("body")
    pat.screenshot(path=str(screenshots / "upload_outcome.png"), full_page=True)

    # My requests lists it with its status, route and reasons.
    with pat.expect_navigation():
        pat.click("nav.mainnav >> text=My requests")
    row = pat.locator(f"tr[data-contract-id='{contract_id}']")
    assert "In review" in row.inner_text() and "Legal review" in row.inner_text()
    assert "Its value is at least $100,000." in row.inner_text()
    pat.screenshot(path=str(screenshots / "my_requests.png"), full_page=True)
    _no_script_errors(pat)

    # Legal: the queue (worst first), then the contract.
    lee = new_page("lee")
    assert lee.url.endswith("/queue")
    severities = lee.locator("table.queue tbody tr td:first-child").all_inner_texts()
    rank = {"Critical": 4, "High": 3, "Medium": 2, "Low": 1, "Info": 0}
    assert [rank[s.strip()] for s in severities] == sorted((rank[s.strip()] for s in severities), reverse=True)
    lee.screenshot(path=str(screenshots / "queue.png"), full_page=True)
    lee.select_option("#f-assignee", "me")
    lee.fill("#f-vendor", "fernhill")
    with lee.expect_navigation():
        lee.click("button:has-text('Filter')")
    assert lee.locator("table.queue tbody tr").count() == 1
    with lee.expect_navigation(url=f"**/contracts/{contract_id}"):
        lee.click("table.queue a:has-text('Fernhill support terms')")

    # Each flagged clause is coloured by its worst deviation; choose a deviation with a fallback.
    assert lee.locator(".clause.flagged").count() > 0
    items = lee.locator("[data-select-deviation]")
    chosen = None
    for i in range(items.count()):
        dev_id = items.nth(i).get_attribute("data-select-deviation")
        if lee.locator(f"[data-deviation='{dev_id}'] [data-copy]").count() and \
                lee.locator(f"[data-deviation='{dev_id}'] .redline del").count():
            chosen = dev_id
            items.nth(i).click()
            break
    assert chosen is not None, "no deviation with a fallback and a redline"
    detail = lee.locator(f"[data-deviation='{chosen}']")
    assert detail.is_visible()
    assert lee.locator("[data-deviation]:visible").count() == 1
    clause_id = lee.locator(f"[data-select-deviation='{chosen}']").get_attribute("data-clause")
    assert clause_id, "the chosen deviation points at its clause"
    clause = lee.locator(f"#{clause_id}")
    assert "selected" in (clause.get_attribute("class") or "")
    lee.wait_for_function(IN_VIEWPORT, arg=f"#{clause_id}")  # scrolled to it (smoothly)
    assert detail.locator(".redline del").count() > 0 and detail.locator(".redline ins").count() > 0
    assert detail.locator(".vendor-side").inner_text().strip() and detail.locator(".library-side").inner_text()
    assert "rule" in detail.inner_text().lower() and "what broke it" in detail.inner_text().lower()
    assert f"d={chosen}" in lee.url
    lee.screenshot(path=str(screenshots / "contract_deviation.png"))

    # Copy the fallback, then offer it with a comment.
    lee.context.grant_permissions(["clipboard-read", "clipboard-write"])
    detail.locator("[data-copy]").click()
    detail.locator(".copied:has-text('Copied')").wait_for()
    fallback = detail.locator("blockquote").inner_text().strip()
    assert lee.evaluate("navigator.clipboard.readText()").strip() == fallback
    detail.locator("textarea[name=comment]").fill("Our fallback language is fine here.")
    with lee.expect_navigation():
        detail.locator("button[value=fallback]").click()
    assert re.search(rf"/contracts/{contract_id}\?d={chosen}", lee.url)
    assert "Recorded: fallback offered." in lee.inner_text("#flash")
    decided = lee.locator(f"[data-deviation='{chosen}'] [data-decision]")
    assert decided.get_attribute("data-decision") == "fallback" and decided.is_visible()

    # A comment with a mention on the same deviation.
    lee.locator(f"[data-deviation='{chosen}'] .deviation-comments textarea").fill("@pat the vendor accepts Net 30?")
    with lee.expect_navigation():
        lee.locator(f"[data-deviation='{chosen}'] .deviation-comments button:has-text('Comment')").click()
    assert "Comment added." in lee.inner_text("#flash")
    assert "@pat the vendor accepts Net 30?" in lee.locator(f"[data-deviation='{chosen}']").inner_text()
    _no_script_errors(lee)

    # Procurement sees legal's decision on the request page.
    pat.goto(f"/requests/{contract_id}")
    mine = pat.locator(f"li[data-deviation-id='{chosen}'] [data-decision]")
    assert mine.get_attribute("data-decision") == "fallback"
    assert "Our fallback language is fine here." in mine.inner_text()
    assert "1 decided" in pat.inner_text("#deviations-title + p")

    # The vendor moves to Net 30: procurement uploads the new version, which is reviewed again.
    revised = DRAFT.read_text(encoding="utf-8").replace("ten (10) days", "thirty (30) days")
    pat.set_input_files("#version-file", {"name": "fernhill_v2.txt", "mimeType": "text/plain",
                                          "buffer": revised.encode()})
    pat.fill("#note", "Vendor moved to Net 30")
    pat.click("button:has-text('Upload the new version')")
    pat.wait_for_url(re.compile(rf"/requests/{contract_id}\?job=\d+"))
    pat.wait_for_selector("#outcome-title", timeout=REVIEW_SECONDS)
    assert "version 2 (fernhill_v2.txt)" in pat.inner_text(".lede")
    assert "ten (10) days" not in pat.inner_text("main") and "0 decided" in pat.inner_text("#deviations-title + p")
    _no_script_errors(pat)


def test_wrong_role_is_refused_and_anonymous_is_sent_to_sign_in(new_page, screenshots: Path  # type: ignore[no-untyped-def]
                                                                ) -> None:
    fin = new_page("fin")
    response = fin.goto("/queue")
    assert response is not None and response.status == 403
    assert "Not for your role" in fin.inner_text("h1")
    assert "This page is for Legal or Senior legal" in fin.inner_text(".error-message")
    assert fin.locator("nav.mainnav >> text=Queue").count() == 0  # not offered in the first place
    fin.screenshot(path=str(screenshots / "forbidden.png"))

    pat = new_page("pat")
    assert pat.goto("/queue").status == 403  # type: ignore[union-attr]

    anonymous = new_page()
    anonymous.goto("/queue?vendor=x")
    assert "/login?next=" in anonymous.url
    anonymous.fill("#username", "lee")
    anonymous.fill("#password", "not the password")
    with anonymous.expect_navigation():
        anonymous.click("form.form button[type=submit]")
    assert "Wrong username or password" in anonymous.inner_text("[role=alert]")


def test_bad_files_show_the_api_message_and_keep_the_form(new_page, screenshots: Path  # type: ignore[no-untyped-def]
                                                           ) -> None:
    pat = new_page("pat")
    pat.goto("/upload")
    pat.fill("#title", "Broken draft")
    pat.fill("#vendor", "Nobody")
    pat.select_option("#contract_type", "services")
    pat.fill("#business_context", "Keep this text.")

    # Corrupt: a PDF cut off after its header.
    pat.set_input_files("#upload-file", {"name": "draft.pdf", "mimeType": "application/pdf",
                                         "buffer": b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog"})
    corrupt = _refusal(pat, "")
    assert corrupt.startswith("The upload was refused:") and "PDF" in corrupt
    assert pat.input_value("#title") == "Broken draft" and pat.input_value("#business_context") == "Keep this text."
    assert pat.url.endswith("/upload")
    assert "has-error" in (pat.get_attribute("[data-dropzone]", "class") or "")
    pat.screenshot(path=str(screenshots / "upload_bad_file.png"))

    # Mislabelled: a "Word document" that is plain text.
    pat.set_input_files("#upload-file", {"name": "draft.docx", "mimeType": "application/octet-stream",
                                         "buffer": b"MASTER SERVICES AGREEMENT\n\n1. Services. The vendor ..."})
    mislabelled = _refusal(pat, corrupt)
    assert "docx" in mislabelled.lower() or "word" in mislabelled.lower()

    # Scanned: a page that is only an image.
    pat.set_input_files("#upload-file", {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": _scanned_pdf()})
    scanned = _refusal(pat, mislabelled)
    assert "scanned" in scanned

    # Too large: over the server's 1 MiB limit (set by the fixture).
    pat.set_input_files("#upload-file", {"name": "huge.txt", "mimeType": "text/plain", "buffer": b"a " * 600_000})
    too_large = _refusal(pat, scanned)
    assert "over" in too_large and "KiB" in too_large
    assert pat.input_value("#title") == "Broken draft"

    # Nothing was stored: my requests has none of them.
    pat.goto("/requests")
    assert "Broken draft" not in pat.inner_text("main")
    _no_script_errors(pat)


def _scanned_pdf() -> bytes:
    """One A4 page that is a picture of noise: no text layer, as a scan without OCR."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.drawImage(ImageReader(Image.effect_noise((300, 420), 60).convert("RGB")), 40, 60, width=515, height=720)
    page.showPage()
    page.save()
    return out.getvalue()


def _refusal(page, previous: str) -> str:  # type: ignore[no-untyped-def]
    """Send the upload form; the refusal shown on the page (once it differs from the previous one)."""
    page.click("button:has-text('Upload and review')")
    page.wait_for_function("""(previous) => { const box = document.querySelector('#upload-error');
        return !box.hidden && box.textContent.trim() && box.textContent !== previous; }""", arg=previous)
    return str(page.inner_text("#upload-error"))


def test_upload_and_contract_pages_read_in_a_narrow_window(new_page, screenshots: Path) -> None:  # type: ignore[no-untyped-def]
    # A phone-sized window (390 px): procurement uploads from it and sees the outcome, nothing scrolls sideways.
    pat = new_page("pat", width=390, height=844)
    pat.goto("/upload")
    assert pat.evaluate("document.documentElement.scrollWidth") <= 390
    assert pat.locator("nav.mainnav >> text=Upload").get_attribute("aria-current") == "page"
    pat.set_input_files("#upload-file", {"name": "fernhill_narrow.txt", "mimeType": "text/plain",
                                         "buffer": DRAFT.read_text(encoding="utf-8").replace(
                                             "ten (10) days", "twenty (20) days").encode()})
    pat.fill("#title", "Fernhill from a phone")
    pat.fill("#vendor", "Fernhill")
    pat.select_option("#contract_type", "saas")
    pat.fill("#value", "20000")
    pat.screenshot(path=str(screenshots / "upload_narrow.png"), full_page=True)
    pat.click("button:has-text('Upload and review')")
    pat.wait_for_selector("#outcome-title", timeout=REVIEW_SECONDS)
    assert pat.evaluate("document.documentElement.scrollWidth") <= 390
    assert pat.locator("[data-reasons] li").count() >= 1
    pat.screenshot(path=str(screenshots / "upload_outcome_narrow.png"), full_page=True)
    _no_script_errors(pat)

    lee = new_page("lee", width=390, height=844)
    for _ in range(120):  # the demo's sample contracts are reviewed in the background after the start
        if lee.locator("table.queue tbody tr").count():
            break
        lee.wait_for_timeout(1000)
        lee.reload()
    with lee.expect_navigation(url=re.compile(r"/contracts/\d+")):
        lee.click("table.queue tbody tr >> nth=0 >> a")
    width = lee.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"
    lee.locator("[data-select-deviation] >> nth=1").click()
    assert lee.locator("[data-deviation]:visible").count() == 1
    # One column: the chosen deviation's details come into view (the panel sits above the document).
    lee.wait_for_function(IN_VIEWPORT, arg="[data-deviation]:not([hidden]) h3")
    lee.screenshot(path=str(screenshots / "contract_narrow.png"), full_page=False)
    # Keyboard: the skip link comes first and leads to the content.
    lee.goto(lee.url)
    lee.keyboard.press("Tab")
    assert lee.evaluate("document.activeElement.textContent") == "Skip to content"
    _no_script_errors(lee)
