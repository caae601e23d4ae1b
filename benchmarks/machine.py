"""The machine a run was made on: CPU, memory, and the versions of everything measured."""

from __future__ import annotations

import datetime as dt
import os
import platform
from pathlib import Path


def _proc_field(path: str, key: str) -> str | None:
    file = Path(path)
    if not file.exists():
        return None
    for line in file.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith(key):
            return line.split(":", 1)[1].strip()
    return None


def cpu_model() -> str:
    """The CPU model from /proc/cpuinfo (``model name``), or what platform knows."""
    return _proc_field("/proc/cpuinfo", "model name") or platform.processor() or "unknown"


def memory_mb() -> int | None:
    total = _proc_field("/proc/meminfo", "MemTotal")
    return int(total.split()[0]) // 1024 if total else None


def library_versions() -> dict[str, str]:
    """Python and the geometry stack (GEOS, GDAL, PROJ) the embedded path runs on."""
    import numpy
    import pyogrio
    import pyproj
    import shapely

    return {
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "shapely": shapely.__version__,
        "geos": shapely.geos_version_string,
        "gdal": pyogrio.__gdal_version_string__,
        "proj": pyproj.proj_version_str,
    }


def machine_block(database_versions: dict[str, str] | None = None) -> dict:
    """The ``machine`` block of results.json."""
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model(),
        "memory_mb": memory_mb(),
        "platform": platform.platform(),
        **library_versions(),
        **(database_versions or {"postgresql": None, "postgis": None}),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
