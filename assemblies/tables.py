"""Tables of the assemblies domain. Moments are stored in UTC (server/clock.py); links to items of
other domains are (kind, id) pairs resolved through server/links.py, never foreign keys, so this app
depends on no other domain's tables."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Account
from server.neighborhoods.tables import Neighborhood


class Body(Table, tablename="assembly_body"):
    """An advisory board or task force. `neighborhood` None: city-wide. `kind`: board, task_force."""

    name = Varchar(length=200, null=False)
    kind = Varchar(length=20, default="board", null=False)
    purpose = Text(null=False)
    neighborhood = ForeignKey(references=Neighborhood, null=True, default=None)
    start_date = Date(null=False)
    end_date = Date(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Membership(Table, tablename="assembly_membership"):
    """A Popolo membership: a person (an account, or a named person without one) in a role on a
    body for a term. Co-chairs and chairs with an account may run their body's meetings."""

    body = ForeignKey(references=Body, null=False)
    account = ForeignKey(references=Account, null=True, default=None)
    person_name = Varchar(length=200, null=False)
    role = Varchar(length=20, null=False)
    label = Varchar(length=200, default="", null=False)
    start_date = Date(null=False)
    end_date = Date(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Meeting(Table):
    """An assembly, listening session, town hall or a body's meeting, for the neighborhoods in
    MeetingNeighborhood (none: city-wide).
    `sequence` is the iCalendar SEQUENCE, raised on every change calendars must notice. The minutes
    live on the meeting (one set per meeting), published when `minutes_published_at` is set."""

    body = ForeignKey(references=Body, null=True, default=None)
    title = Varchar(length=200, null=False)
    kind = Varchar(length=20, null=False)
    description = Text(default="", null=False)
    starts_at = Timestamptz(null=False)
    ends_at = Timestamptz(null=False)
    mode = Varchar(length=20, default="in_person", null=False)
    address = Varchar(length=300, default="", null=False)
    accessibility = Text(default="", null=False)
    online_url = Varchar(length=500, default="", null=False)
    languages = Varchar(length=200, default="", null=False)
    interpretation = Varchar(length=300, default="", null=False)
    childcare = Boolean(default=False, null=False)
    capacity = Integer(null=True, default=None)
    registration = Boolean(default=False, null=False)
    status = Varchar(length=20, default="scheduled", null=False)
    cancel_reason = Text(default="", null=False)
    sequence = Integer(default=0, null=False)
    attendance = Integer(null=True, default=None)
    summary = Text(default="", null=False)
    decisions = Text(default="", null=False)
    recommendations = Text(default="", null=False)
    recording_url = Varchar(length=500, default="", null=False)
    minutes_published_at = Timestamptz(null=True, default=None)
    created_by = ForeignKey(references=Account, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class MeetingNeighborhood(Table):
    """A neighborhood a meeting is for; unique per (meeting, neighborhood) through an index."""

    meeting = ForeignKey(references=Meeting, null=False)
    neighborhood = ForeignKey(references=Neighborhood, null=False)


class AgendaItem(Table):
    """One item of a meeting's agenda, ordered by `position` under its `parent` (None: top level),
    optionally about an item of another domain (`link_kind`, `link_id`)."""

    meeting = ForeignKey(references=Meeting, null=False)
    parent = ForeignKey(references="self", null=True, default=None)
    position = Integer(null=False)
    title = Varchar(length=300, null=False)
    notes = Text(default="", null=False)
    duration_minutes = Integer(null=True, default=None)
    link_kind = Varchar(length=40, null=True, default=None)
    link_id = Integer(null=True, default=None)


class Registration(Table, tablename="meeting_registration"):
    """A resident registered for a meeting; unique per (meeting, account) through an index."""

    meeting = ForeignKey(references=Meeting, null=False)
    account = ForeignKey(references=Account, null=False)
    created_at = Timestamptz(default=TimestamptzNow())


class Commitment(Table):
    """A public commitment: what will be done, by whom, by when, and where it came from (`source_kind`,
    `source_id`: a meeting, a proposal, a draft section, a concern...). `promised_date` is the first
    date given and never changes; `due_date` is the current one (revisions in CommitmentRevision).
    `done_on` is the city's date it was marked done; `overdue_noticed_on` the due date followers were
    last told was missed (so they are told once per date)."""

    title = Varchar(length=300, null=False)
    description = Text(default="", null=False)
    owner = Varchar(length=200, null=False)
    source_kind = Varchar(length=40, null=True, default=None)
    source_id = Integer(null=True, default=None)
    neighborhood = ForeignKey(references=Neighborhood, null=True, default=None)
    promised_date = Date(null=False)
    due_date = Date(null=False)
    status = Varchar(length=20, default="open", null=False)
    status_reason = Text(default="", null=False)
    done_on = Date(null=True, default=None)
    overdue_noticed_on = Date(null=True, default=None)
    created_by = ForeignKey(references=Account, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class CommitmentEvent(Table):
    """The commitment's public timeline, never edited: a progress update, a status change (from ->
    to, with its reason in `body`) or a revised date (from -> to, with its reason)."""

    commitment = ForeignKey(references=Commitment, null=False)
    kind = Varchar(length=20, null=False)  # update, status, revision
    body = Text(default="", null=False)
    status_from = Varchar(length=20, null=True, default=None)
    status_to = Varchar(length=20, null=True, default=None)
    date_from = Date(null=True, default=None)
    date_to = Date(null=True, default=None)
    author = ForeignKey(references=Account, null=True, default=None)
    author_name = Varchar(length=80, default="", null=False)
    created_at = Timestamptz(default=TimestamptzNow())


class Follow(Table, tablename="assembly_follow"):
    """A person following a meeting, a body or a commitment (`target_kind`); unique per
    (target_kind, target_id, account) through an index."""

    target_kind = Varchar(length=20, null=False)
    target_id = Integer(null=False)
    account = ForeignKey(references=Account, null=False)
    created_at = Timestamptz(default=TimestamptzNow())
