"""Shared test helpers: where ../shared is, benchlib, and running the CLI the way a user does."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
BENCHMARKS = SHARED / "benchmarks"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CLI_TIMEOUT_S = 120  # a hang guard for the subprocess, not a speed requirement


@pytest.fixture(scope="session")
def benchlib() -> ModuleType:
    """benchlib.py from ../shared/benchmarks; the test is skipped (saying why) when shared/ is absent."""
    if not (BENCHMARKS / "benchlib.py").exists():
        pytest.skip(f"benchmark data not found at {BENCHMARKS} (the ../shared folder next to the repo)")
    from copydesk.bench.common import load_benchlib

    return load_benchlib(SHARED)


def run_cli(*args: str, stdin: bytes | None = None, timeout: float = CLI_TIMEOUT_S) -> subprocess.CompletedProcess:
    """`python -m copydesk.cli ...` in a fresh interpreter; returns the completed process (bytes out)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return subprocess.run([sys.executable, "-m", "copydesk.cli", *args], input=stdin, capture_output=True,
                          timeout=timeout, env=env, cwd=str(REPO), check=False)
