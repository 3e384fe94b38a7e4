"""One router per resource, each mounted under ``/api`` by ``api.main.create_app``."""
