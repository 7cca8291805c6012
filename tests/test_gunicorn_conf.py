"""gunicorn.conf.py's worker hook sets the loaded site aside from the garbage collector."""

import gc
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def test_a_worker_freezes_what_it_loaded():
    hook = runpy.run_path(str(CONF))["post_worker_init"]
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        hook(worker=None)
        assert gc.get_freeze_count() > 10_000  # the site's objects, not none
    finally:
        gc.unfreeze()
