"""Flattened text -> lines -> a feature matrix, computed with C-speed string methods and numpy.

Text mode must run at >= 10 MB/s per core, i.e. a few microseconds per line: every per-line feature
here is one builtin string method inside a list comprehension, and every context feature (neighbours,
the densest run of prose) is a numpy expression over the whole document.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import repeat
from operator import getitem

import numpy as np

from .vocab import STOP_WORDS, UI_WORDS

# Characters that end a sentence in the scripts we meet (Latin, CJK, Arabic, Devanagari ...), plus closing
# quotes and brackets that commonly follow the full stop.
TERMINAL = frozenset('.!?。！？؟।۔…"”»\')’」』')
# Strict sentence ends (a closing quote counts only after one of these).
SENTENCE_END = frozenset(".!?。！？؟।۔…")
QUOTE_CLOSERS = frozenset('"”»\')’」』')
BULLETS = frozenset("•·-*–—▪►●◦■□▸›>+")
# A line with more characters per space than this is written without spaces (CJK, Thai): count words
# as characters / CJK_CHARS_PER_WORD instead.
NO_SPACE_CHARS_PER_WORD = 25
CJK_CHARS_PER_WORD = 2.0


# Vocabulary shares are taken over each line's first TOKEN_PREFIX characters (long lines are prose or not
# on their first words; tokenising all of them would be most of the cost).
TOKEN_PREFIX = 160
# Window half-widths (in non-empty lines) over which neighbours' features are averaged.
WINDOWS = (1, 3, 8)
# Stage 2 smooths stage 1's probabilities over these half-widths.
STAGE2_WINDOWS = (1, 3, 8, 25)
# Stage-1 probability below which a line counts as a barrier between body and later prose.
BARRIER_P = 0.15
# A line is "prose-like" for the densest-run search when it has this many words and ends a sentence.
PROSE_MIN_WORDS = 8
# Penalty per word for non-prose lines in the densest-run search (a few menu lines do not split a body).
RUN_PENALTY_MIN = 3.0

FEATURE_NAMES = (
    "log_chars", "log_words", "end_terminal", "end_colon", "end_comma", "end_digit", "start_bullet",
    "start_digit", "start_lower", "upper_share", "log_indent", "comma_rate", "digit_share",
    "nav_sep", "ui_share", "ui_any", "stop_share", "log_repeat", "blank_before", "blank_after", "rel_pos",
    "no_space", "long_prose", "end_sentence", "case_junction", "cap_word_share", "words_vs_max",
    "log_doc_lines",
)
LONG_PROSE = FEATURE_NAMES.index("long_prose")


def ends_sentence(s: str) -> bool:
    """The line ends a sentence: a full stop (of any script), or a closing quote/bracket right after one."""
    if not s:
        return False
    if s[-1] in SENTENCE_END:
        return True
    return s[-1] in QUOTE_CLOSERS and len(s) > 1 and s[-2] in SENTENCE_END


@dataclass
class LineFeatures:
    """The non-empty lines of a document and their features (row i describes lines[index[i]])."""

    lines: list[str]  # every line of the input (empty ones included), right-stripped
    index: np.ndarray  # positions of the non-empty lines in `lines`
    text: list[str]  # the non-empty lines, stripped
    words: np.ndarray  # estimated words per non-empty line
    ui: np.ndarray  # UI-vocabulary share
    repeat: np.ndarray  # how often the identical line occurs in the document
    X: np.ndarray  # local + context features, float32


def split_lines(text: str) -> list[str]:
    """Lines of any convention (\\n, \\r\\n, old Mac \\r), right-stripped."""
    return [ln.rstrip() for ln in _normalise(text).split("\n")]


def _normalise(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def window_means(cols: list[np.ndarray], windows: tuple[int, ...] = WINDOWS) -> np.ndarray:
    """Mean of each column over [i-k, i+k] (clipped at the ends), for every i and every k in windows:
    an (n, len(windows) * len(cols)) matrix."""
    x = np.stack(cols, axis=1).astype(np.float64)
    n = len(x)
    c = np.concatenate((np.zeros((1, x.shape[1])), np.cumsum(x, axis=0)))
    i = np.arange(n)
    out = []
    for k in windows:
        lo = np.maximum(i - k, 0)
        hi = np.minimum(i + k + 1, n)
        out.append((c[hi] - c[lo]) / (hi - lo)[:, None])
    return np.concatenate(out, axis=1).astype(np.float32)


def densest_run(v: np.ndarray) -> tuple[int, int]:
    """[a, b) maximising sum(v[a:b]) (Kadane, vectorised); (0, 0) when every value is <= 0."""
    if len(v) == 0:
        return 0, 0
    c = np.concatenate(([0.0], np.cumsum(v, dtype=np.float64)))
    mins = np.minimum.accumulate(c)
    gain = c - mins
    b = int(np.argmax(gain))
    if gain[b] <= 0:
        return 0, 0
    a = int(np.flatnonzero(c[: b + 1] == mins[b])[-1])
    return a, b


def run_features(score: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, int, int]:
    """Where each line sits relative to the densest run of high `score` (score in [0, 1], 0.5 neutral):
    inside it, log distance before / after it, and the run's share of the document's weight."""
    n = len(score)
    v = (score - 0.5) * np.maximum(weight, RUN_PENALTY_MIN)
    a, b = densest_run(v)
    i = np.arange(n)
    inside = ((i >= a) & (i < b)).astype(np.float32)
    before = np.log1p(np.maximum(a - i, 0)).astype(np.float32)
    after = np.log1p(np.maximum(i - b + 1, 0)).astype(np.float32)
    total = float(weight.sum()) or 1.0
    share = np.full(n, float(weight[a:b].sum()) / total, dtype=np.float32)
    return np.stack([inside, before, after, share], axis=1), a, b


def _char_table() -> np.ndarray:
    """Flags of every BMP code point (higher ones are looked up as 0: letters of rare scripts)."""
    t = np.zeros(0x10000, np.uint16)
    for c in TERMINAL:
        t[ord(c)] |= F_TERMINAL
    for c in SENTENCE_END:
        t[ord(c)] |= F_SENTENCE
    for c in QUOTE_CLOSERS:
        t[ord(c)] |= F_QUOTE
    for c in BULLETS:
        t[ord(c)] |= F_BULLET
    for c in ",;":
        t[ord(c)] |= F_COMMA
    t[ord(":")] |= F_COLON
    t[ord("0"):ord("9") + 1] |= F_DIGIT
    for cp in range(0x80, 0x10000):
        if chr(cp).islower():
            t[cp] |= F_LOWER
    t[ord("a"):ord("z") + 1] |= F_LOWER
    t[[cp for cp in range(0x10000) if chr(cp).isupper()]] |= F_UPPER
    t[0xFFFF] = 0
    return t


F_TERMINAL, F_SENTENCE, F_QUOTE, F_BULLET, F_COMMA, F_COLON, F_DIGIT, F_LOWER, F_UPPER = (1 << k for k in range(9))
CHAR_FLAGS = _char_table()
# Byte table for tokenising: ASCII punctuation and control characters become spaces.
_BT = bytearray(range(256))
for _c in range(256):
    if (_c < 32 and _c != 10) or chr(_c) in "!\"#$%&'()*+,-./:;<=>?[\\]^_`{|}~":
        _BT[_c] = 32
BYTE_TABLE = bytes(_BT)
NL_TOKEN = b"\x01"
# Token categories (bit flags) looked up for every word of the document in one pass.
T_UI, T_STOP, T_NL = 1, 2, 4


def _token_table() -> dict[bytes, int]:
    cat: dict[bytes, int] = {}
    for words, flag in ((UI_WORDS, T_UI), (STOP_WORDS, T_STOP)):
        for w in words:
            # Lower-casing is done on bytes (ASCII only), so add the capitalised forms of other scripts.
            for v in {w, w.capitalize(), w.upper()}:
                b = v.encode("utf8").lower()
                cat[b] = cat.get(b, 0) | flag
    cat[NL_TOKEN] = T_NL
    return cat


TOKEN_CAT = _token_table()


def extract_features(text: str) -> LineFeatures:
    """Split `text` into lines and compute the stage-1 feature matrix of its non-empty lines."""
    lines = _normalise(text).split("\n")
    stripped = [ln.strip() for ln in lines]
    slen = np.fromiter(map(len, stripped), np.int64, len(stripped))
    index = np.flatnonzero(slen > 0)
    texts = list(filter(None, stripped))
    n = len(texts)
    if n == 0:
        return LineFeatures(lines, index, texts, np.zeros(0), np.zeros(0), np.zeros(0),
                            np.zeros((0, len(FEATURE_NAMES) + 4 * len(WINDOWS) + 4), np.float32))
    f32 = np.float32
    chars = slen[index].astype(f32)
    raw = np.fromiter(map(len, lines), np.int64, len(lines))[index].astype(f32)
    indent = raw - chars  # leading (and any trailing) whitespace: nested menus are indented
    joined = "\n".join(texts)
    cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), np.uint32)
    ends = np.cumsum(slen[index] + 1) - 1  # position of each line's "\n" (one past its last char)
    starts = ends - slen[index]
    fl = CHAR_FLAGS[np.minimum(cps, 0xFFFF)]  # U+FFFF (a non-character) has no flags: stands for all above
    first = fl[starts]
    last = fl[ends - 1]
    second = fl[np.maximum(ends - 2, starts)] * (chars > 1)
    up = (fl & F_UPPER) > 0
    lowc = (fl & F_LOWER) > 0
    # "lowerUpper" joins: a flattened link title run into its teaser; capitalised words.
    prev_low = np.concatenate(([False], lowc[:-1]))
    prev_sp = np.concatenate(([True], (cps[:-1] == 32) | (cps[:-1] == 10)))

    def per_line(mask: np.ndarray) -> np.ndarray:
        return np.add.reduceat(mask.view(np.uint8), starts, dtype=np.int64).astype(f32)

    spaces = per_line(cps == 32)
    commas = per_line((fl & F_COMMA) > 0)
    nav = per_line(cps == 124)  # "|" of menus and breadcrumbs
    dig = per_line((fl & F_DIGIT) > 0)
    junction = per_line(up & prev_low)
    capw = per_line(up & prev_sp)
    upper = per_line(up)
    letters = upper + per_line(lowc)
    upper_share = upper / np.maximum(letters, 1)
    no_space = (chars / (spaces + 1) > NO_SPACE_CHARS_PER_WORD).astype(f32)
    words = np.where(no_space > 0, np.maximum(chars / CJK_CHARS_PER_WORD, 1), spaces + 1).astype(f32)
    end_terminal = (last & F_TERMINAL) > 0
    end_sentence = ((last & F_SENTENCE) > 0) | (((last & F_QUOTE) > 0) & ((second & F_SENTENCE) > 0))
    # Words of the interface and function words, for every token of the document in one pass.
    heads = "\n".join(map(getitem, texts, repeat(slice(0, TOKEN_PREFIX)))) if chars.max() > TOKEN_PREFIX else joined
    low = heads.encode("utf8", "surrogatepass").lower().translate(BYTE_TABLE)
    toks = low.replace(b"\n", b" \x01 ").split()
    cats = np.frombuffer(bytes(map(TOKEN_CAT.get, toks, repeat(0))), np.int8)
    line_of = np.cumsum(cats == T_NL)
    ntok = np.maximum(np.bincount(line_of, minlength=n)[:n] - (np.arange(n) > 0), 1).astype(f32)
    ui = (np.bincount(line_of, weights=(cats & T_UI) > 0, minlength=n)[:n] / ntok).astype(f32)
    stop = (np.bincount(line_of, weights=(cats & T_STOP) > 0, minlength=n)[:n] / ntok).astype(f32)
    counts = Counter(texts)
    repeat_ = np.fromiter(map(counts.__getitem__, texts), f32, n)
    pos = index
    gap = np.diff(pos) > 1
    blank_before = np.concatenate(([True], gap)).astype(f32)
    blank_after = np.concatenate((gap, [True])).astype(f32)
    rel = (np.arange(n, dtype=f32) / max(n - 1, 1)).astype(f32)
    long_prose = ((words >= PROSE_MIN_WORDS) & end_sentence).astype(f32)
    local = np.stack([
        np.log1p(chars), np.log1p(words), end_terminal, (last & F_COLON) > 0, (last & F_COMMA) > 0,
        (last & F_DIGIT) > 0, (first & F_BULLET) > 0, (first & F_DIGIT) > 0, (first & F_LOWER) > 0, upper_share,
        np.log1p(indent), commas / words, dig / chars, np.minimum(nav, 5) / 5, ui, ui > 0, stop,
        np.log(repeat_), blank_before, blank_after, rel, no_space, long_prose, end_sentence,
        np.minimum(junction, 3) / 3, np.minimum(capw / words, 1), words / words.max(),
        np.full(n, np.log1p(n), f32),
    ], axis=1).astype(f32)
    # Neighbours: how much prose, how many words, how much UI vocabulary around each line.
    ctx = window_means([long_prose, np.log1p(words), ui, stop])
    prose_score = np.clip(long_prose * 0.5 + 0.5 * (stop > 0.15) + 0.25 * end_terminal - 0.5 * (ui > 0.2), 0, 1)
    run, _a, _b = run_features(prose_score, words)
    X = np.concatenate([local, ctx, run], axis=1).astype(f32)
    return LineFeatures(lines, index, texts, words, ui, repeat_, X)


def stage2_features(feats: LineFeatures, p: np.ndarray) -> np.ndarray:
    """Stage-2 inputs: the stage-1 matrix plus the stage-1 probability smoothed over neighbours and the
    line's place relative to the densest run of likely-body lines."""
    n = len(p)
    if n == 0:
        return np.zeros((0, feats.X.shape[1] + 1 + len(STAGE2_WINDOWS) + 4 + 4), np.float32)
    p = p.astype(np.float32)
    sm = window_means([p], STAGE2_WINDOWS)
    run, a, b = run_features(p, feats.words)
    # Barrier: how many clearly-not-body lines lie between the line and the densest run ("Related",
    # "Comments", share buttons ... separate an article from the prose that follows it).
    cum = np.concatenate(([0], np.cumsum(p < BARRIER_P)))
    i = np.arange(n)
    barrier = np.where(i >= b, cum[i] - cum[min(b, n)], np.where(i < a, cum[a] - cum[i + 1], 0))
    # Previous / next line's probability: a body paragraph's neighbours are body or blank.
    prev = np.concatenate(([0.0], p[:-1])).astype(np.float32)
    nxt = np.concatenate((p[1:], [0.0])).astype(np.float32)
    return np.concatenate([feats.X, p[:, None], sm, run, prev[:, None], nxt[:, None],
                           np.full((n, 1), float(p.max()), np.float32), np.log1p(barrier)[:, None]],
                          axis=1).astype(np.float32)
