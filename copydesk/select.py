"""Select: choose the body among scored segments; keep captions and comments apart; build Blocks."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import heuristics as H
from .article import Block
from .options import Options
from .score import best_run
from .segment import Seg

# Per `favor`: (probability that seeds the article's run, probability to keep a segment inside it,
# probability to keep one outside it).
THRESHOLDS = {"precision": (0.5, 0.6, 0.95), "balanced": (0.5, 0.45, 0.9), "recall": (0.4, 0.3, 0.75)}
# A body shorter than this is retried with the next looser thresholds (short posts, photo pages):
# an empty result scores worst of all, and `favor="precision"` opts out.
FALLBACK_MIN_CHARS = 250
FALLBACK = {"balanced": ("recall", "last"), "recall": ("last",), "precision": ()}
LAST_RESORT = (0.25, 0.2, 1.01)
RUN_WEIGHT_CAP = 1000  # chars: a segment's weight in the run is sqrt(min(chars, cap))
TITLE_MIN_CHARS = 10


@dataclass(frozen=True, slots=True)
class Selection:
    blocks: tuple[Block, ...]
    captions: tuple[str, ...]
    comments: tuple[str, ...]
    title: str | None
    link_density: float
    reason: str | None = None


def to_blocks(segs: list[Seg]) -> list[Block]:
    """Segments -> Blocks; consecutive items of one list become one list block."""
    out: list[Block] = []
    i = 0
    while i < len(segs):
        s = segs[i]
        if s.kind == H.LIST:
            items = list(s.items or (s.text,))
            links = list(s.links)
            j = i + 1
            while j < len(segs) and segs[j].kind == H.LIST and segs[j].list_id == s.list_id:
                items += segs[j].items or (segs[j].text,)
                links += segs[j].links
                j += 1
            out.append(Block(H.LIST, "\n".join(items), items=tuple(items), ordered=s.ordered, links=tuple(links)))
            i = j
            continue
        if s.kind == H.TABLE:
            out.append(Block(H.TABLE, s.text, rows=s.rows, header=s.header))
        elif s.kind == H.IMAGE:
            out.append(Block(H.IMAGE, s.text, src=s.src))
        else:
            out.append(Block(s.kind, s.text, level=s.level, links=s.links))
        i += 1
    return out


def is_widget(s: Seg) -> bool:
    """Share bars, feedback prompts and the like, whatever the model said."""
    if s.chars > H.WIDGET_MAX_CHARS or s.kind in (H.HEADING, H.TABLE, H.CODE):
        return False
    low = s.text.lower()
    if any(ph in low for ph in H.UI_PHRASES):
        return True
    first = low.split(None, 1)[0].strip(":·|-–—,") if low.split() else ""
    return first in H.UI_TOKENS and s.text[-1:] != "."


def _slot(s: Seg) -> tuple[str, str, int]:
    return (s.tag, s.klass, s.depth)


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _is_title(s: Seg, title: str | None) -> bool:
    if s.kind != H.HEADING or s.chars < TITLE_MIN_CHARS:
        return False
    return s.level == 1 or (title is not None and s.text.lower() in title.lower())


def select(segs: list[Seg], opts: Options, title: str | None = None) -> Selection:
    if not segs:
        return Selection((), (), (), None, 0.0, "the page has no text")
    total = sum(s.chars for s in segs) or 1
    link_density = sum(s.link_chars for s in segs) / total
    p = np.array([s.p for s in segs], dtype=np.float32)
    weight = np.sqrt(np.minimum(np.array([s.chars for s in segs], dtype=np.float32), RUN_WEIGHT_CAP))
    sel = _select(segs, p, weight, THRESHOLDS[opts.favor], opts, title, link_density)
    for step in FALLBACK[opts.favor]:
        if sum(len(b.text) for b in sel.blocks) >= FALLBACK_MIN_CHARS:
            break
        th = LAST_RESORT if step == "last" else THRESHOLDS[step]
        retry = _select(segs, p, weight, th, opts, title, link_density)
        if sum(len(b.text) for b in retry.blocks) > sum(len(b.text) for b in sel.blocks):
            sel = retry
    return sel


def _select(segs: list[Seg], p: np.ndarray, weight: np.ndarray, thresholds: tuple[float, float, float],
            opts: Options, title: str | None, link_density: float) -> Selection:
    t_run, t_in, t_out = thresholds
    lo, hi = best_run(p, weight, t_run)
    if hi < lo:
        return Selection((), (), (), None, link_density, "no part of the page reads as an article")
    # slots (tag, nearest classed ancestor, depth) that hold at least two confident prose segments
    seen: dict[tuple[str, str, int], int] = {}
    for s in segs[lo:hi + 1]:
        if s.p >= t_in and s.chars >= H.SLOT_MIN_CHARS and s.klass and s.text[-1:] in H.END_PUNCT:
            seen[_slot(s)] = seen.get(_slot(s), 0) + 1
    slots = {k for k, v in seen.items() if v >= H.SLOT_MIN_COUNT}
    chosen: list[Seg] = []
    captions: list[str] = []
    comments: list[str] = []
    headline = None
    for s in segs:
        inside = lo <= s.index <= hi
        if s.flags & H.F_COMMENT:
            if inside or s.p >= t_in:
                comments.append(s.text)
            continue
        if s.kind == H.CAPTION:
            if inside:
                captions.append(s.text)
            continue
        if not (s.p >= t_in if inside else s.p >= t_out) and not (
                s.p >= H.SLOT_MIN_P and s.chars >= H.SLOT_MIN_CHARS and s.text[-1:] in H.END_PUNCT
                and _slot(s) in slots):
            continue
        if is_widget(s):
            continue
        if s.kind == H.TABLE and not opts.include_tables:
            continue
        # the headline belongs in `title`, not in the body
        if _is_title(s, title) and (not chosen or (title is not None and _norm(s.text) == _norm(title))):
            headline = headline or s.text
            continue
        chosen.append(s)
    if headline is None:
        headline = next((s.text for s in segs[:hi + 1] if s.kind == H.HEADING and s.level == 1), None)
    return Selection(tuple(to_blocks(chosen)), tuple(captions), tuple(comments), headline, link_density)
