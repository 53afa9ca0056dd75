"""The concerns domain: residents raise safety concerns and follow them to resolution; Open311
GeoReport v2 for partner apps. Read by the host through server/domains.py."""

from __future__ import annotations

from server.domains import Domain, Kind, Limiter


def manifest() -> Domain:
    """What this domain declares; imported only when the host reads it."""
    from concerns import service

    return Domain(
        name="concerns",
        piccolo_apps=["concerns.piccolo_app"],
        notification_kinds=service.NOTIFICATION_KINDS,
    )


__all__ = ["Kind", "Limiter", "manifest"]
