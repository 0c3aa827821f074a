"""Article metadata from the same parse as the body.

`extract_metadata` reads the unmodified tree once, right after parsing: JSON-LD first, then
microdata/RDFa, OpenGraph/Twitter, <meta> names, <time>, visible bylines and datelines, the URL,
<link rel=canonical>, <html lang>, in that order of trust. `complete_metadata` adds what needs the
extracted body: the detected language and the page type. Neither raises: a field is None (or empty)
when nothing supports it."""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import datetime
from operator import attrgetter

from selectolax.lexbor import LexborHTMLParser

from .language import detect_language, normalise_lang
from .pagetype import page_type
from .reader import read


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str | None = None
    authors: tuple[str, ...] = ()
    date_published: str | None = None
    date_modified: str | None = None
    sitename: str | None = None
    description: str | None = None
    image: str | None = None
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    canonical_url: str | None = None
    license: str | None = None
    page_type: str | None = None
    language: str | None = None
    language_declared: str | None = None
    language_detected: str | None = None
    # schema.org types seen on the page (lower case), and the og:type as "og:<type>": the
    # structured hints for `page_type`
    schema_types: tuple[str, ...] = ()
    # body hints for `page_type`: headings that are links (teaser cards; counted only on paginated
    # pages not typed as articles), and pagination (<link rel=next/prev>, ?page=N or /page/N in the URL)
    teasers: int = 0
    paginated: bool = False


def extract_metadata(tree: LexborHTMLParser, url: str | None, *, now: datetime | None = None) -> Metadata:
    """Read metadata from an unmodified tree (scripts still in place, for JSON-LD).

    `now`: the reference time for relative dates ("3 days ago") and year-less dates, e.g. the
    WARC record's date; without it those give no date. Dates after `now` (or today) are rejected."""
    try:
        fields = read(tree, url, now=now)
    except Exception:  # noqa: BLE001 - metadata must never sink the page; keep what is certain
        fields = {}
        node = tree.css_first("title")
        if node is not None:
            fields["title"] = node.text(strip=True) or None
    return Metadata(**fields)


def complete_metadata(meta: Metadata, *, body_text: str, body_blocks: int, link_density: float,
                      url: str | None = None) -> Metadata:
    """Finish with what the body tells: detected language, page type. `url`: the request URL (the
    page type reads home and archive paths from it; the canonical URL when not given)."""
    detected = detect_language(body_text or "")
    declared = normalise_lang(meta.language_declared)
    # the declared language is kept when detection has too little text or agrees on the base language
    language = detected or declared
    ptype = page_type(meta.schema_types, url=url or meta.canonical_url, body_text=body_text or "", body_blocks=body_blocks,
                      link_density=link_density, has_date=bool(meta.date_published), has_author=bool(meta.authors),
                      teasers=meta.teasers, paginated=meta.paginated)
    # a copy with three fields set, built positionally (dataclasses.replace, which looks every
    # field up by name, costs about twice as much)
    values = list(_ALL_FIELDS(meta))
    values[_LANGUAGE], values[_DETECTED], values[_PAGE_TYPE] = language, detected, ptype
    return Metadata(*values)


_FIELD_NAMES = tuple(f.name for f in dataclass_fields(Metadata))
_ALL_FIELDS = attrgetter(*_FIELD_NAMES)
_LANGUAGE, _DETECTED, _PAGE_TYPE = (_FIELD_NAMES.index(n) for n in ("language", "language_detected", "page_type"))

__all__ = ["Metadata", "complete_metadata", "extract_metadata"]
