"""Quality gate: copydesk on the aeb benchmark must not fall below the pinned floor (eval_baseline.json).

A change that lowers body extraction quality fails here. When the engine improves, raise the floors
as the "note" in eval_baseline.json says."""
from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import copydesk

BASELINE = Path(__file__).resolve().parent / "eval_baseline.json"


def _extract_text(raw: bytes, rec: dict) -> str:
    art = copydesk.extract(raw, url=(rec.get("meta") or {}).get("url"))
    return art.text if art.status == "ok" else ""


def test_aeb_quality_not_below_floor(benchlib: ModuleType) -> None:
    base = json.loads(BASELINE.read_text(encoding="utf8"))
    gate = base["aeb"]
    scores = benchlib.score("aeb", _extract_text, root=str(Path(benchlib.__file__).parent))
    assert scores["pages"] == gate["pages"], f"aeb has {scores['pages']} pages, the baseline was pinned on {gate['pages']}"
    summary = ", ".join(f"{k}={scores[k]:.4f}" for k in ("f1", "precision", "recall", "accuracy"))
    assert scores["f1"] >= gate["f1_floor"], f"aeb F1 fell below the floor {gate['f1_floor']}: {summary}"
    assert scores["accuracy"] >= gate["accuracy_floor"], (
        f"aeb accuracy fell below the floor {gate['accuracy_floor']}: {summary}")


def test_baseline_file_is_sane() -> None:
    base = json.loads(BASELINE.read_text(encoding="utf8"))
    gate = base["aeb"]
    assert 0.0 < gate["f1_floor"] <= 1.0 and 0.0 <= gate["accuracy_floor"] <= 1.0
    assert base["note"], "say how to raise the floors"
