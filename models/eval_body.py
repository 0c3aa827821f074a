"""Quick body-quality check of copydesk alone (the full side-by-side run is `make bench`).

    python models/eval_body.py [--datasets aeb,dragnet-test] [--favor balanced]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import copydesk  # noqa: E402
from copydesk.bench.common import load_benchlib  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--datasets", default="aeb,dragnet-test,dragnet-train,cleaneval,trafilatura-eval-dev")
    ap.add_argument("--favor", default="balanced")
    ap.add_argument("--worst", type=int, default=0)
    args = ap.parse_args()
    bl = load_benchlib(Path(args.shared))
    root = str(Path(args.shared) / "benchmarks")
    for ds in args.datasets.split(","):
        name, _, split = ds.partition("-test") if ds.endswith("-test") else ds.partition("-train")
        split = "test" if ds.endswith("-test") else ("train" if ds.endswith("-train") else None)
        name = ds.rsplit("-", 1)[0] if split else ds
        pairs, snips, times, per = [], [], [], []
        for _id, raw, rec in bl.iter_pages(name, root=root):
            if split and rec.get("split") != split:
                continue
            t0 = time.process_time()
            art = copydesk.extract(raw, url=rec["meta"].get("url"), favor=args.favor)
            times.append((time.process_time() - t0) * 1000)
            pred = art.text
            if rec.get("text") is not None:
                pairs.append((rec["text"], pred))
                tp, fp, fn = bl.page_text_counts(rec["text"], pred)
                per.append((tp / (tp + 0.5 * (fp + fn)) if tp + fp + fn else 1.0, _id, fp, fn))
            else:
                snips.append((rec.get("with"), rec.get("without"), pred))
        r = bl.score_text(pairs) if pairs else bl.score_snippets(snips)
        print(f"{ds:24s} f1 {r['f1']:.4f} p {r['precision']:.4f} r {r['recall']:.4f} acc {r['accuracy']:.3f} "
              f"ms median {statistics.median(times):.2f} p95 {sorted(times)[int(0.95 * len(times))]:.1f} "
              f"max {max(times):.0f} n {r['pages']}")
        for f1, _id, fp, fn in sorted(per)[:args.worst]:
            print(f"   {f1:.3f} fp {fp:.2f} fn {fn:.2f} {_id}")


if __name__ == "__main__":
    main()
