"""Score: segment features -> probability of being body text.

Two stages, both small MLPs shipped in `copydesk/models/blocks.json` (trained by
`models/train_blocks.py`; card in `models/BLOCKS_CARD.md`):
  1. each segment from its own features, its containers' aggregates and its neighbours' shape;
  2. the same decision again, now seeing stage-1 probabilities around it (neighbours, containers,
     the page's densest run), which is where "this paragraph sits inside the article" is learned."""
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
CONTAINER_LEVELS = 4  # parent ... great-great-grandparent
NEIGHBOURS = (-3, -2, -1, 1, 2, 3)
SHORT_FOR_UI = 160  # UI vocabulary is only a signal on short segments
SAMPLE_CHARS = 400  # word-shape features read this much of a segment
LONG_SEG = 100  # chars: a "long" segment, when it also ends a sentence
FLAG_BITS = np.arange(N_FLAGS, dtype=np.int64)


def _shape(text: str) -> tuple[float, float, float, float]:
    """(punctuation per char, short-word share, lower-case-initial share, mean word length) of a sample."""
    t = text[:SAMPLE_CHARS]
    c = len(t) or 1
    punct = t.count(".") + t.count(",") + t.count("。") + t.count("，") + t.count("、") + t.count(";") + \
        t.count("!") + t.count("?") + t.count("：") + t.count(":")
    words = t.split()
    n = len(words) or 1
    short = sum(1 for w in words if len(w) <= 3)
    lower = sum(1 for w in words if w[:1].islower())
    return punct / c * 10, short / n, lower / n, min(len(t) / n, 30) / 30


def _own(segs: list[Seg]) -> np.ndarray:
    n = len(segs)
    seen: dict[str, int] = {}
    for s in segs:
        k = s.text[:80]
        seen[k] = seen.get(k, 0) + 1
    list_sizes: dict[int, int] = {}
    for s in segs:
        if s.list_id >= 0:
            list_sizes[s.list_id] = list_sizes.get(s.list_id, 0) + 1
    rows = []
    for s in segs:
        text = s.text
        c = s.chars or 1
        short = s.chars <= SHORT_FOR_UI
        rows.append((
            math.log1p(s.chars), math.log1p(s.words), s.link_chars / c, *_shape(text),
            1.0 if text[-1:] in H.END_PUNCT else 0.0, 1.0 if s.tag == "p" else 0.0, s.level / 6,
            min(s.neg, 6) / 6, min(s.pos, 6) / 6, min(s.neg_near, 12) / 12, min(s.pos_near, 12) / 12,
            1.0 if short and H.UI_WORDS.search(text) else 0.0, 1.0 if short and H.COPYRIGHT.search(text) else 0.0,
            1.0 if text[:1].isupper() else 0.0, min(seen[text[:80]] - 1, 3) / 3,
            math.log1p(list_sizes.get(s.list_id, 0)), 1.0 if s.tag == "div" else 0.0,
            1.0 if s.tag in ("td", "th") else 0.0, 1.0 if s.tag in ("dd", "dt") else 0.0,
        ))
    own = np.array(rows, dtype=np.float32)
    kinds = np.array([KINDS.index(s.kind) if s.kind in KINDS else 0 for s in segs])
    kind_1h = np.zeros((n, len(KINDS)), dtype=np.float32)
    kind_1h[np.arange(n), kinds] = 1.0
    flags = np.array([s.flags for s in segs], dtype=np.int64)
    flag_bits = ((flags[:, None] >> FLAG_BITS) & 1).astype(np.float32)
    return np.hstack([own, kind_1h, flag_bits])


def _containers(segs: list[Seg], values: np.ndarray | None = None) -> tuple[list[list[int]], dict[int, list[float]]]:
    """Each segment's enclosing elements (nearest first, up to CONTAINER_LEVELS) and per-element sums:
    chars, link chars, chars of long sentence-ending segments, segment count (and sum of value*chars)."""
    agg: dict[int, list[float]] = {}
    ancs: list[list[int]] = []
    for i, s in enumerate(segs):
        anc = s.anc[:-1] if s.anc and s.anc[-1] == s.elem else s.anc
        up = anc[:-CONTAINER_LEVELS - 1:-1]
        ancs.append(up)
        lg = s.chars if s.chars >= LONG_SEG and s.text[-1:] in H.END_PUNCT else 0
        v = float(values[i]) * s.chars if values is not None else 0.0
        for e in up:
            a = agg.get(e)
            if a is None:
                agg[e] = [s.chars, s.link_chars, lg, 1.0, v]
            else:
                a[0] += s.chars
                a[1] += s.link_chars
                a[2] += lg
                a[3] += 1.0
                a[4] += v
    return ancs, agg


def _shift(x: np.ndarray, d: int) -> np.ndarray:
    out = np.zeros_like(x)
    if d < 0:
        out[-d:] = x[:d]
    else:
        out[:-d] = x[d:]
    return out


def features(segs: list[Seg]) -> np.ndarray:
    """Stage-1 feature matrix: own, container and neighbour features, one row per segment."""
    n = len(segs)
    own = _own(segs)
    total = float(sum(s.chars for s in segs)) or 1.0
    max_depth = max(s.depth for s in segs) or 1
    ancs, agg = _containers(segs)
    cont = np.zeros((n, CONTAINER_LEVELS * 5 + 3), dtype=np.float32)
    offset = 0
    for i, s in enumerate(segs):
        row = cont[i]
        for k, e in enumerate(ancs[i]):
            a = agg[e]
            ch = a[0] or 1.0
            row[k * 5:k * 5 + 5] = (math.log1p(a[0]), a[1] / ch, a[2] / ch, math.log1p(a[3]), a[0] / total)
        row[-3] = s.depth / max_depth
        row[-2] = i / n
        row[-1] = offset / total
        offset += s.chars
    ctx_src = own[:, (0, 2, 3, 7)]  # log chars, link density, punctuation, end punctuation
    return np.hstack([own, cont, *(_shift(ctx_src, d) for d in NEIGHBOURS)])


def best_run(p: np.ndarray, weight: np.ndarray, t: float = 0.5) -> tuple[int, int]:
    """The contiguous run of segments maximising sum((p - t) * weight): the article's likely span."""
    best, best_lo, best_hi = 0.0, 0, -1
    cur, lo = 0.0, 0
    for i, g in enumerate(((p - t) * weight).tolist()):
        if cur <= 0:
            cur, lo = g, i
        else:
            cur += g
        if cur > best:
            best, best_lo, best_hi = cur, lo, i
    return best_lo, best_hi


def features2(segs: list[Seg], p1: np.ndarray) -> np.ndarray:
    """Stage-2 features: stage-1 probabilities around each segment."""
    n = len(segs)
    chars = np.array([s.chars for s in segs], dtype=np.float32)
    weight = np.sqrt(np.minimum(chars, 1000.0))
    lo, hi = best_run(p1, weight)
    idx = np.arange(n, dtype=np.float32)
    in_run = ((idx >= lo) & (idx <= hi)).astype(np.float32)
    dist = np.where(idx < lo, lo - idx, np.where(idx > hi, idx - hi, 0.0))
    mass = p1 * chars
    cum = np.cumsum(mass)
    tot = float(cum[-1]) or 1.0
    ancs, agg = _containers(segs, p1)
    cont = np.zeros((n, CONTAINER_LEVELS * 2), dtype=np.float32)
    for i in range(n):
        row = cont[i]
        for k, e in enumerate(ancs[i]):
            a = agg[e]
            row[2 * k] = a[4] / (a[0] or 1.0)
            row[2 * k + 1] = a[4] / tot
    run_chars = float(chars[lo:hi + 1].sum()) / (float(chars.sum()) or 1.0) if hi >= lo else 0.0
    cols = [p1[:, None], in_run[:, None], np.minimum(dist, 20)[:, None] / 20, (cum / tot)[:, None],
            np.full((n, 1), run_chars, dtype=np.float32), cont]
    cols += [_shift(p1[:, None], d) for d in NEIGHBOURS]
    return np.hstack(cols).astype(np.float32)


@lru_cache(maxsize=1)
def _model() -> dict:
    if not MODEL_PATH.exists():
        raise RuntimeError(f"the block model is missing: {MODEL_PATH} (run `make train`)")
    m = json.loads(MODEL_PATH.read_text())

    def net(d: dict) -> dict:
        return {"mean": np.asarray(d["mean"], dtype=np.float32), "scale": np.asarray(d["scale"], dtype=np.float32),
                "layers": [(np.asarray(w, dtype=np.float32), np.asarray(b, dtype=np.float32)) for w, b in d["layers"]]}

    return {"stage1": net(m["stage1"]), "stage2": net(m["stage2"]) if m.get("stage2") else None}


def mlp(net: dict, x: np.ndarray) -> np.ndarray:
    """Probability for each row: standardise, relu hidden layers, logistic output."""
    h = (x - net["mean"]) / net["scale"]
    layers = net["layers"]
    for w, b in layers[:-1]:
        h = np.maximum(h @ w + b, 0.0)
    w, b = layers[-1]
    z = (h @ w + b).ravel()
    return (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).astype(np.float32)


def score(segs: list[Seg]) -> None:
    """Set `seg.p` in [0, 1] for every segment."""
    if not segs:
        return
    m = _model()
    p = mlp(m["stage1"], features(segs))
    if m["stage2"] is not None:
        p = mlp(m["stage2"], features2(segs, p))
    for s, v in zip(segs, p.tolist()):
        s.p = v
