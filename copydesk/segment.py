"""Segment: the DOM -> `Seg`s (text runs under one block element) carrying what the scorer reads.

One iterative walk (pages nest deeply: no recursion) and no DOM mutation, so metadata and the body
share one parse."""
from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from selectolax.lexbor import LexborNode

from . import heuristics as H

WS = re.compile(r"\s+")
BR = "\x00"  # stands for <br> in the text buffer (the parser never leaves a NUL in text)
BR_BREAK = re.compile(r"\x00\s*\x00[\s\x00]*")
CLASS_CACHE_SIZE = 8192  # class strings recur across pages ("container", a site's template): a pure function


class Seg:
    """A text run under one block element, and what the scorer needs to know about it."""

    __slots__ = (
        "text", "kind", "tag", "level", "chars", "link_chars", "words", "depth", "elem", "anc", "flags",
        "neg", "pos", "neg_near", "pos_near", "index", "rows", "header", "ordered", "src", "links",
        "list_id", "p", "klass", "items",
    )

    def __init__(self, text: str, kind: str, tag: str, fr: tuple, anc: list[int]) -> None:
        self.text = text
        self.kind = kind
        self.tag = tag
        self.chars = len(text)
        self.link_chars = 0
        self.words = text.count(" ") + 1 if text else 0
        self.anc = anc
        (_, self.elem, _, self.flags, self.neg, self.pos, self.neg_near, self.pos_near, self.depth, _,
         self.level, self.list_id, self.ordered, self.klass) = fr
        self.index = 0
        self.rows: tuple[tuple[str, ...], ...] = ()
        self.header = False
        self.src: str | None = None
        self.links: tuple[tuple[str, str], ...] = ()
        self.items: tuple[str, ...] = ()
        self.p = 0.0


# A walk frame is a tuple (cheaper than an object: one per element):
NODE, ELEM, BLOCK, FLAGS, NEG, POS, NEG_NEAR, POS_NEAR, DEPTH, KIND, LEVEL, LIST_ID, ORDERED, KLASS = range(14)


@lru_cache(maxsize=CLASS_CACHE_SIZE)
def _class_evidence(sig: str) -> tuple[int, int, int]:
    """(negative hits, positive hits, flag bits) of one element's class/id/role/itemprop string."""
    low = sig.lower()
    raw = low.encode() if low.isascii() else " ".join(H.TOKEN_SPLIT.split(low)).encode()
    neg = pos = bits = 0
    for tok in set(raw.translate(H.TOKEN_BYTES).split()) & H.TOKEN_VOCAB:
        n, p, b = H.TOKEN_EVIDENCE[tok]
        neg += n
        pos += p
        bits |= b
    if "caption" in low:
        bits |= H.F_CAPTION
    if not H.HIDDEN_WORDS.isdisjoint(low.split()):
        bits |= H.F_HIDDEN
    return neg, pos, bits


class _Walker:
    """Holds the text buffer of the open block; `flush` turns it into Segs."""

    def __init__(self, include_links: bool) -> None:
        self.segs: list[Seg] = []
        self.buf: list[str] = []
        self.link_chars = 0
        self.links: list[tuple[str, str]] = []
        self.include_links = include_links
        self.blocks: list[int] = []  # ids of the open block elements, outermost first

    def anc(self) -> list[int]:
        return self.blocks[:]

    def add(self, seg: Seg) -> None:
        seg.index = len(self.segs)
        self.segs.append(seg)

    def flush(self, fr: tuple) -> None:
        raw = "".join(self.buf)
        self.buf.clear()
        lc, self.link_chars = self.link_chars, 0
        links, self.links = self.links, []
        if raw.isspace():
            return
        if BR not in raw:
            parts = [" ".join(raw.split())]  # str.split() and the regex \s agree on what is whitespace
        else:  # <br><br> separates paragraphs, a single <br> lines
            parts = ["\n".join(t for t in (" ".join(ln.split()) for ln in part.split(BR)) if t)
                     for part in BR_BREAK.split(raw)]
        anc = None
        total = len(raw)
        for text in parts:
            if not text:
                continue
            if anc is None:
                anc = self.blocks[:]
                if anc[-1] != fr[ELEM]:
                    anc.append(fr[ELEM])
            s = Seg(text, fr[KIND], fr[NODE].tag, fr, anc)
            # several paragraphs from one buffer: attribute the link text by share
            s.link_chars = min(lc, s.chars) if len(parts) == 1 else min(s.chars, round(lc * s.chars / total))
            if links:
                s.links = tuple(x for x in links if x[0] in text)
            s.index = len(self.segs)
            self.segs.append(s)


def segment(body: LexborNode, *, include_images: bool = False, include_links: bool = False,
            check: Callable[[], None] | None = None) -> list[Seg]:
    """Walk the body once; return its text segments in document order."""
    w = _Walker(include_links)
    buf = w.buf
    cache: dict[str, tuple[int, int, int]] = {}
    elem_count = 0
    list_count = 0
    root = (body, 0, True, 0, 0, 0, 99, 99, 0, H.PARAGRAPH, 0, -1, False, "")
    stack = [root]
    blocks = w.blocks
    blocks.append(0)
    parent = root
    node: LexborNode | None = body.child
    visited = 0
    skip, block_tags, tag_flags = H.SKIP_TAGS, H.BLOCK_TAGS, H.TAG_FLAGS
    while node is not None:
        tag = node.tag
        descend = False
        if tag == "-text":
            t = node.text_content
            # indentation between blocks would only cost an empty flush: a buffer starts with text
            if t and (buf or not t.isspace()):
                buf.append(t)
        elif tag == "br":
            buf.append(BR)
        elif tag not in skip and tag != "-comment":
            attrs = node.attributes
            if attrs:
                style = attrs.get("style")
                hidden = "hidden" in attrs or (style is not None and H.STYLE_HIDDEN.search(style) is not None) or (
                    attrs.get("aria-hidden") == "true" and tag not in block_tags)
                sig = (attrs.get("class") or "") + " " + (attrs.get("id") or "")
                role = attrs.get("role")
                if len(attrs) > 2:
                    sig += " " + (role or "") + " " + (attrs.get("itemprop") or "")
                if len(sig) > 1:
                    ev = cache.get(sig)
                    if ev is None:
                        ev = cache[sig] = _class_evidence(sig)
                    neg, pos, bits = ev
                else:
                    neg = pos = bits = 0
            else:
                hidden = False
                role = None
                sig = ""
                neg = pos = bits = 0
            if hidden or bits & H.F_HIDDEN:
                pass
            elif tag == "table" and H.is_data_table(node):
                if buf:
                    w.flush(parent)
                _table(node, parent, w)
            elif tag == "pre" or tag == "textarea":
                if buf:
                    w.flush(parent)
                code = node.text(deep=True).strip("\n")
                if code.strip():
                    fr = parent[:KIND] + (H.CODE,) + parent[KIND + 1:]
                    w.add(Seg(code, H.CODE, "pre", fr, w.anc()))
            elif tag == "img":
                src = attrs.get("src") or attrs.get("data-src")
                if include_images and src:
                    if buf:
                        w.flush(parent)
                    s = Seg(WS.sub(" ", attrs.get("alt") or "").strip(), H.IMAGE, "img", parent, w.anc())
                    s.src = src
                    w.add(s)
            elif tag == "a":
                # a link's text in one call, not node by node: links are the commonest element
                t = node.text(deep=True)
                if t:
                    buf.append(t)
                    w.link_chars += len(t.strip())
                    if include_links and attrs:
                        href = attrs.get("href")
                        if href:
                            t = WS.sub(" ", t).strip()
                            if t:
                                w.links.append((t, href))
            else:
                block = tag in block_tags
                if block and buf:
                    w.flush(parent)
                child = node.child
                if child is not None and not block and child.next is None and child.tag == "-text":
                    # an inline element holding one text node (<em>word</em>): its frame would change nothing
                    t = child.text_content
                    if t and (buf or not t.isspace()):
                        buf.append(t)
                elif child is not None:
                    elem_count += 1
                    flags = parent[FLAGS] | tag_flags.get(tag, 0) | bits
                    if role:
                        flags |= H.ROLE_FLAGS.get(role, 0)
                    kind, level, list_id, ordered = parent[KIND], parent[LEVEL], parent[LIST_ID], parent[ORDERED]
                    if block:
                        kind = H.KIND_OF_TAG.get(tag)
                        if kind is None:
                            kind = H.CAPTION if bits & H.F_CAPTION else (
                                parent[KIND] if parent[KIND] in (H.QUOTE, H.CAPTION) else H.PARAGRAPH)
                        level = int(tag[1]) if kind == H.HEADING else 0
                        if tag == "ul" or tag == "ol":
                            list_count += 1
                            list_id = list_count
                            ordered = tag == "ol"
                    parent = (node, elem_count, block, flags, parent[NEG] + neg, parent[POS] + pos,
                              0 if neg else parent[NEG_NEAR] + 1, 0 if pos else parent[POS_NEAR] + 1,
                              parent[DEPTH] + 1, kind, level, list_id, ordered,
                              sig if (neg or pos or bits) else parent[KLASS])
                    stack.append(parent)
                    if block:
                        blocks.append(elem_count)
                    descend = True
        if descend:
            node = child
            continue
        nxt = node.next
        while nxt is None and len(stack) > 1:
            fr = stack.pop()
            if fr[BLOCK]:
                if buf:
                    w.flush(fr)
                blocks.pop()
            nxt = fr[NODE].next
        parent = stack[-1]
        node = nxt
        visited += 1
        if check is not None and not visited & 1023:
            check()
    if w.buf:
        w.flush(root)
    return merge_lists(w.segs)


def merge_lists(segs: list[Seg]) -> list[Seg]:
    """Consecutive items of one list become one segment: a list is kept or dropped as a whole (menus
    go in one decision), and scoring has fewer rows to read."""
    out: list[Seg] = []
    parts: list[str] = []  # the item texts of the list segment out[-1] while it is open (joined once, at its end)

    def close() -> None:
        if len(parts) > 1:
            out[-1].items = tuple(parts)
            out[-1].text = "\n".join(parts)
        parts.clear()

    for s in segs:
        if s.kind == H.LIST and s.list_id >= 0:
            last = out[-1] if parts else None
            if last is not None and last.list_id == s.list_id:
                parts.append(s.text)
                last.chars += s.chars + 1
                last.link_chars += s.link_chars
                last.words += s.words
                last.links += s.links
                continue
            close()
            parts.append(s.text)
            s.items = (s.text,)
            if len(s.anc) > 1:  # the list's element (ul/ol) stands for the item (li)
                s.anc = s.anc[:-1]
                s.elem = s.anc[-1]
        else:
            close()
        s.index = len(out)
        out.append(s)
    close()
    return out


def _table(node: LexborNode, parent: tuple, w: _Walker) -> None:
    rows: list[tuple[str, ...]] = []
    header = False
    for tr in node.css("tr"):
        cells = tr.css("th, td")
        if not cells:
            continue
        if not rows and all(c.tag == "th" for c in cells):
            header = True
        row = tuple(WS.sub(" ", c.text(deep=True, separator=" ")).strip() for c in cells)
        if any(row):
            rows.append(row)
    if not rows:
        return
    text = "\n".join(" | ".join(c for c in r if c) for r in rows)
    fr = parent[:FLAGS] + (parent[FLAGS] | H.F_TABLE,) + parent[FLAGS + 1:]
    s = Seg(text, H.TABLE, "table", fr, w.anc())
    s.link_chars = min(s.chars, sum(len(a.text(deep=True).strip()) for a in node.css("a")))
    s.rows = tuple(rows)
    s.header = header
    w.add(s)
