"""Article metadata from the same parse as the body (being written: see issue 3)."""
from __future__ import annotations

from dataclasses import dataclass, replace

from selectolax.lexbor import LexborHTMLParser


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


def extract_metadata(tree: LexborHTMLParser, url: str | None) -> Metadata:
    """Read metadata from an unmodified tree (scripts still in place, for JSON-LD)."""
    node = tree.css_first("title")
    title = node.text(strip=True) if node is not None else None
    html = tree.css_first("html")
    lang = html.attributes.get("lang") if html is not None else None
    return Metadata(title=title or None, language=lang, language_declared=lang)


def complete_metadata(meta: Metadata, *, body_text: str, body_blocks: int, link_density: float) -> Metadata:
    """Finish with what the body tells: detected language, page type."""
    return replace(meta, page_type="article" if body_blocks else "other")
