"""Text mode internals: line features, document-level structure, the grouping of removed lines."""
from __future__ import annotations

import numpy as np

from copydesk.textmode import extract_text
from copydesk.textmode.lines import (
    FEATURE_NAMES,
    N_STAGE1,
    N_STAGE2_EXTRA,
    _runs,
    extract_features,
    stage2_features,
    window_means,
)

ARTICLE = "\n\n".join([
    "Lakeside Courier",
    "Home | Local | Sport | Opinion",
    "Volunteers clear the old canal towpath after the spring floods",
    "More than two hundred volunteers spent the weekend clearing mud and fallen trees from the towpath, "
    "which had been closed to walkers and cyclists since the floods in March.",
    "The canal trust said the work saved several months of paid labour and that the path would reopen "
    "to the public by the end of the month, once the last bridges have been checked.",
    "Local schools joined on Sunday, and pupils planted willow cuttings along the banks to hold the soil "
    "in place when the water rises again next winter.",
    "The trust hopes to repeat the event every year and is asking for donations of tools and gloves, "
    "which can be left at the lock keeper's cottage on weekdays.",
    "12 comments",
    "mike_r on May 4, 2021 at 9:15 pm said:",
    "Great work by everyone involved, I walked the path this morning and it already looks much better.",
    "Reply",
    "annie.k on May 5, 2021 at 7:02 am said:",
    "Does anyone know whether dogs will be allowed on the towpath again once it reopens this summer?",
    "Reply",
    "tom.b on May 5, 2021 at 8:40 am said:",
    "They should have done this years ago, the council has ignored the canal for far too long now.",
    "Reply",
])


def test_window_means_matches_naive() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.random(40), rng.random(40)
    w = window_means([a, b], (1, 3))
    for i in (0, 5, 39):
        for j, k in enumerate((1, 3)):
            lo, hi = max(i - k, 0), min(i + k + 1, 40)
            assert np.isclose(w[i, 2 * j], a[lo:hi].mean())
            assert np.isclose(w[i, 2 * j + 1], b[lo:hi].mean())


def test_runs_bridge_small_gaps() -> None:
    body = np.array([0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0], bool)
    rid, w = _runs(body, np.ones(len(body)), gap=1)
    # lines 1..4 form one run (the single-line gap is bridged), lines 8..9 another
    assert rid.tolist() == [-1, 0, 0, 0, 0, -1, -1, -1, 1, 1, -1]
    assert w.tolist() == [3.0, 2.0]
    rid, w = _runs(np.zeros(4, bool), np.ones(4), gap=1)
    assert (rid == -1).all() and len(w) == 0


def test_feature_shapes_and_markers() -> None:
    f = extract_features(ARTICLE)
    assert f.X.shape == (len(f.text), N_STAGE1)
    assert np.isfinite(f.X).all()
    # comment headers ("... at 9:15 pm said:") and reply buttons are markers; prose lines are not
    mk = dict(zip(f.text, f.marker.tolist(), strict=True))
    assert mk["mike_r on May 4, 2021 at 9:15 pm said:"] == 1
    assert mk["Reply"] == 1
    assert mk[f.text[3]] == 0
    p = np.linspace(0, 1, len(f.text)).astype(np.float32)
    X2 = stage2_features(f, p)
    assert X2.shape == (len(f.text), N_STAGE1 + N_STAGE2_EXTRA)
    assert np.isfinite(X2).all()
    empty = extract_features("")
    assert empty.X.shape == (0, N_STAGE1)
    assert stage2_features(empty, np.zeros(0)).shape == (0, N_STAGE1 + N_STAGE2_EXTRA)


def test_comment_markers_in_other_languages() -> None:
    i = FEATURE_NAMES.index("marker")
    for header in ("Antworten", "Répondre", "Responder", "Odpowiedz", "Ответить", "vor 2 Stunden",
                   "il y a 3 heures", "hace 5 minutos", "3 days ago"):
        f = extract_features(f"Some words of a longer line of prose here.\n{header}\n")
        assert f.X[1, i] == 1, header


def test_every_vocabulary_entry_is_one_token() -> None:
    # Lines are tokenised by bytes.lower + BYTE_TABLE (ASCII punctuation -> space) before the lookup: an
    # entry holding punctuation ("e-mail", "s'abonner") would never match.
    from copydesk.textmode.lines import BYTE_TABLE
    from copydesk.textmode.vocab import COMMENT_WORDS, STOP_WORDS, TIME_WORDS, UI_WORDS

    for words in (UI_WORDS, STOP_WORDS, COMMENT_WORDS, TIME_WORDS):
        for w in words:
            assert w.encode("utf8").lower().translate(BYTE_TABLE).split() == [w.encode("utf8").lower()], w


def test_vocabulary_in_languages_beyond_the_training_data() -> None:
    # Function words come from the language detector's table too: prose in Finnish, Turkish or Greek has
    # a function-word share; interface words ("Lea también", "Jaa", "Paylaş") are found in those languages.
    stop, ui = FEATURE_NAMES.index("stop_share"), FEATURE_NAMES.index("ui_any")
    for prose in ("Hän sanoi, että kaupunki on jo aloittanut työt ja ne valmistuvat ensi vuonna.",
                  "Belediye başkanı bu yıl için yeni bir plan olduğunu ve çalışmaların başladığını söyledi.",
                  "Ο δήμαρχος είπε ότι τα έργα θα ολοκληρωθούν μέσα στο επόμενο έτος για την πόλη."):
        assert extract_features(prose).X[0, stop] > 0.1, prose
    for widget in ("Lea también: otra noticia", "Jaa Facebookissa", "Paylaş", "Σχόλια", "Поділитися"):
        assert extract_features(widget).X[0, ui] == 1, widget


def test_lines_without_tokens() -> None:
    f = extract_features("&&&\n***\nA sentence of prose with several words in it.\n---\n")
    assert f.X.shape[0] == 4 and np.isfinite(f.X).all()


def test_comment_thread_after_article_is_dropped() -> None:
    art = extract_text(ARTICLE)
    assert "More than two hundred volunteers" in art.text
    assert "The trust hopes to repeat the event" in art.text
    for comment in ("Great work by everyone", "Does anyone know whether dogs", "They should have done this"):
        assert comment not in art.text, comment


def test_removed_runs_cover_every_dropped_line_once() -> None:
    art = extract_text(ARTICLE)
    body = set(art.text.split("\n"))
    reported = [ln for r in art.removed for ln in r.text.split("\n")]
    lines = [ln.strip() for ln in ARTICLE.split("\n") if ln.strip()]
    assert sorted(reported + [ln for ln in lines if ln in body]) == sorted(lines)
    assert all(r.reason for r in art.removed)


def _mixed_docs() -> list:
    other = ARTICLE.replace("Volunteers", "Neighbours").replace("canal", "river")
    return [ARTICLE, "", "   \n\n", other, "\x00\x01binary\x00" * 50, None, ARTICLE.encode(),
            "Only one short line", "首页 | 新闻 | 登录\n\n" + "今天市政府宣布了新的交通计划，该计划将在明年春天开始实施。" * 3,
            ARTICLE.replace("\n", "\r\n")]


def test_features_many_equal_one_by_one() -> None:
    from copydesk.textmode.lines import extract_features_many

    docs = [d for d in _mixed_docs() if isinstance(d, str)]
    many = extract_features_many(docs)
    assert len(many) == len(docs)
    for d, fm in zip(docs, many, strict=True):
        f1 = extract_features(d)
        assert f1.text == fm.text
        assert f1.index.tolist() == fm.index.tolist()
        assert np.allclose(f1.X, fm.X, atol=1e-5)


def test_extract_texts_equals_extract_text() -> None:
    from copydesk.textmode import extract_texts

    docs = _mixed_docs()
    urls = [f"https://example.org/{i}" for i in range(len(docs))]
    for batch_docs in (1, 3, 64):
        arts = list(extract_texts(docs, urls=urls, batch_docs=batch_docs))
        assert len(arts) == len(docs)
        for d, u, a in zip(docs, urls, arts, strict=True):
            b = extract_text(d, url=u)
            assert (a.status, a.text, a.title, a.url) == (b.status, b.text, b.title, b.url)
            assert a.removed == b.removed
    assert all(a.status == "error" for a in extract_texts(["x", "y"], bogus=1))


def test_extract_texts_splits_large_batches(monkeypatch) -> None:
    import copydesk.textmode as tm

    monkeypatch.setattr(tm, "BATCH_CHARS", 500)  # every page or two closes a batch
    docs = [ARTICLE, ARTICLE.replace("canal", "river"), "Short line", ARTICLE]
    arts = list(tm.extract_texts(iter(docs), urls=iter(["https://example.org/a"])))  # fewer URLs than texts
    assert [a.text for a in arts] == [extract_text(d).text for d in docs]
    assert arts[0].url == "https://example.org/a" and arts[1].url is None
