"""Metadata, the cheaper paths: each shortcut is checked against the plain computation it replaces
(same answer), on small inputs written for the test."""
from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest
from selectolax.lexbor import LexborHTMLParser

from copydesk.metadata import Metadata, complete_metadata, extract_metadata, reader
from copydesk.metadata import dates as dates_mod
from copydesk.metadata import language as lang_mod
from copydesk.metadata.authors import BYLINE_KEYWORD, byline_from_text
from copydesk.metadata.pagetype import LISTING, MAX_COUNTED_WORDS, MAX_LISTING_WORDS, page_type
from copydesk.metadata.text import Caseless

NOW = datetime(2021, 6, 15, 12, 0, tzinfo=timezone.utc)


def md(html: str, url: str | None = None, **kw) -> Metadata:
    return extract_metadata(LexborHTMLParser(html), url, **kw)


# --- language: word counting ------------------------------------------------------------------

def _slow_count(text: str) -> tuple[int, list[tuple[str, int]]]:
    words = lang_mod.WORD.findall(text)
    return len(words), list(Counter(w for w in words if w in lang_mod._WORD_LANGS).items())


TRICKY = [
    "the cat's toys, and the dog’s bone (in the house).",
    "abc1def 2019 m² x_y l'homme de l'état -- «les» “the” 'and' 1the2 the3 a1'b'c",
    "über straße 3d-drucker e-mail ½ Ⅻ naïve café ‘quoted’ end.",
    "हिन्दी के शब्द और मात्राएँ, 中文字符 和 日本語のテキスト",
    "", "   ", "...", "'", "a", "_the_ __and__ the_ _the",
]


def test_stripped_edge_characters_are_never_letters():
    assert not any(lang_mod.WORD.match(ch) for ch in lang_mod.WORD_EDGE)


@pytest.mark.parametrize("text", TRICKY)
def test_count_words_is_the_regex_count(text):
    n, found = lang_mod._count_words(text)
    assert (n, list(found.items())) == _slow_count(text)


def test_count_words_on_random_text():
    rng = random.Random(7)
    alphabet = list("abcdeéthn ") + [" ", " ", "'", "’", ",", ".", "1", "_", "²", "-", "\u0301", "ı", "的", "\n"]
    words = ["the", "and", "of", "der", "die", "le", "la", "de", "el", "i", "w"]
    for _ in range(300):
        parts = [rng.choice(words) if rng.random() < 0.4 else "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8)))
                 for _ in range(rng.randint(0, 40))]
        text = "".join(p + rng.choice([" ", "", ", ", "'", "\t"]) for p in parts)
        n, found = lang_mod._count_words(text)
        assert (n, list(found.items())) == _slow_count(text), text


def _full_sample_decision(text: str) -> str | None:
    """detect_language without the quick look at the opening."""
    sample = text[:lang_mod.SAMPLE_CHARS]
    script = lang_mod._script_language(sample)
    if script:
        return script
    best, n1, n2, n = lang_mod._vote(sample)
    if n < lang_mod.MIN_WORDS or not best or n1 < lang_mod.MIN_STOPWORD_SHARE * n or n1 < lang_mod.MIN_MARGIN * n2:
        return None
    return best


EN = "The mayor said that the new bridge will be open to traffic in the spring, and it was built with care. "
DE = "Der Bürgermeister sagte, dass die neue Brücke im Frühjahr für den Verkehr geöffnet wird und sie ist nicht alt. "


@pytest.mark.parametrize("text", [EN * 20, DE * 20, EN * 2 + DE * 20, DE * 3 + EN * 20, (EN + DE) * 10, "word " * 400])
def test_quick_language_look_agrees_with_the_whole_sample(text):
    assert len(text) > lang_mod.QUICK_SAMPLE_CHARS
    assert lang_mod.detect_language(text) == _full_sample_decision(text)


def test_clear_opening_decides_and_mixed_opening_reads_on():
    assert lang_mod.detect_language(EN * 20) == "en"
    # a mixed opening is not clear-cut: the whole sample is read, and German wins there
    assert lang_mod.detect_language(EN * 2 + DE * 20) == _full_sample_decision(EN * 2 + DE * 20) == "de"


def test_script_prefilter_only_skips_text_without_non_latin_letters():
    # every letter the script test looks for lies in the prefilter's ranges (the Basic Multilingual Plane)
    for cp in range(0x250, 0x10000):
        ch = chr(cp)
        if lang_mod.NON_LATIN_LETTER.match(ch):
            assert lang_mod.BEYOND_LATIN.match(ch), hex(cp)
    # curly quotes and dashes (General Punctuation) are not letters: Latin text stays with the word vote
    assert lang_mod._script_language("“Quoted” — and ‘single’ … " * 20) is None
    assert lang_mod._script_language("“한국어” 문장입니다 — 여기에 있습니다. " * 3) == "ko"
    assert lang_mod.detect_language("Привет, как дела? Это не так просто, но он был там и все мы знаем это " * 3) == "ru"
    assert lang_mod._script_language("“Ελληνικά” — κείμενο στα ελληνικά εδώ. " * 3) == "el"


# --- case-insensitive searches ------------------------------------------------------------------

CASE_TEXTS = ["comment-list", "COMMENTS", "Reply-Box", "no match here", "kommentare", "dıscussion", "reſpond",
              "Comment \u212a", "ﬁle comment", "", "İnterview: Ayşe Yılmaz", "ÉCRIT PAR Jean", "ОТ Ивана Петрова",
              "Written BY Jane Roe", "Σχόλια comment"]


@pytest.mark.parametrize("text", CASE_TEXTS)
def test_caseless_search_matches_re_ignorecase(text):
    pattern = r"comment|respond|reply|discussion|kommentar"
    assert bool(Caseless(pattern).search(text)) == bool(re.compile(pattern, re.I).search(text))


@pytest.mark.parametrize("text", CASE_TEXTS)
def test_caseless_finditer_keeps_offsets(text):
    pattern = r"(?:^|(?<=\s))(?:written\s+by|écrit\s+par|от|interview:|discussion|by)\s*"
    want = [m.span() for m in re.compile(pattern, re.I).finditer(text)]
    assert [m.span() for m in Caseless(pattern).finditer(text)] == want


def test_caseless_word_boundary_pattern():
    pattern = r"\b(?:nav|menu)"
    for text in ("main-NAV", "subnav", "Menu_top", "x menu", "canvas"):
        assert bool(Caseless(pattern).search(text)) == bool(re.compile(pattern, re.I).search(text))


def test_byline_keyword_reads_any_case():
    assert [m.end() for m in BYLINE_KEYWORD.finditer("News | WRITTEN BY Jane Roe")] == [18]
    assert byline_from_text("Ein Beitrag VON Max Muster und Erika Musterfrau") == ("Max Muster", "Erika Musterfrau")
    assert byline_from_text("İnterview: Ayşe Yılmaz") == byline_from_text("Interview: Ayşe Yılmaz")


# --- dates ------------------------------------------------------------------------------------

def test_latest_valid_day_is_tomorrow_in_utc():
    assert dates_mod._latest_today() == (datetime.now(timezone.utc) + dates_mod.FUTURE_SLACK).date()
    assert dates_mod._valid(date(2001, 1, 1), None)
    assert not dates_mod._valid(dates_mod._latest_today().replace(year=dates_mod._latest_today().year + 1), None)
    assert not dates_mod._valid(date(1990, 1, 1), None)


@pytest.mark.parametrize(("args", "want"), [
    (("10", "05", "07", "+02:00"), "2019-04-30T10:05:07+02:00"),
    (("9", "05", None, "Z"), "2019-04-30T09:05:00+00:00"),
    (("23", "59", "59", "+0530"), "2019-04-30T23:59:59+05:30"),
    (("10", "05", "07", "utc"), "2019-04-30T10:05:07+00:00"),
    (("10", "05", "07", None), "2019-04-30T10:05:07"),
    (("24", "00", "00", "Z"), "2019-04-30"),
    ((None, None, None, None), "2019-04-30"),
])
def test_time_formatting(args, want):
    assert dates_mod._fmt(date(2019, 4, 30), *args) == want


# --- page type, completion --------------------------------------------------------------------

@pytest.mark.parametrize("words", [MAX_LISTING_WORDS - 1, MAX_LISTING_WORDS, MAX_COUNTED_WORDS, MAX_COUNTED_WORDS + 5])
def test_word_count_stops_past_the_thresholds_with_the_same_decision(words):
    body = " ".join(["word"] * words)
    got = page_type((), url=None, body_text=body, body_blocks=5, link_density=0.1, teasers=8, paginated=True)
    assert (got == LISTING) == (words < MAX_LISTING_WORDS)


def test_complete_metadata_sets_three_fields_and_keeps_the_rest():
    meta = Metadata(title="T", authors=("Jane Roe",), date_published="2020-01-02", language_declared="de-DE",
                    schema_types=("newsarticle",), teasers=2, paginated=True)
    body = DE * 5
    done = complete_metadata(meta, body_text=body, body_blocks=4, link_density=0.0)
    assert done == replace(meta, language="de", language_detected="de", page_type="article")
    assert meta.language is None  # the input is left as it was


# --- head and body scans ----------------------------------------------------------------------

def test_archive_links_found_by_each_hint():
    page = ('<html><body><article><h1>Headline here</h1><p>Text.</p>'
            '<a href="/schlagwort/wahl/">Wahl</a><a href="/kategorie/politik/">Politik</a>'
            '<a href="/label/x">X label</a><a href="/about">About</a></article></body></html>')
    m = md(page)
    assert m.tags == ("Wahl", "X label")
    assert m.categories == ("Politik",)


def test_text_before_the_headline_is_walked_once(monkeypatch):
    calls: list[bool] = []
    walk = reader._walk_text

    def counting(start, forward, limit):
        calls.append(forward)
        return walk(start, forward, limit)

    monkeypatch.setattr(reader, "_walk_text", counting)
    # no date after the headline and no byline anywhere: both the dateline and the byline search
    # read the text before the headline
    page = ('<html><body><div class="kicker">Politik | Inland</div><h1>Ein Titel ohne Datum</h1>'
            '<p>Nur Text hier, ohne Datum und ohne Autor.</p></body></html>')
    m = md(page, now=NOW)
    assert m.title == "Ein Titel ohne Datum"
    assert calls.count(False) == 1


def test_page_without_archive_links_keeps_its_other_terms():
    # no link names an archive: the joined-href test ends the search; the section link still counts
    page = ('<html><body><article><h1>Headline here</h1><p>Text.</p><a href="/about">About</a>'
            '<a href="https://ex.org/wirtschaft">Wirtschaft</a></article></body></html>')
    m = md(page, "https://ex.org/wirtschaft/some-story")
    assert m.tags == ()
    assert m.categories == ("Wirtschaft",)


def test_comment_dates_near_the_headline_still_do_not_count():
    page = ('<html><body><h1>A headline for the test</h1><div class="comments"><span class="date">'
            '03.02.2021</span></div><p>Body text without a date.</p><span class="date">05.02.2021</span>'
            '</body></html>')
    assert md(page).date_published == "2021-02-05"


@pytest.mark.parametrize("value", ["ſchema:NewsArticle", "Schema:BlogPosting", "HTTPS://schema.org/WebPage",
                                   "http://schema.org/Article", "NewsArticle", "hNews", ""])
def test_schema_type_prefixes(value):
    from copydesk.metadata.jsonld import TYPE_PREFIX, types_of

    assert types_of({"@type": [value]}) == [TYPE_PREFIX.sub("", value).lower()]


def test_json_ld_with_trailing_commas_is_repaired_only_when_needed():
    from copydesk.metadata.jsonld import parse_ld_scripts

    good = '{"@type": "NewsArticle", "headline": "A, b", "datePublished": "2020-01-02"}'
    broken = '{"@type": "NewsArticle", "headline": "Broken", "author": {"name": "Jane Roe",},}'
    assert parse_ld_scripts([good]).article["headline"] == "A, b"
    assert parse_ld_scripts([broken]).article["author"] == {"name": "Jane Roe"}


def test_caseless_refuses_patterns_it_cannot_serve():
    for pattern in (r"\S+by", "Comment", "reſpond", "dıscussion"):
        with pytest.raises(ValueError):
            Caseless(pattern)
    m = Caseless(r"^\s*(?:by|von)\b\s*").match("  VON Max")
    assert m is not None and m.end() == 6


@pytest.mark.parametrize(("value", "want"), [("By JANE ROE", ("Jane Roe",)), ("VON Max Muster", ("Max Muster",)),
                                             ("Text: Hans Meier", ("Hans Meier",)), ("Jane Doe (Twitter)", ("Jane Doe",)),
                                             ("WWW.EXAMPLE.COM", ()), ("Mail Jane", ())])
def test_author_prefixes_and_non_names_in_any_case(value, want):
    from copydesk.metadata.authors import clean_authors

    assert clean_authors(value) == want


@pytest.mark.parametrize("text", ["Breaking: The Mayor’s Bridge — 2021 | News", "snake_case_title", "x² ½ Ⅻ ٣ ۴",
                                  "Straße ΣΊΣΥΦΟΣ İstanbul", "   ", "中文 标题！", "e\u0301te\u0301"])
def test_title_key_is_the_regex_key(text):
    from copydesk.metadata.titles import NON_WORD, _key

    assert _key(text) == NON_WORD.sub("", text.casefold())
