"""Tree building: nesting to three levels, deeper replies flattened in conversation order."""

from __future__ import annotations

import datetime as dt

from proposals.threads.schemas import CommentView
from proposals.threads.tree import MAX_LEVEL, build_forest

T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def c(id: int, parent: int | None, minute: int, name: str = "") -> CommentView:
    return CommentView(id=id, parent_id=parent, author_id=id, author_name=name or f"P{id}", body=f"b{id}",
                       stance="", official=False, votes=0, created_at=T0 + dt.timedelta(minutes=minute))


def flatten(nodes: list[CommentView]) -> list[tuple[int, int, str]]:
    out = []
    for n in nodes:
        out.append((n.id, n.level, n.reply_to_name))
        out.extend(flatten(n.children))
    return out


def test_levels_order_by_time_then_id_and_deep_replies_flatten() -> None:
    comments = [
        c(1, None, 0), c(2, None, 5), c(3, 1, 1), c(4, 3, 2), c(5, 4, 3, "Deep"), c(6, 5, 4),
        c(7, 3, 6), c(8, 4, 7), c(9, None, 5),  # 9 has the same time as 2: id breaks the tie
        c(10, 1, 0),  # reply older than 3
    ]
    roots = build_forest(reversed(comments))  # input order must not matter
    assert [r.id for r in roots] == [1, 2, 9]
    assert flatten(roots) == [
        (1, 0, ""), (10, 1, ""), (3, 1, ""), (4, 2, ""),
        (5, MAX_LEVEL, "P4"), (6, MAX_LEVEL, "Deep"), (8, MAX_LEVEL, "P4"),
        (7, 2, ""), (2, 0, ""), (9, 0, ""),
    ]


def test_reply_whose_parent_is_missing_surfaces_at_top_level() -> None:
    roots = build_forest([c(1, None, 0), c(2, 99, 1)])
    assert [r.id for r in roots] == [1, 2]


def test_limit_replies_keeps_reading_order_and_counts_the_rest() -> None:
    from proposals.threads.tree import limit_replies

    comments = [c(1, None, 0), c(2, 1, 1), c(3, 2, 2), c(4, 1, 3), c(5, 4, 4), c(6, 5, 5), c(7, 1, 6)]
    root = build_forest(comments)[0]
    limit_replies(root, 3)
    assert flatten([root]) == [(1, 0, ""), (2, 1, ""), (3, 2, ""), (4, 1, "")]
    assert root.more_replies == 3


def test_a_built_and_trimmed_thread_is_freed_without_the_cyclic_collector() -> None:
    """No reference cycles: a page's comment views go when the request ends, not at the next full
    collection (issue 21: those collections were the tail of response times)."""
    import gc

    from proposals.threads.tree import limit_replies

    gc.collect()
    gc.disable()
    try:
        comments = [c(1, None, 0), c(2, 1, 1), c(3, 2, 2), c(4, 3, 3), c(5, 4, 4), c(6, 1, 5), c(7, None, 6)]
        for root in build_forest(comments):
            limit_replies(root, 2)
        del comments, root
        assert gc.collect() == 0
    finally:
        gc.enable()
