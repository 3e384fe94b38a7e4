"""One error body everywhere, for FastAPI's own errors as for Vetted's; pagination on lists; the OpenAPI schema
documents the error body and carries examples."""

from __future__ import annotations

import json
import re

import pytest
from api_world import build_world


@pytest.fixture
def world(engine, store):
    return build_world(engine, store)


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["error"] and body["error"]["code"] == code and body["error"]["message"], body
    return body["error"]


def test_error_bodies_have_one_shape(client, world) -> None:
    admin, owner = world.headers("admin"), world.headers("owner")
    _error(client.get("/api/no-such-thing", headers=admin), 404, "not_found")
    _error(client.get("/api/contracts/999999", headers=admin), 404, "not_found")
    _error(client.get("/api/jobs/999999", headers=admin), 404, "not_found")
    _error(client.delete("/api/contracts", headers=admin), 405, "method_not_allowed")
    _error(client.get("/api/contracts"), 401, "not_authenticated")
    _error(client.get("/api/admin/users", headers=owner), 403, "forbidden")
    _error(client.get("/api/contracts/not-a-number", headers=admin), 422, "invalid_request")
    fields = _error(client.get("/api/contracts?page=0", headers=admin), 422, "invalid_request")["fields"]
    assert fields == [{"field": "page", "message": fields[0]["message"]}]
    _error(client.get("/api/contracts?state=lost", headers=admin), 422, "invalid_request")
    _error(client.post("/api/admin/users", headers={**admin, "content-type": "application/json"},
                       content=b"{not json"), 422, "invalid_request")
    _error(client.post("/api/admin/users", headers=admin, json={"username": "x", "role": "emperor"}), 422,
           "invalid_request")
    _error(client.post("/api/admin/users", headers=admin, json={"username": "pat", "role": "finance"}), 409,
           "conflict")


def test_an_oversized_json_body_is_413(client, world) -> None:
    big = {"body": "x" * (1024 * 1024 + 10)}
    _error(client.post("/api/notifications/read", headers=world.headers("owner"), json=big), 413,
           "request_too_large")


def test_lists_are_paginated(client, world) -> None:
    ids = [world.contract() for _ in range(5)]
    headers = world.headers("legal")
    first = client.get("/api/contracts?per_page=2", headers=headers).json()
    assert (first["total"], first["page"], first["per_page"], len(first["items"])) == (5, 1, 2, 2)
    seen = []
    for page in (1, 2, 3):
        seen += [c["id"] for c in client.get(f"/api/contracts?per_page=2&page={page}", headers=headers).json()["items"]]
    assert sorted(seen) == sorted(ids)
    assert client.get("/api/contracts?per_page=2&page=4", headers=headers).json()["items"] == []
    _error(client.get("/api/contracts?per_page=201", headers=headers), 422, "invalid_request")
    audit = client.get("/api/audit?per_page=3", headers=world.headers("admin")).json()
    assert len(audit["items"]) == 3 and audit["total"] > 3
    users = client.get("/api/admin/users?per_page=3&page=3", headers=world.headers("admin")).json()
    assert (users["total"], len(users["items"])) == (8, 2)
    world.version(ids[0], contact="A. Jones")
    versions = client.get(f"/api/contracts/{ids[0]}/versions?per_page=1&page=2", headers=headers).json()
    assert (versions["total"], [v["number"] for v in versions["items"]]) == (2, [2])
    assignments = client.get("/api/admin/assignments?per_page=1", headers=world.headers("admin")).json()
    assert (assignments["total"], len(assignments["items"])) == (1, 1)


def test_openapi_documents_the_error_body_and_examples(client) -> None:
    schema = client.get("/api/openapi.json").json()
    upload = schema["paths"]["/api/contracts"]["post"]
    assert upload["responses"]["202"]["content"]["application/json"]["schema"]["$ref"].endswith("/UploadAccepted")
    for status in ("401", "403", "404", "409", "413", "415", "422"):
        assert upload["responses"][status]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    components = schema["components"]["schemas"]
    assert components["UploadAccepted"]["examples"] and components["ErrorBody"]["examples"]
    # Every model an endpoint takes or gives has an example (pages show one item of theirs); the upload
    # forms' fields have theirs. Only FastAPI's own sign-in form has none.
    used = {name for ops in schema["paths"].values() for op in ops.values()
            for name in re.findall(r"#/components/schemas/([\w\[\]-]+)", json.dumps(op))}
    forms = {n for n in used if n.startswith("Body_")}
    assert not [n for n in used - forms if not components[n].get("examples")]
    assert components["Page_ContractSummary_"]["examples"][0]["items"][0]["title"] == "NimbusDesk subscription"
    upload_form = components["Body_create_contract_api_contracts_post"]["properties"]
    assert all(upload_form[f].get("examples") for f in ("title", "vendor", "value", "business_context"))
    assert schema["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]["password"]["tokenUrl"] == \
        "/api/auth/token"


def test_docs_are_served_without_a_cdn(client) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/static/docs/swagger-ui-bundle.js" in page.text and "cdn" not in page.text.lower()
    assert client.get("/static/docs/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/docs/swagger-ui.css").status_code == 200
