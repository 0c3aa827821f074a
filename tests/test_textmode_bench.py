"""The text-mode benchmark section: the line-filter baseline and the section on a tiny run."""
from __future__ import annotations

from pathlib import Path

import pytest

from copydesk.bench.text import line_filter

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def test_line_filter_rules() -> None:
    text = ("Home\nThe council met on Tuesday to vote on the budget.\nPlease enable JavaScript to view this page.\n"
            "We use cookies to improve your experience.\nShort one.\nRead our privacy policy for details today.\n")
    out = line_filter(text).splitlines()
    assert out == ["The council met on Tuesday to vote on the budget."]


def test_section_quick() -> None:
    if not (SHARED / "benchmarks" / "benchlib.py").exists():
        pytest.skip(f"benchmarks not found under {SHARED}")
    from copydesk.bench.text import copydesk_batch, copydesk_text, evaluate

    res = evaluate(SHARED, quick=True, tools={"copydesk": copydesk_text, "copydesk batch": copydesk_batch,
                                              "line filter": line_filter})
    aeb = res["datasets"]["aeb"]
    assert 0.0 < aeb["line filter"]["f1"] <= 1.0
    assert aeb["copydesk"]["f1"] > aeb["line filter"]["f1"]
    # the batch entry point gives the same output, so the same scores
    for row in res["datasets"].values():
        assert row["copydesk batch"] == row["copydesk"]
    assert res["speed"]["copydesk"]["mb_per_s"] > 0
    assert res["speed"]["copydesk batch"]["mb_per_s"] > 0
