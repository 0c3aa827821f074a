"""Spark recipe helpers: the same per-record function through `DataFrame.mapInArrow`.

    from copydesk.corpus.engines.spark import extract_html_batches, spark_schema
    from copydesk.corpus import WorkConfig
    cfg = WorkConfig()
    df = spark.read.parquet("pages/")              # columns: url, html
    out = df.mapInArrow(lambda it: extract_html_batches(it, cfg), spark_schema())
    out.write.parquet("articles/")

or, one task per input file (WARC / JSONL paths in a column `path`):

    paths = spark.createDataFrame([(p,) for p in warc_paths], "path string").repartition(len(warc_paths))
    out = paths.mapInArrow(lambda it: extract_path_batches(it, cfg), spark_schema())

pyspark is not a dependency: these functions take and yield pyarrow RecordBatches. There is no guard
process here: the page time limit is the engine's own (`Options.timeout`)."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from ..readers import ReadOptions, iter_items, make_unit
from ..records import COLUMNS, InputRecord, arrow_schema
from ..work import WorkConfig, process_chunk

SPARK_TYPES = {"string": "string", "int64": "bigint", "int32": "int", "binary": "binary",
               "list<string>": "array<string>",
               "list<quote>": "array<struct<text: string, speaker: string, role: string, cue: string>>"}
BATCH_RECORDS = 256  # records per Arrow batch handed back to Spark


def spark_schema() -> str:
    """The output schema as a Spark DDL string (for mapInArrow)."""
    return ", ".join(f"`{name}` {SPARK_TYPES[kind]}" for name, kind in COLUMNS)


def _batches(cfg: WorkConfig, records: list[InputRecord]) -> Iterator[Any]:
    import pyarrow as pa

    res = process_chunk(replace(cfg, output="parquet"), records)
    yield from pa.ipc.open_stream(res.data).read_all().to_batches()


def extract_html_batches(batches: Iterable[Any], cfg: WorkConfig, html_col: str = "html", url_col: str = "url",
                         source: str = "spark") -> Iterator[Any]:
    """mapInArrow function: batches with an HTML column (and a URL column) -> output rows."""
    index = 0
    for batch in batches:
        d = batch.to_pydict()
        htmls = d.get(html_col) or []
        urls = d.get(url_col) or [None] * len(htmls)
        records = []
        for html, url in zip(htmls, urls, strict=True):
            rec = InputRecord(index, source, index, url=url, payload=html, size=len(html or ""))
            if html is None:
                rec.status, rec.error = "error", f"missing field {html_col!r}"
            records.append(rec)
            index += 1
        if records:
            yield from _batches(cfg, records)


def extract_path_batches(batches: Iterable[Any], cfg: WorkConfig, read: ReadOptions | None = None,
                         path_col: str = "path") -> Iterator[Any]:
    """mapInArrow function: batches of input paths (WARC, JSONL ...) -> output rows of every record."""
    read = read or ReadOptions(mode=cfg.mode, max_bytes=cfg.options.max_bytes)
    for batch in batches:
        for path in batch.to_pydict()[path_col]:
            records: list[InputRecord] = []
            for item in iter_items(make_unit(path), read):
                if item.record is not None:
                    records.append(item.record)
                if len(records) >= BATCH_RECORDS:
                    yield from _batches(cfg, records)
                    records = []
            if records:
                yield from _batches(cfg, records)


__all__ = ["arrow_schema", "extract_html_batches", "extract_path_batches", "spark_schema"]
