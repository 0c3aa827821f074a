"""The record types of a corpus run: what a reader yields (`InputRecord`) and the output row schema.

One output row per input record (WARC response, JSONL line, HTML file, or an unreadable region),
identified by (source, index): `index` is the record's ordinal in its input unit, the same on every
run whatever the worker count, so rows can be compared and joined as sets."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Output columns, in order, with their Arrow types (strings unless noted). Documented in README.md.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("source", "string"),         # the input file (or folder file) the record comes from
    ("offset", "int64"),          # byte offset of the WARC record, 1-based line of a JSONL record, 0 for a file
    ("index", "int64"),           # ordinal of the record among the rows of its input unit
    ("url", "string"),
    ("record_id", "string"),      # WARC-Record-ID, or the JSONL id field
    ("warc_date", "string"),      # WARC-Date (ISO 8601), or the JSONL date field
    ("http_status", "int32"),
    ("content_type", "string"),   # HTTP Content-Type of a WARC response
    ("size", "int64"),            # bytes of the page (characters in text mode)
    ("status", "string"),         # ok, empty, not_html, too_large, timeout, error
    ("error", "string"),          # why the status is not ok (Article.reason or the runner's reason)
    ("title", "string"),
    ("text", "string"),           # the body as plain text
    ("markdown", "string"),       # the body as Markdown (null with --no-markdown)
    ("authors", "list<string>"),
    ("date_published", "string"),
    ("date_modified", "string"),
    ("sitename", "string"),
    ("description", "string"),
    ("image", "string"),
    ("tags", "list<string>"),
    ("categories", "list<string>"),
    ("canonical_url", "string"),
    ("license", "string"),
    ("page_type", "string"),
    ("language", "string"),
    ("captions", "list<string>"),
    ("comments", "list<string>"),
    ("quotes", "list<quote>"),       # who said what (with --quotes): {text, speaker, role, cue}
    ("warnings", "list<string>"),
    ("body_hash", "string"),      # hash of the normalised body (with --dedup), else null
    ("minhash", "binary"),        # MinHash signature, uint32 little-endian (with --dedup near), else null
)
QUOTE_FIELDS = ("text", "speaker", "role", "cue")
COLUMN_NAMES = tuple(name for name, _ in COLUMNS)
LIST_COLUMNS = frozenset(name for name, kind in COLUMNS if kind.startswith("list"))
# Article attributes copied to the row as they are (tuples become lists).
ARTICLE_FIELDS = ("title", "authors", "date_published", "date_modified", "sitename", "description", "image", "tags",
                  "categories", "canonical_url", "license", "page_type", "language", "captions", "comments",
                  "warnings")


def arrow_schema() -> Any:
    """The pyarrow schema of the output (pyarrow is imported only here)."""
    import pyarrow as pa

    kinds = {"string": pa.string(), "int64": pa.int64(), "int32": pa.int32(), "binary": pa.binary(),
             "list<string>": pa.list_(pa.string()),
             "list<quote>": pa.list_(pa.struct([(f, pa.string()) for f in QUOTE_FIELDS]))}
    return pa.schema([pa.field(name, kinds[kind]) for name, kind in COLUMNS])


@dataclass(slots=True)
class InputRecord:
    """One record as a reader yields it. `status` is set when the reader already knows the outcome
    (not_html by Content-Type, too_large, a truncated or unreadable record): no extraction then."""

    index: int
    source: str
    offset: int
    url: str | None = None
    record_id: str | None = None
    warc_date: str | None = None
    http_status: int | None = None
    content_type: str | None = None
    http_charset: str | None = None
    payload: bytes | str | None = None
    size: int = 0
    status: str | None = None
    error: str | None = None


def base_row(rec: InputRecord) -> dict[str, Any]:
    """The row fields that come from the record itself (every column present, most None)."""
    row: dict[str, Any] = dict.fromkeys(COLUMN_NAMES)
    row.update(source=rec.source, offset=rec.offset, index=rec.index, url=rec.url, record_id=rec.record_id,
               warc_date=rec.warc_date, http_status=rec.http_status, content_type=rec.content_type, size=rec.size,
               status=rec.status, error=rec.error)
    for name in LIST_COLUMNS:
        row[name] = []
    return row
