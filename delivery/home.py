"""The home page section: how delivery is going in the reader's neighborhood."""

from __future__ import annotations

from delivery import service
from server.current_user import Viewer
from server.follows import Followed
from server.home_sections import HomeSection
from server.i18n import gettext as _
from server.neighborhoods.schemas import NeighborhoodView


async def delivery_home_section(viewer: Viewer | None, neighborhood: NeighborhoodView | None) -> HomeSection | None:
    counts = await service.status_counts(neighborhood.id if neighborhood else None)
    if counts.total == 0:
        return None
    name = neighborhood.name if neighborhood else None
    return HomeSection(template="delivery/_home_section.html", context={"counts": counts, "name": name}, order=60,
                       key=(counts, name))


async def followed_projects(account_id: int) -> list[Followed]:
    """The funded projects this person follows, for /account/following."""
    from delivery.tables import DeliveryFollow

    rows = await DeliveryFollow.select(DeliveryFollow.item.id.as_alias("id"),
                                       DeliveryFollow.item.proposal.title.as_alias("title")).where(
        DeliveryFollow.account == account_id).order_by(DeliveryFollow.id, ascending=False)
    return [Followed(_("Funded project"), r["title"], f"/delivery/{r['id']}") for r in rows]
