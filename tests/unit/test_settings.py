from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from server.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"TOWNSQUARE_VAR_DIR": str(tmp_path), **extra}


def test_defaults_to_sqlite_under_var_and_keeps_a_generated_secret(tmp_path: Path) -> None:
    settings = load_settings(_env(tmp_path))
    assert settings.database_url == f"sqlite:///{tmp_path / 'townsquare.sqlite3'}"
    assert len(settings.secret_key) >= 32
    assert load_settings(_env(tmp_path)).secret_key == settings.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DATABASE_URL", "mysql://root@localhost/x", "DATABASE_URL: 'mysql://root@localhost/x' is not supported"),
        ("DATABASE_URL", "postgresql://localhost", "names no database"),
        ("DATABASE_URL", "sqlite://", "has no file path"),
        ("SECRET_KEY", "short", "SECRET_KEY: must be at least 32 characters"),
        ("REDIS_URL", "http://localhost", "REDIS_URL: 'http://localhost' is not a redis://"),
        ("TOWNSQUARE_HTTPS", "maybe", "TOWNSQUARE_HTTPS: 'maybe' is not a yes/no value"),
        ("TOWNSQUARE_CURRENCY", "DOLLARS", "TOWNSQUARE_CURRENCY"),
        ("TOWNSQUARE_TIME_ZONE", "Chicago", "TOWNSQUARE_TIME_ZONE: 'Chicago' is not a time zone name"),
        ("TOWNSQUARE_SMTP_URL", "mail.example.org", "TOWNSQUARE_SMTP_URL: not an smtp:// or smtps:// address"),
        # Links in real emails are never built from the request's Host header.
        ("TOWNSQUARE_SMTP_URL", "smtp://mail.example.org", "TOWNSQUARE_PUBLIC_URL: must be set"),
        ("TOWNSQUARE_PUBLIC_URL", "townsquare.example.org", "TOWNSQUARE_PUBLIC_URL: 'townsquare.example.org' is not"),
        ("TOWNSQUARE_MAIL_FROM", "Townsquare", "TOWNSQUARE_MAIL_FROM: 'Townsquare' has no email address"),
    ],
)
def test_bad_values_name_the_setting(tmp_path: Path, name: str, value: str, expected: str) -> None:
    with pytest.raises(SettingsError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        load_settings(_env(tmp_path, **{name: value}))


def test_bad_database_url_stops_start_up_with_one_clear_line(tmp_path: Path) -> None:
    env = {**os.environ, "TOWNSQUARE_VAR_DIR": str(tmp_path), "DATABASE_URL": "mysql://root@localhost/town"}
    result = subprocess.run([sys.executable, "-m", "server.cli", "serve", "--port", "0"], env=env,
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("townsquare: DATABASE_URL: 'mysql://root@localhost/town' is not supported")


def test_unreachable_postgres_stops_start_up_with_one_clear_line(tmp_path: Path) -> None:
    env = {**os.environ, "TOWNSQUARE_VAR_DIR": str(tmp_path),
           "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/nothing"}
    result = subprocess.run([sys.executable, "-m", "server.cli", "migrate"], env=env,
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("townsquare: DATABASE_URL: cannot connect to PostgreSQL")
    assert len(result.stderr.strip().splitlines()) == 1
