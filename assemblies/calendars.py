"""Meetings as open data, with no I/O: iCalendar (RFC 5545) feeds and Open Civic Data Event
documents. Both take the meetings as the service returns them and the site's base address.

iCalendar: every DTSTART/DTEND carries the city's TZID with a VTIMEZONE, since feeds with floating
or UTC-only times show wrong local times in some calendar programs (a city whose zone is UTC itself
gets UTC times, "Z": RFC 5545 forbids a TZID on them, and they are unambiguous); SEQUENCE is the meeting's own
counter, raised by the service on every change of time, place or status, so calendars replace their
copy; a cancelled meeting stays in the feed with STATUS:CANCELLED, so calendars remove it.

Open Civic Data: the event format of opencivicdata/pupa (`pupa/scrape/schemas/event.py`): name,
description, start_time/end_time with the zone's offset, timezone, all_day, status (confirmed,
cancelled, passed), classification, location {name, note, url, coordinates}, media, documents,
links, participants, agenda [{description, order, subjects, media, notes, related_entities}]."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from assemblies import rules
from assemblies.schemas import AgendaView, MeetingView

PRODID = "-//Townsquare//Meetings//EN"


def _local(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    if moment.tzinfo is None:  # SQLite gives naive UTC values
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone)


def _location(meeting: MeetingView) -> str:
    if meeting.mode == "online":
        return meeting.online_url
    if meeting.mode == "hybrid":
        return f"{meeting.address} / {meeting.online_url}"
    return meeting.address


def ical_event(meeting: MeetingView, *, base_url: str, zone: ZoneInfo, host: str,
               stamp: dt.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"meeting-{meeting.id}@{host}")
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    start, end = _local(meeting.starts_at, zone), _local(meeting.ends_at, zone)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", meeting.title)
    if location := _location(meeting):
        event.add("location", location)
    description = meeting.description
    if meeting.status == rules.CANCELLED and meeting.cancel_reason:
        description = f"{meeting.cancel_reason}\n\n{description}".strip()
    if description:
        event.add("description", description)
    event.add("url", f"{base_url}/meetings/{meeting.id}")
    event.add("status", rules.ical_status(meeting.status))
    event.add("sequence", meeting.sequence)
    event.add("last-modified", meeting.updated_at.astimezone(dt.UTC) if meeting.updated_at.tzinfo
              else meeting.updated_at.replace(tzinfo=dt.UTC))
    return event


def ical_feed(meetings: Iterable[MeetingView], *, name: str, base_url: str, zone: ZoneInfo, host: str,
              stamp: dt.datetime) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", zone.key)
    for meeting in meetings:
        calendar.add_component(ical_event(meeting, base_url=base_url, zone=zone, host=host, stamp=stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _iso(moment: dt.datetime, zone: ZoneInfo) -> str:
    return _local(moment, zone).isoformat()


def ocd_event(meeting: MeetingView, agenda: list[AgendaView], *, base_url: str, zone: ZoneInfo,
              links: dict[tuple[str, int], Any], now: dt.datetime,
              members: Iterable[tuple[str, str]] = ()) -> dict[str, Any]:
    """`links`: what server/links.resolve gave for the agenda's (kind, id) pairs (missing ones are
    not public and are left out); `members`: (name, role) of the body's current members."""
    url = f"{base_url}/meetings/{meeting.id}"
    media: list[dict[str, Any]] = []
    documents: list[dict[str, Any]] = []
    if meeting.recording_url:
        media.append({"name": "Recording", "type": "recording",
                      "date": _local(meeting.starts_at, zone).date().isoformat(), "offset": None,
                      "links": [{"media_type": "text/html", "url": meeting.recording_url, "text": ""}]})
    if meeting.minutes_published_at is not None:
        documents.append({"note": "Minutes", "date": _local(meeting.minutes_published_at, zone).date().isoformat(),
                          "media_type": "text/html", "url": f"{url}#minutes",
                          "links": [{"media_type": "text/html", "url": f"{url}#minutes"}]})
    location: dict[str, Any] = {"name": meeting.address or ("Online" if meeting.mode == "online" else ""),
                                "note": meeting.accessibility, "url": meeting.online_url or None,
                                "coordinates": None}
    items = []
    for n, item in enumerate(agenda, start=1):
        related = []
        if item.link_kind and item.link_id is not None and (found := links.get((item.link_kind, item.link_id))):
            related.append({"entity_type": item.link_kind, "name": found.title, "note": found.kind_label,
                            "id": f"{base_url}{found.url}"})
        items.append({"description": item.title, "order": str(n), "subjects": [], "media": [],
                      "notes": [item.notes] if item.notes else [], "classification": [],
                      "related_entities": related,
                      "extras": {"number": item.number, "duration_minutes": item.duration_minutes}})
    participants = ([{"entity_type": "organization", "name": meeting.body_name, "note": "host"}]
                    if meeting.body_name else [])
    participants += [{"entity_type": "person", "name": name, "note": role} for name, role in members]
    return {
        "_type": "event",
        "id": url,
        "name": meeting.title,
        "description": meeting.description,
        "classification": meeting.kind,
        "start_time": _iso(meeting.starts_at, zone),
        "end_time": _iso(meeting.ends_at, zone),
        "timezone": zone.key,
        "all_day": False,
        "status": rules.ocd_status(meeting.status, meeting.ends_at if meeting.ends_at.tzinfo
                                   else meeting.ends_at.replace(tzinfo=dt.UTC), now),
        "location": location,
        "media": media,
        "documents": documents,
        "links": [{"note": "Meeting page", "url": url}, {"note": "iCalendar", "url": f"{url}/calendar.ics"}],
        "participants": participants,
        "agenda": items,
        "sources": [{"url": url, "note": "Townsquare"}],
        "extras": {"mode": meeting.mode, "languages": meeting.languages, "interpretation": meeting.interpretation,
                   "childcare": meeting.childcare, "neighborhoods": [a.name for a in meeting.neighborhoods],
                   "cancel_reason": meeting.cancel_reason or None, "attendance": meeting.attendance},
    }
