"""Links across domains (server/links.py) show only what the linked item's own page would show."""

from __future__ import annotations

from factories.delivery import make_item
from factories.drafts import published_draft
from factories.proposals import council_member, make_cycle, make_proposal
from support import make_account, make_neighborhood

from proposals.drafts import service as drafts
from server import links
from server.current_user import load_viewer


async def test_links_resolve_only_what_the_reader_may_see(db: object) -> None:
    hood = await make_neighborhood("Riverside")
    author = await make_account("resident", neighborhood_id=hood)
    cycle = await make_cycle()
    public = await make_proposal(author, cycle, title="Lights on the river path")
    private = await make_proposal(author, cycle, submit=False, title="Still a draft")
    council = await council_member()
    draft_id, (key,) = await published_draft(council, [("Who answers", "The team answers within a week.")])
    unpublished = await drafts.create_draft(council, "Not yet out", "Work in progress.")
    hidden_key = await drafts.add_section(council, unpublished, "Hidden", "Not published.")
    item = await make_item("Safe crossing at the school")

    pairs = [("proposal", public), ("proposal", private), ("proposal", 99999), ("draft_section", key),
             ("draft_section", hidden_key), ("delivery_item", item), ("no_such_kind", 1)]
    seen = await links.resolve(pairs, None)
    assert set(seen) == {("proposal", public), ("draft_section", key), ("delivery_item", item)}
    assert seen[("proposal", public)].title == "Lights on the river path"
    assert seen[("proposal", public)].url == f"/proposals/{public}"
    assert seen[("proposal", public)].kind_label == "Proposal"
    assert seen[("draft_section", key)].url == f"/drafts/{draft_id}#section-{key}"
    assert "Who answers" in seen[("draft_section", key)].title
    assert seen[("delivery_item", item)].title == "Safe crossing at the school"

    # The author sees their own draft proposal, as on its page.
    as_author = await links.resolve(pairs, await load_viewer(author.id))
    assert ("proposal", private) in as_author
    assert await links.resolve_one("proposal", private, None) is None
    assert set(links.kinds()) >= {"proposal", "draft_section", "delivery_item"}
