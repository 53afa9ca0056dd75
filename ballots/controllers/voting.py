"""Public ballot pages: the list, a ballot's page, voting (with an account or an access code),
review, casting, receipts and replacing a ballot. Thin: parse, call the service, render."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Response, Template

from ballots import batch_service, batches, booth_service, code_cookie, codes, service
from ballots.eligibility import Refusal, accepts_codes, verification_paths
from ballots.ranking import apply_operation, check_ranking, parse_ids
from ballots.schemas import BallotView
from server import forms
from server.i18n import gettext as _
from server.stores.ratelimit import RateLimiter
from server.throttle import Throttle, peek_together
from server.verification import paths
from server.web import client_id, is_htmx, see_other

NO_STORE = {"Cache-Control": "no-store"}
log = logging.getLogger("townsquare.ballots")


def path_text(refusal: Refusal, ballot: BallotView) -> str | None:
    """What a person lacks to vote on this ballot, and where to get it; None for other refusals."""
    if refusal is Refusal.UNCONFIRMED:
        return _("To vote, first confirm your e-mail address: open the link we sent you, or ask for a new one "
                 "on your account page.")
    if refusal is Refusal.CODES_ONLY:
        return _("This ballot is voted with access codes, not accounts. Council staff and partner organisations "
                 "hand them out at events; you need no papers.")
    if refusal is Refusal.NO_CODES:
        return _("This ballot does not take access codes: sign in with your account to vote.")
    if refusal is not Refusal.NOT_VERIFIED:
        return None
    ways = verification_paths(service.rules_of(ballot))
    parts = [_("This ballot is for verified residents.")]
    if paths.ROLL in ways:
        parts.append(_("If you are on the council's eligibility roll, match yourself on your account page."))
    if paths.IN_PERSON in ways:
        parts.append(_("Council staff and partner organisations can verify you in person, without keeping any "
                       "document number."))
    if paths.CODES in ways:
        parts.append(_("You can also vote with an access code handed out at events."))
    return " ".join(parts)


def refusal_text(refusal: Refusal, ballot: BallotView) -> str:
    if (text := path_text(refusal, ballot)) is not None:
        return text
    if refusal is Refusal.WRONG_NEIGHBORHOOD:
        return _("This ballot is for residents of %(name)s. Your account is registered in another neighborhood.",
                 name=ballot.neighborhood_name or "")
    return who_may_vote_text(ballot)


def who_may_vote_text(ballot: BallotView) -> str:
    """The ballot's age window in one sentence (empty without one)."""
    year = ballot.closes_at.year
    if ballot.age_min is not None and ballot.age_max is not None:
        return _("This ballot is for people aged %(low)s to %(high)s in %(year)s.", low=ballot.age_min,
                 high=ballot.age_max, year=year)
    if ballot.age_min is not None:
        return _("This ballot is for people who are %(low)s or older in %(year)s.", low=ballot.age_min, year=year)
    if ballot.age_max is not None:
        return _("This ballot is for people who are %(high)s or younger in %(year)s.", high=ballot.age_max,
                 year=year)
    return ""


async def already_voted(ballot: BallotView, voter: tuple[str, int] | None, status: int = 409) -> Template:
    """The page for someone whose ballot is recorded; it says so when they were checked in at a booth
    (their paper sheet is their vote), and why they cannot vote online."""
    on_paper = voter is not None and await booth_service.voted_on_paper(ballot.id, voter)
    return Template("ballots/already_voted.html", context={"ballot": ballot, "on_paper": on_paper},
                    status_code=status)


def code_session(request: Request[Any, Any, Any], ballot_id: int) -> dict[str, Any] | None:
    """The access code this browser votes with on `ballot_id` (ballots/code_cookie.py), if any."""
    state = request.scope.setdefault("state", {})
    if "ballot_code" not in state:
        state["ballot_code"] = code_cookie.verify(request.app.state.settings.secret_key,
                                                  request.cookies.get(code_cookie.NAME), time.time())
    binding: code_cookie.CodeBinding | None = state["ballot_code"]
    if binding is not None and binding.ballot == ballot_id:
        return {"ballot": binding.ballot, "code": binding.code, "band": binding.band}
    return None


class _CodeCookie(Cookie):
    """The code cookie, its Set-Cookie header written from one made by Litestar's Cookie: the same
    bytes without SimpleCookie and dataclasses.asdict on every response, which cost about 0.13 ms
    a cookie, set and cleared once per code voter's ballot (issue 21). A signed value (base64url
    and a dot) is never quoted; anything else goes Litestar's way."""

    def to_encoded_header(self) -> tuple[bytes, bytes]:
        if self.max_age == 0:  # cleared: its expiry is this second, so the header is kept for a second
            now, kind = int(time.time()), (self.key, self.path, self.domain)
            if (kept := _CLEARED.get(kind)) is None or kept[0] != now:
                kept = _CLEARED[kind] = (now, super().to_encoded_header())
            return kept[1]
        if self.expires is not None or not _PLAIN_VALUE.fullmatch(self.value or ""):
            return super().to_encoded_header()
        kind = (self.key, self.path, self.domain, self.max_age, self.httponly, self.samesite, self.secure)
        if (parts := _SET_HEADERS.get(kind)) is None:
            made = Cookie(key=self.key, value="VALUE", path=self.path, domain=self.domain, max_age=self.max_age,
                          httponly=self.httponly, samesite=self.samesite, secure=self.secure).to_encoded_header()[1]
            prefix = f"{self.key}=".encode()
            assert made.startswith(prefix + b"VALUE;")
            parts = _SET_HEADERS[kind] = (prefix, made[len(prefix) + 5:])
        return b"set-cookie", parts[0] + self.value.encode() + parts[1]  # type: ignore[union-attr]


_PLAIN_VALUE = re.compile(r"[A-Za-z0-9_.-]+")
_SET_HEADERS: dict[tuple[object, ...], tuple[bytes, bytes]] = {}
_CLEARED: dict[tuple[object, ...], tuple[int, tuple[bytes, bytes]]] = {}


def remember_code(request: Request[Any, Any, Any], response: Response[Any], ballot_id: int, code_id: int,
                  band: str) -> None:
    binding = code_cookie.CodeBinding(ballot_id, code_id, band, int(time.time()) + code_cookie.MAX_AGE)
    settings = request.app.state.settings
    response.set_cookie(_CodeCookie(key=code_cookie.NAME, value=code_cookie.sign(settings.secret_key, binding),
                                    max_age=code_cookie.MAX_AGE, httponly=True, samesite="lax",
                                    secure=settings.https))


def voter_of(request: Request[Any, Any, Any], ballot_id: int) -> tuple[str, int] | None:
    """The credential asking to vote or replace on `ballot_id`: the access code entered in this
    session for it, else the signed-in account."""
    code = code_session(request, ballot_id)
    if code is not None:
        return ("code", int(code["code"]))
    return ("account", request.user.id) if request.user is not None else None


def not_replaceable(request: Request[Any, Any, Any]) -> Redirect:
    flash(request, _("That receipt cannot be used to replace a ballot here. Changing a ballot needs its receipt "
                     "and the account or access code that cast it."), "error")
    return see_other("/ballots/receipt")


def clear_code_session(request: Request[Any, Any, Any], response: Response[Any]) -> Response[Any]:
    if code_cookie.NAME in request.cookies:
        response.set_cookie(_CodeCookie(key=code_cookie.NAME, path="/", expires=0, max_age=0))
    return response


async def load_ballot(ballot_id: int, cached: bool = False) -> BallotView:
    """`cached` on the voters' pages: an open ballot from a few seconds' cache (ballots/open_cache.py)."""
    ballot = await service.get_ballot(ballot_id, cached=cached)
    if ballot is None:
        raise NotFoundException()
    return ballot


class VoterStatus:
    """What the ballot page should offer the person looking at it."""

    def __init__(self, kind: str, message: str = "") -> None:
        self.kind = kind  # vote, voted, ineligible, sign_in, closed, upcoming
        self.message = message


async def voter_status(request: Request[Any, Any, Any], ballot: BallotView, check_voted: bool = True) -> VoterStatus:
    """`check_voted=False` where the service refuses a second ballot anyway (casting)."""
    if ballot.state == "upcoming":
        return VoterStatus("upcoming")
    if ballot.state == "closed":
        return VoterStatus("closed")
    if code_session(request, ballot.id):
        return VoterStatus("vote")
    user = request.user
    if user is None:
        return VoterStatus("sign_in")
    # The viewer was loaded for this request already: the standing needs no second query for it.
    standing = await service.voter_standing(ballot, user, check_voted=check_voted)
    if standing.kind == service.INELIGIBLE and standing.refusal is not None:
        return VoterStatus("ineligible", refusal_text(standing.refusal, ballot))
    if standing.kind == service.VOTED:
        return VoterStatus("voted")
    if standing.kind == service.NOT_OPEN:
        return VoterStatus("closed")
    return VoterStatus("vote")


def ranking_from_form(form: dict[str, list[str]]) -> tuple[list[int], bool]:
    """The ranking a form carries: the per-rank selects (rank_1, rank_2, …) when present, else the
    ordered hidden `rank` inputs of the button builder."""
    numbered = sorted((int(k[5:]), v[-1]) for k, v in form.items() if k.startswith("rank_") and k[5:].isdigit() and v)
    if numbered:
        return parse_ids(v for _, v in numbered)
    return parse_ids(form.get("rank", []))


def first(form: dict[str, list[str]], name: str) -> str:
    values = form.get(name) or [""]
    return values[-1]


def describe_step(ballot: BallotView, ranking: list[int], op: str, moved: int | None) -> tuple[str, str]:
    """What to announce to screen readers after a ranking step, and which button gets the focus
    next (the page marks it autofocus; htmx focuses it after the swap, browsers on page load)."""
    action, _sep, raw = op.partition(":")
    target = ballot.candidate(int(raw)) if raw.isdigit() else None
    if target is None:
        return "", ""
    pid = target.proposal_id
    if moved is None:
        if action == "up":
            return _("%(title)s is already first.", title=target.title), f"up-{pid}"
        if action == "down":
            return _("%(title)s is already last.", title=target.title), f"down-{pid}"
        if action == "add":
            return _("Your ranking is full. Remove a project to add another."), "review-button"
        return "", ""
    if action == "remove":
        return _("%(title)s removed from your ranking.", title=target.title), f"add-{pid}"
    rank = ranking.index(pid) + 1
    announcement = _("%(title)s moved to rank %(n)s.", title=target.title, n=rank)
    if action == "add":
        order = [c.proposal_id for c in ballot.candidates]
        unranked = [p for p in order if p not in ranking]
        later = [p for p in unranked if order.index(p) > order.index(pid)] or unranked
        focus = f"add-{later[0]}" if later and len(ranking) < ballot.max_ranks else "review-button"
        return _("%(title)s added at rank %(n)s.", title=target.title, n=rank), focus
    return announcement, f"{action}-{pid}"


class BallotController(Controller):
    include_in_schema = False

    @get("/ballots", name="ballots.list")
    async def list_page(self, request: Request[Any, Any, Any]) -> Template:
        hood = request.user.neighborhood_id if request.user else None
        ballots = await service.list_ballots(hood)
        cycle = request.query_params.get("cycle", "")
        if cycle.isdigit():  # the dashboard links to one budget cycle's votes
            ballots = [b for b in ballots if b.cycle_id == int(cycle)]
        return Template("ballots/list.html", context={
            "cycle_filter": next((b.cycle_name for b in ballots), "") if cycle.isdigit() else None,
            "groups": [(state, [b for b in ballots if b.state == state]) for state in ("open", "upcoming", "closed")],
        })

    @get("/ballots/{ballot_id:int}", name="ballots.detail")
    async def detail(self, request: Request[Any, Any, Any], ballot_id: FromPath[int]) -> Template:
        ballot = await load_ballot(ballot_id, cached=True)
        from ballots.results.service import is_published  # results build on this module

        status = await voter_status(request, ballot)
        voter = voter_of(request, ballot_id)
        return Template("ballots/detail.html", context={
            "ballot": ballot, "status": status,
            "on_paper": status.kind == "voted" and voter is not None
            and await booth_service.voted_on_paper(ballot_id, voter),
            "code_events": await batch_service.public_record(ballot_id) if ballot.state != "upcoming" else [],
            "published": ballot.state == "closed" and await is_published(ballot_id),
            "turnout": await service.turnout(ballot_id),
        })

    @get("/ballots/{ballot_id:int}/turnout", name="server.small_groups")
    async def turnout(self, ballot_id: FromPath[int]) -> Template:
        """The turnout section alone, for the ballot page's periodic refresh."""
        ballot = await load_ballot(ballot_id, cached=True)
        return Template("ballots/_turnout.html",
                        context={"ballot": ballot, "turnout": await service.turnout(ballot_id)})

    async def _voting_context(self, request: Request[Any, Any, Any], ballot: BallotView,
                              receipt: str = "", check_voted: bool = True) -> Template | Redirect | None:
        """None when the person may vote on `ballot` now; else the page that says why not."""
        if receipt:
            if ballot.is_open and await service.receipt_belongs(ballot.id, receipt, voter_of(request, ballot.id)):
                return None
            return not_replaceable(request)
        status = await voter_status(request, ballot, check_voted)
        if status.kind == "vote":
            return None
        if status.kind == "sign_in":
            return see_other(f"/signin?next=/ballots/{ballot.id}/vote")
        if status.kind == "voted":
            return await already_voted(ballot, voter_of(request, ballot.id))
        if status.kind == "ineligible":
            return Template("ballots/not_eligible.html", context={"ballot": ballot, "message": status.message},
                            status_code=403)
        flash(request, _("Voting on this ballot is not open."), "error")
        return see_other(f"/ballots/{ballot.id}")

    async def _posted_step(self, request: Request[Any, Any, Any], ballot_id: int, check_voted: bool = True,
                           ) -> tuple[BallotView, dict[str, list[str]], str, Template | Redirect | None]:
        """The ballot, the posted form, its replacement receipt (if any), and None when this person may
        vote now, else the page that says why not. Every step of voting starts here."""
        ballot = await load_ballot(ballot_id, cached=True)
        form = await forms.read_form_lists(request)
        receipt = first(form, "receipt")
        return ballot, form, receipt, await self._voting_context(request, ballot, receipt, check_voted)

    def _vote_page(self, request: Request[Any, Any, Any], ballot: BallotView, ranking: list[int], *,
                   errors: list[str] | None = None, announcement: str = "", receipt: str = "",
                   status: int = 200, fragment: bool = False, focus_id: str = "") -> Template:
        # A ranking sent back with a duplicate-choice error lists each project once: a project twice
        # would give two sets of buttons one id.
        ranked = [c for pid in dict.fromkeys(ranking) if (c := ballot.candidate(pid)) is not None]
        context = {
            "ballot": ballot, "ranked": ranked, "unranked": [c for c in ballot.candidates if c not in ranked],
            "errors": errors or [], "announcement": announcement, "receipt": receipt,
            "is_fragment": fragment, "focus_id": focus_id, "via_code": code_session(request, ballot.id) is not None,
        }
        if fragment:
            return HTMXBlockTemplate(template_name="ballots/vote.html", block_names=["ranking", "status_oob"],
                                     context=context)
        return Template("ballots/vote.html", context=context, status_code=status, headers=NO_STORE)

    @get("/ballots/{ballot_id:int}/vote", name="ballots.vote")
    async def vote(self, request: Request[Any, Any, Any], ballot_id: FromPath[int]) -> Template | Redirect:
        ballot = await load_ballot(ballot_id, cached=True)
        refused = await self._voting_context(request, ballot)
        return refused or self._vote_page(request, ballot, [])

    @post("/ballots/{ballot_id:int}/vote", name="ballots.vote_edit")
    async def vote_edit(self, request: Request[Any, Any, Any], ballot_id: FromPath[int]) -> Template | Redirect:
        """One step of building the ranking (add, move up, move down, remove), or back from review."""
        ballot, form, receipt, refused = await self._posted_step(request, ballot_id)
        if refused is not None:
            return refused
        ranking, _bad = ranking_from_form(form)
        op = first(form, "op")
        ranking, moved = apply_operation(ranking, op, [c.proposal_id for c in ballot.candidates], ballot.max_ranks)
        announcement, focus = describe_step(ballot, ranking, op, moved)
        return self._vote_page(request, ballot, ranking, announcement=announcement, receipt=receipt, focus_id=focus,
                               fragment=is_htmx(request))

    @post("/ballots/{ballot_id:int}/review", name="ballots.review")
    async def review(self, request: Request[Any, Any, Any], ballot_id: FromPath[int]) -> Template | Redirect:
        ballot, form, receipt, refused = await self._posted_step(request, ballot_id)
        if refused is not None:
            return refused
        ranking, bad = ranking_from_form(form)
        errors = check_ranking(ranking, [c.proposal_id for c in ballot.candidates], ballot.min_ranks,
                               ballot.max_ranks, malformed=bad)
        if errors:
            return self._vote_page(request, ballot, ranking, errors=errors, receipt=receipt, status=400)
        return Template("ballots/review.html", headers=NO_STORE, context={
            "ballot": ballot, "ranked": [ballot.candidate(pid) for pid in ranking], "receipt": receipt,
        })

    @post("/ballots/{ballot_id:int}/cast", name="ballots.cast")
    async def cast(self, request: Request[Any, Any, Any], ballot_id: FromPath[int]) -> Template | Redirect:
        ballot, form, old_receipt, refused = await self._posted_step(request, ballot_id, check_voted=False)
        if refused is not None:
            return refused
        ranking, _bad = ranking_from_form(form)
        code = code_session(request, ballot_id)
        try:
            if old_receipt:
                receipt = await service.replace_ballot(ballot_id, old_receipt, ranking, voter_of(request, ballot_id))
            elif code is not None:
                receipt = await service.cast_with_code(ballot_id, int(code["code"]), ranking, str(code.get("band", "")))
            else:
                receipt = await service.cast_online(ballot_id, request.user.id, ranking)
        except service.InvalidRanking as exc:
            return self._vote_page(request, ballot, ranking, errors=exc.messages, receipt=old_receipt, status=400)
        except service.AlreadyVoted:
            return clear_code_session(request, await already_voted(ballot, voter_of(request, ballot_id)))
        except (service.UnknownReceipt, service.NotYourBallot):
            return not_replaceable(request)
        except (service.CodeVoided, service.CodeMisfit):
            flash(request, _("This access code no longer votes on this ballot: its batch was withdrawn or is for "
                             "another age group."), "error")
            return clear_code_session(request, see_other(f"/ballots/{ballot_id}"))
        except (service.NotOpen, service.Ineligible):
            flash(request, _("Voting on this ballot is not open."), "error")
            return see_other(f"/ballots/{ballot_id}")
        except Exception:
            # The ballot may have been stored before the failure (a connection lost after COMMIT):
            # then the voter must hear that it counts, never see an error (issue 21).
            if old_receipt or not await self._recorded(request, ballot_id, code):
                raise
            log.exception("ballot %s: the cast failed after the ballot was stored; told the voter it counts",
                          ballot_id)
            return clear_code_session(request, Template("ballots/already_voted.html", headers=NO_STORE,
                                                        context={"ballot": ballot}))
        return clear_code_session(request, Template(
            "ballots/receipt.html", headers=NO_STORE,
            context={"ballot": ballot, "receipt": receipt, "replaced": bool(old_receipt)}))

    @staticmethod
    async def _recorded(request: Request[Any, Any, Any], ballot_id: int, code: dict[str, Any] | None) -> bool:
        """Whether this voter's ballot is stored, asked again after a failed cast. If even that
        fails, False: the original error stands, and the voter's retry will say it counts."""
        try:
            if code is not None:
                return await service.code_used(ballot_id, int(code["code"]))
            return request.user is not None and await service.has_voted(ballot_id, request.user.id)
        except Exception:
            log.exception("ballot %s: could not check whether a failed cast was stored", ballot_id)
            return False

    @get("/ballots/receipt", name="ballots.receipt_form")
    async def receipt_form(self) -> Template:
        return Template("ballots/receipt_check.html", context={"form": {}, "errors": {}, "result": None},
                        headers=NO_STORE)

    @post("/ballots/receipt", name="ballots.receipt_check")
    async def receipt_check(self, request: Request[Any, Any, Any]) -> Template:
        # The receipt travels in a POST body, never a URL, so it stays out of logs and history.
        form = await forms.read_form(request)
        errors: forms.Errors = {}
        typed = forms.text(form, "receipt", errors, max_length=40)
        result = await service.lookup_receipt(typed) if not errors else None
        if not errors and result is None:
            errors["receipt"] = _("No ballot has this receipt. Check the code and try again: it has 16 letters "
                                  "and digits in four groups.")
        return Template("ballots/receipt_check.html", headers=NO_STORE,
                        context={"form": form, "errors": errors, "result": result},
                        status_code=400 if errors else 200)

    @post("/ballots/{ballot_id:int}/replace", name="ballots.replace")
    async def replace(self, request: Request[Any, Any, Any], ballot_id: FromPath[int]) -> Template | Redirect:
        ballot = await load_ballot(ballot_id, cached=True)
        form = await forms.read_form(request)
        receipt = form.get("receipt", "")
        if form.get("code", "").strip() and request.user is None:
            # A code voter proves it is their ballot with the code it was cast with (used, so it
            # cannot cast again); entry is limited like the code page's.
            address: Throttle = request.app.state.code_entry
            turn = await address.wait_turn(f"code:client:{client_id(request)}")
            match = await service.find_code(form["code"])
            if match is None or match.ballot_id != ballot_id:
                await address.failed(turn)
                return not_replaceable(request)
            # This request votes with the code from now on, and so do the next steps (the cookie).
            request.scope.setdefault("state", {})["ballot_code"] = code_cookie.CodeBinding(
                ballot_id, match.code_id, "", int(time.time()) + code_cookie.MAX_AGE)
        refused = await self._voting_context(request, ballot, receipt)
        if refused is not None:
            return refused
        current = await service.lookup_receipt(receipt)
        ranking = [c.proposal_id for c in current.ranking] if current else []
        page = self._vote_page(request, ballot, ranking, receipt=receipt)
        binding = code_session(request, ballot_id)
        if binding is not None and form.get("code", "").strip():
            remember_code(request, page, ballot_id, int(binding["code"]), "")
        return page

    @get("/vote", name="ballots.code_form")
    async def code_form(self) -> Template:
        return Template("ballots/code.html", context={"form": {}, "errors": {}})

    @post("/vote", name="ballots.code_enter")
    async def code_enter(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await forms.read_form(request)
        errors: forms.Errors = {}
        typed = forms.text(form, "code", errors, max_length=40)
        status = 400
        if errors:
            return Template("ballots/code.html", context={"form": form, "errors": errors}, status_code=status)
        # Per typed code a hard limit; per address no lockout, only a growing wait (server/throttle.py).
        per_code: RateLimiter = request.app.state.code_attempts
        code_bucket = "code:typed:" + batches.typed_code_key(request.app.state.settings.secret_key,
                                                             codes.normalize(typed))
        address: Throttle = request.app.state.code_entry
        client_bucket = f"code:client:{client_id(request)}"
        code_hits, client_hits = await peek_together((per_code, code_bucket), (address, client_bucket))
        if code_hits >= per_code.limit:
            errors["code"] = _("This code was tried too many times. Please wait ten minutes, or ask the person who "
                               "gave you the code for help.")
            return Template("ballots/code.html", context={"form": form, "errors": errors}, status_code=429)
        turn = await address.wait_turn(client_bucket, peeked=client_hits)
        match = await service.find_code(typed)
        if match is None:
            errors["code"] = _("This code is not valid for any open ballot. Check it and try again: it has "
                               "10 letters and digits, like ABCDE-FGH23.")
        elif match.used:
            # Also the retry of a voter whose receipt never arrived: say that the ballot counts.
            used_on = await load_ballot(match.ballot_id, cached=True)
            return await already_voted(used_on, ("code", match.code_id))
        else:
            ballot = await load_ballot(match.ballot_id, cached=True)
            try:
                if not accepts_codes(service.rules_of(ballot)):
                    raise service.Ineligible(Refusal.NO_CODES)
                # The code carries its batch's age window: nobody types a birth year.
                band = batch_service.code_band(ballot, match.batch_status, match.age_min, match.age_max)
            except service.Ineligible as exc:
                errors["code"] = refusal_text(exc.refusal, ballot)
            except service.CodeVoided:
                errors["code"] = _("This code was withdrawn: its batch was reported lost or stolen. Please ask "
                                   "the person who gave it to you for a new one.")
            except service.CodeMisfit:
                errors["code"] = _("This code was given out for an age group this ballot is not for. %(rule)s",
                                   rule=who_may_vote_text(ballot))
            else:
                response = see_other(f"/ballots/{match.ballot_id}/vote")
                remember_code(request, response, match.ballot_id, match.code_id, band)
                return response
        # Only failures count: a whole class may vote from one address.
        await address.failed(turn)
        await per_code.allow(code_bucket)
        if turn.waited:
            errors["code"] = errors["code"] + " " + _(
                "Many wrong codes were tried from this network recently, so each try takes a little longer. "
                "A valid code still works.")
        return Template("ballots/code.html", context={"form": form, "errors": errors}, status_code=status)
