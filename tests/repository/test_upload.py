"""Uploads: the file is stored first and the rows committed after; the database and the file store agree after
any failure; duplicates are found by checksum; bad input is refused before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from review_service.errors import EmptyFileError, FileTooLargeError, UnsupportedTypeError
from review_service.repository import audit, service
from review_service.repository.db import session_scope
from review_service.repository.errors import DuplicateFileError, InvalidRequestError
from review_service.repository.files import FileStore, sha256_of
from review_service.repository.models import AuditEvent, Contract, ContractVersion, Job

ROOT = Path(__file__).resolve().parents[2]
DRAFT = (ROOT / "corpora" / "drafts" / "nimbusdesk_saas_subscription.txt").read_bytes()
OTHER = (ROOT / "corpora" / "drafts" / "kestrel_mutual_nda.txt").read_bytes()


def _upload(session: Session, store: FileStore, people, data: bytes = DRAFT, **kw) -> service.Upload:
    args = dict(store=store, data=data, filename="nimbusdesk.txt", title="NimbusDesk subscription",
                vendor="NimbusDesk Software", contract_type="saas", buyer=people.buyer, value=48_000,
                business_context="vendor needs Net 60 because its cash-flow cycle changed")
    args.update(kw)
    return service.upload_contract(session, **args)


def _count(session: Session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_upload_stores_file_contract_version_job_and_audit_together(session, store, people) -> None:
    up = _upload(session, store, people)
    assert store.read(up.sha256) == DRAFT and up.sha256 == sha256_of(DRAFT)
    contract = session.get(Contract, up.contract_id)
    assert contract.state == "submitted" and contract.team_id == people.buyer.team_id
    assert str(contract.value) == "48000.00" and contract.currency == "USD"
    version = session.get(ContractVersion, up.version_id)
    assert (version.number, version.media_type, version.size) == (1, "text/plain", len(DRAFT))
    job = session.get(Job, up.job_id)
    assert (job.kind, job.status, job.payload) == ("review_version", "queued", {"version_id": up.version_id})
    assert service.job_for_version(session, version_id=up.version_id).id == up.job_id
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "contract.upload")).one()
    assert event.actor == "pat" and event.target == f"contract:{up.contract_id}" and event.detail["sha256"] == up.sha256


def test_upload_commit_failure_removes_the_new_file_and_leaves_no_row(session, store, people, monkeypatch) -> None:
    def broken_commit() -> None:
        raise RuntimeError("the database went away between the file write and the commit")

    monkeypatch.setattr(session, "commit", broken_commit)
    with pytest.raises(RuntimeError):
        _upload(session, store, people)
    monkeypatch.undo()
    assert not store.exists(sha256_of(DRAFT)), "the file written for the failed upload is removed"
    assert _count(session, Contract) == 0 and _count(session, ContractVersion) == 0 and _count(session, Job) == 0
    assert service.check_files(session, store=store).ok


def test_upload_failure_while_writing_rows_removes_the_file(session, store, people, monkeypatch) -> None:
    real = audit.record

    def failing(*args, **kwargs):
        if kwargs.get("action") == "contract.upload":
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(audit, "record", failing)
    with pytest.raises(OSError):
        _upload(session, store, people)
    assert list(store.hashes()) == []
    assert _count(session, Contract) == 0


def test_upload_failure_keeps_a_file_another_row_refers_to(session, store, people, monkeypatch) -> None:
    first = _upload(session, store, people)
    monkeypatch.setattr(session, "commit", lambda: (_ for _ in ()).throw(RuntimeError("commit failed")))
    with pytest.raises(RuntimeError):
        _upload(session, store, people, allow_duplicate=True, title="Same file again")
    monkeypatch.undo()
    assert store.read(first.sha256) == DRAFT, "the first contract's file must survive"
    assert _count(session, Contract) == 1


def test_upload_crash_before_commit_leaves_an_orphan_that_is_reported_and_removed(engine, session, store,
                                                                                  people) -> None:
    # A process killed between the file write and the commit: the file is there, the rows are not.
    orphan = store.put(OTHER).sha256
    kept = _upload(session, store, people).sha256
    check = service.check_files(session, store=store)
    assert check.orphans == [orphan] and check.missing == [] and not check.ok
    assert service.remove_orphans(engine, store=store, older_than=3600) == [], "a young orphan may still commit"
    assert service.remove_orphans(engine, store=store, older_than=0) == [orphan]
    assert list(store.hashes()) == [kept]
    assert service.check_files(session, store=store).ok


def test_upload_row_whose_file_is_gone_is_reported_missing(session, store, people) -> None:
    up = _upload(session, store, people)
    store.path(up.sha256).unlink()
    assert service.check_files(session, store=store).missing == [up.sha256]


def test_upload_duplicate_by_checksum_is_refused_naming_the_existing_contract(session, store, people) -> None:
    first = _upload(session, store, people)
    with pytest.raises(DuplicateFileError) as err:
        _upload(session, store, people, filename="renamed copy.txt", title="Another title")
    assert err.value.code == "duplicate_file"
    assert (err.value.contract_id, err.value.version_id) == (first.contract_id, first.version_id)
    assert [v.id for v in service.find_by_checksum(session, sha256=first.sha256)] == [first.version_id]
    second = _upload(session, store, people, allow_duplicate=True)
    assert second.sha256 == first.sha256 and second.duplicates == (first.version_id,)
    assert list(store.hashes()) == [first.sha256], "one file on disk for both"


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"title": "  "}, InvalidRequestError),
        ({"vendor": ""}, InvalidRequestError),
        ({"contract_type": "lease"}, InvalidRequestError),
        ({"value": -5}, InvalidRequestError),
        ({"value": "a lot"}, InvalidRequestError),
        ({"currency": "dollars"}, InvalidRequestError),
        ({"data": b""}, EmptyFileError),
        ({"data": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "filename": "scan.png"}, UnsupportedTypeError),
    ],
)
def test_upload_bad_metadata_or_file_is_refused_before_anything_is_written(session, store, people, changes,
                                                                          error) -> None:
    with pytest.raises(error):
        _upload(session, store, people, **changes)
    assert list(store.hashes()) == [] and _count(session, Contract) == 0


def test_upload_oversized_file_is_refused(session, store, people, monkeypatch) -> None:
    monkeypatch.setenv("VETTED_MAX_UPLOAD_BYTES", "100")
    with pytest.raises(FileTooLargeError):
        _upload(session, store, people)
    assert list(store.hashes()) == []


def test_upload_new_version_numbers_on_and_queues_a_review(session, store, people) -> None:
    first = _upload(session, store, people)
    with pytest.raises(DuplicateFileError):
        service.add_version(session, store=store, contract_id=first.contract_id, data=DRAFT, filename="v2.txt",
                            uploaded_by=people.buyer)
    changed = DRAFT.replace(b"fifteen (15) days", b"thirty (30) days")
    second = service.add_version(session, store=store, contract_id=first.contract_id, data=changed,
                                 filename="v2.txt", uploaded_by=people.buyer, note="Net 30 agreed")
    assert second.contract_id == first.contract_id and second.job_id != first.job_id
    versions = session.get(Contract, first.contract_id).versions
    assert [v.number for v in versions] == [1, 2]
    assert store.read(second.sha256) == changed
    assert session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()[-2:] == [
        "contract.upload", "contract.version"]


def test_upload_from_two_sessions_at_once_both_commit(engine, store, people) -> None:
    # Two uploads in flight on separate connections must not block each other for good (SQLite's write lock
    # waits, it does not fail).
    import threading

    errors: list[Exception] = []

    def upload(data: bytes, title: str) -> None:
        try:
            with session_scope(engine) as s:
                buyer = service.get_user(s, username="pat")
                service.upload_contract(s, store=store, data=data, filename=f"{title}.txt", title=title,
                                        vendor="V", contract_type="saas", buyer=buyer)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=upload, args=(d, t)) for d, t in ((DRAFT, "a"), (OTHER, "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with session_scope(engine, readonly=True) as s:
        assert _count(s, Contract) == 2 and audit.verify(s) is None


def test_upload_start_up_reconciles_the_store_and_says_so(engine, session, store, people, caplog) -> None:
    # What `vetted serve` and `vetted worker` do at start: an old orphan is removed, a young one kept, a lost
    # file named; each in the log, nothing silent.
    import logging
    import os
    import time

    old = store.put(OTHER).sha256
    os.utime(store.path(old), (time.time() - 7200, time.time() - 7200))
    young = store.put(b"an upload still on its way to the commit").sha256
    lost = _upload(session, store, people)
    session.commit()
    store.path(lost.sha256).unlink()
    with caplog.at_level(logging.INFO, logger="review_service.repository.service"):
        check = service.reconcile_files(engine, store=store)
    assert sorted(check.orphans) == sorted([old, young]) and check.missing == [lost.sha256]
    assert set(store.hashes()) == {young}
    text = caplog.text
    assert f"stored file {lost.sha256} is missing" in text and f"removed orphan file {old}" in text
    assert "2 stored file(s) belonged to no version" in text and "1 removed" in text
