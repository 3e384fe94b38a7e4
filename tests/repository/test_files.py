"""The content-addressed file store: atomic writes, never overwritten, verified reads, inventory."""

from __future__ import annotations

import hashlib
import io
import os
import threading

import pytest

from review_service.repository.files import (
    FileStore,
    StoredFileCorruptError,
    StoredFileMissingError,
)

DATA = b"MASTER SUBSCRIPTION AGREEMENT\n\n1. Payment. Net 45.\n"
SHA = hashlib.sha256(DATA).hexdigest()


def test_files_put_stores_under_the_hash_and_reads_back(store: FileStore) -> None:
    stored = store.put(DATA)
    assert (stored.sha256, stored.size, stored.created) == (SHA, len(DATA), True)
    assert store.path(SHA) == store.root / SHA[:2] / SHA
    assert store.read(SHA) == DATA
    assert list(store.hashes()) == [SHA]
    assert not any((store.root / "incoming").iterdir()), "no temporary file is left behind"


def test_files_put_reads_a_stream_in_chunks(store: FileStore, monkeypatch) -> None:
    monkeypatch.setattr("review_service.repository.files.CHUNK", 7)
    assert store.put(io.BytesIO(DATA)).sha256 == SHA
    assert store.read(SHA) == DATA


def test_files_same_bytes_twice_write_nothing_and_never_overwrite(store: FileStore) -> None:
    store.put(DATA)
    before = os.stat(store.path(SHA))
    again = store.put(DATA)
    assert again.created is False and again.sha256 == SHA
    after = os.stat(store.path(SHA))
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)


def test_files_read_refuses_a_damaged_or_missing_file(store: FileStore) -> None:
    store.put(DATA)
    store.path(SHA).write_bytes(DATA + b"tampered")
    with pytest.raises(StoredFileCorruptError) as err:
        store.read(SHA)
    assert err.value.code == "stored_file_corrupt"
    with pytest.raises(StoredFileMissingError):
        store.read("ab" * 32)


def test_files_putting_the_real_bytes_over_a_damaged_copy_keeps_the_damaged_one_aside(store: FileStore) -> None:
    store.put(DATA)
    store.path(SHA).write_bytes(b"bit rot")
    assert store.put(DATA).created is True
    assert store.read(SHA) == DATA
    kept = list((store.root / "quarantine").iterdir())
    assert len(kept) == 1 and kept[0].read_bytes() == b"bit rot"


def test_files_concurrent_writers_of_the_same_bytes_agree(store: FileStore) -> None:
    results, errors = [], []

    def write() -> None:
        try:
            results.append(store.put(DATA))
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sum(r.created for r in results) == 1
    assert store.read(SHA) == DATA


def test_files_orphans_and_missing_compare_the_store_with_the_rows(store: FileStore) -> None:
    kept = store.put(DATA).sha256
    orphan = store.put(b"an upload whose row never committed").sha256
    gone = "cd" * 32
    assert store.orphans([kept, gone]) == [orphan]
    assert store.missing([kept, gone]) == [gone]


def test_files_discard_only_when_nothing_refers_to_the_file(store: FileStore) -> None:
    sha = store.put(DATA).sha256
    assert store.discard_if_unreferenced(sha, lambda _h: True) is False
    assert store.exists(sha)
    assert store.discard_if_unreferenced(sha, lambda _h: False) is True
    assert not store.exists(sha)


def test_files_refuse_a_name_that_is_not_a_hash(store: FileStore) -> None:
    with pytest.raises(ValueError):
        store.path("../../etc/passwd")
