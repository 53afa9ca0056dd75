"""Moderation for every kind of content: reports, hiding, restoring and blocking authors.

Contract for other domains (no column changes needed in their tables):

- Declare a content kind once, in your domain's manifest (`<domain>/domain.py`)::

      from proposals.moderation import registry as moderation_registry
      async def describe(ids: list[int]) -> dict[int, ContentInfo]: ...  # one query for all ids
      DOMAIN = Domain(..., kinds=[moderation_registry.kind("proposal", describe, label=N_("proposal"))])

  `ContentInfo(author_id, url, title, excerpt)`; ids missing from the result count as gone.
  Content not everyone may read passes `audience=` (async `(ids, viewer) -> set of ids`, the
  owning domain's visibility rule): the report form and report() use ``service.describe_for(kind,
  ids, viewer)``, so nobody can report (or learn the title of) what they may not see.
- Bulk hidden lookups while rendering: ``await service.hidden_map(kind, ids) -> {id: HiddenInfo}``
  (only hidden ids are present; `HiddenInfo.message` is the translated placeholder to show).
- Posting checks: ``await service.is_blocked(account_id)`` (the route guard is
  `server.guards.requires_not_blocked`).
- Report button on any page: ``{% with report_kind="proposal", report_id=p.id %}{% include
  "moderation/_report_button.html" %}{% endwith %}`` (optional `report_next`: where to return after
  a plain POST, default the current path; `report_label`). It renders a "Report" link (signed-in
  viewers only) to GET /moderation/report?kind=&id=&next= (a page without JavaScript; with htmx the
  form replaces the link), which POSTs to /moderation/report.

The proposals manifest declares "proposal" (described in moderation/service.py, read-only use of
proposals.tables.Proposal), "comment" (threads) and "amendment" (drafts).
"""
