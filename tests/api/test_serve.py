"""End to end over real HTTP: `vetted serve --demo` in a subprocess (uvicorn, the in-process worker, the real
engine) on a free loopback port with a temporary data folder. Procurement uploads a draft, the job runs, legal
sees the deviations and decides, and the audit trail shows it all, with the address it came from."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from live_server import VETTED, LiveServer, demo_server, free_port, server_env

ROOT = Path(__file__).resolve().parents[2]
DRAFT = ROOT / "corpora" / "drafts" / "sterlingfold_software_licence.pdf"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with demo_server(tmp_path_factory.mktemp("serve"), VETTED_MAX_UPLOAD_BYTES=str(2 * 1024 * 1024)) as srv:
        yield srv


def _wait_for_job(client: httpx.Client, server: LiveServer, headers: dict[str, str], job_id: int) -> dict:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        job = client.get(f"{server.url}/api/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(1)
    raise AssertionError(f"job {job_id} did not finish:\n{server.output()}")


def test_upload_review_decide_audit_over_http(server: LiveServer) -> None:
    with httpx.Client(timeout=30) as client:
        assert set(server.passwords) == {"pat", "lee", "morgan", "gc", "fin", "admin"}
        pat = server.login(client, "pat")
        queue = client.get(f"{server.url}/api/contracts", headers=pat).json()
        assert queue["total"] == 4, "the demo's sample contracts are in the queue"

        upload = client.post(f"{server.url}/api/contracts", headers=pat,
                             data={"title": "Sterlingfold licence", "vendor": "Sterlingfold", "value": "310000",
                                   "contract_type": "software", "business_context": "on-premise renewal"},
                             files={"file": (DRAFT.name, DRAFT.read_bytes(), "application/pdf")})
        assert upload.status_code == 202, upload.text
        ids = upload.json()
        job = _wait_for_job(client, server, pat, ids["job_id"])
        assert job["status"] == "done", job
        assert job["result"]["route"] == "legal" and job["result"]["deviations"] > 0

        lee = server.login(client, "lee")
        contract = client.get(f"{server.url}/api/contracts/{ids['contract_id']}", headers=lee).json()
        assert (contract["state"], contract["route"], contract["assignee"]["username"]) == ("in_review", "legal",
                                                                                            "lee")
        review = contract["review"]
        assert review["route"]["route"] == "legal" and "text" not in review
        assert {"document", "contract", "clauses", "deviations", "summary", "route", "library", "warnings"} <= set(
            review)
        deviation = next(d for d in review["deviations"] if d["severity"] in ("high", "medium"))
        decision = "fallback" if deviation["fallback_text"] else "accept"
        decided = client.post(f"{server.url}/api/deviations/{deviation['id']}/decision", headers=lee,
                              json={"decision": decision, "comment": "acceptable for an on-premise licence"})
        assert decided.status_code == 200, decided.text

        admin = server.login(client, "admin")
        trail = client.get(f"{server.url}/api/audit", headers=admin,
                           params={"contract_id": ids["contract_id"], "per_page": 100}).json()["items"]
        seen = {(e["actor"], e["action"], e["ip"]) for e in trail}
        assert {("pat", "contract.upload", "127.0.0.1"), ("lee", "contract.view", "127.0.0.1"),
                ("lee", "deviation.decide", "127.0.0.1")} <= seen
        decide = next(e for e in trail if e["action"] == "deviation.decide")
        assert decide["detail"]["deviation_id"] == deviation["id"] and decide["detail"]["decision"] == decision
        logins = client.get(f"{server.url}/api/audit", headers=admin, params={"action": "auth.login"}).json()
        assert {e["actor"] for e in logins["items"]} >= {"pat", "lee", "admin"}
        assert client.get(f"{server.url}/api/audit/verify", headers=admin).json()["intact"]

        pat_notes = client.get(f"{server.url}/api/notifications", headers=pat).json()["items"]
        assert any(n["kind"] == "decided" and n["contract_id"] == ids["contract_id"] for n in pat_notes)


def test_oversized_upload_is_refused_over_http_before_it_is_read(server: LiveServer) -> None:
    with httpx.Client(timeout=30) as client:
        pat = server.login(client, "pat")
        response = client.post(f"{server.url}/api/contracts", headers=pat,
                               data={"title": "Huge", "vendor": "Huge", "contract_type": "saas"},
                               files={"file": ("huge.txt", b"a " * (2 * 1024 * 1024), "text/plain")})
        assert response.status_code == 413 and response.json()["error"]["code"] == "file_too_large"
        assert client.get(f"{server.url}/api/contracts", headers=pat, params={"q": "Huge"}).json()["total"] == 0


@pytest.mark.parametrize(("secret", "why"), [(None, "is not set"), ("changethis", "well-known placeholder"),
                                             ("0123456789abcdef", "shorter than 32 characters")])
def test_serve_refuses_a_missing_secret_without_demo(tmp_path: Path, secret: str | None, why: str) -> None:
    extra = {} if secret is None else {"VETTED_SECRET_KEY": secret}
    done = subprocess.run([str(VETTED), "serve", "--port", str(free_port())], capture_output=True, text=True,
                          cwd=tmp_path, env=server_env(tmp_path, **extra), timeout=120)
    assert done.returncode == 2
    assert "unsafe_secret" in done.stderr and "VETTED_SECRET_KEY" in done.stderr and why in done.stderr
    assert not (tmp_path / "vetted.db").exists(), "nothing is created before the key is fixed"
