"""The server's SECRET_KEY for code that is not handed the settings (services deriving keys from it).

The app sets it at start-up from its settings; scripts and tests that use services without an app
get the key the settings would load."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

_key: str | None = None


def set_secret_key(key: str) -> None:
    global _key
    _key = key


def secret_key() -> str:
    global _key
    if _key is None:
        from server.settings import load_settings

        _key = load_settings().secret_key
    return _key


# Start-up checks that SECRET_KEY is the key stored data needs (a domain declares one in its manifest,
# `key_checks`, when it keeps data only SECRET_KEY can read, as ballots does for sealed ballots). Each
# returns one line naming the problem, or None.
KeyCheck = Callable[[], Awaitable[str | None]]


async def key_problem() -> str | None:
    """The first problem any domain's check finds with SECRET_KEY, or None."""
    from server.domains import registry

    for check in registry().key_checks:
        problem = await check()
        if problem:
            return problem
    return None
