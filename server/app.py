"""The app factory: one place that wires settings, database, sessions, security and every domain
(the domains' routes, jobs and rate limiters come from their manifests, server/domains.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
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
    owns_engine = engine is None
    app = build_app(settings)
    bind_deployment(app, settings, engine or engine_for(settings), owns_engine=owns_engine, run_jobs=run_jobs)
    return app


def app_shape(settings: Settings) -> str:
    """What `build_app` reads of the settings: two settings with the same shape may share one built
    app (tests do, binding each test's database and folders with `bind_deployment`)."""
    return repr(msgspec.structs.replace(settings, database_url="", var_dir=Path("."), storage_url=None,
                                        storage_env={}, smtp_url=None, direct_database_url=None,
                                        replica_database_url=None, redis_url=None, public_url=None,
                                        default_locale="", time_zone="", jobs="", log_format=""))


def build_app(settings: Settings) -> Litestar:
    """The routes, middleware, templates and security settings: everything but the deployment's
    database, stores, folders and jobs, which `bind_deployment` attaches. Building is the costly
    part (Litestar parses every handler's signature, about 0.5 s), so it reads only what
    `app_shape` keeps: the secret key (CSRF), https, the currency (templates) and debug."""
    domains = registry()
    templates = template_config(settings.currency, auto_reload=settings.debug)
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
        before_request=_remember_address,
        csrf_config=csrf,
        template_config=templates,
        plugins=[HTMXPlugin(), FlashPlugin(config=FlashConfig(template_config=templates))],
        exception_handlers=EXCEPTION_HANDLERS,
        on_startup=[_start],
        on_shutdown=[_stop],
        openapi_config=OpenAPIConfig(title="Townsquare open data API", version="1", path="/api/schema",
                                     render_plugins=API_DOCS_RENDER_PLUGINS),
        debug=settings.debug,
    )


class _Lifecycle:
    """What start-up and shutdown do for one deployment: open the pool the app owns, run the jobs."""

    def __init__(self, settings: Settings, engine: Engine, jobs: Runner, *, owns_engine: bool,
                 run_jobs: bool) -> None:
        self.settings = settings
        self.engine = engine
        self.jobs = jobs
        self.owns_engine = owns_engine
        self.run_jobs = run_jobs

    async def start(self) -> None:
        configure_logging(self.settings.log_format)
        if self.owns_engine and not is_sqlite(self.engine):
            await start_postgres_pool(self.engine)  # type: ignore[arg-type]
        # With a worker configured (TOWNSQUARE_JOBS=worker), `townsquare worker` runs every job.
        if self.run_jobs and self.settings.jobs == "in-process":
            await self.jobs.start()

    async def stop(self) -> None:
        await self.jobs.stop()
        if self.owns_engine and isinstance(self.engine, PooledSQLiteEngine):
            await self.engine.close_idle_connections()
        elif self.owns_engine:
            await close_postgres_pool(self.engine)  # type: ignore[arg-type]


async def _start(app: Litestar) -> None:
    await app.state.lifecycle.start()


async def _stop(app: Litestar) -> None:
    await app.state.lifecycle.stop()


async def _remember_address(request: Any) -> None:
    # Without TOWNSQUARE_PUBLIC_URL, links in emails use the address the site was last reached at
    # (as the README says), and the one `make run` serves until a first request arrives.
    state = request.app.state
    if not state.settings.public_url:
        state.seen_url["url"] = str(request.base_url).rstrip("/")


def bind_deployment(app: Litestar, settings: Settings, engine: Engine, *, owns_engine: bool = False,
                    run_jobs: bool = True) -> None:
    """Attach a deployment to a built app: its database, session store, rate limiters, mailer,
    uploads and jobs, in a fresh `app.state`. `settings` must have the app's `app_shape`."""
    clock.set_zone(settings.time_zone)
    set_secret_key(settings.secret_key)
    bind_engine(engine)
    domains = registry()
    session_store, counters = _stores(settings)
    app.stores.register("sessions", session_store, allow_override=True)
    throttles = Throttles(
        sign_in_account=RateLimiter(counters, SIGN_IN_FAILURES_PER_ACCOUNT, 60),
        # Per address: no lockout (a whole school signs in from one), failures past the allowance wait.
        sign_in_client=Throttle(counters, SIGN_IN_FAILURES_PER_CLIENT, 600),
        sign_up_client=RateLimiter(counters, 10, 3600),
        sign_up_account=RateLimiter(counters, 5, 3600),
        reset_client=RateLimiter(counters, 10, 3600),
        reset_account=RateLimiter(counters, 3, 3600),
    )
    mailer = mailer_for(settings.smtp_url, settings.mail_from, settings.var_dir)
    seen_url = {"url": "http://127.0.0.1:8000"}

    def site_url() -> str:
        return settings.public_url or seen_url["url"]

    jobs = Runner(host_jobs(settings, mailer, site_url),
                  queue_url=None if is_sqlite(engine) else settings.direct_url)
    app.state = State({
        "settings": settings, "throttles": throttles, "default_locale": settings.default_locale,
        # Uploads, local or shared by every host (server/storage.py, server/photos.py).
        "storage": storage_from(settings.storage_url, settings.var_dir,
                                signed_links=settings.storage_signed_links, env=settings.storage_env),
        "mailer": mailer, "site_url": site_url, "seen_url": seen_url,
        "engine": engine,
        "lifecycle": _Lifecycle(settings, engine, jobs, owns_engine=owns_engine, run_jobs=run_jobs),
        # The domains' rate limiters, each under the name its manifest gives it.
        # Each is also a Throttle: past its limit, failures slow the address down.
        **{name: Throttle(counters, limiter.limit, limiter.window_seconds)
           for name, limiter in domains.rate_limiters.items()}})
