from __future__ import annotations

import datetime as dt

import msgspec


class NotificationView(msgspec.Struct, frozen=True):
    id: int
    text: str
    url: str
    created_at: dt.datetime
    unread: bool


class NotificationPage(msgspec.Struct, frozen=True):
    items: list[NotificationView]
    page: int
    has_more: bool
    unread: int
