"""The shipped line classifier: two small MLPs (numpy inference), loaded lazily once.

Stage 1 reads each line's shape and its neighbours'; each later stage adds the previous stage's
probabilities smoothed over the neighbourhood and the line's place relative to the densest run of likely body. Weights come from
`models/textmode_train.py` (see models/TEXTMODE_CARD.md) and ship as `copydesk/data/textmode_model.json`.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from ..blas import one_blas_thread

MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "textmode_model.json"
# Used when no trained model ships (a fresh checkout before training): body = its probability >= this.
DEFAULT_THRESHOLD = 0.5

# OpenBLAS runs a product of more than 65536 * 4 multiply-adds on its worker threads, whose spinning doubles
# the CPU time of a corpus job for these small matrices. `one_blas_thread` keeps it on the calling thread for
# the duration of a prediction, so products can be large: PREDICT_BLOCK_ROWS rows at a time amortise numpy's
# per-call overhead (23-row blocks, the largest that stay single-threaded without a limit, cost twice as
# much), while the hidden layer (rows x width float32) stays in cache.
PREDICT_BLOCK_ROWS = 1024

_lock = threading.Lock()
_cache: dict[str, LineModel | None] = {}
@dataclass(frozen=True)
class MLP:
    """x -> standardise -> relu(x W1 + b1) -> sigmoid(h W2 + b2)."""

    mean: np.ndarray
    scale: np.ndarray
    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: float

    @cached_property
    def _folded(self) -> tuple[np.ndarray, np.ndarray]:
        """W1 and b1 with the standardisation folded in: x W1' + b1' == ((x - mean) * scale) W1 + b1."""
        W = (self.scale[:, None] * self.W1).astype(np.float32)
        return W, (self.b1 - (self.mean * self.scale) @ self.W1).astype(np.float32)

    def predict(self, X: np.ndarray) -> np.ndarray:
        if len(X) == 0:
            return np.zeros(0, np.float32)
        W1, b1 = self._folded
        rows = PREDICT_BLOCK_ROWS
        z = np.empty(len(X), np.result_type(X, W1))  # (float32 in text mode; training may pass float64)
        with one_blas_thread():
            for i in range(0, len(X), rows):
                # the same products as `np.maximum(x @ W1 + b1, 0) @ W2`, the hidden layer updated in place
                h = X[i:i + rows] @ W1
                h += b1
                np.maximum(h, 0, out=h)
                z[i:i + rows] = h @ self.W2
        z += self.b2
        # 1 / (1 + exp(-clip(z))), in place
        np.clip(z, -30, 30, out=z)
        np.negative(z, out=z)
        np.exp(z, out=z)
        z += 1.0
        return np.divide(1.0, z, out=z).astype(np.float32, copy=False)

    def to_dict(self) -> dict:
        return {"mean": self.mean.tolist(), "scale": self.scale.tolist(), "W1": self.W1.tolist(),
                "b1": self.b1.tolist(), "W2": self.W2.tolist(), "b2": float(self.b2)}

    @classmethod
    def from_dict(cls, d: dict) -> MLP:
        f = np.float32
        return cls(np.asarray(d["mean"], f), np.asarray(d["scale"], f), np.asarray(d["W1"], f),
                   np.asarray(d["b1"], f), np.asarray(d["W2"], f), float(d["b2"]))


@dataclass(frozen=True)
class LineModel:
    """Stage 1 on the line features; each later stage on the line features plus the previous stage's
    probabilities in context (lines.stage2_features)."""

    stage1: MLP
    later: tuple[MLP, ...]
    threshold: float = DEFAULT_THRESHOLD

    def to_dict(self) -> dict:
        return {"version": 2, "stage1": self.stage1.to_dict(), "later": [m.to_dict() for m in self.later],
                "threshold": self.threshold}

    @classmethod
    def from_dict(cls, d: dict) -> LineModel:
        return cls(MLP.from_dict(d["stage1"]), tuple(MLP.from_dict(m) for m in d["later"]),
                   float(d.get("threshold", DEFAULT_THRESHOLD)))


def load_model(path: Path | None = None) -> LineModel | None:
    """The shipped model (cached), or None when the file is absent (callers fall back to rules)."""
    key = str(path or MODEL_PATH)
    if key in _cache:
        return _cache[key]
    with _lock:
        if key not in _cache:
            p = Path(key)
            _cache[key] = LineModel.from_dict(json.loads(p.read_text(encoding="utf8"))) if p.exists() else None
    return _cache[key]
