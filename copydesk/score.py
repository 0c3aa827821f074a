"""Score: segment features -> probability of being body text.

Two stages, both small MLPs shipped in `copydesk/models/blocks.json` (trained by
`models/train_blocks.py`; card in `models/BLOCKS_CARD.md`):
  1. each segment from its own features, its containers' aggregates and its neighbours' shape;
  2. the same decision again, now seeing stage-1 probabilities around it (neighbours, containers,
     the page's densest run), which is where "this paragraph sits inside the article" is learned."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import heuristics as H
from .blas import one_blas_thread
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
# Own-feature columns stage 2 reads again: log chars, log words, link density, punctuation, end
# punctuation, UI words, dateline, byline, capitalised start.
STAGE2_OWN = (0, 1, 2, 3, 7, 14, 16, 17, 19)
PUNCT_CHARS = ".,。，、;!?:"  # counted as punctuation in a segment's sample
TAG_CODE = {"p": 1, "div": 2, "td": 3, "th": 3, "dd": 4, "dt": 4}  # tags with a feature column of their own


def is_dateline(text: str) -> float:
    """1.0 for a short line that is mostly a date/time (see heuristics.is_dateline)."""
    return 1.0 if H.is_dateline(text) else 0.0


def is_byline(text: str) -> float:
    return 1.0 if len(text) <= H.DATELINE_MAX_CHARS and H.BYLINE_TEXT.match(text) else 0.0


SPACE, LOWER, PUNCT = 1, 2, 4  # bits of the character class table


@lru_cache(maxsize=1)
def _char_classes() -> np.ndarray:
    """For every BMP code point, bits saying isspace, islower and 'is counted punctuation', so word shape
    is read with array operations over a page's text at once (built once, on first use)."""
    chars = [chr(i) for i in range(0x10000)]
    table = np.fromiter(map(str.isspace, chars), dtype=np.uint8, count=0x10000) * SPACE
    table |= np.fromiter(map(str.islower, chars), dtype=np.uint8, count=0x10000) * LOWER
    table[[ord(c) for c in PUNCT_CHARS]] |= PUNCT
    return table


def _word_shape(samples: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per sample: length, punctuation count, word count, words of at most 3 characters, words starting
    lower-case — exactly what str.split()/len/islower give, in a few array passes for the whole page."""
    n = len(samples)
    lens = np.fromiter(map(len, samples), dtype=np.int64, count=n)
    cp = np.frombuffer("\n".join(samples).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    table = _char_classes()
    cls = table[np.minimum(cp, 0xFFFF)]  # every space and counted mark is in the BMP; U+FFFF is neither
    ws = (cls & SPACE).astype(bool)
    seg_of = np.repeat(np.arange(n), lens + 1)[:len(cp)]  # "+1": the separating newline
    punct = np.bincount(seg_of, weights=(cls & PUNCT) != 0, minlength=n)
    word = ~ws
    starts = np.flatnonzero(word & np.concatenate(([True], ws[:-1])))
    ends = np.flatnonzero(word & np.concatenate((ws[1:], [True])))
    seg_w = seg_of[starts]
    nw = np.bincount(seg_w, minlength=n).astype(np.float64)
    short = np.bincount(seg_w, weights=(ends - starts + 1) <= 3, minlength=n)
    first = cp[starts]
    low = (table[np.minimum(first, 0xFFFF)] & LOWER).astype(bool)
    astral = np.flatnonzero(first > 0xFFFF)
    if len(astral):  # rare (mathematical letters, old scripts): ask Python
        low[astral] = [chr(int(c)).islower() for c in first[astral]]
    lower = np.bincount(seg_w, weights=low, minlength=n)
    return lens.astype(np.float64), punct, nw, short, lower


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
    ui_tokens, ui_phrases, end_punct, copyright_ = H.UI_TOKENS, H.UI_PHRASE_RE, H.END_PUNCT, H.COPYRIGHT
    tag_code = TAG_CODE
    rows = []
    for s in segs:
        text = s.text
        ui = cr = dateline = byline = url = 0.0
        if s.chars <= SHORT_FOR_UI:
            low = text.lower()
            # every UI phrase has a space: one-word segments (most menu items) skip the phrase search
            if not ui_tokens.isdisjoint(low.split()) or (" " in low and ui_phrases.search(low) is not None):
                ui = 1.0
            # the regexes run only where their literal parts occur (most short segments are menu words)
            if ("©" in text or "(" in text or "&" in text) and copyright_.search(text):
                cr = 1.0
            if s.chars <= H.DATELINE_MAX_CHARS:
                dateline, byline = is_dateline(text), is_byline(text)
                url = 1.0 if ("://" in text or "www." in low) and H.URL_TEXT.match(text) else 0.0
        rows.append((s.chars, s.words, s.link_chars, s.level, s.neg, s.pos, s.neg_near, s.pos_near,
                     tag_code.get(s.tag, 0), text[-1:] in end_punct, text[:1].isupper(), seen[text[:80]],
                     list_sizes.get(s.list_id, 0), ui, cr, dateline, byline, url))
    r = np.array(rows, dtype=np.float64)
    c, punct, nw, short, lower = _word_shape([s.text[:SAMPLE_CHARS] for s in segs])
    c = np.maximum(c, 1.0)
    nw = np.maximum(nw, 1.0)
    chars, tag = r[:, 0], r[:, 8]
    own = np.stack([
        np.log1p(chars), np.log1p(r[:, 1]), r[:, 2] / np.maximum(chars, 1.0), punct / c * 10, short / nw,
        lower / nw, np.minimum(c / nw, 30) / 30, r[:, 9], tag == 1,
        r[:, 3] / 6, np.minimum(r[:, 4], 6) / 6, np.minimum(r[:, 5], 6) / 6, np.minimum(r[:, 6], 12) / 12,
        np.minimum(r[:, 7], 12) / 12, r[:, 13], r[:, 14], r[:, 15], r[:, 16], r[:, 17], r[:, 10],
        np.minimum(r[:, 11] - 1, 3) / 3, np.log1p(r[:, 12]), tag == 2, tag == 3, tag == 4,
    ], axis=1).astype(np.float32)
    kind_1h = np.zeros((n, len(KINDS)), dtype=np.float32)
    kind_1h[np.arange(n), [KIND_INDEX.get(s.kind, 0) for s in segs]] = 1.0
    flags = np.array([s.flags for s in segs], dtype=np.int64)
    flag_bits = ((flags[:, None] >> FLAG_BITS) & 1).astype(np.float32)
    return np.hstack([own, kind_1h, flag_bits])


class Containers:
    """Each segment's enclosing elements (nearest first, up to CONTAINER_LEVELS) as compact indices,
    so per-element sums are one `np.bincount` rather than a Python loop over segments and levels."""

    __slots__ = ("level", "seg", "elem", "n_elems")

    def __init__(self, segs: list[Seg]) -> None:
        index: dict[int, int] = {}
        rows: list[list[int]] = []
        flat: list[int] = []
        pad = [-1] * CONTAINER_LEVELS
        for s in segs:
            anc = s.anc
            up = anc[-2:-CONTAINER_LEVELS - 2:-1] if anc and anc[-1] == s.elem else anc[:-CONTAINER_LEVELS - 1:-1]
            ks = [index.setdefault(e, len(index)) for e in up]
            flat += ks
            rows.append(ks + pad[len(ks):])
        self.level = np.array(rows, dtype=np.int64).reshape(len(segs), CONTAINER_LEVELS)
        self.seg = np.repeat(np.arange(len(segs)), (self.level >= 0).sum(axis=1))
        self.elem = np.array(flat, dtype=np.int64)
        self.n_elems = len(index)

    def sums(self, per_seg: np.ndarray) -> np.ndarray:
        """Per element, the sum of `per_seg` over the segments it encloses."""
        return np.bincount(self.elem, weights=per_seg[self.seg], minlength=self.n_elems)

    def gather(self, per_elem: np.ndarray) -> np.ndarray:
        """(n, CONTAINER_LEVELS * k): the k per-element columns of each level's container, 0 where none."""
        padded = np.vstack([per_elem, np.zeros((1, per_elem.shape[1]))])
        return padded[self.level].reshape(len(self.level), -1)  # index -1 reads the zero row


def _shift(x: np.ndarray, d: int) -> np.ndarray:
    out = np.zeros_like(x)
    if d < 0:
        out[-d:] = x[:d]
    else:
        out[:-d] = x[d:]
    return out


def features(segs: list[Seg], cont: Containers | None = None) -> np.ndarray:
    """Stage-1 feature matrix: own, container and neighbour features, one row per segment."""
    n = len(segs)
    own = _own(segs)
    cont = cont or Containers(segs)
    chars = np.array([s.chars for s in segs], dtype=np.float64)
    links = np.array([s.link_chars for s in segs], dtype=np.float64)
    end_punct = H.END_PUNCT
    longs = np.array([s.chars if s.chars >= LONG_SEG and s.text[-1:] in end_punct else 0 for s in segs],
                     dtype=np.float64)
    total = float(chars.sum()) or 1.0
    c, lc, lg = cont.sums(chars), cont.sums(links), cont.sums(longs)
    cnt = np.bincount(cont.elem, minlength=cont.n_elems).astype(np.float64)
    safe = np.where(c > 0, c, 1.0)
    # per element: log chars, link density, long-segment share, log segment count, share of the page
    stats = np.stack([np.log1p(c), lc / safe, lg / safe, np.log1p(cnt), c / total], axis=1)
    max_depth = max(s.depth for s in segs) or 1
    depth = np.array([s.depth for s in segs], dtype=np.float64) / max_depth
    offset = (np.cumsum(chars) - chars) / total
    tail = np.stack([depth, np.arange(n) / n, offset], axis=1)
    cont_f = np.hstack([cont.gather(stats), tail]).astype(np.float32)
    ctx_src = own[:, (0, 2, 3, 7)]  # log chars, link density, punctuation, end punctuation
    return np.hstack([own, cont_f, *(_shift(ctx_src, d) for d in NEIGHBOURS)])


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


def features2(segs: list[Seg], p1: np.ndarray, cont: Containers | None = None,
              x1: np.ndarray | None = None) -> np.ndarray:
    """Stage-2 features: stage-1 probabilities around each segment (and, given the stage-1 matrix `x1`,
    the segment's own shape again, so context can overrule stage 1 where shape says prose)."""
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
    cont = cont or Containers(segs)
    c64 = chars.astype(np.float64)
    c, v = cont.sums(c64), cont.sums(p1.astype(np.float64) * c64)
    # per container: its probability-weighted share of its own text, and of the page's body mass
    per_elem = np.stack([v / np.where(c > 0, c, 1.0), v / tot], axis=1)
    cont_f = cont.gather(per_elem).astype(np.float32)
    run_chars = float(chars[lo:hi + 1].sum()) / (float(chars.sum()) or 1.0) if hi >= lo else 0.0
    cols = [p1[:, None], in_run[:, None], np.minimum(dist, 20)[:, None] / 20, (cum / tot)[:, None],
            np.full((n, 1), run_chars, dtype=np.float32), cont_f]
    cols += [_shift(p1[:, None], d) for d in NEIGHBOURS]
    if x1 is not None:
        cols.append(x1[:, STAGE2_OWN])
    return np.hstack(cols).astype(np.float32)


@lru_cache(maxsize=1)
def _model() -> dict:
    if not MODEL_PATH.exists():
        raise RuntimeError(f"the block model is missing: {MODEL_PATH} (run `make train`)")
    m = json.loads(MODEL_PATH.read_text())
    return {"stage1": merge_nets(m["stage1"]), "stage2": merge_nets(m["stage2"]) if m.get("stage2") else None,
            "stage2_own": bool(m.get("stage2_own"))}


def merge_nets(nets: dict | list[dict]) -> dict:
    """One net, or an ensemble of nets with the same input scaling merged into one wider net (block-diagonal
    layers): the ensemble costs the same few matrix products as a single net."""
    nets = [nets] if isinstance(nets, dict) else nets
    arr = [[(np.asarray(w, dtype=np.float32), np.asarray(b, dtype=np.float32)) for w, b in d["layers"]] for d in nets]
    layers = [(np.hstack([a[0][0] for a in arr]), np.concatenate([a[0][1] for a in arr]))]
    for k in range(1, len(arr[0])):
        ws = [a[k][0] for a in arr]
        w = np.zeros((sum(x.shape[0] for x in ws), sum(x.shape[1] for x in ws)), dtype=np.float32)
        r = c = 0
        for x in ws:
            w[r:r + x.shape[0], c:c + x.shape[1]] = x
            r, c = r + x.shape[0], c + x.shape[1]
        layers.append((w, np.concatenate([a[k][1] for a in arr])))
    return {"mean": np.asarray(nets[0]["mean"], dtype=np.float32),
            "scale": np.asarray(nets[0]["scale"], dtype=np.float32), "layers": layers}


def mlp(net: dict, x: np.ndarray) -> np.ndarray:
    """Probability for each row (the mean over an ensemble's members): standardise, relu hidden layers,
    logistic output."""
    h = (x - net["mean"]) / net["scale"]
    layers = net["layers"]
    for w, b in layers[:-1]:
        h = np.maximum(h @ w + b, 0.0)
    w, b = layers[-1]
    z = h @ w + b
    return (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).mean(axis=1).astype(np.float32)


def score(segs: list[Seg]) -> None:
    """Set `seg.p` in [0, 1] for every segment."""
    if not segs:
        return
    m = _model()
    with one_blas_thread():  # tiny matrices: BLAS threads would only spin
        cont = Containers(segs)
        x1 = features(segs, cont)
        p = mlp(m["stage1"], x1)
        if m["stage2"] is not None:
            p = mlp(m["stage2"], features2(segs, p, cont, x1 if m["stage2_own"] else None))
    for s, v in zip(segs, p.tolist(), strict=True):
        s.p = v
