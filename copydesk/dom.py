"""Parsing, and the guards around it: one lexbor parse per page, shared by every stage."""
from __future__ import annotations

import re

import numpy as np
from selectolax.lexbor import LexborHTMLParser

# lexbor's tree builder is quadratic in the depth of nested block elements (100,000 nested <div>
# take ~20 s). Pages that deep are hostile or broken; flatten the excess before parsing.
MAX_DEPTH = 1500
DEPTH_CHECK_MIN_TAGS = 4000  # below this many tags the depth cannot hurt
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*?(/?)>")
LT, SLASH = ord("<"), ord("/")
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


def cap_depth(html: str, max_depth: int = MAX_DEPTH) -> tuple[str, bool]:
    """Drop opening (and matching closing) tags nested deeper than max_depth. Returns (html, changed)."""
    if html.count("<") < DEPTH_CHECK_MIN_TAGS:
        return html, False
    depth = 0
    dropped = 0  # opening tags dropped and not yet closed
    out: list[str] = []
    last = 0
    changed = False
    for m in TAG.finditer(html):
        closing, name, selfclose = m.group(1), m.group(2).lower(), m.group(3)
        if name in VOID or selfclose:
            continue
        if closing:
            if dropped:
                dropped -= 1
                out.append(html[last:m.start()])
                last = m.end()
            elif depth:
                depth -= 1
        elif depth >= max_depth:
            dropped += 1
            changed = True
            out.append(html[last:m.start()])
            last = m.end()
        else:
            depth += 1
    if not changed:
        return html, False
    out.append(html[last:])
    return "".join(out), True


def depth_bound(data: bytes) -> int:
    """`cap_depth`'s depth, bounded from above in C speed: every `<x` opens and every `</` closes (void
    elements and `<` in scripts only raise it), so only pages that may be too deep pay the exact scan."""
    b = np.frombuffer(data, dtype=np.uint8)
    at = np.flatnonzero(b[:-1] == LT) + 1  # the byte after each "<"
    nxt = b[at] | 0x20  # lower case
    steps = ((nxt >= ord("a")) & (nxt <= ord("z"))).astype(np.int32) - (b[at] == SLASH)
    total = np.cumsum(steps)
    depth = total - np.minimum(np.minimum.accumulate(total), 0)  # a stray closer never goes below zero
    return int(depth.max(initial=0))


def parse(html: str, utf8: bytes | None = None) -> tuple[LexborHTMLParser, list[str]]:
    """Parse a decoded page (from its UTF-8 bytes when given: lexbor skips re-encoding the str);
    returns the tree and warnings."""
    warnings: list[str] = []
    data = utf8 if utf8 is not None else html.encode("utf-8", "surrogatepass")
    # counted with numpy: bytes.count walks the page byte by byte, at twice the cost
    if np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == LT) < DEPTH_CHECK_MIN_TAGS \
            or depth_bound(data) <= MAX_DEPTH:
        return LexborHTMLParser(data if utf8 is not None else html), warnings
    html, changed = cap_depth(html)
    if changed:
        warnings.append(f"elements nested deeper than {MAX_DEPTH} levels were flattened")
    return LexborHTMLParser(html), warnings
