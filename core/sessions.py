"""Database sessions that report a lost database as a server error, not a bad request.

Django's db backend turns every DatabaseError during a session update into
UpdateError, which the session middleware answers with 400 "session interrupted".
When PostgreSQL is restarting that is wrong: the user did nothing bad and should get
the 500 page that says to try again in a moment.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import InterfaceError, OperationalError


class SessionStore(db.SessionStore):
    def save(self, must_create=False):
        try:
            return super().save(must_create=must_create)
        except UpdateError as exc:
            cause = exc.__context__
            if isinstance(cause, (OperationalError, InterfaceError)):
                raise cause from None
            raise
