from piccolo.columns import Bytea, Integer, Timestamptz, Varchar
from piccolo.table import Table


class StoreEntry(Table):
    """Key-value rows behind the database session store (used when no REDIS_URL is set)."""

    namespace = Varchar(length=40, null=False)
    key = Varchar(length=200, null=False)
    value = Bytea(null=False)
    expires_at = Timestamptz(null=True, default=None)


class RateCounter(Table):
    """Hits per rate-limit bucket and fixed window; one row per (bucket, window)."""

    bucket = Varchar(length=300, null=False, unique=True)
    hits = Integer(default=0)
    expires_at = Timestamptz(null=False)
