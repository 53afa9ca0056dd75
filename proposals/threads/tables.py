from piccolo.columns import Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Account


class Comment(Table):
    """A comment on any target (target_kind, target_id), e.g. ("draft_section", 5). Replies point
    at their parent; `depth` is 0 for top-level comments. Deleting by the author keeps the row as a
    tombstone (body emptied, `deleted_at` set) so replies stay in place."""

    target_kind = Varchar(length=30, null=False)
    target_id = Integer(null=False)
    parent = ForeignKey(references="self", null=True, default=None)
    depth = Integer(default=0)
    author = ForeignKey(references=Account, null=False)
    body = Text(default="")
    stance = Varchar(length=12, default="")  # supports | concerns | neutral, top level only
    official = Boolean(default=False)  # written by council staff: shown as an official response
    vote_count = Integer(default=0)  # kept in step with CommentVote inside the same transaction
    created_at = Timestamptz(default=TimestamptzNow())
    edited_at = Timestamptz(null=True, default=None)
    deleted_at = Timestamptz(null=True, default=None)


class CommentVote(Table):
    """One up-vote per person per comment (unique index on comment, voter)."""

    comment = ForeignKey(references=Comment, null=False)
    voter = ForeignKey(references=Account, null=False)
    created_at = Timestamptz(default=TimestamptzNow())
