"""The command line: `copydesk extract` (pages or flattened text, files or URLs), `copydesk run` (corpus jobs),
`copydesk serve` (the HTTP service)."""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from .article import Article
from .decode import decode_text
from .options import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, Options
from .render import FORMATS, render_as

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

EXTRACT_HELP = """\
Extract the article from web pages and print it.

  copydesk extract page.html                    the article as plain text
  copydesk extract page.html --format markdown  headings, lists, tables and quotes kept
  curl -s URL | copydesk extract - --url URL    from standard input
  copydesk extract a.html b.html --format json  several pages: one JSON object per line
  copydesk extract https://example.org/story    fetch it first (private and loopback addresses refused)
  copydesk extract --from text dump.txt         clean text that was already flattened to lines
  copydesk extract --from text corpus.jsonl --text-field text --url-field url --site-templates
                                                a whole JSONL corpus of flattened pages

Each input that yields no article is reported on stderr with its reason, and the exit code is 1."""


def _options(args: argparse.Namespace) -> Options:
    return Options(
        include_comments=args.comments, include_tables=not args.no_tables, include_images=args.images,
        include_links=args.links, favor=args.favor, max_bytes=args.max_bytes,
        timeout=args.timeout if args.timeout and args.timeout > 0 else None,
        with_quotes=True if args.quotes else None,  # None: the engine's default (on in text mode)
    )


def _read(path: str, limit: int) -> bytes:
    if path == "-":
        data = sys.stdin.buffer.read(limit + 1)
    else:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    return data


def _jsonl_records(path: str, limit: int) -> Iterator[tuple[str, dict[str, Any] | None, str | None]]:
    """(source, record or None, error) for each line of a JSONL file ('-' for stdin)."""
    f: TextIO = sys.stdin if path == "-" else open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
    try:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            src = f"{path}:{n}"
            if len(line) > limit:
                yield src, None, f"line is longer than max_bytes={limit}"
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                yield src, None, f"invalid JSON: {e.msg}"
                continue
            yield (src, rec, None) if isinstance(rec, dict) else (src, None, "the line is not a JSON object")
    finally:
        if f is not sys.stdin:
            f.close()


def _is_jsonl(path: str, args: argparse.Namespace) -> bool:
    return args.jsonl or path.endswith((".jsonl", ".ndjson")) or bool(args.text_field or args.html_field)


def cmd_extract(args: argparse.Namespace) -> int:
    from . import extract, extract_text

    opts = _options(args)
    fmt = "json" if (args.format is None and len(args.inputs) > 1) else (args.format or "text")
    many = len(args.inputs) > 1
    failed = 0
    out = sys.stdout

    def emit(art: Article, source: str) -> None:
        nonlocal failed
        if not art.ok:
            failed += 1
            print(f"copydesk: {source}: {art.status}: {art.reason}", file=sys.stderr)
            if fmt != "json":
                return
        if fmt == "json":
            d = art.to_dict(html=True)
            d["source"] = source
            out.write(json.dumps(d, ensure_ascii=False) + "\n")
        else:
            if many:
                out.write(f"==> {source} <==\n")
            out.write(render_as(art, fmt).rstrip("\n") + "\n")

    templates = None
    for path in args.inputs:
        if path.startswith(("http://", "https://")):
            emit(_fetched(path, args, opts), path)
            continue
        if path != "-" and not Path(path).is_file():
            failed += 1
            why = "is a directory (use `copydesk run` for folders)" if Path(path).is_dir() else "no such file"
            print(f"copydesk: {path}: cannot read: {why}", file=sys.stderr)
            continue
        try:
            if _is_jsonl(path, args):
                field = args.text_field if args.source == "text" else args.html_field
                field = field or ("text" if args.source == "text" else "html")
                if args.source == "text" and args.site_templates and path != "-":
                    from .textmode import learn_templates, site_key

                    def docs(path: str = path, field: str = field) -> Iterator[tuple[str, str]]:
                        # pass 1 streams the file: the corpus never has to fit in memory
                        for _src, rec, _err in _jsonl_records(path, opts.max_bytes):
                            if rec is not None and isinstance(rec.get(field), str):
                                site = (str(rec.get(args.site_field) or "") if args.site_field
                                        else site_key(rec.get(args.url_field)))
                                yield site, rec[field]

                    templates = learn_templates(docs())
                for src, rec, err in _jsonl_records(path, opts.max_bytes):
                    if rec is None:
                        emit(Article(status="error", reason=err), src)
                        continue
                    body = rec.get(field)
                    url = rec.get(args.url_field) if isinstance(rec.get(args.url_field), str) else None
                    if not isinstance(body, str):
                        emit(Article(status="error", url=url, reason=f"the record has no string field {field!r}"), src)
                        continue
                    if args.source == "text":
                        site = str(rec.get(args.site_field) or "") if args.site_field else None
                        emit(extract_text(body, url=url, options=opts, templates=templates, site=site), src)
                    else:
                        emit(extract(body, url=url, options=opts), src)
                continue
            data = _read(path, opts.max_bytes)
            source = "<stdin>" if path == "-" else path
            if args.source == "text":
                if len(data) > opts.max_bytes:
                    emit(Article(status="too_large", reason=f"the input is above max_bytes={opts.max_bytes}"), source)
                    continue
                emit(extract_text(decode_text(data), url=args.url, options=opts), source)
            else:
                emit(extract(data, url=args.url, options=opts), source)
        except OSError as e:
            failed += 1
            print(f"copydesk: {path}: cannot read: {e.strerror or e}", file=sys.stderr)
    out.flush()
    return EXIT_FAILED if failed else EXIT_OK


def _fetched(url: str, args: argparse.Namespace, opts: Options) -> Article:
    """The article of a URL, fetched with the guards of copydesk.fetch."""
    from . import extract, extract_text
    from .fetch import FetchError, fetch

    try:
        page = fetch(url, allow_private=args.allow_private, max_bytes=opts.max_bytes)
    except FetchError as e:
        return Article(status="error" if e.status != "too_large" else "too_large", url=url,
                       reason=f"fetch {e.status}: {e.reason}")
    if args.source == "text":
        return extract_text(decode_text(page.body, page.charset), url=page.final_url, options=opts)
    return extract(page.body, url=page.final_url, options=opts, http_charset=page.charset)


def cmd_serve(args: argparse.Namespace) -> int:
    from .service import ServiceConfig, serve

    opts = Options(max_bytes=args.max_bytes, timeout=args.timeout if args.timeout and args.timeout > 0 else None)
    serve(args.host, args.port, ServiceConfig(options=opts, allow_fetch=args.allow_fetch,
                                              allow_private=args.allow_private, quiet=args.quiet))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    p = argparse.ArgumentParser(prog="copydesk", description="Turn raw web pages into clean, structured articles.")
    p.add_argument("--version", action="version", version=f"copydesk {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    e = sub.add_parser("extract", help="extract the article from pages or flattened text",
                       description=EXTRACT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    e.add_argument("inputs", nargs="*", default=["-"], metavar="FILE", help="HTML files, JSONL files, or - for stdin")
    e.add_argument("--url", help="the page's URL (resolves links, helps metadata)")
    e.add_argument("--format", "-f", choices=FORMATS, help="output format (default: text; json for several inputs)")
    e.add_argument("--from", dest="source", choices=("html", "text"), default="html",
                   help="html (default) or text: input already flattened to lines")
    e.add_argument("--jsonl", action="store_true", help="inputs are JSONL (implied by .jsonl or a --*-field flag)")
    e.add_argument("--html-field", help="JSONL field holding the HTML (default: html)")
    e.add_argument("--text-field", help="JSONL field holding the flattened text (default: text)")
    e.add_argument("--url-field", default="url", help="JSONL field holding the URL (default: url)")
    e.add_argument("--site-templates", action="store_true",
                   help="text mode over JSONL: first learn each site's recurring lines (pass 1), then drop them (pass 2)")
    e.add_argument("--site-field", help="group documents into sites by this field instead of the URL's host")
    e.add_argument("--favor", choices=("precision", "balanced", "recall"), default="balanced")
    e.add_argument("--comments", action="store_true", help="keep the comment section apart in the output")
    e.add_argument("--no-tables", action="store_true", help="leave tables out of the body")
    e.add_argument("--images", action="store_true", help="keep images in the body")
    e.add_argument("--links", action="store_true", help="keep links (markdown, html)")
    e.add_argument("--quotes", action="store_true",
                   help="find who said what in HTML pages too (the json output's quotes; text mode always does)")
    e.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="refuse larger inputs (default: 20 MiB)")
    e.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per page (default: 10; 0: none)")
    e.add_argument("--allow-private", action="store_true",
                   help="let URL inputs reach private and loopback addresses (refused by default)")
    e.set_defaults(func=cmd_extract)
    v = sub.add_parser("serve", help="serve extraction over HTTP (POST /extract, POST /extract-text)",
                       description="Serve copydesk over HTTP; see copydesk/service.py for the endpoints.")
    v.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    v.add_argument("--port", type=int, default=8080)
    v.add_argument("--allow-fetch", action="store_true", help='let requests name a URL ({"url": ...}) to fetch')
    v.add_argument("--allow-private", action="store_true",
                   help="let fetched URLs reach private and loopback addresses (refused by default)")
    v.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="request body limit (default: 20 MiB)")
    v.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per page (default: 10; 0: none)")
    v.add_argument("--quiet", action="store_true", help="no access log")
    v.set_defaults(func=cmd_serve)
    try:
        from .corpus.cli import register
    except ImportError:  # the corpus runner's optional dependencies are not installed
        register = None
    if register is not None:
        register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("copydesk: interrupted", file=sys.stderr)
        return 130
    except (ValueError, TypeError) as e:
        print(f"copydesk: {e}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
