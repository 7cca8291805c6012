"""core.logs: the one logging configuration of the web, the worker and gunicorn. The
processes themselves are tested in kerman_jobs/tests/test_logging.py."""

import io
import json
import logging
import logging.config
import re

import pytest

from core.logs import logging_config

UTC_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture
def configured():
    """Apply a configuration with the console handler writing to a buffer; put Django's back after."""
    buffer = io.StringIO()

    def apply(**kwargs) -> io.StringIO:
        config = logging_config(**kwargs)
        config["handlers"]["console"]["stream"] = buffer
        logging.config.dictConfig(config)
        return buffer

    yield apply
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


def test_json_lines_carry_time_level_logger_message_and_the_exception(configured):
    out = configured(fmt="json", level="INFO")
    # when an app logs a Persian message and then an error with its traceback
    logging.getLogger("registry.imports").info("ردیف %s نادرست است", "۱۲")
    try:
        int("۱۲٬۳۴۵")
    except ValueError:
        logging.getLogger("registry.imports").exception("ورود ناموفق")
    # then each is one JSON object on one line
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert list(first) == ["time", "level", "logger", "message"]
    assert (first["level"], first["logger"], first["message"]) == ("INFO", "registry.imports", "ردیف ۱۲ نادرست است")
    assert UTC_TIME.match(first["time"])
    assert list(second) == ["time", "level", "logger", "message", "exception"]
    assert (second["level"], second["message"]) == ("ERROR", "ورود ناموفق")
    assert second["exception"].startswith("Traceback (most recent call last):\n")
    assert second["exception"].endswith("ValueError: invalid literal for int() with base 10: '۱۲٬۳۴۵'")


def test_plain_lines_are_text_with_the_same_fields(configured):
    out = configured(fmt="plain", level="INFO")
    logging.getLogger("reports.tasks").warning("report %s: retry", 7)
    [line] = out.getvalue().splitlines()
    time, rest = line.split(" ", 1)
    assert UTC_TIME.match(time)
    assert rest == "WARNING reports.tasks: report 7: retry"


def test_django_records_reach_the_one_handler_once(configured):
    out = configured(fmt="json", level="WARNING")
    # Django's own default handlers (console, mail_admins) are replaced, not added to
    logging.getLogger("django.request").error("Internal Server Error: /x", extra={"status_code": 500})
    logging.getLogger("django.db.backends").info("below the level: not written")
    [record] = [json.loads(line) for line in out.getvalue().splitlines()]
    assert (record["logger"], record["message"], record["status_code"]) == (
        "django.request",
        "Internal Server Error: /x",
        500,
    )


def test_admins_are_mailed_django_request_errors_only_when_asked():
    without = logging_config(fmt="plain")
    assert without["loggers"]["django.request"]["handlers"] == []
    assert "mail_admins" not in without["handlers"]
    with_admins = logging_config(fmt="plain", mail_admins=True)
    assert with_admins["loggers"]["django.request"]["handlers"] == ["mail_admins"]
    assert with_admins["handlers"]["mail_admins"] == {
        "class": "django.utils.log.AdminEmailHandler",
        "level": "ERROR",
        "filters": ["require_debug_false"],
    }
    assert [name for name, logger in with_admins["loggers"].items() if "mail_admins" in logger["handlers"]] == [
        "django.request"
    ]


@pytest.mark.parametrize("value", [None, "", "plain", " JSON "])
def test_log_format_accepts_plain_and_json(value):
    assert logging_config(fmt=value)["handlers"]["console"]["formatter"] == (
        "json" if value and "json" in value.lower() else "plain"
    )


def test_an_unknown_log_format_stops_the_start():
    with pytest.raises(RuntimeError, match="LOG_FORMAT must be one of plain, json, not 'jsn'"):
        logging_config(fmt="jsn")
