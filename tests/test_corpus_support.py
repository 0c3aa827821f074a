"""Helpers for the corpus tests (no tests here): small inputs written by the tests, and fake engines
that hang, crash or explode on purpose (imported by the worker processes as "module:function")."""
from __future__ import annotations

import gzip
import io
import json
import os
import time
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

WORDS = ("river stone garden window lantern harbour meadow copper violin orchard thunder pebble "
         "compass marble candle saddle ribbon falcon acorn beacon").split()


def page_html(i: int, words: int = 120, title: str | None = None, charset: str = "utf-8", extra: str = "") -> str:
    body = " ".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(words))
    return (f"<!doctype html><html><head><meta charset=\"{charset}\"><title>{title or f'Page {i}'}</title></head>"
            f"<body><nav><a href='/'>Home</a></nav><article><h1>{title or f'Page {i}'}</h1>"
            f"<p>{body}. Record number {i}.</p><p>{extra}</p></article><footer>Footer</footer></body></html>")


def _response(w: WARCWriter, url: str, body: bytes, ctype: str | None, length: int | None = None,
              headers: list[tuple[str, str]] | None = None) -> None:
    headers = ([("Content-Type", ctype)] if ctype else []) + (headers or [])
    h = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
    rec = w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=h, length=length)
    w.write_record(rec)


def _request(w: WARCWriter, url: str) -> None:
    w.write_record(w.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")))


def write_warc(path: Path, pages: list[tuple[str, bytes, str | None]], gz: bool = True, requests: bool = True) -> Path:
    """A WARC of (url, body, content type) responses, each after a request record."""
    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=gz)
        for url, body, ctype in pages:
            if requests:
                _request(w, url)
            _response(w, url, body, ctype)
    return path


def simple_warc(path: Path, n: int, gz: bool = True, marker: dict[int, str] | None = None) -> Path:
    pages = []
    for i in range(n):
        extra = (marker or {}).get(i, "")
        pages.append((f"http://example.test/{i}", page_html(i, extra=extra).encode(), "text/html; charset=utf-8"))
    return write_warc(path, pages, gz=gz)


def _member(record: bytes) -> bytes:
    return gzip.compress(record)


def raw_record(url: str, body: bytes, declared_length: int | None = None, ctype: str = "text/html") -> bytes:
    http = f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\n\r\n".encode() + body
    n = len(http) if declared_length is None else declared_length
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"
            f"WARC-Record-ID: <urn:uuid:{abs(hash(url)) % 10**12:012d}-0000-0000-0000-000000000000>\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {n}\r\n\r\n").encode()
    return head + http + b"\r\n\r\n"


def bad_warc(path: Path) -> dict[str, Any]:
    """A .warc.gz holding every kind of trouble; returns what the test should expect per URL."""
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    good = {
        "http://bad.test/utf8": (page_html(1, title="Grüße aus Köln").encode("utf-8"), "text/html; charset=utf-8"),
        "http://bad.test/latin1": (page_html(2, title="Café crème", charset="windows-1252").encode("cp1252"),
                                   "text/html; charset=windows-1252"),
        "http://bad.test/sjis": (page_html(3, title="日本語のページ", charset="shift_jis").encode("shift_jis"),
                                 "text/html; charset=Shift_JIS"),
        "http://bad.test/koi8": (page_html(4, title="Русская страница", charset="koi8-r").encode("koi8_r"),
                                 "text/html; charset=koi8-r"),
        "http://bad.test/nocharset": (page_html(5).encode(), None),
    }
    for url, (body, ctype) in good.items():
        _request(w, url)
        _response(w, url, body, ctype)
    _response(w, "http://bad.test/doc.pdf", b"%PDF-1.4\n" + b"x" * 500, "application/pdf")
    _response(w, "http://bad.test/img.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 300, "image/png")
    _response(w, "http://bad.test/data.json", b'{"a": [1, 2, 3]}', "application/json")
    _response(w, "http://bad.test/huge", b"<html><body><p>" + b"a" * (50 * 1024 * 1024) + b"</p></body></html>",
              "text/html")
    nested = "<div>" * 20000 + "deep" + "</div>" * 20000
    _response(w, "http://bad.test/slow", f"<html><body>{nested}{'<p>x</p>' * 20000}</body></html>".encode(),
              "text/html")
    data = bytearray(buf.getvalue())
    # A corrupt gzip member: a record whose compressed bytes are damaged, then a good one after it.
    corrupt = bytearray(_member(raw_record("http://bad.test/corrupt", page_html(6).encode())))
    for k in range(20, min(len(corrupt) - 10, 80)):
        corrupt[k] ^= 0x5A
    data += corrupt
    data += _member(raw_record("http://bad.test/after-corrupt", page_html(7).encode()))
    # A record whose Content-Length lies (too short), then a good one.
    data += _member(raw_record("http://bad.test/lie", page_html(8).encode(), declared_length=60))
    data += _member(raw_record("http://bad.test/after-lie", page_html(9).encode()))
    # A truncated last record.
    last = _member(raw_record("http://bad.test/truncated", page_html(10).encode()))
    data += last[: len(last) // 2]
    path.write_bytes(bytes(data))
    return {"html": list(good), "not_html": ["http://bad.test/doc.pdf", "http://bad.test/img.png",
                                             "http://bad.test/data.json"],
            "too_large": ["http://bad.test/huge"], "slow": "http://bad.test/slow",
            "after": ["http://bad.test/after-corrupt", "http://bad.test/after-lie"]}


def write_jsonl(path: Path, objs: list[Any], raw_lines: list[str] | None = None) -> Path:
    lines = [json.dumps(o) if not isinstance(o, str) else o for o in objs] + (raw_lines or [])
    data = ("\n".join(lines) + "\n").encode()
    if path.name.endswith(".gz"):
        data = gzip.compress(data)
    elif path.name.endswith(".zst"):
        import zstandard

        data = zstandard.ZstdCompressor().compress(data)
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- fake engines (run in the workers)


def _as_text(page: bytes | str) -> str:
    return page.decode("utf-8", "replace") if isinstance(page, bytes) else page


def echo(page: bytes | str, *, url: str | None = None, **_: Any) -> dict[str, Any]:
    """A fast, deterministic engine: the page's text without tags."""
    import re

    text = re.sub(r"<[^>]+>", " ", _as_text(page))
    text = re.sub(r"\s+", " ", text).strip()
    return {"status": "ok", "title": url, "text": text, "markdown": text}


def slow_echo(page: bytes | str, **kw: Any) -> dict[str, Any]:
    time.sleep(float(os.environ.get("CORPUS_TEST_SLEEP", "0.01")))
    return echo(page, **kw)


def hang(page: bytes | str, **kw: Any) -> dict[str, Any]:
    if "HANG" in _as_text(page):
        while True:
            time.sleep(0.05)
    return echo(page, **kw)


def crash(page: bytes | str, **kw: Any) -> dict[str, Any]:
    if "CRASH" in _as_text(page):
        os._exit(7)
    return echo(page, **kw)


def explode(page: bytes | str, **kw: Any) -> dict[str, Any]:
    if "EXPLODE" in _as_text(page):
        hog = []
        while True:
            hog.append(b"x" * (50 * 1024 * 1024))
            time.sleep(0.01)
    return echo(page, **kw)
