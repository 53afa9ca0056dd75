"""The `townsquare` command. Heavy imports happen inside each subcommand so that `townsquare tally`
starts fast (its speed is measured from process start)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _fail(message: str) -> int:
    print(f"townsquare: {message}", file=sys.stderr)
    return 2


def _settings():
    from server import clock
    from server.settings import load_settings

    settings = load_settings()
    clock.set_zone(settings.time_zone)  # demo dates and the ballots it opens follow the city's calendar
    return settings


async def _check_database(settings) -> None:
    # Checked with asyncpg before any Piccolo engine exists: Piccolo connects as soon as an engine is
    # made and only prints a warning when it cannot, which would bury the one line that matters.
    if settings.is_sqlite:
        return
    import asyncpg

    try:
        conn = await asyncpg.connect(dsn=settings.database_url, timeout=10, statement_cache_size=0)
    except (OSError, asyncpg.PostgresError) as exc:
        raise ConnectionError(f"DATABASE_URL: cannot connect to PostgreSQL ({exc})") from exc
    await conn.close()


async def _migrate(settings, quiet: bool = False) -> None:
    import contextlib
    import io

    from server.database import engine_from_url, migrate

    await _check_database(settings)
    buffer = io.StringIO()
    # The database's own address: migrations and the queue's set-up take locks for the whole session,
    # which a pooler in transaction mode would not keep on one connection.
    with contextlib.redirect_stdout(buffer) if quiet else contextlib.nullcontext():
        await migrate(engine_from_url(settings.direct_url))


async def _check_secret_key(settings) -> None:
    """Refuse to start when SECRET_KEY is not the key stored data was sealed with (a changed key
    would make sealed ballots uncountable): one line, through SettingsError."""
    from server.database import bind_engine, engine_for, is_sqlite
    from server.secret import key_problem, set_secret_key
    from server.settings import SettingsError

    set_secret_key(settings.secret_key)
    engine = engine_for(settings)
    bind_engine(engine)
    try:
        problem = await key_problem()
    except Exception:  # not migrated yet: nothing can have been sealed, and serving says what is wrong
        problem = None
    finally:
        if is_sqlite(engine):
            close = getattr(engine, "close_idle_connections", None)
            if close is not None:
                await close()
    if problem:
        raise SettingsError(problem)


def cmd_migrate(args: argparse.Namespace) -> int:
    import asyncio

    settings = _settings()
    print(f"Applying migrations to {_describe(settings.database_url)}…")
    asyncio.run(_migrate(settings))
    print("Database is up to date.")
    return 0


def _describe(url: str) -> str:
    from urllib.parse import urlparse

    from server.settings import sqlite_path

    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        return f"SQLite file {sqlite_path(url)}"
    return f"PostgreSQL database {parsed.path.strip('/')} on {parsed.hostname}"


async def _demo(settings, only_if_empty: bool) -> list[str] | None:
    from server.database import bind_engine, engine_for
    from server.demo import database_is_empty, load_demo

    bind_engine(engine_for(settings))
    if not await database_is_empty():
        if only_if_empty:
            return None
        raise RuntimeError("the database already has accounts; demo data goes only into an empty database")
    ctx = await load_demo(progress=lambda line: print("  " + line, flush=True))
    return ctx.notes


def cmd_demo(args: argparse.Namespace) -> int:
    import asyncio

    settings = _settings()
    asyncio.run(_migrate(settings, quiet=True))
    try:
        notes = asyncio.run(_demo(settings, only_if_empty=args.if_empty))
    except RuntimeError as exc:
        return _fail(str(exc))
    if notes is None:
        print("The database already has data; demo data not loaded.")
        _write_notes_hint(settings)
        return 0
    (settings.var_dir / "demo-notes.txt").write_text("\n".join(notes) + "\n")
    print("Demo data loaded.")
    print("\n".join(notes))
    return 0


def _write_notes_hint(settings) -> None:
    notes = settings.var_dir / "demo-notes.txt"
    if notes.exists():
        print(notes.read_text(), end="")


def cmd_create_user(args: argparse.Namespace) -> int:
    import asyncio
    import getpass

    settings = _settings()
    password = args.password or getpass.getpass("Password (at least 10 characters): ")
    if len(password) < 10:
        return _fail("the password must be at least 10 characters long")

    async def run() -> str:
        from server.accounts.service import EmailTaken, create_user
        from server.database import bind_engine, engine_for

        await _migrate(settings, quiet=True)
        bind_engine(engine_for(settings))
        try:
            viewer = await create_user(args.name, args.email, password, args.neighborhood, args.birth_year,
                                       args.role)
        except EmailTaken:
            return f"an account with {args.email} already exists"
        return f"Created {viewer.role} account {viewer.email} (id {viewer.id})."

    message = asyncio.run(run())
    if message.startswith("an account"):
        return _fail(message)
    print(message)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import asyncio

    from server.serving import serve

    settings = _settings()
    asyncio.run(_check_database(settings))
    asyncio.run(_check_secret_key(settings))
    if settings.is_sqlite and args.workers > 1:
        print("Note: several workers share one SQLite file; writes are serialised. Use PostgreSQL for real "
              "deployments.")
    if not settings.smtp_url:
        print("Emails (password reset links, notification digests) are written to "
              f"{settings.var_dir / 'outbox'}/ instead of being sent: set TOWNSQUARE_SMTP_URL to send them.")
    if settings.jobs == "worker":
        print("Background jobs run in `townsquare worker` (TOWNSQUARE_JOBS=worker), not here.")
    print(f"Serving Townsquare on http://{args.host}:{args.port} ({_describe(settings.database_url)}, "
          f"{args.workers} worker{'s' if args.workers != 1 else ''}). Press Ctrl+C to stop.", flush=True)
    logs: dict[str, object] = {}
    if settings.log_format == "json":
        from server.logs import UVICORN_JSON_CONFIG

        logs = {"log_config": UVICORN_JSON_CONFIG}
    serve("server.serving:create_served_app", factory=True, host=args.host, port=args.port, workers=args.workers,
          log_level="warning" if not args.access_log else "info", access_log=args.access_log,
          proxy_headers=args.proxy_headers, forwarded_allow_ips=args.forwarded_allow_ips, **logs)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run every background job and enqueued task (server/background.py) until stopped. Run as many
    as you like: each periodic job still runs once a period and each task once."""
    import asyncio
    import signal

    from server.logs import configure_logging

    settings = _settings()
    if settings.is_sqlite:
        return _fail("the worker needs PostgreSQL (DATABASE_URL); on SQLite, `serve` runs the jobs itself")
    configure_logging(settings.log_format)
    asyncio.run(_check_database(settings))
    asyncio.run(_check_secret_key(settings))

    async def run() -> None:
        from server import queue
        from server.app import host_jobs
        from server.background import tasks_by_name
        from server.database import bind_engine, close_postgres_pool, engine_for, start_postgres_pool
        from server.domains import registry
        from server.mail import mailer_for
        from server.secret import set_secret_key

        set_secret_key(settings.secret_key)
        engine = engine_for(settings)
        bind_engine(engine)
        await start_postgres_pool(engine)  # type: ignore[arg-type]
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        mailer = mailer_for(settings.smtp_url, settings.mail_from, settings.var_dir)
        jobs = [*registry().jobs, *host_jobs(settings, mailer, lambda: settings.public_url or "http://127.0.0.1:8000")]
        print(f"Worker running {len(jobs)} periodic jobs and {len(tasks_by_name())} kinds of task on "
              f"{_describe(settings.database_url)}. Press Ctrl+C to stop.", flush=True)
        try:
            await queue.work_forever(settings.direct_url, jobs, list(tasks_by_name().values()), stop=stop)
        finally:
            await close_postgres_pool(engine)  # type: ignore[arg-type]

    asyncio.run(run())
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """What `make run` does: migrate, load demo data into an empty database, print sign-ins, serve."""
    import asyncio

    settings = _settings()
    print(f"Preparing {_describe(settings.database_url)}…", flush=True)
    asyncio.run(_migrate(settings, quiet=True))
    notes = asyncio.run(_demo(settings, only_if_empty=True))
    if notes is not None:
        (settings.var_dir / "demo-notes.txt").write_text("\n".join(notes) + "\n")
        print("\n".join(notes))
    else:
        _write_notes_hint(settings)
    return cmd_serve(args)


HOST_COMMANDS = ("serve", "run", "worker", "migrate", "demo", "create-user")


def _domain_commands() -> dict:
    from server.domains import commands

    return commands()


def cmd_domain(name: str, argv: Sequence[str]) -> int:
    """A command a domain declares in its manifest; it parses its own arguments."""
    import importlib

    module, _, function = _domain_commands()[name].target.partition(":")
    return getattr(importlib.import_module(module), function)(list(argv))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="townsquare", description="Townsquare: participatory budgeting "
                                     "and deliberation for neighborhood safety funds.")
    sub = parser.add_subparsers(dest="command", required=True)

    for name, func, helptext in (("serve", cmd_serve, "serve the web platform"),
                                 ("run", cmd_run, "migrate, load demo data if empty, and serve")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)
        p.add_argument("--workers", type=int, default=1)
        p.add_argument("--access-log", action="store_true", help="log every request")
        p.add_argument("--proxy-headers", action="store_true", help="trust X-Forwarded-* from the proxy")
        p.add_argument("--forwarded-allow-ips", default="127.0.0.1",
                       help="the proxy's addresses, for --proxy-headers (default 127.0.0.1)")
        p.set_defaults(func=func)

    p = sub.add_parser("worker", help="run the background jobs (PostgreSQL; with TOWNSQUARE_JOBS=worker)")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("migrate", help="apply database migrations")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("demo", help="load demo data into an empty database")
    p.add_argument("--if-empty", action="store_true", help="do nothing (and succeed) if there is data")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("create-user", help="create an account (council staff, moderators, residents)")
    p.add_argument("--email", required=True)
    p.add_argument("--name", required=True, help="display name")
    p.add_argument("--role", choices=["resident", "moderator", "council"], default="resident")
    p.add_argument("--neighborhood", required=True, help="neighborhood name (created if missing)")
    p.add_argument("--birth-year", type=int, required=True)
    p.add_argument("--password", help="read from a prompt when omitted")
    p.set_defaults(func=cmd_create_user)

    for name, command in _domain_commands().items():
        sub.add_parser(name, help=command.help, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and not argv[0].startswith("-") and argv[0] not in HOST_COMMANDS and argv[0] in _domain_commands():
        return cmd_domain(argv[0], argv[1:])
    args = build_parser().parse_args(argv)
    from server.settings import SettingsError

    try:
        return args.func(args)
    except SettingsError as exc:
        return _fail(str(exc))
    except ConnectionError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
