"""Uploads through the API: accepted drafts answer 202 with the ids to follow; bad ones (empty, oversized,
mislabelled, unsupported, corrupt, missing or invalid metadata) answer 4xx with their code and leave nothing
behind: no row, no file, no job, no upload in the audit trail."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from api_world import build_world, draft_text
from sqlalchemy import func, select

from api.limits import FORM_ALLOWANCE
from review_service.repository.db import session_scope
from review_service.repository.models import AuditEvent, Contract, ContractVersion, Job

ROOT = Path(__file__).resolve().parents[2]
PDF = (ROOT / "corpora" / "drafts" / "kestrel_mutual_nda.pdf").read_bytes()
META = {"title": "Kestrel NDA", "vendor": "Kestrel", "contract_type": "nda", "value": "0",
        "business_context": "standard mutual NDA before a pilot"}


def _nothing_stored(engine, store) -> None:
    with session_scope(engine, readonly=True) as s:
        for model in (Contract, ContractVersion, Job):
            assert s.scalar(select(func.count()).select_from(model)) == 0, model.__name__
        assert s.scalars(select(AuditEvent).where(AuditEvent.action == "contract.upload")).first() is None
    assert list(store.hashes()) == []


@pytest.fixture
def world(engine, store):
    return build_world(engine, store)


def test_upload_pdf_answers_202_with_ids_and_queues_the_review(client, world, engine) -> None:
    response = client.post("/api/contracts", headers=world.headers("owner"), data=META,
                           files={"file": ("kestrel.pdf", PDF, "application/pdf")})
    assert response.status_code == 202, response.text
    ids = response.json()
    assert set(ids) == {"contract_id", "version_id", "job_id"}
    assert response.headers["location"] == f"/api/jobs/{ids['job_id']}"
    job = client.get(f"/api/jobs/{ids['job_id']}", headers=world.headers("owner")).json()
    assert (job["status"], job["kind"], job["contract_id"], job["version_id"]) == (
        "queued", "review_version", ids["contract_id"], ids["version_id"])
    contract = client.get(f"/api/contracts/{ids['contract_id']}", headers=world.headers("owner")).json()
    assert (contract["state"], contract["review"], contract["versions"][0]["media_type"]) == (
        "submitted", None, "application/pdf")
    assert contract["business_context"] == META["business_context"] and contract["value"] == 0.0
    download = client.get(f"/api/contracts/{ids['contract_id']}/versions/1/file", headers=world.headers("owner"))
    assert download.content == PDF and download.headers["content-type"] == "application/pdf"


@pytest.mark.parametrize(("filename", "data", "status", "code"), [
    ("empty.txt", b"", 422, "empty_file"),
    ("contract.pdf", draft_text().encode(), 415, "type_mismatch"),
    ("contract.txt", PDF, 415, "type_mismatch"),
    ("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 200, 415, "unsupported_type"),
    ("truncated.pdf", PDF[: len(PDF) // 2], 422, "corrupt_file"),
    ("broken.docx", b"PK\x03\x04" + b"\x00" * 300, 422, "corrupt_file"),
    ("big.txt", b"x " * (40 * 1024), 413, "file_too_large"),  # 80 KiB: over the tests' 64 KiB limit
])
def test_bad_file_is_refused_with_its_code_and_nothing_is_stored(client, world, engine, store, filename, data,
                                                                 status, code) -> None:
    response = client.post("/api/contracts", headers=world.headers("owner"), data=META,
                           files={"file": (filename, data, "application/octet-stream")})
    assert (response.status_code, response.json()["error"]["code"]) == (status, code), response.text
    _nothing_stored(engine, store)


@pytest.mark.parametrize(("change", "field"), [
    ({"title": ""}, "title"),
    ({"contract_type": "lease"}, "contract_type"),
    ({"value": "-5"}, "value"),
    ({"value": "a lot"}, "value"),
    ({"currency": "dollars"}, "currency"),
    ({"title": None}, "title"),
    ({"vendor": None}, "vendor"),
])
def test_missing_or_invalid_metadata_is_422_and_nothing_is_stored(client, world, engine, store, change,
                                                                  field) -> None:
    data = {k: v for k, v in {**META, **change}.items() if v is not None}
    response = client.post("/api/contracts", headers=world.headers("owner"), data=data,
                           files={"file": ("kestrel.pdf", PDF, "application/pdf")})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request" and field in {f["field"] for f in error["fields"]}
    _nothing_stored(engine, store)


def test_missing_file_and_unknown_named_user_are_422(client, world, engine, store) -> None:
    response = client.post("/api/contracts", headers=world.headers("owner"), data=META)
    assert response.status_code == 422 and response.json()["error"]["fields"][0]["field"] == "file"
    response = client.post("/api/contracts", headers=world.headers("owner"),
                           data={**META, "confidential": "true", "allowed_users": "gc,nobody"},
                           files={"file": ("kestrel.pdf", PDF, "application/pdf")})
    assert (response.status_code, response.json()["error"]["code"]) == (422, "unknown_user")
    _nothing_stored(engine, store)


def test_body_over_the_limit_is_refused_from_its_content_length(client, world, engine, store) -> None:
    huge = b"a " * ((64 * 1024 + FORM_ALLOWANCE) // 2 + 1024)
    response = client.post("/api/contracts", headers=world.headers("owner"), data=META,
                           files={"file": ("huge.txt", huge, "text/plain")})
    assert response.status_code == 413 and response.json()["error"]["code"] == "file_too_large"
    _nothing_stored(engine, store)


def test_streamed_body_is_cut_off_at_the_limit_without_reading_the_rest(app, world) -> None:
    """No Content-Length (chunked): the app stops pulling chunks once the limit is passed."""
    chunk = b"x" * 65536
    total_chunks = 400  # 26 MB offered; the limit is 64 KiB plus the form allowance
    pulled = 0
    boundary = "vettedboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
            "Content-Type: text/plain\r\n\r\n").encode()

    async def receive() -> dict:
        nonlocal pulled
        pulled += 1
        if pulled == 1:
            return {"type": "http.request", "body": head, "more_body": True}
        return {"type": "http.request", "body": chunk, "more_body": pulled < total_chunks}

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    token = world.tokens["owner"]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/api/contracts", "raw_path": b"/api/contracts", "query_string": b"", "root_path": "",
             "server": ("testserver", 80), "client": ("127.0.0.1", 5000),
             "headers": [(b"host", b"testserver"), (b"authorization", f"Bearer {token}".encode()),
                         (b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
                         (b"transfer-encoding", b"chunked")]}
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert start["status"] == 413 and b'"file_too_large"' in body
    assert pulled < 30, f"{pulled} chunks read: the body was read past the limit"


def test_duplicate_file_is_409_and_names_the_contract_only_to_who_may_see_it(client, world) -> None:
    def upload(who: str):
        return client.post("/api/contracts", headers=world.headers(who), data=META,
                           files={"file": ("kestrel.pdf", PDF, "application/pdf")})

    first = upload("owner").json()
    again = upload("owner")
    assert again.status_code == 409
    assert again.json()["error"] | {} == {"code": "duplicate_file", "message": again.json()["error"]["message"],
                                          "contract_id": first["contract_id"], "version_id": first["version_id"]}
    hidden = upload("outsider")
    assert hidden.status_code == 409 and hidden.json()["error"] == {
        "code": "duplicate_file", "message": hidden.json()["error"]["message"]}
    assert str(first["contract_id"]) not in hidden.json()["error"]["message"]
    allowed = client.post("/api/contracts", headers=world.headers("owner"), data={**META, "allow_duplicate": "true"},
                          files={"file": ("kestrel.pdf", PDF, "application/pdf")})
    assert allowed.status_code == 202


def test_procurement_uploads_for_a_teammate_not_for_another_team(client, world) -> None:
    files = {"file": ("kestrel.pdf", PDF, "application/pdf")}
    other = client.post("/api/contracts", headers=world.headers("owner"), data={**META, "buyer": "riley"},
                        files=files)
    assert other.status_code == 403
    mate = client.post("/api/contracts", headers=world.headers("owner"), data={**META, "buyer": "quinn"},
                       files=files)
    assert mate.status_code == 202
    contract = client.get(f"/api/contracts/{mate.json()['contract_id']}", headers=world.headers("teammate")).json()
    assert contract["buyer"]["username"] == "quinn"


def test_confidential_upload_by_legal_for_a_buyer_keeps_the_uploader_in(client, world) -> None:
    response = client.post("/api/contracts", headers=world.headers("legal"),
                           data={**META, "buyer": "pat", "confidential": "true", "allowed_users": ["gc"]},
                           files={"file": ("kestrel.pdf", PDF, "application/pdf")})
    assert response.status_code == 202, response.text
    cid = response.json()["contract_id"]
    detail = client.get(f"/api/contracts/{cid}", headers=world.headers("legal")).json()
    assert detail["confidential"] and {u["username"] for u in detail["allowed_users"]} == {"gc", "lee"}
    assert client.get(f"/api/contracts/{cid}", headers=world.headers("backup")).status_code == 404


def test_new_version_of_a_closed_contract_is_refused(client, world, engine) -> None:
    cid = world.contract()
    with session_scope(engine) as s:
        s.get(Contract, cid).state = "signature_ready"
    response = client.post(f"/api/contracts/{cid}/versions", headers=world.headers("owner"),
                           files={"file": ("v2.txt", draft_text(title="V2").encode(), "text/plain")})
    assert (response.status_code, response.json()["error"]["code"]) == (409, "invalid_transition")
