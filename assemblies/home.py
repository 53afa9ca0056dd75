"""The home page section (the next meetings in the reader's neighborhood and the commitments past
their date) and what a person follows here, for /account/following."""

from __future__ import annotations

from assemblies import service
from server.current_user import Viewer
from server.follows import Followed
from server.home_sections import HomeSection
from server.i18n import gettext as _
from server.neighborhoods.schemas import NeighborhoodView


async def assemblies_home_section(viewer: Viewer | None, neighborhood: NeighborhoodView | None) -> HomeSection | None:
    neighborhood_id = neighborhood.id if neighborhood else None
    meetings = await service.next_meetings(neighborhood_id)
    overdue = await service.overdue_count()
    if not meetings and not overdue:
        return None
    return HomeSection(template="assemblies/_home_section.html",
                       context={"meetings": meetings, "overdue": overdue, "neighborhood_id": neighborhood_id},
                       order=65, key=(tuple(meetings), overdue, neighborhood_id))


async def followed(account_id: int) -> list[Followed]:
    from assemblies.tables import Body, Commitment, Follow, Meeting

    rows = await Follow.select(Follow.target_kind, Follow.target_id).where(Follow.account == account_id).order_by(
        Follow.id, ascending=False)
    wanted: dict[str, list[int]] = {}
    for r in rows:
        wanted.setdefault(r["target_kind"], []).append(r["target_id"])
    titles: dict[tuple[str, int], str] = {}
    for kind, table, column in (("meeting", Meeting, Meeting.title), ("body", Body, Body.name),
                                ("commitment", Commitment, Commitment.title)):
        if ids := wanted.get(kind):
            for r in await table.select(table.id, column.as_alias("title")).where(table.id.is_in(ids)):
                titles[(kind, r["id"])] = r["title"]
    labels = {"meeting": (_("Meeting"), "/meetings/"), "body": (_("Advisory board or task force"), "/boards/"),
              "commitment": (_("Commitment"), "/commitments/")}
    return [Followed(labels[r["target_kind"]][0], titles[(r["target_kind"], r["target_id"])],
                     f"{labels[r['target_kind']][1]}{r['target_id']}")
            for r in rows if (r["target_kind"], r["target_id"]) in titles]
