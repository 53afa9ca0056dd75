"""Meetings as open data: the iCalendar feed parses back with `icalendar` at the right local times
in a city that is not on UTC (Chicago, with summer time), and the Open Civic Data event carries
each field of the pupa event schema."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar

from assemblies import calendars
from assemblies.schemas import AgendaView, Area, MeetingView
from server.links import Link

CHICAGO = ZoneInfo("America/Chicago")
BASE = "https://town.example"
NOW = dt.datetime(2027, 1, 5, 12, 0, tzinfo=dt.UTC)


def meeting(**changes: object) -> MeetingView:
    values: dict[str, object] = dict(
        id=7, title="Riverside assembly", kind="assembly", description="What residents want next.",
        neighborhoods=[Area(1, "Riverside")], body_id=3, body_name="Riverside Safety Board",
        # 18:30 in Chicago on 10 January (CST, UTC-6) is 00:30 UTC on the 11th: the date changes too.
        starts_at=dt.datetime(2027, 1, 11, 0, 30, tzinfo=dt.UTC),
        ends_at=dt.datetime(2027, 1, 11, 2, 30, tzinfo=dt.UTC),
        mode="hybrid", address="Community Hall, 12 Canal Road", accessibility="Step-free entrance",
        online_url="https://meet.example.org/a", languages="English, Arabic", interpretation="Arabic",
        childcare=True, capacity=None, registration=False, status="scheduled", cancel_reason="", sequence=0,
        attendance=None, summary="", decisions="", recommendations="", recording_url="", minutes_published_at=None,
        created_at=NOW, updated_at=NOW)
    values.update(changes)
    return MeetingView(**values)  # type: ignore[arg-type]


def parse(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def test_ical_times_parse_back_in_the_city_zone_with_tzid() -> None:
    summer = meeting(id=8, starts_at=dt.datetime(2027, 7, 1, 23, 0, tzinfo=dt.UTC),
                     ends_at=dt.datetime(2027, 7, 2, 1, 0, tzinfo=dt.UTC))
    data = calendars.ical_feed([meeting(), summer], name="Meetings", base_url=BASE, zone=CHICAGO,
                               host="town.example", stamp=NOW)
    calendar = icalendar.Calendar.from_ical(data)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Chicago"]
    winter_event, summer_event = parse(data)
    for event in (winter_event, summer_event):
        assert event["DTSTART"].params["TZID"] == "America/Chicago"
        assert event["DTEND"].params["TZID"] == "America/Chicago"
    start = winter_event.decoded("DTSTART")
    assert (start.year, start.month, start.day, start.hour, start.minute) == (2027, 1, 10, 18, 30)
    assert start.utcoffset() == dt.timedelta(hours=-6)
    assert start == dt.datetime(2027, 1, 11, 0, 30, tzinfo=dt.UTC)
    assert winter_event.decoded("DTEND") == dt.datetime(2027, 1, 11, 2, 30, tzinfo=dt.UTC)
    # Summer time: 18:00 CDT (UTC-5).
    summer_start = summer_event.decoded("DTSTART")
    assert (summer_start.hour, summer_start.utcoffset()) == (18, dt.timedelta(hours=-5))
    assert str(winter_event["UID"]) == "meeting-7@town.example"
    assert str(winter_event["SUMMARY"]) == "Riverside assembly"
    assert str(winter_event["LOCATION"]) == "Community Hall, 12 Canal Road / https://meet.example.org/a"
    assert str(winter_event["URL"]) == f"{BASE}/meetings/7"
    assert str(winter_event["STATUS"]) == "CONFIRMED"
    assert int(winter_event["SEQUENCE"]) == 0


def test_a_change_raises_sequence_and_a_cancellation_says_so() -> None:
    moved = meeting(sequence=2)
    cancelled = meeting(status="cancelled", sequence=3, cancel_reason="The hall flooded.")
    [event] = parse(calendars.ical_feed([moved], name="M", base_url=BASE, zone=CHICAGO, host="h", stamp=NOW))
    assert int(event["SEQUENCE"]) == 2 and str(event["STATUS"]) == "CONFIRMED"
    [event] = parse(calendars.ical_feed([cancelled], name="M", base_url=BASE, zone=CHICAGO, host="h", stamp=NOW))
    assert int(event["SEQUENCE"]) == 3 and str(event["STATUS"]) == "CANCELLED"
    assert str(event["DESCRIPTION"]).startswith("The hall flooded.")


def test_a_utc_city_gets_utc_times() -> None:
    # RFC 5545 forbids TZID on UTC times; "Z" is unambiguous (floating times are what go wrong).
    data = calendars.ical_feed([meeting()], name="M", base_url=BASE, zone=ZoneInfo("UTC"), host="h", stamp=NOW)
    assert b"DTSTART:20270111T003000Z" in data
    [event] = parse(data)
    assert event.decoded("DTSTART") == dt.datetime(2027, 1, 11, 0, 30, tzinfo=dt.UTC)


def test_ocd_event_field_by_field() -> None:
    held = meeting(status="held", attendance=40, recording_url="https://video.example.org/r",
                   minutes_published_at=dt.datetime(2027, 1, 12, 15, 0, tzinfo=dt.UTC))
    agenda = [
        AgendaView(1, None, 1, "Welcome", "", 10, None, None, "1", 0),
        AgendaView(2, None, 2, "Street lighting", "Survey results.", 40, "proposal", 12, "2", 0),
        AgendaView(3, 2, 1, "Questions", "", None, "concern", 99, "2.1", 1),  # not public: no entity
    ]
    links = {("proposal", 12): Link("proposal", 12, "Proposal", "Brighter lamps", "/proposals/12")}
    doc = calendars.ocd_event(held, agenda, base_url=BASE, zone=CHICAGO, links=links, now=NOW,
                              members=[("Amira Haddad", "co_chair")])
    assert doc["_type"] == "event"
    assert doc["name"] == "Riverside assembly"
    assert doc["description"] == "What residents want next."
    assert doc["classification"] == "assembly"
    assert doc["start_time"] == "2027-01-10T18:30:00-06:00"
    assert doc["end_time"] == "2027-01-10T20:30:00-06:00"
    assert dt.datetime.fromisoformat(doc["start_time"]) == held.starts_at
    assert doc["timezone"] == "America/Chicago"
    assert doc["all_day"] is False
    assert doc["status"] == "passed"
    assert doc["location"] == {"name": "Community Hall, 12 Canal Road", "note": "Step-free entrance",
                               "url": "https://meet.example.org/a", "coordinates": None}
    assert doc["media"] == [{"name": "Recording", "type": "recording", "date": "2027-01-10", "offset": None,
                             "links": [{"media_type": "text/html", "url": "https://video.example.org/r", "text": ""}]}]
    assert doc["documents"] == [{"note": "Minutes", "date": "2027-01-12", "media_type": "text/html",
                                 "url": f"{BASE}/meetings/7#minutes",
                                 "links": [{"media_type": "text/html", "url": f"{BASE}/meetings/7#minutes"}]}]
    assert doc["links"] == [{"note": "Meeting page", "url": f"{BASE}/meetings/7"},
                            {"note": "iCalendar", "url": f"{BASE}/meetings/7/calendar.ics"}]
    assert doc["participants"] == [
        {"entity_type": "organization", "name": "Riverside Safety Board", "note": "host"},
        {"entity_type": "person", "name": "Amira Haddad", "note": "co_chair"}]
    assert [(a["order"], a["description"]) for a in doc["agenda"]] == [
        ("1", "Welcome"), ("2", "Street lighting"), ("3", "Questions")]
    first, second, third = doc["agenda"]
    assert first["related_entities"] == [] and first["notes"] == []
    assert second["notes"] == ["Survey results."]
    assert second["related_entities"] == [{"entity_type": "proposal", "name": "Brighter lamps", "note": "Proposal",
                                           "id": f"{BASE}/proposals/12"}]
    assert third["related_entities"] == []
    assert third["extras"] == {"number": "2.1", "duration_minutes": None}
    for item in doc["agenda"]:
        assert set(item) >= {"description", "order", "subjects", "media", "notes", "related_entities"}


def test_ocd_status_of_upcoming_and_cancelled_meetings() -> None:
    assert calendars.ocd_event(meeting(), [], base_url=BASE, zone=CHICAGO, links={}, now=NOW)["status"] == "confirmed"
    cancelled = calendars.ocd_event(meeting(status="cancelled", cancel_reason="Flood."), [], base_url=BASE,
                                    zone=CHICAGO, links={}, now=NOW)
    assert cancelled["status"] == "cancelled" and cancelled["extras"]["cancel_reason"] == "Flood."
