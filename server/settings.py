"""Settings read once from the environment, validated before anything starts."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlparse

import msgspec

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(Exception):
    """A setting has a value the platform cannot start with; the message names it and says why."""


class Settings(msgspec.Struct, frozen=True):
    database_url: str
    secret_key: str
    redis_url: str | None
    var_dir: Path
    https: bool
    currency: str
    default_locale: str
    time_zone: str
    debug: bool
    smtp_url: str | None = None
    mail_from: str = "Townsquare <townsquare@localhost>"
    # The address residents use, for links in emails; None: the address the request came to.
    public_url: str | None = None
    # Where background jobs run: "in-process" (every server process) or "worker" (`townsquare worker`
    # only; `serve` runs none). server/background.py.
    jobs: str = "in-process"
    # PostgreSQL's own address for the job queue, which LISTENs (a pooler in transaction mode cannot
    # pass that on) and for migrations; None: DATABASE_URL.
    direct_database_url: str | None = None
    # DATABASE_URL leads through pgbouncer in transaction mode: no prepared statements kept by name.
    pgbouncer: bool = False
    # A read replica for public read-only pages (server/replica.py); None: everything on the primary.
    replica_database_url: str | None = None
    # Uploads: None keeps them under <var>/uploads; "s3://bucket/prefix" in S3-compatible storage.
    storage_url: str | None = None
    # The AWS_* variables (endpoint, region, keys) for S3-compatible storage, as read at start-up.
    storage_env: dict[str, str] = msgspec.field(default_factory=dict)
    # Serve public photos from S3-compatible storage as short-lived signed links instead of through the app.
    storage_signed_links: bool = False
    # "text" (for people) or "json" (one object a line, for a log collector).
    log_format: str = "text"

    @property
    def direct_url(self) -> str:
        return self.direct_database_url or self.database_url

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def var_dir_from_env(env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("TOWNSQUARE_VAR_DIR") or PROJECT_ROOT / "var")


def default_database_url(var_dir: Path) -> str:
    return f"sqlite:///{var_dir / 'townsquare.sqlite3'}"


def sqlite_path(url: str) -> Path:
    """As in SQLAlchemy: sqlite:///relative/file.db and sqlite:////absolute/file.db."""
    return Path(urlparse(url).path[1:])


def check_database_url(url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        if not parsed.path or parsed.path == "/":
            raise SettingsError(f"DATABASE_URL: '{url}' has no file path (use sqlite:////absolute/path.db)")
        return url
    if parsed.scheme in ("postgresql", "postgres"):
        if not parsed.hostname and "host=" not in parsed.query:
            raise SettingsError(f"DATABASE_URL: '{url}' names no host")
        if not parsed.path.strip("/"):
            raise SettingsError(f"DATABASE_URL: '{url}' names no database")
        return url
    raise SettingsError(
        f"DATABASE_URL: '{url}' is not supported; use sqlite:///path or postgresql://user@host/db"
    )


def check_redis_url(url: str) -> str:
    if urlparse(url).scheme not in ("redis", "rediss", "unix"):
        raise SettingsError(f"REDIS_URL: '{url}' is not a redis:// or rediss:// address")
    return url


def _secret_key(env: dict[str, str], var_dir: Path) -> str:
    key = env.get("SECRET_KEY")
    if key is not None:
        if len(key) < 32:
            raise SettingsError("SECRET_KEY: must be at least 32 characters long")
        return key
    # Generated once and kept, so sessions survive a restart on a machine with no configuration.
    key_file = var_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _flag(env: dict[str, str], name: str, default: bool = False) -> bool:
    value = env.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name}: '{value}' is not a yes/no value (use true or false)")


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read and check every setting; raises SettingsError with one line naming the bad one."""
    env = dict(os.environ if env is None else env)
    var_dir = var_dir_from_env(env)
    database_url = check_database_url(env.get("DATABASE_URL") or default_database_url(var_dir))
    redis_url = env.get("REDIS_URL") or None
    if redis_url:
        check_redis_url(redis_url)
    currency = env.get("TOWNSQUARE_CURRENCY", "USD").upper()
    if len(currency) != 3 or not currency.isalpha():
        raise SettingsError(f"TOWNSQUARE_CURRENCY: '{currency}' is not a three-letter currency code")
    locale = env.get("TOWNSQUARE_DEFAULT_LOCALE", "en")
    from server.i18n import LOCALES, catalog_path, missing_catalog

    if locale not in LOCALES:
        raise SettingsError(f"TOWNSQUARE_DEFAULT_LOCALE: '{locale}' is not one of {', '.join(LOCALES)}")
    if (untranslated := missing_catalog()) is not None:
        raise SettingsError(
            f"translations: no compiled catalog for '{untranslated}' at {catalog_path(untranslated)} "
            "(run `make compile-messages` in a checkout, or install from a wheel or sdist, which include it)")
    time_zone = env.get("TOWNSQUARE_TIME_ZONE") or "UTC"
    from server.clock import check_zone

    try:
        check_zone(time_zone)
    except ValueError:
        raise SettingsError(
            f"TOWNSQUARE_TIME_ZONE: '{time_zone}' is not a time zone name (use one like America/Chicago or UTC)"
        ) from None
    smtp_url = env.get("TOWNSQUARE_SMTP_URL") or None
    if smtp_url:
        from server.mail import check_smtp_url

        try:
            check_smtp_url(smtp_url)
        except ValueError:
            raise SettingsError(
                "TOWNSQUARE_SMTP_URL: not an smtp:// or smtps:// address with a host "
                "(use one like smtp://user:password@mail.example.org:587)") from None
    public_url = (env.get("TOWNSQUARE_PUBLIC_URL") or "").rstrip("/") or None
    if public_url and (urlparse(public_url).scheme not in ("http", "https") or not urlparse(public_url).hostname):
        raise SettingsError(f"TOWNSQUARE_PUBLIC_URL: '{public_url}' is not an http:// or https:// address")
    if smtp_url and not public_url:
        # Links in real emails must not be built from the request's Host header, which anyone can
        # set: a reset link pointing at someone else's site would hand them the token.
        raise SettingsError("TOWNSQUARE_PUBLIC_URL: must be set when TOWNSQUARE_SMTP_URL is (for links in emails)")
    mail_from = env.get("TOWNSQUARE_MAIL_FROM") or "Townsquare <townsquare@localhost>"
    jobs = env.get("TOWNSQUARE_JOBS") or "in-process"
    if jobs not in ("in-process", "worker"):
        raise SettingsError(f"TOWNSQUARE_JOBS: '{jobs}' is not in-process or worker")
    is_sqlite = database_url.startswith("sqlite")
    if jobs == "worker" and is_sqlite:
        raise SettingsError("TOWNSQUARE_JOBS: worker needs PostgreSQL (on SQLite, jobs run in the server process)")
    extra_urls: dict[str, str | None] = {}
    for name in ("TOWNSQUARE_DIRECT_DATABASE_URL", "TOWNSQUARE_REPLICA_DATABASE_URL"):
        value = env.get(name) or None
        if value is not None:
            if is_sqlite or urlparse(value).scheme not in ("postgresql", "postgres"):
                raise SettingsError(f"{name}: needs a postgresql:// DATABASE_URL and a postgresql:// address")
            check_database_url(value)
        extra_urls[name] = value
    storage_url = env.get("TOWNSQUARE_STORAGE_URL") or None
    if storage_url and (urlparse(storage_url).scheme != "s3" or not urlparse(storage_url).hostname):
        raise SettingsError(f"TOWNSQUARE_STORAGE_URL: '{storage_url}' is not an s3://bucket/prefix address")
    log_format = env.get("TOWNSQUARE_LOG_FORMAT") or "text"
    if log_format not in ("text", "json"):
        raise SettingsError(f"TOWNSQUARE_LOG_FORMAT: '{log_format}' is not text or json")
    if "@" not in mail_from:
        raise SettingsError(f"TOWNSQUARE_MAIL_FROM: '{mail_from}' has no email address in it")
    return Settings(
        database_url=database_url,
        secret_key=_secret_key(env, var_dir),
        redis_url=redis_url,
        var_dir=var_dir,
        https=_flag(env, "TOWNSQUARE_HTTPS"),
        currency=currency,
        default_locale=locale,
        time_zone=time_zone,
        debug=_flag(env, "TOWNSQUARE_DEBUG"),
        smtp_url=smtp_url,
        mail_from=mail_from,
        public_url=public_url,
        jobs=jobs,
        direct_database_url=extra_urls["TOWNSQUARE_DIRECT_DATABASE_URL"],
        pgbouncer=_flag(env, "TOWNSQUARE_PGBOUNCER"),
        replica_database_url=extra_urls["TOWNSQUARE_REPLICA_DATABASE_URL"],
        storage_url=storage_url,
        storage_env={k: v for k, v in env.items() if k.startswith("AWS_")} if storage_url else {},
        storage_signed_links=_flag(env, "TOWNSQUARE_STORAGE_SIGNED_LINKS"),
        log_format=log_format,
    )
