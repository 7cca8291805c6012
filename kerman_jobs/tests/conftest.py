"""The shared cast and the isolation every test gets (tests/fixtures.py)."""

from tests.fixtures import *  # noqa: F403
