"""Every text field people fill in, and every page that shows what they typed: the XSS tests
(tests/web/security/test_xss.py over HTTP, tests/browser/test_xss_browser.py in Chromium) submit each
payload below into each field and check every listed page renders it inert and verbatim.

Adding a domain? Add one XssField per free-text field (titles, summaries, comments, Markdown
descriptions, names), listing every page type that shows the value (lists, detail pages, home
sections, notifications, emails-as-pages). `setup` creates what the form needs (returns values for the
{placeholders} in `form_url` and `pages`); `form` returns the other fields of a valid submission."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from support import PASSWORD

from server import clock

# Each payload would set window.__xss = 1 if it ever ran (the browser test checks exactly that).
PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '"><svg onload=window.__xss=1>',
    "'><svg/onload=window.__xss=1>",
    "javascript:window.__xss=1",
    '<a href="javascript:window.__xss=1">look</a>',
    "</textarea></title><script>window.__xss=1</script>",
    "{{7*7}} {{ config }} ${7*7} #{7*7}",
    '<p hx-get="/signout" hx-trigger="load" hx-on::load="window.__xss=1">x</p>',
]

_unique = itertools.count(1)

Setup = Callable[[], Awaitable[dict[str, Any]]]
FormFactory = Callable[[dict[str, Any]], dict[str, str]]


async def _nothing() -> dict[str, Any]:
    return {}


async def _a_neighborhood() -> dict[str, Any]:
    from support import make_neighborhood

    return {"neighborhood_id": await make_neighborhood(f"Plain {next(_unique)}")}


def _sign_up_form(ctx: dict[str, Any]) -> dict[str, str]:
    return {"email": f"xss{next(_unique)}@example.org", "password": PASSWORD, "password_confirm": PASSWORD,
            "neighborhood_id": str(ctx["neighborhood_id"]), "birth_year": "1990"}


@dataclass(frozen=True)
class XssField:
    name: str
    submitter: str  # "anonymous" or a role; the page checks use the same client afterwards
    form_url: str  # may hold {placeholders} from setup
    field: str
    pages: list[str]  # paths (with {placeholders}) that show the value to the submitter's client
    public_pages: list[str] = field(default_factory=list)  # the same, for a signed-out visitor
    setup: Setup = _nothing
    form: FormFactory = lambda ctx: {}
    # Only the re-rendered form is checked: the field never holds free text once valid (e.g. emails).
    echo_only: bool = False
    # Markdown fields: *…* becomes emphasis, so "as typed" is checked ignoring the asterisks (the
    # active-content check is the same as for every field).
    markdown: bool = False
    # Longer payloads are cut to the field's limit for the successful submission (still dangerous
    # markup); the error test sends them whole.
    max_length: int | None = None
    pad: int = 200  # how far the error test pads the payload to pass the field's length limit


async def _indicator_slug() -> dict[str, Any]:
    return {"slug": f"xss-indicator-{next(_unique)}"}


async def _an_indicator() -> dict[str, Any]:
    from factories.indicators import make_indicator

    return {"slug": await make_indicator(f"xss-indicator-{next(_unique)}")}


async def _draft_survey() -> dict[str, Any]:
    from factories.indicators import make_survey

    return {"survey_id": await make_survey(publish=False)}


def _survey_dates() -> dict[str, str]:
    import datetime as dt

    now = clock.now()
    return {"opens_at": (now + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + dt.timedelta(days=9)).strftime("%Y-%m-%dT%H:%M")}


FIELDS: list[XssField] = [
    XssField("sign-up display name", "anonymous", "/signup", "display_name",
             pages=["/", "/account", "/notifications"], setup=_a_neighborhood, form=_sign_up_form),
    XssField("new neighborhood name", "council", "/council/neighborhoods/", "name",
             pages=["/council/neighborhoods/"], public_pages=["/signup", "/"]),
    XssField("renamed neighborhood", "council", "/council/neighborhoods/{neighborhood_id}/rename", "name",
             pages=["/council/neighborhoods/", "/?neighborhood={neighborhood_id}"],
             public_pages=["/signup", "/", "/?neighborhood={neighborhood_id}"], setup=_a_neighborhood),
    XssField("forgotten-password email", "anonymous", "/password/forgot", "email", pages=[], echo_only=True),
]


# ---------------------------------------------------------------- setups for the domains
# Pages may name {location}: the path the successful submission redirected to (e.g. the new proposal).

async def _ideas_cycle() -> dict[str, Any]:
    from factories.proposals import make_cycle

    return {"cycle_id": await make_cycle("ideas", name=f"Ideas {next(_unique)}")}


def _proposal_form(ctx: dict[str, Any]) -> dict[str, str]:
    return {"cycle": str(ctx["cycle_id"]), "title": "Brighter lamps", "summary": "Replace the broken lamps.",
            "description": "The path is dark after 5pm in winter. Twelve lamps are out.",
            "category": "street_lighting", "estimated_cost": "42000", "location": "River path",
            "co_authors": ""}


async def _author() -> Any:
    from support import make_account

    return await make_account("resident", neighborhood_id=(await _a_neighborhood())["neighborhood_id"])


async def _proposal(phase: str = "ideas") -> dict[str, Any]:
    from factories.proposals import make_cycle, make_proposal, move_to_phase

    cycle = await make_cycle("ideas", name=f"Cycle {next(_unique)}")
    proposal_id = await make_proposal(await _author(), cycle)
    if phase != "ideas":
        await move_to_phase(cycle, phase)
    return {"proposal_id": proposal_id, "cycle_id": cycle}


async def _proposal_in_ideas() -> dict[str, Any]:
    return await _proposal()


async def _proposal_in_review() -> dict[str, Any]:
    return await _proposal("review")


async def _draft() -> dict[str, Any]:
    """A published draft open for comments, and a working copy for the editor."""
    from factories.drafts import published_draft
    from support import make_account

    from proposals.drafts import service

    council = await make_account("council")
    draft_id, [key] = await published_draft(council.id, [("Response times", "Answer within ten days.")],
                                            title=f"Complaints {next(_unique)}")
    await service.start_new_version(council.id, draft_id)
    return {"draft_id": draft_id, "key": key}


async def _closed_ballot() -> dict[str, Any]:
    import datetime as dt

    from factories.ballots import make_voting_cycle, settings_for
    from factories.proposals import make_proposals
    from support import make_account

    from ballots import service
    from ballots.counting import service as counting

    now = dt.datetime.now(dt.UTC)
    opens, closes = now - dt.timedelta(days=8), now - dt.timedelta(days=1)
    council = await make_account("council")
    cycle = await make_voting_cycle(f"Ballot cycle {next(_unique)}", opens=opens, closes=closes, days=10)
    proposals = await make_proposals(cycle, council.neighborhood_id, council.id, [40_000, 30_000])
    ballot_id = await service.create_ballot(settings_for(cycle, None, proposals, opens=opens, closes=closes),
                                            council.id)
    run = await counting.count_ballot(ballot_id)
    return {"ballot_id": ballot_id, "count_run_id": run.id, "council_id": council.id}


async def _published_ballot() -> dict[str, Any]:
    from ballots.results import service

    ctx = await _closed_ballot()
    await service.publish(ctx["ballot_id"], ctx["count_run_id"], "First count.", ctx["council_id"])
    return ctx


async def _ballot_cycle() -> dict[str, Any]:
    from factories.proposals import make_cycle, make_proposals
    from support import make_account

    council = await make_account("council")
    cycle = await make_cycle("voting", name=f"Ballot cycle {next(_unique)}")
    proposals = await make_proposals(cycle, council.neighborhood_id, council.id, [40_000, 30_000])
    return {"cycle_id": cycle, "proposals": proposals}


def _ballot_form(ctx: dict[str, Any]) -> dict[str, Any]:
    import datetime as dt

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, second=0, microsecond=0)
    return {"title": "Riverside fund", "explanation": "Rank up to two projects.", "cycle_id": str(ctx["cycle_id"]),
            "fund": "city", "budget": "100000", "max_ranks": "2", "min_ranks": "1", "rule": "mes",
            "opens_at": (now + dt.timedelta(days=1)).isoformat(), "closes_at": (now + dt.timedelta(days=8)).isoformat(),
            "candidates": [str(p) for p in ctx["proposals"]]}


async def _open_ballot() -> dict[str, Any]:
    from factories.ballots import settings_for
    from factories.proposals import make_cycle, make_proposals
    from support import make_account

    from ballots import service

    council = await make_account("council")
    cycle = await make_cycle("voting", name=f"Ballot cycle {next(_unique)}")
    proposals = await make_proposals(cycle, council.neighborhood_id, council.id, [40_000, 30_000])
    ballot_id = await service.create_ballot(settings_for(cycle, None, proposals), council.id)
    return {"ballot_id": ballot_id, "proposals": proposals}


async def _delivery_item() -> dict[str, Any]:
    from factories.proposals import make_cycle, make_proposals
    from support import make_account

    from delivery.service import create_delivery_items

    council = await make_account("council")
    cycle = await make_cycle("voting", name=f"Delivery cycle {next(_unique)}")
    [proposal] = await make_proposals(cycle, council.neighborhood_id, council.id, [10_000])
    return {"item_id": (await create_delivery_items(None, [(proposal, 10_000)]))[0]}


async def _upcoming_meeting() -> dict[str, Any]:
    from factories.assemblies import make_meeting

    return {"meeting_id": await make_meeting(f"Assembly {next(_unique)}")}


async def _started_meeting() -> dict[str, Any]:
    from factories.assemblies import make_meeting

    return {"meeting_id": await make_meeting(f"Assembly {next(_unique)}", starts=clock.now())}


async def _assembly_body() -> dict[str, Any]:
    from factories.assemblies import make_body

    return {"body_id": await make_body(f"Board {next(_unique)}")}


async def _assembly_commitment() -> dict[str, Any]:
    from factories.assemblies import make_commitment

    return {"commitment_id": await make_commitment(f"Promise {next(_unique)}")}


def _meeting_form(ctx: dict[str, Any]) -> dict[str, str]:
    import datetime as dt

    start = clock.to_local(clock.now() + dt.timedelta(days=10)).replace(tzinfo=None)
    return {"title": "Spring assembly", "kind": "assembly", "mode": "in_person", "address": "Community Hall",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")}


def _commitment_form(ctx: dict[str, Any]) -> dict[str, str]:
    return {"title": "Fix the lamps", "owner": "Street Lighting Team", "promised_date": "2031-01-01"}


async def _comment_to_report() -> dict[str, Any]:
    from proposals.threads.tables import Comment

    ctx = await _proposal()
    rows = await Comment.insert(Comment(target_kind="proposal", target_id=ctx["proposal_id"],
                                        author=(await _author()).id, body="A rude comment.")).returning(Comment.id)
    return {**ctx, "comment_id": rows[0]["id"]}


def _comment_dates() -> dict[str, str]:
    import datetime as dt

    today = clock.today()
    return {"comment_opens": today.isoformat(), "comment_closes": (today + dt.timedelta(days=14)).isoformat()}


async def _upcoming_ballot() -> dict[str, Any]:
    """A ballot that opens tomorrow (so it can still be edited), with its cycle's two candidates."""
    import datetime as dt

    from factories.ballots import settings_for
    from support import make_account

    from ballots import service

    ctx = await _ballot_cycle()
    council = await make_account("council")
    now = dt.datetime.now(dt.UTC)
    ballot_id = await service.create_ballot(settings_for(
        ctx["cycle_id"], None, ctx["proposals"], opens=now + dt.timedelta(days=1), closes=now + dt.timedelta(days=8),
        max_ranks=2), council.id)
    return {**ctx, "ballot_id": ballot_id}


def _cycle_dates() -> dict[str, str]:
    from factories.proposals import dates_for_phase

    return {name: value.isoformat() for name, value in dates_for_phase("ideas").items()}


FIELDS += [
    # proposals
    *[XssField(f"proposal {name}", "resident", "/proposals/new", name, pages=["{location}", "{location}/edit"],
               public_pages=["{location}"] if name != "location" else [], setup=_ideas_cycle, form=_proposal_form,
               markdown=name == "description")
      for name in ("title", "summary", "description", "location")],
    XssField("proposal title in lists", "resident", "/proposals/new", "title", pages=["/proposals"],
             public_pages=["/proposals"], setup=_ideas_cycle, form=_proposal_form),
    XssField("proposal co-author emails", "resident", "/proposals/new", "co_authors", pages=[],
             setup=_ideas_cycle, form=_proposal_form, echo_only=True),
    XssField("review reason", "council", "/council/review/{proposal_id}", "reason",
             pages=["/proposals/{proposal_id}", "/council/review/{proposal_id}"],
             public_pages=["/proposals/{proposal_id}"], setup=_proposal_in_review,
             form=lambda ctx: {"decision": "not_feasible"}),
    # threads
    XssField("comment on a proposal", "resident", "/threads/proposal/{proposal_id}/comments", "body",
             pages=["/proposals/{proposal_id}", "/threads/proposal/{proposal_id}"],
             public_pages=["/proposals/{proposal_id}", "/threads/proposal/{proposal_id}"], setup=_proposal_in_ideas,
             markdown=True, pad=5001),
    XssField("comment on a draft section", "resident", "/threads/draft_section/{key}/comments", "body",
             pages=["/drafts/{draft_id}", "/threads/draft_section/{key}"], public_pages=["/drafts/{draft_id}"],
             setup=_draft, form=lambda ctx: {"stance": "supports"}, markdown=True, pad=5001),
    # drafts
    *[XssField(f"amendment {name}", "resident", "/drafts/{draft_id}/sections/{key}/amendments", name,
               pages=["/drafts/{draft_id}"], public_pages=["/drafts/{draft_id}"], setup=_draft,
               form=lambda ctx: {"text": "Answer within five days.", "reason": "Ten days is too long."},
               markdown=True)
      for name in ("text", "reason")],
    XssField("draft title", "council", "/drafts", "title", pages=["{location}", "/drafts"],
             form=lambda ctx: {"summary": "How complaints are answered."}),
    *[XssField(f"draft section {name}", "council", "/drafts/{draft_id}/sections", name,
               pages=["/drafts/{draft_id}/edit"], setup=_draft,
               form=lambda ctx: {"heading": "Appeals", "body": "Anyone may appeal."}, markdown=name == "body")
      for name in ("heading", "body")],
    XssField("draft changelog", "council", "/drafts/{draft_id}/publish", "changelog",
             pages=["/drafts/{draft_id}/versions/2"], public_pages=["/drafts/{draft_id}/versions/2"], setup=_draft,
             form=lambda ctx: _comment_dates(), markdown=True),
    # moderation
    XssField("moderation action note", "moderator", "/moderation/act", "note", pages=["/moderation/log"],
             setup=_comment_to_report, form=lambda ctx: {"kind": "comment", "id": str(ctx["comment_id"]),
                                                          "action": "hide", "category": "spam"}),
    # ballots
    XssField("new ballot title", "council", "/council/ballots/new", "title", pages=["{location}", "/council/ballots"],
             setup=_ballot_cycle, form=_ballot_form),
    *[XssField(f"ballot {name}", "council", "/council/ballots/{ballot_id}/edit", name,
               pages=["/ballots/{ballot_id}", "/council/ballots/{ballot_id}/edit"],
               public_pages=["/ballots/{ballot_id}"], setup=_upcoming_ballot, form=_ballot_form,
               markdown=name == "explanation")
      for name in ("title", "explanation")],
    XssField("paper sheet reference", "council", "/council/ballots/{ballot_id}/paper", "sheet_ref",
             pages=["/council/ballots/{ballot_id}/paper"], setup=_open_ballot,
             form=lambda ctx: {"rank_1": str(ctx["proposals"][0])}, max_length=40),
    # results
    XssField("results statement", "council", "/council/ballots/{ballot_id}/publish", "statement",
             pages=["/ballots/{ballot_id}/results"], public_pages=["/ballots/{ballot_id}/results"],
             setup=_closed_ballot, form=lambda ctx: {"count_run_id": str(ctx["count_run_id"])}, markdown=True),
    XssField("results correction reason", "council", "/council/ballots/{ballot_id}/publish", "correction_reason",
             pages=["/ballots/{ballot_id}/results"], public_pages=["/ballots/{ballot_id}/results"],
             setup=_published_ballot,
             form=lambda ctx: {"count_run_id": str(ctx["count_run_id"]), "statement": "Corrected count."},
             markdown=True),
    # delivery
    XssField("delivery update", "council", "/council/delivery/{item_id}/progress", "body",
             pages=["/delivery/{item_id}", "/council/delivery/{item_id}"],
             public_pages=["/delivery/{item_id}", "/feeds/delivery.atom"], setup=_delivery_item,
             form=lambda ctx: {"status": "in_progress", "percent_complete": "10", "spent": "100"}, markdown=True),
    XssField("delivery milestone name", "council", "/council/delivery/{item_id}/milestones", "name",
             pages=["/delivery/{item_id}", "/council/delivery/{item_id}"], public_pages=["/delivery/{item_id}"],
             setup=_delivery_item, form=lambda ctx: {"planned_date": "2030-01-01"}),
    # assemblies
    XssField("meeting title", "council", "/meetings/new", "title", pages=["{location}", "/meetings"],
             public_pages=["/meetings"], form=_meeting_form),
    XssField("meeting description", "council", "/meetings/new", "description", pages=["{location}"],
             public_pages=[], form=_meeting_form, markdown=True, pad=10000),
    XssField("meeting address", "council", "/meetings/new", "address", pages=["{location}", "/meetings"],
             public_pages=["/meetings"], form=_meeting_form, pad=300),
    XssField("meeting interpretation", "council", "/meetings/new", "interpretation", pages=["{location}"],
             public_pages=["/meetings"], form=_meeting_form, pad=300),
    XssField("agenda item", "council", "/meetings/{meeting_id}/agenda", "item_title",
             pages=["/meetings/{meeting_id}/manage", "/meetings/{meeting_id}"], public_pages=["/meetings/{meeting_id}"],
             setup=_upcoming_meeting, pad=300),
    XssField("agenda notes", "council", "/meetings/{meeting_id}/agenda", "notes",
             pages=["/meetings/{meeting_id}"], public_pages=["/meetings/{meeting_id}"], setup=_upcoming_meeting,
             form=lambda ctx: {"item_title": "Welcome"}, markdown=True, pad=5000),
    XssField("cancellation reason", "council", "/meetings/{meeting_id}/cancel", "reason",
             pages=["/meetings/{meeting_id}"], public_pages=["/meetings/{meeting_id}"], setup=_upcoming_meeting,
             pad=2000),
    XssField("minutes summary", "council", "/meetings/{meeting_id}/minutes", "summary",
             pages=["/meetings/{meeting_id}"], public_pages=["/meetings/{meeting_id}"], setup=_started_meeting,
             form=lambda ctx: {"attendance": "12"}, markdown=True),
    XssField("minutes recommendations", "council", "/meetings/{meeting_id}/minutes", "recommendations",
             pages=["/meetings/{meeting_id}"], public_pages=["/meetings/{meeting_id}"], setup=_started_meeting,
             form=lambda ctx: {"attendance": "12", "summary": "Twelve residents came."}, markdown=True),
    XssField("board name", "council", "/council/boards", "name", pages=["{location}", "/council/boards"],
             public_pages=["/boards"], form=lambda ctx: {"kind": "board", "purpose": "Street safety together.",
                                                         "start_date": "2026-01-01"}),
    XssField("board purpose", "council", "/council/boards", "purpose", pages=["/boards"],
             public_pages=["/boards"], form=lambda ctx: {"name": "Safety board", "kind": "board",
                                                         "start_date": "2026-01-01"}),
    XssField("board member name", "council", "/council/boards/{body_id}/members", "person_name",
             pages=["/council/boards/{body_id}"], public_pages=["/boards/{body_id}"], setup=_assembly_body,
             form=lambda ctx: {"role": "member", "term_start": "2026-01-01"}),
    XssField("commitment title", "council", "/council/commitments/new", "title", pages=["{location}"],
             public_pages=["{location}", "/commitments"], form=_commitment_form),
    XssField("commitment owner", "council", "/council/commitments/new", "owner", pages=["{location}"],
             public_pages=["{location}", "/commitments"], form=_commitment_form),
    XssField("commitment description", "council", "/council/commitments/new", "description", pages=["{location}"],
             public_pages=["{location}"], form=_commitment_form, markdown=True, pad=10000),
    XssField("commitment update", "council", "/council/commitments/{commitment_id}/report", "body",
             pages=["/commitments/{commitment_id}", "/council/commitments/{commitment_id}"],
             public_pages=["/commitments/{commitment_id}"], setup=_assembly_commitment,
             form=lambda ctx: {"status": "in_progress"}, markdown=True),
    XssField("commitment revision reason", "council", "/council/commitments/{commitment_id}/revise", "reason",
             pages=["/commitments/{commitment_id}"], public_pages=["/commitments/{commitment_id}"],
             setup=_assembly_commitment, form=lambda ctx: {"due_date": "2032-02-02"}, markdown=True, pad=5000),
    # indicators and surveys
    *[XssField(f"indicator {name}", "council", "/council/indicators/", name,
               pages=["/council/indicators/{slug}", "/indicators/{slug}"],
               public_pages=["/indicators/{slug}", *(["/indicators"] if name == "name_en" else [])],
               setup=_indicator_slug,
               form=lambda ctx, name=name: {"slug": ctx["slug"], "unit": "days",
                                            **({} if name == "name_en" else {"name_en": "Response time"})})
      for name in ("name_en", "description_en", "method_notes")],
    XssField("series break note", "council", "/council/indicators/{slug}/breaks", "note_en",
             pages=["/council/indicators/{slug}", "/indicators/{slug}"], public_pages=["/indicators/{slug}"],
             setup=_an_indicator, form=lambda ctx: {"period": "2025"}, pad=600),
    XssField("survey title", "council", "/council/surveys/", "title_en", pages=["{location}", "/council/surveys"],
             form=lambda ctx: _survey_dates()),
    XssField("survey question", "council", "/council/surveys/{survey_id}/questions", "text_en",
             pages=["/council/surveys/{survey_id}"], setup=_draft_survey,
             form=lambda ctx: {"kind": "single", "options_en": "Yes\nNo"}, pad=600),
    # cycles
    XssField("cycle name", "council", "/council/cycles", "name", pages=["/council/cycles", "/proposals"],
             public_pages=["/proposals", "/dashboard"], form=lambda ctx: _cycle_dates()),
]
