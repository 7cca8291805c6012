"""gunicorn reads this file by itself when started from this folder (the systemd unit's
WorkingDirectory): its own lines (start, workers, errors) and its access log then go to
stderr in the site's format, one JSON object a line with LOG_FORMAT=json, like Django's.
Everything else stays on gunicorn's command line (docs/deploy.md)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from core.logs import logging_config  # after the line above, which makes it importable

logconfig_dict = logging_config(fmt=os.environ.get("LOG_FORMAT"), level=os.environ.get("LOG_LEVEL", "WARNING"))


def post_worker_init(worker):
    """Once a worker has loaded the site, what it loaded (Django, the apps, the URL and
    template machinery: about 120,000 objects) is set aside from the garbage collector:
    a full collection otherwise walks all of it and, landing inside a request, added
    60-80 ms to it (measured on the staff dashboard at SCALE=1.0: 64 ms; 3.6 ms frozen)."""
    import gc

    gc.freeze()
