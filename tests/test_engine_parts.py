"""The engine's small pure parts: class/id evidence, datelines, UI phrases, container indices."""
from __future__ import annotations

import numpy as np
import pytest

from copydesk import heuristics as H
from copydesk.blas import _controller, one_blas_thread
from copydesk.dom import parse
from copydesk.score import Containers, is_dateline
from copydesk.segment import _class_evidence, segment


@pytest.mark.parametrize(("sig", "neg", "pos", "bits"), [
    ("article-body main", 0, 3, 0),  # article, body, main
    ("Article_Body", 0, 2, 0),  # upper case and underscores split like any separator
    ("sidebar widget", 2, 0, 0),
    ("comment-list comments", 3, 0, H.F_COMMENT),  # "comment", "list", "comments"
    ("wp-caption alignleft", 1, 0, H.F_CAPTION),  # "caption" as a token and as a substring
    ("byline", 1, 0, H.F_BYLINE),
    ("sr-only", 0, 0, H.F_HIDDEN),
    ("hidden-xs", 1, 0, 0),  # hides on small screens only: a negative token, not the hidden flag
    ("ÄrticlÉ-body contenu", 0, 1, 0),  # non-ASCII: only the ASCII tokens count ("body")
    ("", 0, 0, 0),
])
def test_class_evidence(sig: str, neg: int, pos: int, bits: int) -> None:
    got_neg, got_pos, got_bits = _class_evidence.__wrapped__(sig)
    toks = {t for t in H.TOKEN_SPLIT.split(sig.lower()) if t}
    # the counts are those of whole vocabulary tokens, whatever the splitting code does
    assert got_neg == len(toks & H.NEGATIVE_TOKENS)
    assert got_pos == len(toks & H.POSITIVE_TOKENS)
    assert (got_neg, got_pos, got_bits) == (neg, pos, bits)


@pytest.mark.parametrize(("text", "expected"), [
    ("Nov. 18, 2019 7:04 pm ET", 1.0),
    ("18 November 2019", 1.0),
    ("Updated 26.11.2026", 1.0),
    ("Sept 9", 1.0),
    ("ноя 5", 1.0),
    ("2026年11月26日", 1.0),
    ("2026년 11월", 1.0),
    ("Novak 18", 1.0),  # month-like word before a day number: the same signal as before, by design
    ("Chapter 18", 0.0),
    ("xnov 18", 0.0),  # a month only at the start of a word
    ("Nov 123", 0.0),  # a day has at most two digits
    ("We met on Nov. 18.", 0.0),  # a sentence, not a dateline
    ("Menu", 0.0),
])
def test_dateline(text: str, expected: float) -> None:
    assert is_dateline(text) == expected


def test_every_ui_phrase_holds_a_space() -> None:
    # score.py skips the phrase search on segments without a space; a one-word phrase would be missed
    assert all(" " in p for p in H.UI_PHRASES)


def test_containers_index_the_enclosing_blocks() -> None:
    tree, _ = parse("<html><body><div><section><p>one two three</p><p>four five</p></section>"
                    "<p>six seven</p></div></body></html>")
    segs = segment(tree.body)
    assert [s.text for s in segs] == ["one two three", "four five", "six seven"]
    cont = Containers(segs)
    assert cont.level.shape == (3, 4)
    # the two paragraphs in <section> share their parent; the third's parent is the <div>, their grandparent
    assert cont.level[0, 0] == cont.level[1, 0]
    assert cont.level[2, 0] == cont.level[0, 1]
    assert np.array_equal(cont.sums(np.array([3.0, 2.0, 2.0])), np.bincount(cont.elem, weights=np.array(
        [3.0, 2.0, 2.0])[cont.seg], minlength=cont.n_elems))
    assert cont.sums(np.array([3.0, 2.0, 2.0]))[cont.level[0, 1]] == 7.0  # the div holds all three


def test_one_blas_thread_limits_and_restores() -> None:
    def threads() -> list[int]:
        return [lib.num_threads for lib in _controller().lib_controllers if lib.user_api == "blas"]

    before = threads()
    with one_blas_thread():
        assert all(t == 1 for t in threads())
        with one_blas_thread():  # nested: still one thread, and the outer limit is kept on leaving
            assert all(t == 1 for t in threads())
        assert all(t == 1 for t in threads())
    assert threads() == before
