"""Building comment trees from flat rows (pure: no I/O).

Order: within a level, comments are ordered by (created_at, id), oldest first, so the order is
stable even for equal timestamps and never changes as votes come in. Levels 0..MAX_LEVEL are shown
nested; replies deeper than MAX_LEVEL are kept and shown at MAX_LEVEL under their level-MAX_LEVEL
ancestor, in conversation order (depth-first, each level by time), with "in reply to NAME".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from proposals.threads.schemas import CommentView

MAX_LEVEL = 2  # three levels shown nested: 0, 1, 2


def _key(c: CommentView) -> tuple:
    return (c.created_at, c.id)


def build_forest(comments: Iterable[CommentView]) -> list[CommentView]:
    """Top-level comments with `children` filled in and `level`/`reply_to_name` set."""
    items = list(comments)
    by_id = {c.id: c for c in items}
    children: dict[int | None, list[CommentView]] = defaultdict(list)
    for c in items:
        parent = c.parent_id if c.parent_id in by_id else None  # orphan replies surface at top level
        children[parent].append(c)
    for group in children.values():
        group.sort(key=_key)
    roots = children.get(None, [])
    for root in roots:
        _attach(root, 0, children)
    return roots


# The walks below are module functions taking their state as arguments, not closures that call
# themselves: a recursive closure is a reference cycle (the function holds the cell that holds the
# function), so everything it captured, every comment view of the page included, waited for the
# cyclic garbage collector instead of being freed when the request ended (issue 21).

def _attach(node: CommentView, level: int, children: dict[int | None, list[CommentView]]) -> None:
    node.level = level
    if level < MAX_LEVEL:
        node.children = children.get(node.id, [])
        for child in node.children:
            _attach(child, level + 1, children)
    else:
        node.children = _descendants(node, children)


def _descendants(node: CommentView, children: dict[int | None, list[CommentView]]) -> list[CommentView]:
    out: list[CommentView] = []
    for child in children.get(node.id, []):
        child.level = MAX_LEVEL
        child.reply_to_name = node.author_name if not node.deleted else ""
        child.children = []
        out.append(child)
        out.extend(_descendants(child, children))
    return out


def limit_replies(root: CommentView, limit: int) -> None:
    """Keep the first `limit` replies under `root` in reading order (depth-first, by time) and
    record how many were left out in `root.more_replies`, so a page with many long threads stays
    small; the full thread is one link away."""
    _keep(root, root, limit, 0)


def _keep(node: CommentView, root: CommentView, limit: int, kept: int) -> int:
    """Walks `node`'s replies with `kept` replies kept so far; returns how many are kept after it."""
    children = []
    for child in node.children:
        if kept >= limit:
            root.more_replies += 1 + count(child)
            continue
        kept += 1
        children.append(child)
        kept = _keep(child, root, limit, kept)
    node.children = children
    return kept


def count(node: CommentView) -> int:
    return sum(1 + count(c) for c in node.children)
