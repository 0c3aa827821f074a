"""Output: shards written atomically (temp file, fsync, rename) and a manifest of what they cover.

Layout of an output folder:
    _run.json                  the settings of the run (a rerun must match them)
    _manifest/<unit>.jsonl     one line per committed shard of an input, appended and fsynced
    <unit>.<n>.parquet|jsonl   the shards: rows of one input, in record order
    _summary.json              the last run's summary
    _lock                      locked (flock) by the run writing into the folder
A shard not named in a manifest (a run killed between rename and manifest) is deleted on restart and
redone, so the finished folder holds every input record exactly once."""
from __future__ import annotations

import json
import os
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # not on POSIX: runs are not locked
    fcntl = None  # type: ignore[assignment]

MANIFEST_DIR = "_manifest"
RUN_FILE = "_run.json"
SUMMARY_FILE = "_summary.json"
LOCK_FILE = "_lock"
TMP_PREFIX = ".tmp-"
PARQUET_COMPRESSION = "zstd"
PARQUET_ROW_GROUP = 10_000  # rows per row group: small enough for readers to skip, big enough to compress
EXTENSIONS = {"parquet": "parquet", "jsonl": "jsonl"}


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class OutputBusy(RuntimeError):
    """Another run is writing into the output folder."""


class OutputRemoved(RuntimeError):
    """The output folder was deleted (or replaced) by something outside the run while it ran."""


class OutputLock:
    """Held by a run for as long as it writes into an output folder.

    Exclusive for a normal run: its start-up cleanup deletes every uncommitted shard and temp file, so
    a second run in the same folder would delete the live run's files (and both would write the same
    shards). Shared for runs that handle only their own inputs (`clean_all=False`, e.g. one Ray task
    per input). The lock file's identity also tells whether the folder is still the one the run
    started in: a folder removed from under a run (a cleanup of temp folders by another job) is
    reported as such instead of as a puzzling missing temp file."""

    def __init__(self, out: Path, shared: bool = False) -> None:
        self.out = Path(out)
        self.path = self.out / LOCK_FILE
        self.fd: int | None = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if fcntl is not None:
            try:
                fcntl.flock(self.fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
            except BlockingIOError:
                self.release()
                raise OutputBusy(f"another copydesk run is writing into {self.out}; wait for it to end or use "
                                 "another -o") from None
            except OSError:  # a filesystem without locks (some network mounts): run unlocked
                pass
        st = os.fstat(self.fd)
        self.ident = (st.st_dev, st.st_ino)

    def share(self) -> None:
        """Let runs of single inputs (shared lock holders) in, keep exclusive runs out."""
        if fcntl is not None and self.fd is not None:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_SH)
            except OSError:
                pass

    def check(self) -> None:
        """Raise OutputRemoved when the folder is gone or is no longer the one this run locked."""
        try:
            st = os.stat(self.path)
            same = (st.st_dev, st.st_ino) == self.ident
        except OSError:
            same = False
        if not same:
            raise OutputRemoved(
                f"the output folder {self.out} was removed or emptied while this run was writing to it "
                "(something outside the run deleted it); the run stopped. Run the same command again to redo "
                "the lost work")

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing drops the flock
            self.fd = None

    def __enter__(self) -> OutputLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f"{TMP_PREFIX}{path.name}.{os.getpid()}")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def shard_name(unit_name: str, number: int, output: str) -> str:
    return f"{unit_name}.{number:05d}.{EXTENSIONS[output]}"


def write_shard(out: Path, name: str, payloads: Sequence[bytes], output: str) -> int:
    """Write one shard from serialised chunks (Arrow IPC streams or JSON lines); returns its size."""
    path = out / name
    tmp = out / f"{TMP_PREFIX}{name}.{os.getpid()}"
    if output == "jsonl":
        with open(tmp, "wb") as f:
            for p in payloads:
                f.write(p)
            f.flush()
            os.fsync(f.fileno())
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        from .records import arrow_schema

        tables = [pa.ipc.open_stream(p).read_all() for p in payloads if p]
        table = pa.concat_tables(tables) if tables else arrow_schema().empty_table()
        pq.write_table(table, tmp, compression=PARQUET_COMPRESSION, row_group_size=PARQUET_ROW_GROUP)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(out)
    return path.stat().st_size


class Manifest:
    """The committed shards of every input of an output folder."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.dir = self.out / MANIFEST_DIR
        self.dir.mkdir(parents=True, exist_ok=True)

    def entries(self, unit_name: str) -> list[dict[str, Any]]:
        """The committed entries of one input, in order; a torn last line (a kill mid-append) is ignored."""
        path = self.dir / f"{unit_name}.jsonl"
        if not path.exists():
            return []
        out = []
        with open(path, encoding="utf-8") as f:
            for line in f:
                try:
                    e = json.loads(line)
                except ValueError:
                    break
                if isinstance(e, dict) and e.get("committed"):
                    out.append(e)
        return out

    def all_entries(self) -> dict[str, list[dict[str, Any]]]:
        return {p.stem: self.entries(p.stem) for p in sorted(self.dir.glob("*.jsonl"))}

    def append(self, unit_name: str, entry: dict[str, Any]) -> None:
        path = self.dir / f"{unit_name}.jsonl"
        # Repair a torn last line first, so this entry starts on a line of its own.
        if path.exists() and path.stat().st_size:
            with open(path, "rb") as f:
                f.seek(-1, os.SEEK_END)
                torn = f.read(1) != b"\n"
            if torn:
                good = self.entries(unit_name)
                atomic_write_bytes(path, "".join(json.dumps(e) + "\n" for e in good).encode())
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps({**entry, "committed": True}, sort_keys=True) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def totals(self, unit_names: Collection[str]) -> tuple[int, dict[str, int], dict[str, int]]:
        """(rows, counts by status, skipped records by type) committed for these inputs."""
        rows = 0
        counts: dict[str, int] = {}
        skipped: dict[str, int] = {}
        for name in unit_names:
            for e in self.entries(name):
                rows += e["rows"]
                for k, v in e["counts"].items():
                    counts[k] = counts.get(k, 0) + v
                for k, v in e["skipped"].items():
                    skipped[k] = skipped.get(k, 0) + v
        return rows, counts, skipped

    def committed_shards(self) -> set[str]:
        return {e["shard"] for es in self.all_entries().values() for e in es if e.get("shard")}

    def remove_orphans(self, unit_names: Collection[str] | None = None) -> list[str]:
        """Delete temp files and shards no manifest names (written by a run killed before committing).
        With `unit_names`, only those inputs' files: other processes may be writing the others."""
        keep = self.committed_shards()
        removed = []
        for p in self.out.iterdir():
            if not p.is_file():
                continue
            if unit_names is not None:
                stem = p.name[len(TMP_PREFIX):] if p.name.startswith(TMP_PREFIX) else p.name
                if not any(stem.startswith(n + ".") for n in unit_names):
                    continue
            is_shard = p.suffix.lstrip(".") in EXTENSIONS.values() and not p.name.startswith("_")
            if p.name.startswith(TMP_PREFIX) or (is_shard and p.name not in keep):
                p.unlink()
                removed.append(p.name)
        return removed


def check_run_file(out: Path, settings: dict[str, Any], overwrite: bool = False) -> bool:
    """Write `_run.json`, or check that an existing one holds the same settings. Returns True when the
    folder already held this run (a resume). Raises ValueError when it holds another run, unless
    `overwrite`: then the folder's earlier output is deleted and the run starts afresh."""
    path = Path(out) / RUN_FILE
    if path.exists():
        try:
            old = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            old = None
        if old == settings and not overwrite:
            return True
        if not overwrite:
            raise ValueError(f"{out} holds the output of a run with other settings; use another -o or --overwrite")
        for p in Path(out).iterdir():
            if p.name == LOCK_FILE:  # held by this run: deleting it would let a second run lock a new one
                continue
            if p.is_file() and (p.suffix in (".parquet", ".jsonl") or p.name.startswith(("_", TMP_PREFIX))):
                p.unlink()
        for sub in (MANIFEST_DIR, "_dedup"):
            if (Path(out) / sub).is_dir():
                for p in (Path(out) / sub).iterdir():
                    if p.is_file():
                        p.unlink()
    atomic_write_bytes(path, json.dumps(settings, sort_keys=True, indent=1).encode())
    return False
