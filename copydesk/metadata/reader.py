"""The sources of a page's metadata, read in as few tree walks as possible, then the choice per
field in order of trust.

Speed: every lexbor selector walks the (sub)tree once, so <head> is read apart, the whole page is
walked once for what can be anywhere (JSON-LD, <h1>, microdata, rel links), and the visible
bylines and datelines are searched only inside the headline's <article>/<main>, and only when the
structured sources leave the authors or the date open (see `needs_dateline`). The position of a
node among the bylines/datelines found there tells how near it is to the headline, which is what
decides between visible dates and bylines. Returns plain fields for `Metadata`."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from html import unescape as html_unescape
from typing import Any
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .authors import byline_from_text, clean_authors, is_person_name
from .dates import UPDATE_WORDS, date_from_url, find_dates, first_date, parse_date
from .jsonld import ARTICLE_TYPES, LISTING_TYPES, LdData, author_values, parse_ld_scripts, strings_of, text_of, url_of
from .language import normalise_lang
from .text import Caseless, norm, unique
from .titles import choose_title

# <meta> keys per field, best first (lower case; RDFa "dc:" and "dc." both appear in the wild).
TITLE_KEYS = ("og:title", "twitter:title", "dc.title", "dc:title", "dcterms.title", "sailthru.title",
              "parsely-title", "citation_title", "headline")
AUTHOR_KEYS = ("author", "article:author", "og:article:author", "dc.creator", "dc:creator", "dcterms.creator",
               "parsely-author", "sailthru.author", "citation_author", "byl", "authors", "author_name",
               "creator", "cxenseparse:author", "article.author", "dc.contributor")
PUBLISHED_KEYS = ("article:published_time", "og:article:published_time", "og:published_time",
                  "article:published", "datepublished", "published_time", "article.published", "pubdate",
                  "publishdate", "publish-date", "publish_date", "publication_date", "date.published",
                  "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued", "dc.date", "dc:date",
                  "dcterms.date", "dcterms.created", "dc.date.created", "citation_publication_date",
                  "citation_date", "citation_online_date", "date", "article.created", "created", "datecreated",
                  "original-publish-date", "cxenseparse:recs:publishtime", "displaydate", "release_date",
                  "og:pubdate", "date_published", "article_date_original", "pdate", "uploaddate")
MODIFIED_KEYS = ("article:modified_time", "og:updated_time", "og:article:modified_time", "datemodified",
                 "dc.date.modified", "dcterms.modified", "last-modified", "lastmod", "article.updated",
                 "modified_time", "dateupdated", "updated_time")
SITE_KEYS = ("og:site_name", "application-name", "al:android:app_name", "dc.publisher", "dc:publisher",
             "dcterms.publisher", "publisher", "twitter:app:name:iphone", "copyright")
DESC_KEYS = ("og:description", "description", "twitter:description", "dc.description", "dc:description",
             "dcterms.description", "sailthru.description", "parsely-description")
IMAGE_KEYS = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src",
              "thumbnail", "parsely-image-url", "sailthru.image.full")
TAG_KEYS = ("article:tag", "og:article:tag", "news_keywords", "parsely-tags", "sailthru.tags", "article.tags",
            "citation_keywords", "tags")
SECTION_KEYS = ("article:section", "og:article:section", "parsely-section", "section", "article.section",
                "category", "dc.subject", "dc:subject", "cxenseparse:recs:articlesection")
LANG_KEYS = ("content-language", "og:locale", "dc.language", "dc:language", "language", "inlanguage")
LICENSE_KEYS = ("license", "dc.rights", "dcterms.license", "dc:rights", "dcterms.rights", "copyright-license")

MAX_META_VALUE = 5000
MAX_TAGS = 30
MAX_TAG_CHARS = 60
MAX_BYLINE_CHARS = 120
MAX_H1 = 3
MAX_H2 = 20
MAX_DATELINE_CHARS = 120

# Lexbor walks the (sub)tree once per selector in a list (measured on trafilatura-eval-dev, median
# page: ~0.015 ms for a tag test over <body>, ~0.035 ms for a class substring, ~0.1 ms for an href
# substring, as hrefs are long; a suffix test "$=" is cheap). So: <head> is read apart in one pass
# (it is small); the whole page is walked only for what can be anywhere (JSON-LD, <h1>, microdata,
# rel links: GLOBAL_SEL); the class-name tests that find bylines and datelines run only inside the
# headline's <article>/<main> (BYLINE_SEL, DATELINE_SEL), and only when the structured sources
# leave the authors or the date open; archive links are found by listing the links and testing
# their hrefs in Python. Class-name tests are case-insensitive substrings, as sites write
# "byline", "Byline", "post-author", "autor", "entry-date" ...
HEAD_SEL = "meta[content], link[rel], title"
LINK_RELS = frozenset(("canonical", "image_src", "license"))  # and next/prev: pagination
MIN_HEAD_METAS = 3  # fewer <meta> in <head> than this: the page may have them in <body>, read them all
GLOBAL_SEL = 'script[type*="ld+json" i], h1, [itemprop], a[rel]'
BYLINE_SEL = 'a[rel~="author" i], [class*="aut" i], [class*="byline" i]'
DATELINE_SEL = 'time, [class*="date" i], [class*="time" i], [class*="publi" i]'
# Taxonomy links, by path (rel=tag/category links are found by the global pass). A cheap pre-filter
# on each link's href (URL paths are lower case in practice; TAXONOMY_PATH decides), run only when
# the structured data lacks tags or categories, and only inside the headline's <article>/<main>
# when there is one.
TAG_HREF_HINTS = ("/tag", "/schlagw", "/etiquet", "/label")
CATEGORY_HREF_HINTS = ("ategor", "/rubri")
# (tags wanted, categories wanted) -> the hints; tested with `in` (twice as fast as one regex)
HREF_HINTS = {(t, c): (TAG_HREF_HINTS if t else ()) + (CATEGORY_HREF_HINTS if c else ())
              for t in (False, True) for c in (False, True) if t or c}
TEASER_SEL = "h2 > a[href], h3 > a[href]"  # headings that are links: teaser cards of a listing
PAGED_URL = re.compile(r"[?&](?:page|paged|pg|seite|pagina|strona|sayfa|side)=\d+|/(?:page|seite|pagina|strona)/\d+/?$",
                       re.I)
MAX_OG_TYPE = 40
SCOPE_TAGS = frozenset({"article", "main"})
PUBLISHED_CLASS = re.compile(r"publi|posted", re.I)  # a dateline that says it is the publication date
# Class names with "date"/"time" that are not a dateline ("update-button", "timeline", "runtime").
NOT_DATE_CLASS = re.compile(r"timeline|runtime|timer|datepicker|validate|candidate|mandate|update-|"
                            r"datenschutz|teatime|lifetime|status-publish|publisher", re.I)

# Microdata / RDFa properties read from ordinary elements.
ITEMPROPS = frozenset({"author", "creator", "datepublished", "datecreated", "datemodified", "headline", "uploaddate",
                       "articlesection", "keywords", "description"})
# Link paths that name a category or a tag (the archive pages of blogs and news sites, many languages):
# group 1 is a category, group 2 a tag.
TAXONOMY_PATH = re.compile(
    r"/(?:(category|categories|kategorie|kategorien|categoria|categorie|categorias|kategoria|kategori|rubrik|"
    r"rubrique|rubriek|rubrica|rubriken|cat|section|sections|ressort|thema-kategorie)|"
    r"(tag|tags|tagged|schlagwort|schlagworte|stichwort|stichworte|etiqueta|etiquetas|etichetta|tagi|tag-archive|"
    r"keyword|keywords|mot-cle|mots-cles|trefwoord|label|labels))/", re.I)
# Containers whose links are site navigation or tag clouds, not this article's categories.
NAV_CONTAINER = Caseless(r"\b(?:nav|menu|sidebar|widget|breadcrumb|cloud|related|popular|dropdown|toolbar|masthead)")
NAV_TAGS = frozenset({"nav", "aside", "menu"})
# Headers and footers: the site's own (navigation) unless they are inside the article.
EDGE_CONTAINER = Caseless(r"\b(?:footer|header)")
EDGE_TAGS = frozenset({"footer", "header"})
MAX_ANCESTORS = 12
LICENSE_CC = re.compile(r"creativecommons\.org/(?:licenses|publicdomain)/([a-z\-+]+)/(\d\.\d)", re.I)
CC_TEXT = re.compile(r"\bCC[\s-](BY(?:[\s-](?:SA|NC|ND)){0,2}|0)(?:[\s-](\d\.\d))?\b", re.I)
HANDLE_OR_URL = re.compile(r"^(?:@|https?://)")
HAS_DIGIT = re.compile(r"\d")
TAG_RE = re.compile(r"<[^>]{0,500}>")
TERM_STRIP = " #,;|·•"  # around a tag: hash signs, and list separators written inside a link's text
LIST_SEP = re.compile(r"\s*[,;|]\s*")  # between the terms of a keywords/tags value

# Dates near the headline: how far (in scanned metadata elements, and in characters of running text)
# a visible date may sit from the <h1> to count as its dateline.
NEAR_AFTER = 25  # scanned elements after the headline
NEAR_BEFORE = 6  # ... and before it (a kicker or a dateline above the headline)
TEXT_AFTER_CHARS = 400  # running text read after the headline for a written date
TEXT_BEFORE_CHARS = 150
MAX_WALK_NODES = 300  # nodes visited around the headline
TEXT_NEAR = NEAR_AFTER * 2 + 1  # the rank of a date read in the text after the headline (after elements)
TEXT_FAR = TEXT_NEAR + 2  # ... read further than DATELINE_TEXT_CHARS into that text
DATELINE_TEXT_CHARS = 300
SKIP_TEXT_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "button", "select", "iframe"})


def _tag_ids() -> tuple[int, frozenset[int], frozenset[int]]:
    """lexbor's ids of a text node, of SKIP_TEXT_TAGS, of <body> and <html>: the text walks compare
    `tag_id` (an int) rather than `tag` (a name looked up per node). Standard tags have fixed ids."""
    page = LexborHTMLParser("<html><body><p>x</p>" + "".join(f"<{t}></{t}>" for t in sorted(SKIP_TEXT_TAGS)) + "</body></html>")
    p, body, html = page.css_first("p"), page.body, page.root
    assert p is not None and p.child is not None and body is not None and html is not None
    skip = frozenset(node.tag_id for t in SKIP_TEXT_TAGS for node in page.css(t)[:1])
    assert len(skip) == len(SKIP_TEXT_TAGS)
    return p.child.tag_id, skip, frozenset((body.tag_id, html.tag_id))


TEXT_ID, SKIP_TEXT_IDS, TOP_IDS = _tag_ids()
MAX_BODY_SCAN = 50_000  # characters of body text searched for a written date when nothing else has one


@dataclass
class Scan:
    """What the selector passes found, sorted by kind. Positions (the ints) are indexes in the local
    pass (bylines, datelines) or the global pass; `hpos` is the headline's index in the local pass."""

    meta: dict[str, list[str]] = field(default_factory=dict)
    links: list[LexborNode] = field(default_factory=list)
    title: str | None = None
    scripts: list[str] = field(default_factory=list)
    h1: list[tuple[int, LexborNode]] = field(default_factory=list)
    md: dict[str, list[tuple[int, LexborNode]]] = field(default_factory=dict)
    bylines: list[tuple[int, LexborNode]] = field(default_factory=list)
    datelines: list[tuple[int, LexborNode]] = field(default_factory=list)
    taxonomy: list[tuple[int, LexborNode, bool]] = field(default_factory=list)  # (pos, node, is_category)
    rel_links: list[tuple[int, LexborNode, str]] = field(default_factory=list)  # a[rel] license
    pagination: bool = False  # <link rel=next/prev>
    hpos: int | None = None


def _absolute(base: str, href: str) -> str:
    """`href` resolved against `base` (urljoin only when it is not already absolute: it is slow)."""
    if href.startswith(("https://", "http://")):
        return href
    return urljoin(base, href)


def _read_meta(node: LexborNode, meta: dict[str, list[str]]) -> None:
    _meta_entry(node.attributes, meta)


def _meta_entry(a: dict[str, str | None], meta: dict[str, list[str]]) -> None:
    """File a <meta>'s content under each of its keys (lower case; "property" may hold several)."""
    content = a.get("content")
    if content:
        content = content.strip()
        if content and len(content) <= MAX_META_VALUE:
            # the attributes in their own order (a <meta> has two or three): each key's list gets the
            # same entries as when the key attributes are read in META_KEY_ATTRS order
            for attr, key in a.items():
                if key and attr in META_KEY_ATTRS:
                    key = key.lower()
                    for k in key.split() if " " in key else (key,):
                        meta.setdefault(k, []).append(content)


META_KEY_ATTRS = frozenset(("property", "name", "itemprop", "http-equiv"))


def _scan(tree: LexborHTMLParser) -> Scan:
    """<head>, then the global pass (see GLOBAL_SEL)."""
    s = Scan()
    meta = s.meta
    head = tree.head
    n_meta = 0
    if head is not None:
        n_meta = _read_head(head, s, True)
    body = tree.body
    if n_meta < MIN_HEAD_METAS and body is not None:
        _read_head(body, s, False)
    elif body is not None:
        _read_head(body, s, False, _displaced_head(body))
    for i, node in enumerate(tree.css(GLOBAL_SEL)):
        tag = node.tag
        if tag == "meta":
            if node.parent is None or node.parent.tag != "head":  # <head> was read above
                _read_meta(node, meta)
            continue
        if tag == "script":
            text = node.text(deep=True)
            if text:
                s.scripts.append(text)
            continue
        if tag == "h1":
            if len(s.h1) < MAX_H1:
                s.h1.append((i, node))
            continue
        a = node.attributes
        ip = a.get("itemprop")
        if ip:
            for p in ip.lower().split():
                if p in ITEMPROPS:
                    s.md.setdefault(p, []).append((i, node))
        if tag == "a":
            rel = (a.get("rel") or "").lower()
            # most rel values are "nofollow"/"noopener": a substring test spares the split
            if "author" in rel or "license" in rel or "tag" in rel or "category" in rel:
                rel = rel.split()
                if "license" in rel:
                    s.rel_links.append((i, node, "license"))
                if "category" in rel or "tag" in rel:
                    s.taxonomy.append((i, node, "category" in rel))
    return s


def _displaced_head(body: LexborNode) -> list[LexborNode]:
    """The <meta>, <link> and <title> that open <body>: a stray element in <head> (a tracking
    pixel, a text node) makes the parser close it there, and the rest of the head lands in <body>.
    Only the leading run of head-like children is read, so ordinary pages cost one child."""
    out = []
    for node in body.iter(include_text=False):
        tag = node.tag
        if tag in HEAD_LIKE_TAGS:
            out.append(node)
        elif tag not in HEAD_NOISE_TAGS:
            break
    return out


# Tags read from a displaced head, and tags that may sit between them before the page's content.
HEAD_LIKE_TAGS = frozenset(("meta", "link", "title"))
HEAD_NOISE_TAGS = frozenset(("script", "style", "noscript", "base", "img", "-comment", "iframe", "template"))


def _read_head(root: LexborNode, s: Scan, in_head: bool, nodes: list[LexborNode] | None = None) -> int:
    """<meta> with content, <title>, and the <link>s that matter (LINK_RELS), under `root`, in one
    selector pass; returns the number of <meta> read. (A hot loop: plain substring tests before
    any splitting, and as few node accessors as possible.)"""
    n_meta = 0
    meta = s.meta
    for node in root.css(HEAD_SEL) if nodes is None else nodes:
        tag = node.tag
        if tag == "meta":
            n_meta += 1
            a = node.attributes
            if in_head or not a.get("itemprop"):  # body microdata is read by the global pass
                _meta_entry(a, meta)
        elif tag == "link":
            # most (~20 a page: stylesheet, preload, icon ...) name none of LINK_RELS, next, prev: a
            # substring test (each of those rels is a substring of the value) spares them the split
            low = (node.attrs.get("rel") or "").lower()
            if not ("canonical" in low or "next" in low or "prev" in low or "image_src" in low or "license" in low):
                continue
            rels = low.split()
            if "next" in rels or "prev" in rels:
                s.pagination = True
            elif not LINK_RELS.isdisjoint(rels):
                s.links.append(node)
        elif s.title is None and tag == "title":
            s.title = norm(node.text(deep=True))
    return n_meta


def _scan_root(s: Scan, root: LexborNode, head: LexborNode | None, *, bylines: bool, dates: bool) -> None:
    """Bylines and/or datelines (see BYLINE_SEL, DATELINE_SEL) under `root`, in document order,
    with the headline's own position among them (`s.hpos`)."""
    sel = ", ".join(x for x in (head.tag if head is not None else "", BYLINE_SEL if bylines else "",
                                DATELINE_SEL if dates else "") if x)
    hid = head.mem_id if head is not None else None
    for i, node in enumerate(root.css(sel)):
        tag = node.tag
        if hid is not None and s.hpos is None and node.mem_id == hid:
            s.hpos = i
            continue
        if tag == "h1":
            continue
        a = node.attributes
        if tag == "a" and "author" in (a.get("rel") or "").lower():
            s.bylines.append((i, node))
            continue
        if tag == "time":
            s.datelines.append((i, node))
            continue
        cls = a.get("class")
        if cls:
            # plain substring tests: a regex per element costs more than the selector walk
            low = cls.lower()
            if "author" in low or "autor" in low or "byline" in low:
                s.bylines.append((i, node))
            elif ("date" in low or "time" in low or "publi" in low or "posted" in low) \
                    and not NOT_DATE_CLASS.search(low):
                s.datelines.append((i, node))


def _archive_links(scope: LexborNode, *, tags: bool, cats: bool) -> list[tuple[int, LexborNode, bool]]:
    """Links under `scope` whose path names a tag or category archive (TAXONOMY_PATH), as
    (-1, node, is_category); rel=tag/category links are left to the global pass. All links are
    listed by one plain selector and tested in Python: attribute-substring selectors cost lexbor
    several times more on long hrefs."""
    out: list[tuple[int, LexborNode, bool]] = []
    if not tags and not cats:
        return out
    hints = HREF_HINTS[(tags, cats)]
    nodes = scope.css("a[href]")
    hrefs = [node.attrs.get("href") or "" for node in nodes]
    # most pages have no archive link at all: one search of all hrefs together (a hint holds no
    # newline, so it is found in the joined text only where it is in one href) spares the loop
    joined = "\n".join(hrefs)
    for hint in hints:
        if hint in joined:
            break
    else:
        return out
    for node, href in zip(nodes, hrefs, strict=True):
        if not href:
            continue
        for hint in hints:
            if hint in href:
                break
        else:
            continue
        m = TAXONOMY_PATH.search(href)
        if m is None or not (tags if m.group(2) else cats):
            continue
        rel = (node.attrs.get("rel") or "").lower().split()
        if "tag" not in rel and "category" not in rel:
            out.append((-1, node, m.group(1) is not None))
    return out


def _first(meta: dict[str, list[str]], keys: tuple[str, ...]) -> str | None:
    for k in keys:
        vals = meta.get(k)
        if vals:
            return vals[0]
    return None


def _node_value(node: LexborNode) -> str:
    a = node.attributes
    for k in ("content", "datetime"):
        v = a.get(k)
        if v:
            return v.strip()
    return norm(node.text(deep=True, separator=" "))


def _inside_nav(node: LexborNode, cache: dict[int, tuple[bool, bool, bool]] | None = None,
                own: int | None = None) -> bool:
    """Inside site navigation, a tag cloud or a sidebar; or inside a header or footer that is not
    the article's own (an <article>'s footer is where blogs list the post's tags and categories);
    or, when `own` (the node id of the headline's <article>) is given, inside another <article>
    (the teaser cards of related posts). `cache` (by node id: is there a navigation container at
    or above it, is it inside the article, is there a header/footer at or above it) spares the
    walk up for links that share their containers, as the links of one list do; it is valid for
    one `own` only."""
    p = node.parent
    seen: list[tuple[int, bool]] = []  # (node id, is a header/footer) of the ancestors walked
    nav = in_article = edge = False
    for _ in range(MAX_ANCESTORS):
        if p is None:
            break
        if cache is not None:
            key = p.mem_id
            if key in cache:
                nav, in_article, edge = cache[key]
                break
        tag = p.tag
        if tag in ("article", "main"):
            if own is not None and tag == "article" and p.mem_id != own:
                nav = True  # another article's links: a related post's, a teaser's
            in_article = True
            break
        if tag == "body":
            break
        if tag in NAV_TAGS:
            nav = True
            break
        a = p.attributes
        cls = (a.get("class") or "") + " " + (a.get("id") or "")
        if len(cls) > 1 and NAV_CONTAINER.search(cls):
            nav = True
            break
        is_edge = tag in EDGE_TAGS or (len(cls) > 1 and EDGE_CONTAINER.search(cls) is not None)
        if cache is not None:
            seen.append((p.mem_id, is_edge))
        elif is_edge:
            edge = True
        p = p.parent
    if cache is not None:
        for key, is_edge in reversed(seen):  # from the top down: a header/footer covers what is below it
            edge = edge or is_edge
            cache[key] = (nav, in_article, edge)
    return nav or (edge and not in_article)


def _split_list(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        parts = LIST_SEP.split(v) if ("," in v or ";" in v or "|" in v) else [v]
        out.extend(parts)
    return out


def _clean_terms(values: list[str]) -> tuple[str, ...]:
    """Tags or categories: trimmed, without handles, URLs and repeats, at most MAX_TAGS."""
    terms = (t for t in (norm(v).strip(TERM_STRIP) for v in values)
             if t and len(t) <= MAX_TAG_CHARS and not HANDLE_OR_URL.match(t))
    return tuple(unique(terms, limit=MAX_TAGS))


def _license(s: Scan, ld: dict[str, Any] | None) -> str | None:
    cands: list[str] = []
    if ld is not None:
        cands += strings_of(ld.get("license"))
    for node in s.links:
        if "license" in (node.attributes.get("rel") or "").lower().split():
            cands.append(node.attributes.get("href") or "")
    for _, node, _kind in s.rel_links:
        cands.append(node.attributes.get("href") or "")
        cands.append(norm(node.text(deep=True, separator=" ")))
    v = _first(s.meta, LICENSE_KEYS)
    if v:
        cands.append(v)
    for c in cands:
        if not c:
            continue
        m = LICENSE_CC.search(c)
        if m:
            kind = m.group(1).upper()
            return "CC0 " + m.group(2) if kind == "ZERO" else f"CC {kind} {m.group(2)}"
        m = CC_TEXT.search(c)
        if m:
            return ("CC " + m.group(1).upper().replace(" ", "-") + (f" {m.group(2)}" if m.group(2) else "")).strip()
    for c in cands:
        if c and len(c) <= 100 and not c.startswith("http"):
            return c
    return None


@dataclass
class DateEvidence:
    """Every date the page states, by source; `choose_dates` decides."""

    published: list[tuple[str, str]] = field(default_factory=list)  # (source, ISO) structured, best first
    modified: list[tuple[str, str]] = field(default_factory=list)
    url: str | None = None
    near: list[tuple[int, str]] = field(default_factory=list)  # (distance to the headline, ISO) visible
    other_ld: list[str] = field(default_factory=list)  # dates of other JSON-LD nodes (a video, the page)
    fallback: str | None = None  # first date written in the body, when nothing else


def _day(d: str | None) -> str:
    return (d or "")[:10]


def _swapped(d: str) -> str:
    """The same date with day and month exchanged (a D/M vs M/D misreading), or ''."""
    y, m, dd = d[:4], d[5:7], d[8:10]
    return f"{y}-{dd}-{m}" if int(dd) <= 12 else ""


def _match(v: str, cands: list[str]) -> str | None:
    """The candidate on the same day as `v` (also when `v` was read with day and month swapped)."""
    sw = _swapped(v)
    for c in cands:
        if _day(c) == _day(v) or (sw and _day(c) == sw):
            return c
    return None


def choose_dates(ev: DateEvidence) -> tuple[str | None, str | None]:
    """(published, modified), by agreement between sources:
    1. a structured publication date that a dateline next to the headline confirms;
    2. the URL's date when the structured one contradicts it (the URL is written at publication);
    3. a structured modification date that the dateline confirms (the page shows its update date);
    4. the structured publication date, unless it is only a generic "date" meta (often the time the
       page was generated) that the headline's dateline contradicts;
    then the URL, the dateline, the modification date, any other JSON-LD date, a date in the body."""
    mods = [d for _, d in ev.modified]
    modified = mods[0] if mods else None
    near = [d for _, d in sorted(ev.near)]
    top = near[:NEAR_CONFIRM]
    strong = [d for src, d in ev.published if src not in WEAK_PUBLISHED]
    weak = [d for src, d in ev.published if src in WEAK_PUBLISHED]
    if weak and not strong and near and not any(_match(v, weak) for v in near):
        weak = []  # the page's own dateline says otherwise
    pubs = strong + weak
    if pubs:
        for v in top:
            c = _match(v, pubs)
            if c:
                return c, modified
        if ev.url and _day(pubs[0]) != ev.url and (
                any(_day(d) == ev.url for d in pubs[1:]) or not pubs[0].startswith(ev.url[:7])):
            return ev.url, modified
        if not any(_match(d, pubs) for dist, d in ev.near if dist < TEXT_FAR):
            # the modification date is preferred only when nothing on the page shows the
            # publication date (a page showing both is dated by its publication)
            for v in top:
                c = _match(v, mods)
                if c:
                    return c, modified
        return pubs[0], modified
    if ev.url:
        return ev.url, modified
    if near:
        c = _match(near[0], mods + ev.other_ld)
        if c:
            return c, modified
        # the date written right under the headline picks among the dated elements near it
        written = [d for dist, d in sorted(ev.near) if TEXT_NEAR <= dist < TEXT_FAR]
        if written and _day(written[0]) != _day(near[0]):
            for dist, d in sorted(ev.near)[1:NEAR_CONFIRM]:
                if dist < TEXT_NEAR and _day(d) == _day(written[0]):
                    return d, modified
        return near[0], modified
    if modified:
        return modified, modified
    if ev.other_ld:
        return ev.other_ld[0], modified
    return ev.fallback, modified


NEAR_CONFIRM = 3  # datelines near the headline tried against the structured dates
# Generic date metas: CMSs often fill them with the time the page was generated, not published.
WEAK_PUBLISHED = frozenset({"meta:date", "meta:dc.date", "meta:dc:date", "meta:dcterms.date", "meta:created",
                           "meta:datecreated", "meta:dcterms.created", "meta:dc.date.created",
                           "meta:article.created"})


def _lines(text: str) -> str:
    """Whitespace collapsed within each line; blank lines dropped (lines are element boundaries)."""
    return "\n".join(x for x in (" ".join(line.split()) for line in text.split("\n")) if x)


def _walk_text(start: LexborNode, forward: bool, limit: int) -> str:
    """Running text after (or before) a node in document order, up to `limit` characters, with a
    newline at each text node (a byline's name ends where its element ends). Visits nodes one by
    one (never entering the start element, scripts and styles), so a big container next to the
    headline costs only the part that is read. A hot loop: the node steps are written inline."""
    parts: list[str] = []
    total = 0
    n: LexborNode | None = start
    descend = False  # never enter the start element
    for _ in range(MAX_WALK_NODES):
        if forward:
            c = n.child if descend else None
            if c is not None:
                n = c
            else:
                while True:
                    nxt = n.next
                    if nxt is not None:
                        n = nxt
                        break
                    n = n.parent
                    if n is None or n.tag_id in TOP_IDS:
                        n = None
                        break
        else:
            n = _prev_leaf(n)
        if n is None:
            break
        tag = n.tag_id
        if tag == TEXT_ID:
            descend = False
            t = n.text_content
            if t and not t.isspace():
                t = " ".join(t.split())
                room = limit - total
                parts.append(t if len(t) <= room else (t[:room] if forward else t[-room:]))
                total += len(t)
                if total >= limit:
                    break
        else:
            descend = tag not in SKIP_TEXT_IDS
    if not forward:
        parts.reverse()
    return "\n".join(parts)


def _prev_leaf(n: LexborNode) -> LexborNode | None:
    """The node before `n` in document order, as the last leaf of the previous sibling (not
    entering scripts and styles), else of the parent's previous sibling; None at the body's start."""
    while True:
        prv = n.prev
        if prv is not None:
            break
        n = n.parent
        if n is None or n.tag_id in TOP_IDS:
            return None
    while prv.tag_id not in SKIP_TEXT_IDS:
        last = prv.last_child
        if last is None:
            break
        prv = last
    return prv


def _structured_dates(s: Scan, art: dict[str, Any], ld: LdData, url: str | None, canonical: str | None,
                      now: datetime | None) -> DateEvidence:
    """Every date the structured sources state, by source (the first parsable value of each)."""
    ev = DateEvidence()
    meta, md = s.meta, s.md

    def add(dest: list[tuple[str, str]], source: str, values: Iterable[object]) -> None:
        d = first_date(values, now=now)
        if d:
            dest.append((source, d))

    # (most keys are absent: the lookups come first, the parsing only for what is there)
    for k in LD_PUBLISHED:
        if art.get(k):
            add(ev.published, "ld:" + k, (text_of(art[k]),))
    for k in PUBLISHED_KEYS:
        if k in meta:
            add(ev.published, "meta:" + k, meta[k])
    for k in MD_PUBLISHED:
        if k in md:
            add(ev.published, "md:" + k, (_node_value(node) for _, node in md[k]))
    if art.get("dateModified"):
        add(ev.modified, "ld:dateModified", (text_of(art["dateModified"]),))
    for k in MODIFIED_KEYS:
        if k in meta:
            add(ev.modified, "meta:" + k, meta[k])
    if "datemodified" in md:
        add(ev.modified, "md:datemodified", (_node_value(node) for _, node in md["datemodified"]))
    ev.other_ld = [d for d in (parse_date(v, now=now) for v in ld.other_dates) if d]
    ev.url = date_from_url(url, now=now) or (date_from_url(canonical, now=now) if canonical != url else None)
    return ev


LD_PUBLISHED = ("datePublished", "dateCreated", "uploadDate")  # JSON-LD keys of a publication date, best first
MD_PUBLISHED = ("datepublished", "datecreated", "uploaddate")  # ... and their microdata itemprops


def needs_dateline(ev: DateEvidence) -> bool:
    """Can the visible dates change the day `choose_dates` picks? Not when a strong structured
    publication date exists and every other structured date and the URL fall on its day (then the
    dateline could only confirm it): the page's text is not searched at all."""
    strong = [d for src, d in ev.published if src not in WEAK_PUBLISHED]
    if not strong:
        return True
    day = _day(strong[0])
    if ev.url and ev.url != day:
        return True
    return any(_day(d) != day for _, d in ev.published) or any(_day(d) != day for _, d in ev.modified)


def _element_dates(s: Scan, now: datetime | None, lang: str | None) -> list[tuple[int, str]]:
    """(distance, date) of the <time> and dateline elements near the headline (not in comments)."""
    out: list[tuple[int, str]] = []
    hpos = s.hpos
    for pos, node in s.datelines:
        if hpos is not None:
            dist = pos - hpos
            if dist > NEAR_AFTER or dist < -NEAR_BEFORE:
                continue
            dist = abs(dist) * 2 + (1 if dist < 0 else 0)
        else:
            dist = pos
        a = node.attributes
        v = a.get("datetime") or a.get("content")
        d = parse_date(v, now=now, lang=lang) if v else None
        if not d:
            text = norm(node.text(deep=True, separator=" "))
            if text and len(text) <= MAX_DATELINE_CHARS and (now is not None or HAS_DIGIT.search(text)):
                d = parse_date(text, now=now, lang=lang, loose=True)
        # a comment's date does not count, however near the headline (the walk up to tell is
        # taken only for an element that states a date)
        if d and not _in_comments(node):
            if PUBLISHED_CLASS.search(a.get("class") or ""):
                dist //= 2
            out.append((dist, d))
    return out


def _text_dates(head: LexborNode | None, after: str, before: Callable[[], str], now: datetime | None,
                lang: str | None) -> list[tuple[int, str]]:
    """(distance, date) of dates written in the headline, right after it, or right before it
    (`before()`: the text before it, read on demand)."""
    out: list[tuple[int, str]] = []
    if head is not None:
        own = find_dates(norm(head.text(deep=True, separator=" ")), now=now, lang=lang, short_years=True)
        if own:  # a date inside the headline element ("Title <small>02.02.2022</small>")
            out.append((1, own[0][1]))
        found = find_dates(after, now=now, lang=lang, short_years=True)
        if found:
            # right under the headline it is a dateline; deeper, a date the text speaks of
            out.append((TEXT_NEAR if found[0][0] <= DATELINE_TEXT_CHARS else TEXT_FAR, found[0][1]))
        else:
            found = find_dates(before(), now=now, lang=lang)
            if found:
                out.append((TEXT_NEAR + 1, found[-1][1]))
    return out


def _body_dates(tree: LexborHTMLParser, now: datetime | None, lang: str | None) -> tuple[str | None, str | None]:
    """For a page that states no date elsewhere: (the date announced as its last update ("last
    modified", "zuletzt geändert", "Stand:"), the first date in the body text)."""
    body = tree.body
    if body is None:
        return None, None
    text = body.text(deep=True, separator=" ")[:MAX_BODY_SCAN]
    found = find_dates(text, now=now, lang=lang)
    for pos, d in found:
        if UPDATE_WORDS.search(text, max(0, pos - UPDATE_WINDOW), pos):
            return d, found[0][1]
    return None, (found[0][1] if found else None)


UPDATE_WINDOW = 40  # characters before a date that may announce it as the page's update date


def read(tree: LexborHTMLParser, url: str | None, *, now: datetime | None = None) -> dict[str, Any]:
    s = _scan(tree)
    meta = s.meta
    title_tag = s.title
    h1s = [norm(h.text(deep=True, separator=" ")) for _, h in s.h1]
    og_title = _first(meta, TITLE_KEYS)
    ld = parse_ld_scripts(s.scripts, (og_title or "", title_tag or "", *h1s))
    art = ld.article or {}

    # links: canonical, image_src
    canonical = None
    image_link = None
    for node in s.links:
        rel = (node.attributes.get("rel") or "").lower().split()
        href = (node.attributes.get("href") or "").strip()
        if "canonical" in rel and not canonical and href:
            canonical = _absolute(url, href) if url else href
        elif "image_src" in rel and not image_link:
            image_link = href
    if not canonical:
        c = _first(meta, ("og:url",))
        if c and c.startswith("http"):
            canonical = c
    md = s.md

    # sitename (needed to clean the title)
    sitename = norm(_first(meta, SITE_KEYS[:1])) or ld.publisher or ld.website or norm(_first(meta, SITE_KEYS[1:-1]))
    sitename = sitename or None
    if sitename and (sitename.startswith("http") or len(sitename) > 100):
        sitename = None

    # title
    ld_title = text_of(art.get("headline")) or text_of(art.get("name"))
    md_title = _node_value(md["headline"][0][1]) if md.get("headline") else None
    title = choose_title(ld=ld_title or md_title, og=og_title, tw=_first(meta, ("twitter:title",)),
                         dc=_first(meta, ("dc.title", "dc:title")), tag=title_tag, h1s=h1s, sitename=sitename,
                         url=url or canonical)
    # the headline element: the <h1> that is the title, else the first
    head: LexborNode | None = None
    if s.h1:
        head = s.h1[0][1]
        if title:
            for (_, node), text in zip(s.h1, h1s, strict=True):
                if text and text == title:
                    head = node
                    break
            else:
                # the <h1> is the site's logo: the headline is an <h2> (its text is read for the
                # byline and dateline)
                for node in tree.css("h2")[:MAX_H2]:
                    if norm(node.text(deep=True, separator=" ")) == title:
                        head = node
                        break

    # language
    html = tree.root
    declared = None
    if html is not None:
        declared = html.attributes.get("lang") or html.attributes.get("xml:lang")
    declared = normalise_lang(declared) or normalise_lang(_first(meta, LANG_KEYS)) or \
        normalise_lang(text_of(art.get("inLanguage")))
    # the raw code, region included: en-US pages write dates month first
    raw_lang = (html is not None and (html.attributes.get("lang") or html.attributes.get("xml:lang"))) or \
        _first(meta, ("og:locale", "content-language")) or None

    # authors: JSON-LD persons, then microdata, meta; else the visible byline nearest the headline;
    # organisations only as a last resort
    persons, orgs = author_values(art.get("author") or art.get("creator"), ld.by_id) if art else ([], [])
    authors = clean_authors(persons)
    if not authors:
        vals = []
        for _, node in md.get("author", []) + md.get("creator", []):
            name = node.css_first('[itemprop~="name"]')
            vals.append(_node_value(name) if name is not None else _node_value(node))
        authors = clean_authors([v for v in vals if len(v) <= MAX_BYLINE_CHARS])
    if not authors:
        for k in AUTHOR_KEYS:
            if meta.get(k):
                authors = clean_authors(meta[k])
                if authors:
                    break
    # the structured dates; the page's visible bylines and datelines are searched only when they
    # can change the answer (no authors or only first names; dates missing or in disagreement)
    ev = _structured_dates(s, art, ld, url, canonical, now)
    need_byline = not authors or all(" " not in a for a in authors)
    need_date = needs_dateline(ev)
    # tags and categories from the structured sources; the links to tag and category archives
    # are read only for a kind those leave empty
    tags, categories = _structured_terms(meta, md, art)
    visible: tuple[str, ...] = ()
    link_tags: list[str] = []
    link_cats: list[str] = []
    nav_cache: dict[int, tuple[bool, bool, bool]] = {}
    scope = _scope(head, tree) if need_byline or need_date or not tags or not categories else None
    if scope is not None:
        if need_byline or need_date:
            _scan_root(s, scope, head, bylines=need_byline, dates=need_date)
        if not tags or not categories:
            # the rel=tag/category links first (found by the global pass); the archive links of
            # the container only for a kind they leave empty
            own = scope.mem_id if scope.tag == "article" else None
            link_tags, link_cats = _taxonomy_links(s.taxonomy, own, nav_cache)
            want_tags, want_cats = not tags and not link_tags, not categories and not link_cats
            if want_tags or want_cats:
                more_tags, more_cats = _taxonomy_links(_archive_links(scope, tags=want_tags, cats=want_cats), own,
                                                       nav_cache)
                link_tags += more_tags
                link_cats += more_cats
    if need_byline or need_date:
        near_names = _near_byline(s) if need_byline else ()
        # the text right after the headline: its dateline and byline (read only when needed)
        after = _walk_text(head, True, TEXT_AFTER_CHARS) if head is not None and (need_date or not near_names) else ""
        before_text: list[str] = []  # the text before the headline, read once, when first needed

        def before() -> str:
            if not before_text:
                before_text.append(_walk_text(head, False, TEXT_BEFORE_CHARS) if head is not None else "")
            return before_text[0]
        if need_byline:
            # an author element near the headline, a byline written in the text after it, an
            # author box further down, a byline written in the line above the headline
            # ("04.02.2022 | 13:10 | Jane Roe", a kicker's "Redaktion: ...")
            visible = near_names or (byline_from_text(after[:BYLINE_TEXT_CHARS]) if after else ()) or \
                _far_byline(s) or (byline_from_text(before()) if head else ())
        if need_date:
            ev.near = _element_dates(s, now, raw_lang) + _text_dates(head, after, before, now, raw_lang)
    if need_byline:
        if authors and visible:
            # a first name or user name in the metadata, the full name in the byline: the full name
            full = tuple(v for v in visible if any(v.split()[0].casefold() == a.casefold() for a in authors))
            if len(full) == len(authors):
                authors = full
        if not authors:
            authors = visible
        if not authors and orgs:
            authors = clean_authors(orgs, organisations=True)

    # dates
    if need_date and not (ev.published or ev.modified or ev.url or ev.other_ld) and \
            all(d >= TEXT_FAR for d, _ in ev.near):
        # nothing but dates written in the text: a "last updated" statement is the page's own date
        update, first = _body_dates(tree, now, raw_lang)
        if update:
            ev.near = []
        ev.fallback = update or first
    published, modified = choose_dates(ev)

    # description, image
    description = _description(meta) or _plain(text_of(art.get("description"))) or None
    image = _first(meta, IMAGE_KEYS) or url_of(art.get("image")) or image_link
    if image and url:
        image = _absolute(url, image)

    # tags and categories: the archive links, else the post container's class names
    if not tags or not categories:
        tags = tags or _clean_terms(link_tags)
        categories = categories or _clean_terms(link_cats)
        if not categories or not tags:
            class_tags, class_cats = _post_classes(head)
            tags = tags or _clean_terms(class_tags)
            categories = categories or _clean_terms(class_cats)
    if not categories:
        categories = _section_from_url(tree, url or canonical)

    lic = _license(s, art or None)

    # page type hints: a paginated page that is not typed as an article is counted for teaser
    # headings (headings that are links: the cards of a listing); `page_type` reads the count
    # only together with pagination, so other pages spare the walk
    og_type = (_first(meta, ("og:type",)) or "").strip().lower()[:MAX_OG_TYPE]
    paginated = s.pagination or bool(url and PAGED_URL.search(url))
    teasers = 0
    if paginated and not (ld.types & ARTICLE_TYPES) and og_type != "article":
        teasers = len(tree.css(TEASER_SEL))
    return {
        "title": title, "authors": authors, "date_published": published, "date_modified": modified,
        "sitename": sitename, "description": description, "image": image, "tags": tags, "categories": categories,
        "canonical_url": canonical, "license": lic, "language": declared, "language_declared": declared,
        "schema_types": tuple(sorted(ld.types | ({"og:" + og_type} if og_type else set()))),
        "teasers": teasers, "paginated": paginated,
        "page_type": "listing" if ld.types & LISTING_TYPES and ld.article is None else None,
    }


def _description(meta: dict[str, list[str]]) -> str:
    """The page's summary: og:description first, unless it is so long that it is the opening of
    the body pasted in rather than a summary, and the page's own <meta name=description> is
    shorter (measured on trafilatura-eval-dev: og first, then this exception, is the best order)."""
    og = _first(meta, DESC_KEYS[:1])
    if og and len(og) > MAX_SUMMARY_CHARS:
        own = _first(meta, DESC_KEYS[1:2])
        if own and len(own) < len(og):
            return _plain(own)
    return _plain(_first(meta, DESC_KEYS))


MAX_SUMMARY_CHARS = 350  # an og:description longer than this is the body's opening, not a summary
# Inline elements written inside a meta value ("<em>NDR</em>-Recherchen") join their text; any
# other tag (<br>, <p>) separates words.
INLINE_TAG = re.compile(r"</?(?:em|i|b|strong|span|a|small|sup|sub|u|mark|abbr|cite|q|code)\b[^>]{0,300}>", re.I)
# Line breaks between two CJK characters are not spaces: those scripts write no spaces between words.
CJK_GAP = re.compile(r"(?<=[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef])\s+"
                     r"(?=[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef])")


def _structured_terms(meta: dict[str, list[str]], md: dict[str, list[tuple[int, LexborNode]]],
                      art: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(tags, categories) from <meta>, JSON-LD and microdata."""
    tags_raw: list[str] = []
    for k in TAG_KEYS:
        if meta.get(k):
            tags_raw += meta[k]
    if not tags_raw and art.get("keywords"):
        tags_raw = strings_of(art.get("keywords"))
    if not tags_raw and md.get("keywords"):
        tags_raw = [_node_value(n) for _, n in md["keywords"]]
    cats_raw: list[str] = strings_of(art.get("articleSection")) if art else []
    if not cats_raw:
        for k in SECTION_KEYS:
            if meta.get(k):
                cats_raw += meta[k]
                break
    if not cats_raw and md.get("articlesection"):
        cats_raw = [_node_value(n) for _, n in md["articlesection"]]
    return _clean_terms(_split_list(tags_raw)), _clean_terms(_split_list(cats_raw))


def _plain(value: str | None) -> str:
    """Text of a value that may hold markup or entities (descriptions often do). The parser
    decoded the attribute once; entities still left are double-encoded ("&amp;#039;", a common
    CMS slip) and are decoded again: the reader wants the character, not its code."""
    if not value:
        return ""
    if "<" in value:
        value = TAG_RE.sub(" ", INLINE_TAG.sub("", value))
    if "&" in value:
        value = html_unescape(value)
    value = norm(value)
    if value and not value.isascii() and CJK_GAP.search(value):
        value = CJK_GAP.sub("", value)
    return value


def _in_comments(node: LexborNode) -> bool:
    """Inside a comment section (its authors are not the article's)."""
    p: LexborNode | None = node
    for _ in range(MAX_ANCESTORS):
        if p is None or p.tag in ("body", "article", "main"):
            return False
        a = p.attributes
        if a:
            cls, pid = a.get("class"), a.get("id")
            if (cls or pid) and COMMENT_CLASS.search((cls or "") + " " + (pid or "")):
                return True
        p = p.parent
    return False


def _byline_names(node: LexborNode) -> tuple[str, ...]:
    lines = _lines(node.text(deep=True, separator="\n"))
    if not lines or len(lines) > MAX_BYLINE_CHARS:
        return ()
    text = lines.split("\n", 1)[0] if "\n" in lines else lines
    a = node.attributes
    # an author link (rel=author, or a link in an author element) names one author, maybe by a user name
    link = "author" in (a.get("rel") or "").lower() or (node.tag == "a" and node.parent is not None
                                                       and "author" in (node.parent.attributes.get("class") or ""))
    if link or "fn" in (a.get("class") or "").split():
        return clean_authors(text, nicknames=True)
    found = byline_from_text(lines)
    if found:
        return found
    for line in lines.split("\n")[:MAX_BYLINE_LINES]:
        names = tuple(n for n in clean_authors(line) if is_person_name(n) or len(line.split()) <= 3)
        if names:
            return names
    return ()


def _near_byline(s: Scan) -> tuple[str, ...]:
    """The byline nearest the headline: an author element near it (never one in the comments)."""
    near: list[tuple[int, LexborNode]] = []
    hpos = s.hpos
    for pos, node in s.bylines[:MAX_VISIBLE_BYLINES * 3]:
        if hpos is None or -NEAR_BEFORE <= pos - hpos <= NEAR_AFTER:
            near.append((abs(pos - hpos) * 2 + (pos < hpos) if hpos is not None else pos, node))
    return _first_byline_names(node for _, node in sorted(near, key=lambda x: x[0]))


def _far_byline(s: Scan) -> tuple[str, ...]:
    """The first author element of the headline's container with a name, beyond the near window
    (an author box after the text); never one in the comments."""
    hpos = s.hpos
    return _first_byline_names(node for pos, node in s.bylines[:MAX_VISIBLE_BYLINES * 3]
                               if hpos is None or not -NEAR_BEFORE <= pos - hpos <= NEAR_AFTER)


def _first_byline_names(nodes: Iterable[LexborNode]) -> tuple[str, ...]:
    """The names of the first author element (outside comments) that holds any, trying a few."""
    tried = 0
    for node in nodes:
        if _in_comments(node):
            continue
        names = _byline_names(node)
        tried += 1
        if names:
            return names
        if tried >= MAX_VISIBLE_BYLINES:
            break
    return ()


MAX_VISIBLE_BYLINES = 12  # author elements read per page
MAX_BYLINE_LINES = 3  # lines (element texts) of an author element read for a name
BYLINE_TEXT_CHARS = 250  # characters after the headline searched for a written byline
COMMENT_CLASS = Caseless(r"comment|respond|reply|discussion|kommentar")


def _scope(head: LexborNode | None, tree: LexborHTMLParser) -> LexborNode | None:
    """The headline's <article> or <main> element, else the body."""
    if head is not None:
        p = head.parent
        for _ in range(MAX_ANCESTORS * 2):
            if p is None or p.tag in ("body", "html"):
                break
            if p.tag in SCOPE_TAGS or (p.attributes.get("role") or "") == "main":
                return p
            p = p.parent
    return tree.body


def _taxonomy_links(links: list[tuple[int, LexborNode, bool]], own: int | None,
                    cache: dict[int, tuple[bool, bool, bool]]) -> tuple[list[str], list[str]]:
    """(tags, categories): the texts of taxonomy links ((position, node, is_category): rel=tag/category
    links, links to archive paths) that are not in navigation (see `_inside_nav`, `own`, `cache`)."""
    tags: list[str] = []
    cats: list[str] = []
    for _, node, is_cat in links:
        if _inside_nav(node, cache, own):
            continue
        text = norm(node.text(deep=True, separator=" "))
        if text:
            (cats if is_cat else tags).append(text)
    return tags, cats


SECTION_SKIP = re.compile(r"^(?:[a-z]{2}(?:[-_][a-z]{2})?|\d+|index\.\w+)$", re.I)  # language codes, years, ids
MAX_SECTION_CHARS = 40
SLUG_SEP = re.compile(r"[-_+.\s]+")


def _slug(text: str) -> str:
    return SLUG_SEP.sub("", text.casefold())


def _section_from_url(tree: LexborHTMLParser, url: str | None) -> tuple[str, ...]:
    """The section an article is filed under, when its URL says so AND the page links to that
    section under the same name: /wirtschaft/some-story with a link <a href="/wirtschaft">Wirtschaft</a>.
    Both conditions are needed: a path segment alone may be anything ("artikel", "p", "en")."""
    if not url:
        return ()
    parts = [p for p in _url_path(url).split("/") if p]
    if len(parts) < 2:
        return ()
    seg = parts[0]
    if SECTION_SKIP.match(seg):
        if len(parts) < 3:
            return ()
        seg = parts[1]
    if len(seg) > MAX_SECTION_CHARS or '"' in seg or "\\" in seg:
        return ()
    key = _slug(seg)
    try:
        # suffix selectors: a substring test ("*=") costs lexbor several times more on long hrefs
        links = tree.css(f'a[href$="/{seg}"], a[href$="/{seg}/"]')[:MAX_SECTION_LINKS]
    except Exception:  # noqa: BLE001 - an odd URL segment that the selector parser refuses
        return ()
    for node in links:
        path = _url_path(node.attrs.get("href") or "").rstrip("/")
        if not path.endswith("/" + seg) or path.count("/") > 2:
            continue
        text = norm(node.text(deep=True, separator=" "))
        if text and len(text) <= MAX_SECTION_CHARS and _slug(text) == key:
            return (text,)
    return ()


MAX_SECTION_LINKS = 50
URL_PATH = re.compile(r"^(?:[a-z][a-z0-9+.\-]*:)?(?://[^/?#]*)?([^?#]*)", re.I)


def _url_path(href: str) -> str:
    """The path of a URL or a relative reference (urlsplit's, at a tenth of its cost)."""
    m = URL_PATH.match(href)
    return m.group(1) if m else ""


# Blog engines write a post's categories and tags into its container's classes:
# <article class="post-42 post type-post category-local-news tag-elections">.
POST_CLASS_TERM = re.compile(r"(?:^|\s)(category|tag)-([^\s\d][^\s]{0,58})(?=\s|$)")


def _post_classes(head: LexborNode | None) -> tuple[list[str], list[str]]:
    """(tags, categories) from the class names of the headline's post container (slugs, hyphens
    read as spaces)."""
    if head is None:
        return [], []
    p = head.parent
    for _ in range(MAX_ANCESTORS * 2):
        if p is None or p.tag in ("body", "html"):
            break
        cls = p.attributes.get("class") or ""
        if "category-" in cls or "tag-" in cls:
            tags: list[str] = []
            cats: list[str] = []
            for kind, slug in POST_CLASS_TERM.findall(cls):
                (cats if kind == "category" else tags).append(slug.replace("-", " "))
            if tags or cats:
                return tags, cats
        p = p.parent
    return [], []
