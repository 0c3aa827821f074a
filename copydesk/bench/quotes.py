"""Who said what, measured: `copydesk.quotes.find_quotes` on PolNeAR attribution relations (news texts,
brat standoff). No open-source extractor attributes quotes, so there is no anchor to run beside it.

    python -m copydesk.bench.quotes [--quick] [--shared ../shared] [--compartment dev]

GRADING (one gold event = one brat E line of the first annotator listed in metadata.tsv):
* Texts are split into paragraphs at blank lines; every paragraph (title included) goes to the stage.
* Content: an event is *found* when one of our quotes overlaps its Content span(s) by at least half of the
  shorter one's word tokens (tokens are `\\w+` runs; our quote's tokens are those of its character spans).
  Matching is one to one, greedy by overlap size. Precision = our quotes matched / our quotes; recall = gold events
  matched / gold events.
* Speaker (on matched events): our speaker string, titles ("Mr.", "Sen." ...) and case ignored, equals
  - the Source span's text, or its full name (a one-word Source expanded to the first earlier
    "First Last" in the text ending with it), or a capitalised name inside a Source with role words, or
    that name's last words ("Texas Sen. Jane Doe" -> "Jane Doe"; "Jane Doe, a spokeswoman" -> "Jane Doe";
    this accepts "Doe" too: a surname we could not expand is counted right);
  - for a pronoun Source (he, she, who ...): the nearest preceding *named* gold Source, expanded as
    above; for a relative pronoun also the last capitalised name before it in its sentence.
  Events with no Source count as wrong unless we give no speaker (we never do).
* Cue (on matched events): our cue equals the Cue span's text (case and spacing ignored).
* Two subsets: *direct* = gold events whose Content contains a quotation mark (direct and mixed quotes);
  for its precision, our quotes whose content is a quotation are the predictions. *all* = every event
  (PolNeAR also annotates beliefs, intentions, polls ...: recall on it is bounded well below 1 for a
  speech-only stage).
* "found+speaker" = gold events found with the right speaker / gold events (recall that needs both).
* Speed: CPU ms per article of `find_quotes(paragraphs)` (process time, least of 3 runs; mean, median and
  p95 over articles).
The test compartment is used only for final figures (upstream's rule); this copy may not include it.
"""
from __future__ import annotations

import argparse
import bisect
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .common import Section, median, percentile

DATASET = "quotes-polnear"
QUICK_TEXTS = 20
TIMING_REPEATS = 3
OVERLAP = 0.5  # share of the shorter side's tokens that must overlap for a match
QUOTE_CHARS = "“”\"„«»「」『』"
TOKEN = re.compile(r"\w+")
PARAGRAPH = re.compile(r"[^\n]+(?:\n(?![ \t]*\n)[^\n]*)*")
PRONOUN_SOURCES = frozenset({"he", "she", "they", "it", "we", "i", "you", "who", "which", "that", "his",
                             "her", "their", "its", "him", "them", "us", "me", "our", "my", "whom"})
RELATIVE_SOURCES = frozenset({"who", "which", "that", "whom"})
TITLE_RE = re.compile(r"^(?:(?:mr|mrs|ms|miss|dr|prof|sen|rep|gov|gen|lt|col|sgt|capt|rev|sen|senator|"
                      r"representative|congressman|congresswoman|governor|president|secretary|mayor|judge|"
                      r"speaker)\.?\s+)+", re.I)
NAME_RE = re.compile(r"[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,5}")


@dataclass
class Gold:
    tokens: frozenset[int]
    source: str | None
    source_start: int
    cue: str
    direct: bool
    refs: frozenset[str] = frozenset()


@dataclass
class Doc:
    name: str
    text: str
    paragraphs: list[str]
    offsets: list[int]
    token_starts: list[int]
    events: list[Gold]


def norm(s: str | None) -> str:
    if not s:
        return ""
    s = re.sub(r"\s+", " ", s.replace("’", "'")).strip(" ,.:;\"“”").lower()
    s = re.sub(r"'s$", "", s)
    return TITLE_RE.sub("", s).strip()


def _parse_ann(path: Path) -> tuple[dict[str, tuple[str, list[tuple[int, int]]]], list[dict[str, str]]]:
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf8").split("\n"):
        if re.match(r"T\d+\t", line):
            tid, rest = line.split("\t", 2)[:2]
            label, offs = rest.split(" ", 1)
            pairs = [tuple(int(x) for x in p.split()) for p in offs.split(";")]
            spans[tid] = (label, [(a, b) for a, b in pairs])
        elif re.match(r"E\d+\t", line):
            args = {}
            for a in line.split("\t")[1].split():
                k, v = a.split(":")
                args.setdefault(re.sub(r"\d+$", "", k), []).append(v)
            events.append(args)  # type: ignore[arg-type]
    return spans, events


def _tokens(doc_starts: list[int], doc_ends: list[int], spans: list[tuple[int, int]]) -> frozenset[int]:
    out: set[int] = set()
    for a, b in spans:
        i = bisect.bisect_left(doc_ends, a + 1)  # first token ending after a
        while i < len(doc_starts) and doc_starts[i] < b:
            out.add(i)
            i += 1
    return frozenset(out)


def _expand(name: str, text: str, before: int) -> str:
    """A one-word name to the first earlier "First Last" ending with it."""
    if " " in name or not name[:1].isupper():
        return name
    m = re.search(rf"(?:[A-Z][\w’'-]+\s+){{1,2}}{re.escape(name)}\b", text[:before])
    return m.group(0) if m else name


def load(shared: Path, compartment: str, limit: int | None = None) -> list[Doc]:
    root = Path(shared) / "benchmarks" / DATASET
    rows = [ln.split("\t") for ln in (root / "metadata.tsv").read_text(encoding="utf8").splitlines()[1:]]
    docs = []
    for row in rows:
        if row[0] != compartment:
            continue
        name, annot = row[1], row[3].split("|")[0]
        tpath, apath = root / compartment / "text" / f"{name}.txt", root / compartment / "attributions" / f"{name}_{annot}.ann"
        if not tpath.exists() or not apath.exists():
            continue
        text = tpath.read_text(encoding="utf8")
        toks = list(TOKEN.finditer(text))
        starts, ends = [t.start() for t in toks], [t.end() for t in toks]
        paras = list(PARAGRAPH.finditer(text))
        spans, events = _parse_ann(apath)
        gold: list[Gold] = []
        for ev in events:
            content = [p for k in ev.get("Content", []) for p in spans.get(k, ("", []))[1]]
            if not content:
                continue
            src = spans.get(ev["Source"][0]) if "Source" in ev else None
            src_text = " ".join(text[a:b] for a, b in src[1]) if src else None
            cue = spans.get(ev["Cue"][0]) if "Cue" in ev else None
            cue_text = " ".join(text[a:b] for a, b in cue[1]) if cue else ""
            ctext = "".join(text[a:b] for a, b in content)
            gold.append(Gold(_tokens(starts, ends, content), src_text, src[1][0][0] if src else -1, cue_text,
                             any(ch in ctext for ch in QUOTE_CHARS)))
        _set_refs(gold, text)
        docs.append(Doc(name, text, [m.group(0) for m in paras], [m.start() for m in paras], starts, gold))
        if limit and len(docs) >= limit:
            break
    return docs


def _name_refs(source: str, text: str, start: int) -> set[str]:
    refs = set()
    for nm in NAME_RE.findall(source):
        words = nm.split()
        for k in range(len(words)):
            refs.add(norm(" ".join(words[k:])))
        refs.add(norm(_expand(words[-1], text, start)))
    return refs


def _set_refs(gold: list[Gold], text: str) -> None:
    named = sorted((g.source_start, g.source) for g in gold
                   if g.source and norm(g.source) not in PRONOUN_SOURCES and g.source[:1].isupper())
    for g in gold:
        if not g.source:
            continue
        refs = set()
        low = norm(g.source)
        if low in PRONOUN_SOURCES:
            prev = [s for st, s in named if st < g.source_start]
            if prev:
                refs.add(norm(_expand(TITLE_RE.sub("", prev[-1]), text, g.source_start)))
                refs.add(norm(prev[-1]))
                refs.update(_name_refs(prev[-1], text, g.source_start))
            if low in RELATIVE_SOURCES:
                sent = re.split(r"[.!?]\s", text[max(0, g.source_start - 150): g.source_start])[-1]
                names = NAME_RE.findall(sent)
                if names:
                    refs.add(norm(names[-1]))
        else:
            refs.add(low)
            bare = TITLE_RE.sub("", g.source.strip())
            refs.add(norm(_expand(bare, text, g.source_start)))
            # names inside a Source with role words ("Texas Sen. Jane Doe", "Jane Doe, a spokeswoman"):
            # the name and its last words
            refs.update(_name_refs(g.source, text, g.source_start))
        g.refs = frozenset(r for r in refs if r)


@dataclass
class Pred:
    tokens: frozenset[int]
    speaker: str | None
    cue: str | None
    direct: bool


def _timed(fn: Callable[[list[str]], Any], paragraphs: list[str]) -> tuple[Any, float]:
    """fn(paragraphs) and its CPU ms: the least of TIMING_REPEATS runs (other jobs share the machine)."""
    best = float("inf")
    out = None
    for _ in range(TIMING_REPEATS):
        t0 = time.process_time()
        out = fn(paragraphs)
        best = min(best, (time.process_time() - t0) * 1000)
    return out, best


def predict_new(doc: Doc) -> tuple[list[Pred], float]:
    from ..quotes import find_quote_spans

    hits, ms = _timed(find_quote_spans, doc.paragraphs)
    out = []
    for h in hits:
        off = doc.offsets[h.paragraph]
        spans = [(off + a, off + b) for a, b in h.spans]
        out.append(Pred(_doc_tokens(doc, spans), h.quote.speaker, h.quote.cue, h.direct))
    return out, ms


def _doc_tokens(doc: Doc, spans: list[tuple[int, int]]) -> frozenset[int]:
    if not hasattr(doc, "_ends"):
        doc._ends = [m.end() for m in TOKEN.finditer(doc.text)]  # type: ignore[attr-defined]
    return _tokens(doc.token_starts, doc._ends, spans)  # type: ignore[attr-defined]


def _match(preds: list[Pred], gold: list[Gold]) -> list[tuple[int, int]]:
    cand = []
    for i, p in enumerate(preds):
        if not p.tokens:
            continue
        for j, g in enumerate(gold):
            inter = len(p.tokens & g.tokens)
            if inter and inter >= OVERLAP * min(len(p.tokens), len(g.tokens)):
                cand.append((inter, i, j))
    cand.sort(reverse=True)
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _inter, i, j in cand:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        pairs.append((i, j))
    return pairs


def _prf(tp_p: int, n_p: int, tp_g: int, n_g: int) -> dict[str, float]:
    p = tp_p / n_p if n_p else float("nan")
    r = tp_g / n_g if n_g else float("nan")
    f = 2 * p * r / (p + r) if n_p and n_g and p + r else 0.0
    return {"precision": p, "recall": r, "f1": f}


def evaluate(docs: list[Doc], predict: Callable[[Doc], tuple[list[Pred], float]]) -> dict[str, Any]:
    counts = {k: {"pred": 0, "pred_ok": 0, "gold": 0, "found": 0, "speaker": 0, "cue": 0, "found_speaker": 0}
              for k in ("direct", "all")}
    times = []
    for doc in docs:
        preds, ms = predict(doc)
        times.append(ms)
        pairs = _match(preds, doc.events)
        matched_p = {i for i, _ in pairs}
        for sub in ("direct", "all"):
            c = counts[sub]
            c["gold"] += sum(1 for g in doc.events if sub == "all" or g.direct)
            c["pred"] += sum(1 for p in preds if sub == "all" or p.direct)
            c["pred_ok"] += sum(1 for i, p in enumerate(preds) if i in matched_p and (sub == "all" or p.direct))
            for i, j in pairs:
                g = doc.events[j]
                if sub == "direct" and not g.direct:
                    continue
                c["found"] += 1
                sp = norm(preds[i].speaker) in g.refs
                c["speaker"] += sp
                c["found_speaker"] += sp
                c["cue"] += norm(preds[i].cue) == norm(g.cue)
    res: dict[str, Any] = {}
    for sub, c in counts.items():
        res[sub] = {**c, **_prf(c["pred_ok"], c["pred"], c["found"], c["gold"]),
                    "speaker_acc": c["speaker"] / c["found"] if c["found"] else float("nan"),
                    "cue_acc": c["cue"] / c["found"] if c["found"] else float("nan"),
                    "found_speaker_recall": c["found_speaker"] / c["gold"] if c["gold"] else float("nan")}
    res["ms_mean"] = sum(times) / len(times) if times else float("nan")
    res["ms_median"] = median(times)
    res["ms_p95"] = percentile(times, 0.95)
    return res


SYSTEMS: dict[str, Callable[[Doc], tuple[list[Pred], float]]] = {
    "copydesk.quotes": predict_new,
}


def measure(shared: Path, compartment: str = "dev", quick: bool = False) -> dict[str, Any]:
    docs = load(shared, compartment, QUICK_TEXTS if quick else None)
    # warm up (lazy regex compilation is not an article's cost)
    for fn in SYSTEMS.values():
        fn(docs[0]) if docs else None
    out: dict[str, Any] = {"compartment": compartment, "texts": len(docs),
                           "events": sum(len(d.events) for d in docs),
                           "direct_events": sum(g.direct for d in docs for g in d.events),
                           "systems": {n: evaluate(docs, fn) for n, fn in SYSTEMS.items()}}
    return out


def _fmt(x: float) -> str:
    return "–" if x != x else f"{100 * x:.1f}"


def _markdown(res: dict[str, Any]) -> str:
    lines = [f"PolNeAR `{res['compartment']}` compartment (first annotator): {res['texts']} texts, "
             f"{res['events']} attribution events, {res['direct_events']} with a quotation mark in the content. "
             "Grading in `copydesk/bench/quotes.py` (content found = token overlap ≥ half of the shorter side; "
             "speaker = Source text or its resolved full name; cue = Cue text).", ""]
    for sub, title in (("direct", "Direct quotes (content has a quotation mark)"), ("all", "All events")):
        lines += [f"**{title}**", "",
                  "| system | precision | recall | F1 | speaker acc (found) | cue acc (found) | found+speaker recall |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for name, r in res["systems"].items():
            s = r[sub]
            lines.append(f"| {name} | {_fmt(s['precision'])} | {_fmt(s['recall'])} | {_fmt(s['f1'])} | "
                         f"{_fmt(s['speaker_acc'])} | {_fmt(s['cue_acc'])} | {_fmt(s['found_speaker_recall'])} |")
        lines.append("")
    lines += ["| system | CPU ms / article (mean) | median | p95 |", "|---|---:|---:|---:|"]
    for name, r in res["systems"].items():
        lines.append(f"| {name} | {r['ms_mean']:.3f} | {r['ms_median']:.3f} | {r['ms_p95']:.3f} |")
    lines.append("")
    return "\n".join(lines)


def run(shared: Path, quick: bool = False, compartment: str = "dev") -> Section:
    res = measure(Path(shared), compartment, quick)
    return Section("Quote attribution (who said what)", _markdown(res), res)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2].parent / "shared"))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--compartment", default="dev", help="train (development), dev (report), test (final only)")
    a = ap.parse_args(argv)
    res = measure(Path(a.shared), a.compartment, a.quick)
    print(_markdown(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
