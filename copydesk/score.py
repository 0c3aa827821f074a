"""Score: segment features -> probability of being body text, by the shipped model
(`copydesk/models/blocks.json`, trained by `models/train_blocks.py`; card in `models/BLOCKS_CARD.md`)."""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import heuristics as H
from .segment import Seg

MODEL_PATH = Path(__file__).parent / "models" / "blocks.json"
KINDS = (H.PARAGRAPH, H.HEADING, H.LIST, H.TABLE, H.QUOTE, H.CODE, H.CAPTION, H.IMAGE)
N_FLAGS = len(H.FLAG_NAMES)
CONTAINER_LEVELS = 3  # parent, grandparent, great-grandparent
NEIGHBOURS = (-2, -1, 1, 2)
SHORT_FOR_UI = 160  # UI vocabulary is only a signal on short segments


def _own(s: Seg) -> list[float]:
    text = s.text
    c = s.chars or 1
    punct = text.count(".") + text.count(",") + text.count("。") + text.count("，") + text.count("、") + \
        text.count(";") + text.count("!") + text.count("?")
    kind = [1.0 if s.kind == k else 0.0 for k in KINDS]
    flags = [1.0 if s.flags >> i & 1 else 0.0 for i in range(N_FLAGS)]
    short = s.chars <= SHORT_FOR_UI
    return [
        math.log1p(s.chars), math.log1p(s.words), s.link_chars / c, punct / c * 10,
        1.0 if text[-1:] in H.END_PUNCT else 0.0, 1.0 if s.tag == "p" else 0.0, s.level / 6,
        min(s.neg, 6) / 6, min(s.pos, 6) / 6, min(s.neg_near, 12) / 12, min(s.pos_near, 12) / 12,
        1.0 if short and H.UI_WORDS.search(text) else 0.0, 1.0 if short and H.COPYRIGHT.search(text) else 0.0,
        1.0 if text[:1].isupper() else 0.0, text.count("|") / c * 10,
        *kind, *flags,
    ]


N_OWN = 15 + len(KINDS) + N_FLAGS
N_CONTEXT = 4  # features of a neighbour: log chars, link density, end punct, own-p proxy (punct density)


def features(segs: list[Seg]) -> np.ndarray:
    """The feature matrix (one row per segment): own, container (3 levels up) and neighbour features."""
    n = len(segs)
    if n == 0:
        return np.zeros((0, 0), dtype=np.float32)
    own = np.array([_own(s) for s in segs], dtype=np.float32)
    total = float(sum(s.chars for s in segs)) or 1.0
    max_depth = max(s.depth for s in segs) or 1
    # container aggregates: chars, link chars, chars in long sentence-ending segments, segment count
    agg: dict[int, list[float]] = {}
    long_ = [1.0 if s.chars >= 100 and s.text[-1:] in H.END_PUNCT else 0.0 for s in segs]
    for s, lg in zip(segs, long_):
        for e in s.anc[-CONTAINER_LEVELS - 1:-1] if s.anc and s.anc[-1] == s.elem else s.anc[-CONTAINER_LEVELS:]:
            a = agg.get(e)
            if a is None:
                agg[e] = [s.chars, s.link_chars, s.chars * lg, 1.0]
            else:
                a[0] += s.chars
                a[1] += s.link_chars
                a[2] += s.chars * lg
                a[3] += 1.0
    cont = np.zeros((n, CONTAINER_LEVELS * 5 + 3), dtype=np.float32)
    offset = 0
    for i, s in enumerate(segs):
        anc = s.anc[:-1] if s.anc and s.anc[-1] == s.elem else s.anc
        row = cont[i]
        for k in range(CONTAINER_LEVELS):
            if len(anc) > k:
                a = agg.get(anc[-1 - k])
                if a:
                    ch = a[0] or 1.0
                    row[k * 5:k * 5 + 5] = (math.log1p(a[0]), a[1] / ch, a[2] / ch, math.log1p(a[3]), a[0] / total)
        row[-3] = s.depth / max_depth
        row[-2] = i / n
        row[-1] = offset / total
        offset += s.chars
    ctx_src = own[:, (0, 2, 4, 3)]
    ctx = []
    for d in NEIGHBOURS:
        shifted = np.zeros_like(ctx_src)
        if d < 0:
            shifted[-d:] = ctx_src[:d]
        else:
            shifted[:-d] = ctx_src[d:]
        ctx.append(shifted)
    return np.hstack([own, cont, *ctx])


@lru_cache(maxsize=1)
def _model() -> dict | None:
    if not MODEL_PATH.exists():
        return None
    m = json.loads(MODEL_PATH.read_text())
    return {
        "mean": np.asarray(m["mean"], dtype=np.float32), "scale": np.asarray(m["scale"], dtype=np.float32),
        "layers": [(np.asarray(w, dtype=np.float32), np.asarray(b, dtype=np.float32)) for w, b in m["layers"]],
    }


def predict(x: np.ndarray) -> np.ndarray:
    """Probability of body for each feature row (MLP: relu hidden layers, logistic output)."""
    m = _model()
    if m is None:
        raise RuntimeError(f"the block model is missing: {MODEL_PATH} (run `make train`)")
    h = (x - m["mean"]) / m["scale"]
    layers = m["layers"]
    for w, b in layers[:-1]:
        h = np.maximum(h @ w + b, 0.0)
    w, b = layers[-1]
    z = (h @ w + b).ravel()
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def score(segs: list[Seg]) -> None:
    """Set `seg.p` in [0, 1] for every segment."""
    if not segs:
        return
    p = predict(features(segs))
    for s, v in zip(segs, p.tolist()):
        s.p = v
