"""The wall clock: read here, and only by the edges (cli, api, web).

Domain code never reads the clock; it takes ``now`` / ``as_of`` (or one of these functions, as
the clock of a long-lived object) from the edge that serves the request. A test run can so be
moved to any instant as a whole (``ECOZONE_TEST_NOW``, see tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt

from ecozone.settings import BEIJING


def utc_now() -> dt.datetime:
    """The current instant, timezone-aware (UTC)."""
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date in Beijing, the date on which a release or rule is in force."""
    return utc_now().astimezone(BEIJING).date()
