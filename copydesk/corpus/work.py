"""The per-record work: a pure, picklable function of a config dataclass and a record.

`process_chunk(config, records)` is what every engine runs (the local pool, Ray, datatrove, Spark):
it holds no state between calls and reads nothing but its arguments, so the same records give the
same rows in any process, on any machine, in any order."""
from __future__ import annotations

import hashlib
import importlib
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ..article import ERROR, OK, STATUSES
from ..options import Options
from .records import ARTICLE_FIELDS, QUOTE_FIELDS, InputRecord, arrow_schema, base_row

MODES = ("html", "text")
OUTPUTS = ("parquet", "jsonl")
DEDUP = ("none", "exact", "near")
DEFAULT_NUM_PERM = 64  # MinHash permutations: 64 keeps the signature at 256 bytes a row
DEFAULT_SHINGLE = 5  # words per shingle for MinHash (FineWeb uses 5-grams)
MINHASH_SEED = 1
MINHASH_SCHEME = "affine32"  # 32-bit hash values: a signature is 4 bytes per permutation
NORMALISE = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class WorkConfig:
    """Everything the per-record function depends on. Frozen and picklable; nothing else is read."""

    mode: str = "html"  # "html": raw pages through copydesk.extract; "text": copydesk.extract_text
    engine: str = "copydesk"  # "copydesk", "trafilatura" (for comparison), or "module:function"
    options: Options = field(default_factory=Options)
    markdown: bool = True  # fill the markdown column
    output: str = "parquet"  # how chunk results are serialised: "parquet" (Arrow IPC) or "jsonl"
    dedup: str = "none"  # "exact": body_hash; "near": body_hash and a MinHash signature
    num_perm: int = DEFAULT_NUM_PERM
    shingle: int = DEFAULT_SHINGLE

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {self.mode!r}")
        if self.output not in OUTPUTS:
            raise ValueError(f"output must be one of {OUTPUTS}, not {self.output!r}")
        if self.dedup not in DEDUP:
            raise ValueError(f"dedup must be one of {DEDUP}, not {self.dedup!r}")
        if self.engine not in ("copydesk", "trafilatura") and ":" not in self.engine:
            raise ValueError("engine must be 'copydesk', 'trafilatura' or 'module:function'")

    def fingerprint(self) -> dict[str, Any]:
        """What must match for a rerun to continue an output folder."""
        d = asdict(self)
        d["options"] = asdict(self.options)
        return d


@dataclass
class ChunkResult:
    """The serialised rows of one chunk, plus what the runner needs without decoding them."""

    data: bytes  # Arrow IPC stream (parquet output) or JSON lines
    rows: int
    counts: dict[str, int]
    extract_s: float  # CPU seconds inside the extractor
    total_s: float  # CPU seconds for the whole chunk (extraction + building rows + serialising)
    size: int  # bytes of page input in the chunk
    rss: int = 0  # resident bytes of the worker once the chunk is done (0: not measured)


def normalise_body(text: str) -> str:
    """The body as compared for exact duplicates: lowercase words separated by single spaces."""
    return NORMALISE.sub(" ", text.lower()).strip()


def body_hash(text: str) -> str:
    return hashlib.blake2b(normalise_body(text).encode("utf-8"), digest_size=16).hexdigest()


def minhash_signature(text: str, num_perm: int = DEFAULT_NUM_PERM, shingle: int = DEFAULT_SHINGLE) -> bytes:
    """MinHash (datasketch) of the word shingles of the normalised body, as little-endian uint64 bytes."""
    words = normalise_body(text).split()
    grams = {" ".join(words[i:i + shingle]).encode("utf-8") for i in range(max(1, len(words) - shingle + 1))}
    m = new_minhash(num_perm)
    m.update_batch(sorted(grams))
    return m.hashvalues.astype("<u4").tobytes()


def new_minhash(num_perm: int, hashvalues: Any = None) -> Any:
    """A datasketch MinHash with a fixed scheme and seed (datasketch 2 names the scheme; 1.x has one)."""
    from datasketch import MinHash

    try:
        return MinHash(num_perm=num_perm, seed=MINHASH_SEED, hashvalues=hashvalues, scheme=MINHASH_SCHEME)
    except TypeError:
        return MinHash(num_perm=num_perm, seed=MINHASH_SEED, hashvalues=hashvalues)


def _engine(cfg: WorkConfig) -> Callable[..., Any]:
    if cfg.engine == "copydesk":
        import copydesk

        return copydesk.extract_text if cfg.mode == "text" else copydesk.extract
    if cfg.engine == "trafilatura":
        return _trafilatura
    module, _, name = cfg.engine.partition(":")
    return getattr(importlib.import_module(module), name)


def _trafilatura(page: bytes | str, *, url: str | None = None, **_: Any) -> dict[str, Any]:
    """trafilatura as an engine, for comparison runs: its text and the metadata it has."""
    import trafilatura

    doc = trafilatura.bare_extraction(page, url=url, with_metadata=True, include_comments=False)
    if doc is None:
        return {"status": "empty", "error": "trafilatura found no content"}
    d = doc if isinstance(doc, dict) else doc.as_dict()
    author = d.get("author")
    return {"status": OK, "title": d.get("title"), "text": d.get("text") or "", "markdown": None,
            "authors": [a.strip() for a in author.split(";")] if author else [], "date_published": d.get("date"),
            "sitename": d.get("sitename"), "description": d.get("description"),
            "categories": list(d.get("categories") or []), "tags": list(d.get("tags") or []),
            "language": d.get("language"), "license": d.get("license"), "image": d.get("image")}


def _call(fn: Callable[..., Any], cfg: WorkConfig, rec: InputRecord) -> Any:
    payload = rec.payload
    takes_options = cfg.engine == "copydesk" or ":" in cfg.engine  # our engines; trafilatura takes none
    if cfg.mode == "text":
        if isinstance(payload, bytes):
            payload = payload.decode("utf-8", "replace")
        return fn(payload, url=rec.url, options=cfg.options) if takes_options else fn(payload, url=rec.url)
    if takes_options:
        return fn(payload, url=rec.url, options=cfg.options, http_charset=rec.http_charset)
    return fn(payload, url=rec.url)


def _fill(row: dict[str, Any], result: Any, cfg: WorkConfig) -> None:
    """Copy an Article (or an engine's dict) into the row."""
    if isinstance(result, dict):
        for k, v in result.items():
            if k in row:
                row[k] = list(v) if isinstance(v, (list, tuple)) else v
        row["status"] = result.get("status", OK)
        if not cfg.markdown:
            row["markdown"] = None
        return
    row["status"] = result.status
    row["error"] = result.reason
    for name in ARTICLE_FIELDS:
        v = getattr(result, name)
        row[name] = list(v) if isinstance(v, tuple) else v
    row["quotes"] = [{f: getattr(q, f) for f in QUOTE_FIELDS} for q in result.quotes]
    row["text"] = result.text
    row["markdown"] = result.markdown if cfg.markdown else None
    if result.url and not row["url"]:
        row["url"] = result.url


def extract_row(cfg: WorkConfig, rec: InputRecord, fn: Callable[..., Any] | None = None) -> tuple[dict[str, Any], float]:
    """One record -> (output row, CPU seconds in the extractor). Never raises for a bad page."""
    row = base_row(rec)
    spent = 0.0
    if rec.status is None:
        t0 = time.process_time()
        try:
            _fill(row, _call(fn or _engine(cfg), cfg, rec), cfg)
        except NotImplementedError as e:
            row["status"], row["error"] = ERROR, f"{cfg.mode} mode is not available in this copydesk: {e}"
        except MemoryError:
            row["status"], row["error"] = ERROR, "out of memory while processing the page"
        except RecursionError:
            row["status"], row["error"] = ERROR, "the page is nested too deeply to process"
        except Exception as e:  # an engine bug must cost one row, not the run
            row["status"], row["error"] = ERROR, f"{type(e).__name__}: {e}"
        spent = time.process_time() - t0
        if row["status"] not in STATUSES:
            row["error"] = f"unknown status {row['status']!r}" + (f": {row['error']}" if row["error"] else "")
            row["status"] = ERROR
    if cfg.dedup != "none" and row["status"] == OK and row["text"]:
        row["body_hash"] = body_hash(row["text"])
        if cfg.dedup == "near":
            row["minhash"] = minhash_signature(row["text"], cfg.num_perm, cfg.shingle)
    return row, spent


def serialise(rows: list[dict[str, Any]], output: str) -> bytes:
    """Rows -> Arrow IPC stream bytes (parquet output) or JSON lines."""
    if output == "jsonl":
        out = []
        for row in rows:
            if row.get("minhash") is not None:
                row = {**row, "minhash": row["minhash"].hex()}
            out.append(json.dumps(row, ensure_ascii=False))
        return ("\n".join(out) + "\n").encode("utf-8") if out else b""
    import pyarrow as pa

    table = pa.Table.from_pylist(rows, schema=arrow_schema())
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def process_chunk(cfg: WorkConfig, records: Sequence[InputRecord], slot: Any = None) -> ChunkResult:
    """Extract a chunk of records into serialised rows. `slot` (a shared array of 3 doubles, or None)
    tells a watching parent which record is in progress and since when: [start, position, start]."""
    t0 = time.process_time()
    fn = None
    if any(r.status is None for r in records):
        try:
            fn = _engine(cfg)
        except Exception as e:  # a missing engine module: every row says so, the worker lives on
            why = f"cannot load the {cfg.engine} engine: {type(e).__name__}: {e}"
            records = [InputRecord(**{**{f: getattr(r, f) for f in r.__slots__}, "payload": None,
                                      "status": ERROR, "error": why}) if r.status is None else r
                       for r in records]
    rows: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    extract_s = 0.0
    size = 0
    for pos, rec in enumerate(records):
        if slot is not None:
            now = time.monotonic()
            slot[0] = 0.0
            slot[1] = float(pos)
            slot[2] = now
            slot[0] = now
        row, spent = extract_row(cfg, rec, fn)
        if slot is not None:
            slot[0] = 0.0
        extract_s += spent
        size += rec.size
        rows.append(row)
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    data = serialise(rows, cfg.output)
    return ChunkResult(data, len(rows), counts, extract_s, time.process_time() - t0, size)
