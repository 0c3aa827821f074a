"""What every benchmark section shares: loading ../shared/benchmarks, CPU timing, the Section type."""
from __future__ import annotations

import importlib.util
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any


@dataclass
class Section:
    """One part of BENCHMARKS.md: a heading, its markdown body, and the raw figures (for JSON)."""

    title: str
    markdown: str
    data: dict[str, Any] = field(default_factory=dict)


def load_benchlib(shared: Path) -> ModuleType:
    """Import ../shared/benchmarks/benchlib.py (stdlib only) from wherever shared/ is."""
    path = Path(shared) / "benchmarks" / "benchlib.py"
    if not path.exists():
        raise FileNotFoundError(f"no benchmarks at {path}")
    spec = importlib.util.spec_from_file_location("benchlib", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["benchlib"] = mod
    spec.loader.exec_module(mod)
    return mod


def cpu_ms(fn: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    """Call fn(*args); return (result, CPU milliseconds of this process)."""
    t0 = time.process_time()
    out = fn(*args)
    return out, (time.process_time() - t0) * 1000.0


def percentile(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))
    return xs[k]


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")
