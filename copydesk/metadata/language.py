"""Language: declared (html lang, meta) normalised to a base code, and detected from the body text
with a compact method of our own: the Unicode script decides non-Latin languages; for Latin and
Cyrillic scripts, the share of each language's most frequent function words decides. No model file."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from heapq import nlargest
from operator import itemgetter

MIN_WORDS = 15  # below this many words, no detection (None)
MIN_STOPWORD_SHARE = 0.06  # of the sample's words that must be the winner's function words
MIN_MARGIN = 1.25  # the winner must beat the runner-up by this factor
MIN_SCRIPT_SHARE = 0.4  # of letters in one non-Latin script to decide on the script alone
LANG_CODE = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]{2,8})*$", re.I)
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# Characters that are never part of a WORD (punctuation, digits), stripped from a piece's ends: a
# piece that is then all letters is one word (see `_count_words`).
WORD_EDGE = " .,;:!?\"'()[]{}«»“”„‘’<>/\\-–—|*#&%$@+=~^`0123456789…·•"

# The most frequent function words per language (distinctive ones; shared ones count for each).
STOPWORDS: dict[str, str] = {
    "en": "the and of to in is that for it with as was on be by this are have from or at which but not an they "
          "you his her their we has been were will would there what about",
    "de": "der die das und ist nicht ein eine zu den von mit sich des auf für im dem auch es an als wie sind "
          "bei noch nach wird werden oder aber hat wir sie ich",
    "fr": "le la les de des et est un une du en que qui dans pour pas sur au avec ce il elle sont par plus ne "
          "se nous vous aux été cette mais ou son",
    "es": "el la los las de del y que en un una es por con para se no al lo como más pero sus su le ya fue "
          "este esta entre cuando muy sin sobre también",
    "it": "il lo la gli le di del della che è e un una per non sono con si da dei nel alla al anche come più "
          "ma questo questa ha essere delle degli",
    "pt": "o a os as de do da dos das e que em um uma para com não se por mais no na como mas ao foi ser "
          "são está também pelo pela seu sua",
    "nl": "de het een en van is dat op te in voor met zijn niet aan er om ook als bij of maar door over "
          "naar dan wordt nog werd wel deze hij zij",
    "pl": "i w na z się nie do to że jest o jak co ale po za od przez dla tak jego już tylko może być są "
          "oraz przy który która które ze",
    "cs": "a v se na je že s z do to o jsou by jako ale pro tak jeho které který která po již jak při "
          "také nebo bylo byl být",
    "sk": "a v sa na je že s z do to o sú by ako ale pre tak jeho ktoré ktorý ktorá po už pri aj alebo "
          "bolo bol byť",
    "sv": "och i att det som en på är av för med till den har de inte om ett men var jag han hon sig "
          "från vid så kan",
    "da": "og i at det er en til på de med af for den som ikke har et var han hun sig men om fra kan vil "
          "også eller efter",
    "no": "og i å det er en til på de med av for den som ikke har et var han hun seg men om fra kan vil "
          "også eller etter",
    "fi": "ja on ei se että oli hän ovat kun myös mutta niin tai kuin jo sen hänen ole vain joka ovat "
          "sekä mukaan tämä",
    "hu": "a az és hogy nem is egy van meg de csak volt már ki mint el még ez azt mert ha lesz pedig "
          "vagy után szerint",
    "ro": "și în de la cu care este pe nu un o din că să se mai ce sau pentru au fost sunt dar acest "
          "această lui",
    "tr": "ve bir bu da de için ile çok olarak daha gibi en olan ne ama kadar sonra ise var değil her "
          "şey ya",
    "id": "yang dan di ini itu dengan untuk tidak dari dalam akan pada juga ke karena ada oleh mereka "
          "atau sudah bisa saat",
    "vi": "và của là có không được cho một những người này với trong đã các để khi thì như cũng đến",
    "hr": "i u je na se da za su od s a ne koji što iz kao to će bi ali sa koja koje ili",
    "sl": "in je v na se da za so z ki ne pa s od bi ali tudi kot iz po le",
    "ca": "el la els les de i que en un una és per amb no als al del dels com més però seu seva aquest "
          "aquesta",
    "lt": "ir į kad yra su iš ne tai o kaip bet jo už buvo nuo per taip",
    "lv": "un ir ka no ar par uz kas bet arī to tā lai kā vai pēc",
    "et": "ja on ei et see ka oli kui ning mis aga nii või veel tema",
    "ru": "и в не на что с по как это он к из у за от о для но же так бы все его она то был мы",
    "uk": "і в не на що з по як це він до із у за від про для але та так би його вона був ми є",
    "bg": "и в на да е не се за от с по че като това са но той тя ще който която",
    "sr": "и у је на се да за су од са а не који што из као то ће би али",
    "ar": "في من على أن إلى التي الذي عن مع هذا هذه كان ما لا",
    "fa": "و در به از که این را با است برای آن یک می تا",
}
_STOP: dict[str, frozenset[str]] = {k: frozenset(v.split()) for k, v in STOPWORDS.items()}
_WORD_LANGS: dict[str, tuple[str, ...]] = {}
for _lang, _words in _STOP.items():
    for _w in _words:
        _WORD_LANGS[_w] = (*_WORD_LANGS.get(_w, ()), _lang)

# Scripts that name one language on their own (first word of the Unicode character name).
SCRIPT_LANG = {"HANGUL": "ko", "HIRAGANA": "ja", "KATAKANA": "ja", "GREEK": "el", "HEBREW": "he", "THAI": "th",
               "GEORGIAN": "ka", "ARMENIAN": "hy", "DEVANAGARI": "hi", "BENGALI": "bn", "TAMIL": "ta",
               "TELUGU": "te", "GUJARATI": "gu", "KANNADA": "kn", "MALAYALAM": "ml", "GURMUKHI": "pa",
               "SINHALA": "si", "KHMER": "km", "LAO": "lo", "MYANMAR": "my", "ETHIOPIC": "am", "CJK": "zh"}
SAMPLE_CHARS = 1500  # of the body: about 250 words decide as well as 500 did on the benchmark pages, in half the time
# A first look at the opening of the sample decides when it is clear-cut (far above the thresholds
# above); otherwise the whole sample is read. Same answers on every benchmark page, at half the cost.
QUICK_SAMPLE_CHARS = 600
QUICK_MIN_WORDS = 60
QUICK_MIN_SHARE = 0.2  # of the words, function words of the winner (MIN_STOPWORD_SHARE: 0.06)
QUICK_MARGIN = 3.0  # over the runner-up (MIN_MARGIN: 1.25)
MIN_SCRIPT_LETTERS = 20  # fewer letters than this say nothing
NON_LATIN_LETTER = re.compile(r"[^\W\d_\u0000-\u024f]")
BEYOND_LATIN = re.compile("[\u0250-\u1fff\u2070-\U0010ffff]")  # not Latin, not General Punctuation (U+2000-206F)


def normalise_lang(value: str | None) -> str | None:
    """'en-US' -> 'en', 'de_DE' -> 'de'; None for anything that is not a language code."""
    if not value or not isinstance(value, str):
        return None
    v = value.strip().split(",")[0].strip()
    m = LANG_CODE.match(v)
    if not m:
        return None
    code = m.group(1).lower()
    return {"nb": "no", "nn": "no", "iw": "he", "in": "id", "ji": "yi"}.get(code, code)


def _script_language(sample: str) -> str | None:
    # Latin only (the common case): words decide, not script. A letter outside Latin is also outside
    # General Punctuation (no letters there), so text without characters beyond both (BEYOND_LATIN, a
    # plain range test, several times faster) has none; the letter test runs only on the rest.
    if BEYOND_LATIN.search(sample) is None or NON_LATIN_LETTER.search(sample) is None:
        return None
    counts: Counter[str] = Counter()
    letters = 0
    for ch in sample:
        if not ch.isalpha():
            continue
        letters += 1
        if ch < "\u0250":  # Latin (basic, supplement, extended): the common case, decided by words
            continue
        name = unicodedata.name(ch, "")
        counts[name.split(" ", 1)[0]] += 1
    if letters < MIN_SCRIPT_LETTERS:
        return None
    if counts["HIRAGANA"] + counts["KATAKANA"] > 0.05 * letters:
        return "ja"
    for script, n in counts.most_common(3):
        if n >= MIN_SCRIPT_SHARE * letters and script in SCRIPT_LANG:
            return SCRIPT_LANG[script]
    return None


def _count_words(text: str) -> tuple[int, Counter[str]]:
    """(the number of WORD matches in `text`; the count of each function word among them, in the
    order of first appearance) at half the cost of `WORD.findall`: a word never spans whitespace,
    so the text is split on it, and a piece that is all letters once the non-letters at its ends
    (WORD_EDGE) are stripped is one word; only the rest (digits or an apostrophe inside) goes
    through the regex."""
    n = 0
    found: list[str] = []
    stop = _WORD_LANGS
    for tok in text.split():
        if not tok.isalpha():
            tok = tok.strip(WORD_EDGE)
            if not tok.isalpha():
                for w in WORD.findall(tok) if tok else ():
                    n += 1
                    if w in stop:
                        found.append(w)
                continue
        n += 1
        if tok in stop:
            found.append(tok)
    return n, Counter(found)


def _vote(sample: str) -> tuple[str | None, float, float, int]:
    """(the language whose function words are most frequent in `sample`, its score, the runner-up's
    score, the number of words); (None, 0, 0, words) when no function word occurs."""
    n_words, found = _count_words(sample.lower().replace("’", "'"))
    # a word shared by k languages counts 1/k for each: distinctive words decide between close languages
    # (summed in the order of first appearance, which breaks ties)
    hits: dict[str, float] = {}
    for w, k in found.items():
        langs = _WORD_LANGS[w]
        for lg in langs:
            hits[lg] = hits.get(lg, 0) + k / len(langs)
    if not hits:
        return None, 0.0, 0.0, n_words
    (best, n1), *rest = nlargest(2, hits.items(), key=itemgetter(1))  # as Counter.most_common: ties keep their order
    return best, n1, (rest[0][1] if rest else 0.0), n_words


def detect_language(text: str) -> str | None:
    """A base language code ('en', 'de', 'zh' ...) or None when the text is too short or unclear."""
    if not text:
        return None
    sample = text[:SAMPLE_CHARS]
    lang = _script_language(sample)
    if lang:
        return lang
    if len(sample) > QUICK_SAMPLE_CHARS:
        # most texts are decided by their opening: the whole sample is read only when it is not clear-cut
        best, n1, n2, n_words = _vote(sample[:QUICK_SAMPLE_CHARS])
        if best and n_words >= QUICK_MIN_WORDS and n1 >= QUICK_MIN_SHARE * n_words and n1 >= QUICK_MARGIN * n2:
            return best
    # (no cut at a word count needed: words are separated, so a sample has at most SAMPLE_CHARS / 2)
    best, n1, n2, n_words = _vote(sample)
    if n_words < MIN_WORDS or not best or n1 < MIN_STOPWORD_SHARE * n_words or n1 < MIN_MARGIN * n2:
        return None
    return best
