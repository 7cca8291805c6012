"""The console e-mail backend of `make run`, on standard error.

Django's own writes to standard output, where a command's answer goes: a command that
records a notice (a script that adds a progress entry, `send_reminders`) would print
the e-mail into the output a caller reads.
"""

import sys

from django.core.mail.backends.console import EmailBackend as ConsoleBackend


class StderrConsoleBackend(ConsoleBackend):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("stream", sys.stderr)
        super().__init__(*args, **kwargs)
