"""The installed package's version, shown by the health endpoint and the OpenAPI schema."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    VERSION = version("vetted")
except PackageNotFoundError:  # pragma: no cover - running from a checkout without installing
    VERSION = "0.0.0"
