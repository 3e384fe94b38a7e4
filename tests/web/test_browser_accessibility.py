"""Accessibility, measured and tried: axe-core (the copy shipped inside the axe-playwright-python package; nothing
is fetched) runs on every main page in Debian's Chromium and must find no violation of impact "serious" or
"critical"; and a legal reviewer decides deviations on the contract page with the keyboard alone (Tab, Enter,
Space, the arrows), with the focus always visible and put where the work continues.

Screenshots go to var/screenshots/ (git-ignored): a11y-*.png and keyboard-*.png."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from browsing import DRAFTS, headers, no_script_errors, reviewed, upload, wait_version

pytestmark = pytest.mark.slow

BLOCKING = ("serious", "critical")
# The element that has the focus shows it: an outline (the site's focus ring) at least 2 px wide.
FOCUS_SHOWN = """() => { const el = document.activeElement; const style = getComputedStyle(el);
    return el !== document.body && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2; }"""
FOCUSED = """() => { const el = document.activeElement;
    return { tag: el.tagName.toLowerCase(), text: (el.textContent || '').trim().slice(0, 80),
             deviation: el.dataset.selectDeviation || null, name: el.getAttribute('name'), value: el.value || null,
             inList: Boolean(el.closest('.deviation-list')), heading: el.hasAttribute('data-detail-heading'),
             detail: el.closest('[data-deviation]') ? el.closest('[data-deviation]').dataset.deviation : null,
             copy: el.hasAttribute('data-copy'), id: el.id }; }"""


def _axe(page: Any) -> list[str]:
    """The serious and critical violations axe finds on the page as it is now, one line per element."""
    from axe_playwright_python.sync_playwright import Axe

    found = []
    for violation in Axe().run(page).response["violations"]:
        if violation["impact"] in BLOCKING:
            found += [f"{page.url}: {violation['id']} ({violation['impact']}): {violation['help']} at "
                      f"{', '.join(node['target'])}" for node in violation["nodes"]]
    return found


def _watch_requests(page: Any, live_server: Any, elsewhere: list[str]) -> None:
    origin = urlsplit(live_server.url).netloc
    page.on("request", lambda request: elsewhere.append(request.url)
            if urlsplit(request.url).netloc not in (origin, "") and not request.url.startswith("data:") else None)


def test_axe_finds_nothing_serious_on_the_main_pages(new_page, live_server, screenshots: Path) -> None:  # type: ignore[no-untyped-def]
    pinecrest = reviewed(live_server, "Pinecrest")
    contract_id = pinecrest["id"]
    # A second version, for the comparison page: the vendor moved to Net 45.
    auth = headers(live_server, "pat")
    text = (DRAFTS / "pinecrest_hr_saas_agreement.txt").read_text().replace(
        "fifteen (15) days from the invoice date", "forty-five (45) days from the invoice date")
    answer = httpx.post(f"{live_server.url}/api/contracts/{contract_id}/versions", headers=auth,
                        files={"file": ("pinecrest_v2.txt", text.encode(), "text/plain")}, timeout=60)
    assert answer.status_code == 202, answer.text
    wait_version(live_server, auth, contract_id, 2)

    problems: list[str] = []
    elsewhere: list[str] = []
    checked: list[str] = []

    def check(page: Any, shot: str | None = None) -> None:
        page.wait_for_load_state("load")
        problems.extend(_axe(page))
        checked.append(urlsplit(page.url).path)
        if shot:
            page.screenshot(path=str(screenshots / f"a11y-{shot}.png"), full_page=True)

    anonymous = new_page()
    _watch_requests(anonymous, live_server, elsewhere)
    anonymous.goto("/login")
    check(anonymous)

    pat = new_page("pat")
    _watch_requests(pat, live_server, elsewhere)
    for path in ("/upload", "/requests", f"/requests/{contract_id}", f"/contracts/{contract_id}/compare",
                 "/library", "/library/payment_terms", "/dashboard"):
        pat.goto(path)
        check(pat)
    # The upload form showing a refusal.
    pat.goto("/upload")
    pat.set_input_files("#upload-file", {"name": "draft.pdf", "mimeType": "application/pdf",
                                         "buffer": b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog"})
    pat.fill("#title", "Broken")
    pat.fill("#vendor", "Nobody")
    pat.click("button:has-text('Upload and review')")
    pat.wait_for_selector("#upload-error:not([hidden])")
    check(pat, "upload_refused")
    assert pat.goto("/queue").status == 403  # type: ignore[union-attr]
    check(pat, "forbidden")
    assert pat.goto("/contracts/999999").status == 404  # type: ignore[union-attr]
    check(pat, "not_found")

    lee = new_page("lee")
    _watch_requests(lee, live_server, elsewhere)
    check(lee)  # the queue
    lee.goto(f"/contracts/{contract_id}")
    lee.locator(".deviation-list [data-select-deviation] >> nth=1").click()
    lee.wait_for_function("() => document.activeElement.hasAttribute('data-detail-heading')")
    check(lee, "contract_deviation")
    lee.goto("/admin/audit")
    check(lee)

    admin = new_page("admin")
    _watch_requests(admin, live_server, elsewhere)
    for path in ("/admin/users", "/admin/assignments", "/admin/routing", "/admin/audit"):
        admin.goto(path)
        check(admin)

    narrow = new_page("lee", width=390, height=844)
    _watch_requests(narrow, live_server, elsewhere)
    narrow.goto(f"/contracts/{contract_id}")
    check(narrow)

    assert len(checked) == 19 and {"/login", "/upload", "/queue", "/dashboard", "/admin/routing"} <= set(checked)
    assert problems == [], "axe found serious or critical violations:\n" + "\n".join(problems)
    assert elsewhere == [], f"pages or axe asked another host: {elsewhere}"
    for page in (anonymous, pat, lee, admin, narrow):
        no_script_errors(page)


def _tab(page: Any, until: str, *, limit: int = 80, back: bool = False) -> dict[str, Any]:
    """Press Tab (Shift+Tab with ``back``) until the focused element satisfies ``until`` (a JavaScript
    expression over ``f``, the focused element's facts); every element on the way must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        focused = page.evaluate(FOCUSED)
        assert page.evaluate(FOCUS_SHOWN), f"no visible focus on {focused}"
        if page.evaluate(f"(f) => {until}", focused):
            return focused  # type: ignore[no-any-return]
    raise AssertionError(f"{limit} presses of Tab did not reach {until}")


def _write_and_send(page: Any, field: str, text: str, button: str, *, key: str = "Enter") -> str:
    """Tab to the ``field`` textarea of the shown deviation, type ``text``, Tab on to the button ``button`` (a
    JavaScript test over ``f``) and press ``key``; the flash message of the page that comes back."""
    _tab(page, f"f.tag === 'textarea' && f.name === '{field}' && f.detail !== null", limit=15)
    page.keyboard.type(text)
    _tab(page, f"f.tag === 'button' && ({button})", limit=4)
    with page.expect_navigation():
        page.keyboard.press(key)
    return str(page.inner_text("#flash"))


def _heading_has_focus(page: Any, deviation: str) -> None:
    """The chosen deviation's heading has the focus and, once the scrolling has settled, is on screen."""
    page.wait_for_function("""(id) => { const el = document.activeElement;
        if (!el.hasAttribute('data-detail-heading') || el.closest('[data-deviation]').dataset.deviation !== id) {
            return false; }
        const settled = window.__lastY === window.scrollY; window.__lastY = window.scrollY;
        const r = el.getBoundingClientRect();
        return settled && r.top >= 0 && r.bottom <= window.innerHeight; }""", arg=deviation, polling=100)


def test_a_deviation_is_chosen_and_decided_with_the_keyboard_alone(new_page, live_server, screenshots: Path  # type: ignore[no-untyped-def]
                                                                   ) -> None:
    contract_id = upload(live_server, "fernhill_saas_terms.txt", title="Fernhill keyboard review",
                         vendor="Fernhill", value=150_000)["id"]
    lee = new_page("lee")
    lee.context.grant_permissions(["clipboard-read", "clipboard-write"])
    lee.goto(f"/contracts/{contract_id}")
    lee.locator("body").focus()

    # Tab through the page (skip links, menu, workflow, reasons, ...) to the deviations list; Enter chooses.
    first = _tab(lee, "f.inList")
    lee.keyboard.press("Enter")
    _heading_has_focus(lee, first["deviation"])
    assert lee.get_attribute(f".deviation-list [data-select-deviation='{first['deviation']}']",
                             "aria-current") == "true"
    assert lee.locator("[data-deviation]:visible").count() == 1
    lee.screenshot(path=str(screenshots / "keyboard-chosen.png"))

    # On to its decision: a comment, then Accept with Enter. Back on the page, the focus is on the same heading.
    assert _write_and_send(lee, "comment", "Acceptable for a 12-month term.", "f.value === 'accept'") == \
        "Recorded: accepted."
    _heading_has_focus(lee, first["deviation"])
    decided = lee.locator(f"[data-deviation='{first['deviation']}'] [data-decision]")
    assert decided.get_attribute("data-decision") == "accept"

    # Back to the list (Shift+Tab), down the list with the arrows to a deviation with a fallback; Space chooses.
    _tab(lee, "f.inList", back=True, limit=30)
    with_fallback = lee.locator("[data-deviation]:has([data-copy])").evaluate_all(
        "els => els.map(e => e.dataset.deviation)")
    with_fallback = [d for d in with_fallback if d != first["deviation"]]
    assert with_fallback, "the draft has no other deviation with a fallback"
    order = lee.locator(".deviation-list [data-select-deviation]").evaluate_all(
        "els => els.map(e => e.dataset.selectDeviation)")
    steps = order.index(with_fallback[0]) - order.index(lee.evaluate(FOCUSED)["deviation"])
    for _ in range(abs(steps)):
        lee.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
    assert lee.evaluate(FOCUSED)["deviation"] == with_fallback[0]
    assert lee.evaluate(FOCUS_SHOWN)
    lee.keyboard.press(" ")
    _heading_has_focus(lee, with_fallback[0])

    # Copy the fallback (Enter on the button), then offer it (Space on the button).
    _tab(lee, "f.copy", limit=15)
    lee.keyboard.press("Enter")
    lee.locator(f"[data-deviation='{with_fallback[0]}'] .copied:has-text('Copied')").wait_for()
    _tab(lee, "f.tag === 'button' && f.value === 'fallback'", limit=6)
    with lee.expect_navigation():
        lee.keyboard.press(" ")
    assert "Recorded: fallback offered." in lee.inner_text("#flash")
    _heading_has_focus(lee, with_fallback[0])

    # A comment on the deviation: type it, Tab to its button, Enter.
    assert _write_and_send(lee, "body", "@pat can the vendor live with our fallback?",
                           "f.text === 'Comment'") == "Comment added."
    assert "@pat can the vendor live with our fallback?" in lee.inner_text(f"[data-deviation='{with_fallback[0]}']")
    _heading_has_focus(lee, with_fallback[0])

    # The skip link leads straight to the list; a third deviation is rejected (a reason is required).
    lee.goto(f"/contracts/{contract_id}")
    lee.locator("body").focus()
    skip = _tab(lee, "f.text === 'Skip to the deviations'", limit=3)
    assert skip["tag"] == "a"
    lee.keyboard.press("Enter")
    undecided = [d for d in lee.locator(".deviation-list [data-select-deviation]").evaluate_all(
        "els => els.filter(e => !e.querySelector('.dev-decided')).map(e => e.dataset.selectDeviation)")]
    assert undecided
    _tab(lee, f"f.deviation === '{undecided[0]}'", limit=40)
    lee.keyboard.press("Enter")
    _heading_has_focus(lee, undecided[0])
    assert _write_and_send(lee, "comment", "The vendor must keep our liability cap.",
                           "f.value === 'reject' && f.text === 'Reject'", key=" ") == "Recorded: rejected."
    assert lee.get_attribute(f"[data-deviation='{undecided[0]}'] [data-decision]", "data-decision") == "reject"
    lee.screenshot(path=str(screenshots / "keyboard-decided.png"))
    assert re.search(r"3 decided", lee.inner_text("#deviations-title + .sub"))
    no_script_errors(lee)
