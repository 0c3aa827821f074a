"""copydesk.quotes: who said what. Every text here is written for the test."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from copydesk.article import Quote
from copydesk.quotes import find_quote_spans, find_quotes

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def one(paragraphs: list[str], **kw: object) -> Quote:
    qs = find_quotes(paragraphs, **kw)  # type: ignore[arg-type]
    assert len(qs) == 1, qs
    return qs[0]


def test_direct_before_and_after() -> None:
    q = one(["Harbour master Ellen Park said: “The storm closed the port for three whole days.”"])
    assert (q.text, q.speaker, q.role, q.cue) == ("The storm closed the port for three whole days.", "Ellen Park",
                                                  "Harbour master", "said")
    q = one(["“We will reopen the eastern dock first,” said Tomas Berg on Tuesday."])
    assert q.text == "We will reopen the eastern dock first" and q.speaker == "Tomas Berg" and q.cue == "said"
    q = one(["“The fleet is safe and nobody was hurt,” Tomas Berg told reporters."])
    assert q.speaker == "Tomas Berg" and q.cue == "told"


def test_split_quote_is_joined() -> None:
    qs = find_quotes(["Mayor Ana Lindqvist opened the bridge on Monday.",
                      "“We waited a long time,” she said, “and now the river is ours again.”"])
    assert len(qs) == 1
    assert qs[0].text == "We waited a long time, and now the river is ours again."
    assert qs[0].speaker == "Ana Lindqvist"
    spans = find_quote_spans(["Mayor Ana Lindqvist opened the bridge on Monday.",
                              "“We waited a long time,” she said, “and now the river is ours again.”"])
    assert len(spans[0].spans) == 2 and spans[0].direct and spans[0].paragraph == 1


def test_indirect_that_clause_and_clause_first() -> None:
    q = one(["Council member Rafael Ortiz said that the budget would be cut by a tenth next year."])
    assert q.text == "the budget would be cut by a tenth next year"
    assert q.speaker == "Rafael Ortiz" and q.role == "Council member"
    q = one(["The tunnel will open in the spring, Rafael Ortiz said."])
    assert q.text == "The tunnel will open in the spring" and q.speaker == "Rafael Ortiz"


def test_according_to() -> None:
    q = one(["According to campaign manager Priya Nand, the candidate will speak in four cities."])
    assert (q.text, q.speaker, q.role) == ("the candidate will speak in four cities", "Priya Nand",
                                           "campaign manager")
    assert q.cue.lower() == "according to"
    q = one(["The repairs will cost two million euros, according to the city engineer."])
    assert q.text == "The repairs will cost two million euros" and q.speaker == "the city engineer"


def test_pronoun_and_surname_resolution() -> None:
    qs = find_quotes([
        "Senator Margaret Oyelaran arrived late to the hearing.",
        "“The report is incomplete and the numbers do not add up,” Oyelaran said.",
        "She added that the committee would ask for a second audit.",
        "Mr. Dobbs, the auditor, had warned about the gaps in March.",
        "“We flagged every missing invoice,” said Charles Dobbs.",
        "He said the invoices were never found by anyone.",
    ])
    assert [q.speaker for q in qs] == ["Margaret Oyelaran", "Margaret Oyelaran", "Charles Dobbs", "Charles Dobbs"]
    assert qs[1].text == "the committee would ask for a second audit"


def test_surname_lookback_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    # A surname is expanded from a full name in the earlier paragraphs, but only within a bounded window (the
    # work per new surname must not grow with the document).
    import copydesk.quotes as Q

    paras = ["Senator Margaret Oyelaran arrived late to the hearing.", "The hearing went on.", "It went on.",
             "“The report is incomplete and the numbers do not add up,” Oyelaran said."]
    assert [q.speaker for q in find_quotes(paras)] == ["Margaret Oyelaran"]
    monkeypatch.setattr(Q, "SURNAME_LOOKBACK_PARAGRAPHS", 2)
    assert [q.speaker for q in find_quotes(paras)] == ["Oyelaran"]


def test_pronoun_lookback_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import copydesk.quotes as Q

    paras = ["“We will rebuild the pier,” said Mr. Tom Baker.", "“The vote is on Friday,” said Mrs. Ann Lee.",
             "“The money is there,” he said."]
    assert [q.speaker for q in find_quotes(paras)] == ["Tom Baker", "Ann Lee", "Tom Baker"]
    monkeypatch.setattr(Q, "PRONOUN_LOOKBACK_SPEAKERS", 1)  # only Ann Lee is looked at: "he" stays unresolved
    assert [q.speaker for q in find_quotes(paras)] == ["Tom Baker", "Ann Lee"]


def test_roles() -> None:
    q = one(["Campaign manager Lena Hart told reporters: “We will knock on every door in the county.”"])
    assert q.role == "Campaign manager" and q.speaker == "Lena Hart"
    q = one(["Lena Hart, the campaign manager, said the volunteers had reached every district."])
    assert q.role == "campaign manager" and q.speaker == "Lena Hart"
    q = one(["State Treasurer Omar Velez said the fund had grown for a third year."])
    assert q.speaker == "Omar Velez" and q.role == "State Treasurer"


@pytest.mark.parametrize("paragraph,speaker,cue,starts", [
    ("„Wir bauen die Brücke noch in diesem Jahr“, sagte Bürgermeisterin Anna Keller am Montag.",
     "Anna Keller", "sagte", "Wir bauen die Brücke"),
    ("Der Minister Paul Wagner erklärte, dass die Schulen im Herbst renoviert werden.",
     "Paul Wagner", "erklärte", "die Schulen im Herbst"),
    ("« Nous ne fermerons pas l’usine », a déclaré la directrice Claire Martin.",
     "Claire Martin", "a déclaré", "Nous ne fermerons pas"),
    ("Selon le ministre Henri Blanc, la réforme sera votée avant l’été.",
     "Henri Blanc", "Selon", "la réforme sera votée"),
    ("«Vamos a construir tres hospitales nuevos», dijo el alcalde Luis Romero.",
     "Luis Romero", "dijo", "Vamos a construir"),
    ("Según la ministra Carmen Ruiz, el plan costará dos millones de euros.",
     "Carmen Ruiz", "Según", "el plan costará"),
    ("“Vamos abrir a escola em março”, disse a prefeita Joana Lima.",
     "Joana Lima", "disse", "Vamos abrir a escola"),
    ("Il sindaco Marco Bianchi ha detto che il ponte sarà pronto entro giugno.",
     "Marco Bianchi", "ha detto", "il ponte sarà pronto"),
    ("«Мы построим новую школу в этом году», — заявил мэр Иван Петров.",
     "Иван Петров", "заявил", "Мы построим новую школу"),
    ("Министр Ольга Смирнова сказала, что налоги не будут повышены.",
     "Ольга Смирнова", "сказала", "налоги не будут"),
])
def test_other_languages(paragraph: str, speaker: str, cue: str, starts: str) -> None:
    q = one([paragraph])
    assert q.speaker == speaker and q.cue == cue and q.text.startswith(starts), q


def test_french_inversion_and_clitic() -> None:
    qs = find_quotes(["La directrice Claire Martin a visité l’usine mardi.",
                      "« Les emplois seront sauvés, et nous investirons », explique-t-elle."])
    assert len(qs) == 1 and qs[0].speaker == "Claire Martin" and qs[0].cue == "explique"


def test_language_enables_ambiguous_cues() -> None:
    text = ["„Die Schulen bleiben offen“, so die Ministerin Eva Brandt."]
    assert find_quotes(text) == []  # "so" is an English word: only with language="de"
    q = one(text, language="de")
    assert q.speaker == "Eva Brandt" and q.cue == "so"


def test_no_quotes_at_all() -> None:
    assert find_quotes([]) == []
    assert find_quotes(["The river rose by two metres overnight.", "Schools were closed on Friday."]) == []
    assert find_quotes(["", "   "]) == []


def test_quotation_without_speaker_gives_no_quote() -> None:
    # Documented choice: a quotation nobody is named for is left out (no Quote with speaker None).
    assert find_quotes(["The sign read “Closed for the whole winter season” in red letters."]) == []
    assert find_quotes(["“We will be back next year with a bigger festival,” the poster promised."]) != []
    assert find_quotes(["“This is not over yet, not by a long way,” they said."]) == []  # "they": nobody named


def test_nested_quotes() -> None:
    q = one(["“When the inspector wrote ‘unsafe for use’ on the door, we had to leave,” said Nora Quist."])
    assert q.speaker == "Nora Quist"
    assert "‘unsafe for use’" in q.text and q.text.startswith("When the inspector")


def test_scare_quotes_are_not_speech() -> None:
    q = one(["Ivan Rask said the so-called “reform” would hurt farmers in the north."])
    assert q.text == "the so-called “reform” would hurt farmers in the north"


def test_words_inside_a_quotation_are_not_attributions() -> None:
    qs = find_quotes(["Lena Hart said: “My father said nothing when the mill closed and the town emptied.”"])
    assert len(qs) == 1 and qs[0].speaker == "Lena Hart"


def test_bad_and_huge_input_finishes() -> None:
    assert find_quotes([None, 3, "said"]) == []  # type: ignore[list-item]
    # no catastrophic backtracking: these return (no timing assertion)
    find_quotes(["“" + "a " * 500_000])
    find_quotes(["said " * 200_000])
    find_quotes(["Jane Doe, " * 100_000 + "said that it works."])
    find_quotes(["\"" * 300_000, "«" + "Ab, " * 250_000 + "», dijo."])
    out = find_quotes(["Jane Doe said that the long text was fine. " * 20_000])
    assert out and out[0].speaker == "Jane Doe"


def test_specimen_quotes() -> None:
    spec = SHARED / "specimens" / "wapo-china-cyberspying.expected.json"
    if not spec.exists():
        pytest.skip(f"no specimens at {spec.parent}")
    exp = json.loads(spec.read_text(encoding="utf8"))
    paras = [p.strip() for p in spec.with_name("wapo-china-cyberspying.txt").read_text(encoding="utf8").split("\n")
             if p.strip()]
    qs = find_quotes(paras)
    for q in exp["quotes"]:
        hits = [x for x in qs if x.text.startswith(q["starts_with"])]
        assert hits and hits[0].speaker == q["speaker"], q
        if q.get("role"):
            assert hits[0].role == q["role"]


# The speed rewrites must give what the plain patterns they replace give.
EQUIV_TEXTS = [
    "Jane Doe said on Monday that the plan, according to aides, has also said nothing. He added: “No.”",
    "“We will win,” said Tom Reyes, the campaign manager. Mr. Reyes had said so before; he would also say it.",
    "According to the report (said-and-done), officials told reporters—said one—that U.S. Sen. Ann Fox left.",
    "Er sagte, dass es gut sei. Laut Anna Weber ist das falsch. « C'est faux », a déclaré il. Il a dit non.",
    "По словам министра, он сказал: «Нет». Según Ana Ruiz, dijo que no. Ha detto che va bene, ha detto lui.",
    "said it. tells, telling—noted (explained) “argued” ‘stated’ said’s said-so a dit a  déclaré ha  detto",
    "Emoji 😀said it, 𝐀said too, 😀 said again; 〈said〉 ¿dijo? «dijo» 「said」 ¡said! ¹said ²said ⅱsaid ªsaid",
    "",
]


@pytest.mark.parametrize("language", [None, "fr", "de", "en"])
def test_cue_scan_matches_plain_pattern(language: str | None) -> None:
    from copydesk.quotes import _grammar

    g = _grammar(language)
    for text in EQUIV_TEXTS:
        plain = [(m.start(), m.end(), m.group("verb"), m.group(0)) for m in g.cue.finditer(text)]
        assert g.cues(text) == plain, text


def test_sentence_bounds_match_whole_scan() -> None:
    from copydesk.quotes import SENTENCE_END, _sentence_end, _Sentences

    for text in EQUIV_TEXTS + ["Mr. Doe left. U.S. troops stayed!  “Why?” he asked. 句子。下一句。Ende"]:
        ends = [m.end() for m in SENTENCE_END.finditer(text) if _sentence_end(text, m)]
        bounds = list(zip([0] + ends, ends + [len(text)], strict=True))
        sentences = _Sentences(text)
        for x in range(len(text)):
            if text[x].isalpha() and (x == 0 or not text[x - 1].isalpha()):  # cues start at word starts
                want = next((a, b) for a, b in bounds if a <= x < b)
                assert sentences.at(x) == want, (text, x)


def test_string_helpers_match_their_patterns() -> None:
    import re

    from copydesk.quotes import _content_before, _last_clause

    before = re.compile(r"(?:[,”\"»“’‘」』]|[.!?…][”\"»“’」』])\s*(?:[—–-]\s*)?$")
    split = re.compile(r"[,;:(—–]|\s-\s")
    samples = ["", " ", "-", "a,", "a, ", "“x.” ", "x — ", "x, -", "x ,—  ", "x.", "x - - y", "a - b - c, d",
               "He (ret.) - the chair: Jane", "“Yes,” — ", "x ‘", "plain words"]
    for t in samples + EQUIV_TEXTS:
        assert _content_before(t) == bool(before.search(t)), t
        assert _last_clause(t) == split.split(t)[-1], t


def test_bmp_separator_class_is_the_negated_class() -> None:
    import re

    from copydesk.quotes import _bmp_only, _separators

    positive, negated = re.compile(_separators()), re.compile(r"[^\w’'-]")
    assert all((positive.match(chr(i)) is None) == (negated.match(chr(i)) is None) for i in range(0x10000))
    assert _bmp_only("ascii and é and \u4e2d") and not _bmp_only("emoji 😀")


def test_whitespace_table_is_every_space() -> None:
    """The RE2 pre-check spells Python's \\s out from _WHITESPACE: it must hold every whitespace character."""
    from copydesk.quotes import _WHITESPACE

    assert sorted(map(ord, _WHITESPACE)) == [i for i in range(0x110000) if chr(i).isspace()]


# Paragraph lists for the RE2 pre-check: cues at paragraph starts, multi-word cues with odd whitespace (a
# no-break space, a tab, a line break inside the paragraph and between paragraphs), text beyond ASCII and
# beyond the BMP, and paragraphs without any cue.
PREFILTER_DOCS = [
    EQUIV_TEXTS,
    ["said the mayor, and left.", "Also said nothing at all here", "according\u00a0to the police, it rained",
     "points\tout that it was late", "the plan, according", "to the mayor, was fine", "no cue in this one"],
    ["Jane Doe a\u00a0\u00a0déclaré que oui.", "«Non», a\ndéclaré Paul.", "😀said 😀 said", "𝐀 said it",
     "A plain line.", "ha  detto che va bene", "по\u2003словам министра"],
    ["Nothing to see here.", "Still nothing.", ""],
]


@pytest.mark.parametrize("language", [None, "fr", "de", "en"])
def test_cue_candidates_cover_every_scan_match(language: str | None) -> None:
    """The pre-check never loses a cue: every paragraph with cues is listed, and scanning only at its
    candidate positions gives exactly what scanning the whole paragraph gives."""
    from copydesk.quotes import _bmp_only, _grammar

    g = _grammar(language)
    if g.prefilter is None:
        pytest.skip("google-re2 is not installed: no pre-check to test")
    for paras in PREFILTER_DOCS:
        where = g.cue_candidates(paras)
        assert where is not None
        for i, p in enumerate(paras):
            full = g.cues(p)
            if full:
                assert i in where, (p, full)
            if i in where:
                assert g.cues(p, where[i]) == full, p
                scan = g.verb_scan_bmp if _bmp_only(p) else g.verb_scan
                assert {m.start() for m in scan.finditer(p)} <= set(where[i]), p
    # paragraphs without a cue word are not listed
    assert g.cue_candidates(["Nothing to see here.", "Still nothing."]) == {}


def test_quotes_same_without_prefilter(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pre-check only saves time: without RE2 (or on text RE2 cannot take) the quotes are the same."""
    import dataclasses

    import copydesk.quotes as q

    paras = ["Harbour master Ellen Park said: “The storm closed the port for three whole days.”",
             "“We will reopen the eastern dock first,” she said on Tuesday.", *PREFILTER_DOCS[1]]
    with_pre = find_quotes(paras)
    assert with_pre
    plain = dataclasses.replace(q._grammar(None), prefilter=None)
    monkeypatch.setattr(q, "_grammar", lambda language: plain)
    assert find_quotes(paras) == with_pre
    monkeypatch.undo()
    # a lone surrogate: not UTF-8, so no pre-check, and still an answer
    assert q._grammar(None).cue_candidates(["x \ud800 said"]) is None
    assert find_quotes([*paras, "Lone \ud800 surrogate, said Ann Lee."])[:len(with_pre)] == with_pre


def test_cue_candidates_inside_a_multi_word_hit(monkeypatch: pytest.MonkeyPatch) -> None:
    """RE2 reports hits that do not overlap and has no lookahead, so a scan match can start inside a longer
    hit that the scan itself rejects: with cues "zork blip quux" and "blip", "zork blip quuxes" holds the
    cue "blip" inside RE2's hit; across paragraphs, a hit may start in the paragraph before."""
    import copydesk.quotes as q

    monkeypatch.setattr(q, "SPEECH_CUES", {"xx": ("zork blip quux", "blip")})
    monkeypatch.setattr(q, "LABEL_CUES", ())
    g = q._grammar.__wrapped__("xx")
    if g.prefilter is None:
        pytest.skip("google-re2 is not installed: no pre-check to test")
    paras = ["Then zork blip quuxes and blip went.", "we zork", " blip quuxes now", "zork\u00a0blip quux."]
    where = g.cue_candidates(paras)
    assert where is not None
    for i, p in enumerate(paras):
        full = g.cues(p)
        assert [c[2] for c in full] == [["blip", "blip"], [], ["blip"], ["zork\u00a0blip quux"]][i]
        assert (i in where and g.cues(p, where[i]) == full) or not full, p
