"""Quality gate: copydesk on the aeb benchmark must not fall below the pinned floors (eval_baseline.json):
HTML body extraction (`aeb`) and text mode on the flattened pages (`text_aeb`).

A change that lowers body extraction or text-mode quality fails here. When the engine improves, raise the floors
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


def test_text_mode_quality_not_below_floor(benchlib: ModuleType) -> None:
    from copydesk.textmode import extract_texts

    gate = json.loads(BASELINE.read_text(encoding="utf8"))["text_aeb"]
    recs = list(benchlib.iter_flat("aeb", str(Path(benchlib.__file__).parent)))
    assert len(recs) == gate["pages"], f"flattened aeb has {len(recs)} pages, the floor was pinned on {gate['pages']}"
    arts = extract_texts([text for _id, text, _gold in recs])
    scores = benchlib.score_text([(gold["text"], art.text) for (_id, _text, gold), art in zip(recs, arts, strict=True)])
    summary = ", ".join(f"{k}={scores[k]:.4f}" for k in ("f1", "precision", "recall"))
    assert scores["f1"] >= gate["f1_floor"], f"flattened aeb F1 fell below the floor {gate['f1_floor']}: {summary}"


def test_baseline_file_is_sane() -> None:
    base = json.loads(BASELINE.read_text(encoding="utf8"))
    gate = base["aeb"]
    assert 0.0 < gate["f1_floor"] <= 1.0 and 0.0 <= gate["accuracy_floor"] <= 1.0
    assert 0.0 < base["text_aeb"]["f1_floor"] <= base["text_aeb"]["pinned_at"]["f1"] <= 1.0
    assert base["note"], "say how to raise the floors"
