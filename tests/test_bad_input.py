"""Bad input never crashes or hangs: every case ends in a clear `status` and a `reason` (or a TypeError
for arguments of the wrong type), through the library and through the CLI."""
from __future__ import annotations

import gzip
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import REPO, run_cli

import copydesk
from copydesk.article import EMPTY, NOT_HTML, OK, STATUSES, TIMEOUT, TOO_LARGE

PARA = ("The river authority opened the new footbridge on Saturday morning after two years of work, and "
        "several hundred residents walked across it before the official ribbon was cut by the mayor. ")
ARTICLE = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Footbridge opens</title></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Footbridge opens after two years</h1>
<p>{PARA}</p><p>{PARA * 2}</p><p>Engineers said the deck was designed to last a century. {PARA}</p>
</article><footer>Copyright 2024 Example Gazette</footer></body></html>"""
HANG_GUARD_S = 120  # a hostile input that takes longer than this is a hang, not a slow page


def _assert_failed(art: copydesk.Article, status: str) -> None:
    assert art.status == status, (art.status, art.reason)
    assert isinstance(art.reason, str) and art.reason.strip(), f"status {art.status} without a reason"
    assert art.blocks == () and art.text == ""


def _assert_clear(art: copydesk.Article) -> None:
    """Any outcome is allowed, but it must be a known status, and a reason whenever there is no body."""
    assert art.status in STATUSES
    if art.status != OK:
        assert isinstance(art.reason, str) and art.reason.strip(), f"status {art.status} without a reason"
    else:
        assert art.text.strip()


# --- empty and non-HTML input -------------------------------------------------------------------------

@pytest.mark.parametrize("page", [b"", "", b"   \n\t  ", "\n\n"], ids=["bytes", "str", "blank-bytes", "blank-str"])
def test_empty_input(page: bytes | str) -> None:
    _assert_failed(copydesk.extract(page), EMPTY)


def _gzip_html() -> bytes:
    return gzip.compress(ARTICLE.encode())


NOT_HTML_INPUTS = {
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + b"\x00\x01" * 200,
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00" + bytes(range(256)),
    "gzip": b"",  # filled below: a gzip'ed HTML page (someone forgot to decompress)
    "json": json.dumps({"title": "Not a page", "items": [{"id": i, "body": PARA} for i in range(20)]}).encode(),
    "json-array": b'[{"a": 1}, {"b": "<b>bold</b> text"}]',
}
NOT_HTML_INPUTS["gzip"] = _gzip_html()


@pytest.mark.parametrize("name", sorted(NOT_HTML_INPUTS))
def test_not_html(name: str) -> None:
    _assert_failed(copydesk.extract(NOT_HTML_INPUTS[name]), NOT_HTML)


def test_plain_text_without_markup_is_not_html() -> None:
    _assert_failed(copydesk.extract(b"just a line of text with no markup at all\nand another\n"), NOT_HTML)


# --- broken HTML and charsets -------------------------------------------------------------------------

def test_truncated_html_keeps_what_is_there() -> None:
    raw = ARTICLE.encode()
    cut = raw[: raw.index(b"Engineers said") + 40]  # ends inside the third paragraph, no closing tags
    art = copydesk.extract(cut)
    _assert_clear(art)
    assert art.status == OK, art.reason
    assert "several hundred residents walked across it" in art.text


def test_truncated_inside_a_tag() -> None:
    raw = ARTICLE.encode()
    cut = raw[: raw.index(b"<footer") + 4]  # stops in the middle of a tag name
    art = copydesk.extract(cut)
    assert art.status == OK, art.reason
    assert "Footbridge opens" in (art.title or "")


def _page(body: str, charset: str) -> str:
    return (f'<!doctype html><html><head><meta charset="{charset}"><title>Charset test</title></head><body>'
            f"<article><h1>Charset test page</h1>{body}</article></body></html>")


DE = ("<p>Die Straßenbahn über die Brücke fährt ab Montag wieder, teilte die Stadtverwaltung mit. Während der "
      "Bauarbeiten mussten Fahrgäste auf Busse ausweichen, die häufig überfüllt waren und Verspätungen hatten.</p>"
      "<p>Anwohner äußerten sich erleichtert: Die Umleitung habe viele Wege um eine halbe Stunde verlängert, und "
      "gerade ältere Menschen hätten darunter gelitten. Die Kosten der Sanierung lagen unter dem Plan.</p>") * 2


def test_utf8_bytes_declared_as_windows_1251() -> None:
    art = copydesk.extract(_page(DE, "windows-1251").encode("utf-8"))
    assert art.status == OK, art.reason
    assert "Straßenbahn über die Brücke fährt" in art.text
    assert "Ð" not in art.text and "Ã" not in art.text


def test_cp1252_bytes_declared_as_utf8() -> None:
    art = copydesk.extract(_page(DE, "utf-8").encode("cp1252"))
    assert art.status == OK, art.reason
    assert "Straßenbahn über die Brücke fährt" in art.text
    assert "\ufffd" not in art.text


def test_russian_cp1251_declared_correctly() -> None:
    ru = ("<p>Городской совет утвердил план ремонта набережной, работы начнутся весной и продлятся два года. "
          "Жители смогут пользоваться пешеходной частью всё это время, сообщили в администрации.</p>") * 3
    art = copydesk.extract(_page(ru, "windows-1251").encode("cp1251"))
    assert art.status == OK, art.reason
    assert "Городской совет утвердил план ремонта набережной" in art.text


def test_mixed_encodings() -> None:
    # A UTF-8 page into which a template pasted a few cp1252 bytes (a common CMS fault).
    raw = _page(DE, "utf-8").encode("utf-8").replace(b"</article>", b"<p>Preis: 10 \x80, Caf\xe9 am Markt ge\xf6ffnet, "
                                                     b"so die Betreiber, die sich auf die Gaeste freuen.</p></article>")
    art = copydesk.extract(raw)
    assert art.status == OK, art.reason
    assert "Straßenbahn über die Brücke fährt" in art.text  # the UTF-8 part stays right
    assert "10 €" in art.text and "Café am Markt geöffnet" in art.text  # and the strays are read as cp1252


# --- hostile sizes and depths (in a subprocess, with a hang guard) -------------------------------------

def _run_isolated(code: str) -> dict:
    """Run `code` (which prints one JSON line) in a fresh interpreter; fail on a hang or a crash."""
    try:
        proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                              timeout=HANG_GUARD_S, cwd=str(REPO), check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"did not finish within {HANG_GUARD_S} s (a hang)")
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_deeply_nested_html_finishes() -> None:
    out = _run_isolated("""
        import json, copydesk
        depth = 100_000
        para = "<p>" + "The deepest paragraph of the page still says something worth keeping here. " * 6 + "</p>"
        html = "<html><head><title>Deep</title></head><body>" + "<div>" * depth + para + "</div>" * depth + "</body></html>"
        a = copydesk.extract(html.encode())
        print(json.dumps({"status": a.status, "reason": a.reason, "text": a.text, "warnings": list(a.warnings)}))
    """)
    assert out["status"] in STATUSES
    if out["status"] != OK:
        assert out["reason"], out
    else:
        assert "The deepest paragraph of the page" in out["text"]
    assert any("nested" in w for w in out["warnings"]), out["warnings"]


def test_depth_bound_never_below_the_exact_scan() -> None:
    from copydesk.dom import MAX_DEPTH, cap_depth, depth_bound

    cases = ["<div>" * 2000 + "x" + "</div>" * 2000, "</div>" * 3000 + "<div>" * 1600,
             "<p>a<br><img src=x></p>" * 3000, "<ul>" + "<li>item" * 2500 + "</ul>"]
    for html in cases:
        bound = depth_bound(html.encode())
        capped, changed = cap_depth(html)
        # the fast test lets a page through only when the exact scan would not have flattened it
        assert changed <= (bound > MAX_DEPTH), html[:40]
    assert depth_bound(b"<div><p>a</p></div>" * 5000) <= 2


BIG = """
    import json, copydesk
    # numbered paragraphs: identical ones would read as repeated boilerplate, which is another test
    para = "A long page repeats this sentence many times so that it weighs fifty megabytes. " * 10
    n = 50 * 1024 * 1024 // (len(para) + 8) + 1
    body = "".join(f"<p>{i}. {para}</p>" for i in range(n))
    raw = ("<html><head><title>Big</title></head><body><article><h1>Big</h1>" + body + "</article></body></html>").encode()
    assert len(raw) > 50 * 1024 * 1024
    a = copydesk.extract(raw, **KW)
    print(json.dumps({"status": a.status, "reason": a.reason, "chars": len(a.text)}))
"""


def test_50mb_page_refused_above_max_bytes() -> None:
    out = _run_isolated(BIG.replace("**KW", "max_bytes=20 * 1024 * 1024"))
    assert out["status"] == TOO_LARGE and "max_bytes" in out["reason"], out


def test_50mb_page_processed_below_max_bytes_within_timeout() -> None:
    out = _run_isolated(BIG.replace("**KW", "max_bytes=64 * 1024 * 1024, timeout=5.0"))
    # Either the body (it is one long article) or a clean timeout: never a crash or a hang.
    assert out["status"] in (OK, TIMEOUT), out
    if out["status"] == OK:
        assert out["chars"] > 1_000_000
    else:
        assert "timeout" in out["reason"], out


# --- pages with no article ----------------------------------------------------------------------------

def _teasers(n: int) -> str:
    topics = ["council budget", "school meals", "harbour repairs", "cycling lanes", "library hours", "bus fares",
              "park cleanup", "flood barrier", "market stalls", "water prices", "tram tickets", "street lights"]
    return "".join(f'<li class="teaser"><a href="/news/{i}-{t.replace(" ", "-")}"><img src="/img/{i}.jpg" alt="">'
                   f"<h3>Latest on the {t}</h3></a><span class=\"date\">3 May</span></li>"
                   for i, t in enumerate(topics[:n]))


HOME = f"""<!doctype html><html><head><title>Example Gazette – News from the valley</title></head><body>
<header><a href="/">Example Gazette</a><nav><a href="/news">News</a> <a href="/sport">Sport</a>
<a href="/culture">Culture</a> <a href="/jobs">Jobs</a></nav></header>
<main><section><h2>Top stories</h2><ul>{_teasers(12)}</ul></section>
<section><h2>Most read</h2><ol><li><a href="/a">Bridge opens</a></li><li><a href="/b">Fair returns</a></li></ol></section>
</main><footer><a href="/about">About us</a> <a href="/privacy">Privacy</a> © 2024</footer></body></html>"""


def test_home_page_is_not_an_article() -> None:
    art = copydesk.extract(HOME.encode(), url="https://gazette.example/")
    _assert_clear(art)
    assert art.status == EMPTY or art.page_type not in (None, "article"), (art.status, art.page_type, art.text[:300])


def test_frameset_page() -> None:
    html = """<html><head><title>Frames</title></head><frameset cols="20%,80%">
    <frame src="menu.html" name="menu"><frame src="content.html" name="content">
    <noframes><body>Your browser does not support frames.</body></noframes></frameset></html>"""
    art = copydesk.extract(html.encode())
    _assert_failed(art, EMPTY)


def test_noscript_only_page() -> None:
    html = """<!doctype html><html><head><title>App</title><script src="/app.js"></script></head><body>
    <noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div></body></html>"""
    _assert_failed(copydesk.extract(html.encode()), EMPTY)


def test_head_only_page() -> None:
    _assert_failed(copydesk.extract(b"<html><head><title>Only a head</title></head></html>"), EMPTY)


# --- wrong argument types -----------------------------------------------------------------------------

@pytest.mark.parametrize("page", [42, None, 3.5, ["<p>x</p>"], {"html": "<p>x</p>"}], ids=repr)
def test_wrong_page_type_raises_type_error(page: object) -> None:
    with pytest.raises(TypeError):
        copydesk.extract(page)  # type: ignore[arg-type]


def test_bytearray_and_memoryview_are_accepted() -> None:
    for page in (bytearray(ARTICLE.encode()), memoryview(ARTICLE.encode())):
        art = copydesk.extract(page)  # type: ignore[arg-type]
        assert art.status == OK and "several hundred residents" in art.text


def test_wrong_url_type_and_unknown_option() -> None:
    with pytest.raises(TypeError):
        copydesk.extract(ARTICLE, url=123)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        copydesk.extract(ARTICLE, no_such_option=True)


# --- the CLI: errors on stderr, a non-zero exit, never a traceback -------------------------------------

def _assert_cli_error(proc: subprocess.CompletedProcess) -> str:
    err = proc.stderr.decode("utf-8", "replace")
    out = proc.stdout.decode("utf-8", "replace")
    assert proc.returncode != 0, f"exit 0 for a failure; stdout={out[:300]!r} stderr={err[:300]!r}"
    assert err.strip(), "no message on stderr"
    assert "Traceback" not in err and "Traceback" not in out, err[-1500:]
    return err


def test_cli_missing_file(tmp_path: Path) -> None:
    err = _assert_cli_error(run_cli("extract", str(tmp_path / "no-such-page.html")))
    assert "no-such-page.html" in err


def test_cli_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.html"
    p.write_bytes(b"")
    err = _assert_cli_error(run_cli("extract", str(p)))
    assert "empty" in err.lower()


def test_cli_pdf_file(tmp_path: Path) -> None:
    p = tmp_path / "paper.html"  # the name lies; the bytes are a PDF
    p.write_bytes(NOT_HTML_INPUTS["pdf"])
    err = _assert_cli_error(run_cli("extract", str(p)))
    assert "pdf" in err.lower()


def test_cli_bad_option(tmp_path: Path) -> None:
    p = tmp_path / "a.html"
    p.write_text(ARTICLE, encoding="utf8")
    _assert_cli_error(run_cli("extract", str(p), "--format", "no-such-format"))


def test_cli_directory_instead_of_file(tmp_path: Path) -> None:
    _assert_cli_error(run_cli("extract", str(tmp_path)))


def test_cli_good_page_succeeds(tmp_path: Path) -> None:
    p = tmp_path / "a.html"
    p.write_text(ARTICLE, encoding="utf8")
    proc = run_cli("extract", str(p), "--format", "markdown")
    assert proc.returncode == 0, proc.stderr.decode()[-1500:]
    assert "several hundred residents walked across it" in proc.stdout.decode()


def test_target_language_other_language_is_empty_with_reason() -> None:
    page = ("<html lang='de'><head><title>Bericht</title></head><body><article><h1>Bericht</h1>"
            + "<p>Der Gemeinderat hat am Dienstag beschlossen, die Brücke über den Fluss im nächsten Jahr zu "
              "erneuern, weil die alte Konstruktion nicht mehr sicher ist und die Kosten steigen.</p>" * 4
            + "</article></body></html>")
    assert copydesk.extract(page).status == OK
    art = copydesk.extract(page, target_language="en")
    assert art.status == EMPTY and "target_language" in (art.reason or "")
    assert copydesk.extract(page, target_language="de").status == OK
