"""The output folder belongs to one run: a second run is refused before its start-up cleanup can delete the
live run's temp files, and a folder removed from under a run (another job clearing temp folders) stops the
run with an error that says so, not a pyarrow "Failed to open local file .../.tmp-...parquet.<pid>"."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("fastwarc")
pytest.importorskip("pyarrow")

from test_corpus_support import simple_warc  # noqa: E402

from copydesk.corpus import OutputBusy, OutputRemoved, RunConfig, WorkConfig, run  # noqa: E402
from copydesk.corpus import runner as runner_mod  # noqa: E402
from copydesk.corpus.cli import main as cli_main  # noqa: E402
from copydesk.corpus.writers import LOCK_FILE, TMP_PREFIX, OutputLock  # noqa: E402
from copydesk.options import Options  # noqa: E402


def cfg(warc: Path, out: Path, **kw) -> RunConfig:
    return RunConfig(inputs=[str(warc)], out=str(out), work=WorkConfig(options=Options(timeout=10.0)),
                     progress="none", jobs=1, chunk_records=3, shard_bytes=1, **kw)


def _remove_out_on_shard(monkeypatch, out: Path, at: int, remake: bool) -> list[str]:
    """Remove the output folder just before the runner writes its `at`-th shard (as `rm -rf` by another job
    would), optionally making an empty folder of the same name again."""
    real = runner_mod.write_shard
    calls: list[str] = []

    def write_shard(folder, name, payloads, output):
        calls.append(name)
        if len(calls) == at:
            shutil.rmtree(out)
            if remake:
                out.mkdir()
        return real(folder, name, payloads, output)

    monkeypatch.setattr(runner_mod, "write_shard", write_shard)
    return calls


@pytest.mark.parametrize("remake", [False, True], ids=["removed", "removed-and-remade"])
def test_output_folder_removed_mid_run_is_reported(tmp_path, monkeypatch, remake):
    warc = simple_warc(tmp_path / "in.warc.gz", 15)
    out = tmp_path / "out"
    calls = _remove_out_on_shard(monkeypatch, out, at=2, remake=remake)
    with pytest.raises(OutputRemoved, match="removed or emptied while this run was writing"):
        run(cfg(warc, out))
    # it stopped at once: no shard written after the removal
    assert 2 <= len(calls) <= 3
    if remake:  # the remade folder is not passed off as a finished run's output: nothing committed in it
        assert not (out / "_summary.json").exists()
        assert not list(out.glob("_manifest/*.jsonl"))


def test_second_run_into_a_live_folder_is_refused_and_deletes_nothing(tmp_path):
    warc = simple_warc(tmp_path / "in.warc.gz", 6)
    out = tmp_path / "out"
    out.mkdir()
    live_tmp = out / f"{TMP_PREFIX}in.warc.gz-0.00000.parquet.4242"  # a live run's shard being written
    live_tmp.write_bytes(b"partial")
    with OutputLock(out):  # the live run
        with pytest.raises(OutputBusy, match="another copydesk run is writing into"):
            run(cfg(warc, out))
        assert live_tmp.read_bytes() == b"partial"
        assert cli_main(["run", str(warc), "-o", str(out), "--progress", "none"]) == 2
        assert live_tmp.exists()
    # once the live run is gone (killed: its lock goes with it), the folder is cleaned and run normally
    summary = run(cfg(warc, out))
    assert summary["rows"] == 6 and not live_tmp.exists()
    assert (out / LOCK_FILE).exists()


def test_lock_is_shared_between_single_input_runs_only(tmp_path):
    with OutputLock(tmp_path, shared=True), OutputLock(tmp_path, shared=True):
        with pytest.raises(OutputBusy):
            OutputLock(tmp_path)
    with OutputLock(tmp_path) as lock:
        with pytest.raises(OutputBusy):
            OutputLock(tmp_path, shared=True)
        lock.share()  # the Ray driver, after its cleanup
        OutputLock(tmp_path, shared=True).release()
    OutputLock(tmp_path).release()  # all released


def test_overwrite_keeps_the_lock_file(tmp_path):
    warc = simple_warc(tmp_path / "in.warc.gz", 4)
    out = tmp_path / "out"
    run(cfg(warc, out))
    run(RunConfig(inputs=[str(warc)], out=str(out), work=WorkConfig(options=Options(timeout=9.0)),
                  progress="none", jobs=1, overwrite=True))
    assert (out / LOCK_FILE).exists()
