"""Hidden means hidden: a private draft proposal and a hidden item of every kind, each carrying
marker text, and every GET route of the access matrix walked as every role (with the real ids of
those items filled in, as a page and as an htmx fragment, plus searches, exports and the API). A
marker on a response for a role that may not see it fails the test.

Who may see what (the rules live in each domain's service and are documented in ARCHITECTURE.md):
a private draft proposal: its author and co-authors; a hidden proposal: its authors and moderators
(council staff moderate too); a hidden comment or amendment: its author (told what was hidden) and
moderators; an unpublished draft procedure or working copy: council staff."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

import httpx
import pytest
from factories.drafts import published_draft
from factories.proposals import make_cycle, make_proposal, proposal_input
from litestar import Litestar
from support import make_account, make_neighborhood, sign_in
from web.security.access_matrix import MATRIX, World
from web.security.test_access_matrix import app_routes, fill_path

from delivery.service import create_delivery_items
from delivery.tables import DeliveryUpdate
from proposals import service as proposals
from proposals.drafts import service as drafts
from proposals.moderation import service as moderation
from proposals.schemas import ProposalFilters
from proposals.threads import service as threads
from server.mail import Mail
from server.notifications.emails import send_notification_emails

ROLES = ("anonymous", "author", "co_author", "resident", "other_resident", "moderator", "council")
MODERATORS = {"moderator", "council"}
PARAM = re.compile(r"\{(\w+)(?::[^}]*)?\}")


class Secret:
    """An item with marker text and the roles that may read it."""

    def __init__(self, name: str, allowed: set[str], markers: list[str]) -> None:
        self.name, self.allowed, self.markers = name, allowed, markers


async def build(app: Litestar) -> tuple[dict[str, Any], list[dict[str, Any]], list[str], list[Secret], World]:
    hood = await make_neighborhood("Marker Town")
    people: dict[str, Any] = {"anonymous": None}
    for role in ROLES[1:]:
        people[role] = await make_account("council" if role == "council" else
                                          "moderator" if role == "moderator" else "resident",
                                          neighborhood_id=hood)
    author, co_author, resident = people["author"], people["co_author"], people["resident"]
    moderator, council = people["moderator"], people["council"]
    cycle = await make_cycle("ideas", name="Marker cycle")

    # A private draft proposal, with a co-author.
    draft_pid = await make_proposal(author, cycle, submit=False, title="QQDRAFTTITLEQQ",
                                    summary="QQDRAFTSUMMARYQQ", description="QQDRAFTBODYQQ",
                                    location="QQDRAFTPLACEQQ", co_author_emails=(co_author.email,))
    # A proposal hidden by a moderator, edited once (so its revisions hold two texts), followed and
    # commented on by a resident, who got a reply notification naming it before it was hidden.
    hidden_pid = await make_proposal(author, cycle, title="QQOLDHIDDENTITLEQQ", summary="QQOLDHIDDENSUMMARYQQ")
    await proposals.update_proposal(hidden_pid, author.id, proposal_input(
        title="QQHIDDENTITLEQQ", summary="QQHIDDENSUMMARYQQ", description="QQHIDDENBODYQQ",
        location="QQHIDDENPLACEQQ"))
    await proposals.follow(hidden_pid, resident.id)
    residents_comment = await threads.post_comment("proposal", hidden_pid, resident.id, "Lights would help.",
                                                   stance="supports")
    await threads.post_comment("proposal", hidden_pid, author.id, "Thank you.", parent_id=residents_comment)
    await moderation.hide("proposal", hidden_pid, moderator.id, "spam", "Advertising.")
    # A visible proposal with a hidden comment.
    visible_pid = await make_proposal(author, cycle, title="An ordinary proposal")
    hidden_comment = await threads.post_comment("proposal", visible_pid, author.id, "QQHIDDENCOMMENTQQ",
                                                stance="neutral")
    await moderation.hide("comment", hidden_comment, moderator.id, "offensive", "Insults.")
    # A published draft procedure with a hidden amendment and a working copy holding a new section.
    pub_draft, [key] = await published_draft(council.id, [("Response times", "Answer within ten days.")])
    hidden_amendment = await drafts.propose_amendment(author.id, pub_draft, key, "QQHIDDENAMENDQQ",
                                                      "QQHIDDENREASONQQ")
    await moderation.hide("amendment", hidden_amendment, moderator.id, "off_topic", "Not about this section.")
    await drafts.start_new_version(council.id, pub_draft)
    working_key = await drafts.add_section(council.id, pub_draft, "QQWORKINGHEADINGQQ", "QQWORKINGBODYQQ")
    # A draft procedure never published.
    private_draft = await drafts.create_draft(council.id, "QQPRIVATEPROCEDUREQQ", "QQPRIVATESUMMARYQQ")
    private_key = await drafts.add_section(council.id, private_draft, "QQPRIVATESECTIONQQ", "QQPRIVATETEXTQQ")
    # A delivery update with a hidden comment.
    [item] = await create_delivery_items(None, [(visible_pid, 42000)])
    rows = await DeliveryUpdate.insert(DeliveryUpdate(item=item, author=council.id, body="Lamps ordered.")).returning(
        DeliveryUpdate.id)
    update_id = rows[0]["id"]
    update_comment = await threads.post_comment("delivery_update", update_id, resident.id, "QQHIDDENUPDATECOMMENTQQ")
    await moderation.hide("comment", update_comment, moderator.id, "personal_data", "A phone number.")

    secrets = [
        Secret("private draft proposal", {"author", "co_author"},
               ["QQDRAFTTITLEQQ", "QQDRAFTSUMMARYQQ", "QQDRAFTBODYQQ", "QQDRAFTPLACEQQ"]),
        Secret("hidden proposal", {"author"} | MODERATORS,
               ["QQHIDDENTITLEQQ", "QQHIDDENSUMMARYQQ", "QQHIDDENBODYQQ", "QQHIDDENPLACEQQ", "QQOLDHIDDENTITLEQQ",
                "QQOLDHIDDENSUMMARYQQ"]),
        # Authors are told what of theirs was hidden, in their own words.
        Secret("hidden comment", {"author"} | MODERATORS, ["QQHIDDENCOMMENTQQ"]),
        Secret("hidden amendment", {"author"} | MODERATORS, ["QQHIDDENAMENDQQ", "QQHIDDENREASONQQ"]),
        Secret("working copy of a draft procedure", {"council"}, ["QQWORKINGHEADINGQQ", "QQWORKINGBODYQQ"]),
        Secret("unpublished draft procedure", {"council"},
               ["QQPRIVATEPROCEDUREQQ", "QQPRIVATESUMMARYQQ", "QQPRIVATESECTIONQQ", "QQPRIVATETEXTQQ"]),
        Secret("hidden comment on a delivery update", {"resident"} | MODERATORS, ["QQHIDDENUPDATECOMMENTQQ"]),
    ]
    # Path parameters: every combination that points at a secret (ids of its page, its thread, its
    # comments); a route none of them fits gets its access-matrix factory's ids instead.
    base = {"cycle_id": cycle, "neighborhood_id": hood, "item_id": item}
    params = [
        {**base, "proposal_id": draft_pid, "kind": "proposal", "target_id": draft_pid},
        {**base, "proposal_id": hidden_pid, "kind": "proposal", "target_id": hidden_pid,
         "comment_id": residents_comment},
        {**base, "proposal_id": visible_pid, "kind": "proposal", "target_id": visible_pid,
         "comment_id": hidden_comment},
        {**base, "draft_id": pub_draft, "number": 1, "kind": "amendment", "target_id": hidden_amendment,
         "amendment_id": hidden_amendment, "key": key},
        {**base, "draft_id": pub_draft, "number": 2, "kind": "draft_section", "target_id": working_key,
         "key": working_key},
        {**base, "draft_id": private_draft, "number": 1, "kind": "draft_section", "target_id": private_key,
         "key": private_key},
        {**base, "kind": "delivery_update", "target_id": update_id, "comment_id": update_comment},
    ]
    report = "/moderation/report?kind={}&id={}"
    extra = [
        "/proposals?q=QQ", "/proposals?status=draft", f"/proposals?cycle={cycle}", "/proposals?sort=supported",
        f"/proposals?neighborhood={hood}", f"/api/v1/proposals?cycle={cycle}", "/api/v1/proposals?status=draft",
        "/api/v1/proposals?per_page=200", f"/council/review?cycle={cycle}",
        report.format("proposal", draft_pid), report.format("proposal", hidden_pid),
        report.format("comment", residents_comment), report.format("comment", hidden_comment),
        report.format("amendment", hidden_amendment), report.format("comment", update_comment),
        f"/threads/proposal/{hidden_pid}?reply_to={residents_comment}",
    ]
    world = World(accounts={"anonymous": None, "resident": resident, "moderator": moderator, "council": council},
                  neighborhood_id=hood)
    world.extra["app"] = app
    world.extra["author"] = author
    return people, params, extra, secrets, world


# What each role must find somewhere on the walk: proof that the walk reaches the pages where the
# markers are, so that their absence elsewhere means something.
MUST_SEE = {
    "author": {"private draft proposal", "hidden proposal", "hidden comment", "hidden amendment"},
    "co_author": {"private draft proposal"},
    "resident": {"hidden comment on a delivery update"},
    "moderator": {"hidden proposal"},
    "council": {"hidden proposal", "working copy of a draft procedure", "unpublished draft procedure"},
}


def seen(text: str, secrets: list[Secret]) -> set[str]:
    return {s.name for s in secrets if any(marker in text for marker in s.markers)}


def leaks(role: str, text: str, secrets: list[Secret]) -> list[str]:
    return [f"{s.name} ({marker})" for s in secrets if role not in s.allowed for marker in s.markers if marker in text]


async def paths_for(template: str, params: list[dict[str, Any]], world: World, role: str,
                    cache: dict[str, dict[str, Any]]) -> list[str]:
    names = set(PARAM.findall(template))
    if not names:
        return [template]
    fitting = [p for p in params if names <= set(p)]
    if fitting:
        return sorted({fill_path(template, p) for p in fitting})
    entry = MATRIX[("GET", template)]
    assert entry.params is not None, template
    if template not in cache:  # public objects made for the route: once for every role
        cache[template] = await entry.params(world, "resident" if role not in world.accounts else role)
    return [fill_path(template, cache[template])]


HTMX = {"HX-Request": "true", "HX-Target": "results", "HX-Current-URL": "http://testserver/"}


@pytest.mark.parametrize("role", ROLES)
async def test_no_role_sees_what_it_may_not(app: Litestar, client: httpx.AsyncClient, role: str) -> None:
    people, params, extra, secrets, world = await build(app)
    if people[role] is not None:
        await sign_in(client, people[role].email)
    cache: dict[str, dict[str, Any]] = {}
    paths: list[str] = []
    for method, template in app_routes(app):
        if method == "GET" and (method, template) in MATRIX:
            paths += await paths_for(template, params, world, role, cache)
    problems: list[str] = []
    found_somewhere: set[str] = set()
    checked = 0
    for path, headers in itertools.product([*paths, *extra], [{}, HTMX]):
        response = await client.get(path, headers=headers)
        checked += 1
        if response.status_code >= 500:
            problems.append(f"GET {path} {headers and '(htmx)'}: error {response.status_code}")
        text = response.text + response.headers.get("location", "")
        found_somewhere |= seen(text, secrets)
        if found := leaks(role, text, secrets):
            problems.append(f"GET {path}{' (htmx)' if headers else ''}: {', '.join(found)}")
    assert checked > 150
    assert not problems, f"{role} sees what it may not:\n  " + "\n  ".join(problems)
    assert MUST_SEE.get(role, set()) <= found_somewhere, f"{role} never reached {MUST_SEE[role] - found_somewhere}"


async def test_notification_emails_do_not_name_hidden_content(app: Litestar) -> None:
    people, _params, _extra, secrets, _world = await build(app)
    from server.accounts.tables import Account

    await Account.update({Account.email_notifications: True}).where(Account.id == people["resident"].id)
    outbox = Kept()
    sent = await send_notification_emails(outbox, "https://townsquare.example", now=dt.datetime.now(dt.UTC))
    assert sent == 1
    [mail] = outbox.mails
    assert "replied to your comment" in mail.body  # the notification is there, without what it named
    assert not leaks("resident", mail.subject + mail.body, secrets)


async def test_restoring_a_proposal_gives_notifications_their_title_back(app: Litestar,
                                                                         client: httpx.AsyncClient) -> None:
    people, _params, _extra, _secrets, _world = await build(app)
    await sign_in(client, people["resident"].email)
    assert "QQHIDDENTITLEQQ" not in (page := (await client.get("/notifications")).text)
    assert "Hidden proposal" in page
    hidden_pid = (await proposals.search_proposals(ProposalFilters(q="QQHIDDENTITLEQQ"), people["author"])).items[0].id
    await moderation.restore("proposal", hidden_pid, people["moderator"].id, "Not spam after all.")
    assert "QQHIDDENTITLEQQ" in (await client.get("/notifications")).text
    assert "QQHIDDENTITLEQQ" in (await client.get("/proposals?q=QQ")).text


class Kept:
    def __init__(self) -> None:
        self.mails: list[Mail] = []

    async def send(self, mail: Mail) -> None:
        self.mails.append(mail)
