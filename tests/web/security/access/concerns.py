"""Who may reach each route of the concerns domain: its part of the access matrix."""

from __future__ import annotations

from typing import Any

from web.security.access_matrix import (
    ALLOW,
    COUNCIL,
    DENY,
    PUBLIC,
    SIGNED_IN,
    SIGNIN,
    Access,
    World,
    access,
)


async def public_case(world: World, role: str) -> dict[str, Any]:
    """An anonymous report of a public category, resolved (so a reporter could dispute it)."""
    from factories.concerns import make_concern

    return {"case_id": (await make_concern(neighborhood_id=world.neighborhood_id)).id}


async def own_case(world: World, role: str) -> dict[str, Any]:
    """A case whoever asks reported with their account, name hidden (the resident's for anonymous requests)."""
    from factories.concerns import make_concern

    reporter = world.someone(role)
    return {"case_id": (await make_concern(account_id=reporter.id, identity="private",
                                           neighborhood_id=world.neighborhood_id)).id}


async def handled_case(world: World, role: str) -> dict[str, Any]:
    """A case the asking role would handle: routed to the oversight body for its members, to the
    council's team for everyone else."""
    from factories.concerns import make_category, make_concern

    category = await make_category(oversight=role == "oversight")
    return {"case_id": (await make_concern(category, neighborhood_id=world.neighborhood_id)).id}


async def public_photo(world: World, role: str) -> dict[str, Any]:
    """A published photo of a public case, stored where the app under test keeps uploads."""
    from pathlib import Path

    from factories.concerns import make_concern

    from concerns.tables import Concern
    from server import photos

    settings = world.extra["app"].state.settings
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    name = photos.store_photo(Path(settings.var_dir) / "uploads" / "concerns", png, "image/png")
    case = (await make_concern(neighborhood_id=world.neighborhood_id)).id
    await Concern.update({Concern.photo_name: name, Concern.photo_public: True}).where(Concern.id == case)
    return {"case_id": case, "name": name}


async def a_category(world: World, role: str) -> dict[str, Any]:
    from factories.concerns import make_category

    return {"category_id": await make_category()}


async def a_key(world: World, role: str) -> dict[str, Any]:
    from concerns import open311
    from concerns.tables import Open311Key

    council = world.accounts["council"]
    assert council is not None
    await open311.issue_key("Matrix app", council.id)
    return {"key_id": (await Open311Key.select(Open311Key.id).order_by(Open311Key.id, ascending=False).first())["id"]}


async def service_code(world: World, role: str) -> dict[str, Any]:
    from factories.concerns import make_category

    from concerns import service

    category = await service.get_category(await make_category())
    assert category is not None
    return {"service_code": f"{category.code}.json"}


async def requests_resource(world: World, role: str) -> dict[str, Any]:
    return {"resource": "requests.json"}


async def request_id(world: World, role: str) -> dict[str, Any]:
    return {"request_id": f"{(await public_case(world, role))['case_id']}.json"}


# Council staff and oversight members handle cases (each only their own body's: see handled_case).
CASEWORK = access(SIGNIN, DENY, DENY, ALLOW, oversight=ALLOW, params=handled_case)
# Staff intake: council staff, and partners submitting on someone's behalf.
INTAKE = access(SIGNIN, DENY, DENY, ALLOW, partner=ALLOW)

ENTRIES: dict[tuple[str, str], Access] = {
    ("GET", "/concerns"): PUBLIC,
    ("GET", "/concerns/new"): PUBLIC,
    ("POST", "/concerns/new"): SIGNED_IN,
    ("POST", "/concerns/new/anonymous"): PUBLIC,
    ("GET", "/concerns/followup"): PUBLIC,
    ("POST", "/concerns/followup"): PUBLIC,
    ("GET", "/concerns/mine"): SIGNED_IN,
    ("GET", "/concerns/{case_id:int}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=public_case),
    ("GET", "/concerns/{case_id:int}/photo/{name:str}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=public_photo),
    ("POST", "/concerns/{case_id:int}/info"): access(SIGNIN, ALLOW, ALLOW, ALLOW, params=own_case),
    ("POST", "/concerns/{case_id:int}/dispute"): access(SIGNIN, ALLOW, ALLOW, ALLOW, params=own_case,
                                                        note="an open case: refused with a message"),
    ("POST", "/concerns/{case_id:int}/confirm"): access(SIGNIN, ALLOW, ALLOW, ALLOW, params=own_case,
                                                        note="an open case: refused with a message"),
    ("POST", "/concerns/{case_id:int}/follow"): access(SIGNIN, ALLOW, ALLOW, ALLOW, params=public_case),
    ("POST", "/concerns/{case_id:int}/proposal"): access(SIGNIN, ALLOW, ALLOW, ALLOW, blocked=DENY,
                                                         params=own_case,
                                                         note="no cycle collects ideas: refused with a message"),
    ("GET", "/concerns/cases"): access(SIGNIN, DENY, DENY, ALLOW, oversight=ALLOW),
    ("GET", "/concerns/cases/{case_id:int}"): CASEWORK,
    ("POST", "/concerns/cases/{case_id:int}/status"): CASEWORK,
    ("POST", "/concerns/cases/{case_id:int}/note"): CASEWORK,
    ("POST", "/concerns/cases/{case_id:int}/assign"): CASEWORK,
    ("POST", "/concerns/cases/{case_id:int}/question"): CASEWORK,
    ("POST", "/concerns/cases/{case_id:int}/publish"): CASEWORK,
    ("POST", "/concerns/cases/{case_id:int}/links"): CASEWORK,
    ("GET", "/concerns/intake"): INTAKE,
    ("POST", "/concerns/intake"): INTAKE,
    ("GET", "/council/concerns"): COUNCIL,
    ("POST", "/council/concerns/categories"): COUNCIL,
    ("POST", "/council/concerns/categories/{category_id:int}"): access(SIGNIN, DENY, DENY, ALLOW, params=a_category),
    ("POST", "/council/concerns/keys"): COUNCIL,
    ("POST", "/council/concerns/keys/{key_id:int}/revoke"): access(SIGNIN, DENY, DENY, ALLOW, params=a_key),
    # Open311: read by anyone; POST only with an API key the council issued (none is sent here), in
    # place of a session and a CSRF token.
    # discovery, services and requests, as .json or .xml
    ("GET", "/open311/v2/{resource:str}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=requests_resource),
    ("GET", "/open311/v2/services/{service_code:str}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=service_code),
    ("GET", "/open311/v2/requests/{request_id:str}"): access(ALLOW, ALLOW, ALLOW, ALLOW, params=request_id),
    ("POST", "/open311/v2/{resource:str}"): access(DENY, DENY, DENY, DENY, api_key=True, params=requests_resource,
                                                   note="403 in Open311's error format without an api_key"),
}
