"""Headers every response carries. The Content Security Policy allows scripts only from our own
origin (htmx is vendored) and no inline script, so injected markup cannot run."""

from __future__ import annotations

from litestar.types import Message, Scope

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "cross-origin-opener-policy": "same-origin",
}


def security_headers_hook(https: bool):
    """A `before_send` hook: unlike middleware, it also runs for requests that match no route."""
    extra = {"strict-transport-security": "max-age=31536000; includeSubDomains"} if https else {}
    # Encoded once; each response then gets those it does not set itself in one pass over its
    # headers (MutableScopeHeaders scanned them again for every name, on every response: issue 21).
    encoded = [(name.encode("latin-1"), value.encode("latin-1"))
               for name, value in {**SECURITY_HEADERS, **extra}.items()]

    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers") or ())
            present = {name.lower() for name, _ in headers}
            message["headers"] = headers + [header for header in encoded if header[0] not in present]

    return before_send
