"""Routing thresholds: read and changed over the API (``/api/admin/routing/thresholds``) and from the admin page,
written into a copy of the library's playbook (never the repository's), validated, audited; the worker loads the
changed library before its next job."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from api_world import SECRET, World, build_world
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select

from api.security import COOKIE_NAME
from review_service.jobs.worker import Worker
from review_service.library import load_library
from review_service.repository.db import session_scope
from review_service.repository.models import AuditEvent
from review_service.settings import Settings, get_settings
from review_service.workflow.thresholds import rewrite_thresholds, set_thresholds

SHIPPED = Path(__file__).resolve().parents[2] / "clause_library"


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    copy = tmp_path / "library"
    shutil.copytree(SHIPPED, copy, ignore=shutil.ignore_patterns("build"))
    return copy


@pytest.fixture
def routed(tmp_path, database_url, engine, store, library_dir):
    """A client of an app whose library is the copy, and the world of users."""
    from api.main import create_app

    settings = Settings(secret_key=SecretStr(SECRET), data_dir=tmp_path, files_dir=tmp_path / "files",
                        database_url=database_url, library_dir=library_dir)
    with TestClient(create_app(settings, engine=engine, store=store)) as client:
        yield client, build_world(engine, store)


def _thresholds(folder: Path) -> dict[str, float]:
    return dict(load_library(folder).playbook.routing.thresholds)


def test_rewrite_changes_only_the_numbers_of_the_block() -> None:
    text = ("routing:\n  currency: USD\n  # why\n  thresholds:\n    senior_legal_value: 1000000  # GC\n"
            "    legal_value: 100000\n  rules: []\nlegal_value: 5\n")
    out = rewrite_thresholds(text, {"legal_value": 150000.0, "senior_legal_value": 2500000.5})
    assert out == ("routing:\n  currency: USD\n  # why\n  thresholds:\n    senior_legal_value: 2500000.5  # GC\n"
                   "    legal_value: 150000\n  rules: []\nlegal_value: 5\n")


def test_api_changes_thresholds_in_the_playbook_with_an_audit_record(routed, library_dir, engine) -> None:
    client, world = routed
    admin = world.headers("admin")
    before = (library_dir / "playbook.yaml").read_text()
    shown = client.get("/api/admin/routing/thresholds", headers=admin).json()
    assert shown["thresholds"]["legal_value"] == 100000 and shown["currency"] == "USD"

    changed = client.put("/api/admin/routing/thresholds", headers=admin, json={"thresholds": {"legal_value": 150000}})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["changes"] == {"legal_value": {"from": 100000, "to": 150000}}
    assert body["library_version"] != shown["library_version"]
    assert _thresholds(library_dir)["legal_value"] == 150000
    after = (library_dir / "playbook.yaml").read_text()
    assert after.replace("legal_value: 150000", "legal_value: 100000") == before  # comments and layout kept
    with session_scope(engine, readonly=True) as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "playbook.thresholds")).one()
    assert event.actor == "root" and event.detail["changes"] == {"legal_value": {"from": 100000, "to": 150000}}
    assert event.target == f"library:{body['library_version']}"

    same = client.put("/api/admin/routing/thresholds", headers=admin, json={"thresholds": {"legal_value": 150000}})
    assert same.status_code == 200 and same.json()["changes"] == {}


@pytest.mark.parametrize(("values", "code", "words"), [
    ({"legal_value": 2_000_000}, "thresholds_out_of_order", "may not exceed senior_legal_value"),
    ({"medium_legal_value": 500_000}, "thresholds_out_of_order", "may not exceed legal_value"),
    ({"lawyers_value": 5}, "unknown_threshold", "no routing threshold 'lawyers_value'"),
    ({"legal_value": -1}, "invalid_request", "from 0 to"),
])
def test_api_refuses_bad_thresholds_and_writes_nothing(routed, library_dir, values, code, words) -> None:
    client, world = routed
    before = (library_dir / "playbook.yaml").read_bytes()
    refused = client.put("/api/admin/routing/thresholds", headers=world.headers("admin"),
                         json={"thresholds": values})
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == code and words in refused.json()["error"]["message"]
    assert (library_dir / "playbook.yaml").read_bytes() == before


def test_admin_page_saves_thresholds_and_refuses_bad_ones_with_the_form_kept(routed, library_dir) -> None:
    client, world = routed
    client.cookies.set(COOKIE_NAME, world.tokens["admin"])
    page = client.get("/admin/routing")
    assert page.status_code == 200 and 'name="threshold-legal_value" inputmode="decimal" value="100000"' in page.text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text).group(1)
    saved = client.post("/admin/routing", data={"csrf_token": token, "threshold-legal_value": "250,000"},
                        follow_redirects=False)
    assert saved.status_code == 303
    assert "legal value 100,000 → 250,000" in client.get("/admin/routing").text
    assert _thresholds(library_dir)["legal_value"] == 250000
    bad = client.post("/admin/routing", data={"csrf_token": token, "threshold-legal_value": "lots"})
    assert bad.status_code == 422 and 'value="lots"' in bad.text
    assert "legal value: &#39;lots&#39; is not an amount" in bad.text
    rescan = client.post("/admin/routing/rescan", data={"csrf_token": token}, follow_redirects=False)
    assert rescan.status_code == 303


def test_worker_loads_the_library_again_after_a_change(engine, store, library_dir, monkeypatch, world_users) -> None:
    monkeypatch.setenv("VETTED_LIBRARY_DIR", str(library_dir))
    get_settings.cache_clear()
    made: list[int] = []

    class Probe:
        def warm_up(self) -> None:
            made.append(1)

    worker = Worker(engine, store=store, reviewer_factory=Probe)
    first = worker.reviewer
    assert worker.reviewer is first and len(made) == 1  # loaded once while nothing changes
    with session_scope(engine) as s:
        set_thresholds(s, values={"legal_value": 120000}, actor="root", folder=library_dir)
    assert worker.reviewer is not first and len(made) == 2


@pytest.fixture
def world_users(engine, store) -> World:
    return build_world(engine, store)
