"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), checked field by field against the
spec: discovery, services, a service definition, requests with their filters, one request, POST
with an API key, and errors as a list of {code, description}."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree

import httpx
from factories.concerns import make_category, make_concern, resolved
from support import make_account

from concerns import open311, service
from concerns.tables import Concern, Open311Key

# GeoReport v2, "GET Service List": the fields of each service.
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
# "GET Service Requests" / "GET Service Request": the fields of each request.
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}


def _w3c(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value)
    assert moment.tzinfo is not None, f"{value} carries no time zone"
    return moment


async def test_discovery_points_at_the_v2_endpoint(client: httpx.AsyncClient, db: object) -> None:
    body = (await client.get("/open311/v2/discovery.json")).json()
    assert set(body) >= {"changeset", "contact", "key_service", "endpoints"}
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and endpoint["type"] == "production"
    assert endpoint["formats"] == ["application/json", "text/xml"]


async def test_services_and_a_service_definition(client: httpx.AsyncClient, db: object) -> None:
    await make_category(name="Street lights")
    response = await client.get("/open311/v2/services.json", params={"jurisdiction_id": "townsquare"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    [svc] = response.json()
    assert set(svc) == SERVICE_FIELDS
    assert svc["service_name"] == "Street lights" and svc["metadata"] is False and svc["type"] == "realtime"
    assert svc["group"] == "Public Works"
    definition = (await client.get(f"/open311/v2/services/{svc['service_code']}.json")).json()
    assert definition == {"service_code": svc["service_code"], "attributes": []}
    missing = await client.get("/open311/v2/services/nothing.json")
    assert missing.status_code == 404 and missing.json() == [{"code": 404,
                                                              "description": "no service with service_code nothing"}]


async def test_requests_field_by_field(client: httpx.AsyncClient, db: object) -> None:
    council = await make_account("council")
    lights = await make_category(name="Street lights")
    case = (await make_concern(lights, description="The lamp by the school is out.", public=True)).id
    await service.change_status(case, council, resolved())
    await service.publish(case, council, description=True, photo=False)
    open_case = (await make_concern(lights, public=False, address="", lat=None, long=None)).id
    body = (await client.get("/open311/v2/requests.json")).json()
    assert [r["service_request_id"] for r in body] == [str(open_case), str(case)]
    closed, still_open = body[1], body[0]
    for request in body:
        assert set(request) == REQUEST_FIELDS
        assert request["service_name"] == "Street lights" and request["agency_responsible"] == "Public Works"
        _w3c(request["requested_datetime"]) and _w3c(request["updated_datetime"])
    assert closed["status"] == "closed" and closed["status_notes"] == "Fixed the lamp."
    assert closed["description"] == "The lamp by the school is out." and closed["expected_datetime"] is None
    assert closed["address"] == "0-99 Elm Street"
    row = await Concern.select(Concern.lat, Concern.long).where(Concern.id == case).first()
    assert (closed["lat"], closed["long"]) != (row["lat"], row["long"])  # coarsened, never the point given
    assert abs(closed["lat"] - row["lat"]) < 0.0015 and abs(closed["long"] - row["long"]) < 0.0015
    assert closed["media_url"] is None and closed["address_id"] is None and closed["zipcode"] is None
    assert still_open["status"] == "open" and still_open["description"] is None
    assert still_open["status_notes"] == "Received" and _w3c(still_open["expected_datetime"])
    assert still_open["address"] is None and still_open["lat"] is None
    one = await client.get(f"/open311/v2/requests/{case}.json")
    assert one.status_code == 200 and one.json() == [closed]
    # Filters: status, service_code, dates, ids.
    assert [r["service_request_id"] for r in (await client.get("/open311/v2/requests.json",
                                                               params={"status": "open"})).json()] == [str(open_case)]
    assert (await client.get("/open311/v2/requests.json", params={"service_code": "other"})).json() == []
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    assert (await client.get("/open311/v2/requests.json", params={"start_date": future})).json() == []
    assert len((await client.get("/open311/v2/requests.json", params={
        "service_request_id": f"{case},{open_case}"})).json()) == 2
    bad = await client.get("/open311/v2/requests.json", params={"start_date": "yesterday"})
    assert bad.status_code == 400 and bad.json()[0]["code"] == 400


async def test_sensitive_and_oversight_requests_are_never_listed(client: httpx.AsyncClient, db: object) -> None:
    hidden = [(await make_concern(await make_category(sensitive=True))).id,
              (await make_concern(await make_category(oversight=True))).id]
    assert (await client.get("/open311/v2/requests.json")).json() == []
    for case in hidden:
        response = await client.get(f"/open311/v2/requests/{case}.json")
        assert response.status_code == 404 and response.json()[0]["code"] == 404


async def test_posting_needs_a_key_the_council_issued(client: httpx.AsyncClient, db: object) -> None:
    council = await make_account("council")
    lights = await make_category()
    code = (await service.get_category(lights)).code
    data = {"service_code": code, "lat": "51.5072", "long": "-0.1276", "description": "The lamp by the school is out.",
            "email": "someone@example.org", "first_name": "Some", "last_name": "One", "phone": "555-0100"}
    refused = await client.post("/open311/v2/requests.json", data=data)
    assert refused.status_code == 403 and refused.json()[0]["code"] == 403
    key = await open311.issue_key("Neighbourhood app", council.id)
    stored = await Open311Key.select(Open311Key.key_hash).first()
    assert stored["key_hash"] != key and key not in stored["key_hash"]
    response = await client.post("/open311/v2/requests.json", data={**data, "api_key": key})
    assert response.status_code == 200, response.text
    [created] = response.json()
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    row = await Concern.select().where(Concern.id == int(created["service_request_id"])).first()
    assert row["channel"] == "open311" and row["account"] is None
    assert "someone@example.org" not in str(row) and "555-0100" not in str(row)
    no_place = await client.post("/open311/v2/requests.json", data={
        "api_key": key, "service_code": code, "description": "Somewhere, something."})
    assert no_place.status_code == 400 and "location" in no_place.json()[0]["description"]
    unknown = await client.post("/open311/v2/requests.json", data={**data, "api_key": key, "service_code": "x"})
    assert unknown.status_code == 404
    [issued] = await open311.keys()
    await open311.revoke_key(issued.id)
    assert (await client.post("/open311/v2/requests.json", data={**data, "api_key": key})).status_code == 403


async def test_the_same_answers_in_xml(client: httpx.AsyncClient, db: object) -> None:
    council = await make_account("council")
    lights = await make_category(name="Street lights")
    case = (await make_concern(lights, public=True)).id
    await service.change_status(case, council, resolved())
    services = await client.get("/open311/v2/services.xml")
    assert services.status_code == 200 and services.headers["content-type"].startswith("text/xml")
    assert services.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = ElementTree.fromstring(services.content)
    assert root.tag == "services" and [c.tag for c in root] == ["service"]
    assert {c.tag for c in root[0]} == SERVICE_FIELDS and root[0].findtext("metadata") == "false"
    code = root[0].findtext("service_code")
    definition = ElementTree.fromstring((await client.get(f"/open311/v2/services/{code}.xml")).content)
    assert definition.tag == "service_definition" and definition.findtext("service_code") == code
    requests = ElementTree.fromstring((await client.get("/open311/v2/requests.xml")).content)
    assert requests.tag == "service_requests" and [c.tag for c in requests] == ["request"]
    request = requests[0]
    assert {c.tag for c in request} == REQUEST_FIELDS
    json_request = (await client.get(f"/open311/v2/requests/{case}.json")).json()[0]
    for field in REQUEST_FIELDS:
        value = json_request[field]
        assert request.findtext(field) == ("" if value is None else str(value)), field
    one = ElementTree.fromstring((await client.get(f"/open311/v2/requests/{case}.xml")).content)
    assert one.tag == "service_requests" and one[0].findtext("service_request_id") == str(case)
    discovery = ElementTree.fromstring((await client.get("/open311/v2/discovery.xml")).content)
    assert discovery.tag == "discovery" and discovery.find("endpoints/endpoint/formats/format") is not None
    error = await client.get("/open311/v2/requests/999.xml")
    assert error.status_code == 404
    errors = ElementTree.fromstring(error.content)
    assert errors.tag == "errors" and errors[0].tag == "error" and errors[0].findtext("code") == "404"
    assert (await client.get("/open311/v2/requests.csv")).status_code == 404
    refused = await client.post("/open311/v2/requests.xml", data={"service_code": code})
    assert refused.status_code == 403 and ElementTree.fromstring(refused.content)[0].findtext("code") == "403"
