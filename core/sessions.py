"""Database sessions that report a lost database as a server error, not a bad request;
and the session middleware that keeps a background poll from pushing the idle deadline,
and writes the idle deadline at most once a minute (SESSION_TOUCH_SECONDS).

Django's db backend turns every DatabaseError during a session update into
UpdateError, which the session middleware answers with 400 "session interrupted".
When PostgreSQL is restarting that is wrong: the user did nothing bad and should get
the 500 page that says to try again in a moment.
"""

import datetime

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import InterfaceError, OperationalError
from django.utils.cache import patch_vary_headers

# Sent by static/js/reports.js with its status polls.
BACKGROUND_POLL_HEADER = "X-Background-Poll"


class SessionStore(db.SessionStore):
    # The deadline as read from the database with the session (None: not read, or new).
    stored_expiry: datetime.datetime | None = None

    def _get_session_from_db(self):
        s = super()._get_session_from_db()
        self.stored_expiry = s.expire_date if s is not None else None
        return s

    def touch_is_due(self) -> bool:
        """Whether writing the deadline again would move it by SESSION_TOUCH_SECONDS or more.

        The stored deadline is the last write plus the idle period, so this is "the last
        write is at least that old". Skipping a write never lengthens a session: it ends
        no later than SESSION_IDLE_MINUTES after the person's last request, and at most
        SESSION_TOUCH_SECONDS sooner."""
        if self.stored_expiry is None:
            return True
        step = datetime.timedelta(seconds=getattr(settings, "SESSION_TOUCH_SECONDS", 0))
        return self.get_expiry_date() - self.stored_expiry >= step

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
    unless they changed the session themselves.

    Nor does a request write the session when all it would change is a deadline written
    less than SESSION_TOUCH_SECONDS ago (SessionStore.touch_is_due): those three statements
    (BEGIN, UPDATE, COMMIT) were on every page. The cookie lives until the browser closes
    (SESSION_EXPIRE_AT_BROWSER_CLOSE), so leaving it alone changes nothing for the browser."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and not session.modified and self._leaves_deadline(request, session):
            if session.accessed:
                patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)

    @staticmethod
    def _leaves_deadline(request, session) -> bool:
        if request.headers.get(BACKGROUND_POLL_HEADER) == "1":
            return True
        # Only a session that was read (an unread one is not saved anyway).
        return session.accessed and not session.is_empty() and not session.touch_is_due()
