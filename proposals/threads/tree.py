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

    def descendants(node: CommentView) -> list[CommentView]:
        out: list[CommentView] = []
        for child in children.get(node.id, []):
            child.level = MAX_LEVEL
            child.reply_to_name = node.author_name if not node.deleted else ""
            child.children = []
            out.append(child)
            out.extend(descendants(child))
        return out

    def attach(node: CommentView, level: int) -> None:
        node.level = level
        if level < MAX_LEVEL:
            node.children = children.get(node.id, [])
            for child in node.children:
                attach(child, level + 1)
        else:
            node.children = descendants(node)

    roots = children.get(None, [])
    for root in roots:
        attach(root, 0)
    return roots


def limit_replies(root: CommentView, limit: int) -> None:
    """Keep the first `limit` replies under `root` in reading order (depth-first, by time) and
    record how many were left out in `root.more_replies`, so a page with many long threads stays
    small; the full thread is one link away."""
    kept = 0

    def walk(node: CommentView) -> None:
        nonlocal kept
        children = []
        for child in node.children:
            if kept >= limit:
                root.more_replies += 1 + count(child)
                continue
            kept += 1
            children.append(child)
            walk(child)
        node.children = children

    walk(root)


def count(node: CommentView) -> int:
    return sum(1 + count(c) for c in node.children)
