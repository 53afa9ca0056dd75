from piccolo.columns import Boolean, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.neighborhoods.tables import Neighborhood


class Account(Table):
    """A person who signs in. Youth is not a role: ballots derive it from `birth_year`."""

    display_name = Varchar(length=80, null=False)
    # Stored lower-cased so that sign-in and uniqueness ignore case.
    email = Varchar(length=254, unique=True, null=False)
    password_hash = Varchar(length=255, null=False)
    neighborhood = ForeignKey(references=Neighborhood, null=False)
    birth_year = Integer(null=False)
    role = Varchar(length=20, default="resident", null=False)
    locale = Varchar(length=10, null=True, default=None)
    blocked = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    # Stamped into each session at sign-in. Resetting or changing the password raises it, which
    # signs the account out everywhere else: the session store has no index by account to delete from.
    session_version = Integer(default=0, null=False)
    # Opt-in: a short email when notifications arrive (server/notifications/emails.py).
    email_notifications = Boolean(default=False, null=False)
    # When the last of those emails went out: at most one an hour per person.
    notification_email_at = Timestamptz(null=True, default=None)
    # When the person opened the link sent to their address (server/accounts/confirmation.py). Until
    # then they can read but not post, support or vote: anyone can type any address at sign-up.
    confirmed_at = Timestamptz(null=True, default=None)
    # How the neighborhood and birth year were last verified ("" never, "roll", "in_person"; see
    # server/verification): while set, they change only through a new verification.
    verified_via = Varchar(length=20, default="", null=False)
    verified_at = Timestamptz(null=True, default=None)


class PasswordReset(Table):
    """A link sent to an account's email address to choose a new password. Only a hash of the
    token is kept, so a copy of the database cannot be used to take over accounts."""

    account = ForeignKey(references=Account, null=False, on_delete=OnDelete.cascade)
    token_hash = Varchar(length=64, unique=True, null=False)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(null=False)
    used_at = Timestamptz(null=True, default=None)


class EmailConfirmation(Table):
    """A link sent to a new account's address to confirm it; hashed at rest like PasswordReset."""

    account = ForeignKey(references=Account, null=False, on_delete=OnDelete.cascade)
    token_hash = Varchar(length=64, unique=True, null=False)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(null=False)
    used_at = Timestamptz(null=True, default=None)
