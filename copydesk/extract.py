"""The HTML door: bytes/str -> decode -> parse -> metadata -> segment -> score -> select -> Article."""
from __future__ import annotations

import time
from dataclasses import fields
from datetime import datetime
from typing import Any

from . import dom, score, select
from .article import ERROR, OK, PARAGRAPH, QUOTE, TIMEOUT, Article, failed
from .decode import Page, PageError, load
from .metadata import complete_metadata, extract_metadata
from .options import Options
from .quotes import find_quotes
from .segment import segment

ARTICLE_FIELDS = frozenset(f.name for f in fields(Article))


class _Timeout(Exception):
    pass


def _deadline(timeout: float | None):
    if timeout is None:
        return None
    end = time.monotonic() + timeout

    def check() -> None:
        if time.monotonic() > end:
            raise _Timeout

    return check


def extract(page: bytes | str, *, url: str | None = None, options: Options | None = None,
            http_charset: str | None = None, now: datetime | None = None, **kw: Any) -> Article:
    """Extract the main content and metadata of one HTML page.

    `page` is the raw bytes (any charset) or decoded text; `http_charset` is the charset of the HTTP
    Content-Type header when known; `now` the time the page was fetched (e.g. the WARC date), which
    resolves relative dates ("3 days ago"). Keyword options override `options` (see `Options`). Never raises
    for a bad page: the Article's `status` and `reason` say what went wrong. Raises TypeError for
    arguments of the wrong type and for unknown options."""
    opts = Options.make(options, **kw)
    try:
        p = load(page, url, max_bytes=opts.max_bytes, http_charset=http_charset)
    except PageError as e:
        return failed(e.status, e.reason, url=url)
    check = _deadline(opts.timeout)
    try:
        return _extract(p, url, opts, list(p.warnings), check, now)
    except _Timeout:
        return failed(TIMEOUT, f"extraction took longer than timeout={opts.timeout}s", url=url)
    except RecursionError:
        return failed(ERROR, "the page is nested too deeply to process", url=url)
    except MemoryError:
        return failed(ERROR, "out of memory while processing the page", url=url)


def _extract(page: Page, url: str | None, opts: Options, warnings: list[str], check, now: datetime | None) -> Article:
    tree, w = dom.parse(page.text, page.utf8)
    warnings += w
    if check:
        check()
    meta = extract_metadata(tree, url, now=now) if opts.with_metadata else None
    body = tree.body
    if body is None:
        return failed("empty", "the page has no body", url=url, warnings=tuple(warnings))
    segs = segment(body, include_images=opts.include_images, include_links=opts.include_links, check=check)
    if check:
        check()
    score.score(segs)
    result = select.select(segs, opts, title=meta.title if meta else None)
    if meta is not None:
        meta = complete_metadata(meta, url=url, body_text="\n".join(b.text for b in result.blocks),
                                 body_blocks=len(result.blocks), link_density=result.link_density)
    status, reason = (OK, None) if result.blocks else ("empty", result.reason or "no main content found")
    lang = meta.language if meta is not None else None
    if status == OK and opts.target_language and lang and \
            lang.split("-")[0].lower() != opts.target_language.split("-")[0].lower():
        status, reason = "empty", f"the page is in {lang}, not in target_language={opts.target_language}"
    quotes = ()
    if opts.with_quotes and status == OK:
        quotes = tuple(find_quotes([b.text for b in result.blocks if b.kind in (PARAGRAPH, QUOTE)], language=lang))
    m: dict[str, Any] = {}
    if meta is not None:
        m = {f: getattr(meta, f) for f in meta.__dataclass_fields__ if f in ARTICLE_FIELDS}
        m["title"] = meta.title or result.title
    else:
        m["title"] = result.title
    return Article(status=status, url=url, blocks=result.blocks, captions=result.captions,
                   comments=result.comments if opts.include_comments else (), reason=reason, quotes=quotes,
                   warnings=tuple(warnings), **m)
