"""A reusable comment thread for any page: threaded replies, stances, up-votes, edits, tombstones,
official responses, moderation and reply notifications.

Embedding contract
------------------
1. The domain owning the target declares its kind once, in its manifest (`<domain>/domain.py`)::

       from proposals.threads import registry as threads_registry

       async def describe(ids: list[int]) -> dict[int, TargetInfo]:   # one query for all ids
           return {p.id: TargetInfo(url=f"/proposals/{p.id}", title=p.title,
                                    is_open=..., closed_reason=_("The comment period closed on %(d)s", d=...))
                   for p in ...}

       DOMAIN = Domain(..., kinds=[threads_registry.kind("proposal", describe, stances=False)])

   Ids missing from the result are "not found" (404 on the thread routes). `url` is where no-JS
   posts come back to (with "#comment-N"), `title` is used in notifications. If some targets are
   not for everyone (a private draft, a hidden proposal), pass `audience=`: an async
   `(ids, viewer) -> set of ids` that applies the owning domain's visibility rule; every loader
   that is not given `infos=` by the page (the thread routes, report forms for comments) goes
   through it (`service.visible_targets`), so what the viewer may not read is "not found".
2. The page's controller loads the thread(s)::

       from proposals.threads import service as threads
       thread = await threads.load_thread("proposal", proposal_id, request.user)          # ThreadView
       views = await threads.load_threads("draft_section", section_ids, request.user)      # {id: ThreadView}

   `load_threads` costs a fixed number of queries whatever the number of targets and comments
   (the kind's describe, comments, the viewer's votes, hidden comments). Pass `infos=` if you
   already have the TargetInfo of each id, `show_all=True` to show every top-level comment
   (default: the first FIRST_PAGE, then a "Show all" link that htmx swaps in place),
   `first_page=` / `replies_per_comment=` to keep busy pages small.
3. The template includes the partial with `thread` in context::

       {% with thread=thread, thread_heading_level=2 %}{% include "threads/_thread.html" %}{% endwith %}

   `_thread.html` renders the heading ("N comments"), stance counts (if the kind has stances;
   `threads/_stance_counts.html` can be used alone in section headers, and passed in already
   rendered as `thread_stance_counts`), the comments (one recursive loop over the tree, no include
   per comment: issue 21), and the new-comment form. Each comment has the id "comment-N".
   A page with two kinds of threads loads both at once with `load_thread_sets`.

Routes (proposals/threads/controllers.py): POST /threads/{kind}/{id}/comments (body, optional
parent_id, stance), POST /threads/comments/{cid}/edit|delete|vote, GET /threads/{kind}/{id} (the
whole thread; an htmx request gets the fragment; ?reply_to=N opens the reply form under comment
N, which is where the no-JS "Reply" link goes), GET /threads/{kind}/{id}/reply/{cid} (the reply
form alone, swapped in place of the link by htmx). Without JavaScript every POST answers 303 to
`url#comment-N`; a refused post re-renders the thread page with the error and the text typed (400).

Rules: ordering and nesting are in tree.py; authors may edit for 15 minutes (marked "edited");
deleting leaves a tombstone; comments by council accounts are official responses; blocked accounts
cannot post (guard + service check); comments are moderated content of kind "comment".
Who sees a comment: whoever may read its thread (the target's rule above); a hidden comment keeps
its place with a placeholder for everyone, its words only in the moderators' queue and in the
notification telling its author; a deleted one is a tombstone. Exports blank hidden bodies too.
"""
