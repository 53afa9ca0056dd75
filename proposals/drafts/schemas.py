from __future__ import annotations

import datetime as dt

import msgspec

from proposals.drafts.diff import SectionChange
from proposals.threads.schemas import ThreadView


class VersionInfo(msgspec.Struct, frozen=True):
    id: int
    number: int
    published_at: dt.datetime | None
    changelog: str


class OpenDraft(msgspec.Struct, frozen=True):
    """A draft open for comment today, as the home page lists it."""

    id: int
    title: str
    comment_closes: dt.date


class DraftInfo(msgspec.Struct):
    id: int
    title: str
    summary: str
    comment_opens: dt.date | None
    comment_closes: dt.date | None
    period: str  # unpublished | upcoming | open | closed
    closed_reason: str
    versions: list[VersionInfo]  # published, oldest first
    working: VersionInfo | None = None
    counts: dict[str, int] = msgspec.field(default_factory=dict)  # amendments: pending/accepted/declined

    @property
    def is_open(self) -> bool:
        return self.period == "open"

    @property
    def current(self) -> VersionInfo | None:
        return self.versions[-1] if self.versions else None


class SectionSummaryView(msgspec.Struct, frozen=True):
    author_name: str
    body: str
    updated_at: dt.datetime


class AmendmentView(msgspec.Struct):
    id: int
    section_key: int
    author_id: int
    author_name: str
    text: str
    reason: str
    status: str
    decision_reason: str
    decided_by_name: str
    base_version: int
    applied_version: int | None
    support_count: int
    supported: bool = False
    hidden: bool = False
    hidden_message: str = ""
    thread: ThreadView | None = None


class SectionView(msgspec.Struct):
    id: int
    key: int
    position: int
    heading: str
    body: str
    thread: ThreadView | None = None
    summary: SectionSummaryView | None = None
    amendments: list[AmendmentView] = msgspec.field(default_factory=list)


class DraftPage(msgspec.Struct):
    draft: DraftInfo
    version: VersionInfo
    sections: list[SectionView]
    following: bool = False  # the viewer follows this draft


class CreditView(msgspec.Struct, frozen=True):
    author_name: str
    section_heading: str


class VersionPage(msgspec.Struct):
    draft: DraftInfo
    version: VersionInfo
    previous: VersionInfo | None
    sections: list[SectionView]
    changes: list[SectionChange]
    change_counts: dict[str, int]
    credits: list[CreditView]


class EditorSection(msgspec.Struct, frozen=True):
    id: int
    key: int
    position: int
    heading: str
    body: str
