from piccolo.columns import Boolean, DoublePrecision, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Account
from server.neighborhoods.tables import Neighborhood


class ConcernCategory(Table):
    """A service the council offers (Open311's "service"): who is responsible and how fast they
    promise to answer. `oversight`: routed to the independent oversight body instead of the council's
    teams. `sensitive`: appears in public only as counts, never with a place or a text."""

    code = Varchar(length=40, unique=True, null=False)
    name = Varchar(length=120, null=False)
    description = Text(default="")
    team = Varchar(length=120, null=False)
    first_response_days = Integer(default=2, null=False)
    resolution_days = Integer(default=30, null=False)
    sensitive = Boolean(default=False)
    oversight = Boolean(default=False)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Concern(Table):
    """One case. `account` is set only when the reporter chose to be known (identity "named" or
    "private"); an anonymous report stores nothing about who sent it, only the hash of its follow-up
    code. `lat`/`long`/`address` are what the reporter gave (private); `public_place`, `public_lat`
    and `public_long` are the coarsened forms that may be published (concerns/location.py)."""

    category = ForeignKey(references=ConcernCategory, null=False)
    neighborhood = ForeignKey(references=Neighborhood, null=False)
    description = Text(null=False)
    description_public = Boolean(default=False)  # the reporter allowed it
    description_approved = Boolean(default=False)  # staff approved it for publication
    # Who approved it: answers for it to moderation when the reporter is anonymous.
    approved_by = ForeignKey(references=Account, null=True, default=None, on_delete=OnDelete.set_null)
    identity = Varchar(length=12, null=False)  # named, private, anonymous
    account = ForeignKey(references=Account, null=True, default=None)
    followup_hash = Varchar(length=64, null=True, default=None, unique=True)
    language = Varchar(length=8, default="en")
    channel = Varchar(length=12, default="web")  # web, phone, paper, in_person, outreach, partner, open311
    # Staff or the partner who typed it in (intake); kept if their account goes.
    entered_by = ForeignKey(references=Account, null=True, default=None, on_delete=OnDelete.set_null)
    address = Varchar(length=200, default="")
    lat = DoublePrecision(null=True, default=None)
    long = DoublePrecision(null=True, default=None)
    public_place = Varchar(length=200, default="")
    public_lat = DoublePrecision(null=True, default=None)
    public_long = DoublePrecision(null=True, default=None)
    photo_name = Varchar(length=80, null=True, default=None)
    photo_alt = Varchar(length=300, null=True, default=None)
    photo_public = Boolean(default=False)
    status = Varchar(length=20, default="received", null=False)
    team = Varchar(length=120, default="")
    referred_to = Varchar(length=120, default="")
    duplicate_of = Integer(null=True, default=None)
    resolution_method = Varchar(length=20, null=True, default=None)
    without_escalation = Boolean(null=True, default=None)
    disputes = Integer(default=0)
    received_at = Timestamptz(default=TimestamptzNow())
    first_response_at = Timestamptz(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    first_response_due = Timestamptz(null=False)
    resolution_due = Timestamptz(null=False)
    overdue_noticed_at = Timestamptz(null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())


class ConcernEvent(Table):
    """A step in a case's timeline. `public`: shown on the public page (status changes with their
    plain-words note); otherwise only the reporter and those handling the case read it (the reporter's
    added information, staff questions and the reporter's answers, disputes' reasons). Staff-only
    notes are not events at all: they live in ConcernNote, so no page can show them by mistake."""

    concern = ForeignKey(references=Concern, null=False)
    kind = Varchar(length=20, null=False)  # status, info, question, dispute, confirmed, assigned
    status_from = Varchar(length=20, null=True, default=None)
    status_to = Varchar(length=20, null=True, default=None)
    note = Text(default="")
    public = Boolean(default=False)
    by_reporter = Boolean(default=False)
    author = ForeignKey(references=Account, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())


class ConcernNote(Table):
    """An internal note by staff (or the oversight body) on a case: never public, never the reporter's."""

    concern = ForeignKey(references=Concern, null=False)
    author = ForeignKey(references=Account, null=False)
    body = Text(null=False)
    created_at = Timestamptz(default=TimestamptzNow())


class ConcernFollow(Table):
    concern = ForeignKey(references=Concern, null=False)
    account = ForeignKey(references=Account, null=False)
    created_at = Timestamptz(default=TimestamptzNow())


class ConcernLink(Table):
    """A case linked to an item of another domain, as (kind, id) resolved through server/links.py."""

    concern = ForeignKey(references=Concern, null=False)
    kind = Varchar(length=40, null=False)
    target_id = Integer(null=False)
    created_at = Timestamptz(default=TimestamptzNow())


class Open311Key(Table):
    """An API key the council issued to a partner app for POSTing requests; only its hash is kept."""

    name = Varchar(length=120, null=False)
    key_hash = Varchar(length=64, unique=True, null=False)
    created_by = ForeignKey(references=Account, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    revoked_at = Timestamptz(null=True, default=None)
