"""A server installed from a wheel speaks every language it offers (issue 20, item 1).

The wheel is built from a copy of the sources without any compiled catalog (a fresh clone has none:
`make compile-messages` makes them), installed into a fresh virtual environment, and run as
`townsquare`, far from the checkout. Its pages must come out in Spanish and Arabic; and a server
whose catalog is missing refuses to start with one line that says so."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import site
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from server.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow

_NOT_SOURCES = shutil.ignore_patterns(".venv", "var", "build", "dist", "*.egg-info", ".git", "__pycache__",
                                      "*.mo", ".pytest_cache", ".ruff_cache", ".hypothesis", "node_modules")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ directory of a virtual environment holding only the wheel (dependencies are borrowed
    from the test environment through a .pth file, so nothing is downloaded)."""
    root = tmp_path_factory.mktemp("installed")
    sources = root / "src"
    shutil.copytree(PROJECT_ROOT, sources, ignore=_NOT_SOURCES)
    assert not list(sources.rglob("*.mo"))
    wheels = root / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(sources)],
                   check=True, capture_output=True, timeout=600)
    shutil.rmtree(sources)  # the installed server must not need the sources
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    (purelib,) = (venv / "lib").glob("python3*/site-packages")
    (purelib / "test-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--no-deps",
                    "--no-index", "--quiet", *map(str, wheels.glob("*.whl"))], check=True, timeout=300)
    return venv / "bin"


def _env(var_dir: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("TOWNSQUARE_", "DATABASE_URL", "REDIS_URL", "PYTHONPATH"))}
    return {**base, "TOWNSQUARE_VAR_DIR": str(var_dir), "DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
            "SECRET_KEY": secrets.token_urlsafe(48), **extra}


def _english_sentences() -> set[str]:
    """The interface's own English sentences (five words or more, without placeholders or markup):
    any of them on a Spanish or Arabic page is text the installed server left untranslated."""
    from babel.messages.pofile import read_po

    with (PROJECT_ROOT / "server" / "locale" / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    out = set()
    for message in template:
        text = message.id[0] if isinstance(message.id, tuple) else message.id
        if text and "%(" not in text and "<" not in text and len(text.split()) >= 5:
            out.add(text)
    return out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_installed_server_speaks_spanish_and_arabic(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run([installed / "python", "-c", "import server; print(server.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert str(installed.parent) in where, f"the test imported the checkout, not the wheel: {where}"
    env = _env(tmp_path / "var", TOWNSQUARE_DEFAULT_LOCALE="ar")
    for command in ("migrate", "demo"):
        subprocess.run([installed / "townsquare", command], env=env, cwd=tmp_path, check=True, capture_output=True,
                       timeout=300)
    port = _free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen([installed / "townsquare", "serve", "--port", str(port)], env=env, cwd=tmp_path,
                              stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(0.2)
        arabic = httpx.get(f"{url}/proposals")  # no Accept-Language: the configured default, Arabic
        assert '<html lang="ar" dir="rtl">' in arabic.text
        assert "Proposals" not in arabic.text.split("<main", 1)[1], "Arabic page shows English"
        assert "المقترحات" in arabic.text
        spanish = httpx.get(f"{url}/proposals", headers={"Accept-Language": "es"})
        assert '<html lang="es"' in spanish.text
        assert "Propuestas" in spanish.text
        css = httpx.get(f"{url}/static/css/site.css")  # static files travel in the wheel too
        assert css.status_code == 200 and "text/css" in css.headers["content-type"]
        english = _english_sentences()
        for locale in ("es", "ar"):
            for path in ("/", "/proposals", "/proposals/1", "/drafts/1", "/ballots", "/ballots/3",
                         "/ballots/3/results", "/delivery", "/delivery/4", "/dashboard", "/signin", "/api/v1"):
                page = httpx.get(f"{url}{path}", headers={"Accept-Language": locale})
                assert page.status_code == 200, (locale, path)
                main = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text.split("<main", 1)[1]))
                left = sorted(s for s in english if s in main)
                assert not left, f"{path} in {locale} shows English: {left[:5]}"
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_missing_catalog_stops_start_up_with_one_line(installed: Path, tmp_path: Path) -> None:
    (catalog,) = installed.parent.glob("lib/python3*/site-packages/server/locale/es/LC_MESSAGES/messages.mo")
    hidden = catalog.with_suffix(".hidden")
    catalog.rename(hidden)
    try:
        result = subprocess.run([installed / "townsquare", "migrate"], env=_env(tmp_path / "var"), cwd=tmp_path,
                                capture_output=True, text=True, timeout=120)
    finally:
        hidden.rename(catalog)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "'es'" in lines[0] and "messages.mo" in lines[0]
