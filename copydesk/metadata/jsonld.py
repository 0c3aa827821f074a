"""JSON-LD (schema.org) from <script type="application/ld+json">: lenient parsing (trailing commas,
HTML comments, raw newlines in strings, several objects in one script), @graph and arrays flattened,
and the node that describes this page's article chosen among several."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser

MAX_SCRIPT_CHARS = 2_000_000  # larger blobs are app state, not page metadata
MAX_NODES = 2000  # typed nodes collected per page
MAX_DEPTH = 30
MAX_OTHER_DATES = 5

ARTICLE_TYPES = frozenset("""
article newsarticle blogposting reportagenews analysisnewsarticle opinionnewsarticle reviewnewsarticle
backgroundnewsarticle askpublicnewsarticle satiricalarticle scholarlyarticle medicalscholarlyarticle techarticle
report liveblogposting socialmediaposting discussionforumposting advertisercontentarticle review
posting creativework
""".split())
# Types that also carry a headline and dates when no article node exists.
PAGE_TYPES = frozenset("webpage itempage aboutpage faqpage qapage profilepage medicalwebpage".split())
LISTING_TYPES = frozenset("collectionpage searchresultspage itemlist blog".split())
FORUM_TYPES = frozenset("discussionforumposting qapage question socialmediaposting".split())
PRODUCT_TYPES = frozenset("product productgroup offer individualproduct productmodel car book".split())
ORG_TYPES = frozenset("organization newsmediaorganization corporation localbusiness educationalorganization "
                      "governmentorganization ngo onlinebusiness".split())

DECODER = json.JSONDecoder(strict=False)  # raw newlines in strings are common; one decoder, built once
TRAILING_COMMA = re.compile(r",\s*([}\]])")
WRAPPERS = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$")
TYPE_PREFIX = re.compile(r"^(?:https?://schema\.org/|schema:)", re.I)


@dataclass
class LdData:
    """What JSON-LD says about the page, already chosen and flattened to plain values."""

    types: set[str] = field(default_factory=set)  # every @type seen (lower case)
    article: dict[str, Any] | None = None  # the article (or page) node chosen
    article_type: str | None = None
    publisher: str | None = None
    website: str | None = None
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    other_dates: list[str] = field(default_factory=list)  # datePublished/uploadDate of the other nodes


def _loads(text: str) -> list[Any]:
    """Every JSON value in one script's text, tolerating common breakage; [] when hopeless."""
    text = text.strip()
    if text[:1] in ("<", "/") or text[-1:] == ">":  # HTML comment or CDATA wrappers (a regex pass costs)
        text = WRAPPERS.sub("", text).strip()
    text = text.rstrip(";")
    if not text:
        return []
    for attempt in _attempts(text):
        try:
            return [DECODER.decode(attempt)]
        except (ValueError, RecursionError):
            pass
        # several values one after the other
        dec = DECODER
        out: list[Any] = []
        i, n = 0, len(attempt)
        try:
            while i < n:
                while i < n and attempt[i] in " \t\r\n,;":
                    i += 1
                if i >= n:
                    break
                val, i = dec.raw_decode(attempt, i)
                out.append(val)
        except (ValueError, RecursionError):
            out = out if out else []
        if out:
            return out
    return []


def _attempts(text: str) -> Iterator[str]:
    """The text as it is, then without trailing commas: the repair (a regex pass over the whole
    script) is made only when the text as it is does not parse."""
    yield text
    yield TRAILING_COMMA.sub(r"\1", text)


def types_of(node: dict[str, Any]) -> list[str]:
    t = node.get("@type")
    if isinstance(t, str):
        t = [t]
    if not isinstance(t, list):
        return []
    # (only a type starting with h or s can carry a prefix, ſ being an s to re.I: the regex is spared the others)
    return [(TYPE_PREFIX.sub("", x) if x[:1] in "hHsSſ" else x).lower() for x in t if isinstance(x, str)]


def _walk(value: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    if depth > MAX_DEPTH or len(out) >= MAX_NODES:
        return
    if isinstance(value, list):
        for v in value:
            _walk(v, out, depth + 1)
    elif isinstance(value, dict):
        if "@type" in value:
            out.append(value)
        for k, v in value.items():
            if isinstance(v, (dict, list)) and k not in ("author", "creator", "publisher", "image", "comment"):
                _walk(v, out, depth + 1)


def text_of(value: Any) -> str | None:
    """A plain string from a JSON-LD value (str, {"@value"}, {"name"}, or the first of a list)."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):
        for k in ("@value", "name", "text"):
            if k in value:
                return text_of(value[k])
        return None
    if isinstance(value, list):
        return next(filter(None, map(text_of, value)), None)
    return None


def strings_of(value: Any) -> list[str]:
    """All strings of a value that may be a string, a list, or objects with names."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        out: list[str] = []
        for v in value:
            out.extend(strings_of(v))
        return out
    t = text_of(value)
    return [t] if t else []


def url_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        for k in ("url", "contentUrl", "@id"):
            if isinstance(value.get(k), str):
                return value[k].strip() or None
    if isinstance(value, list):
        return next(filter(None, map(url_of, value)), None)
    return None


def _score(node: dict[str, Any], titles: tuple[str, ...], ts: list[str] | None = None) -> float:
    """How well a candidate node fits the page: an article type, a headline seen in the title, dates."""
    s = 0.0
    if ts is None:
        ts = types_of(node)
    if any(t in ARTICLE_TYPES for t in ts):
        s += 4
    elif any(t in PAGE_TYPES for t in ts):
        s += 1
    head = text_of(node.get("headline")) or text_of(node.get("name"))
    if head:
        s += 1
        h = head.casefold()
        if any(h and (h in t or t in h) for t in titles if t):
            s += 3
    if node.get("datePublished"):
        s += 1
    if node.get("author"):
        s += 1
    return s


def read_jsonld(tree: LexborHTMLParser, titles: tuple[str, ...] = ()) -> LdData:
    """Parse every ld+json script; choose the node that best describes the page (see `_score`)."""
    return parse_ld_scripts([s.text(deep=True) for s in tree.css('script[type*="ld+json" i]')], titles)


def parse_ld_scripts(scripts: list[str], titles: tuple[str, ...] = ()) -> LdData:
    """`read_jsonld` on the texts of the ld+json scripts, already found."""
    data = LdData()
    nodes: list[dict[str, Any]] = []
    for text in scripts:
        if not text or len(text) > MAX_SCRIPT_CHARS:
            continue
        for value in _loads(text):
            _walk(value, nodes)
    if not nodes:
        return data
    titles = tuple(t.casefold() for t in titles if t)
    best, best_score = None, 0.0
    for node in nodes:
        ts = types_of(node)
        data.types.update(ts)
        nid = node.get("@id")
        if isinstance(nid, str):
            data.by_id.setdefault(nid, node)
        if any(t in ORG_TYPES for t in ts) and not data.publisher:
            data.publisher = text_of(node.get("name"))
        if "website" in ts and not data.website:
            data.website = text_of(node.get("name"))
        if any(t in ARTICLE_TYPES or t in PAGE_TYPES for t in ts):
            sc = _score(node, titles, ts)
            if sc > best_score:
                best, best_score = node, sc
    for node in nodes:
        if node is not best:
            for k in ("datePublished", "uploadDate"):
                v = node.get(k)
                if isinstance(v, str) and len(data.other_dates) < MAX_OTHER_DATES:
                    data.other_dates.append(v)
    if best is not None:
        data.article = best
        ts = types_of(best)
        data.article_type = next((t for t in ts if t in ARTICLE_TYPES), ts[0] if ts else None)
        pub = best.get("publisher")
        if isinstance(pub, dict) and "name" not in pub and isinstance(pub.get("@id"), str):
            pub = data.by_id.get(pub["@id"], pub)
        name = text_of(pub) if pub is not None else None
        if name:
            data.publisher = name
    return data


def resolve(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    """Replace {"@id": ...} references by the node they point to (one level, lists included)."""
    if isinstance(value, list):
        return [resolve(v, by_id) for v in value]
    if isinstance(value, dict) and "@id" in value and len(value) <= 2 and isinstance(value["@id"], str):
        return by_id.get(value["@id"], value)
    return value


def author_values(value: Any, by_id: dict[str, dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(person names, organisation names) of an author/creator value."""
    persons: list[str] = []
    orgs: list[str] = []
    value = resolve(value, by_id)
    items = value if isinstance(value, list) else [value]
    for it in items:
        if isinstance(it, str):
            persons.append(it)
        elif isinstance(it, dict):
            ts = types_of(it)
            name = text_of(it.get("name"))
            if not name and (it.get("givenName") or it.get("familyName")):
                name = " ".join(x for x in (text_of(it.get("givenName")), text_of(it.get("familyName"))) if x)
            if not name:
                continue
            (orgs if any(t in ORG_TYPES for t in ts) else persons).append(name)
        elif isinstance(it, list):
            p, o = author_values(it, by_id)
            persons += p
            orgs += o
    return persons, orgs
