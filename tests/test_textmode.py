"""Text mode: the specimen, bad input, corpus-mode templates, the line-filter baseline."""
from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from copydesk.article import EMPTY, ERROR, NOT_HTML, OK, TOO_LARGE
from copydesk.textmode import SiteTemplates, extract_text, learn_templates, site_key
from copydesk.textmode.roles import (
    RIGHTS,
    about_box,
    bio_author,
    byline_authors,
    header_line,
    is_caption,
    is_comment_header,
    rights_notices,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SPECIMEN = SHARED / "specimens" / "wapo-china-cyberspying.txt"

ARTICLE = """Daily Gazette

Home | News | Sport | Weather

Council approves the new river bridge after two years of debate

By Jane Hollis

The city council voted on Tuesday to approve the long-delayed bridge across the river, ending a debate that has divided the town for two years.

Supporters said the bridge would cut commuting times in half and bring new shops to the northern bank, while opponents worried about the cost.

The mayor said construction would begin in the spring and should be finished within three years, if the weather allows it.

Residents will be able to comment on the final design at a public meeting next month.

Share this article
Sign up for our newsletter
Privacy Policy
Terms of Use
"""


def test_specimen_exactly() -> None:
    if not SPECIMEN.exists():
        pytest.skip(f"specimen not found at {SPECIMEN} (../shared is not laid out beside the repo)")
    exp = json.loads(SPECIMEN.with_suffix(".expected.json").read_text(encoding="utf8"))
    art = extract_text(SPECIMEN.read_text(encoding="utf8"))
    assert art.status == OK
    assert art.title == exp["title"]
    assert art.sitename == exp["sitename"]
    assert exp["author"] in art.authors
    paras = [b.text for b in art.blocks]
    assert paras == exp["body_paragraphs"]
    assert list(art.captions) == exp["captions"]
    assert list(art.bio) == [exp["author_bio"]]
    kinds = {r.text: r.kind for r in art.removed}
    for c in exp["captions"]:
        assert kinds[c] == "caption"
    assert kinds[exp["author_bio"]] == "bio"
    # Nothing from the boilerplate line on reaches the body.
    lines = SPECIMEN.read_text(encoding="utf8").splitlines()
    tail = {ln.strip() for ln in lines[exp["boilerplate_from_line"] - 1:] if ln.strip()}
    assert not tail & set(paras)
    assert all(r.reason for r in art.removed)
    # Who said what (optional in the issue): every expected quote found, with its speaker.
    for q in exp.get("quotes", []):
        hits = [x for x in art.quotes if x.text.startswith(q["starts_with"])]
        assert hits and hits[0].speaker == q["speaker"], q
        if q.get("role"):
            assert hits[0].role == q["role"]


def test_small_article_roles() -> None:
    art = extract_text(ARTICLE)
    assert art.status == OK
    assert art.title == "Council approves the new river bridge after two years of debate"
    assert "Jane Hollis" in art.authors
    assert "The city council voted" in art.text
    assert "Residents will be able" in art.text
    for junk in ("Privacy Policy", "Sign up for our newsletter", "Home | News", "By Jane Hollis"):
        assert junk not in art.text
    # Every dropped line is reported, with its kind and reason (runs of lines dropped alike share one entry).
    assert any(r.kind == "boilerplate" and "Privacy Policy" in r.text.split("\n") and r.reason for r in art.removed)
    reported = [ln for r in art.removed for ln in r.text.split("\n")]
    assert "Home | News | Sport | Weather" in reported


def test_rules() -> None:
    assert is_caption("The minister speaks to reporters outside the parliament building on Friday. (John Smith/Example Agency)")
    assert is_caption("Photo: A crowd gathers in the square")
    assert not is_caption("He said the plan (which was new) was good.")
    assert bio_author("Mary Ann Jones is a staff writer covering science and health.") == "Mary Ann Jones"
    assert bio_author("The company is a leading producer of widgets and writer tools.") is None
    assert bio_author("Paris is the capital of France and its largest city by far.") is None
    assert byline_authors("By Jane Doe and John Roe") == ["Jane Doe", "John Roe"]


def test_quotes_grammar() -> None:
    from copydesk.quotes import find_quotes

    qs = find_quotes([
        "Harbour master Ellen Park said: “The storm closed the port for three whole days.”",
        "“We will reopen the eastern dock first,” Park said on Tuesday.",
        "She added that “the fleet is safe and nobody was hurt.”",
    ])
    assert [q.speaker for q in qs] == ["Ellen Park", "Ellen Park", "Ellen Park"]
    assert qs[0].role == "Harbour master"
    assert qs[1].text.startswith("We will reopen")


@pytest.mark.parametrize("text,status", [
    ("", EMPTY),
    ("   \n\n \t \n", EMPTY),
    ("\x00\x01\x02binary\x00\x00" * 100, NOT_HTML),
])
def test_bad_input(text: str, status: str) -> None:
    art = extract_text(text)
    assert art.status == status
    assert art.reason


def test_not_a_string() -> None:
    assert extract_text(None).status == ERROR  # type: ignore[arg-type]
    assert extract_text(12).status == ERROR  # type: ignore[arg-type]
    assert extract_text(ARTICLE.encode()).status == OK  # bytes are decoded, with a warning
    assert extract_text(ARTICLE, bogus=1).status == ERROR


def test_too_large() -> None:
    art = extract_text("word " * 1000, max_bytes=100)
    assert art.status == TOO_LARGE


def test_single_huge_line() -> None:
    line = ("This is a sentence of running prose that goes on. " * 200_000)[:10_000_000]
    art = extract_text(line)
    assert art.status in (OK, EMPTY)


def test_line_endings_equivalent() -> None:
    a = extract_text(ARTICLE)
    b = extract_text(ARTICLE.replace("\n", "\r\n"))
    c = extract_text(ARTICLE.replace("\n", "\r"))
    assert a.text == b.text == c.text
    assert a.title == b.title == c.title


def test_cjk_and_rtl() -> None:
    zh = "首页 | 新闻 | 登录\n\n" + "今天市政府宣布了新的交通计划，该计划将在明年春天开始实施，预计会大大减少市中心的拥堵情况。" * 3 + "\n\n版权所有\n"
    art = extract_text(zh)
    assert art.status in (OK, EMPTY)
    assert "版权所有" not in art.text
    ar = "الرئيسية | أخبار\n\n" + "أعلنت الحكومة اليوم عن خطة جديدة لتحسين النقل العام في المدينة وتقليل الازدحام في وسطها. " * 3 + "\n"
    art = extract_text(ar)
    assert art.status in (OK, EMPTY)


def test_html_by_mistake() -> None:
    html = "<!DOCTYPE html><html><head><title>T</title></head><body><p>Hello there.</p></body></html>"
    art = extract_text(html)
    # Routed to the HTML extractor (with a warning), or refused as not text: never a crash.
    assert art.status in (OK, EMPTY, NOT_HTML)
    assert art.status == NOT_HTML or any("HTML" in w for w in art.warnings)


def _site_docs() -> list[tuple[str, str]]:
    bodies = [
        "The harbour reopened on Monday after a week of storms kept the fishing fleet at home.",
        "Farmers in the valley expect a record apple harvest after a warm and wet summer season.",
        "The school board agreed to extend the library hours during the exam weeks this year.",
        "A new cycling path along the old railway line will open to the public in early May.",
    ]
    docs = []
    for i, b in enumerate(bodies):
        text = f"Story number {i} of the week\n\n{b}\n\n{b.replace('.', ' again.')}\n\nPlease provide a valid email address.\n\nYou are now subscribed to our morning briefing.\n"
        docs.append((f"https://www.example.org/news/{i}", text))
    return docs


def test_templates_learned_and_applied() -> None:
    docs = _site_docs()
    st = learn_templates((site_key(u), t) for u, t in docs)
    art = extract_text(docs[0][1], url=docs[0][0], templates=st)
    assert "Please provide a valid email address." not in art.text
    assert "You are now subscribed to our morning briefing." not in art.text
    assert "The harbour reopened" in art.text
    assert any(r.kind == "template" for r in art.removed)


def test_templates_deterministic_and_mergeable() -> None:
    docs = [(site_key(u), t) for u, t in _site_docs()]
    whole = learn_templates(docs)
    a = learn_templates(docs[:1]).merge(learn_templates(docs[1:]))
    b = learn_templates(docs[2:]).merge(learn_templates(list(reversed(docs[:2]))))
    assert whole == a == b
    assert SiteTemplates.from_json(whole.to_json()) == whole
    assert pickle.loads(pickle.dumps(whole)) == whole


def test_template_keys_follow_new_documents() -> None:
    # The keys are cached per threshold; counting more documents must not serve stale ones.
    st = SiteTemplates(min_docs=3, min_share=0.0)
    for k in range(2):
        st.add("example.org", f"Please provide a valid email address.\nStory {k} about the harbour.")
    assert st.template_keys("example.org") == frozenset()
    st.add("example.org", "Please provide a valid email address.\nStory 2 about the harbour.")
    keys = st.template_keys("example.org")
    assert len(keys) == 1 and st.template_keys("example.org") is keys
    again = pickle.loads(pickle.dumps(st))
    assert again == st and again.template_keys("example.org") == keys


def test_duplicate_document_is_not_its_own_template() -> None:
    docs = [(site_key(u), t) for u, t in _site_docs()]
    st = learn_templates(docs + [docs[0], docs[0]])
    art = extract_text(docs[0][1], url="https://example.org/news/0", templates=st)
    assert "The harbour reopened" in art.text


def test_site_key() -> None:
    assert site_key("https://www.Example.org:8080/a?b=1") == "example.org"
    assert site_key("m.example.co.uk/page") == "example.co.uk"
    assert site_key(None) == ""
    assert site_key("not a url at all") in ("", "not a url at all")


THREAD_POST = """Gardening notes
Why we stopped tilling the vegetable beds
By Ann Marsh
We stopped tilling the beds three years ago, and the soil has never been better. Worms came back first, then the fungi that feed the roots.
The first season was hard: weeds we had buried for years came up everywhere, and we pulled them by hand every weekend until August.
Now the beds get a layer of compost each autumn and nothing else. The harvest last year was the largest we have ever had.
Leave a comment
Tom Baker on May 3, 2019 at 4:47 pm said:
We tried the same thing on clay soil and it took five years before the beds drained well after heavy rain.
Lucia Ferreira on May 4, 2019 at 9:12 am said:
Did you add anything to the compost, or only kitchen scraps and leaves from the garden over the winter?
Copyright 2019 Gardening notes
"""


def test_comment_thread_kept_apart() -> None:
    art = extract_text(THREAD_POST, include_comments=True)
    assert art.status == OK
    assert "We stopped tilling the beds" in art.text
    assert "The harvest last year" in art.text
    assert "clay soil" not in art.text and "kitchen scraps" not in art.text
    assert any("clay soil" in c for c in art.comments)
    assert any("Lucia Ferreira" in c for c in art.comments)
    assert any(r.kind == "comment" and "clay soil" in r.text for r in art.removed)
    # without include_comments the thread still leaves the body, and `comments` stays empty
    plain = extract_text(THREAD_POST)
    assert plain.comments == () and "clay soil" not in plain.text


_ANSWER = ("Our best guess is that the effects on vehicle speed are fairly small. We have limited data on this "
           "question; the only information we have is from the study itself, which reports travel times before and "
           "after.\nIn the 2015 paper, the authors try to test mechanisms, but the evidence is mixed. There is no "
           "significant difference in reports of reckless driving between the two groups of passengers.\nReductions "
           "in average speed at levels similar to that are small enough that we do not model the disutility. That "
           "said, this study is one of several we will review this year.")
OPEN_THREAD = ("\n".join(f"• Section {k}" for k in range(30)) + """
The Garden Blog
September 2018 open thread
• Previous Post
• Next Post
September 10, 2018 | by Catherine
Our goal with hosting open threads is to give blog readers an opportunity to publicly raise comments or questions (in the comments section below). You are also welcome to email us.
You can view our June 2018 open thread here.
Posted in Open thread | Permalink | 10 Comments
Comments
""" + "\n".join(f"• {who} on September {day}, 2018 at 4:{10 + k} pm said:\nHi there,\n{_ANSWER}" for k, (who, day) in
                enumerate([("Milan Ross", 12), ("Kate Lin", 13), ("Alex Barr", 17), ("Gary Moss", 17), ("Omar Said", 20)]))
               + "\nLeave a Reply\nYour email address will not be published.\n")


def test_short_article_before_a_long_thread_is_kept() -> None:
    # The thread's prose outweighs the one-paragraph post: the post is judged again without the thread.
    art = extract_text(OPEN_THREAD)
    assert "Our goal with hosting open threads" in art.text
    assert "vehicle speed" not in art.text
    assert sum(r.kind == "comment" for r in art.removed) >= 5


ABOUT_PAGE = """Harbour News
Ferry service resumes after the storm
The ferry between the two islands sailed again on Monday morning, four days after the storm closed the harbour.
Crews worked through the weekend to clear the debris from the slipway and to test the ramp that lowers cars onto the deck.
The operator said the timetable would be back to normal by Wednesday, with two extra crossings on Friday for freight.
Über Moritz Bachmann
Als Redakteur schreibt Moritz Bachmann seit zehn Jahren über Schifffahrt, Häfen und die Menschen, die dort arbeiten.
Weitere Beiträge zum Thema
Neue Fähre für die Nordroute bestellt und im Frühjahr erwartet
"""


def test_about_box_is_not_body() -> None:
    art = extract_text(ABOUT_PAGE)
    assert "The ferry between the two islands" in art.text
    assert "Moritz Bachmann" not in art.text and "Neue Fähre" not in art.text
    kinds = {r.kind for r in art.removed if "Moritz Bachmann" in r.text}
    assert kinds and kinds <= {"about", "bio"}
    assert about_box("About the author", "Jane writes about harbours, ships and the people who work there.") == "author"
    assert about_box("Sobre Carlos Nadalim", "Pai de dois filhos, Carlos Nadalim é coordenador pedagógico numa escola.") \
        == "Carlos Nadalim"
    assert about_box("About Hacker Monthly", "A print magazine curated from the top articles of the site.") is None
    assert about_box("About the storm", "The storm closed the harbour for four days and damaged the ramp.") is None
    assert about_box("About Jane Doe", "Short.") is None


def test_copyright_notices_leave_the_body() -> None:
    page = ABOUT_PAGE.replace("Über Moritz Bachmann\n", "© 2019 Harbour Media Group. All rights reserved. This material may not be published.\n")
    art = extract_text(page)
    assert "The ferry between the two islands" in art.text and "Harbour Media Group" not in art.text
    assert any(r.reason == "copyright notice" for r in art.removed)
    lines = ["Alle Rechte vorbehalten.", "Copyright 2008 by the Gazette", "The rights of the ferry crews were discussed.",
             "Todos los derechos reservados", "All night long the storm raged over the islands.", "(c) 2004 Example Inc"]
    assert rights_notices(lines, list(range(len(lines)))) == [0, 1, 3, 5]
    assert rights_notices(lines, [2, 4]) == [] and rights_notices(lines, []) == []
    assert all(RIGHTS.search(s) for s in ("ALL RIGHTS RESERVED", "Wszelkie prawa zastrzeżone", "Все права защищены"))


_TOPICS = "\n".join(f"• Topic {k}" for k in range(25))
BIO_ABOVE = "\n".join([
    "Welcome to the Teachers Gazette. Each month we bring teachers around the world the news, lesson ideas and stories "
    "they tell us they need, and every issue is free to read, share and print for your classroom.",
    _TOPICS, _TOPICS, _TOPICS,
    "Jane Doe is a staff writer for the Teachers Gazette who covers reading and school libraries.",
    "Why school libraries matter more than ever",
    "An inquiry came recently from a librarian in Nashville who wanted to know how the media center could support the "
    "new reading programme in her school.",
    "Yes, media specialists can be critical to the success of the programme. Teachers can succeed without that "
    "support, but they have to work much harder.",
    "Librarians can keep teachers updated on good read-aloud material, and a few minutes at each faculty meeting would "
    "be a great way to share new titles.",
    "On some days, librarians can even do the read-aloud portion of the block for classes that are using the library "
    "for research that week.",
    "They can also help teachers choose books that are popular with children and appropriate for the grade level, "
    "which saves everyone a lot of time.",
    "Finally, the library can host a monthly author's tea where students read their published work aloud to parents "
    "and to other classes in the school.",
    _TOPICS, ""])


def test_a_bio_above_the_article_does_not_end_it() -> None:
    # A stray prose line kept at the page's top once put this bio in the body's "second half" (by line count),
    # and the whole article below it was dropped.
    art = extract_text(BIO_ABOVE)
    assert art.bio and "Jane Doe" in art.bio[0] and "Jane Doe" in art.authors
    assert "read-aloud portion" in art.text and "author's tea" in art.text


def test_comment_headers_in_several_languages() -> None:
    assert is_comment_header("• Milan Doe on September 12, 2018 at 4:47 pm said:")
    assert is_comment_header("2. 11. Jul, 2012 / Rishil says:")
    assert is_comment_header("Rishil says:", "11. Juli 2012 um 14:05")  # dated on the next line
    assert is_comment_header("Hans Meier sagt:", "3. Mai 2019 um 10:12 Uhr")
    assert is_comment_header("Marie, le 3 mai 2019 à 10:12, a écrit :")
    assert not is_comment_header("Rishil says:", "Great post, thanks for sharing it with us.")  # no date anywhere
    long_line = "In 2019 the minister, " + "who had spoken about the plan many times before, " * 3 + "finally said:"
    assert len(long_line) > 150 and not is_comment_header(long_line)  # a sentence, not a header


def test_one_statement_is_not_a_thread() -> None:
    # A single "... said:" line opening a quoted statement is not a comment thread.
    text = ("City budget passes after a long night\n"
            "The council passed the budget shortly after midnight, after nine hours of debate over the new bus lanes.\n"
            "On March 3, 2019 at 10:00 the mayor said:\n"
            "The city will build the lanes this summer and the work will be finished before the schools open again.\n"
            "The opposition said it would ask for a review of the costs at the next meeting of the council in May.\n")
    art = extract_text(text)
    assert "The city will build the lanes" in art.text


DATED_NEWS = """World News
Port strike ends after three weeks as workers accept new contract
By Reuters
Nov. 19, 2019 8:03 am ET
Updated: Nov. 20, 2019 10:15 am ET
Dock workers voted on Tuesday to accept a new four-year contract, ending a strike that had closed the port for three weeks and left hundreds of ships waiting offshore.
The agreement raises wages by four percent a year and limits the use of automated cranes, the two issues that had kept the sides apart since the summer.
Shipping companies said it would take at least a month to clear the backlog of containers stacked on the docks and on the ships still at anchor.
"""


def test_datelines_above_the_body_become_dates() -> None:
    art = extract_text(DATED_NEWS)
    assert art.status == OK
    assert "Dock workers voted" in art.text
    assert "8:03" not in art.text and "By Reuters" not in art.text and "Updated" not in art.text
    assert art.date_published == "2019-11-19T08:03:00"
    assert art.date_modified == "2019-11-20T10:15:00"
    kinds = {r.kind for r in art.removed}
    assert {"dateline", "byline"} <= kinds


def test_header_line_shapes() -> None:
    assert header_line("Wednesday 20 November 2019 9:22 am") == "dateline"
    assert header_line("sexta-feira, 22 de outubro de 2010 às 20:13") == "dateline"
    assert header_line("written by Regan") is None  # "By" must open the line
    assert header_line("By Reuters") == "byline"
    # sentences and long lines are not datelines, even with a date in them
    assert header_line("The port closed on Nov. 19, 2019.") is None
    assert header_line("On Nov. 19, 2019 the dock workers of the port walked out over pay and the use of cranes") is None
