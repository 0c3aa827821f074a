"""Service: copydesk over HTTP, for reader apps and pipelines in other languages.

    POST /extract        the page as the request body (any charset; Content-Type text/html or
                         application/octet-stream), or JSON {"html": "...", "url": "..."}, or JSON
                         {"url": "..."} to have the service fetch it (only when started with
                         allow_fetch; private and loopback addresses only with allow_private)
    POST /extract-text   flattened text (UTF-8) as the body, or JSON {"text": "...", "url": "..."}
    GET  /health

Query parameters: `format` (json, the default; text, markdown, html), `url`, `favor`
(precision/balanced/recall), `comments`, `images`, `links`, `tables`, `quotes` (1/0). Every article
is answered with 200 and its `status` ("ok", "empty", "too_large" ...); 4xx answers are for bad
requests (no or oversized body, bad JSON, unknown option, refused URL), 502 for a fetch that failed.
Request bodies are limited to `max_bytes`, pages to the extraction `timeout`.

The standard library's threading server: extraction is CPU-bound, so one process uses about one
core; run one process per core behind a reverse proxy (which also brings TLS and authentication)."""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .article import Article
from .decode import decode_text
from .fetch import DEFAULT_FETCH_TIMEOUT, REFUSED, Fetched, FetchError, charset_of, fetch
from .options import Options
from .render import render_as

CONTENT_TYPES = {"json": "application/json", "text": "text/plain", "markdown": "text/markdown",
                 "html": "text/html"}
BOOL_PARAMS = {"comments": "include_comments", "images": "include_images", "links": "include_links",
               "tables": "include_tables", "quotes": "with_quotes"}
TRUE, FALSE = frozenset(("1", "true", "yes", "on")), frozenset(("0", "false", "no", "off"))
SOCKET_TIMEOUT = 60.0  # seconds a client may stall while sending a request


@dataclass(frozen=True, slots=True)
class ServiceConfig:
    options: Options = Options()
    allow_fetch: bool = False  # {"url": ...} requests fetch the page
    allow_private: bool = False  # ... even from private and loopback addresses
    fetch_timeout: float = DEFAULT_FETCH_TIMEOUT
    socket_timeout: float = SOCKET_TIMEOUT  # a client that stalls mid-request this long is dropped
    quiet: bool = True  # no access log on stderr


class BadRequest(Exception):
    def __init__(self, code: HTTPStatus, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def make_server(host: str = "127.0.0.1", port: int = 8080, config: ServiceConfig | None = None) -> ThreadingHTTPServer:
    """A server bound to (host, port) (port 0: any free port, see `server.server_address`);
    call `serve_forever()` on it, `shutdown()` to stop."""
    cfg = config or ServiceConfig()

    class Handler(_Handler):
        config = cfg
        timeout = cfg.socket_timeout

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


class _Handler(BaseHTTPRequestHandler):
    config: ServiceConfig
    server_version = "copydesk"
    protocol_version = "HTTP/1.1"
    timeout = SOCKET_TIMEOUT  # a client that stalls mid-request loses its connection, not a thread forever
    _close_after_body = False

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        if not self.config.quiet:
            super().log_message(format, *args)

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        path = urlsplit(self.path).path
        if path == "/health":
            from . import __version__

            self._send(HTTPStatus.OK, "application/json", json.dumps({"status": "ok", "version": __version__}))
        elif path in ("/extract", "/extract-text"):
            self._error(HTTPStatus.METHOD_NOT_ALLOWED, f"use POST for {path}")
        else:
            self._error(HTTPStatus.NOT_FOUND, f"no such endpoint: {path}")

    def do_POST(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        # until the body is read, an answer must close the connection: the unread body would be taken for
        # the next request on it
        self._close_after_body = self.close_connection  # what the request's headers asked for
        self.close_connection = True
        if parts.path not in ("/extract", "/extract-text"):
            self._error(HTTPStatus.NOT_FOUND, f"no such endpoint: {parts.path}")
            return
        try:
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            fmt = query.get("format", "json")
            if fmt not in CONTENT_TYPES:
                raise BadRequest(HTTPStatus.BAD_REQUEST, f"format must be one of {', '.join(CONTENT_TYPES)}")
            opts = _options(self.config.options, query)
            body = self._body(opts.max_bytes)
            art = self._article(parts.path == "/extract-text", body, query.get("url"), opts)
        except BadRequest as e:
            self._error(e.code, e.reason)
            return
        except TimeoutError:
            raise  # the socket stalled: the base class drops the connection
        except Exception as e:  # a bug must answer 500, not kill the connection silently
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"{type(e).__name__}: {e}")
            return
        self._send(HTTPStatus.OK, CONTENT_TYPES[fmt], render_as(art, fmt))

    def _body(self, limit: int) -> bytes:
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked" or length is None:
            raise BadRequest(HTTPStatus.LENGTH_REQUIRED, "send the body with a Content-Length")
        if not length.strip().isdigit():
            raise BadRequest(HTTPStatus.BAD_REQUEST, "Content-Length is not a number")
        n = int(length)
        if n > limit:
            raise BadRequest(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the body is {n} bytes, above max_bytes={limit}")
        if n == 0:
            raise BadRequest(HTTPStatus.BAD_REQUEST, "the request has no body")
        data = self.rfile.read(n)
        if len(data) < n:
            raise BadRequest(HTTPStatus.BAD_REQUEST, f"the body ended after {len(data)} of {n} bytes")
        self.close_connection = self._close_after_body  # the body is consumed
        return data

    def _article(self, text_mode: bool, body: bytes, url: str | None, opts: Options) -> Article:
        from . import extract, extract_text

        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        http_charset = None
        if ctype == "application/json":
            try:
                req = json.loads(body)
            except (json.JSONDecodeError, UnicodeDecodeError) as e:
                raise BadRequest(HTTPStatus.BAD_REQUEST, f"invalid JSON: {e}") from None
            if not isinstance(req, dict):
                raise BadRequest(HTTPStatus.BAD_REQUEST, "the JSON body must be an object")
            url = req.get("url") if isinstance(req.get("url"), str) else url
            field = "text" if text_mode else "html"
            page = req.get(field)
            if page is None:
                if not url:
                    raise BadRequest(HTTPStatus.BAD_REQUEST, f"give {field!r} or 'url'")
                fetched = self._fetch(url, opts)
                page, url, http_charset = fetched.body, fetched.final_url, fetched.charset
            elif not isinstance(page, str):
                raise BadRequest(HTTPStatus.BAD_REQUEST, f"{field!r} must be a string")
        else:
            page, http_charset = body, charset_of(self.headers.get("Content-Type"))
        if text_mode:
            if not isinstance(page, str):
                page = decode_text(page, http_charset)
            return extract_text(page, url=url, options=opts)
        return extract(page, url=url, options=opts, http_charset=http_charset)

    def _fetch(self, url: str, opts: Options) -> Fetched:
        cfg = self.config
        if not cfg.allow_fetch:
            raise BadRequest(HTTPStatus.FORBIDDEN, "this service does not fetch URLs (start it with --allow-fetch)")
        try:
            return fetch(url, allow_private=cfg.allow_private, max_bytes=opts.max_bytes, timeout=cfg.fetch_timeout)
        except FetchError as e:
            code = HTTPStatus.FORBIDDEN if e.status == REFUSED else HTTPStatus.BAD_GATEWAY
            raise BadRequest(code, f"fetch {e.status}: {e.reason}") from None

    def _send(self, code: HTTPStatus, ctype: str, text: str) -> None:
        data = text.encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", f"{ctype}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if ctype == "text/html":  # the article HTML is sanitized; this forbids scripts even if a bug let one through
            self.send_header("Content-Security-Policy", "default-src 'none'; img-src * data:; style-src 'unsafe-inline'")
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def _error(self, code: HTTPStatus, reason: str) -> None:
        self._send(code, "application/json", json.dumps({"error": reason, "code": int(code)}))


def _options(base: Options, query: dict[str, str]) -> Options:
    kw: dict[str, Any] = {}
    if "favor" in query:
        kw["favor"] = query["favor"]
    for param, name in BOOL_PARAMS.items():
        if param in query:
            v = query[param].lower()
            if v not in TRUE | FALSE:
                raise BadRequest(HTTPStatus.BAD_REQUEST, f"{param} must be 1 or 0, not {query[param]!r}")
            kw[name] = v in TRUE
    try:
        return replace(base, **kw) if kw else base
    except ValueError as e:
        raise BadRequest(HTTPStatus.BAD_REQUEST, str(e)) from None


def serve(host: str, port: int, config: ServiceConfig) -> None:
    """Run until interrupted."""
    server = make_server(host, port, config)
    addr = server.server_address
    print(f"copydesk: serving on http://{addr[0]}:{addr[1]} (POST /extract, POST /extract-text, GET /health)",
          file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
