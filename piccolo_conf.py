"""Lets the `piccolo` command run from the repo root; the configuration lives in server/piccolo_conf.py."""

from server.piccolo_conf import APP_REGISTRY, DB

__all__ = ["APP_REGISTRY", "DB"]
