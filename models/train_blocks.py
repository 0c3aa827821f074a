"""Train the block model shipped in copydesk/models/blocks.json.

Data: the training data only: `dragnet` split train, `cleaneval`, `trafilatura-eval-dev` from
../shared/benchmarks (labels: a segment is body when most of its 4-word shingles are in the reference
text; for trafilatura-eval-dev, when it holds a must-have snippet, and not body when it holds a
must-not-have one). `aeb` and the dragnet test split are never read here.

    python models/train_blocks.py --shared ../shared
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from copydesk import dom, score  # noqa: E402
from copydesk.bench.common import load_benchlib  # noqa: E402
from copydesk.decode import PageError, load  # noqa: E402
from copydesk.segment import segment  # noqa: E402

WORD = re.compile(r"\w+")
SPACE = re.compile(r"\s+")
TRAIN = (("dragnet", "train", 1.0), ("cleaneval", None, 0.5), ("trafilatura-eval-dev", None, 1.0))
HIDDEN = (48, 24)
SEED = 7


def shingles(words: list[str], n: int = 4) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + n]) for i in range(max(1, len(words) - n + 1))}


def label_text(segs, gold: str) -> list[float | None]:
    gw = [w.lower() for w in WORD.findall(gold)]
    gs = shingles(gw)
    joined = " " + " ".join(gw) + " "
    out: list[float | None] = []
    for s in segs:
        w = [x.lower() for x in WORD.findall(s.text)]
        if not w:
            out.append(None)
        elif len(w) >= 4:
            sh = shingles(w)
            out.append(1.0 if len(sh & gs) / len(sh) >= 0.5 else 0.0)
        else:
            out.append(1.0 if (" " + " ".join(w) + " ") in joined else 0.0)
    return out


def label_snippets(segs, with_: list[str], without: list[str]) -> list[float | None]:
    w = [SPACE.sub(" ", x).strip() for x in with_ or []]
    wo = [SPACE.sub(" ", x).strip() for x in without or []]
    out: list[float | None] = []
    for s in segs:
        t = SPACE.sub(" ", s.text)
        if any(x and x in t for x in wo):
            out.append(0.0)
        elif any(x and x in t for x in w):
            out.append(1.0)
        else:
            out.append(None)
    return out


def page_rows(raw: bytes, rec: dict):
    try:
        page = load(raw, None, max_bytes=1 << 26)
    except PageError:
        return None
    tree, _ = dom.parse(page.text)
    if tree.body is None:
        return None
    segs = segment(tree.body)
    if not segs:
        return None
    x = score.features(segs)
    y = label_text(segs, rec["text"]) if rec.get("text") is not None else label_snippets(segs, rec["with"], rec["without"])
    keep = [i for i, v in enumerate(y) if v is not None]
    if not keep:
        return None
    w = np.array([np.sqrt(min(segs[i].chars, 2000)) for i in keep], dtype=np.float32)
    return x[keep], np.array([y[i] for i in keep], dtype=np.float32), w


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--out", default=str(ROOT / "copydesk" / "models" / "blocks.json"))
    args = ap.parse_args()
    bl = load_benchlib(Path(args.shared))
    xs, ys, ws = [], [], []
    stats = {}
    t0 = time.time()
    for name, split, weight in TRAIN:
        pages = 0
        for _id, raw, rec in bl.iter_pages(name, root=str(Path(args.shared) / "benchmarks")):
            if split and rec.get("split") != split:
                continue
            r = page_rows(raw, rec)
            if r is None:
                continue
            x, y, w = r
            w = w * weight / max(1.0, float(w.sum()) / 200.0)  # pages count alike, whatever their length
            xs.append(x)
            ys.append(y)
            ws.append(w)
            pages += 1
        stats[name] = pages
    X = np.vstack(xs)
    Y = np.concatenate(ys)
    W = np.concatenate(ws)
    print(f"{len(Y)} segments from {stats} in {time.time() - t0:.0f}s; positive share {Y.mean():.3f}")
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(X)
    scale = np.where(scaler.scale_ > 1e-6, scaler.scale_, 1.0)
    Xs = (X - scaler.mean_) / scale
    clf = MLPClassifier(hidden_layer_sizes=HIDDEN, alpha=1e-3, max_iter=60, early_stopping=True,
                        random_state=SEED, batch_size=512, learning_rate_init=2e-3)
    clf.fit(Xs, Y, sample_weight=W)
    print("train accuracy", clf.score(Xs, Y))
    model = {
        "kind": "mlp", "features": int(X.shape[1]), "hidden": list(HIDDEN), "trained_on": stats,
        "mean": scaler.mean_.round(6).tolist(), "scale": scale.round(6).tolist(),
        "layers": [(w.round(5).tolist(), b.round(5).tolist()) for w, b in zip(clf.coefs_, clf.intercepts_)],
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(model, separators=(",", ":")))
    print("wrote", args.out, Path(args.out).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
