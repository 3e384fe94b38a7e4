"""The admin pages, the clause library browser, the dashboard, the version comparison and the response to the
vendor in a real browser (Debian's Chromium via Playwright) against the real server (`vetted serve --demo`, whose
worker reviews the sample contracts with the real engine).

Screenshots go to var/screenshots/ (git-ignored), named after the page."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import httpx
import pytest
from browsing import DRAFTS, headers, no_script_errors, reviewed, wait_version

PINECREST = DRAFTS / "pinecrest_hr_saas_agreement.txt"

pytestmark = pytest.mark.slow


def test_admin_pages_change_an_assignment_and_availability(new_page, screenshots: Path) -> None:  # type: ignore[no-untyped-def]
    admin = new_page("admin")
    assert admin.url.endswith("/admin/users")  # an admin starts at the admin pages
    assert admin.locator("#users tr[data-username='lee']").count() == 1
    admin.screenshot(path=str(screenshots / "admin_users.png"), full_page=True)

    admin.click(".subnav >> text=Legal assignments")
    admin.wait_for_url(re.compile(r"/admin/assignments$"))
    nda = admin.locator("tr[data-scope='type:nda']")
    nda.locator("select[name=partner_id]").select_option(label="Morgan Diaz")
    nda.locator("select[name=backup_id]").select_option(label="Lee Park")
    nda.locator("button:has-text('Save')").click()
    admin.wait_for_selector(".flash")
    assert "NDA: Morgan Diaz reviews, Lee Park is the backup." in admin.inner_text(".flash")
    row = admin.locator("tr[data-scope='type:nda']").inner_text()
    assert row.index("Morgan Diaz") < row.index("Lee Park")

    admin.locator("#availability tr[data-username='lee'] button").click()
    admin.wait_for_selector(".flash")
    assert "Lee Park is out of office" in admin.inner_text(".flash")
    assert "out of office" in admin.locator("#availability tr[data-username='lee']").inner_text()
    admin.screenshot(path=str(screenshots / "admin_assignments.png"), full_page=True)
    admin.locator("#availability tr[data-username='lee'] button:has-text('Mark available')").click()
    admin.wait_for_selector(".flash")
    assert "Lee Park is available again." in admin.inner_text(".flash")

    admin.click(".subnav >> text=Routing")
    admin.wait_for_url(re.compile(r"/admin/routing$"))
    assert admin.input_value("#threshold-legal_value") == "100000"
    admin.screenshot(path=str(screenshots / "admin_routing.png"), full_page=True)

    admin.click(".subnav >> text=Audit log")
    admin.fill("#action", "routing.")
    admin.click("button:has-text('Filter')")
    admin.wait_for_url(re.compile(r"action=routing"))
    actions = admin.locator("#audit-events tbody td:nth-child(4)").all_inner_texts()
    assert actions and set(actions) == {"routing.assignment"}
    assert "/api/audit?action=routing." in (admin.get_attribute("#export-csv", "href") or "")
    with admin.expect_download() as download:
        admin.click("#export-csv")
    exported = Path(download.value.path()).read_text()
    assert exported.startswith("seq,at,actor,action") and "routing.assignment" in exported
    admin.screenshot(path=str(screenshots / "admin_audit.png"), full_page=True)
    no_script_errors(admin)


def test_non_admins_are_refused_the_admin_pages(new_page, screenshots: Path) -> None:  # type: ignore[no-untyped-def]
    pat = new_page("pat")
    assert "Admin" not in pat.locator("nav.mainnav").inner_text()
    for path in ("/admin/users", "/admin/assignments", "/admin/routing", "/admin/audit"):
        answer = pat.goto(path)
        assert answer is not None and answer.status == 403, path
        assert "This page is for" in pat.inner_text(".error-message")
    pat.screenshot(path=str(screenshots / "admin_refused.png"))
    lee = new_page("lee")
    assert lee.goto("/admin/users").status == 403  # type: ignore[union-attr]
    assert lee.goto("/admin/audit").status == 200  # type: ignore[union-attr]  # legal reads the audit trail


def test_library_browser_filters_and_links_types(new_page, screenshots: Path) -> None:  # type: ignore[no-untyped-def]
    fin = new_page("fin")
    fin.click("nav.mainnav >> text=Library")
    total = fin.locator(".glossary-entry").count()
    assert total > 30
    fin.fill("#q", "invoice")
    fin.select_option("#lane", "finance")
    fin.click("button:has-text('Filter')")
    fin.wait_for_url(re.compile(r"lane=finance"))
    entries = fin.locator(".glossary-entry dt a").all_inner_texts()
    assert "Payment terms" in entries and len(entries) < total
    fin.screenshot(path=str(screenshots / "library.png"), full_page=True)
    fin.click("text=Payment terms")
    fin.wait_for_url(re.compile(r"/library/payment_terms$"))
    assert "at least 30 days after receipt of a correct invoice" in fin.inner_text("#params-title + .table-wrap")
    assert fin.locator(".fallbacks li").count() >= 1 and fin.locator(".red-flags li").count() >= 1
    fin.screenshot(path=str(screenshots / "library_payment_terms.png"), full_page=True)
    fin.click("text=Glossary entry")
    fin.wait_for_url(re.compile(r"/library#term-payment_terms$"))
    no_script_errors(fin)


def test_dashboard_renders_charts_and_tables(new_page, live_server, screenshots: Path) -> None:  # type: ignore[no-untyped-def]
    reviewed(live_server, "Brightpath")
    lee = new_page("lee")
    lee.click("nav.mainnav >> text=Dashboard")
    charts = lee.locator("svg.chart[role=img]")
    # Six charts; one with nothing to draw yet (no contract has reached signature) says so in words instead.
    assert charts.count() + lee.locator(".chart-empty").count() == 6 and charts.count() >= 4
    for i in range(charts.count()):
        assert charts.nth(i).locator("title").count() >= 1 and charts.nth(i).locator("desc").count() == 1
    assert "went to legal" in lee.inner_text("#legal-involvement")
    assert lee.locator("#redlines table tbody tr").count() >= 1
    lee.screenshot(path=str(screenshots / "dashboard.png"), full_page=True)
    narrow = new_page("lee", width=390)
    narrow.goto("/dashboard")
    assert narrow.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    narrow.screenshot(path=str(screenshots / "dashboard_narrow.png"), full_page=True)
    no_script_errors(lee)


def test_comparison_page_and_response_download(new_page, live_server, screenshots: Path) -> None:  # type: ignore[no-untyped-def]
    contract_id = reviewed(live_server, "Pinecrest")["id"]
    # A second version: the vendor moved to Net 45 (substantive) and changed its notices address (minor).
    text = PINECREST.read_text().replace("fifteen (15) days from the invoice date",
                                         "forty-five (45) days from the invoice date").replace(
        "legal@pinecrest.example", "contracts@pinecrest.example")
    auth = headers(live_server, "pat")
    uploaded = httpx.post(f"{live_server.url}/api/contracts/{contract_id}/versions", headers=auth,
                          files={"file": ("pinecrest_v2.txt", text.encode(), "text/plain")}, timeout=60)
    assert uploaded.status_code == 202, uploaded.text
    wait_version(live_server, auth, contract_id, 2)

    pat = new_page("pat")
    pat.goto(f"/contracts/{contract_id}")
    pat.click("#compare-versions")
    pat.wait_for_url(re.compile(rf"/contracts/{contract_id}/compare"))
    assert pat.get_attribute("#verdict [data-classification]", "data-classification") == "substantive"
    kinds = pat.locator("article.change").evaluate_all("els => els.map(e => e.dataset.classification)")
    assert "minor" in kinds and "substantive" in kinds
    substantive = pat.locator("article.change.substantive").first.inner_text()
    assert "payment days changed" in substantive
    assert pat.locator("article.change.minor del").first.inner_text() == "legal@pinecrest.example,"
    pat.screenshot(path=str(screenshots / "compare.png"), full_page=True)

    pat.goto(f"/contracts/{contract_id}")
    with pat.expect_download() as download:
        pat.click("#download-response")
    assert download.value.suggested_filename.endswith("-v2.docx")
    document = docx.Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert document.paragraphs[0].text == "Response to Pinecrest"
    assert "We have reviewed version 2 of Pinecrest HR platform" in "\n".join(p.text for p in document.paragraphs)
    no_script_errors(pat)
