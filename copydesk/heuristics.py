"""Every heuristic of the HTML engine in one place (Readability's rule): tag sets, class/id vocab,
flags, thresholds. The scorer's learned weights live in copydesk/models/; this is what it reads."""
from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from .article import CAPTION, CODE, HEADING, IMAGE, LIST, PARAGRAPH, QUOTE, TABLE

__all__ = ["CAPTION", "CODE", "HEADING", "IMAGE", "LIST", "PARAGRAPH", "QUOTE", "TABLE"]

# Never text of the article (their text is code, UI or invisible; nav/aside/footer hold the page's
# furniture: dropping them whole is what the leading extractors do, and it halves the nodes to walk).
SKIP_TAGS = frozenset(
    "script style noscript template svg math iframe frame frameset object embed canvas video audio head "
    "button select option textarea input label map area dialog datalist meter progress link meta nav aside footer".split()
)
# Elements that start a new text run.
BLOCK_TAGS = frozenset(
    "p h1 h2 h3 h4 h5 h6 li dd dt blockquote pre table thead tbody tfoot tr td th caption div section "
    "article main header footer nav aside form ul ol dl figure figcaption address center fieldset details "
    "summary hr body menu legend hgroup".split()
)
KIND_OF_TAG = {
    "h1": HEADING, "h2": HEADING, "h3": HEADING, "h4": HEADING, "h5": HEADING, "h6": HEADING,
    "li": LIST, "blockquote": QUOTE, "pre": CODE, "figcaption": CAPTION, "caption": CAPTION,
}

# Flags inherited down the tree (bits).
F_NAV, F_HEADER, F_FOOTER, F_ASIDE, F_FORM, F_ARTICLE, F_MAIN, F_LI, F_TABLE, F_COMMENT, F_CAPTION, \
    F_HIDDEN, F_BYLINE, F_FIGURE, F_QUOTE, F_ADDRESS = (1 << i for i in range(16))
FLAG_NAMES = ("nav", "header", "footer", "aside", "form", "article", "main", "li", "table", "comment", "caption",
              "hidden", "byline", "figure", "quote", "address")
TAG_FLAGS = {
    "nav": F_NAV, "header": F_HEADER, "footer": F_FOOTER, "aside": F_ASIDE, "form": F_FORM, "article": F_ARTICLE,
    "main": F_MAIN, "li": F_LI, "td": F_TABLE, "th": F_TABLE, "figure": F_FIGURE, "blockquote": F_QUOTE,
    "address": F_ADDRESS, "menu": F_NAV,
}
ROLE_FLAGS = {"navigation": F_NAV, "banner": F_HEADER, "contentinfo": F_FOOTER, "complementary": F_ASIDE,
              "main": F_MAIN, "article": F_ARTICLE, "menu": F_NAV, "menubar": F_NAV, "dialog": F_ASIDE,
              "alert": F_ASIDE, "search": F_FORM}

# Class/id/role/itemprop vocabulary (Readability's idea, widened), matched as whole tokens of the
# lower-cased class/id string split on non-alphanumerics ("article-body" -> "article", "body").
NEGATIVE_TOKENS = frozenset("""
comment comments commentlist meta footer footnote footnotes foot related relateds share sharing sharebar social
sidebar side widget widgets nav navbar navigation menu menus breadcrumb breadcrumbs promo promos sponsored sponsor
ad ads advert advertisement adsense banner popup modal cookie cookies consent gdpr newsletter subscribe
subscription signup login register paywall tag tags tagcloud byline author bio masthead outbrain taboola
disqus recommended recommendation recommendations trending popular mostread pagination pager toolbar tools print
email skip header topbar rail teaser teasers more next prev previous links linklist sitemap copyright legal
disclaimer dropdown overlay offcanvas drawer carousel slider rating vote votes poll follow shoutbox sponsors
partner partners cta alert notice notification breaking ticker marquee jump jumplinks toc tab tabs facebook
twitter linkedin whatsapp pinterest reddit instagram youtube rss feed calendar archive archives categories
category labels contact search form button btn icon logo brand avatar thumbnail thumb gallery video player
caption credit photo image img figure inline aside callout box card cards list listing feature features also
read reading upnext zergnet recirc recirculation hidden
""".split())
POSITIVE_TOKENS = frozenset("""
article articlebody articletext body content contents entry main page post postbody postcontent text blog
story storybody prose richtext markdown hentry news detail single paragraph para copy abstract summary lead intro
description instapaper
""".split())
COMMENT_TOKENS = frozenset("comment comments commentlist disqus respond replies reply discussion".split())
CAPTION_TOKENS = frozenset("caption captions credit credits figcaption wp-caption".split())
# Whole class words that hide an element on every screen ("hidden-xs" hides on small screens only: kept).
HIDDEN_WORDS = frozenset("hidden hide invisible offscreen visuallyhidden visually-hidden sr-only screen-reader-text "
                         "d-none display-none u-hidden is-hidden".split())
BYLINE_TOKENS = frozenset("byline author authors dateline timestamp pubdate date".split())
TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
# Each vocabulary token's (negative, positive, flag bits), keyed by its bytes: an ASCII class string is
# tokenised by one bytes.translate (non-alphanumerics -> space) and split, far cheaper than a regex split.
TOKEN_EVIDENCE = {
    t.encode(): (int(t in NEGATIVE_TOKENS), int(t in POSITIVE_TOKENS),
                 (F_COMMENT if t in COMMENT_TOKENS else 0) | (F_CAPTION if t in CAPTION_TOKENS else 0)
                 | (F_BYLINE if t in BYLINE_TOKENS else 0))
    for t in NEGATIVE_TOKENS | POSITIVE_TOKENS | COMMENT_TOKENS | CAPTION_TOKENS | BYLINE_TOKENS
}
TOKEN_VOCAB = frozenset(TOKEN_EVIDENCE)
TOKEN_BYTES = bytes(c if 48 <= c <= 57 or 97 <= c <= 122 else 32 for c in range(256))
STYLE_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)

# A table is data (kept as a table) unless it holds layout: nested tables or block content.
LAYOUT_IN_TABLE = "div, p, ul, ol, h1, h2, h3, blockquote, article, section, form"
DATA_TABLE_MAX_CHARS_PER_CELL = 400


def is_data_table(node: LexborNode) -> bool:
    """True for a table of data (rows and cells), False for a table used for page layout."""
    # lexbor's css() matches the node itself too: a nested table shows as a second match
    if node.css_first(LAYOUT_IN_TABLE) is not None or len(node.css("table")) > 1:
        return False
    cells = node.css("td, th")
    if len(cells) < 2:
        return False
    text = node.text(deep=True)
    return len(text) / len(cells) <= DATA_TABLE_MAX_CHARS_PER_CELL


# Sentence-ending punctuation in many scripts.
END_PUNCT = frozenset(".!?…。！？؟।\"'”’»)")
PUNCT = re.compile(r"[.,;:!?。、，；：！？«»“”\"()\u060c\u061f]")
DIGITS = re.compile(r"\d")
# Words of page furniture in many languages: a signal on short segments only.
UI_TOKENS = frozenset("""
cookie cookies privacy subscribe login newsletter share tweet advertisement advertising advertise comment
comments copyright datenschutz impressum anmelden abonnieren teilen weiterlesen kommentar kommentare
confidentialité partager connexion commentaire commentaires privacidad suscríbete compartir comentario
comentarios iscriviti condividi commenti подписаться поделиться комментарии комментарий войти реклама
prywatności udostępnij komentarze zaloguj 登录 注册 分享 评论 广告 ログイン 共有 コメント 広告 로그인 공유 댓글 광고
advert advertisement anzeige werbung publicité publicidad pubblicità publicidade reklama sponsored gesponsert
""".split())
UI_PHRASES = ("sign up", "sign in", "log in", "follow us", "all rights reserved", "terms of use", "terms of service",
              "read more", "click here", "mentions légales", "lire la suite", "leer más", "iniciar sesión",
              "leggi anche", "читать далее", "weiter lesen", "mehr lesen", "was this page useful",
              "was this article helpful", "was this helpful", "war dieser artikel hilfreich", "war diese seite hilfreich",
              "cet article vous a-t-il été utile", "te ha resultado útil", "ti è stato utile", "была ли статья полезной")
# Every phrase holds a space: score.py skips the search on one-word segments (a test checks it).
UI_PHRASE_RE = re.compile("|".join(re.escape(p) for p in UI_PHRASES))
# A short segment that opens with a UI word and is no sentence ("Share: Facebook Telegram") is a widget.
WIDGET_MAX_CHARS = 80
# Posts of a thread (forum, Q&A) repeat one template: prose in the same slot as chosen prose is kept.
SLOT_MIN_CHARS = 60
SLOT_MIN_P = 0.1
SLOT_MIN_COUNT = 2
# Bylines and datelines: metadata, not body (the pipeline reads them into `authors` and dates).
BYLINE_TEXT = re.compile(
    r"^\s*(?:by|von|par|por|di|da|door|av|af|przez|от|автор|του|της|작성자|文|記者)\s+\S", re.I)
MONTHS = (r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|januar|februar|märz|mai|juni|juli|okt|dez|"
          r"janv|févr|mars|avr|juil|août|déc|ene|abr|ago|dic|gen|mag|giu|lug|ott|set|fev|out|dez|"
          r"янв|фев|мар|апр|ма[йя]|июн|июл|авг|сен|окт|ноя|дек")
# A date in a short line. The month-first form ("Nov. 18") is tested word by word: one alternation of
# every month name tried at every position of the line cost more than the rest of the line's features.
DATE_NUMERIC = re.compile(
    r"\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{1,2}:\d{2}\b|\b\d{1,2}\.?\s+(?:" + MONTHS + r")|"
    r"\d{4}\s*年\s*\d{1,2}\s*月|\d{4}년", re.I)
WORD_BEFORE_DAY = re.compile(r"\b([^\W\d_]+)\.?\s+\d{1,2}\b")
MONTH_WORD = re.compile(r"(?:" + MONTHS + r")[a-zа-яéû]*", re.I)


def has_date(text: str) -> bool:
    """A date or time of day in the text: numeric, "18 Nov", "Nov. 18", CJK forms."""
    return DATE_NUMERIC.search(text) is not None or any(
        MONTH_WORD.fullmatch(m.group(1)) is not None for m in WORD_BEFORE_DAY.finditer(text))


DATELINE_MAX_CHARS = 90  # a byline or dateline is short
DIGIT = re.compile(r"\d")


def is_dateline(text: str) -> bool:
    """A short line that is mostly a date/time ("Nov. 18, 2019 7:04 pm ET"), not a sentence (the HTML
    scorer's feature and text mode's dateline rule)."""
    # every date pattern holds a digit: the cheap test first (most short segments are menu words)
    return len(text) <= DATELINE_MAX_CHARS and text[-1:] not in ".!?。" and DIGIT.search(text) is not None \
        and has_date(text)
URL_TEXT = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$", re.I)
COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|&copy;", re.I)
