"""The list of domains, and what the host learns from each one's manifest.

A domain is a top-level package with a `domain.py` whose `manifest()` returns a `Domain` (below)
declaring everything the host needs to know: routes, Piccolo apps, demo steps, header links, home
page sections, background jobs, notification kinds, thread and moderation kinds, feed providers,
neighborhood-move checks, rate limiters, stylesheets and CLI commands. `DOMAINS` is the one ordered list; nothing
else in the host names a domain. Manifests are read (imported) when the host first asks for the
registry, never as a side effect of importing a domain module, and the registry is built from them
in one pass, so the order of the list is the order of routes, demo steps and migrations.

Adding a domain: create the package with its `domain.py`, then add its name to `DOMAINS` (see
ARCHITECTURE.md, "Adding a domain")."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from server.accounts.moves import MoveCheck
    from server.background import Job, Task
    from server.demo import DemoStep
    from server.feeds import EntryProvider
    from server.follows import FollowSource
    from server.home_sections import SectionProvider
    from server.navigation import NavItem
    from server.notifications.kinds import SubjectGuard
    from server.secret import KeyCheck

# The one ordered list of domains. Dependencies point one way, down this list: a domain may import
# the domains above it, never those below.
DOMAINS: list[str] = ["proposals", "delivery", "ballots", "concerns", "assemblies", "indicators", "transparency"]


@dataclass(frozen=True)
class Limiter:
    """A rate limiter the host builds on its shared counters (database or Redis) and puts in the
    app's state under its name: at most `limit` hits per `window_seconds`."""

    limit: int
    window_seconds: int


@dataclass(frozen=True)
class Command:
    """A `townsquare` subcommand. `target` is "module:function", imported only when the command
    runs (so that a fast command stays fast); the function takes the remaining arguments and
    returns the exit status."""

    target: str
    help: str


@dataclass(frozen=True)
class Kind:
    """A named kind a domain contributes to a shared component (threads, moderation): `spec` is the
    component's own description (e.g. a ThreadKind), which the host stores without reading."""

    component: str
    name: str
    spec: Any


@dataclass(frozen=True)
class Domain:
    name: str
    routes: Sequence[Any] = ()
    # Module paths of the domain's Piccolo apps ("ballots.piccolo_app"), in migration order.
    piccolo_apps: Sequence[str] = ()
    demo_steps: Sequence[DemoStep] = ()
    # Domains whose demo steps must run before this one's (demo data may build on data made by a
    # domain further down the list, as delivery's items come from a result the ballots demo publishes).
    demo_after: Sequence[str] = ()
    navigation: Sequence[NavItem] = ()
    home_sections: Sequence[SectionProvider] = ()
    jobs: Sequence[Job] = ()
    # Work enqueued for one row (server/background.py `enqueue`), run by the job queue.
    tasks: Sequence[Task] = ()
    # kind -> English message with %(subject)s and %(actor)s, marked with N_ for the catalogs.
    notification_kinds: Mapping[str, str] = field(default_factory=dict)
    # Notifications about an item the reader may no longer see stop naming it (server/notifications/kinds.py).
    subject_guards: Sequence[SubjectGuard] = ()
    # Kinds for shared components: thread targets ("thread") and reportable content ("moderation").
    kinds: Sequence[Kind] = ()
    # (feed name, provider): entries of a site-wide Atom feed (server/feeds.py).
    feed_providers: Sequence[tuple[str, EntryProvider]] = ()
    move_checks: Sequence[MoveCheck] = ()
    # What a person follows, listed on /account/following (server/follows.py).
    follow_sources: Sequence[FollowSource] = ()
    # Start-up checks that SECRET_KEY opens the data the domain sealed with it (server/secret.py).
    key_checks: Sequence[KeyCheck] = ()
    rate_limiters: Mapping[str, Limiter] = field(default_factory=dict)
    commands: Mapping[str, Command] = field(default_factory=dict)
    # The domain's stylesheets, paths under static/ ("css/ballots.css"), linked from every page.
    stylesheets: Sequence[str] = ()


class Registry:
    """Everything the manifests declare, gathered once and checked for clashes."""

    def __init__(self, domains: Sequence[Domain]) -> None:
        self.domains = list(domains)
        self.routes: list[Any] = [r for d in self.domains for r in d.routes]
        self.piccolo_apps: list[str] = [a for d in self.domains for a in d.piccolo_apps]
        self.demo_steps: list[DemoStep] = [s for d in _demo_order(self.domains) for s in d.demo_steps]
        self.navigation: list[NavItem] = sorted(
            _unique((i for d in self.domains for i in d.navigation), key=lambda i: i.href, what="navigation link"),
            key=lambda i: i.order)
        self.home_sections: list[SectionProvider] = [p for d in self.domains for p in d.home_sections]
        self.jobs: list[Job] = _unique((j for d in self.domains for j in d.jobs), key=lambda j: j.name, what="job")
        self.tasks: list[Task] = _unique((t for d in self.domains for t in d.tasks), key=lambda t: t.name, what="task")
        self.notification_messages: dict[str, str] = _merge((d.notification_kinds for d in self.domains),
                                                            "notification kind")
        self.subject_guards: list[SubjectGuard] = [g for d in self.domains for g in d.subject_guards]
        self.kinds: dict[str, dict[str, Any]] = {}
        for domain in self.domains:
            for kind in domain.kinds:
                named = self.kinds.setdefault(kind.component, {})
                if kind.name in named:
                    raise ValueError(f"{kind.component} kind {kind.name!r} is declared twice")
                named[kind.name] = kind.spec
        self.feed_providers: dict[str, list[EntryProvider]] = {}
        for domain in self.domains:
            for feed, provider in domain.feed_providers:
                self.feed_providers.setdefault(feed, []).append(provider)
        self.move_checks: list[MoveCheck] = [c for d in self.domains for c in d.move_checks]
        self.follow_sources: list[FollowSource] = [s for d in self.domains for s in d.follow_sources]
        self.key_checks: list[KeyCheck] = [c for d in self.domains for c in d.key_checks]
        self.rate_limiters: dict[str, Limiter] = _merge((d.rate_limiters for d in self.domains), "rate limiter")
        self.commands: dict[str, Command] = _merge((d.commands for d in self.domains), "command")
        self.stylesheets: list[str] = _unique((s for d in self.domains for s in d.stylesheets), key=lambda s: s,
                                              what="stylesheet")

        self._app_registry: Any = None

    def kinds_of(self, component: str) -> dict[str, Any]:
        return self.kinds.get(component, {})

    def app_registry(self) -> Any:
        """Piccolo's AppRegistry of these apps (made once: Piccolo asks for it often)."""
        if self._app_registry is None:
            from piccolo.conf.apps import AppRegistry

            self._app_registry = AppRegistry(apps=self.piccolo_apps)
        return self._app_registry


def _demo_order(domains: Sequence[Domain]) -> list[Domain]:
    """The list order, except that a domain waits for the domains named in its `demo_after`."""
    names = {d.name for d in domains}
    placed: list[Domain] = []
    waiting = list(domains)
    while waiting:
        done = {d.name for d in placed}
        ready = next((d for d in waiting if all(a in done or a not in names for a in d.demo_after)), None)
        if ready is None:
            raise ValueError(f"demo_after forms a cycle among {[d.name for d in waiting]}")
        placed.append(ready)
        waiting.remove(ready)
    return placed


def _unique(items: Any, *, key: Callable[[Any], object], what: str) -> list[Any]:
    seen: set[object] = set()
    out = []
    for item in items:
        if key(item) in seen:
            raise ValueError(f"{what} {key(item)!r} is declared twice")
        seen.add(key(item))
        out.append(item)
    return out


def _merge(mappings: Any, what: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for mapping in mappings:
        for name, value in mapping.items():
            if name in merged:
                raise ValueError(f"{what} {name!r} is declared twice")
            merged[name] = value
    return merged


def manifest(name: str) -> Domain:
    """Read one domain's manifest: `manifest()` in `<name>/domain.py` ("server" is the host's own)."""
    domain = importlib.import_module(f"{name}.domain").manifest()
    if not isinstance(domain, Domain) or domain.name != name:
        raise TypeError(f"{name}/domain.py: manifest() must return Domain(name={name!r}, ...)")
    return domain


def load(names: Sequence[str]) -> Registry:
    """The host's own manifest first, then each listed domain's, in order."""
    return Registry([manifest("server"), *(manifest(name) for name in names)])


def commands() -> dict[str, Command]:
    """The CLI commands of the listed domains, read from each `domain.py`'s COMMANDS without calling
    its manifest(): a command starts without importing the rest of the application."""
    found: dict[str, Command] = {}
    for name in DOMAINS:
        for command, spec in getattr(importlib.import_module(f"{name}.domain"), "COMMANDS", {}).items():
            found.setdefault(command, spec)
    return found


_registry: Registry | None = None


def registry() -> Registry:
    """The registry of the listed domains, read on first use."""
    global _registry
    if _registry is None:
        _registry = load(DOMAINS)
    return _registry


def reload() -> Registry:
    """Read the manifests again (tests that change DOMAINS, or add a domain of their own)."""
    global _registry
    _registry = None
    return registry()


def use(registry_: Registry | None) -> None:
    """Install a registry built by the caller (tests); None reads DOMAINS again on next use."""
    global _registry
    _registry = registry_

