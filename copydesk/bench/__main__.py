"""`python -m copydesk.bench`: run the benchmark sections and write BENCHMARKS.md (+ BENCHMARKS.json).

Each section is a module `copydesk.bench.<name>` with `run(shared, quick=False) -> Section`, imported
lazily; a missing or failing section is reported in the output instead of stopping the run."""
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
from .report import REPO_ROOT, header

SECTIONS = ("body", "meta", "text", "corpus", "memory")
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
        return sec, None
    except Exception as e:
        return _failed(name, e)


def _failed(name: str, e: BaseException) -> tuple[Section, str]:
    tb = traceback.format_exc()
    msg = f"{type(e).__name__}: {e}"
    return Section(name, f"**Failed**: `{msg}`\n\n```\n{tb.strip()[-2000:]}\n```\n", {"error": msg, "traceback": tb}), msg


def write(out: Path, head: str, meta: dict[str, Any], done: list[tuple[str, Section, str | None, float]]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = [head, "## Sections", ""]
    for name, _sec, err, secs in done:
        lines.append(f"- {name}: " + (f"{err}" if err else f"ok ({secs:.0f} s)"))
    lines.append("")
    for _name, sec, _err, _secs in done:
        lines += [f"## {sec.title}", "", sec.markdown.rstrip(), ""]
    out.write_text("\n".join(lines), encoding="utf8")
    figures = {**meta, "sections": {n: {"title": s.title, "error": e, "seconds": secs, "data": s.data}
                                    for n, s, e, secs in done}}
    out.with_suffix(".json").write_text(json.dumps(_jsonable(figures), indent=1, ensure_ascii=False), encoding="utf8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m copydesk.bench", description=__doc__)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared folder holding benchmarks/")
    ap.add_argument("--out", type=Path, default=Path("BENCHMARKS.md"), help="markdown output; figures go to .json")
    ap.add_argument("--only", default=None, help=f"comma-separated sections (default: all of {','.join(SECTIONS)})")
    ap.add_argument("--quick", action="store_true", help="a small subset of every dataset, for smoke runs")
    ap.add_argument("--datasets", default=None, help="comma-separated benchmark datasets (default: all)")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes where a section uses them")
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
             "jobs": a.jobs}
    head, meta = header(command, dt.datetime.now().astimezone())
    done: list[tuple[str, Section, str | None, float]] = []
    for name in names:
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        sec, err = run_section(name, a.shared, a.quick, extra)
        secs = time.perf_counter() - t0
        print(f"[bench] {name}: {err or 'ok'} ({secs:.0f} s)", file=sys.stderr, flush=True)
        done.append((name, sec, err, secs))
        write(a.out, head, meta, done)  # after every section: a late failure keeps the earlier figures
    print(f"[bench] wrote {a.out} and {a.out.with_suffix('.json')}", file=sys.stderr)
    return 0 if all(e in (None, "missing") for _n, _s, e, _t in done) else 1


if __name__ == "__main__":
    sys.exit(main())
