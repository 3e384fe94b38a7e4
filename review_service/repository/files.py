"""The file store: uploaded contracts kept content-addressed by SHA-256 under one folder.

A file lives at ``<root>/<first two hex digits>/<sha256>``. Writing goes to a temporary file in that same
folder, is fsynced, and is then hard-linked into place, which fails rather than replace a file that is already
there: a stored file is never overwritten, and a reader never sees half a file. Reading checks the hash.

The database refers to files by hash. The service writes the file first and commits the row after, so a crash
can leave a file without a row (an *orphan*, harmless and reported by :meth:`FileStore.orphans`) but never a
row without its file. Removing a file races with another upload of the same bytes; both sides therefore hold
a per-hash lock (:meth:`FileStore.lock`): uploads a shared one from writing the file until their commit,
removal an exclusive one while it checks that no row refers to the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from review_service.errors import VettedError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no cross-process locking
    fcntl = None  # type: ignore[assignment]

CHUNK = 1024 * 1024
_TMP_PREFIX = ".tmp-"
_LOCK_SUFFIX = ".lock"


class StoredFileError(VettedError):
    """A stored file is missing or no longer matches its hash: restore it from backup."""

    code = "stored_file_error"


class StoredFileMissingError(StoredFileError):
    code = "stored_file_missing"


class StoredFileCorruptError(StoredFileError):
    code = "stored_file_corrupt"


@dataclass(frozen=True, slots=True)
class StoredFile:
    sha256: str
    size: int
    # False when the same bytes were already stored (nothing was written).
    created: bool


def _check_hash(sha256: str) -> str:
    sha256 = sha256.lower()
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return sha256


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FileStore:
    """Content-addressed files under ``root`` (created on first write)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    # -- paths
    def path(self, sha256: str) -> Path:
        sha256 = _check_hash(sha256)
        return self.root / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    # -- writing
    def put(self, data: bytes | BinaryIO) -> StoredFile:
        """Store ``data`` (bytes or a binary file object, read in chunks) and return its hash.

        Storing bytes that are already there writes nothing and returns ``created=False``; an existing file
        whose content no longer matches its name is reported, never replaced silently.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        tmp_dir = self.root / "incoming"
        tmp_dir.mkdir(exist_ok=True)
        tmp = tmp_dir / f"{_TMP_PREFIX}{os.getpid()}-{secrets.token_hex(8)}"
        digest = hashlib.sha256()
        size = 0
        try:
            with open(tmp, "xb") as out:
                if isinstance(data, bytes | bytearray | memoryview):
                    digest.update(data)
                    out.write(data)
                    size = len(data)
                else:
                    while chunk := data.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                        size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha256 = digest.hexdigest()
            final = self.path(sha256)
            final.parent.mkdir(exist_ok=True)
            for _ in range(3):
                try:
                    # link() refuses to replace an existing name, unlike rename(): no overwrite, even in a race.
                    os.link(tmp, final)
                except FileExistsError:
                    try:
                        self.verify(sha256)
                    except StoredFileMissingError:
                        continue  # removed meanwhile (an unreferenced file being discarded): link again
                    except StoredFileCorruptError:
                        self._quarantine(sha256)  # damaged copy kept aside; these bytes are the real ones
                        continue
                    return StoredFile(sha256, size, created=False)
                _fsync_dir(final.parent)
                return StoredFile(sha256, size, created=True)
            raise StoredFileError(f"could not store {sha256}: the file keeps changing under {self.root}")
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()

    # -- reading
    def read(self, sha256: str) -> bytes:
        """The file's bytes, checked against its hash."""
        path = self.path(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise StoredFileMissingError(
                f"the stored file {sha256} is missing from {self.root}: restore the file store from backup"
            ) from None
        if sha256_of(data) != sha256.lower():
            raise StoredFileCorruptError(
                f"the stored file {sha256} no longer matches its checksum (disk or backup damage): restore it "
                "from backup"
            )
        return data

    def verify(self, sha256: str) -> None:
        """Raise unless the stored file exists and matches its hash (read in chunks)."""
        path = self.path(sha256)
        digest = hashlib.sha256()
        try:
            with open(path, "rb") as f:
                while chunk := f.read(CHUNK):
                    digest.update(chunk)
        except FileNotFoundError:
            raise StoredFileMissingError(f"the stored file {sha256} is missing from {self.root}") from None
        if digest.hexdigest() != sha256.lower():
            raise StoredFileCorruptError(f"the stored file {sha256} no longer matches its checksum")

    def _quarantine(self, sha256: str) -> Path:
        """Move a damaged file aside (never delete it: it is evidence) so the good bytes can take its name."""
        folder = self.root / "quarantine"
        folder.mkdir(exist_ok=True)
        target = folder / f"{sha256}-{int(time.time())}-{secrets.token_hex(4)}"
        os.replace(self.path(sha256), target)
        return target

    # -- removal, only of files nothing refers to
    @contextlib.contextmanager
    def lock(self, sha256: str, *, exclusive: bool = False) -> Iterator[None]:
        """Hold the per-hash lock: shared while writing a file and committing its row, exclusive to remove it."""
        sha256 = _check_hash(sha256)
        if fcntl is None:  # pragma: no cover
            yield
            return
        folder = self.root / "locks"
        folder.mkdir(parents=True, exist_ok=True)
        # One lock file per leading byte: a bounded number of files, and still rarely contended.
        fd = os.open(folder / f"{sha256[:2]}{_LOCK_SUFFIX}", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def discard_if_unreferenced(self, sha256: str, is_referenced: Callable[[str], bool]) -> bool:
        """Remove the file unless ``is_referenced(sha256)`` (asked under the exclusive lock); True if removed."""
        with self.lock(sha256, exclusive=True):
            if is_referenced(sha256):
                return False
            try:
                self.path(sha256).unlink()
            except FileNotFoundError:
                return False
            _fsync_dir(self.path(sha256).parent)
            return True

    # -- inventory
    def hashes(self) -> Iterator[str]:
        """Every stored file's hash."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if len(folder.name) != 2 or not folder.is_dir():
                continue
            for f in sorted(folder.iterdir()):
                if len(f.name) == 64 and f.name.startswith(folder.name) and f.is_file():
                    yield f.name

    def stale_temporaries(self, older_than: float = 3600.0) -> list[Path]:
        """Temporary files left by writes that died (older than ``older_than`` seconds)."""
        folder = self.root / "incoming"
        if not folder.is_dir():
            return []
        cutoff = time.time() - older_than
        return [p for p in folder.iterdir() if p.name.startswith(_TMP_PREFIX) and p.stat().st_mtime < cutoff]

    def orphans(self, referenced: Iterable[str]) -> list[str]:
        """Stored files that no row refers to (``referenced``: every hash the database knows)."""
        known = {h.lower() for h in referenced}
        return [h for h in self.hashes() if h not in known]

    def missing(self, referenced: Iterable[str]) -> list[str]:
        """Hashes the database refers to that have no file: each is data loss to restore from backup."""
        return sorted({h.lower() for h in referenced if not self.exists(h)})


def _fsync_dir(folder: Path) -> None:
    """Make a new or removed name in ``folder`` durable (the file's own fsync does not cover its name)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def default_store() -> FileStore:
    """The configured store: ``VETTED_FILES_DIR``, or ``files/`` under the data folder."""
    from review_service.settings import get_settings

    settings = get_settings()
    root = settings.files_dir or Path(settings.data_dir) / "files"
    return FileStore(root)
