from __future__ import annotations

import datetime as dt

import msgspec


class HiddenInfo(msgspec.Struct, frozen=True):
    status: str  # pending | hidden
    reason: str
    message: str  # translated placeholder shown instead of the content


class QueueItem(msgspec.Struct, frozen=True):
    kind: str
    kind_label: str
    content_id: int
    status: str
    reason: str
    report_count: int
    reasons: dict[str, int]  # report reason -> count
    title: str
    excerpt: str
    url: str
    author_id: int | None
    author_name: str
    author_blocked: bool
    gone: bool


class LogEntry(msgspec.Struct, frozen=True):
    id: int
    action: str
    kind: str
    content_id: int
    category: str
    reason: str
    moderator_name: str
    target_name: str
    created_at: dt.datetime
    target_id: int | None = None
    target_blocked: bool = False
    kind_label: str = ""
    title: str = ""
    url: str = ""
