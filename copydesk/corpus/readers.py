"""Readers: turn each input (WARC, JSONL, a folder of .html files, one .html file) into records.

A reader yields `Item`s: a record that becomes a row, or a skipped WARC record (request, metadata ...)
that is only counted. Each item says where a rerun could restart (`resume`), so a killed run can
continue from the last committed chunk without re-reading what it already wrote; damage in the input
(a corrupt gzip member, a truncated record, a lying Content-Length) becomes an error row and the
reader resynchronises on the next record instead of ending the file."""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..article import ERROR, NOT_HTML, TOO_LARGE
from .records import InputRecord

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc.gz", ".warc.zst")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson", ".ndjson.gz", ".ndjson.zst", ".json.gz", ".json.zst")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_MAGIC = b"WARC/1."
SCAN_BLOCK = 1 << 20  # bytes read at a time while looking for the next readable record
NAME_MAX = 80  # characters of the input's name kept in an output shard name
# Content types sent to extraction (the extractor sniffs them); anything else is not_html by its header.
HTML_TYPES = frozenset({"", "text/html", "application/xhtml+xml", "text/xml", "application/xml", "text/plain",
                        "application/octet-stream", "unknown/unknown", "application/unknown", "application/x-unknown",
                        "text/x-server-parsed-html", "application/vnd.wap.xhtml+xml"})
PAGE_RECORD_TYPES = ("response", "resource")


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read inputs: the JSONL field names and the mode (html or text)."""

    mode: str = "html"
    html_field: str = "html"
    text_field: str = "text"
    url_field: str = "url"
    id_field: str = "id"
    date_field: str = "date"
    max_bytes: int = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Unit:
    """One input: the unit of work. Its output shards are named from `name`, derived from the path."""

    path: str
    kind: str  # warc | jsonl | folder | html | unreadable
    name: str
    size: int  # bytes on disk, for progress and ETA
    error: str | None = None


@dataclass(slots=True)
class Item:
    """What a reader yields: a row (`record`) or a skipped record (`skipped` names its type).
    `resume` is where a reader can restart at this item (None when it cannot), `progress` the bytes
    of input consumed so far."""

    record: InputRecord | None
    skipped: str | None
    resume: dict[str, Any] | None
    progress: int


def unit_name(path: str) -> str:
    """A stable, filesystem-safe output name for an input path (its name plus a hash of the full path)."""
    base = os.path.basename(os.path.normpath(path)) or "input"
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", base)[:NAME_MAX]
    digest = hashlib.blake2b(os.path.abspath(path).encode("utf-8", "surrogateescape"), digest_size=4).hexdigest()
    return f"{safe}-{digest}"


def expand_inputs(inputs: Iterable[str], stdin: IO[str] | None = None) -> list[str]:
    """The input paths: `-` reads a list of paths from stdin (one a line, # comments); duplicates dropped."""
    out: list[str] = []
    seen: set[str] = set()
    for item in inputs:
        if item == "-":
            stream = stdin if stdin is not None else sys.stdin
            paths = [ln.strip() for ln in stream if ln.strip() and not ln.lstrip().startswith("#")]
        else:
            paths = [item]
        for p in paths:
            key = os.path.abspath(p)
            if key not in seen:
                seen.add(key)
                out.append(p)
    return out


def _sniff_kind(path: str) -> str:
    """Kind of a file whose name says nothing: look at its first bytes."""
    with open(path, "rb") as f:
        head = f.read(64)
    if head.startswith(GZIP_MAGIC):
        with gzip.open(path, "rb") as g:
            head = g.read(64)
    if head.startswith(WARC_MAGIC):
        return "warc"
    if head.lstrip().startswith(b"{"):
        return "jsonl"
    return "html"


def make_unit(path: str) -> Unit:
    """Classify one input path; an unreadable one becomes a unit that yields a single error row."""
    name = unit_name(path)
    try:
        if os.path.isdir(path):
            return Unit(path, "folder", name, sum(p.stat().st_size for p in _folder_files(path)))
        size = os.stat(path).st_size
        with open(path, "rb"):
            pass
        low = path.lower()
        if low.endswith(WARC_SUFFIXES):
            kind = "warc"
        elif low.endswith(JSONL_SUFFIXES):
            kind = "jsonl"
        elif low.endswith(HTML_SUFFIXES):
            kind = "html"
        else:
            kind = _sniff_kind(path)
        return Unit(path, kind, name, size)
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        return Unit(path, "unreadable", name, 0, error=f"cannot read input: {e}")


def iter_items(unit: Unit, ro: ReadOptions, start: dict[str, Any] | None = None) -> Iterator[Item]:
    """The items of one unit, from the beginning or from `start` ({"index": n, "resume": {...}}: the
    first item yielded is then the one with that index)."""
    if unit.kind == "warc":
        return _iter_warc(unit, ro, start)
    if unit.kind == "jsonl":
        return _iter_jsonl(unit, ro, start)
    if unit.kind in ("folder", "html"):
        return _iter_files(unit, ro, start)
    return _iter_unreadable(unit, start)


def _skip_until(items: Iterator[Item], index: int) -> Iterator[Item]:
    """Fallback resume: read from the start and drop everything before the row with `index`."""
    started = False
    for it in items:
        if not started:
            if it.record is None or it.record.index < index:
                continue
            started = True
        yield it


def _iter_unreadable(unit: Unit, start: dict[str, Any] | None) -> Iterator[Item]:
    if start and start["index"] > 0:
        return
    rec = InputRecord(0, unit.path, 0, status=ERROR, error=unit.error or "cannot read input")
    yield Item(rec, None, None, 0)


# ---------------------------------------------------------------------------------------------- WARC


def _is_page_type(content_type: str | None) -> bool:
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    return mime in HTML_TYPES


def _find_sync(f: IO[bytes], start: int, magic: bytes) -> int | None:
    """Offset of the next `magic` at or after `start`, or None at the end of the file."""
    pos = start
    keep = len(magic) - 1
    tail = b""
    while True:
        f.seek(pos)
        block = f.read(SCAN_BLOCK)
        if not block:
            return None
        buf = tail + block
        i = buf.find(magic)
        if i >= 0:
            return pos - len(tail) + i
        tail = buf[-keep:]
        pos += len(block)


def _iter_warc(unit: Unit, ro: ReadOptions, start: dict[str, Any] | None) -> Iterator[Item]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    index = start["index"] if start else 0
    offset = start["resume"]["offset"] if start else 0
    expect_id = start["resume"].get("record_id") if start else None
    with open(unit.path, "rb") as f:
        magic = GZIP_MAGIC if f.read(3) == GZIP_MAGIC else WARC_MAGIC
        region: tuple[int, str] | None = None  # an unreadable stretch: (start offset, first error)
        checked = start is None
        while True:
            f.seek(offset)
            cur: int | None = None  # the record being handled
            last: int | None = None  # the last record handled completely in this pass
            try:
                for r in ArchiveIterator(f, record_types=WarcRecordType.any_type, parse_http=True):
                    cur = r.stream_pos
                    if not checked:
                        checked = True
                        if cur != offset or r.record_id != expect_id:
                            # The saved offset does not lead to the saved record (e.g. one gzip stream
                            # for the whole file): read from the start instead.
                            yield from _skip_until(_iter_warc(unit, ro, None), index)
                            return
                    if region is not None:
                        rec = InputRecord(index, unit.path, region[0], status=ERROR,
                                          error=f"unreadable WARC data from offset {region[0]} to {cur}: {region[1]}")
                        index += 1
                        region = None
                        yield Item(rec, None, None, cur)
                    rtype = r.record_type.name if hasattr(r.record_type, "name") else str(r.record_type)
                    if rtype not in PAGE_RECORD_TYPES:
                        yield Item(None, rtype, None, cur)
                        last, cur = cur, None
                        continue
                    rec = _warc_record(r, rtype, index, unit.path, ro)
                    resume = {"offset": cur, "record_id": r.record_id}
                    index += 1
                    last, cur = cur, None
                    yield Item(rec, None, resume, rec.offset)
                if region is not None:
                    end = os.fstat(f.fileno()).st_size
                    rec = InputRecord(index, unit.path, region[0], status=ERROR,
                                      error=f"unreadable WARC data from offset {region[0]} to {end}: {region[1]}")
                    yield Item(rec, None, None, end)
                return
            except Exception as e:  # fastwarc raises OSError on bad gzip/headers; anything else is damage too
                if not checked:
                    checked = True
                    if start is not None:
                        yield from _skip_until(_iter_warc(unit, ro, None), index)
                        return
                # Damage in the record being read (cur), or after the last good one: look for the
                # next record start past it.
                scan_from = cur if cur is not None else (last + 1 if last is not None else offset)
                if region is None:
                    region = (scan_from, f"{type(e).__name__}: {e}")
                nxt = _find_sync(f, scan_from + (cur is not None or last is None), magic)
                if nxt is None:
                    end = os.fstat(f.fileno()).st_size
                    rec = InputRecord(index, unit.path, region[0], status=ERROR,
                                      error=f"unreadable WARC data from offset {region[0]} to {end}: {region[1]}")
                    yield Item(rec, None, None, end)
                    return
                offset = nxt


def _warc_record(r: Any, rtype: str, index: int, source: str, ro: ReadOptions) -> InputRecord:
    h = r.headers
    http = r.http_headers if rtype == "response" else None
    if rtype == "response" and http is not None:
        ctype = http.get("Content-Type")
        status_code = http.status_code
    else:
        ctype = h.get("Content-Type") if rtype == "resource" else None
        status_code = None
    rec = InputRecord(index, source, r.stream_pos, url=h.get("WARC-Target-URI"), record_id=r.record_id,
                      warc_date=h.get("WARC-Date"), http_status=status_code, content_type=ctype,
                      http_charset=r.http_charset if http is not None else None)
    length = r.content_length
    rec.size = length
    if rtype == "response" and http is None:
        rec.status, rec.error = ERROR, "truncated or invalid HTTP response headers"
        return rec
    # Records we do not extract are skipped over, not read, but still checked for truncation.
    wanted = length <= ro.max_bytes and _is_page_type(ctype)
    body = r.reader.read() if wanted else b""
    got = len(body) if wanted else r.reader.consume()
    if got < length:
        rec.status, rec.error = ERROR, f"truncated record: {got} of {length} bytes"
    elif length > ro.max_bytes:
        rec.status, rec.error = TOO_LARGE, f"the page is {length} bytes, above max_bytes={ro.max_bytes}"
    elif not wanted:
        rec.status, rec.error = NOT_HTML, f"Content-Type {ctype} is not HTML"
    else:
        rec.payload = body
        if http is not None:
            _decode_http(rec, http, ro.max_bytes)
    return rec


def _dechunk(data: bytes) -> bytes:
    """Undo HTTP chunked transfer coding (lenient: stops at the first malformed chunk header)."""
    out = []
    pos = 0
    while True:
        eol = data.find(b"\r\n", pos)
        if eol < 0:
            break
        try:
            size = int(data[pos:eol].split(b";", 1)[0].strip() or b"x", 16)
        except ValueError:
            raise ValueError(f"malformed chunk header at byte {pos}") from None
        if size == 0:
            break
        out.append(data[eol + 2:eol + 2 + size])
        pos = eol + 2 + size + 2
    return b"".join(out)


def _decode_http(rec: InputRecord, http: Any, max_bytes: int) -> None:
    """Undo the HTTP transfer and content codings some crawlers keep in WARCs (Common Crawl does not).
    A body that cannot be decoded is an error row; one that inflates past max_bytes is too_large."""
    te = (http.get("Transfer-Encoding") or "").lower()
    ce = (http.get("Content-Encoding") or "").strip().lower()
    body = rec.payload
    assert isinstance(body, bytes)
    try:
        if "chunked" in te:
            body = _dechunk(body)
        if ce in ("gzip", "x-gzip", "deflate"):
            d = zlib.decompressobj(47 if ce != "deflate" else zlib.MAX_WBITS)
            try:
                out = d.decompress(body, max_bytes + 1)
            except zlib.error:
                if ce != "deflate":
                    raise
                d = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as some servers send
                out = d.decompress(body, max_bytes + 1)
            if len(out) > max_bytes:
                rec.payload, rec.status = None, TOO_LARGE
                rec.error = f"the page inflates past max_bytes={max_bytes} ({ce})"
                return
            body = out
        elif ce not in ("", "identity", "none", "utf-8", "utf8"):
            rec.payload, rec.status, rec.error = None, ERROR, f"unsupported Content-Encoding {ce}"
            return
    except (ValueError, zlib.error) as e:
        rec.payload, rec.status, rec.error = None, ERROR, f"cannot decode the HTTP body ({te or ce}): {e}"
        return
    rec.payload = body


# --------------------------------------------------------------------------------------------- JSONL



def _open_jsonl(path: str) -> tuple[IO[bytes], IO[bytes]]:
    raw = open(path, "rb")  # noqa: SIM115 - closed by the caller
    low = path.lower()
    if low.endswith(".gz"):
        return raw, gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if low.endswith(".zst"):
        import zstandard

        return raw, io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw))  # type: ignore[arg-type]
    return raw, raw


def _iter_jsonl(unit: Unit, ro: ReadOptions, start: dict[str, Any] | None) -> Iterator[Item]:
    field = ro.text_field if ro.mode == "text" else ro.html_field
    index = start["index"] if start else 0
    line_no = 0
    raw, fh = _open_jsonl(unit.path)
    try:
        byte = 0
        if start:
            if fh is raw:
                byte = start["resume"]["byte"]
                raw.seek(byte)
                line_no = start["resume"]["line"] - 1
            else:
                for _ in range(start["resume"]["line"] - 1):
                    fh.readline()
                line_no = start["resume"]["line"] - 1
        while True:
            try:
                line = fh.readline()
            except Exception as e:  # corrupt compressed data: one error row, the rest is unreachable
                rec = InputRecord(index, unit.path, line_no + 1, status=ERROR,
                                  error=f"unreadable data after line {line_no}: {type(e).__name__}: {e}")
                yield Item(rec, None, None, unit.size)
                return
            if not line:
                return
            line_no += 1
            resume = {"line": line_no, "byte": byte}
            byte += len(line)
            progress = raw.tell()
            if not line.strip():
                yield Item(None, "blank_line", None, progress)
                continue
            rec = _jsonl_record(line, field, index, unit.path, line_no, ro)
            index += 1
            yield Item(rec, None, resume, progress)
    finally:
        fh.close()
        raw.close()


def _jsonl_record(line: bytes, field: str, index: int, source: str, line_no: int, ro: ReadOptions) -> InputRecord:
    rec = InputRecord(index, source, line_no)
    try:
        obj = json.loads(line)
    except ValueError as e:
        rec.status, rec.error = ERROR, f"invalid JSON on line {line_no}: {e}"
        return rec
    if not isinstance(obj, dict):
        rec.status, rec.error = ERROR, f"line {line_no} is JSON but not an object"
        return rec
    url, rid, date = obj.get(ro.url_field), obj.get(ro.id_field), obj.get(ro.date_field)
    rec.url = url if isinstance(url, str) else None
    rec.record_id = str(rid) if rid is not None else None
    rec.warc_date = date if isinstance(date, str) else None
    value = obj.get(field)
    if value is None:
        rec.status, rec.error = ERROR, f"missing field {field!r} on line {line_no}"
    elif not isinstance(value, str):
        rec.status, rec.error = ERROR, f"field {field!r} on line {line_no} is not a string"
    else:
        rec.size = len(value)
        if rec.size > ro.max_bytes:
            rec.status, rec.error = TOO_LARGE, f"the page is {rec.size} characters, above max_bytes={ro.max_bytes}"
        else:
            rec.payload = value
    return rec


# --------------------------------------------------------------------------------- folders and files


def _folder_files(path: str) -> list[Path]:
    return sorted((p for p in Path(path).rglob("*") if p.suffix.lower() in HTML_SUFFIXES and p.is_file()),
                  key=lambda p: str(p))


def _iter_files(unit: Unit, ro: ReadOptions, start: dict[str, Any] | None) -> Iterator[Item]:
    files = _folder_files(unit.path) if unit.kind == "folder" else [Path(unit.path)]
    first = start["resume"]["file"] if start else 0
    done = 0
    for i, p in enumerate(files):
        if i < first:
            continue
        rec = InputRecord(i, str(p), 0)
        try:
            size = p.stat().st_size
            rec.size = size
            if size > ro.max_bytes:
                rec.status, rec.error = TOO_LARGE, f"the page is {size} bytes, above max_bytes={ro.max_bytes}"
            else:
                data = p.read_bytes()
                rec.payload = data.decode("utf-8", "replace") if ro.mode == "text" else data
        except OSError as e:
            rec.status, rec.error = ERROR, f"cannot read file: {e}"
        done += rec.size
        yield Item(rec, None, {"file": i}, done)
