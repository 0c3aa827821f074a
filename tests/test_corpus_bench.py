"""The corpus benchmark section's plumbing (cache, private work folder, failed passes) and the harness's
--merge mode. Pages here are tiny ones written by the test; nothing is timed."""
from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from copydesk.bench import __main__ as harness
from copydesk.bench import corpus as bench_corpus
from copydesk.bench.common import Section


def fake_shared(root: Path, pages: int = 3) -> Path:
    d = root / "benchmarks" / "toy"
    (d / "pages").mkdir(parents=True)
    gold = []
    for i in range(pages):
        html = f"<html><head><title>Toy {i}</title></head><body><p>{'word ' * 50}{i}</p></body></html>"
        (d / "pages" / f"p{i}.html.gz").write_bytes(gzip.compress(html.encode()))
        gold.append(json.dumps({"id": f"p{i}", "meta": {"url": f"http://toy.test/{i}"}}))
    (d / "gold.jsonl").write_text("\n".join(gold) + "\n")
    return root


def count_records(path: Path) -> int:
    from fastwarc.warc import ArchiveIterator

    with open(path, "rb") as f:
        return sum(1 for _ in ArchiveIterator(f, parse_http=False))


def test_cache_builds_exact_counts_under_private_names(tmp_path, monkeypatch):
    pytest.importorskip("fastwarc")
    monkeypatch.setattr(bench_corpus, "CACHE", tmp_path / "cache")
    shared = fake_shared(tmp_path / "shared")
    path, n, html = bench_corpus.build_warc(shared, 7)
    assert n == 7 and count_records(path) == 7 and html > 0
    assert bench_corpus.build_warc(shared, 7)[0] == path  # cached
    sub = bench_corpus._subset_warc(path, 4)
    assert count_records(sub) == 4
    # no temp file left behind; temp names are unique per process and call
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.endswith(".tmp")]
    assert bench_corpus._tmp_name(path) != bench_corpus._tmp_name(path)


def test_pinned_input_survives_a_cleared_cache(tmp_path, monkeypatch):
    """What broke a harness run: another job cleared the shared temp folders mid-run. The section's inputs
    and outputs now live in its own folder, the inputs as hard links."""
    pytest.importorskip("fastwarc")
    pytest.importorskip("pyarrow")
    monkeypatch.setattr(bench_corpus, "CACHE", tmp_path / "cache")
    path, _n, _h = bench_corpus.build_warc(fake_shared(tmp_path / "shared"), 5)
    work = tmp_path / "work"
    work.mkdir()
    pinned = bench_corpus._pin(path, work)
    assert pinned.parent == work
    shutil.rmtree(tmp_path / "cache")  # someone clears the cache
    r = bench_corpus.measure(pinned, 1, work=work)
    assert r["rows"] == 5
    assert list(work.iterdir()) == [pinned]  # the run's output folder was inside work, and is gone


def test_a_failed_pass_keeps_the_others(tmp_path, monkeypatch):
    pytest.importorskip("fastwarc")
    monkeypatch.setattr(bench_corpus, "CACHE", tmp_path / "cache")
    seen: list[Path] = []

    def fake_measure(warc, jobs, engine="copydesk", work=None):
        seen.append(Path(work))
        if engine == "trafilatura":
            raise FileNotFoundError("gone")
        rows = 9 if "first" not in warc.name else 4
        return {"engine": engine, "jobs": jobs, "rows": rows, "wall_s": 1.0, "records_per_s": rows / jobs,
                "mb_per_s": 1.0, "page_mb": 1.0, "cpu_ms_per_page": 1.0, "extract_mb_per_cpu_s": 1.0,
                "overhead": 0.1, "parent_share": 0.05, "worker_outside_share": 0.05, "peak_worker_rss_mb": 1.0,
                "worker_rss_early_mb": 1.0, "worker_rss_late_mb": 1.0, "parent_rss_end_mb": 1.0,
                "counts": {"ok": rows}}

    monkeypatch.setattr(bench_corpus, "measure", fake_measure)
    monkeypatch.setattr(bench_corpus, "MIN_RECORDS", 9)
    monkeypatch.setattr(bench_corpus, "TRAFILATURA_RECORDS", 4)
    sec = bench_corpus.run(fake_shared(tmp_path / "shared"), workdir=tmp_path / "report")
    assert "FileNotFoundError: gone" in sec.data["error"] and "trafilatura" in sec.data["error"]
    assert [r.get("rows") for r in sec.data["runs"]] == [9, 9, 4, None]
    assert "**Failed pass**" in sec.markdown and "| copydesk | 2 | 4 |" in sec.markdown
    assert all(w.parent == tmp_path / "report" for w in seen)
    assert list((tmp_path / "report").iterdir()) == []  # the private folder is removed


def _fake_sections(monkeypatch, tag: str) -> None:
    def run_section(name, shared, quick, extra):
        return Section(f"Title {name}", f"figures of {name} from {tag}\n", {"tag": tag}), None

    monkeypatch.setattr(harness, "run_section", run_section)


def test_merge_replaces_only_the_sections_run(tmp_path, monkeypatch):
    (tmp_path / "shared" / "benchmarks").mkdir(parents=True)
    out = tmp_path / "r" / "BENCHMARKS.md"
    base = ["--shared", str(tmp_path / "shared"), "--out", str(out)]
    _fake_sections(monkeypatch, "first")
    assert harness.main([*base, "--only", "alpha,beta"]) == 0
    plain = out.read_text()
    assert "_Run " not in plain and "load average" in plain  # the default report is as before
    first = json.loads(out.with_suffix(".json").read_text())

    _fake_sections(monkeypatch, "second")
    assert harness.main([*base, "--only", "beta,gamma", "--merge"]) == 0
    md = out.read_text()
    data = json.loads(out.with_suffix(".json").read_text())
    secs = data["sections"]
    assert list(secs) == ["alpha", "beta", "gamma"]
    assert secs["alpha"]["data"] == {"tag": "first"} and secs["alpha"]["run"] == first["sections"]["alpha"]["run"]
    assert secs["beta"]["data"] == {"tag": "second"} and "--merge" in secs["beta"]["run"]["command"]
    assert "figures of alpha from first" in md and "figures of beta from second" in md
    assert "figures of beta from first" not in md
    # every section states its own run, under its own heading
    for name, cmd in (("alpha", "--only alpha,beta"), ("beta", "--merge"), ("gamma", "--merge")):
        body = md.split(f"## Title {name}\n", 1)[1].split("\n## ", 1)[0]
        stamp = next(line for line in body.splitlines() if line.startswith("_Run "))
        assert cmd in stamp and "load average" in stamp


def test_merge_reads_a_report_written_before_sections_kept_their_markdown(tmp_path, monkeypatch):
    (tmp_path / "shared" / "benchmarks").mkdir(parents=True)
    out = tmp_path / "BENCHMARKS.md"
    base = ["--shared", str(tmp_path / "shared"), "--out", str(out)]
    _fake_sections(monkeypatch, "old")
    harness.main([*base, "--only", "alpha,beta"])
    js = json.loads(out.with_suffix(".json").read_text())
    for s in js["sections"].values():  # the older JSON layout
        del s["markdown"], s["run"]
    out.with_suffix(".json").write_text(json.dumps(js))
    _fake_sections(monkeypatch, "new")
    harness.main([*base, "--only", "beta", "--merge"])
    md = out.read_text()
    assert "figures of alpha from old" in md and "figures of beta from new" in md
    alpha = md.split("## Title alpha\n", 1)[1].split("\n## ", 1)[0]
    assert js["command"] in alpha  # the old section states the old run's command


def test_rss_window_is_the_median_of_the_samples_in_it():
    samples = [(n, 100 + (50 if n == 30 else 0)) for n in range(10, 101, 10)] + [(100, 130)]
    assert bench_corpus.rss_window(samples, 100, (0.2, 0.5)) == 100  # one odd chunk does not decide
    assert bench_corpus.rss_window(samples, 100, (0.8, 1.0)) == 100  # the end of the run is in the last window
    assert bench_corpus.rss_window(samples, 100, (0.0, 0.05)) is None
