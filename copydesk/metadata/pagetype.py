"""Page type (article, listing, forum, product, other): schema.org types first, then body statistics."""
from __future__ import annotations

import re

from .jsonld import ARTICLE_TYPES, FORUM_TYPES, LISTING_TYPES, PRODUCT_TYPES

ARTICLE, LISTING, FORUM, PRODUCT, OTHER = "article", "listing", "forum", "product", "other"
PAGE_TYPES = (ARTICLE, LISTING, FORUM, PRODUCT, OTHER)
MIN_ARTICLE_WORDS = 120  # a body shorter than this is a stub, not an article (unless dated and signed)
MIN_SIGNED_WORDS = 40
MAX_ARTICLE_LINK_DENSITY = 0.5  # bodies that are mostly link text are listings
LISTING_LINK_DENSITY = 0.35
MIN_ARTICLE_BLOCKS = 2
# URL paths that are archive/listing pages whatever the body looks like.
LISTING_PATH = re.compile(r"/(?:tag|tags|category|categories|page/\d+|archive|archives|search|author)/?(?:[^/]*/?)?$",
                          re.I)
# A paginated page (rel=next/prev, ?page=N) with at least MIN_TEASERS headings that are links
# (teaser cards) and a short body (the teasers' sentences) is a listing. Pagination is required:
# articles also show lists of linked headlines ("related", "most read"), and single posts of some
# blog engines carry rel=next/prev to the neighbouring posts, hence also the short body.
MIN_TEASERS = 5
MAX_LISTING_WORDS = 250
# The largest word count any rule above compares with (a count past it changes no decision).
MAX_COUNTED_WORDS = max(MIN_ARTICLE_WORDS * 2, MAX_LISTING_WORDS, MIN_SIGNED_WORDS) + 1
HOME_PATH = re.compile(r"^https?://[^/]+/?(?:index\.\w+)?(?:[?#].*)?$", re.I)


def page_type(schema_types: tuple[str, ...] | set[str], *, url: str | None, body_text: str, body_blocks: int,
              link_density: float, has_date: bool = False, has_author: bool = False, teasers: int = 0,
              paginated: bool = False) -> str:
    """One of PAGE_TYPES. Structured data decides when it is specific; otherwise the body's length
    and link density (a home page or index is short paragraphs of links), and the teaser cards
    (`teasers`: headings that are links, counted on pages not typed as articles) of a listing,
    paginated or not."""
    types = set(schema_types)
    if types & PRODUCT_TYPES and not types & (ARTICLE_TYPES - {"review"}):
        return PRODUCT
    if types & FORUM_TYPES:
        return FORUM
    # words are only compared with the thresholds above: counting stops past the largest
    words = len(body_text.split(None, MAX_COUNTED_WORDS))
    if url and (HOME_PATH.match(url) or LISTING_PATH.search(url)):
        return LISTING
    typed_article = bool(types & ARTICLE_TYPES) or "og:article" in types
    if types & ARTICLE_TYPES and words >= MIN_SIGNED_WORDS:
        return ARTICLE
    if not typed_article and paginated and teasers >= MIN_TEASERS and words < MAX_LISTING_WORDS:
        return LISTING
    if types & LISTING_TYPES and not types & ARTICLE_TYPES:
        return LISTING
    if link_density >= LISTING_LINK_DENSITY and words < MIN_ARTICLE_WORDS * 2:
        return LISTING
    if link_density > MAX_ARTICLE_LINK_DENSITY:
        return LISTING
    if body_blocks >= MIN_ARTICLE_BLOCKS and words >= MIN_ARTICLE_WORDS:
        return ARTICLE
    if (has_date or has_author) and words >= MIN_SIGNED_WORDS:
        return ARTICLE
    return OTHER
