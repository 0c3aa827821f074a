"""Text mode's fast paths give exactly what the plain formulas give (they exist for speed only)."""
from __future__ import annotations

import numpy as np

from copydesk.textmode import _sniff, extract_text
from copydesk.textmode.lines import (
    N_STAGE2_EXTRA,
    densest_run,
    extract_features,
    extract_features_many,
    run_features,
    stage2_features,
    stage2_features_many,
    window_means,
)
from copydesk.textmode.roles import bio_author, byline_authors

PROSE = ("The river rose by two metres overnight and the council closed the lower road to traffic. "
         "Residents on the north bank were asked to move their cars before the morning tide.")


def _doc(k: int) -> str:
    menu = "Home | News | Sport\nSign in\nSubscribe"
    body = "\n\n".join(f"{PROSE} Paragraph {j} of story {k}." for j in range(3 + k % 4))
    tail = "\n".join(f"reader{j} on May {j + 1}, 2021 at 9:1{j} pm said:\nI agree with this.\nReply" for j in range(k % 3))
    return f"{menu}\n\nStory number {k} about the river\n\n{body}\n\n{tail}\nPrivacy Policy"


def test_window_means_fast_path_equals_bounded_path() -> None:
    rng = np.random.default_rng(3)
    for n in (1, 2, 5, 40):
        cols = [rng.random(n).astype(np.float32) for _ in range(3)]
        fast = window_means(cols, (1, 3, 8))
        bounded = window_means(cols, (1, 3, 8), np.zeros(n, np.int64), np.full(n, n, np.int64))
        assert np.array_equal(fast, bounded)
        for i in range(n):
            for w, k in enumerate((1, 3, 8)):
                lo, hi = max(i - k, 0), min(i + k + 1, n)
                assert np.isclose(fast[i, 3 * w + 1], cols[1][lo:hi].mean())


def test_densest_run_matches_brute_force() -> None:
    rng = np.random.default_rng(5)
    for n in (1, 3, 10, 30):
        for _ in range(20):
            v = rng.normal(size=n)
            a, b = densest_run(v)
            best = max((v[i:j].sum(), -(j - i)) for i in range(n) for j in range(i + 1, n + 1))
            if best[0] <= 0:
                assert (a, b) == (0, 0)
            else:
                assert np.isclose(v[a:b].sum(), best[0])


def test_run_features_columns() -> None:
    score = np.array([0.1, 0.1, 0.9, 0.9, 0.9, 0.1, 0.1], np.float32)
    weight = np.full(7, 10.0, np.float32)
    out, a, b = run_features(score, weight)
    assert (a, b) == (2, 5)
    assert out[:, 0].tolist() == [0, 0, 1, 1, 1, 0, 0]
    assert np.allclose(out[:, 1], np.log1p([2, 1, 0, 0, 0, 0, 0]))
    assert np.allclose(out[:, 2], np.log1p([0, 0, 0, 0, 0, 1, 2]))
    assert np.allclose(out[:, 3], 3 / 7)


def test_stage2_one_document_equals_batch() -> None:
    docs = [_doc(k) for k in range(6)]
    feats = extract_features_many(docs)
    rng = np.random.default_rng(9)
    ps = [rng.random(len(f.text)).astype(np.float32) for f in feats]
    many = stage2_features_many(feats, np.concatenate(ps))
    one = np.concatenate([stage2_features(f, p) for f, p in zip(feats, ps, strict=True)])
    assert one.shape == many.shape and one.shape[1] == feats[0].X.shape[1] + N_STAGE2_EXTRA
    assert np.allclose(one, many, atol=1e-6)
    single = extract_features(docs[2])
    assert np.allclose(single.X, feats[2].X, atol=1e-6)


def test_sniff_counts_control_characters() -> None:
    assert _sniff("plain text\nwith lines\ttabs\r\n") is None
    assert _sniff("text\x00more") == "binary"
    assert _sniff("a" * 50 + "\x01") == "binary"  # 1 of 51 characters: above the share
    assert _sniff("a" * 1000 + "\x01") is None
    assert _sniff("é" * 1000 + "\x02" * 30) == "binary"


def test_role_prefilters_keep_rules() -> None:
    assert bio_author("Jane Doe is a staff writer at the Daily Planet.") == "Jane Doe"
    assert bio_author("Jane  Doe covers science for the Planet.") == "Jane  Doe"
    assert bio_author("The council is a body of elected members.") is None
    assert bio_author("Madonna") is None
    assert byline_authors("By Jane Doe and John Roe") == ["Jane Doe", "John Roe"]
    assert byline_authors("By " + "word " * 20) == []


def test_many_documents_same_articles() -> None:
    from copydesk.textmode import extract_texts

    docs = [_doc(k) for k in range(7)]
    arts = list(extract_texts(docs, batch_docs=4))
    for d, a in zip(docs, arts, strict=True):
        b = extract_text(d)
        assert "The river rose by two metres" in b.text
        assert (a.text, a.title, a.removed) == (b.text, b.title, b.removed)



def test_packed_token_counts_equal_plain_counts() -> None:
    """Vocabulary shares from the packed-lane cumulative sum equal counting each line's tokens directly."""
    from copydesk.textmode.lines import BYTE_TABLE, FEATURE_NAMES, T_COMMENT, T_STOP, T_TIME, T_UI, TOKEN_CAT

    text = ("Home | Sign in | Subscribe\n...\nThe council said it would reply to the residents by Monday.\n"
            "John replied\n" + "and " * 70 + "reply\n!!!\nPosted 3 hours ago")
    f = extract_features(text)
    col = {name: k for k, name in enumerate(FEATURE_NAMES)}
    for i, line in enumerate(f.text):
        cats = [TOKEN_CAT.get(t, 0) for t in line[:160].lower().encode("utf8").translate(BYTE_TABLE).split()]
        n = max(len(cats), 1)
        for name, flag in (("ui_share", T_UI), ("stop_share", T_STOP), ("comment_share", T_COMMENT),
                           ("time_share", T_TIME)):
            assert np.isclose(f.X[i, col[name]], sum(1 for c in cats if c & flag) / n), (line, name)
    assert f.X[f.text.index("!!!"), col["stop_share"]] == 0.0
    assert f.X[f.text.index("John replied"), col["comment_share"]] == 0.5
    long_line = next(k for k, s in enumerate(f.text) if s.startswith("and and"))
    # only the first 160 characters are tokenised: the closing "reply" is not seen
    assert (f.X[long_line, col["stop_share"]], f.X[long_line, col["comment_share"]]) == (1.0, 0.0)


def test_blocks_from_body_lines() -> None:
    from copydesk.article import Block
    from copydesk.textmode import _blocks

    got = _blocks(["Short heading", "A sentence that ends here.", "- one", "- two", "Last words."])
    assert [(b.kind, b.text, b.level, b.items) for b in got] == [
        ("heading", "Short heading", 2, ()), ("paragraph", "A sentence that ends here.", 0, ()),
        ("list", "one\ntwo", 0, ("one", "two")), ("paragraph", "Last words.", 0, ())]
    assert all(type(b) is Block and b.to_dict()["kind"] == b.kind for b in got)


def test_reason_codes_for_a_batch_equal_each_document() -> None:
    from copydesk.textmode import _reason_codes

    feats = extract_features_many([_doc(k) for k in range(5)] + [""])
    together = _reason_codes(feats)
    assert len(together) == 6 and len(together[-1]) == 0
    for f, c in zip(feats, together, strict=True):
        assert np.array_equal(_reason_codes([f])[0], c)
    assert together[0].max() > 0


def _removed_plain(lines: list[str], body: np.ndarray, role: dict[int, tuple[str, str]],
                   codes: np.ndarray) -> list[tuple[str, str, str]]:
    """_removed written line by line: role lines alone, runs of other dropped lines joined."""
    from copydesk.textmode import REASONS

    out, i, n = [], 0, len(lines)
    while i < n:
        if i in role:
            out.append((role[i][0], lines[i], role[i][1]))
            i += 1
        elif not body[i]:
            j, c = i, 0
            while j < n and not body[j] and j not in role:
                c |= int(codes[j])
                j += 1
            out.append(("boilerplate", "\n".join(lines[i:j]), REASONS[c]))
            i = j
        else:
            i += 1
    return out


def test_removed_runs_equal_plain_loop() -> None:
    from copydesk.textmode import _removed

    rng = np.random.default_rng(7)
    for n in (0, 1, 2, 5, 40):
        for _ in range(30):
            lines = [f"line {k}" for k in range(n)]
            body = rng.random(n) < 0.4
            codes = rng.integers(0, 32, n)
            role = {int(k): ("title", "why") for k in rng.choice(n, size=min(n, 3), replace=False)} if n and \
                rng.random() < 0.5 else {}
            for k in role:
                body[k] = False  # as _finish leaves it
            got = [(r.kind, r.text, r.reason) for r in _removed(lines, body.copy(), role, codes)]
            assert got == _removed_plain(lines, body, role, codes)
