"""Text mode, measured: copydesk.extract_text side by side with a C4-style line filter and with trafilatura
given the lines as <p> elements, on every dataset's flattened pages (flat.jsonl.gz), plus throughput.

    python -m copydesk.bench.text [--quick] [--shared ../shared]
"""
from __future__ import annotations

import argparse
import html
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .common import Section, load_benchlib

# Pages per dataset in quick (smoke) runs.
QUICK_PAGES = 25
# The C4-style line filter (the baseline the issue names).
FILTER_MIN_WORDS = 3
FILTER_END = (".", "!", "?", '"', "”", "’", "'")
FILTER_BAD = re.compile(r"javascript|cookie|privacy policy|terms of (?:use|service)|lorem ipsum|\{",
                        re.IGNORECASE)
# Datasets (and splits) the shipped text-mode model was trained on: marked in the table.
TRAINED_ON = {("dragnet", "train"), ("cleaneval", None), ("trafilatura-eval-dev", None)}


def line_filter(text: str) -> str:
    """C4-style cleaning: keep lines that end a sentence, have >= 3 words and name no javascript/cookie/
    privacy-policy/terms."""
    keep = []
    for ln in text.splitlines():
        s = ln.strip()
        if s.endswith(FILTER_END) and len(s.split()) >= FILTER_MIN_WORDS and not FILTER_BAD.search(s):
            keep.append(s)
    return "\n".join(keep)


def trafilatura_lines(text: str) -> str:
    """trafilatura.extract on the lines wrapped as <p> elements (the only way it accepts text)."""
    import trafilatura

    body = "".join(f"<p>{html.escape(s.strip())}</p>" for s in text.splitlines() if s.strip())
    try:
        return trafilatura.extract(f"<html><body>{body}</body></html>") or ""
    except Exception:
        return ""


def copydesk_text(text: str) -> str:
    from ..textmode import extract_text

    return extract_text(text).text


def copydesk_batch(texts: list[str]) -> list[str]:
    """copydesk.textmode.extract_texts over the whole dataset (documents classified in batches)."""
    from ..textmode import extract_texts

    return [a.text for a in extract_texts(texts)]


def copydesk_batch_no_quotes(texts: list[str]) -> list[str]:
    """The batch path without who-said-what (same text: it shows what the quote stage costs)."""
    from ..textmode import extract_texts

    return [a.text for a in extract_texts(texts, with_quotes=False)]


# Tools that take the whole list of documents at once (batch entry points).
BATCH_TOOLS: dict[str, Callable[[list[str]], list[str]]] = {"copydesk batch": copydesk_batch,
                                                            "copydesk batch, no quotes": copydesk_batch_no_quotes}


def all_tools() -> dict[str, Callable[..., Any]]:
    """Every tool of the section, in table order."""
    return {"copydesk": copydesk_text, **BATCH_TOOLS, "line filter": line_filter, "trafilatura on <p>": trafilatura_lines}


def _groups(bl: Any, shared: Path, quick: bool) -> Iterator[tuple[str, list[tuple[str, dict]]]]:
    """(label, [(flat_text, gold)]) per dataset; dragnet split into its test and train halves."""
    root = str(Path(shared) / "benchmarks")
    for name in bl.datasets(root):
        try:
            recs = [(t, g) for _id, t, g in bl.iter_flat(name, root)]
        except FileNotFoundError:
            continue
        splits = sorted({g.get("split") for _t, g in recs}, key=lambda s: (s is None, s or ""))
        if name == "dragnet":
            parts = [(f"{name} ({s})", [r for r in recs if r[1].get("split") == s], (name, s)) for s in ("test", "train")]
        else:
            parts = [(name, recs, (name, None))]
        del splits
        for label, rs, key in parts:
            if quick:
                rs = rs[:QUICK_PAGES]
            mark = " *" if key in TRAINED_ON else ""
            yield label + mark, rs


def _grade(bl: Any, recs: list[tuple[str, dict]], preds: list[str]) -> dict[str, float]:
    if recs and recs[0][1].get("text") is not None:
        return bl.score_text([(g["text"], p) for (_t, g), p in zip(recs, preds, strict=True)])
    return bl.score_snippets([(g.get("with"), g.get("without"), p) for (_t, g), p in zip(recs, preds, strict=True)])


def evaluate(shared: Path, quick: bool = False, tools: dict[str, Callable[[str], str]] | None = None,
             log: Callable[[str], None] | None = None) -> dict[str, Any]:
    bl = load_benchlib(shared)
    tools = tools or all_tools()
    results: dict[str, Any] = {}
    speed: dict[str, dict[str, float]] = {}
    for label, recs in _groups(bl, shared, quick):
        results[label] = {}
        nbytes = sum(len(t.encode("utf8")) for t, _g in recs)
        for tool, fn in tools.items():
            t0 = time.process_time()
            if tool in BATCH_TOOLS or fn in BATCH_TOOLS.values():
                preds = fn([t for t, _g in recs])  # type: ignore[arg-type]
            else:
                preds = [fn(t) for t, _g in recs]
            cpu = time.process_time() - t0
            results[label][tool] = _grade(bl, recs, preds)
            sp = speed.setdefault(tool, {"bytes": 0.0, "cpu_s": 0.0})
            sp["bytes"] += nbytes
            sp["cpu_s"] += cpu
            if log:
                r = results[label][tool]
                log(f"{label:28s} {tool:20s} f1={r['f1']:.3f} p={r['precision']:.3f} r={r['recall']:.3f} "
                    f"({nbytes / 1e6 / max(cpu, 1e-9):.1f} MB/s)")
    for sp in speed.values():
        sp["mb_per_s"] = sp["bytes"] / 1e6 / max(sp["cpu_s"], 1e-9)
    return {"datasets": results, "speed": speed, "quick": quick}


def _markdown(res: dict[str, Any]) -> str:
    tools = list(next(iter(res["datasets"].values())).keys()) if res["datasets"] else []
    out = ["Flattened pages (`flat.jsonl.gz`: each page's visible text, a block a line) cleaned by copydesk "
           "text mode (`copydesk`: `extract_text` page by page; `copydesk batch`: `extract_texts` over the "
           "dataset, the same output computed in batches of pages; `copydesk batch, no quotes`: the same without "
           "who-said-what, `with_quotes=False`, to show its cost), by a C4-style line filter (keep lines that end a sentence, have >= 3 words and name "
           "no javascript/cookie/privacy policy/terms) and by trafilatura given the lines as `<p>` elements; "
           "same run, graded with benchlib (`score_text` where the gold is text, `score_snippets` otherwise). "
           "`*` marks data the text-mode model was trained on.", ""]
    out.append("| dataset | " + " | ".join(f"{t} F1 | P | R | acc" for t in tools) + " |")
    out.append("|---|" + "---|---|---|---|" * len(tools))
    for label, row in res["datasets"].items():
        cells = []
        for t in tools:
            r = row[t]
            cells.append(f"{r['f1']:.3f} | {r['precision']:.3f} | {r['recall']:.3f} | {r['accuracy']:.3f}")
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    out.append("")
    out.append("Throughput (CPU time of this process, one core; UTF-8 bytes of flattened text): " + ", ".join(
        f"{t} {s['mb_per_s']:.1f} MB/s" for t, s in res["speed"].items()) + ".")
    if res.get("quick"):
        out.append(f"(quick run: the first {QUICK_PAGES} pages of each set)")
    return "\n".join(out)


def run(shared: Path, quick: bool = False) -> Section:
    res = evaluate(shared, quick)
    return Section("Text mode (flattened pages)", _markdown(res), res)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2].parent / "shared"))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default=None,
                    help="comma-separated tools: " + ",".join(all_tools()))
    a = ap.parse_args(argv)
    tools = None
    if a.only:
        allt = all_tools()
        tools = {k: allt[k] for k in a.only.split(",")}
    res = evaluate(Path(a.shared), a.quick, tools, log=lambda s: print(s, file=sys.stderr))
    print(_markdown(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
