"""The tools copydesk is measured against, each as `fn(raw_bytes, url) -> text`, plus copydesk itself.

Every tool gets the page's raw bytes and decodes them its own way, so decoding is part of its time.
A tool that raises on a page yields empty text for it (the harness counts the error)."""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from .report import version_of

Extractor = Callable[[bytes, "str | None"], str]

# Block-level tags after which readability's summary HTML gets a line break, so that the words of
# two paragraphs are not glued together when the HTML is flattened to text.
_BLOCK_TAG = re.compile(r"(?i)(</?(?:p|div|br|li|h[1-6]|tr|td|th|blockquote|pre|table|ul|ol|dl|dt|dd|section|article|"
                        r"header|footer|figure|figcaption)\b)")
# A tiny page every tool sees once before timing starts: lazy imports and caches are not a page's cost.
WARMUP_PAGE = (b"<html><head><title>Warm up</title></head><body><nav><a href='/'>Home</a></nav><article>"
               b"<h1>Warm up</h1><p>" + b"This paragraph only warms the extractors up before timing. " * 8
               + b"</p></article></body></html>")


@dataclass(frozen=True)
class Tool:
    name: str
    dist: str  # distribution whose version is reported
    settings: str  # how it is called, for the report
    make: Callable[[], Extractor]  # imports lazily; returns the extractor


def _copydesk(with_metadata: bool) -> Callable[[], Extractor]:
    def make() -> Extractor:
        import copydesk

        def run(raw: bytes, url: str | None) -> str:
            art = copydesk.extract(raw, url=url, with_metadata=with_metadata)
            return art.text if art.status == "ok" else ""

        return run

    return make


def _trafilatura() -> Extractor:
    import trafilatura

    def run(raw: bytes, url: str | None) -> str:
        return trafilatura.extract(raw, url=url, include_comments=False, include_tables=True) or ""

    return run


def _readability() -> Extractor:
    import lxml.html
    from readability import Document

    def run(raw: bytes, url: str | None) -> str:
        summary = Document(raw, url=url).summary()
        if not summary or not summary.strip():
            return ""
        root = lxml.html.fromstring(_BLOCK_TAG.sub(r"\n\1", summary))
        return root.text_content().strip()

    return run


def _resiliparse(main_content: bool) -> Callable[[], Extractor]:
    def make() -> Extractor:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.encoding import detect_encoding
        from resiliparse.parse.html import HTMLTree

        def run(raw: bytes, url: str | None) -> str:
            # The documented way: detect the charset (meta tag first, then uchardet), parse the bytes.
            tree = HTMLTree.parse_from_bytes(raw, detect_encoding(raw, from_html_meta=True))
            return extract_plain_text(tree, main_content=main_content)

        return run

    return make


TOOLS: dict[str, Tool] = {
    "copydesk": Tool("copydesk", "copydesk", "`copydesk.extract(raw, url=url)`, default Options "
                     "(tables kept, comments apart; all metadata read too); `.text` when status is ok",
                     _copydesk(True)),
    # Like for like with `trafilatura.extract`, which reads no metadata unless asked (with_metadata=False).
    "copydesk-body": Tool("copydesk-body", "copydesk", "`copydesk.extract(raw, url=url, with_metadata=False)`: "
                          "the body only, as `trafilatura.extract` gives by default; otherwise as copydesk",
                          _copydesk(False)),
    "trafilatura": Tool("trafilatura", "trafilatura", "`trafilatura.extract(raw, url=url, include_comments=False, "
                        "include_tables=True)`; other settings default (fast=False: its readability/jusText "
                        "fallbacks on), plain text output", _trafilatura),
    "readability": Tool("readability", "readability-lxml", "`readability.Document(raw, url=url).summary()`, "
                        "then the text of that HTML (a line break at each block tag)", _readability),
    "resiliparse": Tool("resiliparse", "resiliparse", "`extract_plain_text(HTMLTree.parse_from_bytes(raw, "
                        "detect_encoding(raw, from_html_meta=True)), main_content=True)`", _resiliparse(True)),
    "all-text": Tool("all-text", "resiliparse", "baseline: all visible text, the same resiliparse call with "
                     "`main_content=False`", _resiliparse(False)),
}


def tool_version(name: str) -> str:
    if TOOLS[name].dist == "copydesk":  # may run from a checkout that is not pip-installed
        from .report import copydesk_version

        return copydesk_version()
    return version_of(TOOLS[name].dist)


def load(names: list[str]) -> tuple[dict[str, Extractor], dict[str, str]]:
    """Build the extractors; a tool that cannot be imported or warmed up is returned in the errors dict."""
    # Some anchors log a traceback for every page they cannot parse; the harness counts errors itself.
    logging.disable(logging.CRITICAL)
    ready: dict[str, Extractor] = {}
    errors: dict[str, str] = {}
    for n in names:
        try:
            fn = TOOLS[n].make()
            fn(WARMUP_PAGE, "https://example.org/warm-up")
            ready[n] = fn
        except Exception as e:  # report it; the other tools still run
            errors[n] = f"{type(e).__name__}: {e}"
    return ready, errors
