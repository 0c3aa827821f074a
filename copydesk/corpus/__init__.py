"""Corpus scale: `copydesk run` over WARC / JSONL / folders, on all cores or on a cluster.

    from copydesk.corpus import RunConfig, WorkConfig, run
    summary = run(RunConfig(inputs=["crawl.warc.gz"], out="out/"))

Heavy dependencies (fastwarc, pyarrow, datasketch, ray, datatrove) are imported only when used."""
from __future__ import annotations

from .readers import ReadOptions
from .records import COLUMNS, InputRecord, arrow_schema
from .runner import RunConfig, run
from .work import WorkConfig, extract_row, process_chunk
from .writers import OutputBusy, OutputRemoved

__all__ = ["COLUMNS", "InputRecord", "OutputBusy", "OutputRemoved", "ReadOptions", "RunConfig", "WorkConfig", "arrow_schema", "extract_row",
           "process_chunk", "run"]
