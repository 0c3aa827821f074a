"""Memory: every benchmark page through copydesk.extract, several passes in one fresh process; RSS after each.

Flat means no growth after the first pass (the first pass pays for imports, caches and allocator pools).
The measuring process is a fresh interpreter (`python -m copydesk.bench.memory`), so the anchors and
the harness's own data do not count."""
from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .common import Section
from .report import table

PASSES = 5
QUICK_PASSES = 3
QUICK_PAGES = 40  # pages per dataset in --quick
FLAT_TOLERANCE_MB = 8.0  # growth from pass 1 to the last pass below this counts as flat (allocator noise)
TIMEOUT_S = 1800


def rss_mb() -> float:
    """Resident set size of this process now (VmRSS), in MiB."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # peak, where /proc is missing


def _paths(root: Path, datasets: list[str] | None, per_set: int | None) -> list[tuple[Path, str | None]]:
    names = sorted(d.name for d in root.iterdir() if (d / "gold.jsonl").is_file())
    if datasets:
        names = [n for n in names if n in datasets]
    out = []
    for n in names:
        with open(root / n / "gold.jsonl", encoding="utf8") as f:
            recs = [json.loads(line) for line in f if line.strip()]
        if per_set and len(recs) > per_set:
            step = len(recs) / per_set
            recs = [recs[int(i * step)] for i in range(per_set)]
        out += [(root / n / "pages" / f"{r['id']}.html.gz", (r.get("meta") or {}).get("url")) for r in recs]
    return out


def measure(shared: Path, passes: int = PASSES, datasets: list[str] | None = None,
            per_set: int | None = None) -> dict[str, Any]:
    """Run in this process: `passes` passes over the pages; RSS before and after each pass."""
    import copydesk

    pages = _paths(Path(shared) / "benchmarks", datasets, per_set)
    before = rss_mb()
    rss, statuses, cpu = [], {}, []
    for _ in range(passes):
        t0 = time.process_time()
        for path, url in pages:
            with gzip.open(path, "rb") as f:
                raw = f.read()
            try:
                st = copydesk.extract(raw, url=url).status
            except Exception as e:  # counted, not fatal: memory is what this measures
                st = f"raised {type(e).__name__}: {str(e)[:120]}"
            statuses[st] = statuses.get(st, 0) + 1
            del raw
        cpu.append(time.process_time() - t0)
        rss.append(rss_mb())
    return {"pages": len(pages), "passes": passes, "rss_before_mb": before, "rss_after_pass_mb": rss,
            "cpu_s_per_pass": cpu, "statuses": statuses, "growth_after_first_mb": rss[-1] - rss[0] if rss else 0.0,
            "flat": bool(rss) and rss[-1] - rss[0] < FLAT_TOLERANCE_MB}


def run(shared: Path, quick: bool = False, datasets: list[str] | None = None) -> Section:
    passes = QUICK_PASSES if quick else PASSES
    cmd = [sys.executable, "-m", "copydesk.bench.memory", "--shared", str(shared), "--passes", str(passes)]
    if quick:
        cmd += ["--per-set", str(QUICK_PAGES)]
    if datasets:
        cmd += ["--datasets", ",".join(datasets)]
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"the measuring process exited {proc.returncode}: {proc.stderr.strip()[-800:]}")
    d = json.loads(proc.stdout.strip().splitlines()[-1])
    if d["statuses"] and all(k.startswith("raised") for k in d["statuses"]):
        raise RuntimeError(f"copydesk.extract raised on every page ({d['statuses']}): memory not measured")
    rows = [[f"pass {i + 1}", f"{r:.1f}", f"{d['cpu_s_per_pass'][i]:.1f}"] for i, r in enumerate(d["rss_after_pass_mb"])]
    md = (f"`copydesk.extract` on {d['pages']} benchmark pages{' (quick subset)' if quick else ''}, {d['passes']} "
          f"passes in one fresh process. RSS before the first page: {d['rss_before_mb']:.1f} MiB.\n\n"
          + table(["after", "RSS MiB", "CPU s"], rows)
          + f"\n\nGrowth from pass 1 to pass {d['passes']}: {d['growth_after_first_mb']:+.1f} MiB → "
          + ("**flat**" if d["flat"] else "**grows**") + f" (flat = under {FLAT_TOLERANCE_MB:.0f} MiB). "
          + "Statuses over all passes: " + ", ".join(f"{k} {v}" for k, v in sorted(d["statuses"].items())) + ".\n")
    return Section("Memory", md, d)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, required=True)
    ap.add_argument("--passes", type=int, default=PASSES)
    ap.add_argument("--per-set", type=int, default=None)
    ap.add_argument("--datasets", default=None)
    a = ap.parse_args(argv)
    ds = [s for s in a.datasets.split(",") if s] if a.datasets else None
    print(json.dumps(measure(a.shared, a.passes, ds, a.per_set)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
