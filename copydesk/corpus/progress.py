"""Progress of a run: a one-line bar on a terminal, periodic log lines otherwise, a summary at the end."""
from __future__ import annotations

import sys
import time
from typing import IO, Any

BAR_INTERVAL = 0.5  # seconds between redraws of the terminal line
LOG_INTERVAL = 30.0  # seconds between log lines when stderr is not a terminal
BAR_WIDTH = 20


def _fmt_eta(seconds: float) -> str:
    seconds = int(seconds)
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
    """Shows records/s, pages/s, counts by status and, when the input size is known, ETA.

    mode: "bar" (redrawn line), "log" (a line every LOG_INTERVAL s), "none", or "auto" (bar on a
    terminal, log otherwise)."""

    def __init__(self, total_bytes: int, mode: str = "auto", stream: IO[str] | None = None,
                 done_bytes: int = 0) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if mode == "auto":
            mode = "bar" if getattr(self.stream, "isatty", lambda: False)() else "log"
        self.mode = mode
        self.total = total_bytes
        self.base = done_bytes  # bytes already done by an earlier run (not in the rate)
        self.start = time.monotonic()
        self.last = 0.0
        self.drawn = False

    def line(self, records: int, pages: int, counts: dict[str, int], done_bytes: int, page_bytes: int) -> str:
        el = max(time.monotonic() - self.start, 1e-9)
        parts = [f"{records:,} records ({records / el:,.0f}/s)", f"{pages:,} pages ({pages / el:,.0f}/s)",
                 f"{page_bytes / el / 1e6:,.1f} MB/s"]
        parts.append(" ".join(f"{k}={v:,}" for k, v in sorted(counts.items())))
        done = min(done_bytes, self.total)
        if self.total > 0:
            frac = done / self.total
            rate = (done - self.base) / el
            eta = f" ETA {_fmt_eta((self.total - done) / rate)}" if rate > 0 and done < self.total else ""
            filled = int(frac * BAR_WIDTH)
            parts.insert(0, f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {frac * 100:5.1f}%{eta}")
        return " | ".join(p for p in parts if p)

    def update(self, records: int, pages: int, counts: dict[str, int], done_bytes: int, page_bytes: int,
               force: bool = False) -> None:
        if self.mode == "none":
            return
        now = time.monotonic()
        interval = BAR_INTERVAL if self.mode == "bar" else LOG_INTERVAL
        if not force and now - self.last < interval:
            return
        self.last = now
        text = self.line(records, pages, counts, done_bytes, page_bytes)
        if self.mode == "bar":
            self.stream.write("\r" + text[:200].ljust(120))
            self.drawn = True
        else:
            self.stream.write(f"copydesk run: {text}\n")
        self.stream.flush()

    def close(self, summary: dict[str, Any]) -> None:
        if self.mode == "none":
            return
        if self.drawn:
            self.stream.write("\n")
        self.stream.write(format_summary(summary) + "\n")
        self.stream.flush()


def format_summary(s: dict[str, Any]) -> str:
    counts = " ".join(f"{k}={v:,}" for k, v in sorted(s.get("counts", {}).items())) or "none"
    skipped = " ".join(f"{k}={v:,}" for k, v in sorted(s.get("skipped", {}).items())) or "none"
    return (f"copydesk run: {s.get('rows', 0):,} rows from {s.get('units', 0)} inputs "
            f"({s.get('units_resumed', 0)} resumed, {s.get('units_already_done', 0)} already done) "
            f"in {s.get('elapsed_s', 0):.1f}s; {s.get('pages_per_s', 0):,.0f} pages/s, "
            f"{s.get('mb_per_s', 0):,.1f} MB/s\n  status: {counts}\n  skipped records: {skipped}\n"
            f"  output: {s.get('out')}" + ("\n  FAILED: some records are error/timeout rows" if s.get("failed") else ""))
