"""Dates: many written forms in, ISO 8601 out (with time and zone when the source gives them).

`parse_date` never raises and returns None rather than a guess: relative dates ("vor 3 Tagen",
"2 hours ago") and dates without a year ("Nov. 26") are resolved only against an explicit reference
time `now` (e.g. the WARC record date), because the time of parsing says nothing about an archived
page. Dates before MIN_YEAR or after the reference (plus a day for time zones) are rejected."""
from __future__ import annotations

import re
import time
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

MIN_YEAR = 1995  # no web article is older than this
FUTURE_SLACK = timedelta(days=1)  # time zones: "today" somewhere may be tomorrow in UTC
MAX_DATE_CHARS = 200
PARSE_CACHE = 4096  # distinct date strings remembered  # longer strings are sentences, not dates; search them with find_date

# Month names and abbreviations (lower case, without the final dot) in the languages we cover.
_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "januar", "jänner", "jän", "janvier", "janv", "enero", "ene", "gennaio", "gen",
        "janeiro", "januari", "styczeń", "stycznia", "sty", "январь", "января", "янв", "ocak", "leden", "ledna",
        "januar", "tammikuu", "tammikuuta", "ianuarie", "január", "siječanj", "siječnja", "sausio", "janvāris"),
    2: ("february", "feb", "februar", "février", "fév", "fevr", "févr", "febrero", "febbraio", "fevereiro",
        "fev", "februari", "luty", "lutego", "lut", "февраль", "февраля", "фев", "şubat", "únor", "února",
        "helmikuu", "helmikuuta", "februarie", "február", "veljača", "veljače", "vasario"),
    3: ("march", "mar", "märz", "mär", "mars", "marzo", "março", "maart", "mrt", "marzec", "marca", "март",
        "марта", "mart", "březen", "března", "maaliskuu", "maaliskuuta", "martie", "március", "ožujak",
        "ožujka", "kovo", "marts"),
    4: ("april", "apr", "avril", "avr", "abril", "abr", "aprile", "kwiecień", "kwietnia", "kwi", "апрель",
        "апреля", "апр", "nisan", "duben", "dubna", "huhtikuu", "huhtikuuta", "aprilie", "április", "travanj",
        "travnja", "balandžio"),
    5: ("may", "mai", "mayo", "maggio", "mag", "maio", "mei", "maj", "maja", "май", "мая", "mayıs", "květen",
        "května", "toukokuu", "toukokuuta", "május", "svibanj", "svibnja", "gegužės"),
    6: ("june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho", "czerwiec", "czerwca", "cze", "июнь",
        "июня", "haziran", "červen", "června", "kesäkuu", "kesäkuuta", "iunie", "június", "lipanj", "lipnja",
        "birželio"),
    7: ("july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho", "lipiec", "lipca", "lip",
        "июль", "июля", "temmuz", "červenec", "července", "heinäkuu", "heinäkuuta", "iulie", "július", "srpanj",
        "srpnja", "liepos"),
    8: ("august", "aug", "août", "aout", "agosto", "ago", "augustus", "sierpień", "sierpnia", "sie", "август",
        "августа", "авг", "ağustos", "srpen", "srpna", "elokuu", "elokuuta", "august", "augusztus", "kolovoz",
        "kolovoza", "rugpjūčio"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "setiembre", "settembre", "set", "setembro",
        "wrzesień", "września", "wrz", "сентябрь", "сентября", "сен", "eylül", "září", "syyskuu", "syyskuuta",
        "septembrie", "szeptember", "rujan", "rujna", "rugsėjo"),
    10: ("october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro", "out",
         "październik", "października", "paź", "октябрь", "октября", "окт", "ekim", "říjen", "října", "lokakuu",
         "lokakuuta", "octombrie", "október", "listopad", "spalio"),
    11: ("november", "nov", "novembre", "noviembre", "novembro", "listopada", "lis", "ноябрь", "ноября", "ноя",
         "kasım", "listopadu", "marraskuu", "marraskuuta", "noiembrie", "studeni", "studenoga", "lapkričio"),
    12: ("december", "dec", "dezember", "dez", "décembre", "déc", "diciembre", "dic", "dicembre", "dezembro",
         "grudzień", "grudnia", "gru", "декабрь", "декабря", "дек", "aralık", "prosinec", "prosince", "joulukuu",
         "joulukuuta", "decembrie", "prosinac", "prosinca", "gruodžio"),
}
# "listopad" is November in Polish/Czech but October in Croatian: Polish/Czech are far more common.
MONTH = {name: num for num, names in sorted(_MONTHS.items(), reverse=True) for name in names}
MONTH["listopad"] = 11


def trie_regex(words: object) -> str:
    """One regex (no groups) matching any of `words`, longest first, as a prefix tree: Python's re
    tries the alternatives of a flat "a|b|c" one by one at each position, which made date search
    over running text cost ~0.5 ms per year found with ~300 month names."""
    trie: dict = {}
    for w in words:  # type: ignore[attr-defined]
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        end = "" in node
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if end:
            return "(?:" + body + ")?" if len(alts) > 1 else "(?:" + body + ")?"
        return body

    return "(?:" + build(trie) + ")"


_MONTH_ALT = trie_regex(MONTH)

# Words for relative dates: unit -> days (approximate for months/years), in several languages.
_UNITS = {
    "minute": 0, "minutes": 0, "min": 0, "mins": 0, "minuten": 0, "minute(n)": 0, "minutos": 0, "minuti": 0,
    "minut": 0, "minuty": 0, "hour": 0, "hours": 0, "hrs": 0, "stunde": 0, "stunden": 0, "heure": 0,
    "heures": 0, "hora": 0, "horas": 0, "ora": 0, "ore": 0, "godzina": 0, "godziny": 0, "godzin": 0,
    "uur": 0, "day": 1, "days": 1, "tag": 1, "tagen": 1, "tage": 1, "jour": 1, "jours": 1, "día": 1, "días": 1,
    "dia": 1, "dias": 1, "giorno": 1, "giorni": 1, "dzień": 1, "dni": 1, "dag": 1, "dagen": 1,
    "week": 7, "weeks": 7, "woche": 7, "wochen": 7, "semaine": 7, "semaines": 7, "semana": 7, "semanas": 7,
    "settimana": 7, "settimane": 7, "tydzień": 7, "tygodnie": 7, "tygodni": 7, "weken": 7,
}
_NUMWORDS = {"a": 1, "an": 1, "one": 1, "ein": 1, "einem": 1, "einer": 1, "un": 1, "une": 1, "uno": 1, "una": 1}
_UNIT_ALT = trie_regex(_UNITS)
_N = r"(\d{1,3}|a|an|one|ein|einem|einer|un|une|uno|una)"
RELATIVE = [
    re.compile(rf"\b{_N}\s+({_UNIT_ALT})\s+ago\b"),  # en
    re.compile(rf"\bvor\s+{_N}\s+({_UNIT_ALT})\b"),  # de
    re.compile(rf"\bil y a\s+{_N}\s+({_UNIT_ALT})\b"),  # fr
    re.compile(rf"\bhace\s+{_N}\s+({_UNIT_ALT})\b"),  # es
    re.compile(rf"\b{_N}\s+({_UNIT_ALT})\s+fa\b"),  # it
    re.compile(rf"\b{_N}\s+({_UNIT_ALT})\s+temu\b"),  # pl
    re.compile(rf"\b{_N}\s+({_UNIT_ALT})\s+geleden\b"),  # nl
    re.compile(rf"\bhá\s+{_N}\s+({_UNIT_ALT})\b"),  # pt
]
TODAY = re.compile(r"^(today|heute|aujourd'hui|hoy|oggi|hoje|dzisiaj|dziś|vandaag|сегодня)\b")
YESTERDAY = re.compile(r"^(yesterday|gestern|hier|ayer|ieri|ontem|wczoraj|gisteren|вчера)\b")

ISO = re.compile(
    r"(?<!\d)((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d\d)(?::(\d\d)(?:[.,]\d+)?)?\s*(Z|[+-]\d\d:?\d\d|UTC|GMT)?)?(?!\d)"
)
COMPACT = re.compile(r"^((?:19|20)\d\d)(\d\d)(\d\d)(?:T?(\d\d)(\d\d)(\d\d)?(Z|[+-]\d\d:?\d\d)?)?$")
YMD_SLASH = re.compile(r"(?<!\d)((?:19|20)\d\d)[/.](\d{1,2})[/.](\d{1,2})(?!\d)")
DMY_NUM = re.compile(r"(?<![\d.])(\d{1,2})([./-])\s?(\d{1,2})\2\s?((?:19|20)?\d\d)(?![\d])")
# "26 November 2019", "26. März 2019", "26 de marzo de 2019", "26 listopada 2019 r."
DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:\.|st|nd|rd|th|er|º|°)?\s*(?:de\s+|of\s+)?({_MONTH_ALT})\.?,?\s*(?:de\s+)?((?:19|20)\d\d)(?!\d)",
    )
# "November 26, 2019", "Nov. 26 2019"
MONTH_DAY_YEAR = re.compile(
    rf"(?<![\w])({_MONTH_ALT})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)(?!\d)")
# "2019. november 26." (hu), "2019 m. kovo 5 d." (lt): year first with a month name
YEAR_MONTH_DAY = re.compile(rf"(?<!\d)((?:19|20)\d\d)\.?\s+(?:m\.\s+)?({_MONTH_ALT})\.?\s+(\d{{1,2}})(?!\d)")
# The month-name forms, tried in this order, with the groups of (year, month, day).
MONTH_NAME_FORMS = ((DAY_MONTH_YEAR, (3, 2, 1)), (MONTH_DAY_YEAR, (3, 1, 2)), (YEAR_MONTH_DAY, (1, 2, 3)))
# no year: "Nov. 26", "26. Nov"
MONTH_DAY = re.compile(rf"^(?:\w+,?\s+)?({_MONTH_ALT})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b")
DAY_MONTH = re.compile(rf"^(?:\w+,?\s+)?(\d{{1,2}})\.?\s+({_MONTH_ALT})\b\.?")
# "November 2019" alone is a month, not a day: not a publication date.
TIME_AFTER = re.compile(r"^\D{0,12}?(\d{1,2})[:h.](\d\d)(?::(\d\d))?\s*([ap]\.?m\.?)?(?!\d)", re.I)
UNIX = re.compile(r"^\d{10}(\d{3})?$")
# A value that names both a day and a month first in US order, used to choose D/M or M/D.
US_LANGS = ("en-us", "en_us")


def _valid(d: date, now: datetime | None) -> bool:
    if d.year < MIN_YEAR:
        return False
    if now is None and _WHOLE_DAYS_SLACK:
        return d <= _latest_today()
    ref = now or datetime.now(timezone.utc)
    return d <= (ref + FUTURE_SLACK).date()


_WHOLE_DAYS_SLACK = FUTURE_SLACK % timedelta(days=1) == timedelta(0)
_EPOCH = date(1970, 1, 1)
_latest: list[tuple[int, date]] = [(-1, _EPOCH)]  # (UTC day number, latest valid date that day)


def _latest_today() -> date:
    """(datetime.now(timezone.utc) + FUTURE_SLACK).date(), from the clock's day number (the same clock
    as datetime.now), computed once a day: `_valid` asks for it for every date it checks."""
    day = int(time.time() // 86400)
    if _latest[0][0] != day:
        _latest[0] = (day, _EPOCH + timedelta(days=day) + FUTURE_SLACK)
    return _latest[0][1]


def _mk(y: int, m: int, d: int) -> date | None:
    if y < 100:
        y += 2000 if y < 70 else 1900
    try:
        return date(y, m, d)
    except ValueError:
        return None


@lru_cache(maxsize=256)  # a handful of distinct zones
def _zone(z: str | None) -> str:
    if not z:
        return ""
    z = z.upper()
    if z in ("Z", "UTC", "GMT"):
        return "+00:00"
    z = z.replace(":", "")
    return f"{z[:3]}:{z[3:]}"


def _fmt(d: date, hh: str | None = None, mm: str | None = None, ss: str | None = None, zone: str | None = None) -> str:
    if hh is None or mm is None:
        return d.isoformat()
    h, mi, s = int(hh), int(mm), int(ss or 0)
    if h > 23 or mi > 59 or s > 59:
        return d.isoformat()
    return f"{d.isoformat()}T{TWO_DIGITS[h]}:{TWO_DIGITS[mi]}:{TWO_DIGITS[s]}{_zone(zone)}"


TWO_DIGITS = tuple(f"{i:02d}" for i in range(60))  # a lookup is faster than a format spec


def _time_after(rest: str) -> tuple[str | None, str | None, str | None]:
    m = TIME_AFTER.match(rest)
    if not m:
        return None, None, None
    h = int(m.group(1))
    ap = (m.group(4) or "").lower().replace(".", "")
    if ap == "pm" and h < 12:
        h += 12
    elif ap == "am" and h == 12:
        h = 0
    return str(h), m.group(2), m.group(3)


def _relative(s: str, now: datetime) -> date | None:
    if TODAY.match(s):
        return now.date()
    if YESTERDAY.match(s):
        return (now - timedelta(days=1)).date()
    for rx in RELATIVE:
        m = rx.search(s)
        if m:
            n_raw = m.group(1).lower()
            n = int(n_raw) if n_raw.isdigit() else _NUMWORDS.get(n_raw, 1)
            days = _UNITS.get(m.group(2).lower(), 1)
            if days == 0:  # minutes / hours ago: the day of the reference, give or take
                hours = 0 if m.group(2).lower().startswith("m") else n
                return (now - timedelta(hours=hours)).date()
            return (now - timedelta(days=n * days)).date()
    return None


def parse_date(value: object, *, now: datetime | None = None, lang: str | None = None,
               loose: bool = False) -> str | None:
    """One date string -> ISO 8601 ('2019-04-30' or '2019-04-30T10:00:00+02:00'), or None.

    `now`: reference time for relative and year-less dates (they give None without it), and the
    upper bound ("never in the future"). `lang`: the page's language, to read 03/04/2019 the US way
    for en-US. `loose`: also search inside a longer text (a dateline), not only a date-shaped value."""
    if not isinstance(value, str):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(int(value))
        else:
            return None
    s = value.strip()
    if not s or (len(s) > MAX_DATE_CHARS and not loose):
        return None
    return _parse_cached(s[:2000], now, lang)


@lru_cache(maxsize=PARSE_CACHE)
def _parse_cached(s: str, now: datetime | None, lang: str | None) -> str | None:
    # a page states the same date in several places (JSON-LD, og:, <time>): parsed once
    try:
        return _parse(s, now, lang)
    except (ValueError, OverflowError):  # a defensive net: malformed numbers never escape
        return None


def _parse(s: str, now: datetime | None, lang: str | None) -> str | None:
    m = ISO.search(s)
    if m:
        d = _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d and _valid(d, now):
            return _fmt(d, m.group(4), m.group(5), m.group(6), m.group(7))
    m = COMPACT.match(s)
    if m:
        d = _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d and _valid(d, now):
            return _fmt(d, m.group(4), m.group(5), m.group(6), m.group(7))
    if UNIX.match(s):
        ts = int(s[:10])
        dt = datetime.fromtimestamp(ts, tz=timezone.utc)
        return dt.date().isoformat() if _valid(dt.date(), now) else None
    m = YMD_SLASH.search(s)
    if m:
        d = _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d and _valid(d, now):
            return _fmt(d, *_time_after(s[m.end():]))
    # month names: the patterns are case-sensitive (far faster with the month trie), the text lower case
    s = s.lower()
    for pattern, (yg, mg, dg) in MONTH_NAME_FORMS:
        m = pattern.search(s)
        if m:
            d = _mk(int(m.group(yg)), MONTH[m.group(mg).lower()], int(m.group(dg)))
            if d and _valid(d, now):
                return _fmt(d, *_time_after(s[m.end():]))
    m = DMY_NUM.search(s)
    if m:
        a, b, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if len(m.group(4)) == 2 and m.group(2) == "-":
            return None  # "12-05-19" is too ambiguous
        us = (lang or "").lower().replace("_", "-") in US_LANGS or m.group(2) == "/" and (lang or "").lower() in ("en", "")
        if a > 12:
            day, mon = a, b
        elif b > 12:
            day, mon = b, a
        else:
            day, mon = (b, a) if us else (a, b)
        d = _mk(y, mon, day)
        if d and _valid(d, now):
            return _fmt(d, *_time_after(s[m.end():]))
    if now is None:
        return None
    d = _relative(s, now)
    if d is not None:
        return d.isoformat() if _valid(d, now) else None
    m = MONTH_DAY.match(s)
    if m:
        d = _yearless(MONTH[m.group(1).lower()], int(m.group(2)), now)
        return d.isoformat() if d else None
    m = DAY_MONTH.match(s)
    if m:
        d = _yearless(MONTH[m.group(2).lower()], int(m.group(1)), now)
        return d.isoformat() if d else None
    return None


def first_date(values: Iterable[object], *, now: datetime | None = None, lang: str | None = None) -> str | None:
    """The first of `values` that `parse_date` reads (ISO 8601), or None; reads no further."""
    for v in values:
        d = parse_date(v, now=now, lang=lang)
        if d:
            return d
    return None


def _yearless(month: int, day: int, now: datetime) -> date | None:
    """The latest such day not after the reference."""
    d = _mk(now.year, month, day)
    if d is None:
        return None
    if d > now.date():
        d = _mk(now.year - 1, month, day)
    return d if d and _valid(d, now) else None


# Words that announce a date as the page's update date ("Updated: ...", "Aktualisiert am ...").
UPDATE_WORDS = re.compile(
    r"(?i:last\s+(?:modified|updated|changed)|updated|zuletzt|letzte\s+änderung|aktualisiert|geändert|stand:|"
    r"mis\s+à\s+jour|modifié|actualizado|actualización|aggiornato|bijgewerkt|zaktualizowano|atualizado)")
URL_DATE = re.compile(r"/((?:199[5-9]|20\d\d))[/_-](0?[1-9]|1[0-2])(?:[/_-](0?[1-9]|[12]\d|3[01]))?(?=[/_.-]|$)")
URL_DATE_COMPACT = re.compile(r"[/_-]((?:199[5-9]|20\d\d)(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(?=[/_.-]|$)")
# Day first, as European sites write it: /29-10-2021 or /29.10.2021 (a four-digit year last).
URL_DATE_DMY = re.compile(r"[/_-](0?[1-9]|[12]\d|3[01])[.-](0?[1-9]|1[0-2])[.-]((?:199[5-9]|20\d\d))(?=[/_.-]|$)")


def date_from_url(url: str | None, *, now: datetime | None = None) -> str | None:
    """A full date (year, month, day) in the URL path, e.g. /2019/04/30/slug or /20190430-slug."""
    if not url:
        return None
    path = url.split("?", 1)[0].split("#", 1)[0]
    m = URL_DATE.search(path)
    if m and m.group(3):
        d = _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d and _valid(d, now):
            return d.isoformat()
    m = URL_DATE_COMPACT.search(path)
    if m:
        v = m.group(1)
        d = _mk(int(v[:4]), int(v[4:6]), int(v[6:8]))
        if d and _valid(d, now):
            return d.isoformat()
    m = URL_DATE_DMY.search(path)
    if m:
        d = _mk(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if d and _valid(d, now):
            return d.isoformat()
    return None


def url_year_month(url: str | None) -> tuple[int, int] | None:
    """(year, month) when the URL path holds only those (a consistency check for other sources)."""
    if not url:
        return None
    m = URL_DATE.search(url.split("?", 1)[0])
    return (int(m.group(1)), int(m.group(2))) if m else None


# Date-shaped spans in running text (a cheap scan; each hit is then read by parse_date).
TEXT_DATE = re.compile(
    rf"(?:(?:19|20)\d\d-\d\d-\d\d"
    rf"|\d{{1,2}}\.\s?\d{{1,2}}\.\s?(?:19|20)\d\d"
    rf"|\d{{1,2}}/\d{{1,2}}/(?:19|20)\d\d"
    rf"|\d{{1,2}}(?:\.|st|nd|rd|th|er)?\s+(?:de\s+)?(?:{_MONTH_ALT})\.?,?\s+(?:de\s+)?(?:19|20)\d\d"
    rf"|(?:{_MONTH_ALT})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d)(?!\d)",
    )
MAX_TEXT_DATES = 50
# No leading look-behind in the patterns scanned over running text: re then skips to the positions
# that can start a match (several times faster); the character before is checked in Python.
YEAR = re.compile(r"(?:19|20)\d\d(?!\d)")
DATE_WINDOW = 30  # characters before a year that may hold its day and month


def find_dates(text: str, *, now: datetime | None = None, lang: str | None = None,
               short_years: bool = False) -> list[tuple[int, str]]:
    """(offset, ISO date) of every date written out in a text, in order (at most MAX_TEXT_DATES).
    `short_years`: also "31.10.23" (day.month.two-digit year), which is a date only in a dateline
    next to a headline (elsewhere it may be a version number or a score)."""
    out = _find_dates(text, now, lang)
    if short_years and len(out) < MAX_TEXT_DATES:
        for m in SHORT_DMY.finditer(text):
            i = m.start()
            if i and (text[i - 1].isdigit() or text[i - 1] == "."):
                continue
            d = _mk(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            if d and _valid(d, now):
                out.append((m.start(), d.isoformat()))
        out.sort()
    return out[:MAX_TEXT_DATES]


SHORT_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d\d)(?![\d.])")


ORDINAL_SUFFIX = "stndrhº°"


def _may_end_date(low: str, ys: int, ye: int) -> bool:
    """Can the year at low[ys:ye] be part of a written date? A cheap test in Python before the
    date pattern is searched around it (a failing search over prose costs ten times more): the
    year starts an ISO date, or follows a separator ("12.03.", "12/03/"), a month name, "de", or
    a day number ("March 12, 2021")."""
    if low.startswith("-", ye):
        return True
    pre = low[max(0, ys - DATE_WINDOW):ys].rstrip()
    if not pre:
        return False
    if pre[-1] in "./":
        return True
    word = pre.rsplit(None, 1)[-1].rstrip(".,")
    return word in MONTH or word == "de" or word.rstrip(ORDINAL_SUFFIX).isdigit()


def _find_dates(text: str, now: datetime | None, lang: str | None) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    last_end = 0
    low = text.lower()
    if len(low) != len(text):  # a few characters change length when lower-cased: keep offsets exact
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    # anchor on years (rare, cheap to find) and read only a window around each
    for y in YEAR.finditer(text):
        if y.start() < last_end or (y.start() and text[y.start() - 1].isdigit()):
            continue
        if not _may_end_date(low, y.start(), y.end()):
            continue
        lo = max(last_end, y.start() - DATE_WINDOW)
        hi = y.end() + DATE_WINDOW
        m = TEXT_DATE.search(low, lo, hi)
        while m is not None and m.start() and (low[m.start() - 1].isdigit() or low[m.start() - 1] == "."):
            m = TEXT_DATE.search(low, m.start() + 1, hi)  # inside a longer number: not a date's start
        if m is None or m.start() > y.start():
            continue
        last_end = m.end()
        d = parse_date(m.group(0), now=now, lang=lang)
        if d:
            out.append((m.start(), d))
            if len(out) >= MAX_TEXT_DATES:
                break
    return out
