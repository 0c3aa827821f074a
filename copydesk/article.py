"""The result types every door of copydesk returns: Block, Article, and the status values."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from functools import cached_property
from typing import Any

# Status values: "ok" is the only one with a body; the others say why there is none.
OK = "ok"
EMPTY = "empty"  # parsed, but no main content found (home page, listing, error stub)
NOT_HTML = "not_html"  # PDF, image, JSON, binary ...
TOO_LARGE = "too_large"  # above max_bytes
TIMEOUT = "timeout"  # the per-page time limit ran out
ERROR = "error"  # an unexpected failure, with the reason in `reason`
STATUSES = (OK, EMPTY, NOT_HTML, TOO_LARGE, TIMEOUT, ERROR)

# Block kinds.
HEADING, PARAGRAPH, LIST, TABLE, QUOTE, CODE, CAPTION, IMAGE = (
    "heading", "paragraph", "list", "table", "quote", "code", "caption", "image",
)
BLOCK_KINDS = (HEADING, PARAGRAPH, LIST, TABLE, QUOTE, CODE, CAPTION, IMAGE)


@dataclass(frozen=True, slots=True)
class Block:
    """One typed piece of the body, in reading order."""

    kind: str
    text: str  # plain text; for lists the items joined by newlines, for tables rows by newlines
    level: int = 0  # heading level 1-6
    items: tuple[str, ...] = ()  # list items
    ordered: bool = False  # numbered list
    rows: tuple[tuple[str, ...], ...] = ()  # table cells, the first row a header when `header`
    header: bool = False
    src: str | None = None  # image source (kind "image")
    links: tuple[tuple[str, str], ...] = ()  # (anchor text, href) when include_links

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "text": self.text}
        for f in ("level", "items", "ordered", "rows", "header", "src", "links"):
            v = getattr(self, f)
            if v:
                d[f] = [list(r) for r in v] if f in ("rows", "links") else (list(v) if isinstance(v, tuple) else v)
        return d


@dataclass(frozen=True, slots=True)
class Quote:
    """Who said what: a quotation in the body and the speaker it is attributed to."""

    text: str
    speaker: str | None = None
    role: str | None = None
    cue: str | None = None  # the verb that attributes it ("said", "asserted" ...)


@dataclass(frozen=True, slots=True)
class Removed:
    """A piece of the page kept apart from the body, and why (text mode reports each line)."""

    kind: str  # caption, bio, about, boilerplate, template, comment, title, byline, dateline ...
    text: str
    reason: str = ""


@dataclass(frozen=True)
class Article:
    """The one result type of copydesk. `text`, `markdown` and `html` are rendered from `blocks`."""

    status: str = OK
    url: str | None = None
    title: str | None = None
    blocks: tuple[Block, ...] = ()
    # metadata
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
    # the parts that are not body, kept apart
    captions: tuple[str, ...] = ()
    bio: tuple[str, ...] = ()
    comments: tuple[str, ...] = ()
    removed: tuple[Removed, ...] = ()
    quotes: tuple[Quote, ...] = ()
    # diagnostics
    reason: str | None = None  # why the status is not "ok"
    warnings: tuple[str, ...] = ()
    _extra: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def text(self) -> str:
        from .render import to_text

        return to_text(self.blocks)

    @cached_property
    def markdown(self) -> str:
        from .render import to_markdown

        return to_markdown(self)

    @cached_property
    def html(self) -> str:
        from .render import to_html

        return to_html(self)

    @property
    def ok(self) -> bool:
        return self.status == OK

    def to_dict(self, *, blocks: bool = True, markdown: bool = True, html: bool = False) -> dict[str, Any]:
        """A JSON-ready dict: every field, plus `text` (and `markdown`, `html` when asked)."""
        d: dict[str, Any] = {}
        for f in fields(self):
            if f.name.startswith("_"):
                continue
            v = getattr(self, f.name)
            if f.name == "blocks":
                if blocks:
                    d["blocks"] = [b.to_dict() for b in v]
                continue
            if f.name in ("removed", "quotes"):
                d[f.name] = [asdict(x) for x in v]
            elif isinstance(v, tuple):
                d[f.name] = list(v)
            else:
                d[f.name] = v
        d["text"] = self.text
        if markdown:
            d["markdown"] = self.markdown
        if html:
            d["html"] = self.html
        return d

    def to_json(self, **kw: Any) -> str:
        return json.dumps(self.to_dict(**kw), ensure_ascii=False)


def failed(status: str, reason: str, *, url: str | None = None, warnings: tuple[str, ...] = ()) -> Article:
    """An Article with no body, saying why."""
    return Article(status=status, url=url, reason=reason, warnings=warnings)
