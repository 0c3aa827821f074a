"""Corpus mode: lines that recur across many documents of one site are the site's template.

Learned in one pass (`learn_templates`: per site, in how many distinct documents each line occurs),
applied in a second (`extract_text(..., templates=...)`). The state is plain counts, so learning per
shard and `merge`-ing gives exactly what learning on the whole corpus gives, in any order and with any
number of workers; line keys are a stable hash (blake2b), never Python's salted `hash`.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

# A line is template when it occurs in at least this many distinct documents of the site ...
DEFAULT_MIN_DOCS = 3
# ... and in at least this share of the site's documents (so a phrase two articles of a huge site happen
# to share is not template).
MIN_DOC_SHARE = 0.02
# Lines longer than this are not counted: a repeated long paragraph is syndicated content, not chrome,
# and skipping them keeps the counts small.
MAX_TEMPLATE_CHARS = 400
# Host prefixes that do not change the site.
HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")


def site_key(url: str | None) -> str:
    """The URL's host, lower-cased, without port, credentials or a www./m./amp. prefix ("" if none)."""
    if not url or not isinstance(url, str):
        return ""
    u = url.strip()
    if "//" not in u.split("?", 1)[0]:
        u = "//" + u
    try:
        host = urlsplit(u).hostname or ""
    except ValueError:
        return ""
    host = host.strip(".").lower()
    for p in HOST_PREFIXES:
        if host.startswith(p) and host.count(".") >= 2:
            host = host[len(p):]
            break
    return host


def doc_key(text: str) -> str:
    """Stable key of a whole document."""
    return hashlib.blake2b(text.encode("utf8", "surrogatepass"), digest_size=12).hexdigest()


def line_key(line: str) -> str:
    """Stable key of a line: whitespace collapsed, case kept (16 hex digits of blake2b)."""
    norm = " ".join(line.split())
    return hashlib.blake2b(norm.encode("utf8", "surrogatepass"), digest_size=8).hexdigest()


class SiteTemplates:
    """Per site: how many documents were seen, how often each exact document was seen, and per line key
    how many documents hold the line. All plain counts: `merge` adds them, so it is exact and order-free.

    An exact duplicate of a document adds to every one of its lines; when that document is cleaned, its
    own extra copies are subtracted again (`doc_text` argument), so a page crawled twice does not turn
    its own body into template."""

    def __init__(self, min_docs: int = DEFAULT_MIN_DOCS, min_share: float = MIN_DOC_SHARE) -> None:
        if min_docs < 2:
            raise ValueError("min_docs must be >= 2: a line in one document is not a template")
        self.min_docs = min_docs
        self.min_share = min_share
        self.counts: dict[str, Counter[str]] = {}  # site -> line key -> documents holding it
        self.doc_counts: dict[str, Counter[str]] = {}  # site -> document hash -> copies seen
        # (site, minimum count) -> template keys: one scan of a site's line counts per threshold, not per
        # document cleaned (which made pass two quadratic in a site's documents). Cleared by `add`.
        self._keys: dict[tuple[str, int], frozenset[str]] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_keys"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._keys = {}

    def add(self, site: str, text: str) -> None:
        """Count one document of `site`."""
        from .lines import split_lines

        self._keys.clear()
        self.doc_counts.setdefault(site, Counter())[doc_key(text)] += 1
        keys = {line_key(s) for s in (ln.strip() for ln in split_lines(text)) if s and len(s) <= MAX_TEMPLATE_CHARS}
        self.counts.setdefault(site, Counter()).update(keys)

    def merge(self, other: SiteTemplates) -> SiteTemplates:
        """A new SiteTemplates holding both (commutative and associative: shards merge in any order)."""
        out = SiteTemplates(self.min_docs, self.min_share)
        for src in (self, other):
            for site, c in src.counts.items():
                out.counts.setdefault(site, Counter()).update(c)
            for site, c in src.doc_counts.items():
                out.doc_counts.setdefault(site, Counter()).update(c)
        return out

    def distinct_docs(self, site: str) -> int:
        return len(self.doc_counts.get(site, ()))

    def threshold(self, site: str) -> int:
        return max(self.min_docs, int(self.min_share * self.distinct_docs(site) + 0.999999))

    def template_keys(self, site: str, doc_text: str | None = None) -> frozenset[str]:
        """Keys of the lines that are template for `site` (for cleaning `doc_text`, when given)."""
        c = self.counts.get(site)
        if not c:
            return frozenset()
        t = self.threshold(site)
        extra = 0
        if doc_text is not None:
            extra = max(self.doc_counts.get(site, Counter()).get(doc_key(doc_text), 0) - 1, 0)
        need = t + extra
        keys = self._keys.get((site, need))
        if keys is None:
            keys = self._keys[(site, need)] = frozenset(k for k, v in c.items() if v >= need)
        return keys

    def sites(self) -> list[str]:
        return sorted(self.counts)

    # -- serialisation (JSON; pickling works on the plain attributes) --------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"version": 1, "min_docs": self.min_docs, "min_share": self.min_share,
                "sites": {s: {"docs": dict(sorted(self.doc_counts.get(s, Counter()).items())),
                              "lines": dict(sorted(self.counts.get(s, Counter()).items()))}
                          for s in self.sites()}}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SiteTemplates:
        out = cls(int(d.get("min_docs", DEFAULT_MIN_DOCS)), float(d.get("min_share", MIN_DOC_SHARE)))
        for s, v in d.get("sites", {}).items():
            out.doc_counts[s] = Counter({k: int(n) for k, n in v.get("docs", {}).items()})
            out.counts[s] = Counter({k: int(n) for k, n in v.get("lines", {}).items()})
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, s: str) -> SiteTemplates:
        return cls.from_dict(json.loads(s))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SiteTemplates) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return f"SiteTemplates(sites={len(self.counts)}, docs={sum(sum(c.values()) for c in self.doc_counts.values())})"


def learn_templates(docs: Iterable[tuple[str, str]], *, min_docs: int = DEFAULT_MIN_DOCS,
                    min_share: float = MIN_DOC_SHARE) -> SiteTemplates:
    """Pass one of corpus mode: count, per site, the documents each line occurs in.

    `docs` are (site_key, text) pairs (use `site_key(url)` or any grouping field). Pass the result to
    `extract_text(..., templates=...)` in pass two."""
    st = SiteTemplates(min_docs, min_share)
    for site, text in docs:
        if isinstance(text, str) and text:
            st.add(site or "", text)
    return st
