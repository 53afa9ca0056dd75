"""Result publications in the public Atom feed, beside delivery updates."""

from __future__ import annotations

from ballots.results.service import recent_publications
from server.feeds import FeedEntry, feed_currency
from server.i18n import fmt_money, ngettext
from server.i18n import gettext as _


async def publication_entries(limit: int) -> list[FeedEntry]:
    entries = []
    for p in await recent_publications(limit):
        title = (_("Result published: %(title)s", title=p.ballot_title) if p.version == 1
                 else _("Result corrected (version %(v)s): %(title)s", v=p.version, title=p.ballot_title))
        entries.append(FeedEntry(
            id=f"tag:townsquare,2026:result:{p.ballot_id}:v{p.version}", title=title, updated=p.published_at,
            path=f"/ballots/{p.ballot_id}/results?version={p.version}",
            summary=" ".join(filter(None, (
                ngettext("%(num)s project funded.", "%(num)s projects funded.", p.funded),
                _("%(spent)s of %(budget)s spent.", spent=fmt_money(p.spent, feed_currency()),
                  budget=fmt_money(p.budget, feed_currency())),
                _("Corrected because: %(reason)s", reason=p.correction_reason) if p.correction_reason else ""))),
            category="result",
        ))
    return entries
