"""Metadata, second round: description choice and cleaning, date fixes, the shared helpers, and the
cheaper scans (each on a small page written for the test)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from selectolax.lexbor import LexborHTMLParser

from copydesk.metadata import Metadata, extract_metadata
from copydesk.metadata.dates import first_date
from copydesk.metadata.reader import MAX_SUMMARY_CHARS, DateEvidence, choose_dates
from copydesk.metadata.text import norm, unique

NOW = datetime(2021, 6, 15, 12, 0, tzinfo=timezone.utc)


def md(html: str, url: str | None = None, **kw) -> Metadata:
    return extract_metadata(LexborHTMLParser(html), url, **kw)


def _head(*metas: tuple[str, str, str]) -> str:
    tags = "".join(f'<meta {attr}="{key}" content="{value}">' for attr, key, value in metas)
    return f"<html><head>{tags}</head><body><h1>T</h1><p>x</p></body></html>"


# --- description -----------------------------------------------------------------------------

def test_og_description_first_when_it_is_a_summary():
    page = _head(("name", "description", "The page's own words."), ("property", "og:description", "A summary."))
    assert md(page).description == "A summary."


def test_overlong_og_description_gives_way_to_the_shorter_meta_description():
    body_opening = "The opening of the article, pasted whole into the tag. " * 10
    assert len(body_opening) > MAX_SUMMARY_CHARS
    page = _head(("property", "og:description", body_opening), ("name", "description", "A short summary."))
    assert md(page).description == "A short summary."
    # without a shorter alternative the long one is kept
    assert md(_head(("property", "og:description", body_opening))).description == norm(body_opening)


def test_description_entities_markup_and_cjk_line_breaks():
    # double-encoded entity (a CMS slip): the reader wants the character
    assert md(_head(("name", "description", "Governor says &amp;#039;yes&amp;#039;"))).description == \
        "Governor says 'yes'"
    # inline markup joins its text; a <br> separates words
    assert md(_head(("name", "description", "nach &lt;em&gt;NDR&lt;/em&gt;-Recherchen&lt;br/&gt;betroffen"))) \
        .description == "nach NDR-Recherchen betroffen"
    # a line break between CJK characters is not a space; between Latin words it is
    assert md(_head(("name", "description", "禁止することになりました。\n最近、親に"))).description == \
        "禁止することになりました。最近、親に"
    assert md(_head(("name", "description", "two\nlines"))).description == "two lines"


# --- dates -----------------------------------------------------------------------------------

def test_xml_lang_region_decides_day_month_order():
    page = ('<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en-GB"><body><h1>Halls too full</h1>'
            '<span class="time">02/10/2020</span><p>Text.</p></body></html>')
    assert md(page, now=NOW).date_published == "2020-10-02"
    us = page.replace('xml:lang="en-GB"', 'lang="en-US"')
    assert md(us, now=NOW).date_published == "2020-02-10"


def test_page_showing_both_dates_is_dated_by_publication():
    # the update date is shown next to the headline, the publication date a little further down
    ev = DateEvidence(published=[("ld:datePublished", "2020-09-26T22:00:27+01:00")],
                      modified=[("ld:dateModified", "2020-09-28T08:39:12+01:00")],
                      near=[(3, "2020-09-28T08:39:12+01:00"), (7, "2020-09-28"), (11, "2020-09-26T22:00:27+01:00")])
    assert choose_dates(ev)[0].startswith("2020-09-26")
    # only the update date is shown: it is the date the page states
    ev.near = [(3, "2020-09-28T08:39:12+01:00")]
    assert choose_dates(ev)[0].startswith("2020-09-28")


def test_date_written_above_the_headline_picks_among_dated_elements():
    from copydesk.metadata.reader import TEXT_NEAR
    ev = DateEvidence(near=[(2, "2022-08-10T11:05:00"), (3, "2022-12-12T12:22:00"), (TEXT_NEAR + 1, "2022-12-12")])
    assert choose_dates(ev)[0] == "2022-12-12T12:22:00"


# --- helpers ---------------------------------------------------------------------------------

def test_unique_keeps_order_folds_case_and_stops_at_the_limit():
    assert unique(["Alps", "alps", "Sea", "ALPS", "Sky"]) == ["Alps", "Sea", "Sky"]
    consumed: list[str] = []

    def gen():
        for v in ["a", "b", "c", "d"]:
            consumed.append(v)
            yield v

    assert unique(gen(), limit=2) == ["a", "b"]
    assert consumed == ["a", "b"]  # a generator is read no further than needed


def test_first_date_returns_the_first_parsable_value():
    assert first_date(["soon", None, "2019-04-30T10:00:00Z", "2020-01-01"], now=NOW) == "2019-04-30T10:00:00+00:00"
    assert first_date(["never", "2999-01-01"], now=NOW) is None
    assert first_date([]) is None


# --- scans -----------------------------------------------------------------------------------

def test_archive_links_in_the_container_not_in_navigation():
    page = ('<html><body><nav><a href="/tag/menu/">Menu</a><a href="/category/all/">All</a></nav>'
            '<article><h1>Hike</h1><p>Text.</p><footer class="meta"><a href="https://x.example/tag/alps/">Alps</a>'
            '<a href="/tags/snow">Snow</a><a href="/kategorie/reisen/">Reisen</a>'
            '<a href="/about/">About</a></footer></article></body></html>')
    m = md(page, "https://x.example/2021/hike")
    assert m.tags == ("Alps", "Snow")
    assert m.categories == ("Reisen",)


def test_structured_tags_spare_the_link_search():
    page = ('<html><head><meta property="article:tag" content="Rivers"></head><body><article><h1>Hike</h1>'
            '<a href="/tag/alps/">Alps</a></article></body></html>')
    assert md(page).tags == ("Rivers",)


@pytest.mark.parametrize(("head", "url", "canonical", "image"), [
    ('<link rel="stylesheet" href="/a.css"><link rel="preload" href="/f.woff"><link rel="Canonical" href="/story">'
     '<link rel="next" href="/story?page=2"><link rel="image_src" href="/i.jpg">',
     "https://x.example/story?utm=1", "https://x.example/story", "https://x.example/i.jpg"),
    # rel values in any case, and in company ("preload image_src")
    ('<link rel="stylesheet" href="/a.css"><link rel="Canonical" href="https://ex.org/a">'
     '<link rel="preload image_src" href="/i.jpg"><link rel="NEXT" href="?page=2">',
     "https://ex.org/a?x=1", "https://ex.org/a", "https://ex.org/i.jpg"),
])
def test_head_links_among_stylesheets_and_pagination(head: str, url: str, canonical: str, image: str) -> None:
    m = md(f"<html><head>{head}<title>Story</title></head><body><h1>Story</h1><p>x</p></body></html>", url)
    assert m.canonical_url == canonical
    assert m.paginated
    assert m.image == image
    assert m.title == "Story"


def test_metas_with_several_keys_and_whitespace():
    page = ('<html><head><meta property="og:title twitter:title" content="  Both keys  ">'
            '<meta name="Author" content="Jane Roe"></head><body></body></html>')
    m = md(page)
    assert m.title == "Both keys"
    assert m.authors == ("Jane Roe",)


def test_article_footer_links_count_site_header_and_footer_links_do_not():
    page = ('<html><body><header><a href="/category/news/">News</a></header>'
            '<article><h1>Hike</h1><p>Text.</p><footer class="entry-footer">Posted in '
            '<a href="/category/travel/">Travel</a>, tagged <a href="/tag/alps/">Alps</a></footer></article>'
            '<footer class="site-footer"><a href="/tag/imprint/">Imprint</a>'
            '<a href="/category/all/">All</a></footer></body></html>')
    m = md(page)
    assert m.categories == ("Travel",)
    assert m.tags == ("Alps",)
    # no <article>: the page's header and footer are navigation, the links between them are not
    flat = page.replace("<article>", "<div>").replace("</article>", "</div>").replace(
        '<footer class="entry-footer">', '<div class="entry-meta">').replace("</footer></div>", "</div></div>")
    m = md(flat)
    assert m.categories == ("Travel",)
    assert m.tags == ("Alps",)


def test_link_text_with_a_separator_inside():
    page = ('<html><body><article><h1>T</h1><p>x</p><div class="tags"><a href="/tag/rain/">Rain,</a> '
            '<a href="/tag/snow/">Snow</a></div></article></body></html>')
    assert md(page).tags == ("Rain", "Snow")


def test_related_posts_links_are_not_the_articles():
    page = ('<html><body><article><h1>Shoes</h1><p>Text.</p><span class="meta-category">'
            '<a href="/category/sport/">Sport</a></span>'
            '<div class="more"><article><h3><a href="/other">Other</a></h3><span class="meta-category">'
            '<a href="/category/web/">Web</a></span></article></div></article></body></html>')
    assert md(page).categories == ("Sport",)


def test_bench_second_view_decodes_gold_entities_only():
    from copydesk.bench.meta import entities_decoded, grade

    recs = [({"description": "It&#039;s &amp; more", "title": "A &amp; B"}, {"description": "It's & more",
                                                                            "title": "A & B"})]
    assert grade(recs)["description"]["accuracy"] == 0.0  # the grading, unchanged
    dec = grade(entities_decoded(recs))
    assert dec["description"]["accuracy"] == 1.0 and dec["title"]["accuracy"] == 1.0
    assert recs[0][0]["description"] == "It&#039;s &amp; more"  # the input records are not modified


def test_rel_tag_links_spare_the_archive_search_for_tags_only():
    page = ('<html><body><article><h1>Hike</h1><p>Text.</p><div class="post-meta">'
            '<a href="/tag/alps/" rel="tag">Alps</a><a href="/category/travel/">Travel</a>'
            '</div></article></body></html>')
    m = md(page)
    assert m.tags == ("Alps",)
    assert m.categories == ("Travel",)  # no rel=category link: the archive links are searched for it


def test_byline_written_in_the_line_above_the_headline():
    page = ('<html><body><div><small>04.02.2022 | 13:10 Uhr | Uta Muster</small><h1>Stadtrat tagt</h1>'
            '<p>Der Stadtrat hat am Abend getagt.</p></div></body></html>')
    assert md(page, now=NOW).authors == ("Uta Muster",)
    # an author element or a byline after the headline still comes first
    after = page.replace("<p>Der", "<p>Von Max Beispiel. Der")
    assert md(after, now=NOW).authors == ("Max Beispiel",)


# --- a head the parser closed early ------------------------------------------------------------

def test_head_content_displaced_into_body_by_a_stray_element_is_read():
    # An <img> (a tracking pixel) in <head> makes an HTML5 parser close the head: the description,
    # image and canonical link after it land at the start of <body>.
    page = ('<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
            '<meta name="robots" content="index"><meta name="generator" content="cms">'
            '<img src="/pixel.gif"><script>var x = 1;</script>'
            '<meta name="description" content="What the page is about.">'
            '<meta property="og:image" content="https://example.org/lead.jpg">'
            '<link rel="canonical" href="https://example.org/story"></head>'
            '<body><h1>Story</h1><p>Body text.</p></body></html>')
    m = md(page, "https://example.org/story?utm=1")
    assert m.description == "What the page is about."
    assert m.image == "https://example.org/lead.jpg"
    assert m.canonical_url == "https://example.org/story"


def test_meta_tags_inside_the_body_content_are_not_page_metadata():
    # Past the leading run of head-like elements, a <meta> belongs to an embedded widget.
    page = ('<html><head><meta name="viewport" content="width=device-width"><meta name="robots" content="index">'
            '<meta name="generator" content="cms"><meta name="description" content="The page.">'
            '</head><body><div><h1>Story</h1><p>Body text.</p></div>'
            '<meta property="og:description" content="A widget\'s own card."></body></html>')
    assert md(page).description == "The page."


def test_author_candidates_that_are_not_people():
    from copydesk.metadata.authors import clean_authors

    assert clean_authors(["Publiziert am"]) == ()  # a "published on" label, not a byline
    assert clean_authors(["Gesponserte Inhalte"]) == ()  # "sponsored content"
    assert clean_authors(["Stand"]) == ()  # German "as of" before a date
    assert clean_authors(["Josh Willink von Pexels"]) == ()  # a stock-photo credit
    assert clean_authors(["wordpressadmin"], nicknames=True) == ()
    assert clean_authors(["jdadmin"], nicknames=True) == ()
    # real names and user names still pass
    assert clean_authors(["Jane Stand"]) == ("Jane Stand",)
    assert clean_authors(["gizzmo"], nicknames=True) == ("gizzmo",)
    assert clean_authors(["By Anna Publius"]) == ("Anna Publius",)
