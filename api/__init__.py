"""The FastAPI application (arrives with the service issue)."""
