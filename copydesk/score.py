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
from threadpoolctl import ThreadpoolController

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
KIND_INDEX = {k: i for i, k in enumerate(KINDS)}


def is_dateline(text: str) -> float:
    """1.0 for a short line that is mostly a date/time ("Nov. 18, 2019 7:04 pm ET"), not a sentence."""
    return 1.0 if len(text) <= H.DATELINE_MAX_CHARS and text[-1:] not in ".!?。" and H.DATE_TEXT.search(text) else 0.0


def is_byline(text: str) -> float:
    return 1.0 if len(text) <= H.DATELINE_MAX_CHARS and H.BYLINE_TEXT.match(text) else 0.0


def _own(segs: list[Seg]) -> np.ndarray:
    """Each segment's own features: size, links, punctuation, word shape, kind, inherited flags."""
    n = len(segs)
    seen: dict[str, int] = {}
    list_sizes: dict[int, int] = {}
    for s in segs:
        k = s.text[:80]
        seen[k] = seen.get(k, 0) + 1
        if s.list_id >= 0:
            list_sizes[s.list_id] = list_sizes.get(s.list_id, 0) + 1
    ui_tokens, ui_phrases, end_punct, copyright_ = H.UI_TOKENS, H.UI_PHRASES, H.END_PUNCT, H.COPYRIGHT
    log1p = math.log1p
    rows = []
    for s in segs:
        text = s.text
        t = text[:SAMPLE_CHARS]
        c = len(t) or 1
        punct = t.count(".") + t.count(",") + t.count("。") + t.count("，") + t.count("、") + t.count(";") + \
            t.count("!") + t.count("?") + t.count(":")
        words = t.split()
        nw = len(words) or 1
        lens = [len(w) for w in words]
        short_words = sum([x <= 3 for x in lens])
        lower = sum([w[0].islower() for w in words])
        ui = cr = dateline = byline = url = 0.0
        if s.chars <= SHORT_FOR_UI:
            low = text.lower()
            if not ui_tokens.isdisjoint(low.split()) or any(ph in low for ph in ui_phrases):
                ui = 1.0
            if copyright_.search(text):
                cr = 1.0
            if s.chars <= H.DATELINE_MAX_CHARS:
                dateline, byline, url = is_dateline(text), is_byline(text), 1.0 if H.URL_TEXT.match(text) else 0.0
        tag = s.tag
        rows.append((
            log1p(s.chars), log1p(s.words), s.link_chars / (s.chars or 1), punct / c * 10, short_words / nw,
            lower / nw, min(c / nw, 30) / 30, 1.0 if text[-1:] in end_punct else 0.0, 1.0 if tag == "p" else 0.0,
            s.level / 6, min(s.neg, 6) / 6, min(s.pos, 6) / 6, min(s.neg_near, 12) / 12, min(s.pos_near, 12) / 12,
            ui, cr, dateline, byline, url, 1.0 if text[:1].isupper() else 0.0, min(seen[text[:80]] - 1, 3) / 3,
            log1p(list_sizes.get(s.list_id, 0)), 1.0 if tag == "div" else 0.0,
            1.0 if tag == "td" or tag == "th" else 0.0, 1.0 if tag == "dd" or tag == "dt" else 0.0,
        ))
    own = np.array(rows, dtype=np.float32)
    kind_1h = np.zeros((n, len(KINDS)), dtype=np.float32)
    kind_1h[np.arange(n), [KIND_INDEX.get(s.kind, 0) for s in segs]] = 1.0
    flags = np.array([s.flags for s in segs], dtype=np.int64)
    flag_bits = ((flags[:, None] >> FLAG_BITS) & 1).astype(np.float32)
    return np.hstack([own, kind_1h, flag_bits])


def _containers(segs: list[Seg], values: list[float] | None = None) -> tuple[list[list[int]], dict[int, list[float]]]:
    """Each segment's enclosing elements (nearest first, up to CONTAINER_LEVELS) and per-element sums:
    chars, link chars, chars of long sentence-ending segments, segment count (and sum of value*chars)."""
    agg: dict[int, list[float]] = {}
    ancs: list[list[int]] = []
    end_punct = H.END_PUNCT
    for i, s in enumerate(segs):
        anc = s.anc
        up = anc[-2:-CONTAINER_LEVELS - 2:-1] if anc and anc[-1] == s.elem else anc[:-CONTAINER_LEVELS - 1:-1]
        ancs.append(up)
        ch = s.chars
        lg = ch if ch >= LONG_SEG and s.text[-1:] in end_punct else 0
        v = values[i] * ch if values is not None else 0.0
        for e in up:
            a = agg.get(e)
            if a is None:
                agg[e] = [ch, s.link_chars, lg, 1.0, v]
            else:
                a[0] += ch
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
    log1p = math.log1p
    # per element: log chars, link density, long-segment share, log segment count, share of the page
    stats = {e: (log1p(a[0]), a[1] / (a[0] or 1.0), a[2] / (a[0] or 1.0), log1p(a[3]), a[0] / total)
             for e, a in agg.items()}
    empty = (0.0,) * 5
    width = CONTAINER_LEVELS * 5
    rows = []
    offset = 0
    for i, s in enumerate(segs):
        row: list[float] = []
        for e in ancs[i]:
            row.extend(stats[e])
        if len(row) < width:
            row.extend(empty * ((width - len(row)) // 5))

        row.append(s.depth / max_depth)
        row.append(i / n)
        row.append(offset / total)
        offset += s.chars
        rows.append(row)
    cont = np.array(rows, dtype=np.float32)
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
    ancs, agg = _containers(segs, p1.tolist())
    width = CONTAINER_LEVELS * 2
    rows = []
    for i in range(n):
        row: list[float] = []
        for e in ancs[i]:
            a = agg[e]
            row.append(a[4] / (a[0] or 1.0))
            row.append(a[4] / tot)
        if len(row) < width:
            row.extend([0.0] * (width - len(row)))
        rows.append(row)
    cont = np.array(rows, dtype=np.float32)
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


@lru_cache(maxsize=1)
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def score(segs: list[Seg]) -> None:
    """Set `seg.p` in [0, 1] for every segment."""
    if not segs:
        return
    m = _model()
    # The matrices are tiny: BLAS threads cost more than they save, and their spinning burns the
    # other cores (a process pool gives the parallelism). One thread, for these calls only.
    with _blas().limit(limits=1, user_api="blas"):
        p = mlp(m["stage1"], features(segs))
        if m["stage2"] is not None:
            p = mlp(m["stage2"], features2(segs, p))
    for s, v in zip(segs, p.tolist(), strict=True):
        s.p = v
