"""The headline: the page's title without the site's name, chosen among <title>, og:title, JSON-LD
headline and <h1> by agreement between them."""
from __future__ import annotations

import re

from .text import norm

MAX_TITLE_CHARS = 400
MIN_SEGMENT_CHARS = 3
# Separators between a headline and the site name in <title>/og:title ("Headline | Site").
TITLE_SEP = re.compile(r"\s+(?:[|\-–—·•»«:/]{1,2}|::)\s+|\s*[|•»«]\s*")
SPACE = re.compile(r"\s+")
NON_WORD = re.compile(r"[\W_]+")
HOST = re.compile(r"^[a-z][a-z0-9+.\-]*://(?:[^@/?#]*@)?([^:/?#]+)", re.I)
SINGLE_H1 = True  # measured: +0.03 title accuracy on trafilatura-eval-dev


def _key(s: str) -> str:
    """`NON_WORD.sub("", s.casefold())`: the letters and digits (re's \\w less "_" is exactly
    str.isalnum), kept by a filter that runs at C speed, about twice as fast as the regex."""
    return "".join(filter(str.isalnum, s.casefold()))


def site_keys(sitename: str | None, url: str | None) -> set[str]:
    """Ways the site may be named in a title: its sitename, and its host name parts."""
    keys: set[str] = set()
    if sitename:
        keys.add(_key(sitename))
    if url:
        m = HOST.match(url)
        host = m.group(1).lower() if m else ""
        host = host.removeprefix("www.")
        if host:
            keys.add(_key(host))
            main = host.split(".")
            if len(main) >= 2:
                keys.add(_key(main[-2]))
                keys.add(_key(".".join(main[-2:])))
    keys.discard("")
    return keys


def _is_site(seg: str, keys: set[str]) -> bool:
    k = _key(seg)
    if not k:
        return True
    return any(k == s or (len(s) >= 4 and (s in k and len(k) <= len(s) + 12)) or (len(k) >= 4 and k in s)
               for s in keys)


def strip_site(title: str, keys: set[str], headings: list[str]) -> str:
    """Remove the site name from a "Headline | Site" title; keep the title when unsure."""
    parts = [p for p in TITLE_SEP.split(title) if p and p.strip()]
    if len(parts) < 2:
        return title
    hk = {_key(h) for h in headings if h}
    # the part that is a heading on the page wins
    for p in parts:
        if _key(p) in hk and len(p) >= MIN_SEGMENT_CHARS:
            return p.strip()
    kept = [p for p in parts if not _is_site(p, keys)]
    if len(kept) == len(parts):
        # no part names the site: a "Headline - Site" shape still ends with a short last part
        first, last = parts[0], parts[-1]
        m = TITLE_SEP.search(title)
        if m and len(parts) == 2 and len(last) < len(first) and len(last.split()) <= 4 and m.group(0).strip() in "|-–—·•»:":
            return title[: title.rfind(last)].rstrip(" |-–—·•»:/")
        return title
    if not kept:
        return title
    # rebuild from the original string between the first and the last kept part
    start = title.find(kept[0])
    end = title.rfind(kept[-1]) + len(kept[-1])
    return title[start:end].strip(" |-–—·•»«:/") if start >= 0 and end > start else kept[0].strip()


def choose_title(*, ld: str | None, og: str | None, tw: str | None, dc: str | None, tag: str | None,
                 h1s: list[str], sitename: str | None, url: str | None) -> str | None:
    """The headline, by agreement: a heading that one of the metadata titles contains wins."""
    metas = [m for m in (norm(x) for x in (ld, og, tw, dc, tag) if x) if m]
    h1s = [h for h in (norm(x) for x in h1s) if h]
    mkeys = [_key(m) for m in metas]
    for h in h1s[:3]:
        hk = _key(h)
        if len(hk) >= MIN_SEGMENT_CHARS and any(hk in mk for mk in mkeys):
            return h[:MAX_TITLE_CHARS]
    keys = site_keys(sitename, url)  # only now: most pages are decided above
    # a single <h1> that is not the site's name is the headline (pages rarely have two)
    if SINGLE_H1 and len(h1s) == 1 and len(_key(h1s[0])) >= MIN_SEGMENT_CHARS and not _is_site(h1s[0], keys):
        return h1s[0][:MAX_TITLE_CHARS]
    for m in metas:
        cleaned = strip_site(m, keys, h1s)
        if cleaned and _key(cleaned):
            return cleaned[:MAX_TITLE_CHARS]
    if h1s:
        return h1s[0][:MAX_TITLE_CHARS]
    return None
