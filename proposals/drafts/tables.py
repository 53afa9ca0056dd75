from piccolo.columns import Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Account


class Draft(Table):
    """A draft procedure the council puts up for co-creation. Residents may comment from
    `comment_opens` to `comment_closes` inclusive, once a version is published."""

    title = Varchar(length=160, null=False)
    summary = Text(default="")
    created_by = ForeignKey(references=Account, null=False)
    comment_opens = Date(null=True, default=None)
    comment_closes = Date(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class DraftVersion(Table):
    """A numbered version. The council edits one working copy (`published_at` is null); once
    published a version never changes, so every version stays readable."""

    draft = ForeignKey(references=Draft, null=False)
    number = Integer(null=False)
    changelog = Text(default="")
    published_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class SectionKey(Table):
    """The stable identity of a section across versions: diffs match sections by it, and the
    section's comment thread, amendments and summary hang off it (thread kind "draft_section")."""

    draft = ForeignKey(references=Draft, null=False)


class DraftSection(Table):
    version = ForeignKey(references=DraftVersion, null=False)
    key = ForeignKey(references=SectionKey, null=False)
    position = Integer(null=False)
    heading = Varchar(length=200, null=False)
    body = Text(default="")  # Markdown


class Amendment(Table):
    """Replacement text for a section proposed by a resident. `status`: pending, accepted,
    declined; accepted ones are applied to the next version (`applied_version`)."""

    draft = ForeignKey(references=Draft, null=False)
    section_key = ForeignKey(references=SectionKey, null=False)
    base_version = Integer(null=False)
    author = ForeignKey(references=Account, null=False)
    text = Text(null=False)
    reason = Text(null=False)
    status = Varchar(length=12, default="pending", null=False)
    decision_reason = Text(default="")
    decided_by = ForeignKey(references=Account, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    applied_version = Integer(null=True, default=None)
    support_count = Integer(default=0)  # kept in step with AmendmentSupport in one transaction
    created_at = Timestamptz(default=TimestamptzNow())


class AmendmentSupport(Table):
    amendment = ForeignKey(references=Amendment, null=False)
    supporter = ForeignKey(references=Account, null=False)
    created_at = Timestamptz(default=TimestamptzNow())


class SectionSummary(Table):
    """The council's one answer to a whole section: what it heard and what it will do."""

    section_key = ForeignKey(references=SectionKey, null=False, unique=True)
    author = ForeignKey(references=Account, null=False)
    body = Text(null=False)
    updated_at = Timestamptz(default=TimestamptzNow())


class DraftFollow(Table):
    """A resident following a published draft procedure: told of new versions and new comments.
    Unique per (draft, account) through an index."""

    draft = ForeignKey(references=Draft, null=False)
    account = ForeignKey(references=Account, null=False)
    created_at = Timestamptz(default=TimestamptzNow())
