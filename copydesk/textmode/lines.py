"""Flattened text -> lines -> a feature matrix, computed with C-speed string methods and numpy.

Text mode must be fast (a line classifier must never be the slow part of a corpus job). At page sizes
numpy's per-call overhead, not arithmetic, is most of the cost, so features are computed for many
documents at once (`extract_features_many`; `extract_features` is the one-document case of it): every
per-character and per-token step runs once over all the documents' lines, context windows stop at each
document's bounds, and only the densest-run scan and repetition counts loop over documents.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import getitem

import numpy as np

from .vocab import CJK_UI, COMMENT_WORDS, STOP_WORDS, TIME_WORDS, UI_WORDS

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
# A "marker" line heads a comment or a teaser: comment words, a clock time, or time words in a short line.
MARKER_MAX_WORDS = 10
# Stage 2: runs of likely body (stage-1 probability >= RUN_P, gaps of at most RUN_GAP lines bridged).
RUN_P = 0.5
RUN_GAP = 1
# Half-width of the window over which the spread of line lengths is measured.
RHYTHM_WINDOW = 3
# Lines since the last / until the next marker line are capped here.
MARKER_DISTANCE_CAP = 50
# Interface phrases of scripts written without spaces, found anywhere in a short line.
CJK_UI_RE = re.compile("|".join(map(re.escape, CJK_UI)))
CJK_UI_MAX_CHARS = 40
CJK_UI_MIN_CP = min(ord(c) for w in CJK_UI for c in w)  # pages without such characters skip the search
# A caption candidate may have its label's colon within this many characters ("Photo: ...").
CAPTION_COLON_CHARS = 40
# A line is "prose-like" for the densest-run search when it has this many words and ends a sentence.
PROSE_MIN_WORDS = 8
# Penalty per word for non-prose lines in the densest-run search (a few menu lines do not split a body).
RUN_PENALTY_MIN = 3.0

FEATURE_NAMES = (
    "log_chars", "log_words", "end_terminal", "end_colon", "end_comma", "end_digit", "start_bullet",
    "start_digit", "start_lower", "upper_share", "log_indent", "comma_rate", "digit_share",
    "nav_sep", "ui_share", "ui_any", "stop_share", "log_repeat", "blank_before", "blank_after", "rel_pos",
    "no_space", "long_prose", "end_sentence", "case_junction", "cap_word_share", "words_vs_max",
    "log_doc_lines", "comment_share", "time_share", "clock", "at_sign", "marker", "markers_before",
    "markers_after", "since_marker", "until_marker",
)
# Columns averaged over the neighbourhood (WINDOWS) for stage 1.
CONTEXT_COLUMNS = ("long_prose", "log_words", "ui_share", "stop_share", "marker")
LONG_PROSE = FEATURE_NAMES.index("long_prose")
assert FEATURE_NAMES[2:9] == ("end_terminal", "end_colon", "end_comma", "end_digit", "start_bullet", "start_digit",
                              "start_lower") and FEATURE_NAMES[28:30] == ("comment_share", "time_share")


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
    marker: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))  # comment/teaser header lines
    # Where text mode looks for captions: the line ends with ")" or has a ":" in its first CAPTION_COLON_CHARS.
    caption_hint: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    upper_first: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))  # text[i][0].isupper()


def split_lines(text: str) -> list[str]:
    """Lines of any convention (\\n, \\r\\n, old Mac \\r), right-stripped."""
    return [ln.rstrip() for ln in _normalise(text).split("\n")]


def _normalise(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def window_means(cols: list[np.ndarray], windows: tuple[int, ...] = WINDOWS, lo_bound: np.ndarray | None = None,
                 hi_bound: np.ndarray | None = None) -> np.ndarray:
    """Mean of each column over [i-k, i+k] (clipped at the ends, or at each row's [lo_bound, hi_bound):
    its document's rows), for every i and every k in windows: an (n, len(windows) * len(cols)) matrix
    (window-major). One cumulative sum for all windows and columns; without bounds each window is two
    shifted slices of it (no gather): numpy's per-call overhead, not arithmetic, is the cost at page sizes."""
    m = len(cols)
    n = len(cols[0])
    kmax = max(windows)
    # columns as rows (contiguous cumsum), padded by kmax on both sides: c[:, kmax + j] = sum of x[:, :j]
    c = np.empty((m, n + 1 + 2 * kmax), np.float64)
    c[:, :kmax + 1] = 0
    np.cumsum(np.array(cols, np.float64) if m > 1 else cols[0][None].astype(np.float64), axis=1,
              out=c[:, kmax + 1:kmax + 1 + n])
    c[:, kmax + 1 + n:] = c[:, kmax + n:kmax + n + 1]
    out = np.empty((n, len(windows) * m), np.float32)
    if lo_bound is None and hi_bound is None:
        for w, k in enumerate(windows):
            cnt = _window_counts(n, k)
            out[:, w * m:(w + 1) * m] = ((c[:, kmax + k + 1:kmax + k + 1 + n] - c[:, kmax - k:kmax - k + n]) / cnt).T
        return out
    i = _arange(n)
    lo_b = np.zeros(n, np.int64) if lo_bound is None else lo_bound
    hi_b = np.full(n, n, np.int64) if hi_bound is None else hi_bound
    for w, k in enumerate(windows):
        lo = np.maximum(i - k, lo_b)
        hi = np.minimum(i + k + 1, hi_b)
        out[:, w * m:(w + 1) * m] = ((c[:, kmax + hi] - c[:, kmax + lo]) / (hi - lo)).T
    return out


_ARANGE = np.arange(4096)
# log1p(0), log1p(1), ...: distances are looked up, not computed (a table slice is one cheap call).
_LOG1P = np.log1p(_ARANGE).astype(np.float32)


def _arange(n: int) -> np.ndarray:
    global _ARANGE, _LOG1P
    if n > len(_ARANGE) - 2:
        _ARANGE = np.arange(2 * n + 2)
        _LOG1P = np.log1p(_ARANGE).astype(np.float32)
    return _ARANGE[:n]


def _window_counts(n: int, k: int) -> np.ndarray:
    """Rows in [i-k, i+k] clipped to [0, n), for every i."""
    i = _arange(n)
    return np.minimum(i + k + 1, n) - np.maximum(i - k, 0)


def densest_run(v: np.ndarray) -> tuple[int, int]:
    """[a, b) maximising sum(v[a:b]) (Kadane, vectorised); (0, 0) when every value is <= 0."""
    n = len(v)
    if n == 0:
        return 0, 0
    c = np.empty(n + 1, np.float64)
    c[0] = 0.0
    np.cumsum(v, dtype=np.float64, out=c[1:])
    mins = np.minimum.accumulate(c)
    b = int(np.argmax(c - mins))
    if c[b] - mins[b] <= 0:
        return 0, 0
    a = b - int(np.argmax(c[b::-1] == mins[b]))  # the last position <= b where the prefix minimum is met
    return a, b


def run_features(score: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, int, int]:
    """Where each line sits relative to the densest run of high `score` (score in [0, 1], 0.5 neutral):
    inside it, log distance before / after it, and the run's share of the document's weight."""
    n = len(score)
    v = (score - 0.5) * np.maximum(weight, RUN_PENALTY_MIN)
    a, b = densest_run(v)
    _arange(n)
    out = np.zeros((n, 4), np.float32)
    out[a:b, 0] = 1.0
    out[:a, 1] = _LOG1P[a:0:-1]  # log1p(a - i)
    out[b:, 2] = _LOG1P[1:n - b + 1]  # log1p(i - b + 1)
    total = float(weight.sum()) or 1.0
    out[:, 3] = float(weight[a:b].sum()) / total
    return out, a, b


# run_features_many takes the per-document path when a document holds this many words or more: below it
# float32 sums of word counts (whole or half numbers) are exact, so one float64 prefix sum gives the same
# shares as each document's own `weight.sum()`.
EXACT_WEIGHT_SUM = float(1 << 22)


def run_features_many(score: np.ndarray, weight: np.ndarray, starts: np.ndarray,
                      counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`run_features` of many documents held end to end (document k: rows starts[k] .. starts[k] + counts[k],
    every count > 0; `weight`: word counts): the same rows, and each document's run [a, b) in its own rows.
    Only Kadane's prefix sums and their running minimum are computed document by document (two numpy calls
    each, the same sums in the same order as `densest_run`); the rest runs once over all the rows."""
    n, nd = len(score), len(counts)
    if nd == 1:
        out, a, b = run_features(score, weight)
        return out, np.array([a]), np.array([b])
    v = (score - 0.5) * np.maximum(weight, RUN_PENALTY_MIN)
    wsum = np.zeros(n + 1, np.float64)
    np.cumsum(weight, dtype=np.float64, out=wsum[1:])
    totals = wsum[starts + counts] - wsum[starts]
    if (float(totals.max()) >= EXACT_WEIGHT_SUM or not np.isfinite(v).all()
            or not (np.floor(weight * 2) == weight * 2).all()):  # (then the per-document path is the exact one)
        out = np.empty((n, 4), np.float32)
        ab = np.empty((2, nd), np.int64)
        for k, (s, c) in enumerate(zip(starts.tolist(), counts.tolist(), strict=True)):
            out[s:s + c], ab[0, k], ab[1, k] = run_features(score[s:s + c], weight[s:s + c])
        return out, ab[0], ab[1]
    # Document k's prefix sums at rows seg[k] .. seg[k] + counts[k] of `c` (a 0 first), their running minimum in `m`.
    seg = starts + np.arange(nd)
    c = np.empty(n + nd, np.float64)
    m = np.empty(n + nd, np.float64)
    c[seg] = 0.0
    for s, k0, cnt in zip(seg.tolist(), starts.tolist(), counts.tolist(), strict=True):
        np.cumsum(v[k0:k0 + cnt], dtype=np.float64, out=c[s + 1:s + 1 + cnt])
        np.minimum.accumulate(c[s:s + 1 + cnt], out=m[s:s + 1 + cnt])
    gain = c - m
    doc_c = np.repeat(np.arange(nd), counts + 1)
    best = np.maximum.reduceat(gain, seg)
    hits = np.flatnonzero(gain == best[doc_c])
    b = hits[np.searchsorted(hits, seg)]  # each document's first maximum (argmax)
    pos = np.arange(n + nd)
    # the last row <= b where the prefix minimum at b is met
    a = np.maximum.reduceat(np.where((c == m[b][doc_c]) & (pos <= b[doc_c]), pos, -1), seg)
    none = best <= 0
    a = np.where(none, 0, a - seg)
    b = np.where(none, 0, b - seg)
    doc = np.repeat(np.arange(nd), counts)
    li = np.arange(n) - starts[doc]  # each row's place in its document
    ad, bd = a[doc], b[doc]
    _arange(int(counts.max()))  # (grows the log table when needed)
    out = np.empty((n, 4), np.float32)
    out[:, 0] = (li >= ad) & (li < bd)
    out[:, 1] = np.where(li < ad, _LOG1P[np.maximum(ad - li, 0)], 0)
    out[:, 2] = np.where(li >= bd, _LOG1P[np.maximum(li - bd + 1, 0)], 0)
    share = (wsum[starts + b] - wsum[starts + a]) / np.where(totals > 0, totals, 1.0)
    out[:, 3] = share[doc]
    return out, a, b


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
CHAR_FLAGS_ASCII = CHAR_FLAGS[:128].copy()
# Feature columns 2-5 (end_terminal, end_colon, end_comma, end_digit) and 6-8 (start_bullet, start_digit,
# start_lower) as flag tests of the line's last / first character.
LAST_CHAR_FLAGS = np.array([F_TERMINAL, F_COLON, F_COMMA, F_DIGIT], np.uint16)
FIRST_CHAR_FLAGS = np.array([F_BULLET, F_DIGIT, F_LOWER], np.uint16)
# Byte table for tokenising: ASCII punctuation and control characters become spaces.
_BT = bytearray(range(256))
for _c in range(256):
    if (_c < 32 and _c != 10) or chr(_c) in "!\"#$%&'()*+,-./:;<=>?[\\]^_`{|}~":
        _BT[_c] = 32
BYTE_TABLE = bytes(_BT)
NL_TOKEN = b"\x01"
# Token categories (bit flags) looked up for every word of the document in one pass.
T_UI, T_STOP, T_NL, T_COMMENT, T_TIME = 1, 2, 4, 8, 16


def _token_table() -> dict[bytes, int]:
    cat: dict[bytes, int] = {}
    for words, flag in ((UI_WORDS, T_UI), (STOP_WORDS, T_STOP), (COMMENT_WORDS, T_COMMENT), (TIME_WORDS, T_TIME)):
        for w in words:
            # Lower-casing is done on bytes (ASCII only), so add the capitalised forms of other scripts.
            for v in {w, w.capitalize(), w.upper()}:
                b = v.encode("utf8").lower()
                cat[b] = cat.get(b, 0) | flag
    cat[NL_TOKEN] = T_NL
    return cat


TOKEN_CAT = _token_table()
# Token category -> packed lanes (12 bits each): token count (the newline token excluded), UI, function,
# comment, time words.
LANE_BITS = 12
LANE_MASK = np.uint64((1 << LANE_BITS) - 1)
LANE_SHIFTS = np.arange(5, dtype=np.uint64) * np.uint64(LANE_BITS)
TOKEN_LANES = np.array([0 if c == T_NL else 1 + sum(int(bool(c & f)) << (LANE_BITS * k)
                                                      for k, f in enumerate((T_UI, T_STOP, T_COMMENT, T_TIME), 1))
                        for c in range(256)], np.uint64)
N_CONTEXT = len(CONTEXT_COLUMNS)
N_STAGE1 = len(FEATURE_NAMES) + N_CONTEXT * len(WINDOWS) + 2 + 4
# Columns of the joint window means (context columns plus the two rhythm ones, per window) that are features.
_CTX_COLS = np.array([w * (N_CONTEXT + 2) + j for w in range(len(WINDOWS)) for j in range(N_CONTEXT)])


_ZERO1 = np.zeros(1, np.int64)


def _empty(lines: list[str], index: np.ndarray) -> LineFeatures:
    z = np.zeros(0, np.float32)
    return LineFeatures(lines, index, [], z, z, z, np.zeros((0, N_STAGE1), np.float32))


def extract_features(text: str) -> LineFeatures:
    """Split `text` into lines and compute the stage-1 feature matrix of its non-empty lines."""
    return extract_features_many([text])[0]


def _segment_bounds(doc: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per line: the first line of its document and one past its last (row bounds for windows)."""
    lo = starts[doc]
    return lo, lo + counts[doc]


def extract_features_many(texts: Sequence[str]) -> list[LineFeatures]:
    """Stage-1 features of many documents at once (exactly what `extract_features` gives for each).

    The cost at page sizes is numpy's per-call overhead, not arithmetic: every step here runs once over
    all the documents' lines (and characters), windows and counts stopping at document bounds. Per-
    character flags come from one table lookup over the code points and are counted per line by a
    1-D reduceat per flag; words are categorised by one dict lookup per token. No per-line Python beyond builtin
    string methods; a loop over documents only for the densest prose run and repetition counts."""
    normed = [_normalise(t) for t in texts]
    nd = len(normed)
    # One split of all the documents joined (a C-level split, no per-line Python to flatten per-document lists).
    all_lines = "\n".join(normed).split("\n")
    stripped = list(map(str.strip, all_lines))
    slen_all = np.fromiter(map(len, stripped), np.int64, len(stripped))
    index_g = np.flatnonzero(slen_all)
    texts_all = list(filter(None, stripped))
    n = len(texts_all)
    if nd == 1:  # one document (extract_text): no per-document bookkeeping arrays to build
        line_off = _ZERO1
        doc = np.zeros(n, np.int64)
        counts = np.array([n], np.int64)
        dstart = _ZERO1
    else:
        line_counts = np.fromiter([t.count("\n") + 1 for t in normed], np.int64, nd)
        line_off = np.concatenate(([0], np.cumsum(line_counts)[:-1])).astype(np.int64)
        doc = np.repeat(np.arange(nd), line_counts)[index_g]
        counts = np.bincount(doc, minlength=nd).astype(np.int64)
        dstart = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    if nd == 1:
        docs = [all_lines]
    else:
        bounds = np.cumsum(line_counts).tolist()
        docs = [all_lines[a:b] for a, b in zip([0, *bounds][:nd], bounds, strict=True)]
    if n == 0:
        return [_empty(d, np.zeros(0, np.int64)) for d in docs]
    f32 = np.float32
    slen = slen_all[index_g]
    chars = slen.astype(f32)
    indent = np.fromiter(map(len, all_lines), np.int64, len(all_lines))[index_g].astype(f32) - chars
    joined = "\n".join(texts_all)
    if joined.isascii():  # most pages: one byte per character, flags from a 128-entry table (stays in cache)
        cps = np.frombuffer(joined.encode("ascii"), np.uint8)
        fl = CHAR_FLAGS_ASCII[cps]
    else:
        b16 = joined.encode("utf-16-le", "surrogatepass")
        if len(b16) == 2 * len(joined):  # no character outside the BMP: one 16-bit unit per character
            cps = np.frombuffer(b16, np.uint16)
            fl = CHAR_FLAGS[cps]
        else:
            cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), np.uint32)
            fl = CHAR_FLAGS[np.minimum(cps, 0xFFFF)]  # U+FFFF (a non-character) has no flags: stands for all above
    ends = np.cumsum(slen + 1) - 1  # position of each line's "\n" (one past its last char)
    starts = ends - slen
    first = fl[starts]
    last = fl[ends - 1]
    second = fl[np.maximum(ends - 2, starts)] * (chars > 1)
    up = (fl & F_UPPER) > 0
    lowc = (fl & F_LOWER) > 0
    digit = (fl & F_DIGIT) > 0
    space = cps == 32
    # Shifted views: the previous / next character of each position ("\n" before the first).
    prev_low = np.empty_like(lowc)
    prev_low[0] = False
    prev_low[1:] = lowc[:-1]
    prev_sp = np.empty_like(space)
    prev_sp[0] = True
    prev_sp[1:] = space[:-1] | (cps[:-1] == 10)
    clock = np.zeros_like(space)  # "12:45": a digit, a colon, a digit
    clock[1:-1] = (cps[1:-1] == 58) & digit[:-2] & digit[2:]
    planes = (space, (fl & F_COMMA) > 0, cps == 124, digit, up & prev_low, up & prev_sp, up, lowc, clock,
              cps == 64)
    # One 1-D reduceat per plane: many times faster than one reduceat along an axis of the stacked planes.
    spaces, commas, nav, dig, junction, capw, upper, lower, clocks, ats = (
        np.add.reduceat(pl.view(np.uint8), starts, dtype=np.int32).astype(f32) for pl in planes)
    upper_share = upper / np.maximum(upper + lower, 1)
    no_space = (chars / (spaces + 1) > NO_SPACE_CHARS_PER_WORD).astype(f32)
    words = np.where(no_space > 0, np.maximum(chars / CJK_CHARS_PER_WORD, 1), spaces + 1).astype(f32)
    end_sentence = ((last & F_SENTENCE) > 0) | (((last & F_QUOTE) > 0) & ((second & F_SENTENCE) > 0))
    # For text mode's caption and bio tests: `s[-1] == ")" or s.find(":", 0, CAPTION_COLON_CHARS) >= 0` and
    # `s[0].isupper()` of every line, from the code points (no per-line Python).
    caption_hint = cps[ends - 1] == ord(")")
    colons = np.flatnonzero(cps == ord(":"))
    if len(colons):
        on = np.searchsorted(ends, colons)  # the line of each colon
        caption_hint[on[colons - starts[on] < CAPTION_COLON_CHARS]] = True
    upper_first = (first & F_UPPER) > 0
    if cps.dtype == np.uint32:  # characters beyond U+FFFF have no flags: asked directly
        for k in np.flatnonzero(cps[starts] > 0xFFFF).tolist():
            upper_first[k] = texts_all[k][0].isupper()
    # Words of the interface, function words, comment and time words: every token in one pass.
    heads = "\n".join(map(getitem, texts_all, repeat(slice(0, TOKEN_PREFIX)))) if slen.max() > TOKEN_PREFIX else joined
    low = heads.encode("utf8", "surrogatepass").lower().translate(BYTE_TABLE)
    toks = low.replace(b"\n", b" \x01 ").split()
    cats = np.frombuffer(bytes(map(TOKEN_CAT.get, toks, repeat(0))), np.uint8)
    # Per-line counts of every category at once: each token's categories packed into 12-bit lanes of one
    # uint64 (a line holds at most TOKEN_PREFIX characters of tokens, far below a lane's capacity), one
    # cumulative sum, differences at the newline tokens (modular arithmetic keeps each lane exact).
    cs = np.cumsum(TOKEN_LANES[cats])
    bnd = np.zeros(n + 1, np.uint64)
    if len(cs):
        bnd[1:n] = cs[np.flatnonzero(cats == T_NL)]
        bnd[n] = cs[-1]
    lanes = ((np.subtract(bnd[1:], bnd[:-1])[:, None] >> LANE_SHIFTS) & LANE_MASK).astype(f32)
    ntok = np.maximum(lanes[:, 0], 1)
    tok_cnt = lanes[:, 1:]
    tok_cnt /= ntok[:, None]
    ui, stop, comment, timew = tok_cnt.T
    big = np.flatnonzero(cps >= CJK_UI_MIN_CP) if cps.dtype != np.uint8 else ()
    if len(big):  # interface phrases of scripts without spaces: short lines holding one (only the short
        # lines with a character of those phrases' range are searched)
        has_big = np.zeros(n, bool)
        has_big[np.searchsorted(ends, big)] = True
        short_idx = np.flatnonzero(has_big & (slen <= CJK_UI_MAX_CHARS))
        short_text = "\n".join([texts_all[k] for k in short_idx.tolist()])
        hits = [m.start() for m in CJK_UI_RE.finditer(short_text)]
        if hits:
            at = short_idx[np.searchsorted(np.cumsum(slen[short_idx] + 1) - 1, hits)]
            ui[at] = np.maximum(ui[at], 1.0)
    # Repetition within each document.
    rep_parts = []
    for a, c in zip(dstart.tolist(), counts.tolist(), strict=True):
        seg = texts_all[a:a + c]
        cnt_d = Counter(seg)
        rep_parts.append(np.fromiter(map(cnt_d.__getitem__, seg), f32, c))
    repeat_ = np.concatenate(rep_parts) if nd != 1 else rep_parts[0]
    i_n = np.arange(n)
    if nd == 1:
        lo_b, hi_b = np.zeros(n, np.int64), np.full(n, n, np.int64)
    else:
        lo_b, hi_b = _segment_bounds(doc, dstart, counts)  # each line's document: rows [lo_b, hi_b)
    first_in_doc = i_n == lo_b
    last_in_doc = i_n == hi_b - 1
    gap = np.diff(index_g) > 1
    blank_before = (np.concatenate(([True], gap)) | first_in_doc).astype(f32)
    blank_after = (np.concatenate((gap, [True])) | last_in_doc).astype(f32)
    nd_lines = counts[doc]
    rel = ((i_n - lo_b).astype(f32) / np.maximum(nd_lines - 1, 1)).astype(f32)
    long_prose = ((words >= PROSE_MIN_WORDS) & end_sentence).astype(f32)
    # Comment and teaser headers: short lines with a reply/said word, a clock time, or a date.
    short = words <= MARKER_MAX_WORDS
    marker = (short & ((comment > 0) | (clocks > 0) | ((timew > 0) & (dig > 0)))).astype(f32)
    mcum_g = np.cumsum(marker)
    base = np.concatenate(([0.0], mcum_g))[lo_b]
    mcum = mcum_g - base
    mtot = mcum_g[hi_b - 1] - base
    # lines since the last marker line and until the next one in the document (capped): comments follow
    # their headers
    last_mk = np.maximum.accumulate(np.where(marker > 0, i_n, -1))
    next_mk = np.minimum.accumulate(np.where(marker > 0, i_n, n)[::-1])[::-1]
    since_raw = np.where(last_mk >= lo_b, i_n - last_mk, MARKER_DISTANCE_CAP)
    until_raw = np.where(next_mk < hi_b, next_mk - i_n, MARKER_DISTANCE_CAP)
    since = np.log1p(np.minimum(since_raw, MARKER_DISTANCE_CAP))
    until = np.log1p(np.minimum(until_raw, MARKER_DISTANCE_CAP))
    log_words = np.log1p(words)
    wmax = np.maximum.reduceat(words, dstart[counts > 0])
    words_max = np.repeat(wmax, counts[counts > 0])
    # Written column by column into the final matrix (a 37-array np.stack costs more than the arithmetic).
    X = np.empty((n, N_STAGE1), f32)
    # How the line ends and starts: flag tests of the last / first character, one broadcast op each.
    X[:, 2:6] = (last[:, None] & LAST_CHAR_FLAGS) > 0
    X[:, 6:9] = (first[:, None] & FIRST_CHAR_FLAGS) > 0
    X[:, 28:30] = tok_cnt[:, 2:4]  # comment_share, time_share
    local_cols = (
        (0, np.log1p(chars)), (1, log_words), (9, upper_share),
        (10, np.log1p(indent)), (11, commas / words), (12, dig / chars), (13, np.minimum(nav, 5) / 5), (14, ui),
        (15, ui > 0), (16, stop), (17, np.log(repeat_)), (18, blank_before), (19, blank_after), (20, rel),
        (21, no_space), (22, long_prose), (23, end_sentence), (24, np.minimum(junction, 3) / 3),
        (25, np.minimum(capw / words, 1)), (26, words / words_max), (27, np.log1p(nd_lines).astype(f32)),
        (30, np.minimum(clocks, 2) / 2), (31, ats > 0), (32, marker), (33, np.log1p(mcum - marker)),
        (34, np.log1p(mtot - mcum)), (35, since), (36, until),
    )
    for k, col in local_cols:
        X[:, k] = col
    # Neighbours: how much prose, how many words, how much UI and comment vocabulary around each line; and
    # the rhythm of line lengths (teasers and comments alternate short headers with prose).
    # Rhythm: the spread of line lengths around the line, and alternation: a line far in length from its
    # neighbour but close to the line two away (headline / summary / headline ..., or commenter / comment /
    # commenter ...), averaged over the neighbourhood. All window means in one call.
    prev1 = np.concatenate((log_words[:1], log_words[:-1]))
    prev2 = np.concatenate((log_words[:2], log_words[:-2]))[:n]
    d1 = np.where(i_n - 1 >= lo_b, np.abs(log_words - prev1), 0)
    d2 = np.where(i_n - 2 >= lo_b, np.abs(log_words - prev2), 0)
    bounds = (None, None) if nd == 1 else (lo_b, hi_b)
    wm = window_means([long_prose, log_words, ui, stop, marker, log_words * log_words, d1 - d2], WINDOWS, *bounds)
    nl = len(FEATURE_NAMES)
    X[:, nl:nl + N_CONTEXT * len(WINDOWS)] = wm[:, _CTX_COLS]
    r0 = len(CONTEXT_COLUMNS) + 2
    rw = WINDOWS.index(RHYTHM_WINDOW) * r0
    sq, alt = wm[:, rw + N_CONTEXT], wm[:, rw + N_CONTEXT + 1]
    mean_lw = wm[:, rw + CONTEXT_COLUMNS.index("log_words")]
    c0 = nl + N_CONTEXT * len(WINDOWS)
    X[:, c0] = np.sqrt(np.maximum(sq - mean_lw * mean_lw, 0))
    X[:, c0 + 1] = alt
    prose_score = np.clip(long_prose * 0.5 + 0.5 * (stop > 0.15) + 0.25 * X[:, 2] - 0.5 * (ui > 0.2), 0, 1)
    has = counts > 0
    X[:, c0 + 2:c0 + 6] = run_features_many(prose_score, words, dstart[has], counts[has])[0]
    out = []
    for k in range(nd):
        a, c = int(dstart[k]), int(counts[k])
        if c == 0:
            out.append(_empty(docs[k], np.zeros(0, np.int64)))
            continue
        sl = slice(a, a + c)
        out.append(LineFeatures(docs[k], index_g[sl] - line_off[k], texts_all[sl], words[sl], ui[sl],
                                repeat_[sl], X[sl], marker[sl], caption_hint[sl], upper_first[sl]))
    return out


def _runs(body: np.ndarray, weight: np.ndarray, gap: int) -> tuple[np.ndarray, np.ndarray]:
    """Runs of `body` lines, bridging gaps of at most `gap` other lines: (run id per line, -1 outside any
    run; total weight of each run)."""
    n = len(body)
    idx = np.flatnonzero(body)
    rid = np.full(n, -1, np.int64)
    if len(idx) == 0:
        return rid, np.zeros(0)
    new = np.concatenate(([True], np.diff(idx) > gap + 1))
    r = np.cumsum(new) - 1
    # every line from a run's first to its last body line belongs to it (bridged gaps included)
    first = idx[new]
    last = idx[np.concatenate((new[1:], [True]))]
    inside = np.cumsum(np.bincount(first, minlength=n + 1)[:n] - np.bincount(last + 1, minlength=n + 1)[:n]) > 0
    run_no = np.cumsum(np.bincount(first, minlength=n)[:n]) - 1
    rid[inside] = run_no[inside]
    w = np.bincount(r, weights=weight[idx], minlength=int(r[-1]) + 1)
    return rid, w


def stage2_features(feats: LineFeatures, p: np.ndarray) -> np.ndarray:
    """Stage-2 inputs: the stage-1 matrix plus the stage-1 probability smoothed over neighbours, the
    line's place relative to the densest run of likely-body lines, and document-level structure: the
    run of likely body the line belongs to (its weight against the main run's, how many runs lie
    between), and the comment/teaser markers between the main run and the line. Written into one
    preallocated matrix with slices (few numpy calls: their overhead is the cost at page sizes)."""
    n = len(p)
    d = feats.X.shape[1]
    out = np.empty((n, d + N_STAGE2_EXTRA), np.float32)
    if n == 0:
        return out
    p = p.astype(np.float32, copy=False)
    out[:, :d] = feats.X
    c = d + len(STAGE2_WINDOWS)
    out[:, d:c] = window_means([p], STAGE2_WINDOWS)
    run, a, b = run_features(p, feats.words)
    out[:, c:c + 4] = run
    e = c + 4  # the extra columns: p, prev, next, max, barrier, after/within markers, run share, main, between
    _arange(n)
    out[:, e] = p
    out[0, e + 1] = 0.0
    out[1:, e + 1] = p[:-1]
    out[:-1, e + 2] = p[1:]
    out[n - 1, e + 2] = 0.0
    out[:, e + 3] = p.max()
    # Barrier: how many clearly-not-body lines lie between the line and the densest run ("Related",
    # "Comments", share buttons ... separate an article from the prose that follows it).
    cum = np.zeros(n + 1, np.int64)
    np.cumsum(p < BARRIER_P, out=cum[1:])
    barrier = np.zeros(n, np.int64)
    barrier[b:] = cum[b:n] - cum[b]
    barrier[:a] = cum[a] - cum[1:a + 1]
    out[:, e + 4] = _LOG1P[barrier]
    # Comment / teaser headers between the densest run and the line (after it) or within the run before it.
    mk = np.zeros(n + 1, np.int64)
    np.cumsum(feats.marker > 0, out=mk[1:])
    after = np.zeros(n, np.int64)
    after[b:] = mk[b:n] - mk[b]
    out[:, e + 5] = _LOG1P[after]
    within = np.zeros(n, np.int64)
    within[a:b] = mk[a:b] - mk[a]
    out[:, e + 6] = _LOG1P[within]
    # Runs of likely body: the line's run against the heaviest one.
    rid, rw = _runs(p >= RUN_P, feats.words * p, RUN_GAP)
    if len(rw):
        main = int(np.argmax(rw))
        out[:, e + 7] = np.where(rid >= 0, rw[np.maximum(rid, 0)] / max(float(rw[main]), 1e-6), 0.0)
        out[:, e + 8] = rid == main
        # runs between the line's run (or its position) and the main run
        rno = np.maximum.accumulate(np.where(rid >= 0, rid, -1))
        out[:, e + 9] = _LOG1P[np.maximum(np.abs(rno - main) - (rid < 0) * (rno < main), 0)]
    else:
        out[:, e + 7:e + 10] = 0.0
    return out


N_STAGE2_EXTRA = len(STAGE2_WINDOWS) + 4 + 10


def stacked_rows(parts: Sequence[np.ndarray]) -> np.ndarray:
    """The rows of `parts` end to end, as `np.concatenate(parts)` (read-only use): without a copy when the
    non-empty parts are consecutive row blocks of one C-contiguous matrix, as the documents of one
    extract_features_many batch are, a view of those rows."""
    full = [a for a in parts if len(a)]
    if len(full) < 2:
        return full[0] if full else np.concatenate(parts)
    base = full[0].base
    if base is None or base.ndim != 2 or not base.flags.c_contiguous:
        return np.concatenate(parts)
    row = base.strides[0]
    at = full[0].__array_interface__["data"][0]
    start, rem = divmod(at - base.__array_interface__["data"][0], row)
    for a in full:
        if (a.base is not base or a.strides != base.strides or a.shape[1:] != base.shape[1:]
                or a.__array_interface__["data"][0] != at):
            return np.concatenate(parts)
        at += len(a) * row
    return base[start:start + sum(map(len, full))] if rem == 0 else np.concatenate(parts)


def stage2_features_many(feats: list[LineFeatures], p: np.ndarray) -> np.ndarray:
    """`stage2_features` of many documents at once: `p` holds their stage-1 probabilities end to end, the
    result their stage-2 rows end to end (exactly what stage2_features gives for each)."""
    counts = np.fromiter((len(f.text) for f in feats), np.int64, len(feats))
    n = int(counts.sum())
    width = (feats[0].X.shape[1] if feats else N_STAGE1) + N_STAGE2_EXTRA
    if n == 0:
        return np.zeros((0, width), np.float32)
    keep = [f for f in feats if len(f.text)]
    counts = counts[counts > 0]
    nd = len(counts)
    dstart = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    doc = np.repeat(np.arange(nd), counts)
    lo_b, hi_b = _segment_bounds(doc, dstart, counts)
    words = np.concatenate([f.words for f in keep]) if nd > 1 else keep[0].words
    marker = np.concatenate([f.marker for f in keep]) if nd > 1 else keep[0].marker
    X = stacked_rows([f.X for f in keep])
    p = p.astype(np.float32)
    sm = window_means([p], STAGE2_WINDOWS, lo_b, hi_b)
    # Densest run of likely body, per document.
    run, a_k, b_k = run_features_many(p, words, dstart, counts)
    a, b = (dstart + a_k)[doc], (dstart + b_k)[doc]
    i = np.arange(n)
    cum = np.concatenate(([0], np.cumsum(p < BARRIER_P)))
    barrier = np.where(i >= b, cum[i] - cum[np.minimum(b, hi_b)], np.where(i < a, cum[a] - cum[i + 1], 0))
    mk = np.concatenate(([0.0], np.cumsum(marker)))
    after_markers = np.where(i >= b, mk[i] - mk[np.minimum(b, hi_b)], 0.0)
    within_markers = np.where((i >= a) & (i < b), mk[i] - mk[a], 0.0)
    # Runs of likely body within each document; the heaviest one is the document's main run.
    body = p >= RUN_P
    idx = np.flatnonzero(body)
    share = np.zeros(n)
    is_main = np.zeros(n, np.float32)
    runs_between = np.zeros(n)
    if len(idx):
        new = np.concatenate(([True], (np.diff(idx) > RUN_GAP + 1) | (np.diff(doc[idx]) != 0)))
        r = np.cumsum(new) - 1
        first = idx[new]
        last = idx[np.concatenate((new[1:], [True]))]
        inside = np.cumsum(np.bincount(first, minlength=n + 1)[:n] - np.bincount(last + 1, minlength=n + 1)[:n]) > 0
        run_no = np.cumsum(np.bincount(first, minlength=n)[:n]) - 1
        rid = np.where(inside, run_no, -1)
        rw = np.bincount(r, weights=(words * p)[idx], minlength=int(r[-1]) + 1)
        run_doc = doc[first]
        # the document's first run and its heaviest (the first of equal weights, as argmax)
        has = np.zeros(nd, bool)
        has[run_doc] = True
        seg = np.flatnonzero(np.concatenate(([True], np.diff(run_doc) != 0)))
        first_run = np.full(nd, -1, np.int64)
        first_run[run_doc[seg]] = seg
        best = np.maximum.reduceat(rw, seg)
        cand = np.flatnonzero(rw == best[np.searchsorted(seg, np.arange(len(rw)), side="right") - 1])
        main_run = np.full(nd, -1, np.int64)
        main_run[run_doc[cand][::-1]] = cand[::-1]  # the first candidate per document wins
        d_has = has[doc]
        main = main_run[doc]
        local_main = main - first_run[doc]
        share = np.where(d_has & (rid >= 0), rw[np.maximum(rid, 0)] / np.maximum(rw[np.maximum(main, 0)], 1e-6), 0.0)
        is_main = (d_has & (rid == main)).astype(np.float32)
        rno_g = np.maximum.accumulate(np.where(rid >= 0, rid, -1))
        rno = np.where(rno_g >= first_run[doc], rno_g - first_run[doc], -1)
        between = np.abs(rno - local_main) - (rid < 0) * (rno < local_main)
        runs_between = np.where(d_has, between, 0)
    prev = np.where(i > lo_b, np.concatenate(([0.0], p[:-1])), 0.0)
    nxt = np.where(i < hi_b - 1, np.concatenate((p[1:], [0.0])), 0.0)
    pmax = np.maximum.reduceat(p, dstart)[doc]
    extra = (p, prev, nxt, pmax, np.log1p(barrier), np.log1p(after_markers), np.log1p(within_markers), share,
             is_main, np.log1p(np.maximum(runs_between, 0)))
    # Written into one float32 matrix (assignment rounds as astype would; no float64 copy of the whole).
    d, w = X.shape[1], sm.shape[1]
    out = np.empty((n, d + w + 4 + len(extra)), np.float32)
    out[:, :d] = X
    out[:, d:d + w] = sm
    out[:, d + w:d + w + 4] = run
    for k, col in enumerate(extra, d + w + 4):
        out[:, k] = col
    return out
