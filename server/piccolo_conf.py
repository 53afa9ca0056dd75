"""Piccolo's configuration: the engine comes from DATABASE_URL, the apps are the host's and those the
domains' manifests declare (server/domains.py), in the order of the domain list."""

import os

from server.database import engine_from_url
from server.settings import check_database_url, default_database_url, var_dir_from_env

DB = engine_from_url(check_database_url(os.environ.get("DATABASE_URL") or default_database_url(var_dir_from_env())),
                     pgbouncer=os.environ.get("TOWNSQUARE_PGBOUNCER", "").lower() in ("1", "true", "yes", "on"))


def __getattr__(name: str) -> object:
    # APP_REGISTRY is computed when Piccolo asks for it, so that reading this module does not import
    # every domain, and a registry installed by a test (server.domains.use) is the one migrated.
    if name == "APP_REGISTRY":
        from server.domains import registry

        return registry().app_registry()
    raise AttributeError(name)
