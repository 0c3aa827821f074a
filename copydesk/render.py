"""Renderers: an Article as plain text, Markdown, sanitized HTML (or JSON, via `render_as`). They read nothing else."""
from __future__ import annotations

import html as _html
import re
from typing import TYPE_CHECKING

import nh3

from .article import CAPTION, CODE, HEADING, IMAGE, LIST, QUOTE, TABLE, Block

if TYPE_CHECKING:
    from .article import Article

MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#])")
SAFE_SCHEMES = {"http", "https", "mailto"}
ALLOWED_TAGS = {"article", "h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "table", "thead", "tbody",
                "tr", "th", "td", "blockquote", "pre", "code", "figure", "figcaption", "img", "a", "br"}
ALLOWED_ATTRS = {"a": {"href"}, "img": {"src", "alt"}}


def to_text(blocks: tuple[Block, ...]) -> str:
    """Plain text: one block per paragraph, blocks separated by a blank line."""
    return "\n\n".join(b.text for b in blocks if b.text and b.kind != IMAGE)


def _md_inline(text: str, links: tuple[tuple[str, str], ...]) -> str:
    out = MD_SPECIAL.sub(r"\\\1", text)
    for anchor, href in links:
        a = MD_SPECIAL.sub(r"\\\1", anchor)
        if a and a in out and _safe_url(href):
            out = out.replace(a, f"[{a}]({href})", 1)
    return out


def _safe_url(href: str | None) -> bool:
    if not href:
        return False
    scheme = href.split(":", 1)[0].lower() if ":" in href.split("/", 1)[0] else ""
    return scheme in SAFE_SCHEMES or scheme == ""


def block_markdown(b: Block) -> str:
    if b.kind == HEADING:
        return "#" * min(max(b.level, 1), 6) + " " + _md_inline(b.text, b.links)
    if b.kind == LIST:
        items = b.items or tuple(b.text.split("\n"))
        return "\n".join((f"{i}. " if b.ordered else "- ") + _md_inline(it, b.links) for i, it in enumerate(items, 1))
    if b.kind == TABLE and b.rows:
        width = max(len(r) for r in b.rows)
        rows = [list(r) + [""] * (width - len(r)) for r in b.rows]
        cell = [[MD_SPECIAL.sub(r"\\\1", c).replace("|", "\\|").replace("\n", " ") for c in r] for r in rows]
        head = cell[0] if b.header else [""] * width
        body = cell[1:] if b.header else cell
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * width]
        lines += ["| " + " | ".join(r) + " |" for r in body]
        return "\n".join(lines)
    if b.kind == QUOTE:
        return "\n".join("> " + line if line else ">" for line in _md_inline(b.text, b.links).split("\n"))
    if b.kind == CODE:
        fence = "````" if "```" in b.text else "```"
        return f"{fence}\n{b.text}\n{fence}"
    if b.kind == IMAGE:
        alt = MD_SPECIAL.sub(r"\\\1", b.text)
        return f"![{alt}]({b.src})" if _safe_url(b.src) else ""
    if b.kind == CAPTION:
        return "*" + _md_inline(b.text, b.links) + "*"
    return _md_inline(b.text, b.links)


def to_markdown(article: Article) -> str:
    parts = []
    if article.title:
        parts.append("# " + MD_SPECIAL.sub(r"\\\1", article.title))
    parts += [m for m in (block_markdown(b) for b in article.blocks) if m]
    return "\n\n".join(parts)


def _h_inline(text: str, links: tuple[tuple[str, str], ...]) -> str:
    out = _html.escape(text, quote=False)
    for anchor, href in links:
        a = _html.escape(anchor, quote=False)
        if a and a in out and _safe_url(href):
            out = out.replace(a, f'<a href="{_html.escape(href)}">{a}</a>', 1)
    return out.replace("\n", "<br>")


def block_html(b: Block) -> str:
    esc = _html.escape
    if b.kind == HEADING:
        n = min(max(b.level, 1), 6)
        return f"<h{n}>{_h_inline(b.text, b.links)}</h{n}>"
    if b.kind == LIST:
        tag = "ol" if b.ordered else "ul"
        items = b.items or tuple(b.text.split("\n"))
        return f"<{tag}>" + "".join(f"<li>{_h_inline(i, b.links)}</li>" for i in items) + f"</{tag}>"
    if b.kind == TABLE and b.rows:
        rows = []
        for i, r in enumerate(b.rows):
            c = "th" if b.header and i == 0 else "td"
            rows.append("<tr>" + "".join(f"<{c}>{esc(x)}</{c}>" for x in r) + "</tr>")
        return "<table><tbody>" + "".join(rows) + "</tbody></table>"
    if b.kind == QUOTE:
        return f"<blockquote><p>{_h_inline(b.text, b.links)}</p></blockquote>"
    if b.kind == CODE:
        return f"<pre><code>{esc(b.text)}</code></pre>"
    if b.kind == IMAGE:
        return f'<figure><img src="{esc(b.src or "")}" alt="{esc(b.text)}"></figure>' if _safe_url(b.src) else ""
    if b.kind == CAPTION:
        return f"<figure><figcaption>{_h_inline(b.text, b.links)}</figcaption></figure>"
    return f"<p>{_h_inline(b.text, b.links)}</p>"


def sanitize(fragment: str) -> str:
    """nh3 (ammonia) pass: no scripts, no event handlers, no javascript: URLs, whatever built the HTML."""
    return nh3.clean(fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRS, url_schemes=SAFE_SCHEMES,
                     link_rel="noopener noreferrer nofollow")


def to_html(article: Article) -> str:
    parts = ["<article>"]
    if article.title:
        parts.append(f"<h1>{_html.escape(article.title, quote=False)}</h1>")
    parts += [block_html(b) for b in article.blocks]
    parts.append("</article>")
    return sanitize("".join(parts))


FORMATS = ("text", "markdown", "html", "json")


def render_as(article: Article, fmt: str) -> str:
    """The article in one of FORMATS: plain text (title first), Markdown, sanitized HTML, or JSON."""
    if fmt == "json":
        return article.to_json(html=True)
    if fmt == "markdown":
        return article.markdown
    if fmt == "html":
        return article.html
    return (article.title + "\n\n" if article.title else "") + article.text
