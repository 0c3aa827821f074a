"""Deduplication over a finished output folder: exact (same normalised body) and near (MinHash LSH).

Workers compute each row's `body_hash` (and MinHash signature for near) while extracting; this pass
reads those columns, orders rows by a content key (url, record id, body hash, source, index) that
does not depend on worker count or on the order the inputs were given, and keeps the first row of
each group. The result is `_dedup/duplicates.parquet` (or `.jsonl`): one row per duplicate, naming the
row it duplicates. The shards are left as they are: drop duplicates with an anti-join."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .writers import EXTENSIONS, MANIFEST_DIR, atomic_write_bytes

DEFAULT_THRESHOLD = 0.8  # estimated Jaccard similarity of word shingles above which pages are near-duplicates
DEDUP_DIR = "_dedup"  # a folder, so that `out/*.parquet` globs only the shards
DEDUP_BASENAME = "duplicates"


def _shards(out: Path) -> list[Path]:
    from .writers import Manifest

    names = sorted(Manifest(out).committed_shards())
    return [out / n for n in names if (out / n).exists()]


def _load(out: Path) -> list[dict[str, Any]]:
    cols = ["source", "index", "url", "record_id", "body_hash", "minhash"]
    rows: list[dict[str, Any]] = []
    for path in _shards(out):
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            t = pq.read_table(path, columns=cols)
            rows.extend(r for r in t.to_pylist() if r["body_hash"])
        else:
            with open(path, encoding="utf-8") as f:
                for line in f:
                    r = json.loads(line)
                    if r.get("body_hash"):
                        mh = r.get("minhash")
                        rows.append({c: r.get(c) for c in cols} | {"minhash": bytes.fromhex(mh) if mh else None})
    return rows


def _key(r: dict[str, Any]) -> tuple[str, str, str, str, int]:
    return (r["url"] or "", r["record_id"] or "", r["body_hash"], r["source"], r["index"])


def find_duplicates(rows: list[dict[str, Any]], mode: str, threshold: float = DEFAULT_THRESHOLD) -> list[dict[str, Any]]:
    """The duplicate rows (not the first of their group), each with the row it duplicates."""
    rows = sorted(rows, key=_key)
    dups: list[dict[str, Any]] = []
    first: dict[str, dict[str, Any]] = {}
    reps: list[dict[str, Any]] = []
    for r in rows:
        rep = first.get(r["body_hash"])
        if rep is None:
            first[r["body_hash"]] = r
            reps.append(r)
        else:
            dups.append(_dup(r, rep, "exact", 1.0))
    if mode == "near":
        import numpy as np
        from datasketch import MinHashLSH

        from .work import new_minhash

        with_sig = [r for r in reps if r["minhash"]]
        num_perm = len(with_sig[0]["minhash"]) // 4 if with_sig else 0
        if num_perm:
            lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
            kept: list[tuple[dict[str, Any], Any]] = []
            for r in with_sig:
                m = new_minhash(num_perm, np.frombuffer(r["minhash"], dtype="<u4").astype(np.uint64))
                best = None
                for j in sorted(lsh.query(m)):
                    sim = m.jaccard(kept[j][1])
                    if sim >= threshold:
                        best = (kept[j][0], sim)
                        break
                if best is not None:
                    dups.append(_dup(r, best[0], "near", best[1]))
                else:
                    lsh.insert(len(kept), m)
                    kept.append((r, m))
    dups.sort(key=lambda d: (d["source"], d["index"]))
    return dups


def _dup(r: dict[str, Any], rep: dict[str, Any], kind: str, sim: float) -> dict[str, Any]:
    return {"source": r["source"], "index": r["index"], "url": r["url"], "kind": kind, "similarity": float(sim),
            "duplicate_of_source": rep["source"], "duplicate_of_index": rep["index"], "duplicate_of_url": rep["url"]}


def dedup_output(out: str | Path, mode: str = "exact", threshold: float = DEFAULT_THRESHOLD) -> dict[str, Any]:
    """Find duplicates among the rows of a finished output folder; write `_dedup/duplicates.<ext>`; return counts."""
    out = Path(out)
    if mode not in ("exact", "near"):
        raise ValueError("mode must be 'exact' or 'near'")
    rows = _load(out)
    dups = find_duplicates(rows, mode, threshold)
    run = json.loads((out / "_run.json").read_text(encoding="utf-8")) if (out / "_run.json").exists() else {}
    output = run.get("work", {}).get("output", "parquet")
    (out / DEDUP_DIR).mkdir(exist_ok=True)
    path = out / DEDUP_DIR / f"{DEDUP_BASENAME}.{EXTENSIONS.get(output, 'parquet')}"
    if output == "jsonl":
        atomic_write_bytes(path, "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in dups).encode())
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema([("source", pa.string()), ("index", pa.int64()), ("url", pa.string()),
                            ("kind", pa.string()), ("similarity", pa.float64()),
                            ("duplicate_of_source", pa.string()), ("duplicate_of_index", pa.int64()),
                            ("duplicate_of_url", pa.string())])
        sink = pa.BufferOutputStream()
        pq.write_table(pa.Table.from_pylist(dups, schema=schema), sink)
        atomic_write_bytes(path, sink.getvalue().to_pybytes())
    exact = sum(1 for d in dups if d["kind"] == "exact")
    return {"hashed_rows": len(rows), "exact_duplicates": exact, "near_duplicates": len(dups) - exact,
            "file": str(path)}


__all__ = ["DEFAULT_THRESHOLD", "MANIFEST_DIR", "dedup_output", "find_duplicates"]
