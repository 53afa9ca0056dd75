"""The baseline for bench_http.py: one Litestar route and nothing else (no middleware, no database)."""

from litestar import Litestar, get


@get("/", sync_to_thread=False)
def hello() -> str:
    return "ok"


app = Litestar([hello])
