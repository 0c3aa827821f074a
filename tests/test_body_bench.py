"""The body benchmark section on a tiny run: every page graded once per tool, whatever the scheduling."""
from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.mark.skipif(not (SHARED / "benchmarks" / "benchlib.py").exists(), reason=f"benchmarks not found under {SHARED}")
def test_section_quick_both_schedules() -> None:
    from copydesk.bench import body

    runs = {mode: body.run(SHARED, quick=True, datasets=["aeb"], tools=["copydesk", "copydesk-body", "all-text"],
                           jobs=2,
                           interleave=mode).data for mode in ("run", "page")}
    for data in runs.values():
        pages = data["per_page"]["aeb"]
        assert len(pages) == body.QUICK_PAGES  # each page exactly once ...
        assert all(set(t) == {"copydesk", "copydesk-body", "all-text"} for t in pages.values())  # ... every tool
        tools = data["datasets"]["aeb"]["tools"]
        assert tools["copydesk"]["f1"] > tools["all-text"]["f1"] > 0.0
        assert tools["copydesk"]["errors"] == tools["copydesk-body"]["errors"] == 0
        # without metadata only the headline test loses the metadata title: the body barely moves
        assert abs(tools["copydesk"]["f1"] - tools["copydesk-body"]["f1"]) < 0.01
    # extraction does not depend on the schedule: the same grades both ways
    grades = {m: {pid: {t: v[1] for t, v in out.items()} for pid, out in d["per_page"]["aeb"].items()}
              for m, d in runs.items()}
    assert grades["run"] == grades["page"]
    with pytest.raises(ValueError):
        body.run(SHARED, quick=True, datasets=["aeb"], tools=["all-text"], interleave="tool")
