"""Load and decode: bytes or str in, a `Page` (text + what we know of its encoding) out.

Order of trust for the charset: byte-order mark, strict UTF-8 (a page that decodes as UTF-8 is
UTF-8 whatever it declares), the HTTP header, the <meta> declaration, then detection."""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from .article import EMPTY, NOT_HTML, TOO_LARGE


class PageError(Exception):
    """The input cannot become a page; `status` says which kind of failure."""

    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Page:
    text: str
    url: str | None
    size: int  # bytes (or characters for str input)
    charset: str | None  # what we decoded with (None for str input)
    declared_charset: str | None
    warnings: tuple[str, ...] = ()
    utf8: bytes | None = None  # the input bytes when they are valid UTF-8: lexbor parses them directly


BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# Signatures of formats that are not HTML, checked on the first bytes.
MAGIC = (
    (b"%PDF", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"), (b"\x1f\x8b", "gzip-compressed data"), (b"PK\x03\x04", "a ZIP archive"),
    (b"RIFF", "a RIFF media file"), (b"\x00\x00\x00", "binary data"), (b"OggS", "an Ogg media file"),
    (b"ID3", "an MP3 file"), (b"\x28\xb5\x2f\xfd", "zstd-compressed data"), (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ", "xz-compressed data"), (b"wOF", "a web font"), (b"\x7fELF", "an executable"),
)
META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]{1,40})""", re.I)
HTML_HINT = re.compile(r"<\s*(!doctype|html|head|body|div|p|meta|title|span|a|table|br|h[1-6]|article|section|script|ul|li)\b", re.I)
# WHATWG: these labels mean windows-1252 in practice.
ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252",
           "ascii": "cp1252", "iso8859-1": "cp1252", "x-sjis": "shift_jis", "gb2312": "gb18030",
           "gbk": "gb18030", "x-gbk": "gb18030", "utf8": "utf-8", "unicode": "utf-8"}
SNIFF = 4096
DETECT_SAMPLE = 65536
MIXED_MAX_SHARE = 0.02  # at most this share of invalid sequences for "UTF-8 with a few legacy bytes"


def _utf8_or_cp1252(err: UnicodeDecodeError) -> tuple[str, int]:
    bad = err.object[err.start:err.end]
    return bad.decode("cp1252", errors="replace"), err.end


codecs.register_error("copydesk-utf8-cp1252", _utf8_or_cp1252)


def normalise_charset(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    name = ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_text(data: bytes, charset: str | None = None) -> str:
    """Flattened text's bytes as a string: the declared charset when Python knows it, else UTF-8; bad
    bytes become U+FFFD (text mode judges lines, one bad byte must not lose a document)."""
    return data.decode(normalise_charset(charset) or "utf-8", errors="replace")


def sniff_not_html(head: bytes | str) -> str | None:
    """Why this is not an HTML page, or None when it may be one."""
    if isinstance(head, bytes):
        for magic, what in MAGIC:
            if head.startswith(magic):
                return f"the input is {what}"
        if head.count(b"\x00") > len(head) // 10 and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return "the input is binary data"
        s = head[:SNIFF].decode("latin-1")
    else:
        s = head[:SNIFF]
    t = s.lstrip()
    if t[:1] in ("{", "[") and not HTML_HINT.search(s[:1024]):
        return "the input is JSON, not HTML"
    if not HTML_HINT.search(s) and "<" not in s[:SNIFF]:
        return "the input has no HTML markup"
    return None


def decode(data: bytes, http_charset: str | None = None) -> tuple[str, str, str | None, list[str]]:
    """bytes -> (text, charset used, declared charset, warnings)."""
    warnings: list[str] = []
    for bom, enc in BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace"), enc, enc, warnings
    m = META_CHARSET.search(data[:SNIFF * 4])
    declared = normalise_charset(http_charset) or (normalise_charset(m.group(1).decode("ascii", "ignore")) if m else None)
    if (http_charset or m) and declared is None:
        warnings.append("unknown declared charset ignored")
    try:
        text = data.decode("utf-8")
        if declared and declared not in ("utf-8", "cp1252") and not data.isascii():
            warnings.append(f"declared {declared} but the bytes are valid UTF-8: decoded as UTF-8")
        return text, "utf-8", declared, warnings
    except UnicodeDecodeError:
        pass
    if declared and declared != "utf-8":
        try:
            return data.decode(declared), declared, declared, warnings
        except (UnicodeDecodeError, LookupError):
            warnings.append(f"declared charset {declared} does not fit the bytes")
    # Mostly UTF-8 with a few legacy bytes: keep the UTF-8 and read the strays as cp1252.
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = sum(1 for ch in text[:200000] if ord(ch) > 127) or 1
    if bad <= max(3, MIXED_MAX_SHARE * non_ascii) or declared == "utf-8":
        warnings.append("mixed encodings: invalid UTF-8 sequences read as cp1252")
        return data.decode("utf-8", errors="copydesk-utf8-cp1252"), "utf-8", declared, warnings
    from charset_normalizer import from_bytes

    best = from_bytes(data[:DETECT_SAMPLE]).best()
    enc = normalise_charset(best.encoding) if best is not None else None
    enc = enc or "cp1252"
    warnings.append(f"charset detected as {enc}")
    return data.decode(enc, errors="replace"), enc, declared, warnings


def load(page: bytes | bytearray | memoryview | str, url: str | None = None, *, max_bytes: int,
         http_charset: str | None = None) -> Page:
    """Validate and decode one page. Raises TypeError for unusable arguments, PageError for bad pages."""
    if isinstance(page, (bytearray, memoryview)):
        page = bytes(page)
    if not isinstance(page, (bytes, str)):
        raise TypeError(f"page must be bytes or str, not {type(page).__name__}")
    if url is not None and not isinstance(url, str):
        raise TypeError(f"url must be a str or None, not {type(url).__name__}")
    size = len(page)
    if size > max_bytes:
        raise PageError(TOO_LARGE, f"the page is {size} bytes, above max_bytes={max_bytes}")
    if not page.strip():
        raise PageError(EMPTY, "the input is empty")
    why = sniff_not_html(page[:SNIFF])
    if why:
        raise PageError(NOT_HTML, why)
    if isinstance(page, str):
        return Page(page, url, size, None, None)
    text, charset, declared, warnings = decode(page, http_charset)
    utf8 = page if charset == "utf-8" and not warnings and not page.startswith(codecs.BOM_UTF8) else None
    return Page(text, url, size, charset, declared, tuple(warnings), utf8)
