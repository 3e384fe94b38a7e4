"""The repository: contracts, versions, reviews, users and the audit trail in a SQL database (SQLite by
default, PostgreSQL by URL), uploaded files in a content-addressed store on disk.

``db`` opens the database, ``models`` maps it, ``migrations`` creates and changes it, ``files`` keeps the
uploaded files, ``service`` is what the API, the CLI and the worker call, ``audit`` keeps the hash-chained
trail.
"""
