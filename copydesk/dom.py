"""Parsing, and the guards around it: one lexbor parse per page, shared by every stage."""
from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

# lexbor's tree builder is quadratic in the depth of nested block elements (100,000 nested <div>
# take ~20 s). Pages that deep are hostile or broken; flatten the excess before parsing.
MAX_DEPTH = 1500
DEPTH_CHECK_MIN_TAGS = 4000  # below this many tags the depth cannot hurt
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*?(/?)>")
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


def parse(html: str, utf8: bytes | None = None) -> tuple[LexborHTMLParser, list[str]]:
    """Parse a decoded page (from its UTF-8 bytes when given: lexbor skips re-encoding the str);
    returns the tree and warnings."""
    warnings: list[str] = []
    if utf8 is not None and utf8.count(b"<") < DEPTH_CHECK_MIN_TAGS:
        return LexborHTMLParser(utf8), warnings
    html, changed = cap_depth(html)
    if changed:
        warnings.append(f"elements nested deeper than {MAX_DEPTH} levels were flattened")
    return LexborHTMLParser(html), warnings
