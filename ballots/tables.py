"""Ballot tables. Secrecy by design: `Participation` says who voted on which ballot, `CastBallot` holds
what was voted, and nothing links the two. A cast ballot's key is a random UUID (not an increasing
id) and its only date is the day it was cast, so no export can be put back into casting order."""

from piccolo.columns import JSON, UUID, Boolean, Bytea, Date, ForeignKey, Integer, SmallInt, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from proposals.tables import BudgetCycle, Proposal
from server.accounts.tables import Account
from server.neighborhoods.tables import Neighborhood


class Ballot(Table):
    """One vote on one fund: a neighborhood's fund (`neighborhood` set) or a city-wide fund
    (`neighborhood` empty, usually the youth fund with an age window). Settings are frozen once
    `opens_at` has passed; only `closes_at` may then move later (see BallotChange)."""

    cycle = ForeignKey(references=BudgetCycle, null=False)
    neighborhood = ForeignKey(references=Neighborhood, null=True, default=None)
    title = Varchar(length=120, null=False)
    explanation = Text(default="")
    budget = Integer(null=False)
    max_ranks = Integer(null=False)
    min_ranks = Integer(default=1, null=False)
    age_min = Integer(null=True, default=None)
    age_max = Integer(null=True, default=None)
    opens_at = Timestamptz(null=False)
    closes_at = Timestamptz(null=False)
    rule = Varchar(length=10, default="mes", null=False)
    # Another ballot of the same cycle decided before this one: a project on both that the earlier
    # ballot funds leaves this ballot's count. Without it no project may be on both (one fund each).
    decided_after = Integer(null=True, default=None)
    # Who may vote, by how they show it (ballots/eligibility.py VOTERS): any confirmed account, verified
    # residents, access code holders, or a combination. Frozen with the other settings.
    voters = Varchar(length=20, default="confirmed_codes", null=False)
    # Salt for hashing this ballot's access codes and receipts (HMAC-SHA256 key).
    salt = Varchar(length=64, null=False)
    # Sealing (ballots/sealing.py): with SECRET_KEY, `seal_salt` derives the keys of the ballot's
    # sealed rows; `key_check` tells at start-up whether SECRET_KEY is still the one they need.
    seal_salt = Varchar(length=64, default="", null=False)
    key_check = Varchar(length=64, default="", null=False)
    created_by = ForeignKey(references=Account, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class BallotCandidate(Table):
    """A project on a ballot, at the cost the council accepted (the proposal's final cost)."""

    ballot = ForeignKey(references=Ballot, null=False)
    proposal = ForeignKey(references=Proposal, null=False)
    cost = Integer(null=False)
    position = Integer(default=0)


class BallotChange(Table):
    """Changes made to a ballot after voting opened (only the closing time can move): who, when, what."""

    ballot = ForeignKey(references=Ballot, null=False)
    changed_by = ForeignKey(references=Account, null=True, default=None)
    changed_at = Timestamptz(default=TimestamptzNow())
    field = Varchar(length=40, null=False)
    old_value = Varchar(length=200, default="")
    new_value = Varchar(length=200, default="")


class AccessCode(Table):
    """A single-use code for voting without an account. Only a hash is kept: the plain code exists
    once, on the printed sheet or CSV the council generated. Used-ness is the Participation row."""

    ballot = ForeignKey(references=Ballot, null=False)
    code_hash = Varchar(length=64, null=False, unique=True)
    batch = Integer(default=1, null=False)
    label = Varchar(length=120, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class Participation(Table):
    """Who has voted on a ballot (an account or an access code), never what they voted. Unique
    indexes on (ballot, account) and (ballot, access_code) make one voter one ballot, even when
    requests race. Deliberately no date: with the ballot's `cast_on`, it would let someone pair a
    voter with a ballot on a day when few people voted."""

    ballot = ForeignKey(references=Ballot, null=False)
    account = ForeignKey(references=Account, null=True, default=None)
    access_code = ForeignKey(references=AccessCode, null=True, default=None)


class CastBallot(Table):
    """A counted ballot, written only when voting has closed (ballots/service.py `unseal`): all of a
    ballot's rows in one transaction, in a random order, with a random key. It holds the ranking and
    the receipt's published `fingerprint`, nothing else: `origin` and `age_band` are empty and
    `cast_on` is the closing day for every row (turnout lives in TurnoutCount).

    Rows written by older versions while voting was open (origin, age band, the day cast, the
    receipt's salted hash in `receipt_hash`, `superseded`) are still read until the close rewrites them."""

    id = UUID(primary_key=True)
    ballot = ForeignKey(references=Ballot, null=False)
    ranking = JSON(default="[]")
    origin = Varchar(length=10, null=False)
    age_band = Varchar(length=10, default="")
    receipt_hash = Varchar(length=64, null=True, default=None, unique=True)
    cast_on = Date(null=False)
    superseded = Boolean(default=False)
    fingerprint = Varchar(length=64, null=True, default=None)


class SealedBallot(Table):
    """A ballot cast while voting is open: one AES-GCM ciphertext of everything about it (ballots/sealing.py),
    padded to one length per ballot. `lookup` (an HMAC of the receipt under a key derived from
    SECRET_KEY) lets the receipt check find it; `superseded` marks a replaced ballot. Deleted when
    the ballot closes and its ballots are written out as CastBallot rows."""

    id = UUID(primary_key=True)
    ballot = ForeignKey(references=Ballot, null=False)
    lookup = Varchar(length=64, null=True, default=None, unique=True)
    sealed = Bytea(default=b"")
    superseded = Boolean(default=False)


class TurnoutCount(Table):
    """How many ballots count, per ballot, origin and age band: turnout without reading a single
    ballot, while sealed and after. A group's count is the sum of its rows, one per `shard` (unique on
    the four): each cast adds to a random shard, so simultaneous casts do not queue on one row's lock
    (issue 21, ballots/service.py `TURNOUT_SHARDS`)."""

    ballot = ForeignKey(references=Ballot, null=False)
    origin = Varchar(length=10, default="", null=False)
    age_band = Varchar(length=10, default="", null=False)
    n = Integer(default=0, null=False)
    shard = SmallInt(default=0, null=False)


class PaperSheet(Table):
    """A paper ballot being typed in: the first entry waits until a second staff member enters the
    same sheet; equal rankings confirm it (and create its CastBallot), different ones flag it.
    `status`: pending, confirmed, mismatch. One row per (ballot, sheet reference) and per (ballot,
    `sheet_key`): the reference as first typed is shown, the key (ballots/codes.py `sheet_ref`: case,
    spaces and dashes ignored) is what makes "a-12" and "A 12" one sheet."""

    ballot = ForeignKey(references=Ballot, null=False)
    sheet_ref = Varchar(length=40, null=False)
    sheet_key = Varchar(length=40, default="", null=False)
    first_ranking = JSON(default="[]")
    first_age_band = Varchar(length=10, default="")
    first_by = ForeignKey(references=Account, null=False)
    second_ranking = JSON(null=True, default=None)
    second_age_band = Varchar(length=10, default="")
    second_by = ForeignKey(references=Account, null=True, default=None)
    status = Varchar(length=10, default="pending", null=False)
    entered_at = Timestamptz(default=TimestamptzNow())


class CodeBatch(Table):
    """A batch of access codes for one ballot (`number` is AccessCode.batch): its name, how many,
    the age window its codes carry (ballots/batches.py), the partner who hands them out, who issued
    it and when. After voting opens a batch is first `requested` and gets its codes only when a second
    council member confirms (`confirmed_by`); such batches are public (`after_opening`). A `voided`
    batch's unused codes stop working, publicly. `sheet` keeps the plain codes for printing, sealed
    under a key derived from SECRET_KEY. Unique on (ballot, number)."""

    ballot = ForeignKey(references=Ballot, null=False)
    number = Integer(null=False)
    name = Varchar(length=120, default="")
    quantity = Integer(null=False)
    age_min = Integer(null=True, default=None)
    age_max = Integer(null=True, default=None)
    partner = ForeignKey(references=Account, null=True, default=None)
    status = Varchar(length=10, default="issued", null=False)
    after_opening = Boolean(default=False, null=False)
    requested_by = ForeignKey(references=Account, null=True, default=None)
    requested_at = Timestamptz(default=TimestamptzNow())
    confirmed_by = ForeignKey(references=Account, null=True, default=None)
    issued_at = Timestamptz(null=True, default=None)
    voided_by = ForeignKey(references=Account, null=True, default=None)
    voided_at = Timestamptz(null=True, default=None)
    void_reason = Varchar(length=200, default="")
    sheet = Bytea(default=b"")


class BoothCheckIn(Table):
    """A voter checked in at a polling booth, who is handed a paper sheet: written in the same
    transaction as their Participation row (so online voting is refused afterwards, and a voter who
    voted online is refused a sheet). Who checked them in (council or a partner) and the day only:
    no time and no sheet reference, so nothing pairs a check-in with the sheet typed in later."""

    ballot = ForeignKey(references=Ballot, null=False)
    account = ForeignKey(references=Account, null=True, default=None)
    access_code = ForeignKey(references=AccessCode, null=True, default=None)
    checked_in_by = ForeignKey(references=Account, null=False)
    checked_in_on = Date(null=False)
