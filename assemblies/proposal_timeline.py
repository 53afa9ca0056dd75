"""A proposal's public timeline continues here (proposals/timeline_sources.py): the meetings whose
agenda discussed it, and the council's commitments made in answer to it, each linking to its page,
so a commitment's source and the source's page point at each other."""

from __future__ import annotations

import datetime as dt

from assemblies.schemas import COMMITMENT_STATUS_LABELS, label
from assemblies.tables import AgendaItem, Commitment
from proposals.schemas import TimelineEvent
from server.i18n import fmt_date
from server.i18n import gettext as _


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


async def meetings_and_commitments(proposal_id: int, currency: str) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    agenda = await AgendaItem.select(
        AgendaItem.meeting.id.as_alias("id"), AgendaItem.meeting.title.as_alias("title"),
        AgendaItem.meeting.starts_at.as_alias("starts_at"), AgendaItem.meeting.status.as_alias("status"),
    ).where(AgendaItem.link_kind == "proposal", AgendaItem.link_id == proposal_id)
    seen: set[int] = set()
    for row in agenda:
        if row["id"] in seen or row["status"] == "cancelled":
            continue
        seen.add(row["id"])
        events.append(TimelineEvent(kind="on_agenda", at=_utc(row["starts_at"]), actor="", title=row["title"],
                                    url=f"/meetings/{row['id']}"))
    promised = await Commitment.select(Commitment.id, Commitment.title, Commitment.status, Commitment.due_date,
                                       Commitment.created_at).where(
        Commitment.source_kind == "proposal", Commitment.source_id == proposal_id)
    for row in promised:
        events.append(TimelineEvent(
            kind="commitment", at=_utc(row["created_at"]), actor="", title=row["title"],
            url=f"/commitments/{row['id']}",
            note=_("%(status)s, due %(date)s", status=label(COMMITMENT_STATUS_LABELS, row["status"]),
                   date=fmt_date(row["due_date"]))))
    return events
