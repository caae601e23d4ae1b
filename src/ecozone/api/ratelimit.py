"""In-process token buckets: per IP address and per account, for login and anonymous writes.

One process holds its own buckets (``ecozone serve`` runs one process by default); behind several
workers each counts its own share, so the effective limit is at most the setting times the number
of workers. The clock is the edge's monotonic clock.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from ecozone.errors import RateLimited

# Buckets of callers not seen for a while are dropped oldest-first past this many keys, so a
# flood of spoofed names cannot grow memory without bound.
MAX_KEYS = 50_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBucket:
    """``rate_per_minute`` tokens a minute, at most ``burst`` saved; one request spends one."""

    def __init__(self, rate_per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate_per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def _refilled(self, key: str, now: float) -> _Bucket:
        bucket = self._buckets.pop(key, None) or _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        self._buckets[key] = bucket
        while len(self._buckets) > MAX_KEYS:
            self._buckets.popitem(last=False)
        return bucket

    def retry_after(self, key: str) -> float:
        """Seconds until ``key`` may send again (0 when it may now), without spending a token."""
        with self._lock:
            bucket = self._refilled(key, self.clock())
            return 0.0 if bucket.tokens >= 1 else (1 - bucket.tokens) / self.rate

    def spend(self, key: str) -> None:
        with self._lock:
            bucket = self._refilled(key, self.clock())
            bucket.tokens -= 1

    def take(self, key: str, what: str) -> None:
        """Spend one token of ``key``; ``RateLimited`` (429) naming ``what`` when none is left."""
        with self._lock:
            bucket = self._refilled(key, self.clock())
            if bucket.tokens < 1:
                wait = (1 - bucket.tokens) / self.rate
                raise RateLimited(f"too many {what}; retry in {wait:.0f} s", limit=what, retry_after=round(wait, 1))
            bucket.tokens -= 1


def client_ip(request) -> str:
    """The caller's address as the server sees it (a reverse proxy must set it, e.g. uvicorn's
    --proxy-headers, for this to be the real client)."""
    return request.client.host if request.client else "unknown"
