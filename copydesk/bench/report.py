"""Formatting for BENCHMARKS.md: the header (when, how, on what machine, with which versions) and tables."""
from __future__ import annotations

import datetime as _dt
import math
import os
import platform
import subprocess
import sys
from collections.abc import Iterable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

# Distributions whose versions the header lists: copydesk's own dependencies and every anchor.
KEY_PACKAGES = (
    "selectolax", "nh3", "charset-normalizer", "numpy",  # copydesk core
    "fastwarc", "pyarrow", "zstandard", "datasketch",  # copydesk[corpus]
    "trafilatura", "readability-lxml", "resiliparse", "lxml", "justext", "htmldate",  # anchors
)
REPO_ROOT = Path(__file__).resolve().parents[2]


def version_of(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def git_commit(root: Path = REPO_ROOT) -> str | None:
    """The checked-out commit (read-only: rev-parse changes nothing)."""
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def copydesk_version() -> str:
    try:
        import copydesk

        v = getattr(copydesk, "__version__", "?")
    except Exception as e:  # the package may be mid-edit: say so rather than fail the header
        v = f"{version_of('copydesk')} (import failed: {type(e).__name__}: {e})"
    commit = git_commit()
    return f"{v} (git {commit}, working tree as run)" if commit else v


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _ram() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                kb = int(line.split()[1])
                return f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return "unknown"


def _os() -> str:
    pretty = None
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                pretty = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return f"{pretty or platform.system()} (kernel {platform.release()})"


def machine() -> dict[str, Any]:
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "ram": _ram(),
        "os": _os(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        # Other work on the machine slows every tool alike (they are interleaved), but say how busy it was.
        "load_average_at_start": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }


def versions() -> dict[str, str]:
    out = {"copydesk": copydesk_version()}
    out.update({d: version_of(d) for d in KEY_PACKAGES})
    return out


def _when(started: _dt.datetime) -> str:
    return started.strftime('%Y-%m-%d %H:%M %Z').strip()


def load_average() -> float | None:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def run_info(command: str, started: _dt.datetime) -> dict[str, Any]:
    """What one section's figures come from: when, by which command, how busy the machine was."""
    return {"date": started.isoformat(timespec="seconds"), "command": command,
            "load_average_at_start": load_average(), "copydesk": copydesk_version()}


def run_stamp(info: dict[str, Any]) -> str:
    """The line under a section's heading in a merged BENCHMARKS.md."""
    try:
        when = _when(_dt.datetime.fromisoformat(info["date"]))
    except (KeyError, TypeError, ValueError):
        when = str(info.get("date") or "unknown date")
    return (f"_Run {when} by `{info.get('command') or '?'}`; load average "
            f"{fmt(info.get('load_average_at_start'), 1)} at start; copydesk {info.get('copydesk') or '?'}._")


def header(command: str, started: _dt.datetime, merged: bool = False) -> tuple[str, dict[str, Any]]:
    """The top of BENCHMARKS.md and the same facts as a dict. `merged`: the sections come from several
    runs, so the date, command and load are each section's own (stated under its heading)."""
    m, v = machine(), versions()
    lines = [
        "# copydesk benchmarks",
        "",
        f"- date: {_when(started)}" + (" (last update; each section states its own run)" if merged else ""),
        f"- command: `{command}`" + (" (last update)" if merged else ""),
        f"- machine: {m['cpu']}, {m['cores']} cores ({m['cores_usable']} usable), {m['ram']} RAM, {m['os']}, "
        f"{m['python']}" + ("" if merged else f"; load average {fmt(m['load_average_at_start'], 1)} at start"),
        "- versions: " + ", ".join(f"{k} {val}" for k, val in v.items()) + (" (at the last update)" if merged else ""),
        "",
        "All times are CPU time of the process (`time.process_time`) around the one call, in milliseconds; "
        "every tool gets the page's raw bytes and decodes them itself.",
        "",
    ]
    if merged:
        lines[-1:-1] = ["", "Sections were refreshed separately (`--merge`): each section's figures come from one run, "
                        "stated under its heading with its command, date and load average at start; figures of "
                        "different runs are never mixed inside a section."]
    return "\n".join(lines), {"date": started.isoformat(timespec="seconds"), "command": command,
                              "machine": m, "versions": v, "argv": sys.argv}


def fmt(x: Any, digits: int = 3) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        if math.isnan(x):
            return "–"
        return f"{x:.{digits}f}"
    return str(x)


def table(head: Sequence[str], rows: Iterable[Sequence[Any]], digits: int = 3) -> str:
    """A markdown table; floats to `digits` places."""
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in rows:
        out.append("| " + " | ".join(fmt(c, digits) for c in r) + " |")
    return "\n".join(out)
