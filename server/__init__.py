"""The web host: app factory, settings, database, accounts, sessions and shared pages."""

import os

# Piccolo finds its engine and apps through this module; the package path lets the
# installed `townsquare` command run from any directory, not only the repo root.
os.environ.setdefault("PICCOLO_CONF", "server.piccolo_conf")
