"""Survey tables. Secrecy as for ballots (ballots/DESIGN.md, indicators/surveys/DESIGN.md):
`SurveyParticipation` says who answered, `SealedResponse` holds what they answered, encrypted, while
the survey is open; at close every sealed response is written out at once, in a random order with
random keys, as a `SurveyResponse` (answers only), `TextAnswer`s (free text, for moderation) and
counts per group (`SurveyTally`, `SurveyGroup`). No row written at close carries a date, an
increasing id or the respondent's neighborhood or age: those exist only as counts."""

from piccolo.columns import JSON, UUID, Boolean, Bytea, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Account
from server.neighborhoods.tables import Neighborhood


class Survey(Table):
    """A survey: texts as translation objects; an audience (neighborhood, age window) judged by the
    ballots' eligibility rules; open between `opens_at` and `closes_at` once `published`."""

    title = JSON(default="{}")
    intro = JSON(default="{}")
    neighborhood = ForeignKey(references=Neighborhood, null=True, default=None)
    age_min = Integer(null=True, default=None)
    age_max = Integer(null=True, default=None)
    # "confirmed": any account with a confirmed e-mail address; "verified": verified residents only
    # (surveys/audience.py, by the ballots' rules).
    voters = Varchar(length=20, default="confirmed", null=False)
    opens_at = Timestamptz(null=False)
    closes_at = Timestamptz(null=False)
    published = Boolean(default=False)
    # Keys of its sealed responses come from SECRET_KEY and this salt (surveys/sealing.py).
    seal_salt = Varchar(length=64, default="", null=False)
    key_check = Varchar(length=64, default="", null=False)
    # Set when the sealed responses have been written out (after close).
    counted = Boolean(default=False)
    created_by = ForeignKey(references=Account, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class SurveyQuestion(Table):
    """`kind`: single, multiple, likert, text. `options`: a list of translation objects (choices);
    `scale`: the number of points of a Likert question (its labels are the first and last options).
    `trust`: the question counts towards the trust index."""

    survey = ForeignKey(references=Survey, null=False)
    position = Integer(default=0, null=False)
    kind = Varchar(length=10, null=False)
    text = JSON(default="{}")
    options = JSON(default="[]")
    scale = Integer(default=5, null=False)
    required = Boolean(default=False)
    trust = Boolean(default=False)


class SurveyParticipation(Table):
    """Who has answered (unique on survey and account through an index); no date, no answer."""

    survey = ForeignKey(references=Survey, null=False)
    account = ForeignKey(references=Account, null=False)


class SealedResponse(Table):
    """A response while the survey is open: one AES-GCM ciphertext padded to the survey's length."""

    id = UUID(primary_key=True)
    survey = ForeignKey(references=Survey, null=False)
    sealed = Bytea(default=b"")


class SurveyResponse(Table):
    """A counted response: the chosen answers by question id, nothing else."""

    id = UUID(primary_key=True)
    survey = ForeignKey(references=Survey, null=False)
    answers = JSON(default="{}")


class TextAnswer(Table):
    """A free-text answer; published only after moderation. `status`: pending, published, rejected."""

    id = UUID(primary_key=True)
    survey = ForeignKey(references=Survey, null=False)
    question = Integer(null=False)
    body = Text(null=False)
    status = Varchar(length=10, default="pending", null=False)


class SurveyTally(Table):
    """How many chose `answer` (an option's index, or a Likert point) of a question, in a group:
    `dimension` "" (everyone), "neighborhood" (its id), "age" (a band), "language", "channel"."""

    survey = ForeignKey(references=Survey, null=False)
    question = Integer(null=False)
    answer = Integer(null=False)
    dimension = Varchar(length=12, default="", null=False)
    grp = Varchar(length=40, default="", null=False)
    n = Integer(default=0, null=False)


class SurveyGroup(Table):
    """How many people in a group answered a question (`question` 0: responded at all)."""

    survey = ForeignKey(references=Survey, null=False)
    question = Integer(null=False)
    dimension = Varchar(length=12, default="", null=False)
    grp = Varchar(length=40, default="", null=False)
    n = Integer(default=0, null=False)
