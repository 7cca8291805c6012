"""Database sessions that report a lost database as a server error, not a bad request;
and the session middleware that keeps a background poll from pushing the idle deadline.

Django's db backend turns every DatabaseError during a session update into
UpdateError, which the session middleware answers with 400 "session interrupted".
When PostgreSQL is restarting that is wrong: the user did nothing bad and should get
the 500 page that says to try again in a moment.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import InterfaceError, OperationalError
from django.utils.cache import patch_vary_headers

# Sent by static/js/reports.js with its status polls.
BACKGROUND_POLL_HEADER = "X-Background-Poll"


class SessionStore(db.SessionStore):
    def save(self, must_create=False):
        try:
            return super().save(must_create=must_create)
        except UpdateError as exc:
            cause = exc.__context__
            if isinstance(cause, (OperationalError, InterfaceError)):
                raise cause from None
            raise


class IdleSessionMiddleware(SessionMiddleware):
    """SESSION_SAVE_EVERY_REQUEST pushes the idle deadline at every request. A page polling
    in the background (the reports list, every two seconds) would so keep an unattended
    session alive for ever: its requests read the session and leave the deadline alone,
    unless they changed the session themselves."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and request.headers.get(BACKGROUND_POLL_HEADER) == "1" and not session.modified:
            if session.accessed:
                patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)
