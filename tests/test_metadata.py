"""Metadata: small pages written for the test, one per source and per kind of bad input."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from copydesk.metadata import Metadata, complete_metadata, extract_metadata
from copydesk.metadata.authors import clean_authors
from copydesk.metadata.dates import date_from_url, find_dates, parse_date
from copydesk.metadata.jsonld import _loads
from copydesk.metadata.language import detect_language, normalise_lang

NOW = datetime(2021, 6, 15, 12, 0, tzinfo=timezone.utc)


def md(html: str, url: str | None = None, **kw) -> Metadata:
    return extract_metadata(LexborHTMLParser(html), url, **kw)


# --- JSON-LD -------------------------------------------------------------------------------------

def test_jsonld_article_fields():
    m = md("""<html lang="en-GB"><head><title>Rain falls on the plain | Daily Bugle</title>
    <script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
    "headline":"Rain falls on the plain","datePublished":"2020-03-04T10:20:00+01:00",
    "dateModified":"2020-03-05T08:00:00Z","author":[{"@type":"Person","name":"Jane Roe"},
    {"@type":"Person","name":"John Doe"}],"publisher":{"@type":"Organization","name":"Daily Bugle"},
    "keywords":"weather, rain","articleSection":"Science","image":{"@type":"ImageObject","url":"/i.jpg"},
    "description":"Wet."}</script></head><body><h1>Rain falls on the plain</h1><p>x</p></body></html>""",
           url="https://bugle.example/news/rain")
    assert m.title == "Rain falls on the plain"
    assert m.authors == ("Jane Roe", "John Doe")
    assert m.date_published == "2020-03-04T10:20:00+01:00"
    assert m.date_modified == "2020-03-05T08:00:00+00:00"
    assert m.sitename == "Daily Bugle"
    assert m.tags == ("weather", "rain")
    assert m.categories == ("Science",)
    assert m.image == "https://bugle.example/i.jpg"
    assert m.description == "Wet."
    assert m.language_declared == "en"


def test_jsonld_graph_and_id_references():
    m = md("""<head><script type="application/ld+json">{"@context":"https://schema.org","@graph":[
    {"@type":"WebSite","@id":"#site","name":"Example Site"},
    {"@type":"Person","@id":"#p1","name":"Ada Lovelace"},
    {"@type":"BlogPosting","headline":"Engines","author":{"@id":"#p1"},"datePublished":"2019-01-02"}]}
    </script></head><body><h1>Engines</h1></body>""")
    assert m.authors == ("Ada Lovelace",)
    assert m.date_published == "2019-01-02"
    assert m.sitename == "Example Site"


def test_malformed_jsonld_is_tolerated():
    # trailing commas, an HTML comment wrapper, raw newline in a string, HTML inside a string
    text = """<!-- {"@type":"Article","headline":"A <b>bold</b>
    move","author":{"name":"Mary Major",},} -->"""
    vals = _loads(text)
    assert vals and vals[0]["author"]["name"] == "Mary Major"
    assert _loads("{not json at all") == []
    assert _loads('{"a":1}{"b":2}') == [{"a": 1}, {"b": 2}]


def test_broken_jsonld_block_does_not_hide_meta():
    m = md("""<head><script type="application/ld+json">{"@type": "Article", "headline": </script>
    <meta property="og:title" content="Fallback title"><meta name="author" content="Ann Smith">
    </head><body></body>""")
    assert m.title == "Fallback title"
    assert m.authors == ("Ann Smith",)


def test_disagreeing_jsonld_blocks_prefer_the_one_matching_the_page():
    m = md("""<head><title>The real story - Site</title>
    <script type="application/ld+json">{"@type":"NewsArticle","headline":"Another story in the sidebar",
    "datePublished":"2018-01-01","author":{"@type":"Person","name":"Wrong Person"}}</script>
    <script type="application/ld+json">{"@type":"NewsArticle","headline":"The real story",
    "datePublished":"2020-02-02","author":{"@type":"Person","name":"Right Person"}}</script>
    </head><body><h1>The real story</h1></body>""")
    assert m.title == "The real story"
    assert m.authors == ("Right Person",)
    assert m.date_published == "2020-02-02"


def test_organisation_author_only_when_no_person():
    html = """<head><script type="application/ld+json">{"@type":"Article","headline":"H",
    "author":{"@type":"Organization","name":"Acme News"}}</script></head><body><h1>H</h1></body>"""
    assert md(html).authors == ("Acme News",)


# --- meta tags, microdata, visible -------------------------------------------------------------

def test_opengraph_and_meta_names():
    m = md("""<head><title>Ignored | Site</title>
    <meta property="og:title" content="Open graph headline"><meta property="og:site_name" content="Site">
    <meta name="description" content="  A   short  summary. "><meta property="article:tag" content="alpha">
    <meta property="article:tag" content="beta"><meta property="article:section" content="Politics">
    <meta property="article:published_time" content="2017-07-08T09:10:11Z">
    <meta name="author" content="By Pat Quill"><link rel="canonical" href="/a/b"></head><body></body>""",
           url="https://site.example/a/b?x=1")
    assert m.title == "Open graph headline"
    assert m.description == "A short summary."
    assert m.tags == ("alpha", "beta")
    assert m.categories == ("Politics",)
    assert m.date_published == "2017-07-08T09:10:11+00:00"
    assert m.authors == ("Pat Quill",)
    assert m.canonical_url == "https://site.example/a/b"


def test_title_site_name_is_removed():
    m = md("<head><title>Mayor opens bridge – The Town Courier</title>"
           "<meta property='og:site_name' content='The Town Courier'></head><body></body>")
    assert m.title == "Mayor opens bridge"


def test_microdata_author_and_date():
    m = md("""<body><article itemscope itemtype="https://schema.org/Article"><h1 itemprop="headline">Mice</h1>
    <span itemprop="author" itemscope><span itemprop="name">Lee Chang</span></span>
    <time itemprop="datePublished" datetime="2016-05-04">4 May</time></article></body>""")
    assert m.authors == ("Lee Chang",)
    assert m.date_published == "2016-05-04"


def test_visible_byline_and_dateline():
    m = md("""<body><h1>Harbour news</h1><div class="byline">Von Karl Meier und Eva Braun</div>
    <div class="entry-date">Veröffentlicht am 26. März 2019</div><p>Text.</p></body>""")
    assert m.authors == ("Karl Meier", "Eva Braun")
    assert m.date_published == "2019-03-26"


def test_taxonomy_links_outside_navigation():
    m = md("""<body><nav><a href="/category/sport/">Sport</a></nav><article><h1>T</h1>
    <div class="post-info"><a href="/category/travel/" rel="category tag">Travel</a>
    <a href="/tag/alps/" rel="tag">Alps</a></div></article></body>""")
    assert m.categories == ("Travel",)
    assert m.tags == ("Alps",)


def test_license_and_language():
    m = md("""<html lang="de-AT"><body><a rel="license" href="https://creativecommons.org/licenses/by-sa/4.0/">
    Lizenz</a></body></html>""")
    assert m.license == "CC BY-SA 4.0"
    assert m.language_declared == "de"


def test_page_without_any_source():
    m = md("<html><body><p>Just some words.</p></body></html>")
    assert m.title is None and m.authors == () and m.date_published is None and m.description is None
    assert m.tags == () and m.categories == () and m.license is None


@pytest.mark.parametrize("html", ["", "<", "<html><head><meta name=author></head>", "\x00\x01<p>", "<" * 5000])
def test_garbage_never_crashes(html):
    assert isinstance(md(html, url="not a url"), Metadata)


# --- authors -------------------------------------------------------------------------------------

def test_author_cleaning():
    assert clean_authors("By John Smith and Jane Doe") == ("John Smith", "Jane Doe")
    assert clean_authors("https://www.facebook.com/someone") == ()
    assert clean_authors("@handle") == ()
    assert clean_authors("Staff") == ()
    assert clean_authors("Jane Doe, Senior Editor") == ("Jane Doe",)
    assert clean_authors("John E. Smith") == ("John E. Smith",)
    assert clean_authors(["Ana Pérez", "ana pérez"]) == ("Ana Pérez",)
    assert clean_authors("Par Jean Dupont | 12 mars 2020") == ("Jean Dupont",)


def test_author_url_in_meta_falls_back_to_byline():
    m = md("""<head><meta property="article:author" content="https://www.facebook.com/x"></head>
    <body><h1>H</h1><p class="byline">By Sam Carter</p></body>""")
    assert m.authors == ("Sam Carter",)


# --- dates ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,iso", [
    ("2019-04-30T10:00:00+02:00", "2019-04-30T10:00:00+02:00"),
    ("2019-04-30", "2019-04-30"),
    ("20190430", "2019-04-30"),
    ("26.11.2019", "2019-11-26"),
    ("26. November 2019", "2019-11-26"),
    ("November 26, 2019", "2019-11-26"),
    ("Nov. 26, 2019 at 3:45 pm", "2019-11-26T15:45:00"),
    ("26 de marzo de 2019", "2019-03-26"),
    ("26 mars 2019", "2019-03-26"),
    ("26 marca 2019", "2019-03-26"),
    ("Tue, 30 Apr 2019 10:00:00 GMT", "2019-04-30T10:00:00"),
])
def test_parse_date_formats(text, iso):
    assert parse_date(text, now=NOW) == iso


def test_dates_out_of_range_are_rejected():
    assert parse_date("26.11.2026", now=NOW) is None  # the future
    assert parse_date("1993-05-01") is None  # before the web article era
    assert parse_date("2019-02-30") is None  # no such day
    assert parse_date("not a date") is None
    assert parse_date(None) is None
    assert parse_date(12.5) is None


def test_relative_and_yearless_dates_need_a_reference():
    assert parse_date("vor 3 Tagen") is None
    assert parse_date("vor 3 Tagen", now=NOW) == "2021-06-12"
    assert parse_date("2 days ago", now=NOW) == "2021-06-13"
    assert parse_date("hace 1 semana", now=NOW) == "2021-06-08"
    assert parse_date("gestern", now=NOW) == "2021-06-14"
    assert parse_date("Nov. 26") is None
    assert parse_date("Nov. 26", now=NOW) == "2020-11-26"  # the latest Nov 26 not after the reference
    assert parse_date("Jun 2", now=NOW) == "2021-06-02"


def test_us_order_only_for_us_pages():
    assert parse_date("03/04/2019", lang="en-US") == "2019-03-04"
    assert parse_date("03/04/2019", lang="de") == "2019-04-03"
    assert parse_date("13/04/2019", lang="en-US") == "2019-04-13"


def test_date_from_url_and_text():
    assert date_from_url("https://x.example/2018/07/09/slug/") == "2018-07-09"
    assert date_from_url("https://x.example/news/20180709-slug") == "2018-07-09"
    assert date_from_url("https://x.example/2018/07/slug") is None
    assert date_from_url("https://x.example/2099/01/01/slug") is None
    found = find_dates("Posted on 3 May 2018, updated 2018-05-05.")
    assert [d for _, d in found] == ["2018-05-03", "2018-05-05"]


def test_future_meta_date_is_not_returned():
    m = md('<head><meta property="article:published_time" content="2031-01-01"></head><body></body>', now=NOW)
    assert m.date_published is None


# --- language and page type ---------------------------------------------------------------------

def test_language_detection():
    de = "Der Hund und die Katze sind nicht im Haus, aber sie werden bald wieder da sein, weil es regnet " * 3
    fr = "Le chat est dans la maison et il ne veut pas sortir parce que la pluie tombe sur le jardin " * 3
    pl = "To jest bardzo dobry dzień i nie ma się czego bać, ale trzeba być ostrożnym przy drodze " * 3
    assert detect_language(de) == "de"
    assert detect_language(fr) == "fr"
    assert detect_language(pl) == "pl"
    assert detect_language("Привет, как у тебя дела? Это не так просто, но он был там и все мы знаем это " * 3) == "ru"
    assert detect_language("これは日本語の文章です。ひらがなとカタカナが入っています。" * 3) == "ja"
    assert detect_language("短") is None
    assert detect_language("") is None
    assert normalise_lang("en_US") == "en" and normalise_lang("nonsense value!") is None


def test_complete_metadata_reports_declared_and_detected():
    m = md('<html lang="en"><body></body></html>')
    text = "Der Hund und die Katze sind nicht im Haus, aber sie werden bald wieder da sein. " * 5
    done = complete_metadata(m, body_text=text, body_blocks=5, link_density=0.0)
    assert done.language_declared == "en" and done.language_detected == "de" and done.language == "de"


def test_page_type():
    prod = md('<head><script type="application/ld+json">{"@type":"Product","name":"Shoe"}</script></head>')
    assert complete_metadata(prod, body_text="A shoe.", body_blocks=1, link_density=0.1).page_type == "product"
    plain = md("<body></body>")
    long_text = "word " * 400
    assert complete_metadata(plain, body_text=long_text, body_blocks=6, link_density=0.05).page_type == "article"
    assert complete_metadata(plain, body_text=long_text, body_blocks=6, link_density=0.8).page_type == "listing"
    assert complete_metadata(plain, body_text="", body_blocks=0, link_density=0.0).page_type == "other"
    forum = md('<head><script type="application/ld+json">{"@type":"DiscussionForumPosting","headline":"Q"}'
               '</script></head>')
    assert complete_metadata(forum, body_text=long_text, body_blocks=3, link_density=0.1).page_type == "forum"


# --- the benchmark grader -----------------------------------------------------------------------

def test_bench_grader():
    from copydesk.bench.meta import grade, same

    assert same("title", "  A  Title ", "a title")
    assert same("date", "2020-01-02", "2020-01-02T10:00:00+01:00")
    assert not same("date", "2020-01-02", None)
    assert same("author", "Jane Roe; John Doe", ["John Doe", "jane roe"])
    assert same("tags", ["b", "A"], ("a", "b"))
    g = grade([({"title": "x", "author": ""}, {"title": "x", "author": "Somebody"})])
    assert g["title"]["accuracy"] == 1.0 and g["author"]["pages"] == 0


def test_bench_section_quick():
    shared = Path(__file__).resolve().parents[1].parent / "shared"
    if not (shared / "benchmarks" / "trafilatura-eval-dev").exists():
        pytest.skip(f"benchmarks not found under {shared}")
    pytest.importorskip("trafilatura")
    from copydesk.bench import meta

    sec = meta.run(shared, quick=True)
    assert "| title |" in sec.markdown
    assert 0.0 <= sec.data["copydesk"]["title"]["accuracy"] <= 1.0


# --- round 2: dates by agreement, bylines in text, sections, speed-minded scan ----------------------

from copydesk.metadata.authors import byline_from_text  # noqa: E402
from copydesk.metadata.dates import trie_regex  # noqa: E402
from copydesk.metadata.reader import DateEvidence, choose_dates  # noqa: E402


def test_dateline_under_headline_confirms_modified_over_published():
    # the page shows its update date next to the headline: that is the date it states
    page = ('<html><head><meta property="article:published_time" content="2020-01-03T09:00:00+00:00">'
            '<meta property="article:modified_time" content="2020-01-06T10:00:00+00:00"></head><body>'
            '<h1>Goats are back</h1><p class="entry-date">6 January 2020</p><p>Text.</p></body></html>')
    m = md(page, now=NOW)
    assert m.date_published.startswith("2020-01-06")
    assert m.date_modified.startswith("2020-01-06")


def test_published_kept_when_dateline_shows_both():
    page = ('<html><head><meta property="article:published_time" content="2018-06-22">'
            '<meta property="article:modified_time" content="2018-08-29"></head><body><h1>Title</h1>'
            '<span class="updated">29.08.2018</span><span class="date">22.06.2018</span></body></html>')
    assert md(page, now=NOW).date_published == "2018-06-22"


def test_generic_date_meta_loses_to_the_headline_dateline():
    # <meta name="date"> is often the time the page was generated; a strong key is not overridden
    weak = ('<html><head><meta name="date" content="2020-02-12"></head><body><h1>News</h1>'
            '<div class="news-date">05.02.2020</div></body></html>')
    assert md(weak, now=NOW).date_published == "2020-02-05"
    strong = weak.replace('name="date"', 'property="article:published_time"')
    assert md(strong, now=NOW).date_published == "2020-02-12"


def test_choose_dates_url_and_swapped_day_month():
    ev = DateEvidence(published=[("meta:article:published_time", "2019-03-13T10:00:00")], url="2019-04-30")
    assert choose_dates(ev)[0] == "2019-04-30"  # far from the URL's date: the URL wins
    ev = DateEvidence(published=[("ld:datePublished", "2020-04-12")], near=[(2, "2020-12-04")])
    assert choose_dates(ev)[0] == "2020-04-12"  # 12/04 read the other way round still confirms
    assert choose_dates(DateEvidence()) == (None, None)


def test_date_in_text_after_headline_and_in_headline():
    page = '<html><body><h1>Match report</h1><p>Von Max Muster | 31.10.23</p><p>Text 2019.</p></body></html>'
    assert md(page, now=NOW).date_published is None  # 2023 is after NOW: never a future date
    assert md(page, now=datetime(2024, 1, 1, tzinfo=timezone.utc)).date_published == "2023-10-31"
    page = '<html><body><h1>Fans return <small>02.02.2022</small></h1><p>x</p></body></html>'
    assert md(page, now=datetime(2024, 1, 1, tzinfo=timezone.utc)).date_published == "2022-02-02"


def test_last_updated_statement_when_nothing_else():
    page = ('<html><body><p>Founded in 2001.</p><p>Text.</p><footer>Aktualisiert: 30.12.2016</footer>'
            '</body></html>')
    assert md(page, now=NOW).date_published == "2016-12-30"


def test_url_day_month_year():
    assert date_from_url("https://example.org/news/29-10-2021") == "2021-10-29"
    assert date_from_url("https://example.org/news/35-10-2021") is None


def test_trie_regex_matches_longest_alternative():
    import re
    rx = re.compile(trie_regex(["nov", "november", "no"]) + r"\b")
    assert rx.match("november").group(0) == "november"
    assert rx.match("nov").group(0) == "nov"
    assert rx.match("no").group(0) == "no"


@pytest.mark.parametrize("text,names", [
    ("By Todd Bates\nDate February 5, 2020", ("Todd Bates",)),
    ("Eine Kolumne von Nils Pickert\nDas patriarchalische", ("Nils Pickert",)),  # ends with its element
    ("11.12.2019 - Amelie Loevenich", ("Amelie Loevenich",)),
    ("Autor: Peter Maahn/SP-X", ("Peter Maahn",)),
    ("by Jane van der Berg, John Smith & Ann Lee.", ("Jane van der Berg", "John Smith", "Ann Lee")),
    ("Emily Burack January 3, 2020", ()),  # no byline keyword: not read from free text
    ("von der Leyen sagte", ()),
    ("Posted by Emily Burack January 3, 2020", ("Emily Burack",)),
])
def test_byline_from_text(text, names):
    assert byline_from_text(text) == names


def test_byline_after_headline_and_comment_authors_ignored():
    page = ('<html><body><h1>Blood robots</h1><div>By <a href="/p/tb">Todd Bates</a></div><p>Text.</p>'
            '<ol class="comment-list"><li><span class="comment-author-link">Art Edwards</span></li></ol>'
            '</body></html>')
    assert md(page).authors == ("Todd Bates",)
    only_comments = ('<html><body><h1>Post</h1><p>Text.</p><div id="comments"><span class="author">'
                     'Jane Roe</span></div></body></html>')
    assert md(only_comments).authors == ()


def test_first_name_in_metadata_completed_by_byline():
    page = ('<html><head><meta name="author" content="Nils"></head><body><h1>Ehe</h1>'
            '<p>Eine Kolumne von Nils Pickert</p></body></html>')
    assert md(page).authors == ("Nils Pickert",)


def test_section_from_url_needs_a_matching_link():
    page = ('<html><body><nav><a href="/wirtschaft">Wirtschaft</a></nav><h1>Bahn</h1><p>x</p>'
            '</body></html>')
    assert md(page, "https://news.example/wirtschaft/bahn-1.44").categories == ("Wirtschaft",)
    assert md(page, "https://news.example/politik/bahn-1.44").categories == ()
    assert md(page, "https://news.example/bahn-1.44").categories == ()
    odd = md(page, 'https://news.example/a"]b/c')  # a segment the selector parser refuses: no crash
    assert odd.categories == ()
    # the link may also end in a slash, or be a full URL
    full = ('<html><body><nav><a href="https://news.example/wirtschaft/">Wirtschaft</a></nav><h1>Bahn</h1>'
            '<p>x</p></body></html>')
    assert md(full, "https://news.example/wirtschaft/bahn-1.44").categories == ("Wirtschaft",)


def test_post_classes_give_categories_and_tags():
    page = ('<html><body><article class="post-42 post type-post category-local-news tag-elections">'
            '<h1>Vote</h1><p>x</p></article></body></html>')
    m = md(page)
    assert m.categories == ("local news",)
    assert m.tags == ("elections",)


def test_meta_section_list_is_split():
    page = '<html><head><meta property="article:section" content="Blogartikel,Digitalisierung"></head></html>'
    assert md(page).categories == ("Blogartikel", "Digitalisierung")


def test_headline_in_h2_when_h1_is_the_logo():
    page = ('<html><head><meta property="og:title" content="Deux ans en Macronie"></head><body>'
            '<h1>regards.fr</h1><nav>Menu</nav><h2>Deux ans en Macronie</h2><p>Par Jean Dupont | '
            '30 septembre 2018</p></body></html>')
    m = md(page, now=NOW)
    assert m.date_published == "2018-09-30"
    assert m.authors == ("Jean Dupont",)


def test_complete_metadata_takes_the_request_url():
    m = complete_metadata(Metadata(), body_text="word " * 300, body_blocks=5, link_density=0.0,
                          url="https://example.org/tag/python/")
    assert m.page_type == "listing"


# --- round 3: listing pages, comment dates, search limited to what is missing --------------------

def _cards(n: int, *, paged: bool) -> str:
    cards = "".join(f'<article class="card"><h2 class="card-title"><a href="/local/{i}">Story number {i}</a></h2>'
                    f'<p>One sentence of teaser for story {i}.</p><time datetime="2024-04-1{i % 10}">'
                    f'1{i % 10} April 2024</time></article>' for i in range(n))
    links = '<link rel="next" href="/local?page=3"><link rel="prev" href="/local?page=1">' if paged else ""
    return (f"<html><head><title>Local news | The Post</title>{links}</head><body><main><h1>Local news</h1>"
            f"{cards}</main></body></html>")


def test_listing_of_teaser_cards_with_pagination():
    m = md(_cards(8, paged=True), url="https://post.example/local?page=2")
    assert m.teasers == 8 and m.paginated
    teasers = " ".join(f"One sentence of teaser for story {i}." for i in range(8))
    assert complete_metadata(m, body_text=teasers, body_blocks=8, link_density=0.3).page_type == "listing"
    # the page number in the URL alone is pagination too
    m2 = md(_cards(8, paged=False), url="https://post.example/local/page/2")
    assert m2.paginated


def test_linked_headlines_alone_do_not_make_a_listing():
    # an article with a list of related headlines, not paginated: still an article
    related = "".join(f'<h3><a href="/r{i}">Related story {i}</a></h3>' for i in range(10))
    page = (f"<html><head><title>Storm</title></head><body><h1>Storm</h1><p>{'Rain fell. ' * 80}</p>"
            f"<aside>{related}</aside></body></html>")
    m = md(page, url="https://post.example/2024/storm")
    # teasers are counted only on paginated pages (the page type reads them only there)
    assert m.teasers == 0 and not m.paginated
    text = "Rain fell on the town and the river rose. " * 30
    assert complete_metadata(m, body_text=text, body_blocks=4, link_density=0.05).page_type == "article"
    counted = replace(m, teasers=10)  # even when counted, headings without pagination are no listing
    assert complete_metadata(counted, body_text=text, body_blocks=4, link_density=0.05).page_type == "article"
    paged = md(page.replace("<head>", '<head><link rel="next" href="/2024/storm?page=2">'),
               url="https://post.example/2024/storm")
    assert paged.teasers == 10 and paged.paginated
    # a page typed as an article is not counted for teasers at all
    typed = md('<html><head><meta property="og:type" content="article"></head><body>'
               + related + "</body></html>")
    assert typed.teasers == 0 and "og:article" in typed.schema_types


def test_comment_dates_near_the_headline_are_not_the_date():
    page = ("<html><body><h1>A short post</h1><div class='comments'><div class='comment'>"
            "<span class='comment-date'>6. Juni 2015</span><p>Nice</p></div></div>"
            "<p class='date'>5. Juni 2015</p></body></html>")
    assert md(page).date_published == "2015-06-05"


def test_structured_date_that_agrees_skips_the_visible_search():
    # JSON-LD and the URL agree: the visible (misleading) date next to the headline is not read
    page = ('<html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"Flood",'
            '"datePublished":"2020-05-01T10:00:00Z"}</script></head><body><h1>Flood</h1>'
            '<time datetime="2020-05-03">3 May 2020</time></body></html>')
    m = md(page, url="https://news.example/2020/05/01/flood")
    assert m.date_published == "2020-05-01T10:00:00+00:00"


def test_find_dates_skips_years_in_prose_and_numbers():
    assert find_dates("Seit 2019 gilt die Regel, ab 2022 auch hier.") == []
    assert find_dates("am 12. März 2021 um 10 Uhr") == [(3, "2021-03-12")]
    assert find_dates("on March 12th, 2021") == [(3, "2021-03-12")]
    assert find_dates("version 112.03.2021x") == []
    assert find_dates("Stand 3.4.2020") == [(6, "2020-04-03")]


def test_written_dateline_picks_among_dated_elements():
    # two dated elements near the headline; the date written under it names the second one
    page = ("<html><body><h1>Harbour reopens</h1><p>12 November 2021 - the harbour is open again.</p>"
            "<span class='date'>4 November 2021</span><span class='date'>12 November 2021</span>"
            "</body></html>")
    assert md(page).date_published == "2021-11-12"
