"""Body extraction: copydesk and the anchors on the same pages in the same run, graded with benchlib.

Pages are spread over worker processes in runs of RUN_PAGES; in each run every tool extracts all its pages
in turn (the order of the tools rotates from run to run), as an extractor runs in a corpus job, while noise
on the machine still hits all tools alike. `interleave="page"` runs every tool on page 1, then page 2, ...
instead: each call then finds its caches cooled by the other tools, which costs a fast tool a larger share
of its time (BENCHMARKS.md reports both for aeb). The CPU time of each call is measured inside its worker
with `time.process_time`."""
from __future__ import annotations

import gzip
import json
import multiprocessing as mp
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import anchors
from .common import Section, load_benchlib, median, percentile
from .report import table

TOOL_ORDER = ("copydesk", "copydesk-body", "trafilatura", "readability", "resiliparse", "all-text")
DATASET_ORDER = ("aeb", "dragnet", "cleaneval", "trafilatura-eval-dev")
SPLIT_REPORTS = {"dragnet": "test"}  # datasets whose split is reported apart too (the model trains on train)
QUICK_PAGES = 20  # pages per dataset in --quick, spread evenly over the dataset
RUN_PAGES = 8  # pages a worker takes at a time; each tool runs over all of them in turn
REFERENCE = "trafilatura"  # the speed ratios are copydesk's median CPU over this tool's
OURS = ("copydesk", "copydesk-body")  # with all metadata; the body only (like trafilatura.extract)

_TOOLS: dict[str, anchors.Extractor] = {}
_ERRORS: dict[str, str] = {}
_BL: Any = None  # benchlib, in each worker: grading is spread over the workers too


def _init(names: list[str], shared: str) -> None:
    global _TOOLS, _ERRORS, _BL
    _BL = load_benchlib(Path(shared))
    _TOOLS, _ERRORS = anchors.load(names)


def _read(path: str) -> bytes:
    with gzip.open(path, "rb") as f:
        return f.read()


Result = tuple[str, float, "str | None", float]  # text, CPU ms, error, the page's own grade


Job = tuple[int, str, dict[str, Any], str, "str | None"]  # index, dataset, gold record, page path, url


def _call(name: str, raw: bytes, url: str | None) -> tuple[str, float, str | None]:
    err = None
    t0 = time.process_time()
    try:
        text = _TOOLS[name](raw, url)
    except Exception as e:  # a tool failing on a page is an empty output, never a crashed run
        text, err = "", f"{type(e).__name__}: {e}"[:300]
    ms = (time.process_time() - t0) * 1000.0
    return (text if isinstance(text, str) else "", ms, err)


def _run_pages(batch: tuple[str, list[Job]]) -> list[tuple[str, str, dict[str, Result]]]:
    """All tools on a run of pages, then their grades: [(dataset, id, {tool: (text, cpu_ms, error, grade)})]."""
    interleave, jobs = batch
    raws = [_read(path) for _i, _ds, _rec, path, _url in jobs]
    names = list(_TOOLS)
    timed: list[dict[str, tuple[str, float, str | None]]] = [{} for _ in jobs]
    if interleave == "page":
        for j, (index, _ds, _rec, _path, url) in enumerate(jobs):
            k = index % len(names) if names else 0
            for name in names[k:] + names[:k]:
                timed[j][name] = _call(name, raws[j], url)
    else:
        k = jobs[0][0] // RUN_PAGES % len(names) if names else 0
        for name in names[k:] + names[:k]:
            for j, (_index, _ds, _rec, _path, url) in enumerate(jobs):
                timed[j][name] = _call(name, raws[j], url)
    return [(ds, rec["id"], {n: (text, ms, err, _page_score(_BL, rec, text)) for n, (text, ms, err) in t.items()})
            for (_i, ds, rec, _p, _u), t in zip(jobs, timed, strict=True)]


def _grade_task(task: tuple[str, str, list[dict[str, Any]], dict[str, str]]) -> tuple[str, str, dict[str, float]]:
    label, tool, recs, texts = task
    return label, tool, _grade(_BL, recs, texts)


def _gold(root: Path, name: str) -> list[dict[str, Any]]:
    with open(root / name / "gold.jsonl", encoding="utf8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _sample(recs: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    if len(recs) <= n:
        return recs
    step = len(recs) / n
    return [recs[int(i * step)] for i in range(n)]


def _jobs(root: Path, sets: dict[str, list[dict[str, Any]]], interleave: str) -> Iterator[tuple[str, list[Job]]]:
    """Runs of RUN_PAGES pages (a run never spans two datasets)."""
    i = 0
    for name, recs in sets.items():
        run: list[Job] = []
        for rec in recs:
            url = (rec.get("meta") or {}).get("url")
            run.append((i, name, rec, str(root / name / "pages" / f"{rec['id']}.html.gz"), url))
            i += 1
            if len(run) == RUN_PAGES:
                yield interleave, run
                run = []
        if run:
            yield interleave, run


def _page_score(bl: Any, rec: dict[str, Any], text: str) -> float:
    """One page's grade: shingle F1 for full-text gold, share of snippets right for snippet gold."""
    if rec.get("text") is not None:
        tp, fp, fn = bl.page_text_counts(rec["text"], text)
        return 2 * tp / (2 * tp + fp + fn) if tp else (1.0 if fp == fn == 0 else 0.0)
    s = bl.score_snippets([(rec.get("with"), rec.get("without"), text)])
    return s["accuracy"]


def _grade(bl: Any, recs: list[dict[str, Any]], texts: dict[str, str]) -> dict[str, float]:
    if any(r.get("text") is not None for r in recs):
        return bl.score_text([(r["text"], texts.get(r["id"], "")) for r in recs if r.get("text") is not None])
    return bl.score_snippets([(r.get("with"), r.get("without"), texts.get(r["id"], "")) for r in recs])


def _summarise(recs: list[dict[str, Any]], results: dict[str, dict[str, Result]], scores: dict[str, dict[str, float]],
               tools: list[str]) -> dict[str, Any]:
    figs: dict[str, Any] = {"pages": len(recs), "grading": "score_text" if any(r.get("text") is not None for r in recs)
                            else "score_snippets", "tools": {}}
    for t in tools:
        got = [results[r["id"]][t] for r in recs if t in results.get(r["id"], {})]
        ms = [g[1] for g in got]
        errors = [(r["id"], results[r["id"]][t][2]) for r in recs if t in results.get(r["id"], {}) and results[r["id"]][t][2]]
        sc = scores[t]
        figs["tools"][t] = {
            **{k: sc[k] for k in ("f1", "precision", "recall", "accuracy")},
            "cpu_ms_median": median(ms), "cpu_ms_p95": percentile(ms, 0.95), "cpu_ms_max": max(ms, default=float("nan")),
            "cpu_ms_total": sum(ms), "errors": len(errors), "error_examples": errors[:5],
            "empty": (len(recs) - len(got)) + sum(1 for g in got if not g[0].strip()),
        }
    ref = figs["tools"].get(REFERENCE)
    for ours in OURS:
        cd = figs["tools"].get(ours)
        if cd and ref and ref["cpu_ms_median"] > 0:
            figs[f"cpu_ratio_{ours}_over_{REFERENCE}"] = cd["cpu_ms_median"] / ref["cpu_ms_median"]
    return figs


def run(shared: Path, quick: bool = False, datasets: list[str] | None = None, tools: list[str] | None = None,
        jobs: int | None = None, interleave: str = "run") -> Section:
    """Run every tool over every gold dataset (or `datasets`), `jobs` worker processes (default: usable cores);
    `interleave` is "run" (each tool over a run of pages in turn) or "page" (every tool on each page in turn)."""
    if interleave not in ("run", "page"):
        raise ValueError(f"interleave must be 'run' or 'page', not {interleave!r}")
    shared = Path(shared)
    bl = load_benchlib(shared)
    root = shared / "benchmarks"
    available = bl.datasets(str(root))
    names = [d for d in DATASET_ORDER if d in available] + sorted(set(available) - set(DATASET_ORDER))
    if datasets:
        unknown = set(datasets) - set(available)
        if unknown:
            raise ValueError(f"unknown dataset(s) {sorted(unknown)}; available: {available}")
        names = [d for d in names if d in datasets]
    tools = list(tools or TOOL_ORDER)
    sets = {n: _gold(root, n) for n in names}
    if quick:
        sets = {n: _sample(r, QUICK_PAGES) for n, r in sets.items()}
    n_pages = sum(len(r) for r in sets.values())
    if jobs is None:
        jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    jobs = max(1, min(jobs, n_pages or 1))
    # The reported rows: each dataset, plus its held-out split where it has one.
    rows_for: dict[str, tuple[str, list[dict[str, Any]]]] = {}
    for n in names:
        rows_for[n] = (n, sets[n])
        split = SPLIT_REPORTS.get(n)
        sub = [r for r in sets[n] if split and r.get("split") == split]
        if sub:
            rows_for[f"{n}-{split}"] = (n, sub)

    # Tool load errors are found in the parent too, to report them (workers load their own copies).
    _, load_errors = anchors.load(tools)
    ran = [t for t in tools if t not in load_errors]
    t_wall = time.perf_counter()
    results: dict[str, dict[str, dict[str, Result]]] = {n: {} for n in names}
    scores: dict[str, dict[str, dict[str, float]]] = {label: {} for label in rows_for}
    ctx = mp.get_context("spawn")  # fresh interpreters: no state inherited from the harness
    with ctx.Pool(jobs, initializer=_init, initargs=(tools, str(shared))) as pool:
        for done in pool.imap_unordered(_run_pages, _jobs(root, sets, interleave)):
            for ds, pid, out in done:
                results[ds][pid] = out
        wall = time.perf_counter() - t_wall
        tasks = [(label, t, recs, {r["id"]: results[n].get(r["id"], {}).get(t, ("",))[0] for r in recs})
                 for label, (n, recs) in rows_for.items() for t in ran]
        for label, t, sc in pool.imap_unordered(_grade_task, tasks):
            scores[label][t] = sc

    data: dict[str, Any] = {"pages": n_pages, "jobs": jobs, "wall_s": wall, "quick": quick, "load_errors": load_errors,
                            "interleave": interleave, "run_pages": RUN_PAGES,
                            "settings": {t: anchors.TOOLS[t].settings for t in tools},
                            "versions": {t: anchors.tool_version(t) for t in tools}, "datasets": {}, "per_page": {}}
    for label, (n, recs) in rows_for.items():
        data["datasets"][label] = _summarise(recs, results[n], scores[label], ran)
    for n in names:  # per-page [CPU ms, grade] per tool, for finding the worst pages (JSON only)
        data["per_page"][n] = {pid: {t: [round(v[1], 2), round(v[3], 4)] for t, v in out.items()}
                               for pid, out in results[n].items()}
    return Section("Body extraction", _markdown(data, ran), data)


def _markdown(data: dict[str, Any], tools: list[str]) -> str:
    out = [f"{data['pages']} pages{' (quick subset)' if data['quick'] else ''}, {data['jobs']} worker processes, "
           f"{data['wall_s']:.0f} s wall. "
           + (f"Each worker takes {data['run_pages']} pages at a time and runs each tool over them in turn (tool "
              "order rotating from run to run). " if data.get("interleave", "run") == "run" else
              "Tools interleaved page by page (order rotating). ")
           + "F1/precision/recall/accuracy "
           "from benchlib: `score_text` (4-word shingles, averaged per page; accuracy = exact word sequence) where "
           "the gold is full text, `score_snippets` (pooled with/without snippets) where it is snippets.", ""]
    for t, err in data["load_errors"].items():
        out.append(f"- **{t} did not run**: {err}")
    if data["load_errors"]:
        out.append("")
    # Summary: F1 per dataset and tool, and the speed ratio.
    ours = [t for t in OURS if t in tools]
    head = ["dataset", "pages", *tools, *(f"{t}/{REFERENCE} median CPU" for t in ours)]
    rows = []
    for label, d in data["datasets"].items():
        ratios = [d.get(f"cpu_ratio_{t}_over_{REFERENCE}") for t in ours]
        rows.append([label, d["pages"], *[d["tools"][t]["f1"] for t in tools],
                     *(f"{r:.2f}×" if r is not None else "–" for r in ratios)])
    out += ["F1:", "", table(head, rows), ""]
    for label, d in data["datasets"].items():
        out += [f"### {label} ({d['pages']} pages, {d['grading']})", ""]
        rows = []
        for t in tools:
            f = d["tools"][t]
            rows.append([t, f["f1"], f["precision"], f["recall"], f["accuracy"], f"{f['cpu_ms_median']:.1f}",
                         f"{f['cpu_ms_p95']:.1f}", f"{f['cpu_ms_max']:.0f}", f["errors"], f["empty"]])
        out.append(table(["tool", "F1", "precision", "recall", "accuracy", "median ms", "p95 ms", "max ms", "errors",
                          "empty"], rows))
        for t in tools:
            for pid, err in d["tools"][t]["error_examples"][:2]:
                out.append(f"\n- {t} error on `{pid}`: {err}")
        out.append("")
    out += ["How each tool is called:", ""]
    out += [f"- {t} {data['versions'][t]}: {s}" for t, s in data["settings"].items()]
    return "\n".join(out) + "\n"
