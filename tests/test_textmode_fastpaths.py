"""Text mode's batched and vectorised shortcuts agree with the straightforward computations they replace
(small hand-written inputs; they exist for speed only, so any disagreement is a bug)."""
from __future__ import annotations

import re

import numpy as np

from copydesk.article import Removed
from copydesk.blas import one_blas_thread
from copydesk.textmode import REASONS, _removed
from copydesk.textmode.lines import (
    CAPTION_COLON_CHARS,
    CJK_UI,
    CJK_UI_MAX_CHARS,
    CJK_UI_RE,
    extract_features,
    extract_features_many,
    run_features,
    run_features_many,
    stacked_rows,
    stage2_features,
    stage2_features_many,
)
from copydesk.textmode.model import MLP, PREDICT_BLOCK_ROWS, load_model
from copydesk.textmode.roles import (
    BIO_COVERS,
    BIO_IS,
    BYLINE,
    BYLINE_MAX_WORDS,
    CREDIT_HEAD,
    NOT_NAME_START,
    bio_author,
    byline_authors,
)

LINES = [
    "Photo: a crowd gathers in the square",
    "The minister speaks to reporters outside the parliament building on Friday. (John Smith/Example Agency)",
    "A label far away" + " x" * 20 + ": not a caption label",
    "x" * (CAPTION_COLON_CHARS - 1) + ": colon at the last place that counts",
    "x" * CAPTION_COLON_CHARS + ": colon one place too far",
    "ends with a bracket)",
    "Image | Jane Doe",
    "𝐀 bold capital opens this line (outside the BMP)",
    "𐐨 a small Deseret letter opens this one",
    "ünïcode Ärger über Öl: (sic)",
    "By Jane Doe and John Roe",
    "by " + "word " * 20,
    "東京の記事です。",
    "lower case start with nothing else",
]


def _docs() -> list[str]:
    prose = ("The river rose by two metres overnight and the council closed the lower road to traffic. "
             "Residents on the north bank were asked to move their cars before the morning tide.")
    return ["\n".join(LINES), "", "Menu\nHome", f"Title\n\n{prose}\n{prose}\nReply", "only one line",
            "\n\n\n", "\n".join(LINES[::-1]) + f"\n{prose}"]


def test_line_hints_equal_the_string_tests() -> None:
    for feats in (extract_features_many(_docs()), [extract_features(d) for d in _docs()]):
        for f in feats:
            assert f.caption_hint.tolist() == [s[-1] == ")" or s.find(":", 0, CAPTION_COLON_CHARS) >= 0
                                               for s in f.text]
            assert f.upper_first.tolist() == [s[0].isupper() for s in f.text]


def _runs_per_doc(score: np.ndarray, weight: np.ndarray, counts: list[int]):
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    return starts, [run_features(score[s:s + c], weight[s:s + c]) for s, c in zip(starts, counts, strict=True)]


def test_run_features_many_equals_one_document_at_a_time() -> None:
    rng = np.random.default_rng(7)
    for counts in ([1], [3, 1, 5], [1, 1, 1], [40, 2, 17, 9], [6, 30]):
        n = sum(counts)
        # word counts (whole, or halves for text without spaces) and scores on a quarter grid, as in stage 1;
        # then probabilities, as in stage 2
        weight = (rng.integers(1, 60, n) / rng.choice([1, 2], n)).astype(np.float32)
        for score in (rng.integers(0, 5, n).astype(np.float32) / 4, rng.random(n).astype(np.float32),
                      np.zeros(n, np.float32)):  # (all-zero scores: no run at all)
            starts, expect = _runs_per_doc(score, weight, counts)
            out, a, b = run_features_many(score, weight, starts, np.array(counts, np.int64))
            assert np.array_equal(out, np.concatenate([e[0] for e in expect]))
            assert a.tolist() == [e[1] for e in expect] and b.tolist() == [e[2] for e in expect]


def test_run_features_many_falls_back_where_sums_may_round() -> None:
    weight = np.array([1.5, 2.25, 1e7, 3.0, 1.0], np.float32)  # quarter words and a huge line
    score = np.array([1.0, 0.9, 0.2, 1.0, 0.0], np.float32)
    starts, expect = _runs_per_doc(score, weight, [2, 3])
    out, a, b = run_features_many(score, weight, starts, np.array([2, 3], np.int64))
    assert np.array_equal(out, np.concatenate([e[0] for e in expect]))
    assert a.tolist() == [e[1] for e in expect] and b.tolist() == [e[2] for e in expect]


def test_stage2_many_equals_one_document_at_a_time() -> None:
    feats = [f for f in extract_features_many(_docs()) if len(f.text)]
    rng = np.random.default_rng(2)
    p = rng.random(sum(len(f.text) for f in feats)).astype(np.float32)
    cuts = np.cumsum([len(f.text) for f in feats])[:-1]
    one = np.concatenate([stage2_features(f, q) for f, q in zip(feats, np.split(p, cuts), strict=True)])
    many = stage2_features_many(feats, p)
    assert many.dtype == np.float32 and np.array_equal(one, many)


def test_mlp_predict_equals_the_formula() -> None:
    model = load_model()
    mlp = model.stage1 if model is not None else MLP(
        np.zeros(4, np.float32), np.ones(4, np.float32), np.ones((4, 3), np.float32), np.zeros(3, np.float32),
        np.ones(3, np.float32), 0.1)
    W1, b1 = mlp._folded
    rng = np.random.default_rng(5)
    for n in (1, 7, 1500):
        for dtype in (np.float32, np.float64):
            X = (3 * rng.standard_normal((n, len(W1)))).astype(dtype)
            with one_blas_thread():  # (products on BLAS threads may round differently)
                z = np.concatenate([np.maximum(X[i:i + PREDICT_BLOCK_ROWS] @ W1 + b1, 0) @ mlp.W2
                                    for i in range(0, n, PREDICT_BLOCK_ROWS)]) + mlp.b2
            expect = (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).astype(np.float32)
            assert np.array_equal(mlp.predict(X), expect)


def _removed_plain(lines: list[str], body: np.ndarray, role: dict[int, tuple[str, str]],
                   codes: np.ndarray) -> list[Removed]:
    out, i, n = [], 0, len(lines)
    while i < n:
        if i in role:
            out.append(Removed(role[i][0], lines[i], role[i][1]))
            i += 1
        elif not body[i]:
            j, code = i, 0
            while j < n and not body[j] and j not in role:
                code |= int(codes[j])
                j += 1
            out.append(Removed("boilerplate", "\n".join(lines[i:j]), REASONS[code]))
            i = j
        else:
            i += 1
    return out


def test_removed_runs_equal_a_plain_scan() -> None:
    lines = [f"line {k}" for k in range(9)]
    codes = np.array([1, 2, 4, 8, 16, 3, 5, 0, 9], np.int64)
    for body_bits in ("000000000", "111111111", "100110001", "011001110", "010101010"):
        body = np.array([c == "1" for c in body_bits])
        for role in ({}, {0: ("title", "t")}, {2: ("caption", "c"), 3: ("bio", "b"), 8: ("bio", "b")}):
            assert _removed(lines, body.copy(), role, codes) == _removed_plain(lines, body, role, codes)


def _byline_plain(line: str) -> list[str]:
    if len(line.split(None, BYLINE_MAX_WORDS)) > BYLINE_MAX_WORDS:
        return []
    m = BYLINE.match(line.strip())
    if not m:
        return []
    parts = re.split(r"\s*(?:,|\band\b|\bund\b|\bet\b|\by\b|\be\b|&)\s*", m.group("names"))
    return [p.strip() for p in parts if len(p.split()) >= 2]


def test_role_prechecks_keep_the_regex_answers() -> None:
    lines = [*LINES, "Photo | AP", "Foto: Jane Doe", "Credit Getty Images: a view", "   By Jane Doe",
             "Photo credit (AP)", "PHOTO BY Jane Doe (Reuters)", "By Jane Doe, John Roe and Ann Poe for the Planet"]
    for s in lines:
        if ":" not in s and "|" not in s:  # is_caption skips the label pattern on these lines
            assert CREDIT_HEAD.match(s) is None
        assert byline_authors(s) == _byline_plain(s)


def test_stacked_rows_equal_concatenate() -> None:
    feats = extract_features_many(_docs())
    parts = [f.X for f in feats]
    view = stacked_rows(parts)
    assert view.base is not None and np.array_equal(view, np.concatenate(parts))  # a batch: no copy
    m = np.arange(24, dtype=np.float32).reshape(8, 3)
    for parts in ([m[0:2], m[2:5]], [m[0:2], m[3:5]], [m[2:5], m[0:2]], [m[1:3], np.zeros((0, 3))],
                  [m[:0], m[4:8]], [m.copy()[0:2], m[2:4]], [m[0:2, :2], m[2:4, :2]]):
        out = stacked_rows(parts)
        assert out.shape == np.concatenate(parts).shape and np.array_equal(out, np.concatenate(parts))


def _bio_plain(line: str) -> str | None:
    w = line.split(None, 2)
    if len(w) < 3 or not ("A" <= w[1][0] <= "Z"):
        return None
    m = BIO_IS.match(line) or BIO_COVERS.match(line)
    if not m:
        return None
    name = m.group("name")
    if name.split()[0] in NOT_NAME_START or not name[0].isupper():
        return None
    return name.rstrip(".,")


def test_bio_precheck_keeps_the_pattern_answers() -> None:
    lines = [*LINES, "Jane Doe is a staff writer at the Daily Planet.", "Jane Q. Doe, is the paper's correspondent.",
             "Mary Ann Lee Jones was the editor of the weekly.", "Mary Ann Lee Jones Smith was the editor.",
             "Jane Doe has been a reporter since 2001.", "Jane Doe serves as the paper's critic.",
             "Jane Doe joined the paper in 2019 as a reporter.", "Jane  Doe covers science for the Planet.",
             "Jane Doe writes about food for the weekend section.", "Jane Doe reports on courts for the paper.",
             "Jane Doe ,is a writer.", "The Council is a body of elected members.", "  Jane Doe is a writer.",
             "Jane Doe\tis\ta\twriter", "Jane Doe\u00a0is a writer.", "Jane is a writer.", "Jane Doe"]
    for s in lines:
        assert bio_author(s) == _bio_plain(s), s


def test_cjk_interface_phrases_found_on_short_lines_only() -> None:
    phrase = CJK_UI[0]
    docs = [f"{phrase}\n東京の記事です。\n{'東京の記事です。' * 6}{phrase}\nplain words here", "Home\nabout 𝐀 us",
            f"x {phrase} y\nno phrase in this one"]
    for f in extract_features_many(docs):
        for s, u in zip(f.text, f.ui.tolist(), strict=True):
            if len(s) <= CJK_UI_MAX_CHARS and CJK_UI_RE.search(s):
                assert u >= 1.0, s
            elif s[0] in "東n":  # no phrase, or too long to be an interface line; no interface words either
                assert u < 1.0, s
