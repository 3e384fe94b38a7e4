"""Helpers shared by the browser tests: the API beside the pages (a token, an upload, waiting for a review) and
the checks every page gets (no script errors)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
DRAFTS = ROOT / "corpora" / "drafts"
REVIEW_SECONDS = 240


def no_script_errors(page: Any) -> None:
    assert page.script_errors == [], page.script_errors


def token(live_server: Any, username: str) -> str:
    answer = httpx.post(f"{live_server.url}/api/auth/token",
                        data={"username": username, "password": live_server.passwords[username]}, timeout=30)
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def headers(live_server: Any, username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(live_server, username)}"}


def reviewed(live_server: Any, title: str, *, username: str = "pat") -> dict[str, Any]:
    """The contract called ``title`` (a demo one, or one uploaded by the test) once its latest version is
    reviewed, as the API's contract detail."""
    auth = headers(live_server, username)
    deadline = time.monotonic() + REVIEW_SECONDS
    while time.monotonic() < deadline:
        items = httpx.get(f"{live_server.url}/api/contracts", headers=auth, params={"q": title},
                          timeout=30).json()["items"]
        if items:
            detail = httpx.get(f"{live_server.url}/api/contracts/{items[0]['id']}", headers=auth,
                               timeout=30).json()
            if detail["versions"] and detail["versions"][-1]["review_id"] is not None:
                return detail  # type: ignore[no-any-return]
        time.sleep(1)
    raise AssertionError(f"{title} was not reviewed in {REVIEW_SECONDS}s:\n{live_server.output()}")


def upload(live_server: Any, draft: str, *, title: str, vendor: str, value: int, contract_type: str = "saas",
           text: str | None = None) -> dict[str, Any]:
    """Procurement (pat) uploads ``draft`` from corpora/drafts through the API; the contract once reviewed."""
    body = text.encode() if text is not None else (DRAFTS / draft).read_bytes()
    answer = httpx.post(f"{live_server.url}/api/contracts", headers=headers(live_server, "pat"),
                        data={"title": title, "vendor": vendor, "contract_type": contract_type, "value": str(value),
                              "allow_duplicate": "true"},  # a demo contract may be the same draft
                        files={"file": (draft, body, "text/plain")}, timeout=60)
    assert answer.status_code == 202, answer.text
    return reviewed(live_server, title)


def wait_version(live_server: Any, auth: dict[str, str], contract_id: int, number: int) -> None:
    deadline = time.monotonic() + REVIEW_SECONDS
    while time.monotonic() < deadline:
        answer = httpx.get(f"{live_server.url}/api/contracts/{contract_id}/versions", headers=auth, timeout=30)
        assert answer.status_code == 200, answer.text
        versions = answer.json()["items"]
        if len(versions) >= number and versions[number - 1]["review_id"] is not None:
            return
        time.sleep(1)
    raise AssertionError(f"version {number} was not reviewed in {REVIEW_SECONDS}s:\n{live_server.output()}")
