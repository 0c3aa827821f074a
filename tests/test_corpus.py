"""Corpus runs: readers, bad input, guards, determinism across --jobs, resume after kill -9, dedup."""
from __future__ import annotations

import gzip
import io
import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("fastwarc")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from test_corpus_support import bad_warc, page_html, simple_warc, write_jsonl  # noqa: E402

from copydesk.corpus import ReadOptions, RunConfig, WorkConfig, run  # noqa: E402
from copydesk.corpus.cli import main as cli_main  # noqa: E402
from copydesk.corpus.dedup import dedup_output, find_duplicates  # noqa: E402
from copydesk.corpus.readers import iter_items, make_unit  # noqa: E402
from copydesk.corpus.records import COLUMN_NAMES  # noqa: E402
from copydesk.corpus.work import body_hash, process_chunk  # noqa: E402
from copydesk.options import Options  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
HELPERS = "test_corpus_support"


def rows_of(out: Path) -> list[dict]:
    rows = []
    for p in sorted(out.glob("*.parquet")):
        if not p.name.startswith("_"):
            rows.extend(pq.read_table(p).to_pylist())
    for p in sorted(out.glob("*.jsonl")):
        if not p.name.startswith("_"):
            rows.extend(json.loads(line) for line in p.read_text(encoding="utf-8").splitlines())
    return rows


def row_set(rows: list[dict]) -> set[str]:
    return {json.dumps(r, sort_keys=True, default=lambda b: b.hex()) for r in rows}


def cfg(inputs, out, engine="copydesk", **kw) -> RunConfig:
    work = kw.pop("work", None) or WorkConfig(engine=engine, options=Options(timeout=kw.pop("page_timeout", 10.0)))
    return RunConfig(inputs=[str(i) for i in inputs], out=str(out), work=work, progress="none", **kw)


def test_bad_warc_every_case_gives_rows(tmp_path):
    expect = bad_warc(tmp_path / "bad.warc.gz")
    summary = run(cfg([tmp_path / "bad.warc.gz"], tmp_path / "out", jobs=2, timeout=20.0))
    rows = rows_of(tmp_path / "out")
    by_url = {r["url"]: r for r in rows if r["url"]}
    for url in expect["html"] + expect["after"] + [expect["slow"]]:
        assert url in by_url, url
        assert by_url[url]["status"] in ("ok", "empty", "timeout", "error")
    for url in expect["not_html"]:
        assert by_url[url]["status"] == "not_html"
        assert "Content-Type" in by_url[url]["error"]
    assert by_url["http://bad.test/huge"]["status"] == "too_large"
    errors = [r for r in rows if r["status"] == "error" and r["url"] is None]
    assert any("unreadable WARC data" in r["error"] for r in errors)  # the corrupt member, the lie
    assert any("truncated" in (r["error"] or "") for r in rows)  # the truncated last record
    assert summary["skipped"] == {"request": 5}
    assert summary["failed"] is True
    # indexes are a gapless 0..n-1 sequence: nothing dropped, nothing twice
    assert sorted(r["index"] for r in rows) == list(range(len(rows)))
    # decoded through the HTTP charset (when the engine found the title)
    titled = {r["url"]: r["title"] for r in rows if r["title"]}
    for url, want in (("http://bad.test/sjis", "日本語のページ"), ("http://bad.test/koi8", "Русская страница"),
                      ("http://bad.test/latin1", "Café crème")):
        if url in titled:
            assert titled[url] == want


def test_warc_reader_resumes_at_a_record(tmp_path):
    path = simple_warc(tmp_path / "a.warc.gz", 10)
    unit = make_unit(str(path))
    items = [it for it in iter_items(unit, ReadOptions()) if it.record]
    assert [it.record.index for it in items] == list(range(10))
    start = {"index": 6, "resume": items[6].resume}
    again = [it.record for it in iter_items(unit, ReadOptions(), start) if it.record]
    assert [r.index for r in again] == [6, 7, 8, 9]
    assert [r.url for r in again] == [it.record.url for it in items[6:]]
    # a resume point that does not match the file falls back to reading from the start
    wrong = {"index": 3, "resume": {"offset": 1, "record_id": "<nope>"}}
    assert [r.index for r in (it.record for it in iter_items(unit, ReadOptions(), wrong) if it.record)] == [3, 4, 5,
                                                                                                               6, 7, 8, 9]


@pytest.mark.parametrize("name", ["in.jsonl", "in.jsonl.gz", "in.jsonl.zst"])
def test_jsonl_bad_lines_and_missing_fields(tmp_path, name):
    path = write_jsonl(tmp_path / name, [
        {"url": "http://j.test/1", "html": page_html(1), "id": 1},
        {"url": "http://j.test/2"},  # no html
        {"url": "http://j.test/3", "html": 42},
        "{not json",
        "[1, 2]",
        {"url": "http://j.test/4", "html": page_html(4), "id": "x"},
    ], raw_lines=["", "   "])
    run(cfg([path], tmp_path / "out", engine=f"{HELPERS}:echo", jobs=1))
    rows = sorted(rows_of(tmp_path / "out"), key=lambda r: r["index"])
    assert [r["offset"] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert [r["status"] for r in rows] == ["ok", "error", "error", "error", "error", "ok"]
    assert "missing field 'html'" in rows[1]["error"]
    assert "not a string" in rows[2]["error"]
    assert "invalid JSON" in rows[3]["error"]
    assert rows[0]["record_id"] == "1" and rows[5]["record_id"] == "x"
    assert rows[5]["url"] == "http://j.test/4"


def test_folder_stdin_list_and_unreadable_path(tmp_path):
    folder = tmp_path / "pages"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.html").write_text(page_html(1))
    (folder / "sub" / "b.htm").write_text(page_html(2))
    (folder / "notes.txt").write_text("ignored")
    listing = io.StringIO(f"{folder}\n# a comment\n{tmp_path / 'missing.warc.gz'}\n")
    summary = run(cfg(["-"], tmp_path / "out", engine=f"{HELPERS}:echo", jobs=1), stdin=listing)
    rows = rows_of(tmp_path / "out")
    assert sorted(Path(r["source"]).name for r in rows) == ["a.html", "b.htm", "missing.warc.gz"]
    missing = [r for r in rows if r["source"].endswith("missing.warc.gz")][0]
    assert missing["status"] == "error" and "cannot read input" in missing["error"]
    assert summary["failed"] is True


def test_same_rows_whatever_jobs(tmp_path):
    a = simple_warc(tmp_path / "a.warc.gz", 40)
    b = simple_warc(tmp_path / "b.warc", 25, gz=False)
    r1 = run(cfg([a, b], tmp_path / "o1", jobs=1, chunk_records=3, shard_bytes=20_000))
    r2 = run(cfg([a, b], tmp_path / "o2", jobs=2, chunk_records=3, shard_bytes=20_000))
    rows1, rows2 = rows_of(tmp_path / "o1"), rows_of(tmp_path / "o2")
    assert len(rows1) == 65 and row_set(rows1) == row_set(rows2)
    assert sorted(p.name for p in (tmp_path / "o1").glob("*.parquet")) == sorted(
        p.name for p in (tmp_path / "o2").glob("*.parquet"))
    assert len(list((tmp_path / "o1").glob("*.parquet"))) > 2  # sharded by size
    assert r1["rows"] == r2["rows"] == 65
    if sys.platform.startswith("linux"):  # each chunk's RSS sample is its worker's own reading (/proc)
        assert r1["rss_samples"] and all(rss > 0 for _, rss in r1["rss_samples"] + r2["rss_samples"])
    # a rerun of a finished job does nothing and changes nothing
    r3 = run(cfg([a, b], tmp_path / "o1", jobs=2, chunk_records=3, shard_bytes=20_000))
    assert r3["units_already_done"] == 2 and r3["this_run"]["rows"] == 0
    assert row_set(rows_of(tmp_path / "o1")) == row_set(rows1)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_memory_releaser_gives_freed_heap_back():
    """What keeps a worker's RSS flat: memory freed by a chunk goes back to the system, even when it lies
    below memory still in use (glibc alone gives back only the top of its heap)."""
    from copydesk.corpus.runner import memory_releaser, rss_bytes

    release = memory_releaser(WorkConfig())
    release()
    blocks = [bytes(4000) for _ in range(20_000)]  # 80 MB of heap-sized blocks (under the mmap threshold)
    keep = blocks[-1]  # in use above the rest: pins the heap's top
    before = rss_bytes(os.getpid())
    del blocks
    release()
    assert before - rss_bytes(os.getpid()) > 40 * 2**20
    assert len(keep) == 4000


def test_schema_and_readers(tmp_path):
    a = simple_warc(tmp_path / "a.warc.gz", 5)
    run(cfg([a], tmp_path / "out", jobs=1))
    shard = next((tmp_path / "out").glob("*.parquet"))
    t = pq.read_table(shard)
    assert tuple(t.schema.names) == COLUMN_NAMES
    assert t.schema.field("authors").type == pa.list_(pa.string())
    pd = pytest.importorskip("pandas")
    df = pd.read_parquet(shard)
    assert len(df) == 5 and set(df["url"]) == {f"http://example.test/{i}" for i in range(5)}
    duckdb = pytest.importorskip("duckdb")
    n = duckdb.sql(f"select count(*) from read_parquet('{tmp_path / 'out'}/*.parquet')").fetchall()[0][0]
    assert n == 5


def test_jsonl_output_and_text_mode(tmp_path):
    path = write_jsonl(tmp_path / "flat.jsonl", [{"url": f"http://t.test/{i}", "text": f"Line one {i}\nLine two"}
                                                 for i in range(3)])
    rc = cfg([path], tmp_path / "out", jobs=1,
             work=WorkConfig(mode="text", output="jsonl"), read=ReadOptions(mode="text"))
    run(rc)
    rows = rows_of(tmp_path / "out")
    assert len(rows) == 3 and {r["url"] for r in rows} == {f"http://t.test/{i}" for i in range(3)}
    for r in rows:  # text mode works, or (until it lands) says clearly that it does not
        assert r["status"] in ("ok", "empty") or "text mode is not available" in r["error"]


def test_timeout_guard_kills_and_replaces_worker(tmp_path):
    a = simple_warc(tmp_path / "a.warc.gz", 12, marker={4: "HANG"})
    summary = run(cfg([a], tmp_path / "out", engine=f"{HELPERS}:hang", jobs=2, chunk_records=5, timeout=1.0))
    rows = sorted(rows_of(tmp_path / "out"), key=lambda r: r["index"])
    assert len(rows) == 12
    assert rows[4]["status"] == "timeout" and "worker killed" in rows[4]["error"]
    assert all(r["status"] == "ok" for i, r in enumerate(rows) if i != 4)
    assert summary["timeouts_killed"] == 1 and summary["failed"] is True


def test_worker_death_and_memory_ceiling(tmp_path):
    a = simple_warc(tmp_path / "a.warc.gz", 8, marker={2: "CRASH"})
    run(cfg([a], tmp_path / "o1", engine=f"{HELPERS}:crash", jobs=1, chunk_records=4))
    rows = sorted(rows_of(tmp_path / "o1"), key=lambda r: r["index"])
    assert [r["status"] for r in rows] == ["ok", "ok", "error", "ok", "ok", "ok", "ok", "ok"]
    assert "died" in rows[2]["error"]
    b = simple_warc(tmp_path / "b.warc.gz", 6, marker={3: "EXPLODE"})
    run(cfg([b], tmp_path / "o2", engine=f"{HELPERS}:explode", jobs=1, memory_mb=300, timeout=20.0))
    rows = sorted(rows_of(tmp_path / "o2"), key=lambda r: r["index"])
    assert len(rows) == 6 and rows[3]["status"] == "error"
    assert all(r["status"] == "ok" for i, r in enumerate(rows) if i != 3)


def _cli(args: list[str], env_extra: dict | None = None, **kw) -> subprocess.Popen:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(Path(__file__).parent), env.get("PYTHONPATH", "")])
    env.update(env_extra or {})
    return subprocess.Popen([sys.executable, "-m", "copydesk.corpus", "run", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, **kw)


def test_kill9_then_resume_equals_uninterrupted_run(tmp_path):
    a = simple_warc(tmp_path / "a.warc.gz", 120)
    b = simple_warc(tmp_path / "b.warc.gz", 60)
    common = [str(a), str(b), "--extractor", f"{HELPERS}:slow_echo", "--chunk-records", "4", "--shard-mb", "0.01",
              "-j", "2", "--progress", "log"]
    env = {"CORPUS_TEST_SLEEP": "0.02"}
    ref = _cli([*common, "-o", str(tmp_path / "ref")], env)
    assert ref.wait(120) == 0, ref.stderr.read().decode()
    manifests = tmp_path / "killed" / "_manifest"
    p = _cli([*common, "-o", str(tmp_path / "killed")], env)
    deadline = time.monotonic() + 60
    # kill -9 (the whole process group: parent, forkserver, workers) once some shards are committed
    while time.monotonic() < deadline:
        if manifests.exists() and sum(len(f.read_text().splitlines()) for f in manifests.glob("*.jsonl")) >= 3:
            break
        time.sleep(0.02)
    os.killpg(p.pid, signal.SIGKILL)
    p.wait(10)
    partial = rows_of(tmp_path / "killed")
    assert 0 < len(partial) < 180
    again = _cli([*common, "-o", str(tmp_path / "killed")], env)
    assert again.wait(120) == 0, again.stderr.read().decode()
    ref_rows, got = rows_of(tmp_path / "ref"), rows_of(tmp_path / "killed")
    assert len(got) == 180 and row_set(got) == row_set(ref_rows)
    summary = json.loads((tmp_path / "killed" / "_summary.json").read_text())
    assert summary["units_resumed"] + summary["units_already_done"] >= 1


def test_cli_exit_codes(tmp_path):
    a = simple_warc(tmp_path / "a.warc.gz", 3)
    assert cli_main(["run", str(a), "-o", str(tmp_path / "o"), "-q", "--extractor", f"{HELPERS}:echo"]) == 0
    assert cli_main(["run", str(a), str(tmp_path / "nope.warc"), "-o", str(tmp_path / "o2"), "-q",
                     "--extractor", f"{HELPERS}:echo"]) == 1
    # same folder, other settings: refused without --overwrite
    assert cli_main(["run", str(a), "-o", str(tmp_path / "o"), "-q", "--format", "jsonl"]) == 2
    assert cli_main(["run", str(a), "-o", str(tmp_path / "o"), "-q", "--jobs", "-1"]) == 2


def test_process_chunk_is_pure_and_picklable(tmp_path):
    import pickle

    from copydesk.corpus.records import InputRecord

    wc = WorkConfig(engine=f"{HELPERS}:echo", dedup="near")
    recs = [InputRecord(i, "s", i, url=f"u{i}", payload=page_html(i).encode(), size=10) for i in range(3)]
    r1 = process_chunk(pickle.loads(pickle.dumps(wc)), pickle.loads(pickle.dumps(recs)))
    r2 = process_chunk(wc, recs)
    assert r1.data == r2.data and r1.rows == 3 and r1.counts == {"ok": 3}


def test_dedup_exact_and_near_deterministic(tmp_path):
    base = page_html(1, words=300)
    near = base.replace("Record number 1.", "Record number 1, slightly changed.")
    other = page_html(2, words=300, title="Other")
    j1 = write_jsonl(tmp_path / "a.jsonl", [{"url": "http://d.test/a", "html": base},
                                            {"url": "http://d.test/b", "html": other}])
    j2 = write_jsonl(tmp_path / "b.jsonl", [{"url": "http://d.test/c", "html": base},
                                            {"url": "http://d.test/d", "html": near}])
    results = []
    for order, jobs in (([j1, j2], 1), ([j2, j1], 2)):
        out = tmp_path / f"o{jobs}"
        rc = cfg(order, out, jobs=jobs, work=WorkConfig(engine=f"{HELPERS}:echo", dedup="near"))
        run(rc)
        d = dedup_output(out, "near", 0.7)
        assert d["exact_duplicates"] == 1 and d["near_duplicates"] == 1
        dups = pq.read_table(out / "_dedup" / "duplicates.parquet").to_pylist()
        results.append({(r["url"], r["kind"], r["duplicate_of_url"]) for r in dups})
    assert results[0] == results[1] == {("http://d.test/c", "exact", "http://d.test/a"),
                                        ("http://d.test/d", "near", "http://d.test/a")}


def test_find_duplicates_without_signatures_is_exact_only():
    rows = [{"source": "s", "index": i, "url": f"u{i}", "record_id": None, "body_hash": body_hash(t), "minhash": None}
            for i, t in enumerate(["Hello  World", "hello world!", "something else"])]
    dups = find_duplicates(rows, "near")
    assert [(d["url"], d["duplicate_of_url"]) for d in dups] == [("u1", "u0")]


def test_gz_jsonl_corrupt_tail_is_an_error_row(tmp_path):
    good = gzip.compress(b"".join(json.dumps({"url": f"u{i}", "html": page_html(i)}).encode() + b"\n"
                                  for i in range(3)))
    bad = bytearray(gzip.compress(b"".join(json.dumps({"url": f"v{i}", "html": page_html(i)}).encode() + b"\n"
                                           for i in range(50))))
    for k in range(30, 60):
        bad[k] ^= 0x33
    (tmp_path / "x.jsonl.gz").write_bytes(good + bytes(bad))
    run(cfg([tmp_path / "x.jsonl.gz"], tmp_path / "out", engine=f"{HELPERS}:echo", jobs=1))
    rows = sorted(rows_of(tmp_path / "out"), key=lambda r: r["index"])
    assert [r["url"] for r in rows[:3]] == ["u0", "u1", "u2"]
    assert rows[-1]["status"] == "error" and "unreadable data" in rows[-1]["error"]


def test_progress_logs_when_not_a_terminal(tmp_path):
    a = simple_warc(tmp_path / "a.warc.gz", 4)
    log = io.StringIO()
    rc = cfg([a], tmp_path / "out", engine=f"{HELPERS}:echo", jobs=1)
    rc.progress = "auto"  # StringIO is not a terminal: log lines, no carriage returns
    s = run(rc, log=log)
    text = log.getvalue()
    assert "\r" not in text and "4 rows from 1 inputs" in text and "status: ok=4" in text
    assert s["counts"] == {"ok": 4} and not s["failed"]


def test_unforeseen_reader_failure_is_an_error_row(tmp_path, monkeypatch):
    import copydesk.corpus.runner as runner_mod

    real = runner_mod.iter_items

    def flaky(unit, ro, start=None):
        for n, item in enumerate(real(unit, ro, start)):
            if n == 2:
                raise RuntimeError("disk on fire")
            yield item

    monkeypatch.setattr(runner_mod, "iter_items", flaky)
    a = simple_warc(tmp_path / "a.warc.gz", 5, )
    s = run(cfg([a], tmp_path / "out", engine=f"{HELPERS}:echo", jobs=1))
    rows = sorted(rows_of(tmp_path / "out"), key=lambda r: r["index"])
    # items: request, response 0, request -> fails before response 1
    assert [r["status"] for r in rows] == ["ok", "error"]
    assert "reading stopped: RuntimeError: disk on fire" in rows[1]["error"] and s["failed"]


def test_http_codings_are_undone(tmp_path):
    from test_corpus_support import _response
    from warcio.warcwriter import WARCWriter

    html = page_html(1).encode()
    with open(tmp_path / "c.warc.gz", "wb") as f:
        w = WARCWriter(f, gzip=True)
        for url, body, extra in (
            ("http://c.test/gzip", gzip.compress(html), [("Content-Encoding", "gzip")]),
            ("http://c.test/chunked", b"10\r\n" + html[:16] + b"\r\n" + f"{len(html) - 16:x}".encode() + b"\r\n"
             + html[16:] + b"\r\n0\r\n\r\n", [("Transfer-Encoding", "chunked")]),
            ("http://c.test/badgzip", b"\x1f\x8b\x08garbage", [("Content-Encoding", "gzip")]),
            ("http://c.test/br", b"\x00\x01", [("Content-Encoding", "br")]),
            ("http://c.test/bomb", gzip.compress(b"<p>" + b"a" * 3_000_000), [("Content-Encoding", "gzip")]),
        ):
            _response(w, url, body, "text/html", headers=extra)
    unit = make_unit(str(tmp_path / "c.warc.gz"))
    recs = {it.record.url: it.record for it in iter_items(unit, ReadOptions(max_bytes=1_000_000)) if it.record}
    assert recs["http://c.test/gzip"].payload == html
    assert recs["http://c.test/chunked"].payload == html
    assert recs["http://c.test/badgzip"].status == "error" and "cannot decode" in recs["http://c.test/badgzip"].error
    assert recs["http://c.test/br"].status == "error" and "unsupported" in recs["http://c.test/br"].error
    assert recs["http://c.test/bomb"].status == "too_large"


def test_missing_engine_gives_error_rows():
    from copydesk.corpus.records import InputRecord

    res = process_chunk(WorkConfig(engine="no_such_module_xyz:extract", output="jsonl"),
                        [InputRecord(0, "s", 0, payload=b"<p>x</p>"), InputRecord(1, "s", 1, status="not_html",
                                                                                   error="Content-Type image/png")])
    rows = [json.loads(line) for line in res.data.decode().splitlines()]
    assert rows[0]["status"] == "error" and "cannot load the no_such_module_xyz" in rows[0]["error"]
    assert rows[1]["status"] == "not_html"


def test_register_adds_run_subcommand(tmp_path):
    import argparse

    from copydesk.corpus.cli import register

    parser = argparse.ArgumentParser(prog="copydesk")
    sub = parser.add_subparsers(dest="command")
    register(sub)
    a = simple_warc(tmp_path / "a.warc.gz", 2)
    args = parser.parse_args(["run", str(a), "-o", str(tmp_path / "o"), "-q", "--format", "jsonl",
                              "--extractor", f"{HELPERS}:echo", "-j", "1"])
    assert args.func(args) == 0
    assert len(rows_of(tmp_path / "o")) == 2
