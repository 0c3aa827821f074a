"""Hand-written pages in tests/fixtures/<case>/ (source.html + expected.json), one test per case.

expected.json fields:
  about          what the page is (for people)
  url            passed to extract()
  status         "ok", or "not_article" for pages with no article (status "empty" or a page_type
                 other than "article" both pass)
  title          the expected title (compared with whitespace collapsed)
  must_have      snippets that must appear in the body text
  must_not_have  snippets that must not appear in it (navigation, banners, comments, related links ...)
  block_kinds    kinds of blocks the body must contain (heading, list, table, quote, code ...)
  language       optional: the expected language code of the page"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import copydesk
from copydesk.article import BLOCK_KINDS, EMPTY, OK

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "source.html").is_file()) if FIXTURES.is_dir() else []
SPACE = re.compile(r"\s+")


def _norm(s: str) -> str:
    return SPACE.sub(" ", s).strip()


def _load(case: str) -> tuple[bytes, dict]:
    folder = FIXTURES / case
    return (folder / "source.html").read_bytes(), json.loads((folder / "expected.json").read_text(encoding="utf8"))


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 8, CASES


@pytest.mark.parametrize("case", CASES)
def test_expected_json_is_well_formed(case: str) -> None:
    _, exp = _load(case)
    assert exp["status"] in (OK, "not_article")
    assert set(exp.get("block_kinds", [])) <= set(BLOCK_KINDS)
    if exp["status"] == OK:
        assert exp["must_have"] and exp["must_not_have"] and exp["title"]


@pytest.mark.parametrize("case", CASES)
def test_fixture(case: str) -> None:
    raw, exp = _load(case)
    art = copydesk.extract(raw, url=exp.get("url"))
    if exp["status"] == "not_article":
        assert art.status == EMPTY or art.page_type not in (None, "article"), (art.status, art.page_type, art.text[:400])
        if art.status == EMPTY:
            assert art.reason
        return
    assert art.status == OK, art.reason
    text = _norm(art.text)
    missing = [s for s in exp["must_have"] if _norm(s) not in text]
    assert not missing, f"missing from the body: {missing}\n--- body ---\n{art.text[:3000]}"
    leaked = [s for s in exp["must_not_have"] if _norm(s) in text]
    assert not leaked, f"boilerplate in the body: {leaked}\n--- body ---\n{art.text[:3000]}"
    assert _norm(art.title or "") == _norm(exp["title"]), art.title
    kinds = {b.kind for b in art.blocks}
    assert set(exp.get("block_kinds", [])) <= kinds, f"block kinds {sorted(kinds)}, expected {exp['block_kinds']}"
    if exp.get("language"):
        assert (art.language or "").split("-")[0].lower() == exp["language"], art.language
