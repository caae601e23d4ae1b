"""Heavy work off the event loop, in a bounded pool.

Batch screening, outline parsing, staff imports and PDF rendering run in worker threads, at most
``ECOZONE_EDGE_HEAVY_WORKERS`` at once; further heavy requests wait for a slot while light ones
(``/healthz``, ``where``) keep being answered by the event loop and the general thread pool.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

import anyio
from fastapi import Request

T = TypeVar("T")


def heavy_limiter(workers: int) -> anyio.CapacityLimiter:
    return anyio.CapacityLimiter(workers)


async def run_heavy(request: Request, function: Callable[..., T], *args, **kwargs) -> T:
    """Run ``function(*args, **kwargs)`` in a worker thread holding one heavy slot."""
    limiter: anyio.CapacityLimiter = request.app.state.heavy_limiter
    return await anyio.to_thread.run_sync(partial(function, *args, **kwargs), limiter=limiter)
