"""Piccolo's configuration: the engine comes from DATABASE_URL, the apps are the domain packages."""

import os

from piccolo.conf.apps import AppRegistry

from server.database import engine_from_url
from server.settings import check_database_url, default_database_url, var_dir_from_env

DB = engine_from_url(check_database_url(os.environ.get("DATABASE_URL") or default_database_url(var_dir_from_env())))

APP_REGISTRY = AppRegistry(
    apps=[
        "server.piccolo_app",
        "proposals.piccolo_app",
        "proposals.threads.piccolo_app",
        "proposals.moderation.piccolo_app",
        "proposals.drafts.piccolo_app",
        "ballots.piccolo_app",
        "ballots.counting.piccolo_app",
        "ballots.results.piccolo_app",
        "delivery.piccolo_app",
    ]
)
