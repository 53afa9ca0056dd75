from __future__ import annotations

import datetime as dt

import msgspec

from ballots.counting.schemas import CountView


class PublicationView(msgspec.Struct, frozen=True):
    id: int
    ballot_id: int
    version: int
    statement: str
    correction_reason: str
    published_by: str
    published_at: dt.datetime
    count: CountView

    @property
    def is_correction(self) -> bool:
        return self.version > 1


class VersionLine(msgspec.Struct, frozen=True):
    """A published version in the results page's list of versions (its count is not read)."""

    version: int
    published_at: dt.datetime
    correction_reason: str

    @property
    def is_correction(self) -> bool:
        return self.version > 1


class PublicationSummary(msgspec.Struct, frozen=True):
    """For feeds and dashboards: one line per published version."""

    ballot_id: int
    ballot_title: str
    version: int
    published_at: dt.datetime
    funded: int
    spent: int
    budget: int
    correction_reason: str = ""
