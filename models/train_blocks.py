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
HIDDEN2 = (16,)
SEEDS = (7, 1, 2)  # an ensemble of nets trained from these seeds (averaged; merged into one net at load)
STAGE2_OWN = True
MAX_EPOCHS = 150  # early stopping on a 10% validation split usually ends it sooner
PATIENCE = 8  # stage 2 also reads the segment's own shape (score.STAGE2_OWN columns)


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
    # Our body excludes the headline, bylines and datelines (they are metadata), whatever a
    # reference kept: label them out so the model learns one convention.
    for i, sg in enumerate(segs):
        if y[i] and sg.chars <= 90 and (score.is_dateline(sg.text) or score.is_byline(sg.text)):
            y[i] = 0.0
        elif y[i] and sg.kind == "heading" and sg.level == 1:
            y[i] = 0.0
    known = np.array([v is not None for v in y])
    if not known.any():
        return None
    yy = np.array([v or 0.0 for v in y], dtype=np.float32)
    w = np.sqrt(np.minimum([s.chars for s in segs], 2000)).astype(np.float32) * known
    return segs, x, yy, w


def fit(X: np.ndarray, Y: np.ndarray, W: np.ndarray, hidden: tuple[int, ...], seed: int) -> dict:
    from sklearn.neural_network import MLPClassifier

    keep = W > 0
    X, Y, W = X[keep], Y[keep], W[keep]
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale = np.where(scale > 1e-6, scale, 1.0)
    clf = MLPClassifier(hidden_layer_sizes=hidden, alpha=1e-3, max_iter=MAX_EPOCHS, early_stopping=True,
                        random_state=seed, batch_size=512, learning_rate_init=2e-3, n_iter_no_change=PATIENCE)
    clf.fit((X - mean) / scale, Y, sample_weight=W)
    return {"mean": mean.round(6).tolist(), "scale": scale.round(6).tolist(), "hidden": list(hidden),
            "layers": [(w.round(5).tolist(), b.round(5).tolist()) for w, b in zip(clf.coefs_, clf.intercepts_, strict=True)]}


def fit_ensemble(X: np.ndarray, Y: np.ndarray, W: np.ndarray, hidden: tuple[int, ...]) -> list[dict]:
    return [fit(X, Y, W, hidden, seed) for seed in SEEDS]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--out", default=str(ROOT / "copydesk" / "models" / "blocks.json"))
    ap.add_argument("--folds", type=int, default=3)
    args = ap.parse_args()
    bl = load_benchlib(Path(args.shared))
    pages = []
    stats = {}
    t0 = time.time()
    for name, split, weight in TRAIN:
        n = 0
        for _id, raw, rec in bl.iter_pages(name, root=str(Path(args.shared) / "benchmarks")):
            if split and rec.get("split") != split:
                continue
            r = page_rows(raw, rec)
            if r is None:
                continue
            segs, x, y, w = r
            w = w * weight / max(1.0, float(w.sum()) / 200.0)  # pages count alike, whatever their length
            pages.append((segs, x, y, w))
            n += 1
        stats[name] = n
    print(f"{sum(len(p[2]) for p in pages)} segments from {stats} in {time.time() - t0:.0f}s")
    # stage 1 on all pages; out-of-fold stage-1 probabilities feed stage 2's training
    X = np.vstack([p[1] for p in pages])
    Y = np.concatenate([p[2] for p in pages])
    W = np.concatenate([p[3] for p in pages])
    stage1 = fit_ensemble(X, Y, W, HIDDEN)
    print(f"stage 1 trained ({time.time() - t0:.0f}s)")
    fold_of = np.arange(len(pages)) % args.folds
    oof: list[np.ndarray | None] = [None] * len(pages)
    for k in range(args.folds):
        tr = [i for i in range(len(pages)) if fold_of[i] != k]
        net = score.merge_nets(fit_ensemble(np.vstack([pages[i][1] for i in tr]),
                                            np.concatenate([pages[i][2] for i in tr]),
                                            np.concatenate([pages[i][3] for i in tr]), HIDDEN))
        for i in range(len(pages)):
            if fold_of[i] == k:
                oof[i] = score.mlp(net, pages[i][1])
        print(f"fold {k} done ({time.time() - t0:.0f}s)")
    X2 = np.vstack([score.features2(p[0], oof[i], x1=p[1] if STAGE2_OWN else None) for i, p in enumerate(pages)])
    stage2 = fit_ensemble(X2, Y, W, HIDDEN2)
    print(f"stage 2 trained ({time.time() - t0:.0f}s)")
    model = {"kind": "mlp-2stage", "trained_on": stats, "features": [int(X.shape[1]), int(X2.shape[1])],
             "stage1": stage1, "stage2": stage2, "stage2_own": STAGE2_OWN, "seeds": list(SEEDS)}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(model, separators=(",", ":")))
    print("wrote", args.out, Path(args.out).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
