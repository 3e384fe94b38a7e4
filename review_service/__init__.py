"""Vetted: the contract review engine and its domain (ingest, matching, review, repository, workflow)."""

__version__ = "0.1.0"
