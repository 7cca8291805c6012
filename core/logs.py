"""How every process of the site logs: one JSON object a line (LOG_FORMAT=json) or plain text.

Django (settings.LOGGING), gunicorn (gunicorn.conf.py) and the Celery worker
(kerman_jobs/celery.py) all take their configuration from logging_config(), so a line reads
the same whichever process wrote it, and a log collector can parse every line of the
journal. A JSON line has `time`, `level`, `logger`, `message`, `exception` (the traceback,
when there is one) and whatever extra fields the caller attached (Django's request logs add
`status_code` and `request`).

Only the standard library and python-json-logger are imported here: gunicorn's master
process reads this before Django is set up.
"""

from __future__ import annotations

import logging
import time

from pythonjsonlogger.json import JsonFormatter

LOG_FORMATS = ("plain", "json")

# Field names as a log collector expects them, renamed from the LogRecord's.
JSON_FIELDS = ["asctime", "levelname", "name", "message"]
JSON_RENAMES = {"asctime": "time", "levelname": "level", "name": "logger", "exc_info": "exception"}


class UTCTimes:
    """ISO 8601 times in UTC with milliseconds (2026-11-30T05:32:09.123Z). Django sets the
    process's zone to Tehran and gunicorn's master keeps the machine's: one clock for all."""

    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"


class PlainFormatter(UTCTimes, logging.Formatter):
    pass


class JsonLineFormatter(UTCTimes, JsonFormatter):
    pass


def log_format(value: str | None) -> str:
    """LOG_FORMAT from the environment: "plain" (the default) or "json". A value it does not
    know stops the start rather than logging in a format nobody asked for."""
    chosen = (value or "plain").strip().lower()
    if chosen not in LOG_FORMATS:
        raise RuntimeError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {value!r}")
    return chosen


def logging_config(*, fmt: str | None, level: str = "WARNING", mail_admins: bool = False) -> dict:
    """A logging.config.dictConfig dictionary: everything to stderr in the chosen format.

    `level` is the root's (LOG_LEVEL); Django's loggers keep it too. With `mail_admins`,
    errors of django.request (the 500s) are also mailed to settings.ADMINS, and only when
    DEBUG is off, as Django itself does.
    """
    formatter = log_format(fmt)
    config: dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"()": PlainFormatter, "fmt": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
            "json": {"()": JsonLineFormatter, "fmt": JSON_FIELDS, "rename_fields": JSON_RENAMES},
        },
        "filters": {},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": formatter}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's defaults give its loggers handlers of their own (console only with DEBUG
            # on, mail_admins for every django.* error): drop them so that every record reaches
            # the root handler once, in the chosen format.
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.request": {"handlers": [], "propagate": True},
            # runserver's request lines (`make run`) are INFO, as gunicorn's access lines.
            "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
            # gunicorn installs its own plain handlers; these replace them. The levels stay
            # gunicorn's own (--log-level for the error log, INFO for the access log).
            "gunicorn.error": {"handlers": ["console"], "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "propagate": False},
        },
    }
    if mail_admins:
        config["filters"]["require_debug_false"] = {"()": "django.utils.log.RequireDebugFalse"}
        config["handlers"]["mail_admins"] = {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        }
        config["loggers"]["django.request"]["handlers"] = ["mail_admins"]
    return config
