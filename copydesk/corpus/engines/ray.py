"""Ray Data adapter: `copydesk run ... --engine ray`.

The unit of work is one input file. Ray Data maps the list of input paths through a task that runs
the local runner on that one file with one guarded worker process, so the rows, shard names, guards
and manifest are exactly those of a local run, and files finished by an earlier run are skipped.
The same call works on a laptop (`ray.init()`) and on a cluster (`address="auto"`); the output folder
must then be on a filesystem every node sees. On a 2-core machine this is slower than the local pool:
Ray's own processes compete for the cores. Install with `pip install 'copydesk[ray]'`."""
from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..readers import expand_inputs, make_unit
from ..runner import RunConfig, run
from ..writers import SUMMARY_FILE, Manifest, OutputLock, atomic_write_bytes, check_run_file


def run_unit(rc: RunConfig, path: str) -> dict[str, Any]:
    """Run one input file into the shared output folder (what each Ray task does)."""
    one = replace(rc, inputs=[path], jobs=1, progress="none", overwrite=False, clean_all=False)
    s = run(one)
    return {"path": path, "rows": s["this_run"]["rows"], "failed": bool(s["failed"])}


def _map_row(row: dict[str, Any], rc: RunConfig) -> dict[str, Any]:
    return run_unit(rc, row["path"])


def run_ray(rc: RunConfig, address: str | None = None, concurrency: int | None = None) -> dict[str, Any]:
    """Run a corpus job on Ray Data; returns the same summary as the local runner."""
    import ray  # noqa: F401  (fail before touching the output folder when the extra is missing)

    t0 = time.monotonic()
    out = Path(rc.out)
    out.mkdir(parents=True, exist_ok=True)
    with OutputLock(out) as lock:  # exclusive for the cleanup; then shared with the per-input tasks
        check_run_file(out, rc.settings(), rc.overwrite)
        manifest = Manifest(out)
        manifest.remove_orphans()
        lock.share()
        return _run_ray_locked(rc, out, manifest, address, concurrency, t0)


def _run_ray_locked(rc: RunConfig, out: Path, manifest: Manifest, address: str | None, concurrency: int | None,
                    t0: float) -> dict[str, Any]:
    import ray

    units = [make_unit(p) for p in expand_inputs(rc.inputs)]
    todo = [u for u in units if not (manifest.entries(u.name) and manifest.entries(u.name)[-1].get("final"))]
    if not ray.is_initialized():
        kw: dict[str, Any] = {"ignore_reinit_error": True, "include_dashboard": False, "log_to_driver": False}
        if address is None:
            # Local mode: let Ray's workers import this copydesk even when it is not pip-installed.
            root = str(Path(__file__).resolve().parents[3])
            kw["runtime_env"] = {"env_vars": {"PYTHONPATH": os.pathsep.join(
                p for p in (root, os.environ.get("PYTHONPATH", "")) if p)}}
        ray.init(address=address, **kw)
    results: list[dict[str, Any]] = []
    if todo:
        ds = ray.data.from_items([{"path": u.path} for u in todo])
        ds = ds.map(_map_row, fn_kwargs={"rc": rc}, num_cpus=1, concurrency=concurrency)
        results = ds.take_all()
    rows, counts, skipped = manifest.totals([u.name for u in units])
    elapsed = time.monotonic() - t0
    summary = {"out": str(out), "engine": "ray", "units": len(units), "units_already_done": len(units) - len(todo),
               "units_resumed": 0, "rows": rows, "counts": counts, "skipped": skipped, "elapsed_s": elapsed,
               "this_run": {"rows": sum(r["rows"] for r in results)},
               "pages_per_s": sum(r["rows"] for r in results) / elapsed if elapsed else 0.0,
               "failed": any(counts.get(s, 0) for s in ("error", "timeout"))}
    import json

    atomic_write_bytes(out / SUMMARY_FILE, json.dumps(summary, indent=1).encode())
    if rc.progress != "none":
        from ..progress import format_summary

        print(format_summary(summary))
    return summary
