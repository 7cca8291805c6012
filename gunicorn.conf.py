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
