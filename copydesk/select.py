"""Select: choose the body among scored segments; keep captions and comments apart; build Blocks."""
from __future__ import annotations

from dataclasses import dataclass

from . import heuristics as H
from .article import Block
from .options import Options
from .segment import Seg

# Probability thresholds per `favor`: (to seed the main region, to keep a segment inside it).
THRESHOLDS = {"precision": (0.6, 0.55), "balanced": (0.5, 0.45), "recall": (0.4, 0.3)}


@dataclass(frozen=True, slots=True)
class Selection:
    blocks: tuple[Block, ...]
    captions: tuple[str, ...]
    comments: tuple[str, ...]
    title: str | None
    link_density: float
    reason: str | None = None


def _best_region(segs: list[Seg], t: float) -> tuple[int, int]:
    """The contiguous run of segments maximising sum((p - t) * weight): the article's span."""
    best, best_lo, best_hi = 0.0, 0, -1
    cur, lo = 0.0, 0
    for i, s in enumerate(segs):
        gain = (s.p - t) * (min(s.chars, 1000) ** 0.5)
        if cur <= 0:
            cur, lo = gain, i
        else:
            cur += gain
        if cur > best:
            best, best_lo, best_hi = cur, lo, i
    return best_lo, best_hi


def to_blocks(segs: list[Seg]) -> list[Block]:
    """Segments -> Blocks; consecutive list items of one list become one list block."""
    out: list[Block] = []
    i = 0
    while i < len(segs):
        s = segs[i]
        if s.kind == H.LIST:
            items = [s.text]
            links = list(s.links)
            j = i + 1
            while j < len(segs) and segs[j].kind == H.LIST and segs[j].list_id == s.list_id:
                items.append(segs[j].text)
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


def select(segs: list[Seg], opts: Options, title: str | None = None) -> Selection:
    t_seed, t_keep = THRESHOLDS[opts.favor]
    total = sum(s.chars for s in segs) or 1
    link_density = sum(s.link_chars for s in segs) / total
    if not segs:
        return Selection((), (), (), None, 0.0, "the page has no text")
    lo, hi = _best_region(segs, t_seed)
    if hi < lo:
        return Selection((), (), (), None, link_density, "no part of the page reads as an article")
    chosen: list[Seg] = []
    captions: list[str] = []
    comments: list[str] = []
    for s in segs[lo:hi + 1]:
        if s.flags & H.F_COMMENT:
            comments.append(s.text)
            continue
        if s.kind == H.CAPTION:
            captions.append(s.text)
            continue
        if s.p >= t_keep and (s.kind != H.TABLE or opts.include_tables):
            chosen.append(s)
    h1 = next((s.text for s in segs if s.kind == H.HEADING and s.level == 1), None)
    return Selection(tuple(to_blocks(chosen)), tuple(captions), tuple(comments), h1, link_density)
