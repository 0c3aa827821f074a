"""Author names: from whatever a source holds (a byline, a URL, "By X and Y | Staff") to a tuple of
person names, or () when nothing there is a name."""
from __future__ import annotations

import re
from collections.abc import Iterator

from .dates import MONTH
from .text import Caseless, unique

MONTH_NAMES = frozenset(MONTH)
MAX_NAME_CHARS = 60  # longer strings are sentences, not names
MAX_NAME_WORDS = 6
MAX_AUTHORS = 12

# "By", "Von", "Par", "Por", "Di", "Door", "Autor:" ... at the start of a byline, in many languages.
BY_PREFIX = Caseless(
    r"^\s*(?:(?:written|posted|published|text|reported|photos?|story|words)\s+(?:by|von)\b|by\b|vom\b|von\b|par\b|por\b|"
    r"di\b|da\b|door\b|av\b|af\b|przez\b|autor(?:in|ka)?\b|author\b|auteur\b|redakcja\b|text\b|texte\b|"
    r"tekst\b|from\b|ein beitrag von\b|un article de\b|geschrieben von\b|verfasst von\b|escrito por\b|"
    r"scritto da\b|napisał[a]?\b|от\b|автор\b)\s*[:\-–]?\s*")
# Lower-case conjunctions only: "E." in "John E. Smith" is an initial, not Italian "e".
SEPARATORS = re.compile(r"\s*(?:;|\||/|•|·|,|&|\b(?:and|und|et|y|e|i|oraz|en|og|och|ve|и)\b)\s*")
# Things that make a candidate not a person's name.
URL_LIKE = Caseless(r"https?://|www\.|\.(?:com|org|net|de|html?)\b|@|\\u|[{}<>=]")
HAS_DIGIT = re.compile(r"\d")
# Trailing or embedded roles, dates and places ("Jane Doe, Senior Editor", "John Smith - 3 May 2019").
ROLE_WORDS = frozenset("""
staff writer editor editors reporter reporters correspondent correspondents columnist contributor contributors
contributing senior chief managing deputy associate executive news desk team redaktion redakteur redakteurin
rédaction rédacteur redacción redazione redactie redakcja press presse agency agentur agence agencia
photographer fotograf photos photo foto bilder images guest gast autor author authors admin administrator
webmaster moderator posted published updated aktualisiert veröffentlicht publié publicado pubblicato
opublikowano mitarbeiter freelance freier journalist journalistin journaliste periodista giornalista
dziennikarz dziennikarka professor prof dr phd md ceo cto founder cofounder co-founder president director
manager head lead intern student students anonymous unknown user users member guestauthor sponsored content
publiziert erschienen gepostet geschrieben gesponsert gesponserte inhalt inhalte anzeige werbung publicidad
pubblicità publicité patrocinado patrocinio
""".split())
# Stock-photo libraries: a credit such as "Josh Willink von Pexels" names a photographer, not the author.
STOCK_PHOTO = frozenset("pexels unsplash pixabay shutterstock istock istockphoto gettyimages getty adobestock fotolia "
                        "depositphotos dreamstime".split())
# Whole values that are never a person ("Staff", "Admin", "Redaktion" ...).
NOT_A_NAME = frozenset("""
staff admin administrator editor editors redaktion rédaction redacción redazione redactie redakcja newsroom
team webmaster anonymous unknown guest user author autor auteur null none undefined n/a na stand
""".split())
NAME_CHAR = re.compile(r"^[^\W\d_][\w'’.\-]*$")
SOCIAL = Caseless(r"^@\w+|\b(?:twitter|facebook|instagram|linkedin|e-?mail|mail)\b")
NICKNAME = re.compile(r"^(?=.*[^\W\d_])[\w.\-]{2,30}$")
ABBREV_END = re.compile(r"\b(?:Jr|Sr|[A-Z])\.$")
PARENS = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*")
SPACE = re.compile(r"\s+")
LOWER_PARTICLES = frozenset("van von der den de da di du del della la le y bin al ten ter zu dos das".split())


def _never_a_name(low: str) -> bool:
    """A whole (lower-case) value that is never a person: NOT_A_NAME, or an account like "wordpressadmin"."""
    return low in NOT_A_NAME or (low.endswith("admin") and " " not in low)


def _strip_by(text: str) -> str:
    """`text` without a leading "By", "Von", "Autor:" ... (BY_PREFIX is anchored at the start)."""
    m = BY_PREFIX.match(text)
    return text[m.end():] if m else text


def _clean_one(part: str, strip_roles: bool = True, nicknames: bool = False) -> str | None:
    part = PARENS.sub(" ", part)
    part = _strip_by(part.strip())
    part = part.strip(" \t\n\r-–—:,;|·•*\"'“”„«»")
    if part.endswith(".") and not ABBREV_END.search(part):
        part = part.rstrip(".")
    if nicknames and NICKNAME.match(part) and not _never_a_name(part.lower()):
        return part  # a user name written by the page itself as the author link ("gizzmo", "c1ph4")
    if not part or len(part) > MAX_NAME_CHARS:
        return None
    if URL_LIKE.search(part) or HAS_DIGIT.search(part) or SOCIAL.search(part):
        return None
    words = part.split()
    # drop role words at the end ("Jane Doe Staff Writer") and at the start ("Editor Jane Doe")
    while strip_roles and words and words[-1].lower().strip(".,") in ROLE_WORDS:
        words.pop()
    while strip_roles and words and words[0].lower().strip(".,:") in ROLE_WORDS:
        words.pop(0)
    if not words or len(words) > MAX_NAME_WORDS:
        return None
    if not all(NAME_CHAR.match(w) for w in words):
        return None
    if not STOCK_PHOTO.isdisjoint(w.lower() for w in words):
        return None
    # a name has at least one capitalised word (or is written all in capitals)
    if not any(w[0].isupper() for w in words if w.lower() not in LOWER_PARTICLES):
        return None
    name = " ".join(words)
    if _never_a_name(name.lower()):
        return None
    if name.isupper() and len(name) > 3:
        name = name.title()
    return name


def clean_authors(values: object, *, allow_single_word: bool = True, organisations: bool = False,
                  nicknames: bool = False) -> tuple[str, ...]:
    """Names from a string or list of strings; drops URLs, handles, roles, dates and duplicates.
    `organisations`: the values are organisation names, kept whole (no role words removed).
    `nicknames`: accept a lone user name (the text of a rel=author link)."""
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple)):
        return ()
    return tuple(unique(_names(values, allow_single_word, organisations, nicknames), limit=MAX_AUTHORS))


def _names(values: list[object] | tuple[object, ...], allow_single_word: bool, organisations: bool,
           nicknames: bool) -> Iterator[str]:
    """The cleaned names in `values`, in order, repeats included."""
    for v in values:
        if not isinstance(v, str):
            continue
        v = SPACE.sub(" ", v).strip()
        if not v or len(v) > 4 * MAX_NAME_CHARS * 2:
            continue
        v = _strip_by(v)
        for part in SEPARATORS.split(v):
            name = _clean_one(part, strip_roles=not organisations, nicknames=nicknames)
            if name and (allow_single_word or " " in name):
                yield name


def is_person_name(name: str) -> bool:
    """Looks like "First Last": 2-4 capitalised words (a stricter test for visible bylines)."""
    words = name.split()
    return 2 <= len(words) <= 4 and all(w[0].isupper() or w.lower() in LOWER_PARTICLES for w in words)


# A byline written in running text next to the headline: a keyword, then one or more names.
# The keyword is case-insensitive; the names are read word by word (capitalised words only).
# (Caseless: re.I over the whole pattern, which reads the same as only over the keywords, at a
# fraction of the cost)
BYLINE_KEYWORD = Caseless(
    r"(?:^|(?<=[\s|·•:–—(\-]))(?:written\s+by|posted\s+by|published\s+by|reported\s+by|words\s+by|"
    r"geschrieben\s+von|verfasst\s+von|ein\s+beitrag\s+von|eine\s+kolumne\s+von|ein\s+kommentar\s+von|"
    r"ein\s+interview\s+von|escrito\s+por|publicado\s+por|scritto\s+da|publié\s+par|écrit\s+par|"
    r"by|von|par|por|door|av|af|przez|от|autor(?:in|ka)?:|author:|auteur:|text:|texte:|tekst:|redaktion:|"
    r"redacción:|interview:|autor|autorin)\s+")
# A name right after a date, as in "11.12.2019 - Jane Doe" or "12 May 2021 | Jane Doe".
DATE_THEN_NAME = re.compile(r"(?:(?:19|20)\d\d|\d\d:\d\d(?:\s*Uhr)?)\s*[-–—|·•]\s*")
NAME_ABBREVIATIONS = frozenset("dr. prof. mr. mrs. ms. st. jr. sr. mag. ing. dipl.".split())  # end with a dot, inside a name
NAME_TOKEN = re.compile(r"[^\W\d_][\w'’.\-]*|,|&|/")
MAX_BYLINE_TOKENS = 16
JOINERS = frozenset("and und et y e i en og och ve oraz".split())
# Capitalised words that end a byline's names: months (a date follows), and the links and labels
# that sites put after the author's name.
STOP_WORDS = MONTH_NAMES | frozenset("""
uhr am on updated aktualisiert veröffentlicht published posted kontakt contact mehr more
alle all artikel articles beiträge posts profil profile follow folgen twitter facebook instagram linkedin
email e-mail mail share teilen foto photo bild image
""".split())


def _names_at(text: str, start: int) -> list[str]:
    """Capitalised names (2-4 words each) listed from `start`, joined by commas or conjunctions."""
    names: list[str] = []
    cur: list[str] = []
    for k, m in enumerate(NAME_TOKEN.finditer(text, start)):
        if k >= MAX_BYLINE_TOKENS:
            break
        # a gap wider than a space ends the list (the next sentence, a date, a separator)
        w = m.group(0)
        if w in (",", "&", "/") or w.lower() in JOINERS:
            if cur:
                names.append(" ".join(cur))
                cur = []
            elif not names:
                break
            continue
        if w.lower().rstrip(".") in STOP_WORDS:
            break
        if w[0].isupper() or (cur and w.lower() in LOWER_PARTICLES):
            if cur and text[m.start() - 1] not in " \u00a0":
                break
            if w.endswith(".") and len(w) > 2 and w.lower() not in NAME_ABBREVIATIONS:
                cur.append(w.rstrip("."))
                break  # a full stop after a word (not an initial, not "Dr."): the sentence goes on without the name
            cur.append(w)
            if len(cur) > 4:
                return names
            continue
        break
    if cur:
        names.append(" ".join(cur))
    return [n for n in names if is_person_name(n)]


def byline_from_text(text: str) -> tuple[str, ...]:
    """Person names from the first byline in a short text ("By Jane Doe and John Roe", "Von Max
    Muster", "Autor: Anna Nowak", "11.12.2019 - Jane Doe"); () when there is none."""
    for rx in (BYLINE_KEYWORD, DATE_THEN_NAME):
        for m in rx.finditer(text):
            names = _names_at(text, m.end())
            if names:
                return clean_authors(names)
    return ()
