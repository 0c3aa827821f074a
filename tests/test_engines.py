"""The cluster adapters give the local runner's rows: Ray Data (local mode), datatrove (local
executor), and the Spark mapInArrow functions (called directly, without Spark)."""
from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastwarc")
pq = pytest.importorskip("pyarrow.parquet")

from test_corpus import row_set, rows_of  # noqa: E402
from test_corpus_support import page_html, simple_warc  # noqa: E402

from copydesk.corpus import RunConfig, WorkConfig, run  # noqa: E402


def test_ray_rows_equal_local_runner(tmp_path):
    ray = pytest.importorskip("ray")
    from copydesk.corpus.engines.ray import run_ray

    a = simple_warc(tmp_path / "a.warc.gz", 12)
    b = simple_warc(tmp_path / "b.warc.gz", 7)
    local = run(RunConfig(inputs=[str(a), str(b)], out=str(tmp_path / "local"), jobs=2, progress="none"))
    try:
        s = run_ray(RunConfig(inputs=[str(a), str(b)], out=str(tmp_path / "ray"), progress="none"))
        assert s["rows"] == local["rows"] == 19
        assert row_set(rows_of(tmp_path / "ray")) == row_set(rows_of(tmp_path / "local"))
        # finished files are skipped on a rerun
        again = run_ray(RunConfig(inputs=[str(a), str(b)], out=str(tmp_path / "ray"), progress="none"))
        assert again["units_already_done"] == 2 and again["this_run"]["rows"] == 0
    finally:
        ray.shutdown()


@pytest.mark.parametrize("engine", ["copydesk", "test_corpus_support:echo"])
def test_datatrove_step_in_local_executor(tmp_path, engine):
    pytest.importorskip("datatrove")
    from datatrove.data import Document
    from datatrove.executor import LocalPipelineExecutor

    from copydesk.corpus.engines.datatrove import CopydeskExtractor
    from copydesk.corpus.readers import ReadOptions, iter_items, make_unit

    a = simple_warc(tmp_path / "a.warc.gz", 6)
    # The documents datatrove's WarcReader would make (it needs extra packages: cchardet, magic).
    docs_in = [Document(text=it.record.payload.decode("utf-8"), id=it.record.record_id,
                        metadata={"url": it.record.url})
               for it in iter_items(make_unit(str(a)), ReadOptions()) if it.record is not None]
    collected = []

    def collect(data, rank=0, world_size=1):  # the last step (datatrove's writers need orjson)
        for doc in data:
            collected.append({"text": doc.text, "metadata": dict(doc.metadata)})
            yield doc

    LocalPipelineExecutor(pipeline=[docs_in, CopydeskExtractor(timeout=10, engine=engine), collect],
                          tasks=1, logging_dir=str(tmp_path / "logs")).run()
    docs = collected
    run(RunConfig(inputs=[str(a)], out=str(tmp_path / "local"), jobs=1, progress="none",
                  work=WorkConfig(engine=engine)))
    local = {r["url"]: r for r in rows_of(tmp_path / "local")}
    ok = {u: r for u, r in local.items() if r["status"] == "ok" and r["text"]}
    assert {d["metadata"]["url"] for d in docs} == set(ok)
    if engine != "copydesk":
        assert len(docs) == 6
    for d in docs:
        row = ok[d["metadata"]["url"]]
        assert d["text"] == row["text"]
        if row["title"]:
            assert d["metadata"]["title"] == row["title"]


def test_spark_functions_match_local_rows(tmp_path):
    pa = pytest.importorskip("pyarrow")
    from copydesk.corpus.engines.spark import extract_html_batches, extract_path_batches, spark_schema

    a = simple_warc(tmp_path / "a.warc.gz", 5)
    run(RunConfig(inputs=[str(a)], out=str(tmp_path / "local"), jobs=1, progress="none"))
    local = rows_of(tmp_path / "local")
    got = [r for b in extract_path_batches([pa.record_batch({"path": [str(a)]})], WorkConfig()) for r in b.to_pylist()]
    assert row_set(got) == row_set(local)
    htmls = [page_html(i) for i in range(3)] + [None]
    batch = pa.record_batch({"url": [f"u{i}" for i in range(4)], "html": htmls})
    rows = [r for b in extract_html_batches([batch], WorkConfig()) for r in b.to_pylist()]
    assert [r["url"] for r in rows] == ["u0", "u1", "u2", "u3"] and rows[3]["status"] == "error"
    assert spark_schema().startswith("`source` string, `offset` bigint")
    assert Path(a).exists()
