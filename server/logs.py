"""Structured logs: with TOWNSQUARE_LOG_FORMAT=json every log line (the app's, uvicorn's, the access
log's and the job queue's) is one JSON object, which a container platform's log collector reads
without parsing rules. With the default, logging stays as it was (uvicorn's plain lines)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import msgspec

# Attributes every LogRecord has; anything else on a record came from `extra=` and is kept.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "color_message"}


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool | None) else repr(value)
        return msgspec.json.encode(entry).decode()


# uvicorn's log_config for JSON: the same formatter on its loggers, one stream (stdout).
UVICORN_JSON_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "server.logs.JSONFormatter"}},
    "handlers": {"default": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
    "loggers": {
        "uvicorn": {"handlers": ["default"], "level": "INFO", "propagate": False},
        "uvicorn.error": {"handlers": ["default"], "level": "INFO", "propagate": False},
        "uvicorn.access": {"handlers": ["default"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["default"], "level": "INFO"},
}


def configure_logging(log_format: str) -> None:
    """JSON lines on stdout for every logger when asked; otherwise leave logging as it is."""
    if log_format != "json":
        return
    import logging.config

    logging.config.dictConfig(UVICORN_JSON_CONFIG)
