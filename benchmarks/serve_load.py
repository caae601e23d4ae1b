"""``where`` over HTTP on the server as ``ecozone serve`` runs it, under a bounded loopback load.

The figure is the highest request rate the server answers with p99 latency ≤ 50 ms and no
errors. The load generator is open-loop (requests are scheduled at a fixed rate and latency is
measured from the scheduled time, so a stalled server cannot hide its queue), keeps a bounded
number of HTTP/1.1 keep-alive connections, and runs on the same machine (loopback): it takes CPU
from the server, which the figure includes. Variants are measured side by side in the same run:
the default ``ecozone serve`` (one process, a JSON log line per request), lighter logging
(``ECOZONE_LOG_LEVEL=WARNING``) and two worker processes. Each variant's search is repeated and
the median reported, because the machine may be shared.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

from benchmarks.figures import Figure

P99_LIMIT_MS = 50.0
RATES = (25, 50, 100, 200, 300, 400, 500, 600, 800, 1000, 1200, 1500, 2000)
STEP_SECONDS = 4.0
CONNECTIONS = 32
REPEATS = 3
TARGET = 1000.0
# Points inside Shanxi (where answers with units) spread over its cities.
POINTS = [(112.55, 37.87), (113.58, 37.86), (112.43, 36.19), (111.52, 36.08), (113.30, 40.08), (111.14, 37.52), (112.74, 38.42), (112.85, 35.49)]


@dataclass
class Step:
    rate: int
    p99_ms: float
    errors: int
    sent: int

    @property
    def ok(self) -> bool:
        return self.errors == 0 and self.p99_ms <= P99_LIMIT_MS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A server process on a free loopback port, stopped on exit."""

    def __init__(self, database_url: str, command: list[str], env: dict[str, str]) -> None:
        self.port = free_port()
        full_env = {**os.environ, "ECOZONE_DATABASE_URL": database_url, "ECOZONE_PORT": str(self.port), **env}
        args = [a.replace("{port}", str(self.port)) for a in command]
        self.process = subprocess.Popen([sys.executable, *args], env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()  # a server that never answered is not left running
            raise

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"GET /api/v1/where?lon=112.55&lat=37.87 HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
                    if sock.recv(12).startswith(b"HTTP/1.1 200"):
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("server did not answer within 120 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


async def _connection(port: int, queue: asyncio.Queue, latencies: list[float], errors: list[str]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while True:
            item = await queue.get()
            if item is None:
                return
            scheduled, (lon, lat) = item
            request = f"GET /api/v1/where?lon={lon}&lat={lat} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()
            try:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head[9:12])
                length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
                await reader.readexactly(length)
            except (OSError, asyncio.IncompleteReadError, StopIteration, ValueError) as exc:
                errors.append(type(exc).__name__)
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            latencies.append((time.perf_counter() - scheduled) * 1000)
            if status != 200:
                errors.append(str(status))
    finally:
        writer.close()


async def _step(port: int, rate: int, seconds: float) -> Step:
    queue: asyncio.Queue = asyncio.Queue()
    latencies: list[float] = []
    errors: list[str] = []
    workers = [asyncio.create_task(_connection(port, queue, latencies, errors)) for _ in range(CONNECTIONS)]
    rng = random.Random(rate)
    total = int(rate * seconds)
    start = time.perf_counter()
    for i in range(total):
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((scheduled, rng.choice(POINTS)))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.wait_for(asyncio.gather(*workers), timeout=seconds * 10 + 30)
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else float("inf")
    return Step(rate, p99, len(errors) + (total - len(latencies) - len(errors) if len(latencies) + len(errors) < total else 0), total)


def highest_rate(port: int) -> tuple[int, list[Step]]:
    """Step the rate up until p99 exceeds the limit or an error occurs; the last rate that held."""
    steps: list[Step] = []
    best = 0
    for rate in RATES:
        step = asyncio.run(_step(port, rate, STEP_SECONDS))
        steps.append(step)
        if not step.ok:
            break
        best = rate
    return best, steps


# figure name → (server command, environment); the first is the default the others are compared with.
VARIANTS = {
    "where_http_rate_serve": (["-m", "ecozone.cli", "serve", "--port", "{port}"], {}),
    "where_http_rate_serve_log_warning": (["-m", "ecozone.cli", "serve", "--port", "{port}"], {"ECOZONE_LOG_LEVEL": "WARNING"}),
    "where_http_rate_2_workers_log_warning": (
        ["-m", "uvicorn", "--factory", "ecozone.app:create_app", "--port", "{port}", "--workers", "2", "--no-access-log", "--log-level", "warning"],
        {"ECOZONE_LOG_LEVEL": "WARNING"},
    ),
}


def serve_load(database_url: str, repeats: int = REPEATS) -> list[Figure]:
    """One figure per variant: the median over ``repeats`` of the highest rate with p99 ≤ 50 ms."""
    results: dict[str, list[int]] = {}
    details: dict[str, list[list[dict]]] = {}
    for _ in range(repeats):
        for name, (command, env) in VARIANTS.items():
            server = Server(database_url, command, env)
            try:
                asyncio.run(_step(server.port, 20, 1.0))  # warm-up: snapshot, caches, connections
                best, steps = highest_rate(server.port)
            finally:
                server.stop()
            results.setdefault(name, []).append(best)
            details.setdefault(name, []).append([{"rate": s.rate, "p99_ms": round(s.p99_ms, 1), "errors": s.errors} for s in steps])
    default = next(iter(VARIANTS))
    baseline = statistics.median(results[default])
    figures = []
    for name in VARIANTS:
        figures.append(
            Figure(
                name=name,
                value=statistics.median(results[name]),
                unit="req/s",
                peer=None if name == default else default,
                peer_value=None if name == default else baseline,
                target=TARGET,
                notes={
                    "what": f"highest GET /api/v1/where rate with p99 ≤ {P99_LIMIT_MS:g} ms and no errors",
                    "server": " ".join(VARIANTS[name][0]).replace("{port}", "PORT") + "".join(f" {k}={v}" for k, v in VARIANTS[name][1].items()),
                    "runs": results[name],
                    "steps": details[name],
                    "load": f"open loop, {CONNECTIONS} keep-alive connections, {STEP_SECONDS:g} s per rate, loopback, same machine",
                    "shared_machine": "medians of repeated runs; other work on the machine makes single runs noisy",
                },
            )
        )
    return figures


if __name__ == "__main__":
    for figure in serve_load(sys.argv[1], repeats=int(sys.argv[2]) if len(sys.argv) > 2 else 1):
        print(f"{figure.value:>8.0f} req/s  {figure.name}  runs={figure.notes['runs']}")
        for run in figure.notes["steps"]:
            print("         ", run)
