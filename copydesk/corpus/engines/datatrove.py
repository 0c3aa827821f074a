"""datatrove adapter: a copydesk extractor step for datatrove pipelines (FineWeb-style, on Slurm).

Use it where a pipeline has its trafilatura step:

    from datatrove.pipeline.readers import WarcReader
    from copydesk.corpus.engines.datatrove import CopydeskExtractor
    pipeline = [WarcReader("s3://.../segments/"), CopydeskExtractor(), ...filters, JsonlWriter(...)]

Each document's HTML goes through `copydesk.extract` in datatrove's extractor sandbox (a separate
process with a per-document time limit); the body text replaces `doc.text` (or the Markdown, with
`output="markdown"`), and the metadata goes into `doc.metadata`. Documents without a body are dropped
and counted, like datatrove's own extractors do. Install with `pip install 'copydesk[datatrove]'`."""
from __future__ import annotations

from typing import Any

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.extractors.base import BaseExtractor, ExtractorSandbox
from datatrove.utils.typeshelper import StatHints

from ...options import Options
from ..records import InputRecord
from ..work import WorkConfig, extract_row

# Article fields copied into doc.metadata (when not empty).
METADATA_FIELDS = ("title", "authors", "date_published", "date_modified", "sitename", "description", "image", "tags",
                   "categories", "canonical_url", "license", "page_type", "language")


def _extract_fields(html: str, url: str | None, cfg: WorkConfig, output: str) -> dict[str, Any]:
    """Runs in the sandbox process: HTML -> the row the local runner would write (picklable)."""
    rec = InputRecord(0, "datatrove", 0, url=url, payload=html, size=len(html or ""))
    if not html:
        rec.status, rec.error = "empty", "the document is empty"
    row, _ = extract_row(cfg, rec)
    if output == "markdown":
        row["text"] = row["markdown"]
    return row


class CopydeskExtractor(BaseExtractor):
    """copydesk as a datatrove extractor step."""

    name = "⛏ copydesk"

    def __init__(self, timeout: float = 5.0, output: str = "text", metadata: bool = True,
                 options: Options | None = None, engine: str = "copydesk", **option_kw: Any):
        super().__init__(timeout)
        if output not in ("text", "markdown"):
            raise ValueError("output must be 'text' or 'markdown'")
        self.output = output
        self.metadata = metadata
        self.config = WorkConfig(engine=engine, options=Options.make(options, **option_kw))

    def extract(self, text: str, url: str | None = None) -> dict[str, Any]:  # type: ignore[override]
        return _extract_fields(text, url, self.config, self.output)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        with ExtractorSandbox(timeout=self.timeout, warmup_text=("", None)) as sandbox:
            for doc in data:
                self.stat_update(StatHints.total)
                with self.track_time():
                    try:
                        res = sandbox.process_document((doc.text, doc.metadata.get("url")), self.extract)
                    except TimeoutError:
                        self.stat_update("timeout")
                        continue
                    except EOFError:
                        self.stat_update("broken_process")
                        continue
                    except Exception:
                        self.stat_update("clean_error")
                        continue
                self.stat_update(res.get("status") or "unknown")
                if res.get("status") != "ok" or not res.get("text"):
                    self.stat_update(StatHints.dropped)
                    continue
                doc.text = res["text"]
                if self.metadata:
                    doc.metadata.update({k: res[k] for k in METADATA_FIELDS if res.get(k)})
                self.stat_update("extracted")
                self.stat_update(StatHints.forwarded)
                self.update_doc_stats(doc)
                yield doc
