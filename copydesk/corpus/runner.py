"""The local runner: a pool of worker processes fed in chunks, guarded from outside, resumable.

The parent reads the inputs, cuts them into chunks (at records where a reader can restart), and sends
each chunk to an idle worker. Workers extract and send back serialised rows. The parent puts chunks
back in record order per input, writes shards by size, and commits each shard with a manifest line.

Guards are enforced by the parent, never trusted to the extraction: each worker publishes which
record it is on and since when (shared memory); a worker past the time limit, above the memory
ceiling, or dead is killed and replaced, the record it was on becomes a timeout/error row, and the
rest of its chunk is sent again. The same chunks and shard boundaries come out whatever --jobs is."""
from __future__ import annotations

import ctypes
import json
import multiprocessing as mp
import os
import resource
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import wait
from pathlib import Path
from typing import IO, Any

from ..article import ERROR, TIMEOUT
from .progress import Progress
from .readers import Item, ReadOptions, Unit, expand_inputs, iter_items, make_unit
from .records import InputRecord
from .work import ChunkResult, WorkConfig, process_chunk
from .writers import (
    SUMMARY_FILE,
    Manifest,
    OutputLock,
    OutputRemoved,
    atomic_write_bytes,
    check_run_file,
    shard_name,
    write_shard,
)

FORMAT_VERSION = 1
DEFAULT_CHUNK_RECORDS = 64  # records per chunk: enough to amortise a pipe round trip, small for balance
DEFAULT_CHUNK_BYTES = 16 * 1024 * 1024  # ... or this much page input, whichever comes first
DEFAULT_SHARD_BYTES = 64 * 1024 * 1024  # serialised rows per output shard (before Parquet compression)
DEFAULT_MEMORY_MB = 2048  # per-worker resident memory ceiling
TIMEOUT_GRACE = 1.0  # seconds past the engine's own time limit before the parent kills a worker
POLL = 0.1  # seconds between guard checks
RSS_EVERY = 0.5  # seconds between RSS readings of the workers
MAX_ATTEMPTS = 3  # a chunk whose worker dies this often without saying where gets error rows
PENDING_PER_JOB = 4  # chunks read ahead of the oldest uncommitted one, per worker (bounds memory)
FAILED_STATUSES = (ERROR, TIMEOUT)
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass
class RunConfig:
    """A whole run: inputs, output, per-record config, and how to run it."""

    inputs: list[str]
    out: str
    work: WorkConfig = field(default_factory=WorkConfig)
    read: ReadOptions = field(default_factory=ReadOptions)
    jobs: int = 0  # 0: all cores
    chunk_records: int = DEFAULT_CHUNK_RECORDS
    chunk_bytes: int = DEFAULT_CHUNK_BYTES
    shard_bytes: int = DEFAULT_SHARD_BYTES
    timeout: float | None = None  # per page, seconds; None: the engine's Options.timeout (+ grace)
    memory_mb: int | None = DEFAULT_MEMORY_MB
    progress: str = "auto"  # auto | bar | log | none
    overwrite: bool = False
    max_records_per_worker: int = 0  # replace a worker after this many records (0: never)
    clean_all: bool = True  # on start, delete every uncommitted shard (False: only this run's inputs')

    def settings(self) -> dict[str, Any]:
        """What a rerun into the same folder must share with this run."""
        return {"format": FORMAT_VERSION, "work": self.work.fingerprint(), "read": asdict(self.read),
                "chunk_records": self.chunk_records, "chunk_bytes": self.chunk_bytes,
                "shard_bytes": self.shard_bytes}

    def time_limit(self) -> float | None:
        if self.timeout is not None:
            return self.timeout
        t = self.work.options.timeout
        return None if t is None else t + TIMEOUT_GRACE


@dataclass
class Chunk:
    unit: Unit
    seq: int
    records: list[InputRecord]
    skipped: dict[str, int]
    first_index: int
    end: dict[str, Any] | None  # where the next chunk starts ({"index", "resume"}), None at the end
    final: bool
    attempts: int = 0


def rss_bytes(pid: int) -> int:
    """Resident memory of a process (Linux /proc; 0 where unavailable)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return 0


def _vm_size() -> int:
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[0]) * PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return 0


def _malloc_trim() -> Callable[[], Any] | None:
    """glibc's malloc_trim(0), or None where the C library has none (macOS, musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(None).malloc_trim  # the C library already loaded into this process
    except (OSError, AttributeError):
        return None
    fn.argtypes, fn.restype = [ctypes.c_size_t], ctypes.c_int
    return lambda: fn(0)


def memory_releaser(cfg: WorkConfig) -> Callable[[], None]:
    """What a worker calls between chunks to give the memory the chunk freed back to the system.

    Without it a worker's RSS is the high-water mark of every page it has seen, and creeps up: both
    allocators under it keep freed pages. glibc malloc shrinks its heap only from the top, and once a
    multi-MB buffer (a chunk's pages) has been freed it raises its mmap threshold, so later big
    buffers are carved from the heap and leave free holes there; pyarrow's pool (mimalloc or jemalloc)
    keeps pages for reuse. Over 20,000 benchmark pages in one process that was 25-40 MB of free heap
    and an Arrow pool that grew from 9 to 19 MB, while the memory in use stayed flat."""
    steps: list[Callable[[], Any]] = []
    if cfg.output == "parquet":  # only then does the worker allocate through Arrow
        try:
            import pyarrow as pa

            steps.append(pa.default_memory_pool().release_unused)
        except (ImportError, AttributeError):  # no pyarrow (the chunk reports it), or one without the call
            pass
    trim = _malloc_trim()
    if trim is not None:
        steps.append(trim)

    def release() -> None:
        for step in steps:
            step()

    return release


def _worker_main(conn: Any, slot: Any, cfg: WorkConfig, memory_mb: int | None) -> None:
    """A worker: chunks in, results out, until told to stop (None) or the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    if memory_mb:
        # A hard backstop under the parent's RSS check: allocations past it raise MemoryError
        # (an error row) instead of taking the machine down before the parent's next look.
        limit = _vm_size() + memory_mb * 1024 * 1024 * 2
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ValueError, OSError):
            pass
    release = memory_releaser(cfg)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        token, records = msg
        del msg
        cpu0 = time.process_time()
        result = process_chunk(cfg, records, slot)
        del records  # the chunk's pages: dropped before the memory they held is given back
        release()  # counted in the worker's CPU outside the extractor, like the rest of its overhead
        result.total_s = time.process_time() - cpu0
        # Measured here, between chunks, RSS compares like with like from chunk to chunk; the parent's
        # own readings (for the ceiling) land at any point of a page.
        result.rss = rss_bytes(os.getpid())
        conn.send((token, result))
        del result


class _Worker:
    def __init__(self, ctx: Any, cfg: WorkConfig, memory_mb: int | None) -> None:
        self.slot = ctx.RawArray("d", 3)
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker_main, args=(child, self.slot, cfg, memory_mb), daemon=True)
        self.proc.start()
        child.close()
        self.chunk: Chunk | None = None
        self.records_done = 0
        self.peak_rss = 0
        self.rss = 0  # at the last reading

    def current(self) -> tuple[int, float] | None:
        """(position in chunk, start time) of the record in progress, or None between records."""
        a, pos, b = self.slot[0], self.slot[1], self.slot[2]
        if a > 0 and a == b:
            return int(pos), a
        return None

    def kill(self) -> None:
        try:
            self.proc.kill()
        except (OSError, AttributeError):
            pass
        self.proc.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, BrokenPipeError):
            pass
        self.proc.join(2)
        if self.proc.is_alive():
            self.kill()
        else:
            self.conn.close()


class _UnitOutput:
    """Puts one input's chunk results back in order and commits them as shards."""

    def __init__(self, unit: Unit, out: Path, manifest: Manifest, rc: RunConfig, entries: list[dict[str, Any]],
                 lock: OutputLock | None = None):
        self.unit, self.out, self.manifest, self.rc, self.lock = unit, out, manifest, rc, lock
        self.next_seq = entries[-1]["chunks"][1] + 1 if entries else 0
        self.shard_no = sum(1 for e in entries if e.get("shard"))
        self.pending: dict[int, tuple[Chunk, ChunkResult]] = {}
        self._reset()

    def _reset(self) -> None:
        self.payloads: list[bytes] = []
        self.nbytes = 0
        self.rows = 0
        self.counts: dict[str, int] = {}
        self.skipped: dict[str, int] = {}
        self.first: Chunk | None = None
        self.extract_s = 0.0
        self.page_bytes = 0

    def add(self, chunk: Chunk, result: ChunkResult) -> int:
        """Take a chunk result; commit what is complete. Returns the number of chunks taken in order."""
        self.pending[chunk.seq] = (chunk, result)
        taken = 0
        while self.next_seq in self.pending:
            c, r = self.pending.pop(self.next_seq)
            self.next_seq += 1
            taken += 1
            if self.first is None:
                self.first = c
            if r.data:
                self.payloads.append(r.data)
            self.nbytes += len(r.data)
            self.rows += r.rows
            self.extract_s += r.extract_s
            self.page_bytes += r.size
            for k, v in r.counts.items():
                self.counts[k] = self.counts.get(k, 0) + v
            for k, v in c.skipped.items():
                self.skipped[k] = self.skipped.get(k, 0) + v
            if c.final or self.nbytes >= self.rc.shard_bytes:
                self._commit(c)
        return taken

    def _commit(self, last: Chunk) -> None:
        if self.lock is None:
            self._write(last)
            return
        self.lock.check()  # the folder may have been removed (and made again) by someone else
        try:
            self._write(last)
        except OSError as e:
            try:
                self.lock.check()
            except OutputRemoved as gone:
                raise gone from e
            raise

    def _write(self, last: Chunk) -> None:
        first = self.first or last
        name = None
        if self.rows:
            name = shard_name(self.unit.name, self.shard_no, self.rc.work.output)
            write_shard(self.out, name, self.payloads, self.rc.work.output)
            self.shard_no += 1
        end_index = last.end["index"] if last.end else first.first_index + self.rows
        self.manifest.append(self.unit.name, {
            "unit": self.unit.path, "shard": name, "chunks": [first.seq, last.seq], "rows": self.rows,
            "index": [first.first_index, end_index], "next": last.end, "final": last.final,
            "counts": self.counts, "skipped": self.skipped, "page_bytes": self.page_bytes,
        })
        self._reset()


def _chunks(units: list[Unit], starts: dict[str, tuple[int, dict[str, Any] | None]], rc: RunConfig,
            feed_state: dict[str, Any]) -> Iterator[Chunk]:
    """Cut every unit into chunks, each ending before a record a reader can restart at."""
    for unit in units:
        seq, start = starts.get(unit.name, (0, None))
        first_index = start["index"] if start else 0
        records: list[InputRecord] = []
        skipped: dict[str, int] = {}
        size = 0
        feed_state["unit_size"] = unit.size
        for item in _guarded(iter_items(unit, rc.read, start), unit, first_index):
            feed_state["unit_progress"] = item.progress
            rec = item.record
            if rec is not None and records and item.resume is not None and (
                    len(records) >= rc.chunk_records or size >= rc.chunk_bytes):
                yield Chunk(unit, seq, records, skipped, first_index, {"index": rec.index, "resume": item.resume}, False)
                seq += 1
                first_index = rec.index
                records, skipped, size = [], {}, 0
            if rec is None:
                skipped[item.skipped or "other"] = skipped.get(item.skipped or "other", 0) + 1
            else:
                records.append(rec)
                size += len(rec.payload) if rec.payload is not None else 0
        feed_state["done_bytes"] += unit.size
        feed_state["unit_size"] = feed_state["unit_progress"] = 0
        yield Chunk(unit, seq, records, skipped, first_index, None, True)


def _guarded(items: Iterator[Item], unit: Unit, next_index: int) -> Iterator[Item]:
    """A reader that fails in a way it did not foresee ends its input with an error row, not the run."""
    try:
        for item in items:
            if item.record is not None:
                next_index = item.record.index + 1
            yield item
    except Exception as e:
        rec = InputRecord(next_index, unit.path, 0, status=ERROR,
                          error=f"reading stopped: {type(e).__name__}: {e}")
        yield Item(rec, None, None, unit.size)


def _log(stream: IO[str] | None, msg: str) -> None:
    s = stream if stream is not None else sys.stderr
    s.write(f"copydesk run: {msg}\n")
    s.flush()


def run(rc: RunConfig, *, stdin: IO[str] | None = None, log: IO[str] | None = None) -> dict[str, Any]:
    """Run (or resume) a corpus job. Returns the summary (also written to OUT/_summary.json).
    Raises OutputBusy when another run is writing into OUT, OutputRemoved when OUT is deleted mid-run."""
    t_start = time.monotonic()
    cpu_start = time.process_time()
    out = Path(rc.out)
    out.mkdir(parents=True, exist_ok=True)
    # Before any cleanup: the start-up cleanup below must never see another live run's temp files.
    with OutputLock(out, shared=not rc.clean_all) as lock:
        return _run_locked(rc, out, lock, t_start, cpu_start, stdin, log)


def _run_locked(rc: RunConfig, out: Path, lock: OutputLock, t_start: float, cpu_start: float,
                stdin: IO[str] | None, log: IO[str] | None) -> dict[str, Any]:
    resumed_folder = check_run_file(out, rc.settings(), rc.overwrite)
    manifest = Manifest(out)
    units = [make_unit(p) for p in expand_inputs(rc.inputs, stdin)]
    orphans = manifest.remove_orphans(None if rc.clean_all else {u.name for u in units})
    if orphans and rc.progress != "none":
        _log(log, f"removed {len(orphans)} uncommitted shard(s) of an interrupted run")
    outputs: dict[str, _UnitOutput] = {}
    starts: dict[str, tuple[int, dict[str, Any] | None]] = {}
    todo: list[Unit] = []
    done_units = resumed_units = 0
    done_before = 0
    for u in units:
        entries = manifest.entries(u.name)
        if entries and entries[-1].get("final"):
            done_units += 1
            done_before += u.size
            continue
        if entries:
            resumed_units += 1
            starts[u.name] = (entries[-1]["chunks"][1] + 1, entries[-1]["next"])
        outputs[u.name] = _UnitOutput(u, out, manifest, rc, entries, lock)
        todo.append(u)

    jobs = rc.jobs or os.cpu_count() or 1
    total_bytes = sum(u.size for u in units)
    feed_state: dict[str, Any] = {"done_bytes": done_before, "unit_size": 0, "unit_progress": 0}
    feed = _chunks(todo, starts, rc, feed_state)
    prog = Progress(total_bytes, rc.progress, log, done_bytes=done_before)
    counts: dict[str, int] = {}
    stats = {"rows": 0, "records": 0, "page_bytes": 0, "extract_s": 0.0, "worker_cpu_s": 0.0, "replaced": 0,
             "timeouts_killed": 0, "memory_killed": 0, "deaths": 0, "peak_worker_rss": 0}
    rss_samples: list[tuple[int, int]] = []  # (rows done, RSS of the worker that did it, after it) per chunk

    ctx = mp.get_context("forkserver" if sys.platform.startswith("linux") else "spawn")
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload(["copydesk", "copydesk.corpus.work", "pyarrow"])
    workers: list[_Worker] = []
    ready: deque[Chunk] = deque()
    exhausted = False
    in_order = 0  # chunks taken in order (committed into shard buffers)
    read_chunks = 0
    limit = rc.time_limit()
    mem_limit = rc.memory_mb * 1024 * 1024 if rc.memory_mb else None
    last_rss = 0.0

    def deliver(chunk: Chunk, result: ChunkResult) -> None:
        nonlocal in_order
        in_order += outputs[chunk.unit.name].add(chunk, result)
        stats["rows"] += result.rows
        stats["records"] += result.rows + sum(chunk.skipped.values())
        stats["page_bytes"] += result.size
        stats["extract_s"] += result.extract_s
        stats["worker_cpu_s"] += result.total_s
        for k, v in result.counts.items():
            counts[k] = counts.get(k, 0) + v

    def replace(i: int, status: str | None, reason: str) -> None:
        """Kill worker i, blame the record it is on (if known), requeue the rest of its chunk."""
        w = workers[i]
        cur = w.current()
        w.kill()
        stats["replaced"] += 1
        chunk = w.chunk
        workers[i] = _Worker(ctx, rc.work, rc.memory_mb)
        if chunk is None:
            return
        if cur is not None and status is not None:
            rec = chunk.records[cur[0]]
            rec.status, rec.error, rec.payload = status, reason, None
        else:
            chunk.attempts += 1
            if chunk.attempts >= MAX_ATTEMPTS:
                for rec in chunk.records:
                    if rec.status is None:
                        rec.status, rec.error, rec.payload = ERROR, f"{reason} ({chunk.attempts} times)", None
        ready.appendleft(chunk)

    try:
        workers = [_Worker(ctx, rc.work, rc.memory_mb) for _ in range(jobs if todo else 0)]
        while True:
            max_pending = PENDING_PER_JOB * jobs + 2
            while not exhausted and len(ready) < jobs and read_chunks - in_order < max_pending:
                try:
                    chunk = next(feed)
                except StopIteration:
                    exhausted = True
                    break
                read_chunks += 1
                if not chunk.records:  # nothing to extract (a unit's end, or all records skipped)
                    deliver(chunk, process_chunk(rc.work, []))
                else:
                    ready.append(chunk)
            for i, w in enumerate(workers):
                if w.chunk is None and ready:
                    chunk = ready.popleft()
                    try:
                        w.conn.send((chunk.seq, chunk.records))
                        w.chunk = chunk
                    except OSError:  # the worker died while idle: replace it, keep the chunk
                        ready.appendleft(chunk)
                        w.kill()
                        workers[i] = _Worker(ctx, rc.work, rc.memory_mb)
                        stats["deaths"] += 1
            busy = [i for i, w in enumerate(workers) if w.chunk is not None]
            if not busy:
                if exhausted and not ready:
                    break
                continue
            wait([workers[i].conn for i in busy] + [workers[i].proc.sentinel for i in busy], timeout=POLL)
            now = time.monotonic()
            for i in busy:
                w = workers[i]
                got = None
                try:
                    if w.conn.poll():
                        got = w.conn.recv()
                except (EOFError, OSError):
                    got = None
                if got is not None:
                    chunk, w.chunk = w.chunk, None
                    assert chunk is not None
                    w.records_done += len(chunk.records)
                    deliver(chunk, got[1])
                    w.peak_rss = max(w.peak_rss, got[1].rss)
                    stats["peak_worker_rss"] = max(stats["peak_worker_rss"], got[1].rss)
                    rss_samples.append((stats["rows"], got[1].rss or w.rss))
                    if rc.max_records_per_worker and w.records_done >= rc.max_records_per_worker:
                        w.stop()
                        workers[i] = _Worker(ctx, rc.work, rc.memory_mb)
                    continue
                if not w.proc.is_alive():
                    stats["deaths"] += 1
                    replace(i, ERROR, f"the worker died on this page (exit code {w.proc.exitcode})")
                    continue
                cur = w.current()
                if limit is not None and cur is not None and now - cur[1] > limit:
                    stats["timeouts_killed"] += 1
                    replace(i, TIMEOUT, f"extraction took longer than the time limit of {limit:g}s (worker killed)")
            if now - last_rss >= RSS_EVERY:
                last_rss = now
                for i, w in enumerate(workers):
                    rss = rss_bytes(w.proc.pid) if w.proc.pid else 0
                    w.rss = rss
                    w.peak_rss = max(w.peak_rss, rss)
                    stats["peak_worker_rss"] = max(stats["peak_worker_rss"], rss)
                    if mem_limit and rss > mem_limit and w.chunk is not None:
                        stats["memory_killed"] += 1
                        replace(i, ERROR, f"the worker went above the memory ceiling of {rc.memory_mb} MB on this page")
            done_bytes = feed_state["done_bytes"] + feed_state["unit_progress"]
            prog.update(stats["records"], stats["rows"], counts, done_bytes, stats["page_bytes"])
    finally:
        for w in workers:
            if w.chunk is None:
                w.stop()
            else:
                w.kill()
        feed.close()

    elapsed = time.monotonic() - t_start
    rows_tot, totals, skipped_tot = manifest.totals([u.name for u in units])
    summary = {
        "out": str(out), "units": len(units), "units_already_done": done_units, "units_resumed": resumed_units,
        "resumed_folder": resumed_folder, "rows": rows_tot, "counts": totals, "skipped": skipped_tot,
        "this_run": {"rows": stats["rows"], "records": stats["records"], "counts": counts},
        "elapsed_s": elapsed, "jobs": jobs,
        "pages_per_s": stats["rows"] / elapsed if elapsed else 0.0,
        "mb_per_s": stats["page_bytes"] / elapsed / 1e6 if elapsed else 0.0,
        "page_bytes": stats["page_bytes"], "extract_cpu_s": stats["extract_s"],
        "worker_cpu_s": stats["worker_cpu_s"], "parent_cpu_s": time.process_time() - cpu_start,
        "workers_replaced": stats["replaced"], "timeouts_killed": stats["timeouts_killed"],
        "memory_killed": stats["memory_killed"], "worker_deaths": stats["deaths"],
        "peak_worker_rss_mb": stats["peak_worker_rss"] / 2**20,
        "peak_parent_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # of the whole process
        "parent_rss_end_mb": rss_bytes(os.getpid()) / 2**20,
        "rss_samples": rss_samples[:: max(1, len(rss_samples) // 200)],
        "failed": any(totals.get(s, 0) for s in FAILED_STATUSES),
    }
    lock.check()
    atomic_write_bytes(out / SUMMARY_FILE, json.dumps(summary, indent=1).encode())
    prog.update(stats["records"], stats["rows"], counts, total_bytes, stats["page_bytes"], force=True)
    prog.close(summary)
    return summary
