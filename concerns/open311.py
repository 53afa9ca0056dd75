"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): the council's categories as
services, cases as service requests, and new requests from partner apps holding an API key the
council issued (only the key's SHA-256 hash is stored).

The same visibility rules as the pages: sensitive categories and those routed to the oversight body
are never listed as requests (they appear only as counts on the public pages), descriptions only when
the reporter allowed it and staff approved it, places and points only coarsened, photos only once
staff published them. Field names, the open/closed status and the error format are the spec's."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

import msgspec

from concerns import rules, service
from concerns.schemas import CategoryView, ConcernInput, status_label
from concerns.tables import Concern, Open311Key
from proposals.moderation import service as moderation
from server import clock

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
DEFAULT_DAYS = 90  # the spec's default window for GET requests without dates
MAX_REQUESTS = 1000  # and its suggested cap on results


class Open311Error(Exception):
    """An error in the spec's format: a list of {code, description}, sent with `code` as HTTP status."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description

    def body(self) -> list[dict[str, Any]]:
        return [{"code": self.code, "description": self.description}]


def iso(moment: dt.datetime | None) -> str | None:
    """W3C date-time with its zone, as the spec requires ("2026-11-30T14:00:00+00:00")."""
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds") if moment else None


def parse_datetime(raw: str | None, name: str) -> dt.datetime | None:
    if not raw:
        return None
    try:
        moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Open311Error(400, f"{name} must be a W3C date-time such as 2026-11-30T14:00:00Z") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


# XML: the root element and the element of each item, per response (the spec's examples).
XML_ROOTS = {"services": ("services", "service"), "requests": ("service_requests", "request"),
             "errors": ("errors", "error")}


def _xml_value(parent: Any, name: str, value: Any) -> None:
    from xml.etree.ElementTree import SubElement

    child = SubElement(parent, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            _xml_value(child, key, inner)
    elif isinstance(value, list):
        singular = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value"}
        for inner in value:
            _xml_value(child, singular.get(name, "item"), inner)
    elif isinstance(value, bool):
        child.text = "true" if value else "false"
    elif value is not None:
        child.text = str(value)


def to_xml(kind: str, body: Any) -> bytes:
    """A response as the spec's XML: a list under its root element ("services", "service_requests",
    "errors"), or one object ("discovery", "service_definition") as the root itself."""
    from xml.etree.ElementTree import Element, tostring

    if kind in XML_ROOTS:
        root_name, item_name = XML_ROOTS[kind]
        root = Element(root_name)
        for item in body:
            _xml_value(root, item_name, item)
    else:
        root = Element(kind)
        for key, value in body.items():
            _xml_value(root, key, value)
    return tostring(root, encoding="utf-8", xml_declaration=True)


def discovery(base_url: str) -> dict[str, Any]:
    return {
        "changeset": "2026-11-30T14:00:00Z",
        "contact": "Council staff, through the contact details on this site",
        "key_service": "API keys for POSTing requests are issued by council staff to partner apps.",
        "endpoints": [{"specification": SPECIFICATION, "url": f"{base_url}/open311/v2",
                       "changeset": "2026-11-30T14:00:00Z", "type": "production",
                       "formats": ["application/json", "text/xml"]}],
    }


def service_json(category: CategoryView) -> dict[str, Any]:
    return {"service_code": category.code, "service_name": category.name, "description": category.description,
            "metadata": False, "type": "realtime", "keywords": "", "group": category.team}


def service_definition(category: CategoryView) -> dict[str, Any]:
    return {"service_code": category.code, "attributes": []}


async def services() -> list[dict[str, Any]]:
    return [service_json(c) for c in await service.categories()]


async def definition(service_code: str) -> dict[str, Any]:
    category = await service.get_category(code=service_code)
    if category is None or not category.active:
        raise Open311Error(404, f"no service with service_code {service_code}")
    return service_definition(category)


_COLUMNS = (
    Concern.id, Concern.status, Concern.description, Concern.description_public, Concern.description_approved,
    Concern.public_place, Concern.public_lat, Concern.public_long, Concern.photo_name, Concern.photo_public,
    Concern.received_at, Concern.updated_at, Concern.resolution_due, Concern.team,
    Concern.category.code.as_alias("service_code"), Concern.category.name.as_alias("service_name"),
    Concern.category.team.as_alias("agency"),
)


def request_json(row: dict[str, Any], base_url: str, last_note: str, hidden: bool = False) -> dict[str, Any]:
    shown = row["description_public"] and row["description_approved"] and not hidden
    return {
        "service_request_id": str(row["id"]),
        "status": rules.open311_status(row["status"]),
        "status_notes": last_note or status_label(row["status"]),
        "service_name": row["service_name"],
        "service_code": row["service_code"],
        "description": row["description"] if shown else None,
        "agency_responsible": row["team"] or row["agency"],
        "service_notice": None,
        "requested_datetime": iso(row["received_at"]),
        "updated_datetime": iso(row["updated_at"]),
        # For an open request, when it should be resolved; a closed one expects nothing more.
        "expected_datetime": iso(row["resolution_due"]) if rules.is_open(row["status"]) else None,
        "address": row["public_place"] or None,
        "address_id": None,
        "zipcode": None,
        "lat": row["public_lat"],
        "long": row["public_long"],
        "media_url": f"{base_url}/concerns/{row['id']}/photo/{row['photo_name']}"
        if row["photo_public"] and row["photo_name"] else None,
    }


async def _last_notes(ids: list[int]) -> dict[int, str]:
    from concerns.tables import ConcernEvent

    if not ids:
        return {}
    notes: dict[int, str] = {}
    for r in await ConcernEvent.select(ConcernEvent.concern, ConcernEvent.note).where(
            ConcernEvent.concern.is_in(ids), ConcernEvent.public.eq(True), ConcernEvent.kind == "status").order_by(
            ConcernEvent.id):
        notes[r["concern"]] = r["note"]  # the newest public status note wins
    return notes


def _public(query: Any) -> Any:
    return query.where(Concern.category.sensitive.eq(False), Concern.category.oversight.eq(False))


async def requests(base_url: str, *, service_request_id: str | None = None, service_code: str | None = None,
                   status: str | None = None, start_date: str | None = None, end_date: str | None = None,
                   now: dt.datetime | None = None) -> list[dict[str, Any]]:
    query = _public(Concern.select(*_COLUMNS))
    if service_request_id:
        try:
            ids = [int(part) for part in service_request_id.split(",") if part.strip()]
        except ValueError as exc:
            raise Open311Error(400, "service_request_id must be a comma-separated list of numbers") from exc
        query = query.where(Concern.id.is_in(ids or [0]))
    else:
        # The spec's defaults: without dates, the last 90 days; at most 1000 requests.
        start = parse_datetime(start_date, "start_date")
        end = parse_datetime(end_date, "end_date")
        if start is None and end is None:
            start = (now or clock.now()) - dt.timedelta(days=DEFAULT_DAYS)
        if start is not None:
            query = query.where(Concern.received_at >= start)
        if end is not None:
            query = query.where(Concern.received_at <= end)
        if service_code:
            query = query.where(Concern.category.code.is_in([c for c in service_code.split(",") if c]))
        if status:
            wanted = {s.strip() for s in status.split(",")}
            if not wanted <= {"open", "closed"}:
                raise Open311Error(400, "status must be open or closed")
            statuses = [s for s in rules.STATUSES if rules.open311_status(s) in wanted]
            query = query.where(Concern.status.is_in(statuses))
    rows = await query.order_by(Concern.received_at, ascending=False).limit(MAX_REQUESTS)
    notes = await _last_notes([r["id"] for r in rows])
    hidden = await moderation.hidden_ids("concern")
    return [request_json(r, base_url, notes.get(r["id"], ""), r["id"] in hidden) for r in rows]


async def request(base_url: str, request_id: str) -> list[dict[str, Any]]:
    if not request_id.isdigit():
        raise Open311Error(404, f"no service request with service_request_id {request_id}")
    found = await requests(base_url, service_request_id=request_id)
    if not found:
        raise Open311Error(404, f"no service request with service_request_id {request_id}")
    return found


# ---------------------------------------------------------------- POST with an API key

def key_hash(key: str) -> str:
    return hashlib.sha256(f"townsquare-open311:{key.strip()}".encode()).hexdigest()


class IssuedKey(msgspec.Struct, frozen=True):
    id: int
    name: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


async def issue_key(name: str, by: int) -> str:
    """A new key for a partner app, returned once; only its hash is kept."""
    key = secrets.token_urlsafe(32)
    await Open311Key.insert(Open311Key(name=name.strip(), key_hash=key_hash(key), created_by=by))
    return key


async def revoke_key(key_id: int) -> None:
    await Open311Key.update({Open311Key.revoked_at: clock.now()}).where(Open311Key.id == key_id,
                                                                        Open311Key.revoked_at.is_null())


async def keys() -> list[IssuedKey]:
    rows = await Open311Key.select(Open311Key.id, Open311Key.name, Open311Key.created_at,
                                   Open311Key.revoked_at).order_by(Open311Key.id, ascending=False)
    return [IssuedKey(**r) for r in rows]


async def key_valid(key: str | None) -> bool:
    if not key:
        return False
    return bool(await Open311Key.exists().where(Open311Key.key_hash == key_hash(key), Open311Key.revoked_at.is_null()))


async def post_request(form: dict[str, str]) -> list[dict[str, Any]]:
    """A new request from a partner app. Who the person is (email, name, phone, device) is not
    stored: the case is anonymous, as on the site, and the app follows it by its id."""
    from server.neighborhoods.service import active_neighborhoods

    if not await key_valid(form.get("api_key")):
        raise Open311Error(403, "a valid api_key is required to POST service requests")
    code = form.get("service_code", "")
    category = await service.get_category(code=code) if code else None
    if category is None or not category.active:
        raise Open311Error(404 if code else 400, f"no service with service_code {code}" if code
                           else "service_code is required")
    try:
        lat = float(form["lat"]) if form.get("lat") else None
        long = float(form["long"]) if form.get("long") else None
    except ValueError as exc:
        raise Open311Error(400, "lat and long must be decimal degrees") from exc
    address = (form.get("address_string") or "").strip()[:200]
    if (lat is None or long is None) and not address and not form.get("address_id"):
        raise Open311Error(400, "a location is required: lat and long, address_string or address_id")
    if (lat is not None and not -90 <= lat <= 90) or (long is not None and not -180 <= long <= 180):
        raise Open311Error(400, "lat and long must be decimal degrees")
    description = (form.get("description") or "").strip()
    if len(description) < 10 or len(description) > 4000:
        raise Open311Error(400, "description must be 10 to 4000 characters")
    hoods = await active_neighborhoods()
    wanted = (form.get("neighborhood") or "").strip().lower()
    hood = next((h for h in hoods if h.name.lower() == wanted), hoods[0] if hoods else None)
    if hood is None:
        raise Open311Error(400, "the council has no neighborhoods yet")
    data = ConcernInput(category_id=category.id, neighborhood_id=hood.id, description=description,
                        identity="anonymous", description_public=False, language="en", address=address,
                        lat=lat, long=long)
    submitted = await service.submit(data, account_id=None, channel="open311")
    notice = (f"Routed to {category.team}; first response within {category.first_response_days} days, "
              f"resolution within {category.resolution_days} days.")
    return [{"service_request_id": str(submitted.id), "service_notice": notice, "account_id": None}]
