"""Background jobs: a durable queue in the database (``queue``) and the worker that runs it (``worker``)."""
