"""Precedent search over stored contract clauses with the real model, on SQLite and PostgreSQL: the worker
reviews three sample drafts (one confidential) and a new version of one; `GET /api/search` and
`vetted search --contracts` rank their stored clauses for a description of a position, show each wording once
under the newest version that has it, and show each role only what it may see."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from api_world import build_world

from review_service.jobs.worker import Worker
from review_service.repository import service
from review_service.repository.db import session_scope
from review_service.repository.models import AuditEvent, Job, User
from review_service.review.engine import Reviewer

ROOT = Path(__file__).resolve().parents[2]
DRAFTS = ROOT / "corpora" / "drafts"
CAP = "each party's liability is limited to the fees paid in the twelve months before the claim"
MONEY = {"payment_terms", "price_changes", "minimum_commitment"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("data")  # the library's index, built once for the module


@pytest.fixture(scope="module")
def reviewer(data_dir) -> Reviewer:
    r = Reviewer(data_dir=data_dir)
    r.warm_up()
    return r


@pytest.fixture
def repository(engine, store, reviewer, settings, data_dir):
    """The world's cast and three reviewed drafts: Brightpath (pat's, in two versions), Pinecrest (riley's,
    confidential, named: lee) and NimbusDesk (riley's)."""
    world = build_world(engine, store)
    ids = {}
    for key, filename, buyer, confidential, allowed in (
            ("bright", "brightpath_saas_subscription.txt", "owner", False, ()),
            ("pine", "pinecrest_hr_saas_agreement.txt", "outsider", True, ("legal",)),
            ("nimbus", "nimbusdesk_saas_subscription.txt", "outsider", False, ())):
        with session_scope(engine) as s:
            up = service.upload_contract(s, store=store, data=(DRAFTS / filename).read_bytes(), filename=filename,
                                         title=filename.split("_")[0].title(), vendor=filename.split("_")[0].title(),
                                         contract_type="saas", buyer=s.get(User, world.users[buyer].id),
                                         value=50_000, confidential=confidential,
                                         allowed_user_ids=[world.users[a].id for a in allowed])
        ids[key] = up.contract_id
    # Version 2 of Brightpath changes the payment clause only.
    text = (DRAFTS / "brightpath_saas_subscription.txt").read_text()
    v2 = text.replace("within 45 days after receiving it", "within 60 days after receiving it")
    assert v2 != text
    with session_scope(engine) as s:
        service.add_version(s, store=store, contract_id=ids["bright"], data=v2.encode(), filename="brightpath-v2.txt",
                            uploaded_by=s.get(User, world.users["owner"].id))
    worker = Worker(engine, store=store, reviewer_factory=lambda: reviewer)
    while worker.run_once():
        pass
    settings.data_dir = data_dir
    return world, ids


def _search(client, world, who: str, q: str = CAP, **params):
    response = client.get("/api/search", params={"q": q, **params}, headers=world.headers(who))
    assert response.status_code == 200, response.text
    return response.json()


def test_search_api_ranks_stored_clauses_and_shows_each_role_only_what_it_may_see(client, repository,
                                                                                  engine) -> None:
    world, ids = repository
    legal = _search(client, world, "legal", scope="contracts", k=5)
    assert legal["library"] is None and legal["model"].startswith("sentence-transformers/all-MiniLM-L6-v2")
    hits = legal["contracts"]
    assert [h["rank"] for h in hits] == [1, 2, 3, 4, 5]
    # The three liability caps come first, whoever drafted them.
    top = hits[:3]
    assert {h["clause_type"] for h in top} == {"limitation_of_liability"}
    assert {h["contract_id"] for h in top} == set(ids.values()), "lee is named on the confidential one"
    for h in hits:
        assert h["snippet"] and -1 <= h["similarity"] <= 1 and h["title"] and h["vendor"] and h["version"] >= 1
    bright = next(h for h in top if h["contract_id"] == ids["bright"])
    assert (bright["version"], bright["number"]) == (2, "11.2"), "an unchanged clause is shown under its newest version"
    assert "24 months" in bright["snippet"]

    def shown(who: str, q: str = CAP, k: int = 50) -> set[int]:
        return {h["contract_id"] for h in _search(client, world, who, q, scope="contracts", k=k)["contracts"]}

    assert shown("backup") == {ids["bright"], ids["nimbus"]}, "legal not named on the confidential contract"
    assert shown("admin") == {ids["bright"], ids["nimbus"]}
    assert shown("owner") == {ids["bright"]}, "procurement: its own and its team's"
    assert shown("teammate") == {ids["bright"]}
    assert shown("outsider") == {ids["pine"], ids["nimbus"]}, "the buyer of the confidential contract"
    finance = _search(client, world, "finance", "payment of invoices within days", scope="contracts", k=50)
    assert finance["contracts"] and {h["clause_type"] for h in finance["contracts"]} <= MONEY
    assert ids["pine"] not in {h["contract_id"] for h in finance["contracts"]}

    with session_scope(engine, readonly=True) as s:
        event = s.query(AuditEvent).filter(AuditEvent.action == "search", AuditEvent.actor == "lee").one()
    assert event.detail["q"] == CAP and event.detail["scope"] == "contracts"
    assert set(event.detail["shown"]) == set(ids.values()) and event.ip == "testclient"


def test_search_finds_definitions_and_boilerplate_the_review_read_without_the_model(client, repository,
                                                                                     engine) -> None:
    """The review leaves definitions and boilerplate named by its heading to the rules; the search job that
    follows each review embeds them, so a lawyer looking for a definition finds it."""
    world, ids = repository
    hits = _search(client, world, "legal", "the definition of Customer Data: all data users submit to the service",
                   scope="contracts", k=3)["contracts"]
    top = hits[0]
    assert (top["contract_id"], top["clause_type"], top["number"]) == (ids["bright"], "definitions", "1.2")
    severability = _search(client, world, "legal", "if a provision is invalid the rest of the agreement stays in "
                           "force", scope="contracts", k=5)["contracts"]
    assert any(h["contract_id"] == ids["bright"] and h["number"] == "14.8" for h in severability)
    with session_scope(engine, readonly=True) as s:
        jobs = s.query(Job).filter(Job.kind == "embed_for_search").all()
    assert jobs and all(j.status == "done" for j in jobs)
    assert sum(j.result["embedded"] for j in jobs) > 0


def test_search_api_versions_scopes_and_bad_requests(client, repository) -> None:
    world, ids = repository
    payment = _search(client, world, "legal", "invoices are paid within sixty days", scope="contracts", k=50)
    bright = [h for h in payment["contracts"] if h["contract_id"] == ids["bright"] and h["number"] == "3.3"]
    assert sorted(h["version"] for h in bright) == [1, 2], "each wording of the changed clause, once"
    both = _search(client, world, "legal", scope="all", k=3)
    assert len(both["library"]) == 3 and both["library"][0]["clause_type"] == "limitation_of_liability"
    assert len(both["contracts"]) == 3
    library = _search(client, world, "finance", scope="library", k=2)
    assert library["contracts"] is None and len(library["library"]) == 2
    headers = world.headers("legal")
    for params, field in (({"q": ""}, "q"), ({"q": CAP, "k": 0}, "k"), ({"q": CAP, "scope": "web"}, "scope"),
                          ({}, "q")):
        response = client.get("/api/search", params=params, headers=headers)
        assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_request", params
        assert field in response.json()["error"]["message"]
    assert client.get("/api/search", params={"q": CAP}).status_code == 401
    spaces = client.get("/api/search", params={"q": "   ", "scope": "contracts"}, headers=headers)
    assert spaces.status_code == 422 and spaces.json()["error"]["code"] == "invalid_request"


def test_search_sees_a_contract_reviewed_after_the_last_search(client, repository, engine, store,
                                                              reviewer) -> None:
    world, _ids = repository
    before = {h["contract_id"] for h in _search(client, world, "legal", scope="contracts", k=50)["contracts"]}
    filename = "fernhill_saas_terms.txt"
    with session_scope(engine) as s:
        up = service.upload_contract(s, store=store, data=(DRAFTS / filename).read_bytes(), filename=filename,
                                     title="Fernhill", vendor="Fernhill", contract_type="saas",
                                     buyer=s.get(User, world.users["owner"].id), value=20_000)
    assert up.contract_id not in before
    assert Worker(engine, store=store, reviewer_factory=lambda: reviewer).run_once()
    after = _search(client, world, "legal", scope="contracts", k=50)["contracts"]
    assert up.contract_id in {h["contract_id"] for h in after}, "the stored clauses were loaded again"


def test_search_cli_contracts_table_json_and_user_view(repository, database_url, data_dir, monkeypatch) -> None:
    from typer.testing import CliRunner

    from review_service.cli import app
    from review_service.settings import get_settings

    _world, ids = repository
    monkeypatch.setenv("VETTED_DATABASE_URL", database_url)
    monkeypatch.setenv("VETTED_DATA_DIR", str(data_dir))
    get_settings.cache_clear()
    runner = CliRunner()

    def vetted(*args: str):
        # In process: the model is already loaded (a subprocess would load it again for each call).
        return runner.invoke(app, ["search", *args])

    as_json = vetted(CAP, "--contracts", "-k", "4", "--json")
    assert as_json.exit_code == 0, as_json.output
    payload = json.loads(as_json.stdout)
    assert payload["scope"] == "contracts" and "results" not in payload
    assert [h["rank"] for h in payload["contracts"]] == [1, 2, 3, 4]
    assert payload["contracts"][0]["clause_type"] == "limitation_of_liability"
    assert {"contract_id", "title", "vendor", "version", "number", "heading", "similarity", "snippet"} <= \
        set(payload["contracts"][0])
    assert ids["pine"] in {h["contract_id"] for h in payload["contracts"]}, "the operator's CLI sees everything"
    as_pat = json.loads(vetted(CAP, "--scope", "contracts", "--user", "pat", "--json", "-k", "20").stdout)
    assert {h["contract_id"] for h in as_pat["contracts"]} == {ids["bright"]}
    table = vetted(CAP, "--scope", "all", "-k", "2")
    assert table.exit_code == 0, table.output
    assert "closest library language" in table.output and "closest clauses of stored contracts" in table.output
    assert "contract" in table.output and "limitation_of_liability" in table.output
    library_only = json.loads(vetted(CAP, "-k", "2", "--json").stdout)
    assert set(library_only) == {"query", "scope", "library", "results"} and len(library_only["results"]) == 2
    bad = vetted(CAP, "--scope", "web")
    assert bad.exit_code == 2 and "invalid_scope" in bad.output
    unknown = vetted(CAP, "--contracts", "--user", "nobody")
    assert unknown.exit_code == 2 and "unknown_user" in unknown.output
