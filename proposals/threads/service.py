"""Use cases of comment threads: load one or many threads in a bounded number of queries, post,
reply, edit, delete and vote. See the package docstring for the embedding contract."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import msgspec
from piccolo.query.methods.raw import Raw

from proposals.moderation import registry as moderation_registry
from proposals.moderation import service as moderation
from proposals.moderation.registry import ContentInfo
from proposals.threads.registry import TargetInfo, ThreadKind, thread_kind
from proposals.threads.schemas import STANCES, CommentView, ThreadView
from proposals.threads.tables import Comment, CommentVote
from proposals.threads.tree import build_forest, limit_replies
from server import clock
from server.accounts.tables import Account
from server.current_user import Viewer
from server.database import write_transaction
from server.i18n import gettext as _
from server.notifications.kinds import N_
from server.notifications.service import notify
from server.prepared import Prepared

EDIT_WINDOW = dt.timedelta(minutes=15)
MAX_BODY = 5000
# Top-level comments shown before "Show all comments"; replies of shown comments always come along.
FIRST_PAGE = 10

NOTIFICATION_KINDS = {  # declared in proposals/domain.py
    "thread_reply": N_("%(actor)s replied to your comment on “%(subject)s”"),
    "thread_comment": N_("%(actor)s commented on “%(subject)s”, which you follow"),
}


class ThreadError(Exception):
    """A refused action; the message is translated and can be shown as is. `field` says which
    form field it belongs to ("body", "stance" or "form")."""

    def __init__(self, message: str, field: str = "form") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(Exception):
    pass


def _spec(kind: str) -> ThreadKind:
    spec = thread_kind(kind)
    if spec is None:
        raise NotFound(kind)
    return spec


async def visible_targets(kind: str, target_ids: list[int], viewer: Viewer | None) -> dict[int, TargetInfo]:
    """The TargetInfo of each target whose thread `viewer` may read: the kind's describe, narrowed
    by the owning domain's visibility rule (its `audience`). Every thread loader goes through it."""
    spec = _spec(kind)
    infos = await spec.describe(target_ids)
    if spec.audience is not None and infos:
        allowed = await spec.audience(sorted(infos), viewer)
        infos = {i: info for i, info in infos.items() if i in allowed}
    return infos


async def target_info(kind: str, target_id: int) -> TargetInfo:
    info = (await _spec(kind).describe([target_id])).get(target_id)
    if info is None:
        raise NotFound(f"{kind}/{target_id}")
    return info


_COLUMNS = (  # for exports
    Comment.id, Comment.target_id, Comment.parent, Comment.author, Comment.body, Comment.stance, Comment.official,
    Comment.vote_count, Comment.created_at, Comment.edited_at, Comment.deleted_at,
    Comment.author.display_name.as_alias("author_name"),
)


def _can_edit(row: dict, viewer: Viewer | None, now: dt.datetime) -> bool:
    return bool(viewer and row["author"] == viewer.id and row["deleted_at"] is None
                and now - row["created_at"] <= EDIT_WINDOW)


# Threads load on most pages, and each statement costs a page more CPU than its rows (issue 21): the
# comments come with the viewer's up-votes (EXISTS on comment_vote's unique index) and whether each is
# hidden (moderation's join) in one statement, raw SQL because Piccolo's select cannot say either,
# built once per number of targets (server/prepared.py). Anonymous readers ask with voter 0, which
# no account has (ids start at 1), so one statement serves everyone.
_SELECT_COMMENTS = (
    "SELECT c.id AS id, c.target_kind AS target_kind, c.target_id AS target_id, c.parent AS parent, "
    "c.author AS author, c.body AS body, c.stance AS stance, c.official AS official, c.vote_count AS vote_count, "
    "c.created_at AS created_at, c.edited_at AS edited_at, c.deleted_at AS deleted_at, "
    "a.display_name AS author_name, h.status AS hidden_status, h.reason AS hidden_reason, "
    "EXISTS (SELECT 1 FROM comment_vote v WHERE v.comment = c.id AND v.voter = {}) AS voted "
    "FROM comment c LEFT JOIN account a ON a.id = c.author " + moderation.hidden_join("comment", "c.id", "h")
    + " WHERE "
)
NOBODY = 0


def _comments_query(voter: Any, groups: list[tuple[Any, list[Any]]]) -> Raw:
    # "{}" is Piccolo's placeholder: one for the kind and one per id.
    where = " OR ".join("(c.target_kind = {} AND c.target_id IN (" + ", ".join("{}" for _ in ids) + "))"
                        for _, ids in groups)
    values = [value for kind, ids in groups for value in (kind, *ids)]
    return Comment.raw(_SELECT_COMMENTS + where + " ORDER BY c.created_at, c.id", voter, *values)


_COMMENTS = Prepared(lambda voter, kind, ids: _comments_query(voter, [(kind, ids)]))
_COMMENTS_OF_TWO = Prepared(lambda voter, kind, ids, other_kind, other_ids: _comments_query(
    voter, [(kind, ids), (other_kind, other_ids)]))


@dataclass(frozen=True)
class ThreadSet:
    """Threads of one kind a page shows, for load_thread_sets: the targets with their TargetInfo (the
    page has checked who may see them), and how much of each thread to show (see load_threads)."""

    kind: str
    target_ids: list[int]
    infos: dict[int, TargetInfo]
    first_page: int = FIRST_PAGE
    replies_per_comment: int | None = None


async def load_threads(kind: str, target_ids: list[int], viewer: Viewer | None, *, show_all: bool = False,
                       infos: dict[int, TargetInfo] | None = None,
                       first_page: int = FIRST_PAGE, replies_per_comment: int | None = None,
                       ) -> dict[int, ThreadView]:
    """Every thread of `target_ids` in a fixed number of queries (comments with the viewer's votes and
    their moderation state, plus the kind's describe unless `infos` is given), whatever the number of
    comments. Targets that do not exist, or that `viewer` may not see (see visible_targets), are
    left out of the result; `infos` given by the page skip that check, the page having made it.
    `first_page`: how many
    top-level comments to show before "Show all comments"; `replies_per_comment`: at most this
    many replies under each of them, the rest behind "N more replies" (default: all)."""
    spec = _spec(kind)
    ids = sorted(set(target_ids))
    if not ids:
        return {}
    infos = infos if infos is not None else await visible_targets(kind, ids, viewer)
    rows = await _COMMENTS(viewer.id if viewer else NOBODY, kind, ids)
    return _thread_views(spec, ids, infos, rows, viewer, show_all=show_all, first_page=first_page,
                         replies_per_comment=replies_per_comment)


async def load_thread_sets(sets: tuple[ThreadSet, ThreadSet], viewer: Viewer | None) -> list[dict[int, ThreadView]]:
    """load_threads for two kinds of threads on one page (a draft's sections and its amendments), in
    one statement for both: the threads of each set."""
    asked = [(s, sorted(set(s.target_ids))) for s in sets]
    voter = viewer.id if viewer else NOBODY
    present = [(s.kind, ids) for s, ids in asked if ids]
    if len(present) == 2:
        rows = await _COMMENTS_OF_TWO(voter, *present[0], *present[1])
    elif present:
        rows = await _COMMENTS(voter, *present[0])
    else:
        rows = []
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_kind[r["target_kind"]].append(r)
    return [_thread_views(_spec(s.kind), ids, s.infos, by_kind[s.kind], viewer, first_page=s.first_page,
                          replies_per_comment=s.replies_per_comment) if ids else {}
            for s, ids in asked]


def _thread_views(spec: ThreadKind, ids: list[int], infos: dict[int, TargetInfo], rows: list[dict],
                  viewer: Viewer | None, *, show_all: bool = False,
                  first_page: int = FIRST_PAGE, replies_per_comment: int | None = None) -> dict[int, ThreadView]:
    kind = spec.name
    now = clock.now()
    grouped: dict[int, list[CommentView]] = defaultdict(list)
    for r in rows:
        info = infos.get(r["target_id"])
        is_open = bool(info and info.is_open)
        deleted = r["deleted_at"] is not None
        h = moderation.hidden_info(r["hidden_status"], r["hidden_reason"])
        grouped[r["target_id"]].append(CommentView(
            id=r["id"], parent_id=r["parent"], author_id=r["author"], author_name=r["author_name"],
            body="" if deleted or h else r["body"], stance=r["stance"], official=bool(r["official"]),
            votes=r["vote_count"], created_at=r["created_at"], edited=r["edited_at"] is not None,
            deleted=deleted, hidden=h is not None, hidden_message=h.message if h else "",
            voted=bool(r["voted"]), can_edit=is_open and _can_edit(r, viewer, now) and h is None,
            can_delete=bool(viewer and r["author"] == viewer.id and not deleted),
            can_reply=is_open and not deleted,
        ))
    blocked = bool(viewer and viewer.blocked)
    unconfirmed = bool(viewer and not viewer.confirmed)
    views: dict[int, ThreadView] = {}
    for target_id in ids:
        info = infos.get(target_id)
        if info is None:
            continue
        comments = grouped.get(target_id, [])
        # Counted by hand rather than with Counter: a page builds a dozen threads, most of them short.
        stance_counts = dict.fromkeys(STANCES, 0)
        for c in comments:
            if c.parent_id is None and c.stance in stance_counts and not c.deleted and not c.hidden:
                stance_counts[c.stance] += 1
        roots = build_forest(comments) if comments else []
        shown = roots if show_all else roots[:first_page]
        if replies_per_comment is not None and not show_all:
            for root in shown:
                limit_replies(root, replies_per_comment)
        views[target_id] = ThreadView(
            kind=kind, target_id=target_id, url=info.url, title=info.title, is_open=info.is_open,
            closed_reason=info.closed_reason, stances_allowed=spec.stances, comments=shown, total=len(comments),
            top_level_total=len(roots),
            shown_all=len(shown) == len(roots) and not any(r.more_replies for r in shown),
            stance_counts=stance_counts,
            signed_in=viewer is not None,
            can_post=info.is_open and viewer is not None and not blocked and not unconfirmed,
            blocked=blocked, unconfirmed=unconfirmed,
        )
    return views


async def load_thread(kind: str, target_id: int, viewer: Viewer | None, *, show_all: bool = False) -> ThreadView:
    views = await load_threads(kind, [target_id], viewer, show_all=show_all)
    if target_id not in views:
        raise NotFound(f"{kind}/{target_id}")
    return views[target_id]


def _check_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ThreadError(_("Please write a comment."), "body")
    if len(body) > MAX_BODY:
        raise ThreadError(_("Please keep this to %(n)s characters or fewer (you wrote %(m)s).", n=MAX_BODY,
                            m=len(body)), "body")
    return body


async def _author(author_id: int) -> dict:
    row = await Account.select(Account.id, Account.display_name, Account.role, Account.blocked).where(
        Account.id == author_id).first()
    if row is None:
        raise ThreadError(_("Please sign in to comment."))
    if row["blocked"]:
        raise ThreadError(_("Your account is blocked from posting. You can still read everything."))
    return row


async def post_comment(kind: str, target_id: int, author_id: int, body: str, *, parent_id: int | None = None,
                       stance: str = "") -> int:
    """Post a top-level comment or a reply; returns the new comment's id. Council staff's comments
    are marked as official responses."""
    spec = _spec(kind)
    info = await target_info(kind, target_id)
    author = await _author(author_id)
    if not info.is_open:
        raise ThreadError(info.closed_reason or _("This discussion is closed."))
    body = _check_body(body)
    parent = None
    if parent_id is not None:
        parent = await Comment.select(Comment.id, Comment.depth, Comment.author, Comment.deleted_at).where(
            (Comment.id == parent_id) & (Comment.target_kind == kind) & (Comment.target_id == target_id)).first()
        if parent is None or parent["deleted_at"] is not None:
            raise ThreadError(_("The comment you replied to is no longer there."))
        stance = ""
    elif spec.stances:
        if stance not in STANCES:
            raise ThreadError(_("Please choose whether you support this, have concerns, or are neutral."), "stance")
    else:
        stance = ""
    rows = await Comment.insert(Comment(
        target_kind=kind, target_id=target_id, parent=parent_id, depth=parent["depth"] + 1 if parent else 0,
        author=author_id, body=body, stance=stance, official=author["role"] == "council",
    )).returning(Comment.id)
    comment_id = rows[0]["id"]
    told: set[int] = set()
    if parent is not None:
        await notify([parent["author"]], "thread_reply", subject=info.title, actor=author["display_name"],
                     url=f"{info.url}#comment-{comment_id}", exclude=author_id)
        told.add(parent["author"])
    if spec.followers is not None:
        await notify([a for a in await spec.followers(target_id) if a not in told], "thread_comment",
                     subject=info.title, actor=author["display_name"], url=f"{info.url}#comment-{comment_id}",
                     exclude=author_id)
    return comment_id


async def _own_comment(comment_id: int, author_id: int) -> dict:
    row = await Comment.select().where(Comment.id == comment_id).first()
    if row is None:
        raise NotFound(str(comment_id))
    if row["author"] != author_id:
        raise ThreadError(_("Only the author can change this comment."))
    return row


class ReplyTarget(msgspec.Struct, frozen=True):
    id: int
    author_name: str


async def reply_target(kind: str, target_id: int, comment_id: int) -> ReplyTarget:
    row = await Comment.select(Comment.id, Comment.author.display_name.as_alias("author_name")).where(
        (Comment.id == comment_id) & (Comment.target_kind == kind) & (Comment.target_id == target_id)
        & Comment.deleted_at.is_null()).first()
    if row is None:
        raise NotFound(str(comment_id))
    return ReplyTarget(row["id"], row["author_name"])


async def comment_target(comment_id: int) -> tuple[str, int]:
    row = await Comment.select(Comment.target_kind, Comment.target_id).where(Comment.id == comment_id).first()
    if row is None:
        raise NotFound(str(comment_id))
    return row["target_kind"], row["target_id"]


async def edit_comment(comment_id: int, author_id: int, body: str) -> None:
    """Authors may edit for EDIT_WINDOW after posting, while the thread is open; edits are marked."""
    row = await _own_comment(comment_id, author_id)
    await _author(author_id)
    info = await target_info(row["target_kind"], row["target_id"])
    if not info.is_open:
        raise ThreadError(info.closed_reason or _("This discussion is closed."))
    if row["deleted_at"] is not None or clock.now() - row["created_at"] > EDIT_WINDOW:
        raise ThreadError(_("Comments can be edited for %(n)s minutes after posting.",
                            n=int(EDIT_WINDOW.total_seconds() // 60)))
    body = _check_body(body)
    await Comment.update({Comment.body: body, Comment.edited_at: clock.now()}).where(Comment.id == comment_id)


async def delete_comment(comment_id: int, author_id: int) -> None:
    """Leaves a tombstone: the text goes, the place in the thread and its replies stay."""
    await _own_comment(comment_id, author_id)
    await Comment.update({Comment.body: "", Comment.deleted_at: clock.now()}).where(
        (Comment.id == comment_id) & Comment.deleted_at.is_null())


async def toggle_vote(comment_id: int, voter_id: int) -> bool:
    """Up-vote, or withdraw one's up-vote; returns whether the person now supports the comment."""
    row = await Comment.select(Comment.author, Comment.deleted_at).where(Comment.id == comment_id).first()
    if row is None:
        raise NotFound(str(comment_id))
    await _author(voter_id)
    if row["author"] == voter_id:
        raise ThreadError(_("You cannot up-vote your own comment."))
    if row["deleted_at"] is not None:
        raise ThreadError(_("This comment was deleted by its author."))
    async with write_transaction():
        existing = await CommentVote.select(CommentVote.id).where(
            (CommentVote.comment == comment_id) & (CommentVote.voter == voter_id)).first()
        if existing:
            await CommentVote.delete().where(CommentVote.id == existing["id"])
        else:
            await CommentVote.insert(CommentVote(comment=comment_id, voter=voter_id))
        count = await CommentVote.count().where(CommentVote.comment == comment_id)
        await Comment.update({Comment.vote_count: count}).where(Comment.id == comment_id)
    return not existing


async def comments_for_export(kind: str, target_ids: list[int]) -> list[dict]:
    """Every comment of the targets, for reports: display names only, no other personal data."""
    if not target_ids:
        return []
    rows = await Comment.select(*_COLUMNS).where(
        (Comment.target_kind == kind) & Comment.target_id.is_in(target_ids)).order_by(Comment.id)
    hidden = await moderation.hidden_map("comment", [r["id"] for r in rows])
    return [{
        "id": r["id"], "target_id": r["target_id"], "parent_id": r["parent"], "author": r["author_name"],
        "stance": r["stance"], "official": r["official"], "votes": r["vote_count"],
        "created_at": r["created_at"].isoformat(), "edited": r["edited_at"] is not None,
        "deleted": r["deleted_at"] is not None, "hidden": r["id"] in hidden,
        "body": "" if r["id"] in hidden else r["body"],
    } for r in rows]


async def commenter_ids(kind: str, target_ids: list[int]) -> set[int]:
    if not target_ids:
        return set()
    rows = await Comment.select(Comment.author).where(
        (Comment.target_kind == kind) & Comment.target_id.is_in(target_ids)).distinct()
    return {r["author"] for r in rows}


# -- comments are moderated content --

async def _describe_comments(ids: list[int]) -> dict[int, ContentInfo]:
    if not ids:
        return {}
    rows = await Comment.select(Comment.id, Comment.target_kind, Comment.target_id, Comment.author,
                                Comment.body).where(Comment.id.is_in(ids))
    targets: dict[str, set[int]] = defaultdict(set)
    for r in rows:
        targets[r["target_kind"]].add(r["target_id"])
    infos: dict[tuple[str, int], TargetInfo] = {}
    for kind, tids in targets.items():
        spec = thread_kind(kind)
        if spec:
            infos.update({(kind, t): i for t, i in (await spec.describe(sorted(tids))).items()})
    out = {}
    for r in rows:
        info = infos.get((r["target_kind"], r["target_id"]))
        out[r["id"]] = ContentInfo(
            author_id=r["author"], url=f"{info.url}#comment-{r['id']}" if info else "",
            title=_("Comment on “%(title)s”", title=info.title) if info else _("Comment"),
            excerpt=r["body"][:300],
        )
    return out


async def _comment_audience(ids: list[int], viewer: Viewer | None) -> set[int]:
    """A comment is there for whoever may read the thread it is in (its own hiding only blanks its text)."""
    rows = await Comment.select(Comment.id, Comment.target_kind, Comment.target_id).where(Comment.id.is_in(ids))
    targets: dict[str, set[int]] = defaultdict(set)
    for r in rows:
        targets[r["target_kind"]].add(r["target_id"])
    visible: set[tuple[str, int]] = set()
    for kind, tids in targets.items():
        if thread_kind(kind) is not None:
            visible |= {(kind, t) for t in await visible_targets(kind, sorted(tids), viewer)}
    return {r["id"] for r in rows if (r["target_kind"], r["target_id"]) in visible}


KINDS = [moderation_registry.kind("comment", _describe_comments, label=N_("comment"),  # proposals/domain.py
                                  audience=_comment_audience)]
