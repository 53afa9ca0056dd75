from __future__ import annotations

import datetime as dt
from functools import lru_cache

import msgspec
from markupsafe import Markup

from server.markdown import render_markdown

STANCES = ("supports", "concerns", "neutral")


@lru_cache(maxsize=8192)
def _markdown(text: str) -> Markup:
    # Comments never change once rendered unless edited (new text, new key), and a busy draft
    # page renders a thousand of them: parsing and sanitising each time dominated its render time.
    return render_markdown(text)


class CommentView(msgspec.Struct):
    id: int
    parent_id: int | None
    author_id: int
    author_name: str
    body: str
    stance: str
    official: bool
    votes: int
    created_at: dt.datetime
    edited: bool = False
    deleted: bool = False
    hidden: bool = False
    hidden_message: str = ""
    voted: bool = False
    can_edit: bool = False
    can_delete: bool = False
    can_reply: bool = False
    level: int = 0  # indentation level shown (0..MAX_LEVEL)
    reply_to_name: str = ""  # set when shown flattened at the deepest level
    more_replies: int = 0  # replies left out of this (top-level) comment on a busy page
    children: list[CommentView] = msgspec.field(default_factory=list)

    @property
    def body_html(self) -> Markup:
        return _markdown(self.body)

    @property
    def created_iso(self) -> str:
        # For <time datetime>: a method call in a template goes through Jinja's Context.call.
        return self.created_at.isoformat()


class ThreadView(msgspec.Struct):
    kind: str
    target_id: int
    url: str
    title: str
    is_open: bool
    closed_reason: str
    stances_allowed: bool
    comments: list[CommentView]  # top-level comments shown, each with its replies
    total: int  # every comment, replies and tombstones included
    top_level_total: int
    shown_all: bool
    stance_counts: dict[str, int]
    signed_in: bool
    can_post: bool
    blocked: bool
    # Posting waits for the account's e-mail address to be confirmed (the page says how).
    unconfirmed: bool = False
    # Form state after a failed post: which form (parent id, "edit-N" or "new") and what was typed.
    errors: dict[str, str] = msgspec.field(default_factory=dict)
    form: dict[str, str] = msgspec.field(default_factory=dict)
    error_form: str = ""
    reply_to: int | None = None  # show the reply form under this comment (the no-JS "Reply" link)

    @property
    def dom_id(self) -> str:
        return f"thread-{self.kind}-{self.target_id}"

    @property
    def base_path(self) -> str:
        return f"/threads/{self.kind}/{self.target_id}"
