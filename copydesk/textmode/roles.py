"""The non-body lines a reader recognises by their grammar: site name, title, byline, captions, author bio.

General rules over line shape and position relative to the body (the classifier's output), never a list
of sites or phrases.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

from .. import heuristics as H
from .vocab import ABOUT_AUTHOR, ABOUT_WORDS, BIO_ROLES, COMMENT_VERBS, CREDIT_WORDS

# A media credit at a line's end: "(Reuters)", "(Jane Doe/The Daily Planet)", "(Photo: AP)".
CREDIT_TAIL = re.compile(r"\(([^()]{2,80})\)\s*$")
# A caption that opens with a credit label: "Photo: ...", "Image credit: ...", "Foto: ...".
_CREDITS = "|".join(sorted(CREDIT_WORDS))
CREDIT_HEAD = re.compile(r"^\s*(?:[\w-]+\s){0,2}?(" + _CREDITS + r")s?\s*(?:credit|by)?\s*[:|]", re.IGNORECASE)
# Words of a caption's text before its credit: a caption is a sentence, not a label.
CAPTION_MIN_WORDS = 6
# At most this many words inside a credit's parentheses.
CREDIT_MAX_WORDS = 8
NAME_WORD = r"[A-Z][\w'’.\-]*"
# "Jane Q. Doe is a staff writer ...", "Jane Doe was the paper's correspondent ...": the role noun follows
# an article or a possessive and at most BIO_ROLE_GAP adjectives.
BIO_ROLE_GAP = 4
_ROLES = "|".join(sorted(BIO_ROLES))
BIO_IS = re.compile(
    rf"^(?P<name>{NAME_WORD}(?:\s+{NAME_WORD}){{1,3}}),?\s+(?:is|was|has been|serves as|joined [\w ]{{0,40}}? as)\s+"
    rf"(?:a|an|the|[\w.]+['’]s)\s+(?:[\w'’-]+,?\s+){{0,{BIO_ROLE_GAP}}}?(?:{_ROLES})s?\b")
# "Jane Doe covers science for ...", "Jane Doe writes about food for ...".
BIO_COVERS = re.compile(
    rf"^(?P<name>{NAME_WORD}(?:\s+{NAME_WORD}){{1,3}})\s+(?:covers|writes about|reports on)\s+(?:[\w,-]+\s+){{1,12}}?for\s")
# The first word after the name in either pattern (a whole whitespace-separated token).
BIO_VERBS = frozenset({"is", "was", "has", "serves", "joined", "covers", "writes", "reports"})
# Words that cannot begin a person's name in a bio line.
NOT_NAME_START = frozenset("The A An This That These Those It He She They We You I In On At For".split())
# "By Jane Doe", "Von Hans Muster", "Par Marie Curie", "Por Juan Pérez", "Door Jan Jansen", "Di Mario Rossi".
BYLINE = re.compile(rf"^(?:by|von|par|por|door|di|de|av|af|przez|от)\s+(?P<names>{NAME_WORD}(?:[\s,]+(?:and|und|et|y|e|&)?\s*{NAME_WORD}){{0,7}})",
                    re.IGNORECASE)
BYLINE_MAX_WORDS = 12
# Site name: a short line opening the document ...
SITENAME_MAX_WORDS = 6
SITENAME_MAX_CHARS = 60
# Title: looked for among this many lines before the first body paragraph, with this many words.
TITLE_LOOKBACK = 12
TITLE_MIN_WORDS = 2
TITLE_MAX_WORDS = 30
TITLE_MAX_UI_SHARE = 0.34
DATE_LIKE = re.compile(r"\b(?:1[89]|20)\d\d\b|\b\d{1,2}[:.]\d\d\b")

# A comment's header: who (and usually when), then a verb of saying and a colon, on a short line:
# "Jane Doe on May 3, 2019 at 4:47 pm said:", "2. 11. Jul, 2012 / Rishil says:".
COMMENT_HEADER_MAX_CHARS = 150
_VERBS = "|".join(re.escape(v) for v in sorted(COMMENT_VERBS, key=len, reverse=True))
COMMENT_HEADER = re.compile(rf"^\W{{0,3}}\S.{{0,{COMMENT_HEADER_MAX_CHARS}}}?\s(?:{_VERBS})\s*:$", re.IGNORECASE)
# A thread needs this many headers in or after the body: one "... said:" line may open a quoted statement.
COMMENT_MIN_HEADERS = 2


def is_caption(line: str) -> bool:
    """A caption: a sentence followed by a media credit in parentheses, or opened by a credit label."""
    if ("|" in line or ":" in line) and CREDIT_HEAD.match(line):  # (the label ends with one: C-level test first)
        return True
    if not line.endswith(")"):
        return False
    m = CREDIT_TAIL.search(line)
    if not m:
        return False
    before = line[: m.start()].split()
    credit = m.group(1).strip()
    if len(before) < CAPTION_MIN_WORDS or any(c.isdigit() for c in credit):
        return False
    cw = credit.replace("/", " ").split()
    if not cw or len(cw) > CREDIT_MAX_WORDS:
        return False
    low = {w.lower().strip(":,.") for w in cw}
    if low & CREDIT_WORDS:
        return True
    # Names and organisations: every word capitalised (joining words allowed), and a slash or a
    # single agency-like word.
    capital = all(w[0].isupper() or w.lower() in {"of", "the", "for", "and", "via", "by", "de"} for w in cw)
    return capital and ("/" in credit or len(cw) <= 3) and before[-1][-1:] in ".!?”\"’"


def bio_author(line: str) -> str | None:
    """The person a bio line describes ("X is the paper's correspondent ..." -> "X"), else None."""
    # A bio opens with a name of 2-4 capitalised words and one of BIO_VERBS: the C-level test on the first
    # tokens spares most prose lines the two patterns.
    w = line.split(None, 5)
    if len(w) < 3 or not ("A" <= w[1][0] <= "Z") or BIO_VERBS.isdisjoint(w[2:5]):
        return None
    m = BIO_IS.match(line) or BIO_COVERS.match(line)
    if not m:
        return None
    name = m.group("name")
    if name.split()[0] in NOT_NAME_START or not name[0].isupper():
        return None
    return name.rstrip(".,")


# An about box: a heading (at most ABOUT_MAX_WORDS words) then a paragraph of at least ABOUT_MIN_WORDS words
# that names what the heading names ("About Jane Doe" / "Jane Doe is ...").
ABOUT_MAX_WORDS = 6
ABOUT_MIN_WORDS = 8
_ABOUT = "|".join(re.escape(w) for w in sorted(ABOUT_WORDS, key=len, reverse=True))
ABOUT_HEAD = re.compile(rf"^(?:{_ABOUT})\s+(?P<name>{NAME_WORD}(?:\s+{NAME_WORD}){{0,3}})\s*:?$", re.IGNORECASE)
_AUTHOR_HEAD = "|".join(re.escape(w) for w in sorted(ABOUT_AUTHOR, key=len, reverse=True))
ABOUT_AUTHOR_HEAD = re.compile(rf"^(?:{_AUTHOR_HEAD})\s*:?$", re.IGNORECASE)


def about_box(heading: str, paragraph: str) -> str | None:
    """"author" when `heading` opens an author box, the subject when it opens an about box whose
    `paragraph` names that subject ("Über Moritz Bachmann" / "... bildet Moritz Bachmann ..."), else None."""
    author = ABOUT_AUTHOR_HEAD.match(heading)
    m = None if author else ABOUT_HEAD.match(heading)
    if not (author or m) or len(paragraph.split(None, ABOUT_MIN_WORDS)) < ABOUT_MIN_WORDS:
        return None
    if author:
        return "author"
    name = m.group("name")  # type: ignore[union-attr]
    if not name[0].isupper():  # (IGNORECASE also lets a lower-case word through)
        return None
    return name if name.split()[-1] in paragraph else None


# A copyright or rights notice ("© 2019 Example Media", "All rights reserved", "Alle Rechte vorbehalten").
RIGHTS = re.compile(H.COPYRIGHT.pattern + r"|\ball rights reserved|alle rechte vorbehalten|tous droits réservés|"
                    r"todos los derechos reservados|todos os direitos reservados|tutti i diritti riservati|"
                    r"alle rechten voorbehouden|wszelkie prawa zastrzeżone|все права защищены|copyright\s+\d{4}", re.I)
RIGHTS_MAX_WORDS = 40
# Substrings one of which every RIGHTS match written in lower, Capitalised or UPPER case holds (not every
# mixed case): found with str.find over the candidate lines joined (the case-insensitive pattern itself is
# far too slow to run over every line of a corpus).
RIGHTS_KEYS = ("©", "ights", "IGHTS", "opyright", "OPYRIGHT", "(c)", "(C)", "&copy", "&COPY", "echte", "ECHTE",
               "roits", "ROITS", "erechos", "ECHOS", "ireitos", "EITOS", "iritti", "ITTI", "prawa", "PRAWA",
               "права", "ПРАВА")


def rights_notices(lines: list[str], candidates: list[int]) -> list[int]:
    """The candidate lines that are copyright notices ("© 2019 Example Media. All rights reserved."): the
    page's legal footer, not the article. `candidates` are indices of lines of at most RIGHTS_MAX_WORDS words."""
    if not candidates:
        return []
    joined = "\n".join([lines[i] for i in candidates])
    starts = list(accumulate([len(lines[i]) + 1 for i in candidates], initial=0))
    hits: set[int] = set()
    for key in RIGHTS_KEYS:
        at = joined.find(key)
        while at >= 0:
            k = bisect_right(starts, at) - 1
            hits.add(k)
            at = joined.find(key, starts[k + 1])  # (the next line on)
    return sorted(candidates[k] for k in hits if RIGHTS.search(lines[candidates[k]]))


def byline_authors(line: str) -> list[str]:
    """Names in a byline ("By Jane Doe and John Roe"), else []."""
    m = BYLINE.match(line.strip())  # (first: it fails at the first word of most lines, cheaper than a split)
    if not m:
        return []
    if len(line.split(None, BYLINE_MAX_WORDS)) > BYLINE_MAX_WORDS:  # maxsplit: long lines are not split whole
        return []
    parts = re.split(r"\s*(?:,|\band\b|\bund\b|\bet\b|\by\b|\be\b|&)\s*", m.group("names"))
    return [p.strip() for p in parts if len(p.split()) >= 2]


def _squash(s: str) -> str:
    return "".join(c for c in s.lower() if c.isalnum())


def is_sitename(line: str, others: list[str], host: str) -> bool:
    """A short name-like line that opens the document and recurs inside other lines (credits, copyright)
    or matches the URL's host."""
    w = line.split()
    if not w or len(w) > SITENAME_MAX_WORDS or len(line) > SITENAME_MAX_CHARS or line[-1] in ".!?:,;":
        return False
    if not any(c.isupper() for c in line[:1]) and not line[:1].isdigit():
        return False
    sq = _squash(line)
    if host and len(sq) >= 4:
        label = _squash(host.rsplit(".", 2)[-2] if host.count(".") >= 1 else host)
        if label and (label in sq or sq in label):
            return True
    return sum(line in o for o in others if o != line) >= 1


def title_ok(line: str, words: float, ui: float) -> bool:
    if not (TITLE_MIN_WORDS <= words <= TITLE_MAX_WORDS) or ui > TITLE_MAX_UI_SHARE:
        return False
    if line[-1] in ".,;:" or is_caption(line) or byline_authors(line):
        return False
    return not (DATE_LIKE.search(line) and words <= 8)


def is_comment_header(line: str, next_line: str = "") -> bool:
    """A comment's header line, dated on the line or the next ("Jane on May 3, 2019 at 4:47 pm said:")."""
    if len(line) > COMMENT_HEADER_MAX_CHARS or not COMMENT_HEADER.match(line):
        return False
    return DATE_LIKE.search(line) is not None or DATE_LIKE.search(next_line[:COMMENT_HEADER_MAX_CHARS]) is not None


HEADER_MAX_WORDS = 10


def header_line(line: str) -> str | None:
    """"dateline" for a short line that is mostly a date or time ("Nov. 19, 2019 8:03 am ET", "Updated:
    Sat 8:31 PM, Feb 17, 2018"), "byline" for a short line opened by "By" (or "Von", "Par" ...) that is
    not a sentence ("By Reuters", "By admin"), else None."""
    dateline = H.is_dateline(line)  # (the shared test; its length and digit checks come first)
    if not dateline and not (len(line) <= H.DATELINE_MAX_CHARS and line[-1] not in ".!?。"
                             and H.BYLINE_TEXT.match(line)):
        return None
    if len(line.split(None, HEADER_MAX_WORDS)) > HEADER_MAX_WORDS:
        return None
    return "dateline" if dateline else "byline"
