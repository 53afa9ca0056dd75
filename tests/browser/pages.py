"""Every page type a person can reach, by who is looking: the accessibility and small-screen checks
(tests/browser/test_pages.py) run on each entry.

Extend this list as domains land: one entry per page TYPE (a list, a detail page, a form, an empty
state), for each role that sees it differently. `path` may be a callable taking the live server's
base URL and returning a path, for pages of objects that must be looked up or created first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

ROLES = ("anonymous", "resident", "moderator", "council")


@dataclass(frozen=True)
class PageCase:
    role: str  # one of ROLES ("anonymous" = signed out); signed-in roles use the demo accounts
    path: str | Callable[[str], str]
    status: int = 200
    locale: str = "en"  # "ar" checks the right-to-left layout too
    label: str = ""

    @property
    def id(self) -> str:
        where = self.label or (self.path if isinstance(self.path, str) else self.path.__name__)
        return f"{self.role}:{where}:{self.locale}"


PAGES: list[PageCase] = [
    # signed out
    PageCase("anonymous", "/"),
    PageCase("anonymous", "/signin"),
    PageCase("anonymous", "/signup"),
    PageCase("anonymous", "/password/forgot"),
    PageCase("anonymous", "/password/reset/" + "x" * 43, status=410, label="reset link that no longer works"),
    PageCase("anonymous", "/no-such-page", status=404, label="404"),
    # signed in
    *(PageCase(role, "/") for role in ("resident", "moderator", "council")),
    *(PageCase(role, "/account") for role in ("resident", "moderator", "council")),
    *(PageCase(role, "/notifications") for role in ("resident", "moderator", "council")),
    PageCase("resident", "/no-such-page", status=404, label="404"),
    PageCase("resident", "/council/neighborhoods/", status=403, label="403"),
    PageCase("moderator", "/council/neighborhoods/", status=403, label="403"),
    PageCase("council", "/council/neighborhoods/"),
    # proposals, cycles and review (demo: proposal 1 is in the voting cycle 1, proposal 16 waits in cycle 2)
    *(PageCase(role, "/proposals") for role in ROLES),
    *(PageCase(role, "/proposals/1") for role in ROLES),
    *(PageCase(role, "/proposals/1/revisions") for role in ("anonymous", "resident")),
    *(PageCase(role, "/proposals/new") for role in ("resident", "moderator", "council")),
    PageCase("resident", "/proposals/1/edit"),
    *(PageCase(role, "/cycles/1") for role in ("anonymous", "council")),
    PageCase("anonymous", "/cycles/2", label="cycle collecting ideas"),
    PageCase("council", "/council/cycles"),
    PageCase("council", "/council/cycles/2/edit"),
    PageCase("council", "/council/review"),
    PageCase("council", "/council/review/16", label="review page"),
    PageCase("council", "/council/review/1", label="reviewed proposal"),
    PageCase("resident", "/council/review", status=403, label="review 403"),
    # draft procedures and comment threads
    *(PageCase(role, "/drafts") for role in ROLES),
    *(PageCase(role, "/drafts/1") for role in ROLES),
    *(PageCase(role, "/drafts/1/versions/2") for role in ("anonymous", "council")),
    PageCase("council", "/drafts/2/edit"),
    *(PageCase(role, "/threads/proposal/1") for role in ("anonymous", "resident")),
    PageCase("resident", "/moderation/report?kind=amendment&id=3&next=/drafts/1", label="report amendment"),
    PageCase("resident", "/moderation/report?kind=comment&id=8&next=/drafts/1", label="report comment"),
    # moderation
    *(PageCase(role, "/moderation") for role in ("moderator", "council")),
    *(PageCase(role, "/moderation/log") for role in ("moderator", "council")),
    PageCase("resident", "/moderation", status=403, label="moderation 403"),
    # ballots (demo: 1 Riverside open, 2 city youth open, 3 closed and published)
    *(PageCase(role, "/ballots") for role in ROLES),
    *(PageCase(role, "/ballots/1") for role in ROLES),
    PageCase("anonymous", "/ballots/2", label="youth ballot"),
    PageCase("anonymous", "/ballots/3", label="closed ballot"),
    PageCase("council", "/ballots/1/vote", label="vote page"),
    PageCase("resident", "/ballots/1/vote", status=409, label="already voted"),
    PageCase("resident", "/ballots/2/vote", status=403, label="not eligible"),
    *(PageCase(role, "/vote", label="code entry") for role in ("anonymous", "resident")),
    *(PageCase(role, "/ballots/receipt", label="receipt check") for role in ("anonymous", "resident")),
    PageCase("council", "/council/ballots"),
    PageCase("council", "/council/ballots/new"),
    PageCase("council", "/council/ballots/new?cycle_id=1&fund=1", label="new ballot with projects"),
    PageCase("council", "/council/ballots/1", label="manage open ballot"),
    PageCase("council", "/council/ballots/3", label="manage closed ballot"),
    PageCase("council", "/council/ballots/1/paper", label="paper ballots"),
    PageCase("council", "/council/ballots/3/count/", label="count"),
    PageCase("council", "/council/ballots/3/publish/", label="publish"),
    PageCase("resident", "/council/ballots", status=403, label="council ballots 403"),
    # results and delivery
    *(PageCase(role, "/ballots/3/results") for role in ("anonymous", "resident", "council")),
    *(PageCase(role, "/delivery") for role in ("anonymous", "resident", "council")),
    *(PageCase(role, "/delivery/4") for role in ("anonymous", "resident", "council")),
    PageCase("council", "/council/delivery"),
    PageCase("council", "/council/delivery/4"),
    # meetings, boards and commitments (demo: board 1 Riverside; meeting 1 upcoming with an agenda, 2 held with
    # minutes, 3 cancelled; commitment 2 revised twice)
    *(PageCase(role, "/meetings") for role in ("anonymous", "resident", "council")),
    PageCase("anonymous", "/meetings?when=past", label="past meetings"),
    *(PageCase(role, "/meetings/1") for role in ("anonymous", "resident", "council")),
    PageCase("anonymous", "/meetings/2", label="meeting with minutes"),
    PageCase("anonymous", "/meetings/3", label="cancelled meeting"),
    PageCase("council", "/meetings/new"),
    PageCase("resident", "/meetings/new?board=1", label="co-chair schedules"),
    PageCase("resident", "/meetings/2/manage", label="co-chair manages"),
    PageCase("council", "/meetings/1/manage"),
    PageCase("moderator", "/meetings/1/manage", status=403, label="manage meeting 403"),
    *(PageCase(role, "/boards") for role in ("anonymous", "council")),
    *(PageCase(role, "/boards/1") for role in ("anonymous", "resident", "council")),
    PageCase("council", "/council/boards"),
    PageCase("council", "/council/boards/1"),
    *(PageCase(role, "/commitments") for role in ("anonymous", "resident", "council")),
    *(PageCase(role, "/commitments/2") for role in ("anonymous", "resident", "council")),
    PageCase("anonymous", "/commitments/5", label="dropped commitment"),
    PageCase("council", "/council/commitments/new?source_kind=meeting&source_id=2", label="new commitment"),
    PageCase("council", "/council/commitments/2"),
    # dashboard
    *(PageCase(role, "/dashboard") for role in ("anonymous", "council")),
    *(PageCase(role, "/dashboard/1") for role in ("anonymous", "council")),
    # indicators and surveys (demo: survey 1 counted, survey 2 open)
    *(PageCase(role, "/indicators") for role in ("anonymous", "council")),
    *(PageCase(role, "/indicators/response-days") for role in ("anonymous", "council")),
    PageCase("anonymous", "/indicators/without-escalation", label="indicator with a series break"),
    *(PageCase(role, "/surveys") for role in ("anonymous", "resident")),
    *(PageCase(role, "/surveys/1") for role in ("anonymous", "resident")),
    PageCase("resident", "/surveys/2", label="open survey"),
    PageCase("council", "/council/indicators"),
    PageCase("council", "/council/indicators/response-days"),
    PageCase("council", "/council/surveys"),
    *(PageCase("council", f"/council/surveys/{n}", label=f"manage survey {n}") for n in (1, 2)),
    # the open data API's documentation
    PageCase("anonymous", "/api/schema"),
    PageCase("anonymous", "/api/v1", locale="ar"),
    # right to left
    PageCase("anonymous", "/", locale="ar"),
    PageCase("anonymous", "/signup", locale="ar"),
    PageCase("anonymous", "/password/forgot", locale="ar"),
    PageCase("resident", "/account", locale="ar"),
    PageCase("council", "/council/neighborhoods/", locale="ar"),
    PageCase("anonymous", "/", locale="es"),
    PageCase("anonymous", "/proposals/1", locale="ar"),
    PageCase("resident", "/drafts/1", locale="ar"),
    PageCase("council", "/ballots/1/vote", locale="ar", label="vote page"),
    PageCase("anonymous", "/ballots/3/results", locale="ar"),
    PageCase("anonymous", "/delivery/4", locale="ar"),
    PageCase("anonymous", "/meetings/2", locale="ar"),
    PageCase("anonymous", "/commitments/2", locale="ar"),
    PageCase("resident", "/meetings/2/manage", locale="ar", label="co-chair manages"),
    PageCase("anonymous", "/indicators/response-days", locale="ar"),
    PageCase("anonymous", "/surveys/1", locale="ar"),
    PageCase("resident", "/surveys/2", locale="es", label="open survey"),
]
