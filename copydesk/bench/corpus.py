"""Corpus runs: a gzipped WARC built from every benchmark page, repeated to >= 20,000 records, through
`copydesk.corpus.run` with 1 and 2 workers, and trafilatura in the same pool for comparison.

Figures: records/s and MB/s of HTML end to end (read WARC.gz -> extract -> Parquet), CPU per page,
runner overhead (parent CPU for reading/dispatch/writing + worker CPU outside the extractor, as a share
of extractor CPU), peak RSS, and worker RSS early vs late in the run (flat = no growth after warm-up).
The WARC is built once in a cache folder (it holds third-party pages: it never leaves the machine).

The cache is shared by every benchmark run on the machine, so it is written only under unique temp
names and a lock, and each run works in a private folder of its own (next to the harness output): the
WARCs are hard-linked into it and the runs' output folders are made inside it, so another job that
clears the cache or temp folders cannot pull files from under a run. A failing pass is reported in
the section without losing the passes that ran."""
from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import shutil
import tempfile
import time
import uuid
import zlib
from pathlib import Path
from typing import Any

from .common import Section
from .report import table

MIN_RECORDS = 20_000
QUICK_RECORDS = 300
TRAFILATURA_RECORDS = 1_000  # trafilatura is ~5-10x slower: a subset keeps the harness in one sitting
QUICK_TRAFILATURA_RECORDS = 60
GZIP_LEVEL = 6  # what crawlers use
CACHE = Path(os.environ.get("COPYDESK_BENCH_CACHE", Path(tempfile.gettempdir()) / "copydesk-bench-corpus"))
TARGET_MB_S_PER_CORE = 35.0
TARGET_SCALING = 1.8
TARGET_OVERHEAD = 0.15
# Worker RSS early vs late: the median of the per-chunk samples (each taken by a worker between chunks)
# in a window after warm-up vs in the last stretch of the run. A window, not one sample: RSS varies by
# a few MB from chunk to chunk, and one sample early against one at the end measured that, not growth.
RSS_EARLY_WINDOW = (0.2, 0.4)  # shares of the run's rows (the first pass over the benchmark pages ends at 14%)
RSS_LATE_WINDOW = (0.8, 1.0)
RSS_CURVE_POINTS = 20  # worker RSS samples kept in the section's data, evenly through the run


def _pages(shared: Path) -> list[tuple[str, bytes]]:
    root = Path(shared) / "benchmarks"
    out = []
    for name in sorted(d.name for d in root.iterdir() if (d / "gold.jsonl").is_file()):
        with open(root / name / "gold.jsonl", encoding="utf8") as f:
            for line in f:
                if not line.strip():
                    continue
                rec = json.loads(line)
                url = (rec.get("meta") or {}).get("url") or f"http://bench.invalid/{name}/{rec['id']}"
                with gzip.open(root / name / "pages" / f"{rec['id']}.html.gz", "rb") as p:
                    out.append((url, p.read()))
    return out


def _record(url: str, body: bytes, n: int) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + str(len(body)).encode() + \
        b"\r\n\r\n" + body
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"
            f"WARC-Record-ID: <urn:uuid:{uuid.UUID(int=n)}>\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n").encode()
    c = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)  # one gzip member per record, as in Common Crawl
    return c.compress(head + http + b"\r\n\r\n") + c.flush()


@contextlib.contextmanager
def _cache_lock() -> Any:
    """One builder at a time per cache (others wait, then find the file built)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".lock", "a+b") as f:
        try:
            import fcntl

            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        except (ImportError, OSError):
            pass
        yield  # closing the file drops the lock


def _tmp_name(path: Path) -> Path:
    """A temp name no other process uses (a fixed one lets two builders write into one file)."""
    return path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")


def _page_files(shared: Path) -> list[Path]:
    root = Path(shared) / "benchmarks"
    return sorted(p for d in sorted(root.iterdir()) if (d / "gold.jsonl").is_file()
                  for p in (d / "pages").glob("*.html.gz"))


def build_warc(shared: Path, records: int) -> tuple[Path, int, int]:
    """The benchmark WARC (cached): every page in turn until exactly `records` records. Returns (path, records,
    html bytes). The cache key comes from the page files' names and sizes, so a cached WARC costs no page loading."""
    files = _page_files(shared)
    key = hashlib.blake2b("\n".join(f"{p.parent.parent.name}/{p.name}:{p.stat().st_size}" for p in files).encode(),
                          digest_size=6).hexdigest()
    path = CACHE / f"bench-{records}-{key}.warc.gz"
    info = path.with_suffix(".json")
    with _cache_lock():
        if not (path.exists() and info.exists()):
            pages = _pages(shared)
            tmp = _tmp_name(path)
            html = 0
            with open(tmp, "wb") as f:
                for k in range(records):
                    r, (url, body) = divmod(k, len(pages))[0], pages[k % len(pages)]
                    sep = "&" if "?" in url else "?"
                    f.write(_record(f"{url}{sep}copy={r}" if r else url, body, k))
                    html += len(body)
            tmp_info = _tmp_name(info)
            tmp_info.write_text(json.dumps({"records": records, "html_bytes": html}))
            os.replace(tmp, path)
            os.replace(tmp_info, info)
            del pages
        meta = json.loads(info.read_text())
    return path, meta["records"], meta["html_bytes"]


def _subset_warc(src: Path, records: int) -> Path:
    """The first `records` records of a WARC (gzip members are concatenated, so bytes can be cut)."""
    from fastwarc.warc import ArchiveIterator

    dst = src.with_name(f"{src.name.removesuffix('.warc.gz')}-first{records}.warc.gz")
    with _cache_lock():
        if dst.exists():
            return dst
        end = None
        with open(src, "rb") as f:
            for i, r in enumerate(ArchiveIterator(f, parse_http=False)):
                if i == records:
                    end = r.stream_pos
                    break
        tmp = _tmp_name(dst)
        with open(src, "rb") as f, open(tmp, "wb") as g:
            g.write(f.read(end) if end is not None else f.read())
        os.replace(tmp, dst)
    return dst


def _pin(src: Path, work: Path) -> Path:
    """The WARC as a hard link in this run's private folder: a cache cleared meanwhile cannot take it away.
    Falls back to the cache path where links are impossible (another filesystem)."""
    dst = work / src.name
    try:
        os.link(src, dst)
    except OSError:
        return src
    return dst


def rss_window(samples: list[tuple[int, int]], rows: int, window: tuple[float, float]) -> int | None:
    """Median worker RSS of the (rows done, RSS) samples whose rows fall in `window` (shares of `rows`,
    the last one inclusive); None when no sample falls in it."""
    lo, hi = window[0] * rows, window[1] * rows
    got = sorted(rss for n, rss in samples if lo <= n < hi or (n == hi and window[1] >= 1.0))
    return got[len(got) // 2] if got else None


def measure(warc: Path, jobs: int, engine: str = "copydesk", work: Path | None = None) -> dict[str, Any]:
    from ..corpus import RunConfig, WorkConfig, run

    out = Path(tempfile.mkdtemp(prefix="copydesk-corpus-bench-", dir=work))
    try:
        t0 = time.monotonic()
        s = run(RunConfig(inputs=[str(warc)], out=str(out), work=WorkConfig(engine=engine), jobs=jobs,
                          progress="none"))
        wall = time.monotonic() - t0
        out_bytes = sum(p.stat().st_size for p in out.glob("*.parquet"))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    rows = s["rows"]
    samples = s.get("rss_samples") or []
    early = rss_window(samples, rows, RSS_EARLY_WINDOW)
    late = rss_window(samples, rows, RSS_LATE_WINDOW)
    overhead = (s["parent_cpu_s"] + s["worker_cpu_s"] - s["extract_cpu_s"]) / s["extract_cpu_s"] \
        if s["extract_cpu_s"] else float("nan")
    return {"engine": engine, "jobs": jobs, "rows": rows, "wall_s": wall, "records_per_s": rows / wall,
            "mb_per_s": s["page_bytes"] / wall / 1e6, "page_mb": s["page_bytes"] / 1e6,
            "cpu_ms_per_page": 1000 * s["extract_cpu_s"] / rows if rows else float("nan"),
            "extract_mb_per_cpu_s": s["page_bytes"] / 1e6 / s["extract_cpu_s"] if s["extract_cpu_s"] else 0.0,
            "parent_cpu_s": s["parent_cpu_s"], "worker_cpu_s": s["worker_cpu_s"],
            "extract_cpu_s": s["extract_cpu_s"], "overhead": overhead,
            "parent_share": s["parent_cpu_s"] / s["extract_cpu_s"] if s["extract_cpu_s"] else float("nan"),
            "worker_outside_share": (s["worker_cpu_s"] - s["extract_cpu_s"]) / s["extract_cpu_s"]
            if s["extract_cpu_s"] else float("nan"),
            "peak_worker_rss_mb": s["peak_worker_rss_mb"], "peak_parent_rss_mb": s["peak_parent_rss_mb"],
            "parent_rss_end_mb": s["parent_rss_end_mb"],
            "worker_rss_early_mb": early / 2**20 if early else None,
            "worker_rss_late_mb": late / 2**20 if late else None,
            "worker_rss_curve_mb": [[n, round(rss / 2**20, 1)]
                                    for n, rss in samples[:: max(1, len(samples) // RSS_CURVE_POINTS)]],
            "counts": s["counts"], "parquet_mb": out_bytes / 1e6}


def _pct(x: float | None) -> str:
    return "–" if x is None or x != x else f"{x * 100:.1f}%"


def run(shared: Path, quick: bool = False, workdir: Path | None = None) -> Section:
    """`workdir`: where this run's private folder goes (the harness passes the folder of BENCHMARKS.md;
    default: the system temp folder)."""
    t_build = time.monotonic()
    warc, n, html_bytes = build_warc(shared, QUICK_RECORDS if quick else MIN_RECORDS)
    traf_n = min(n, QUICK_TRAFILATURA_RECORDS if quick else TRAFILATURA_RECORDS)
    traf_warc = _subset_warc(warc, traf_n)
    build_s = time.monotonic() - t_build
    if workdir is not None:
        Path(workdir).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".copydesk-corpus-bench-", dir=workdir))
    plan = [("full", 1, "copydesk"), ("full", 2, "copydesk"), ("subset", 2, "copydesk"), ("subset", 2, "trafilatura")]
    runs: list[dict[str, Any]] = []
    failures: list[str] = []
    try:
        inputs = {"full": _pin(warc, work), "subset": _pin(traf_warc, work)}
        for which, jobs, engine in plan:
            try:
                runs.append(measure(inputs[which], jobs, engine, work))
            except Exception as e:  # keep the passes that ran; say which one failed and why
                msg = f"{engine}, {jobs} worker(s), {n if which == 'full' else traf_n:,} records: {type(e).__name__}: {e}"
                failures.append(msg)
                runs.append({"engine": engine, "jobs": jobs, "rows": None, "error": msg})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ok = [r for r in runs if not r.get("error")]
    one, two = runs[0], runs[1]
    if not one.get("error"):
        html_bytes = html_bytes or int(one["page_mb"] * 1e6)
    scaling = two["records_per_s"] / one["records_per_s"] \
        if not one.get("error") and not two.get("error") and one["records_per_s"] else float("nan")
    head = ["engine", "workers", "records", "wall s", "records/s", "MB/s", "CPU ms/page", "MB per extract CPU-s",
            "runner overhead", "peak worker RSS MB", "worker RSS early→late MB", "parent RSS at end MB"]
    body = [[r["engine"], r["jobs"], r["rows"], r["wall_s"], r["records_per_s"], r["mb_per_s"], r["cpu_ms_per_page"],
             r["extract_mb_per_cpu_s"], _pct(r["overhead"]), r["peak_worker_rss_mb"],
             f"{r['worker_rss_early_mb'] or 0:.0f}→{r['worker_rss_late_mb'] or 0:.0f}", r["parent_rss_end_mb"]]
            for r in ok]
    md = [f"A gzipped WARC (one gzip member per record) of every benchmark page with a gold file, repeated to "
          f"{n:,} response records ({html_bytes / 1e6:,.0f} MB of HTML; built or found in {build_s:.0f} s, cached in "
          f"`{CACHE}`), run by `copydesk.corpus.run` to Parquet. trafilatura (`bare_extraction`, with metadata) "
          f"runs in the same pool on the first {traf_n:,} records only, to keep the harness in one sitting; "
          f"copydesk is shown on that same subset.", "",
          table(head, body, digits=1), ""]
    md += [f"- **Failed pass**: {f}" for f in failures]
    if scaling == scaling:
        md.append(f"- 2 workers vs 1: **{scaling:.2f}x** records/s (target ≥ {TARGET_SCALING}x).")
    if not one.get("error"):
        md += [f"- End to end with 1 worker: **{one['mb_per_s']:.1f} MB/s** of HTML (target ≥ {TARGET_MB_S_PER_CORE} "
               f"MB/s per core); the extractor alone runs at {one['extract_mb_per_cpu_s']:.1f} MB per CPU-second.",
               f"- Runner overhead (parent CPU for reading, dispatch and writing + worker CPU outside the extractor, "
               f"as a share of extractor CPU): {_pct(one['overhead'])} with 1 worker, "
               f"{_pct(two.get('overhead'))} with 2 (target ≤ {TARGET_OVERHEAD * 100:.0f}%); with 1 worker the "
               f"parent's share is {_pct(one['parent_share'])} and the worker's own (rows to Arrow, MinHash when "
               f"asked) {_pct(one['worker_outside_share'])}. Both include start-up (imports, pool start)."]
    md.append(f"- Worker RSS early→late: the median of the RSS each worker reads of itself after each chunk, over "
              f"{RSS_EARLY_WINDOW[0]:.0%}-{RSS_EARLY_WINDOW[1]:.0%} of the run's rows vs the last "
              f"{RSS_LATE_WINDOW[1] - RSS_LATE_WINDOW[0]:.0%} (equal = flat after warm-up). Peak worker RSS is the "
              f"largest reading at any time, mid-page included.")
    if not two.get("error"):
        md.append(f"- Statuses ({two['rows']:,} rows, 2 workers): "
                  + ", ".join(f"{k} {v:,}" for k, v in sorted(two["counts"].items())) + ".")
    md.append("- Ray Data and datatrove adapters are tested for correctness only: on this 2-core machine their own "
              "processes compete with the workers, so they are slower than the local pool.")
    data: dict[str, Any] = {"records": n, "html_bytes": html_bytes, "runs": runs, "scaling": scaling,
                            "trafilatura_records": traf_n}
    if failures:
        data["error"] = "; ".join(failures)
    return Section("Corpus runs (WARC → Parquet)", "\n".join(md) + "\n", data)
