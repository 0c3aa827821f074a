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
HOME_PATH = re.compile(r"^https?://[^/]+/?(?:index\.\w+)?(?:[?#].*)?$", re.I)


def page_type(schema_types: tuple[str, ...] | set[str], *, url: str | None, body_text: str, body_blocks: int,
              link_density: float, has_date: bool = False, has_author: bool = False) -> str:
    """One of PAGE_TYPES. Structured data decides when it is specific; otherwise the body's length
    and link density (a home page or index is short paragraphs of links)."""
    types = set(schema_types)
    if types & PRODUCT_TYPES and not types & (ARTICLE_TYPES - {"review"}):
        return PRODUCT
    if types & FORUM_TYPES:
        return FORUM
    words = len(body_text.split())
    if url and (HOME_PATH.match(url) or LISTING_PATH.search(url)):
        return LISTING
    if types & ARTICLE_TYPES and words >= MIN_SIGNED_WORDS:
        return ARTICLE
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
