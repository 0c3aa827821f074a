"""One BLAS thread for the models' small matrix products.

OpenBLAS runs a large enough product on its worker threads, whose spinning costs more CPU than the product
itself on these small matrices and burns the cores a process pool needs. `one_blas_thread` keeps BLAS on the
calling thread while inside; nested and concurrent uses share one limit (the first to enter sets it, the
last to leave restores the previous thread counts). Entering costs ~20 us."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from threadpoolctl import ThreadpoolController

_lock = threading.Lock()
_state: dict[str, Any] = {"depth": 0, "limiter": None}


@lru_cache(maxsize=1)
def _controller() -> ThreadpoolController:
    return ThreadpoolController()  # library discovery is slow: once per process


@contextmanager
def one_blas_thread() -> Iterator[None]:
    with _lock:
        if _state["depth"] == 0:
            _state["limiter"] = _controller().limit(limits=1, user_api="blas")
        _state["depth"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["depth"] -= 1
            if _state["depth"] == 0:
                _state["limiter"].restore_original_limits()
                _state["limiter"] = None
