"""`copydesk run INPUT... -o OUT`: the corpus job on the command line.

The top-level CLI calls `register(subparsers)`; `python -m copydesk.corpus` runs it alone."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from ..options import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, FAVOR, Options
from .readers import ReadOptions
from .runner import DEFAULT_CHUNK_RECORDS, DEFAULT_MEMORY_MB, DEFAULT_SHARD_BYTES, RunConfig
from .work import DEFAULT_NUM_PERM, WorkConfig
from .writers import OutputBusy, OutputRemoved

EXIT_OK, EXIT_FAILED_ROWS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the `run` subcommand to an argparse subparsers object; its `func` returns the exit code."""
    p = subparsers.add_parser(
        "run", help="extract a corpus: WARC, JSONL, folders of HTML -> Parquet or JSONL",
        description="One output row per input record, on all cores, resumable (rerun the same command "
                    "after a kill). Exit code 0 when every row is ok/empty/not_html/too_large, 1 when "
                    "some are error/timeout rows, 2 for bad arguments.")
    add_arguments(p)
    p.set_defaults(func=run_command)
    return p


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="WARC(.gz), JSONL(.gz/.zst), a folder of .html files, an .html file, or - for a list "
                        "of paths on stdin")
    p.add_argument("-o", "--out", required=True, help="output folder")
    p.add_argument("--format", choices=("parquet", "jsonl"), default="parquet", help="output format")
    p.add_argument("--from", dest="mode", choices=("html", "text"), default="html",
                   help="html: raw pages; text: flattened text (JSONL --text-field)")
    p.add_argument("--html-field", default="html", help="JSONL field holding the HTML")
    p.add_argument("--text-field", default="text", help="JSONL field holding the text (--from text)")
    p.add_argument("--url-field", default="url")
    p.add_argument("--id-field", default="id")
    p.add_argument("--date-field", default="date")
    p.add_argument("-j", "--jobs", type=int, default=0, help="worker processes (default: all cores)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help="seconds per page; a worker stuck longer is killed and the page becomes a timeout row")
    p.add_argument("--memory-mb", type=int, default=DEFAULT_MEMORY_MB,
                   help="resident memory ceiling per worker (0: none)")
    p.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="larger pages are too_large rows")
    p.add_argument("--chunk-records", type=int, default=DEFAULT_CHUNK_RECORDS, help=argparse.SUPPRESS)
    p.add_argument("--shard-mb", type=float, default=DEFAULT_SHARD_BYTES / 2**20,
                   help="approximate size of an output shard before compression")
    p.add_argument("--no-markdown", action="store_true", help="leave the markdown column empty")
    p.add_argument("--favor", choices=FAVOR, default="balanced")
    p.add_argument("--include-comments", action="store_true")
    p.add_argument("--quotes", action="store_true", help="fill the quotes column: who said what (costs CPU time)")
    p.add_argument("--dedup", choices=("none", "exact", "near"), default="none",
                   help="after the run, list duplicates in OUT/_dedup/: exact (same normalised body) or "
                        "near (MinHash LSH, also exact)")
    p.add_argument("--dedup-threshold", type=float, default=0.8, help="Jaccard similarity for near-duplicates")
    p.add_argument("--extractor", default="copydesk", help=argparse.SUPPRESS)  # trafilatura, for comparisons
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="local: this machine's process pool; ray: Ray Data (pip install copydesk[ray])")
    p.add_argument("--ray-address", default=None, help="Ray cluster address (default: local, or 'auto')")
    p.add_argument("--progress", choices=("auto", "bar", "log", "none"), default="auto")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress and no summary")
    p.add_argument("--overwrite", action="store_true", help="replace an output folder holding another run")


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """Build the run's config from parsed arguments (raises ValueError for bad values)."""
    if args.jobs < 0:
        raise ValueError("--jobs must be 0 (all cores) or more")
    if args.timeout is not None and args.timeout <= 0:
        raise ValueError("--timeout must be positive")
    opts = Options(favor=args.favor, include_comments=args.include_comments, max_bytes=args.max_bytes,
                   timeout=args.timeout, with_quotes=args.quotes)
    work = WorkConfig(mode=args.mode, engine=args.extractor, options=opts, markdown=not args.no_markdown,
                      output=args.format, dedup=args.dedup if args.dedup != "none" else "none",
                      num_perm=DEFAULT_NUM_PERM)
    read = ReadOptions(mode=args.mode, html_field=args.html_field, text_field=args.text_field,
                       url_field=args.url_field, id_field=args.id_field, date_field=args.date_field,
                       max_bytes=args.max_bytes)
    return RunConfig(inputs=list(args.inputs), out=args.out, work=work, read=read, jobs=args.jobs,
                     chunk_records=max(1, args.chunk_records), shard_bytes=max(1, int(args.shard_mb * 2**20)),
                     memory_mb=args.memory_mb or None, progress="none" if args.quiet else args.progress,
                     overwrite=args.overwrite)


def run_command(args: argparse.Namespace) -> int:
    """The `run` subcommand: returns the exit code."""
    try:
        rc = config_from_args(args)
        if args.engine == "ray":
            from .engines.ray import run_ray

            summary = run_ray(rc, address=args.ray_address)
        else:
            from .runner import run

            summary = run(rc)
        if args.dedup != "none":
            from .dedup import dedup_output

            d = dedup_output(rc.out, args.dedup, args.dedup_threshold)
            if not args.quiet:
                print(f"copydesk run: dedup: {d['exact_duplicates']:,} exact and {d['near_duplicates']:,} near "
                      f"duplicates among {d['hashed_rows']:,} rows -> {d['file']}", file=sys.stderr)
    except (ValueError, TypeError) as e:
        print(f"copydesk run: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except (OutputBusy, OutputRemoved) as e:
        print(f"copydesk run: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("copydesk run: interrupted; run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    except ImportError as e:
        print(f"copydesk run: error: {e} (install the extra: pip install 'copydesk[corpus]')", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_FAILED_ROWS if summary.get("failed") else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="copydesk")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(argv)
    return int(args.func(args))
