"""The app factory: one place that wires settings, database, sessions, security and every domain
(the domains' routes, jobs and rate limiters come from their manifests, server/domains.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.static_files import create_static_files_router
from litestar.stores.base import Store
from litestar.stores.redis import RedisStore
from piccolo.engine.base import Engine

from server import clock
from server.accounts.service import (
    SIGN_IN_FAILURES_PER_ACCOUNT,
    SIGN_IN_FAILURES_PER_CLIENT,
    Throttles,
)
from server.api_docs import RENDER_PLUGINS as API_DOCS_RENDER_PLUGINS
from server.background import Job, Runner
from server.current_user import CurrentUserMiddleware
from server.database import (
    PooledSQLiteEngine,
    bind_engine,
    close_postgres_pool,
    engine_for,
    is_sqlite,
    start_postgres_pool,
)
from server.domains import registry
from server.errors import EXCEPTION_HANDLERS
from server.logs import configure_logging
from server.mail import mailer_for
from server.notifications.emails import send_notification_emails
from server.replica import ReplicaReadsMiddleware
from server.secret import set_secret_key
from server.security_headers import security_headers_hook
from server.sessions import RotatingSessionConfig
from server.settings import Settings, load_settings
from server.storage import storage_from
from server.stores.database_store import DatabaseStore
from server.stores.ratelimit import CounterBackend, DatabaseCounters, RateLimiter, RedisCounters
from server.templating import STATIC_DIR, template_config
from server.throttle import Throttle

SESSION_MAX_AGE = 14 * 24 * 3600


def _stores(settings: Settings) -> tuple[Store, CounterBackend]:
    if settings.redis_url:
        redis = RedisStore.with_client(url=settings.redis_url, namespace="townsquare:sessions")
        return redis, RedisCounters(settings.redis_url)
    return DatabaseStore("sessions"), DatabaseCounters()


def host_jobs(settings: Settings, mailer: Any, site_url: Callable[[], str]) -> list[Job]:
    """The host's jobs that need what the app builds from settings (its mailer, its address); the
    worker builds the same from the same settings."""
    return [Job("email-notifications", 60,
                lambda: send_notification_emails(mailer, site_url(), settings.default_locale))]


def create_app(settings: Settings | None = None, engine: Engine | None = None, run_jobs: bool = True) -> Litestar:
    """Build the app. `engine` lets tests pass an engine they manage; otherwise one is made from
    DATABASE_URL, and a PostgreSQL connection pool is opened while the app runs. Background jobs
    (server/background.py) run while the app is served."""
    settings = settings or load_settings()
    clock.set_zone(settings.time_zone)
    domains = registry()
    set_secret_key(settings.secret_key)
    owns_engine = engine is None
    engine = engine or engine_for(settings)
    bind_engine(engine)
    session_store, counters = _stores(settings)
    throttles = Throttles(
        sign_in_account=RateLimiter(counters, SIGN_IN_FAILURES_PER_ACCOUNT, 60),
        # Per address: no lockout (a whole school signs in from one), failures past the allowance wait.
        sign_in_client=Throttle(counters, SIGN_IN_FAILURES_PER_CLIENT, 600),
        sign_up_client=RateLimiter(counters, 10, 3600),
        sign_up_account=RateLimiter(counters, 5, 3600),
        reset_client=RateLimiter(counters, 10, 3600),
        reset_account=RateLimiter(counters, 3, 3600),
    )
    templates = template_config(settings.currency, auto_reload=settings.debug)

    mailer = mailer_for(settings.smtp_url, settings.mail_from, settings.var_dir)
    # Without TOWNSQUARE_PUBLIC_URL, links in emails use the address the site was last reached at (as
    # the README says), and the one `make run` serves until a first request arrives.
    seen_url = {"url": "http://127.0.0.1:8000"}

    async def remember_address(request: Any) -> None:
        if not settings.public_url:
            seen_url["url"] = str(request.base_url).rstrip("/")

    def site_url() -> str:
        return settings.public_url or seen_url["url"]

    jobs = Runner(host_jobs(settings, mailer, site_url),
                  queue_url=None if is_sqlite(engine) else settings.direct_url)

    async def start() -> None:
        configure_logging(settings.log_format)
        if owns_engine and not is_sqlite(engine):
            await start_postgres_pool(engine)  # type: ignore[arg-type]
        # With a worker configured (TOWNSQUARE_JOBS=worker), `townsquare worker` runs every job.
        if run_jobs and settings.jobs == "in-process":
            await jobs.start()

    async def stop() -> None:
        await jobs.stop()
        if owns_engine and isinstance(engine, PooledSQLiteEngine):
            await engine.close_idle_connections()
        elif owns_engine:
            await close_postgres_pool(engine)  # type: ignore[arg-type]

    session_config = RotatingSessionConfig(
        store="sessions",
        key="townsquare_session",
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=settings.https,
    )
    csrf = CSRFConfig(
        secret=settings.secret_key,
        cookie_name="townsquare_csrf",
        cookie_secure=settings.https,
        cookie_httponly=True,
        cookie_samesite="lax",
        header_name="x-csrftoken",
    )
    logging.getLogger("townsquare").setLevel(logging.INFO)
    return Litestar(
        route_handlers=[
            *domains.routes,
            create_static_files_router(path="/static", directories=[STATIC_DIR], name="static",
                                       include_in_schema=False, send_as_attachment=False),
        ],
        middleware=[session_config.middleware, CurrentUserMiddleware(), ReplicaReadsMiddleware()],
        before_send=[security_headers_hook(settings.https)],
        before_request=remember_address,
        stores={"sessions": session_store},
        csrf_config=csrf,
        template_config=templates,
        plugins=[HTMXPlugin(), FlashPlugin(config=FlashConfig(template_config=templates))],
        exception_handlers=EXCEPTION_HANDLERS,
        on_startup=[start],
        on_shutdown=[stop],
        state=State({"settings": settings, "throttles": throttles, "default_locale": settings.default_locale,
                     # Uploads, local or shared by every host (server/storage.py, server/photos.py).
                     "storage": storage_from(settings.storage_url, settings.var_dir,
                                             signed_links=settings.storage_signed_links, env=settings.storage_env),
                     "mailer": mailer, "site_url": site_url,
                     "engine": engine,
                     # The domains' rate limiters, each under the name its manifest gives it.
                     # Each is also a Throttle: past its limit, failures slow the address down.
                     **{name: Throttle(counters, limiter.limit, limiter.window_seconds)
                        for name, limiter in domains.rate_limiters.items()}}),
        openapi_config=OpenAPIConfig(title="Townsquare open data API", version="1", path="/api/schema",
                                     render_plugins=API_DOCS_RENDER_PLUGINS),
        debug=settings.debug,
    )
