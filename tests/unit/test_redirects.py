"""server/redirects.py: a return address is a same-site path, or the caller's safe page."""

from __future__ import annotations

import pytest

from server.redirects import is_safe_path, path_of_referer, safe_path

# Each of these, used as a Location or an href, sends a browser to another site or runs script
# (directly, or after a proxy or a second redirect decodes it).
UNSAFE = [
    "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "\\/evil.example",
    "/%5Cevil.example", "/%5cevil.example", "/%2F%2Fevil.example", "/%2f/evil.example", "%2F%2Fevil.example",
    "/%252F%252Fevil.example", "/%25252F%25252Fevil.example", "https://evil.example", "http://evil.example/",
    "HTTPS://evil.example", "//evil.example/%2F..", "javascript:alert(1)", "JavaScript:alert(1)",
    " javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "evil.example", "proposals",
    "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "\t//evil.example", "/%09/evil.example",
    "/%0A/evil.example", "/%0d%0a/evil.example", "/ /evil.example", "/\x00/evil.example", "/proposals\x7f",
    "/\u3000/evil.example", "/proposals\\..\\evil", "?next=/x", "#top", "", None, "/" + "a" * 2100,
]

SAFE = ["/", "/proposals", "/proposals/12#comment-3", "/proposals?q=street%20lights&page=2",
        "/ballots/4/vote", "/drafts/1#amendment-2", "/proposals?q=%2F%2Fnot-a-host", "/caf%C3%A9",
        "/a%25b", "/proposals/12?next=//ignored-inside-the-query"]


@pytest.mark.parametrize("target", UNSAFE)
def test_unsafe_return_addresses_fall_back(target: str | None) -> None:
    assert not is_safe_path(target)
    assert safe_path(target) == "/"
    assert safe_path(target, "/proposals") == "/proposals"


@pytest.mark.parametrize("target", SAFE)
def test_same_site_paths_are_kept_as_they_are(target: str) -> None:
    assert is_safe_path(target)
    assert safe_path(target, "/elsewhere") == target


@pytest.mark.parametrize(("referer", "expected"), [
    ("http://testserver/proposals/3?sort=cost", "/proposals/3?sort=cost"),
    ("https://TESTSERVER/drafts/1", "/drafts/1"),
    ("http://testserver", "/"),
    ("https://evil.example/proposals/3", "/"),
    ("https://testserver.evil.example/", "/"),
    ("https://evil.example/?testserver", "/"),
    ("http://testserver//evil.example", "/"),
    ("http://testserver/%5Cevil.example", "/"),
    ("javascript:alert(1)//testserver", "/"),
    ("/proposals", "/"),
    ("", "/"),
    (None, "/"),
    ("http://[::1", "/"),
])
def test_referer_counts_only_when_it_names_this_host(referer: str | None, expected: str) -> None:
    assert path_of_referer(referer, "testserver") == expected
