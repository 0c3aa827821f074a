"""`python -m copydesk.bench`: run the benchmark sections and write BENCHMARKS.md (+ BENCHMARKS.json).

Each section is a module `copydesk.bench.<name>` with `run(shared, quick=False) -> Section`, imported
lazily; a missing or failing section is reported in the output instead of stopping the run.

`--merge` refreshes some sections of an existing report: the sections run now replace theirs in the
BENCHMARKS.json next to --out, the others are kept as they were, and BENCHMARKS.md is rewritten with
every section, each stating the command, date and load average of the run its figures come from."""
from __future__ import annotations

import argparse
import datetime as dt
import importlib
import inspect
import json
import math
import shlex
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from .common import Section
from .report import REPO_ROOT, header, run_info, run_stamp

SECTIONS = ("body", "meta", "text", "quotes", "corpus", "memory")
DEFAULT_SHARED = REPO_ROOT.parent / "shared"


def _jsonable(x: Any) -> Any:
    """NaN is not JSON: write null."""
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return None
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    return x


def run_section(name: str, shared: Path, quick: bool, extra: dict[str, Any]) -> tuple[Section, str | None]:
    """Import and run one section; (section, error). Options a section does not take are not passed."""
    try:
        mod = importlib.import_module(f"copydesk.bench.{name}")
    except ModuleNotFoundError as e:
        if e.name == f"copydesk.bench.{name}":
            return Section(name, f"**Not run**: there is no section module `copydesk/bench/{name}.py` yet.\n"), \
                "missing"
        return _failed(name, e)
    except Exception as e:
        return _failed(name, e)
    fn = getattr(mod, "run", None)
    if not callable(fn):
        return Section(name, f"**Not run**: `copydesk.bench.{name}` has no `run(shared, quick)`.\n"), "no run()"
    params = inspect.signature(fn).parameters
    kw = {k: v for k, v in extra.items() if v is not None and k in params}
    try:
        sec = fn(shared, quick=quick, **kw)
        if not isinstance(sec, Section):
            raise TypeError(f"run() returned {type(sec).__name__}, not Section")
        # A section that ran but lost a part reports its figures and its error (data["error"]).
        err = sec.data.get("error") if isinstance(sec.data, dict) else None
        return sec, str(err) if err else None
    except Exception as e:
        return _failed(name, e)


def _failed(name: str, e: BaseException) -> tuple[Section, str]:
    tb = traceback.format_exc()
    msg = f"{type(e).__name__}: {e}"
    return Section(name, f"**Failed**: `{msg}`\n\n```\n{tb.strip()[-2000:]}\n```\n", {"error": msg, "traceback": tb}), msg


Done = list[tuple[str, Section, "str | None", float, dict[str, Any]]]  # name, section, error, seconds, run info


def _entry(sec: Section, err: str | None, secs: float, info: dict[str, Any]) -> dict[str, Any]:
    return {"title": sec.title, "error": err, "seconds": secs, "run": info, "markdown": sec.markdown,
            "data": sec.data}


def _split_markdown(md: str, titles: list[str]) -> dict[str, str]:
    """Section bodies of a BENCHMARKS.md written before the JSON kept them, by their `## title` heading."""
    out: dict[str, str] = {}
    cur: str | None = None
    for line in md.splitlines():
        if line.startswith("## "):
            cur = line[3:].strip() if line[3:].strip() in titles else None
            if cur is not None:
                out[cur] = ""
            continue
        if cur is not None:
            out[cur] += line + "\n"
    return {k: v.strip("\n") + "\n" for k, v in out.items()}


def read_previous(out: Path) -> dict[str, dict[str, Any]]:
    """The sections of the report at `out` (from its JSON), each with its markdown and its run's facts."""
    path = out.with_suffix(".json")
    if not path.exists():
        return {}
    try:
        old = json.loads(path.read_text(encoding="utf8"))
    except ValueError as e:
        raise SystemExit(f"error: cannot merge into {path}: {e}") from None
    sections = old.get("sections") or {}
    legacy = _split_markdown(out.read_text(encoding="utf8"), [s.get("title", "") for s in sections.values()]) \
        if out.exists() and any("markdown" not in s for s in sections.values()) else {}
    top = {"date": old.get("date"), "command": old.get("command"),
           "load_average_at_start": (old.get("machine") or {}).get("load_average_at_start"),
           "copydesk": (old.get("versions") or {}).get("copydesk")}
    prev = {}
    for name, s in sections.items():
        s = dict(s)
        s.setdefault("run", top)  # a report written in one go: its sections share the top facts
        if "markdown" not in s:
            s["markdown"] = legacy.get(s.get("title", ""), "**Not found** in the earlier BENCHMARKS.md.\n")
        prev[name] = s
    return prev


def write(out: Path, head: str, meta: dict[str, Any], done: Done,
          previous: dict[str, dict[str, Any]] | None = None) -> None:
    """Write BENCHMARKS.md and .json. With `previous` (merge mode) its sections are kept unless run now,
    and every section states its own run."""
    out.parent.mkdir(parents=True, exist_ok=True)
    entries = dict(previous or {})
    for n, s, e, secs, info in done:
        entries[n] = _entry(s, e, secs, info)  # replaces in place: the report keeps its order
    merged = previous is not None
    lines = [head, "## Sections", ""]
    for name, ent in entries.items():
        status = ent["error"] if ent["error"] else f"ok ({ent['seconds'] or 0:.0f} s)"
        lines.append(f"- {name}: {status}" + (f", run {ent['run'].get('date')}" if merged else ""))
    lines.append("")
    for ent in entries.values():
        lines += [f"## {ent['title']}", ""] + ([run_stamp(ent["run"]), ""] if merged else []) + \
            [ent["markdown"].rstrip(), ""]
    out.write_text("\n".join(lines), encoding="utf8")
    figures = {**meta, "merged": merged, "sections": entries}
    out.with_suffix(".json").write_text(json.dumps(_jsonable(figures), indent=1, ensure_ascii=False), encoding="utf8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m copydesk.bench", description=__doc__)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared folder holding benchmarks/")
    ap.add_argument("--out", type=Path, default=Path("BENCHMARKS.md"), help="markdown output; figures go to .json")
    ap.add_argument("--only", default=None, help=f"comma-separated sections (default: all of {','.join(SECTIONS)})")
    ap.add_argument("--quick", action="store_true", help="a small subset of every dataset, for smoke runs")
    ap.add_argument("--datasets", default=None, help="comma-separated benchmark datasets (default: all)")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes where a section uses them")
    ap.add_argument("--interleave", choices=("run", "page"), default=None,
                    help="body section: each tool over a run of pages in turn (default), or every tool page by page")
    ap.add_argument("--merge", action="store_true",
                    help="keep the other sections of the existing report at --out (read from its .json) and "
                         "replace only those run now; each section states its own command, date and load")
    a = ap.parse_args(argv)
    args = sys.argv[1:] if argv is None else argv
    command = shlex.join(["python", "-m", "copydesk.bench", *args])
    if not (a.shared / "benchmarks").is_dir():
        print(f"error: no benchmarks folder under {a.shared} (pass --shared)", file=sys.stderr)
        return 2
    names = [s.strip() for s in a.only.split(",") if s.strip()] if a.only else list(SECTIONS)
    bad = [n for n in names if not n.isidentifier()]
    if bad:
        print(f"error: bad section name(s): {', '.join(bad)}", file=sys.stderr)
        return 2
    extra = {"datasets": [s.strip() for s in a.datasets.split(",") if s.strip()] if a.datasets else None,
             "jobs": a.jobs, "interleave": a.interleave,
             # Private scratch space next to the output: not a shared temp name that other jobs clear.
             "workdir": a.out.resolve().parent}
    previous = read_previous(a.out) if a.merge else None  # before the first write replaces it
    head, meta = header(command, dt.datetime.now().astimezone(), merged=a.merge)
    done: Done = []
    for name in names:
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        info = run_info(command, dt.datetime.now().astimezone())
        t0 = time.perf_counter()
        sec, err = run_section(name, a.shared, a.quick, extra)
        secs = time.perf_counter() - t0
        print(f"[bench] {name}: {err or 'ok'} ({secs:.0f} s)", file=sys.stderr, flush=True)
        done.append((name, sec, err, secs, info))
        write(a.out, head, meta, done, previous)  # after every section: a late failure keeps the earlier figures
    print(f"[bench] wrote {a.out} and {a.out.with_suffix('.json')}", file=sys.stderr)
    return 0 if all(e in (None, "missing") for _n, _s, e, _t, _i in done) else 1


if __name__ == "__main__":
    sys.exit(main())
