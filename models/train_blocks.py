"""Train the block model shipped in copydesk/models/blocks.json.

Data: the training data only: `dragnet` split train, `cleaneval`, `trafilatura-eval-dev` from
../shared/benchmarks (labels: a segment is body when most of its 4-word shingles are in the reference
text; for trafilatura-eval-dev, when it holds a must-have snippet, and not body when it holds a
must-not-have one). `aeb` and the dragnet test split are never read here.

    python models/train_blocks.py --shared ../shared

The defaults build the shipped model. `--label context`, `--weight lin` and `--page-early-stop 1` are
variants that were measured by 3-fold cross-validation by page on the training data (full pipeline,
benchlib grading) and not adopted: see models/BLOCKS_CARD.md.
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
# (dataset, split, weight of its pages). cleaneval was 0.5 (its references hold all running text, not only
# an article); 1.0 measured better by cross-validation on the training data (see the card).
TRAIN = (("dragnet", "train", 1.0), ("cleaneval", None, 1.0), ("trafilatura-eval-dev", None, 1.0))
HIDDEN = (48, 24)
HIDDEN2 = (16,)
SEEDS = (7, 1, 2)  # an ensemble of nets trained from these seeds (averaged; merged into one net at load)
STAGE2_OWN = True  # stage 2 also reads the segment's own shape (score.STAGE2_OWN columns)
MAX_EPOCHS = 150  # early stopping on a 10% validation split usually ends it sooner
PATIENCE = 8
SHORT_CONTEXT = 3  # label mode "context": segments either side searched for a body paragraph
VAL_FRACTION = 0.1  # of pages (or rows) held out for early stopping
ALPHA = 1e-3
LEARNING_RATE = 2e-3
LABEL_MODE = "base"  # label_text's mode for short segments
SEG_WEIGHT = "sqrt"  # a segment's loss weight from its length: "sqrt" or "lin" (of min(chars, WEIGHT_CAP))
WEIGHT_CAP = 2000
PAGE_EARLY_STOP = False  # early stopping on held-out pages rather than rows
PAGE_WEIGHT_SUM = 200.0  # a page's weights are scaled down to this sum: pages count alike


def shingles(words: list[str], n: int = 4) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + n]) for i in range(max(1, len(words) - n + 1))}


def label_text(segs, gold: str, mode: str = "base") -> list[float | None]:
    """mode "base": short segments (< 4 words) are body when their words occur in the reference;
    "context": ... and a long segment within SHORT_CONTEXT segments of them is body too (a menu word
    such as "News" occurs in most articles; a heading or caption sits next to the article's prose)."""
    gw = [w.lower() for w in WORD.findall(gold)]
    gs = shingles(gw)
    joined = " " + " ".join(gw) + " "
    out: list[float | None] = []
    short: list[int] = []
    for s in segs:
        w = [x.lower() for x in WORD.findall(s.text)]
        if not w:
            out.append(None)
        elif len(w) >= 4:
            sh = shingles(w)
            out.append(1.0 if len(sh & gs) / len(sh) >= 0.5 else 0.0)
        else:
            if (" " + " ".join(w) + " ") in joined:
                short.append(len(out))
            out.append(1.0 if (" " + " ".join(w) + " ") in joined else 0.0)
    if mode == "context":
        is_short = set(short)
        long_ = [i for i, s in enumerate(segs) if out[i] is not None and i not in is_short
                 and len(WORD.findall(s.text)) >= 4]
        pos = np.array([out[i] == 1.0 for i in long_], dtype=bool)
        at = np.array(long_, dtype=np.int64)
        for i in short:
            near = np.abs(at - i) <= SHORT_CONTEXT
            out[i] = 1.0 if pos[near].any() else 0.0
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


def seg_weight(chars: np.ndarray, how: str = SEG_WEIGHT) -> np.ndarray:
    c = np.minimum(chars, WEIGHT_CAP)
    return (np.sqrt(c) if how == "sqrt" else c).astype(np.float32)


def page_rows(raw: bytes, rec: dict, label_mode: str = LABEL_MODE, weight: str = SEG_WEIGHT):
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
    y = label_text(segs, rec["text"], label_mode) if rec.get("text") is not None \
        else label_snippets(segs, rec["with"], rec["without"])
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
    w = seg_weight(np.array([s.chars for s in segs]), weight) * known
    return segs, x, yy, w


def fit(X: np.ndarray, Y: np.ndarray, W: np.ndarray, hidden: tuple[int, ...], seed: int,
        groups: np.ndarray | None = None, alpha: float = ALPHA, lr: float = LEARNING_RATE) -> dict:
    """One net. Early stopping holds out VAL_FRACTION of the rows, or, given `groups` (a page id per
    row), of the pages: rows of one page are alike, so a row split flatters the validation score."""
    from sklearn.neural_network import MLPClassifier

    keep = W > 0
    X, Y, W = X[keep], Y[keep], W[keep]
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale = np.where(scale > 1e-6, scale, 1.0)
    Xs = (X - mean) / scale
    if groups is None:
        clf = MLPClassifier(hidden_layer_sizes=hidden, alpha=alpha, max_iter=MAX_EPOCHS, early_stopping=True,
                            validation_fraction=VAL_FRACTION, random_state=seed, batch_size=512,
                            learning_rate_init=lr, n_iter_no_change=PATIENCE)
        clf.fit(Xs, Y, sample_weight=W)
    else:
        clf = _fit_page_stopping(Xs, Y, W, groups[keep], hidden, seed, alpha, lr)
    return {"mean": mean.round(6).tolist(), "scale": scale.round(6).tolist(), "hidden": list(hidden),
            "layers": [(w.round(5).tolist(), b.round(5).tolist()) for w, b in zip(clf.coefs_, clf.intercepts_, strict=True)]}


def _fit_page_stopping(X: np.ndarray, Y: np.ndarray, W: np.ndarray, groups: np.ndarray,
                       hidden: tuple[int, ...], seed: int, alpha: float, lr: float):
    """Epochs of partial_fit; stop when the weighted log-loss on held-out pages has not improved for
    PATIENCE epochs, and keep the best epoch's weights."""
    from sklearn.neural_network import MLPClassifier

    rng = np.random.default_rng(seed)
    ids = np.unique(groups)
    val = np.isin(groups, rng.choice(ids, size=max(1, int(len(ids) * VAL_FRACTION)), replace=False))
    clf = MLPClassifier(hidden_layer_sizes=hidden, alpha=alpha, random_state=seed, batch_size=512,
                        learning_rate_init=lr)
    best, best_state, stale = np.inf, None, 0
    yv, wv = Y[val], W[val]
    for _ in range(MAX_EPOCHS):
        clf.partial_fit(X[~val], Y[~val], sample_weight=W[~val], classes=np.array([0.0, 1.0]))
        p = np.clip(clf.predict_proba(X[val])[:, 1], 1e-7, 1 - 1e-7)
        loss = float(-(wv * (yv * np.log(p) + (1 - yv) * np.log(1 - p))).sum() / wv.sum())
        if loss < best - 1e-5:
            best, stale = loss, 0
            best_state = ([c.copy() for c in clf.coefs_], [b.copy() for b in clf.intercepts_])
        else:
            stale += 1
            if stale >= PATIENCE:
                break
    clf.coefs_, clf.intercepts_ = best_state
    return clf


def fit_ensemble(X: np.ndarray, Y: np.ndarray, W: np.ndarray, hidden: tuple[int, ...],
                 groups: np.ndarray | None = None) -> list[dict]:
    return [fit(X, Y, W, hidden, seed, groups) for seed in SEEDS]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--out", default=str(ROOT / "copydesk" / "models" / "blocks.json"))
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--label", default=LABEL_MODE, choices=("base", "context"))
    ap.add_argument("--weight", default=SEG_WEIGHT, choices=("sqrt", "lin"))
    ap.add_argument("--cleaneval-weight", type=float, default=dict((n, w) for n, _, w in TRAIN)["cleaneval"])
    ap.add_argument("--page-early-stop", type=int, default=int(PAGE_EARLY_STOP), choices=(0, 1))
    args = ap.parse_args()
    bl = load_benchlib(Path(args.shared))
    pages = []
    stats = {}
    t0 = time.time()
    for name, split, weight in TRAIN:
        weight = args.cleaneval_weight if name == "cleaneval" else weight
        n = 0
        for _id, raw, rec in bl.iter_pages(name, root=str(Path(args.shared) / "benchmarks")):
            if split and rec.get("split") != split:
                continue
            r = page_rows(raw, rec, args.label, args.weight)
            if r is None:
                continue
            segs, x, y, w = r
            w = w * weight / max(1.0, float(w.sum()) / PAGE_WEIGHT_SUM)  # pages count alike, whatever their length
            pages.append((segs, x, y, w))
            n += 1
        stats[name] = n
    print(f"{sum(len(p[2]) for p in pages)} segments from {stats} in {time.time() - t0:.0f}s")
    # stage 1 on all pages; out-of-fold stage-1 probabilities feed stage 2's training
    X = np.vstack([p[1] for p in pages])
    Y = np.concatenate([p[2] for p in pages])
    W = np.concatenate([p[3] for p in pages])
    G = np.concatenate([np.full(len(p[2]), i) for i, p in enumerate(pages)]) if args.page_early_stop else None
    stage1 = fit_ensemble(X, Y, W, HIDDEN, G)
    print(f"stage 1 trained ({time.time() - t0:.0f}s)")
    fold_of = np.arange(len(pages)) % args.folds
    oof: list[np.ndarray | None] = [None] * len(pages)
    for k in range(args.folds):
        tr = [i for i in range(len(pages)) if fold_of[i] != k]
        net = score.merge_nets(fit_ensemble(np.vstack([pages[i][1] for i in tr]),
                                            np.concatenate([pages[i][2] for i in tr]),
                                            np.concatenate([pages[i][3] for i in tr]), HIDDEN,
                                            G[np.isin(G, tr)] if G is not None else None))
        for i in range(len(pages)):
            if fold_of[i] == k:
                oof[i] = score.mlp(net, pages[i][1])
        print(f"fold {k} done ({time.time() - t0:.0f}s)")
    X2 = np.vstack([score.features2(p[0], oof[i], x1=p[1] if STAGE2_OWN else None) for i, p in enumerate(pages)])
    stage2 = fit_ensemble(X2, Y, W, HIDDEN2, G)
    print(f"stage 2 trained ({time.time() - t0:.0f}s)")
    model = {"kind": "mlp-2stage", "trained_on": stats, "features": [int(X.shape[1]), int(X2.shape[1])],
             "stage1": stage1, "stage2": stage2, "stage2_own": STAGE2_OWN, "seeds": list(SEEDS),
             "training": {"label": args.label, "weight": args.weight, "page_early_stop": bool(args.page_early_stop)}}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(model, separators=(",", ":")))
    print("wrote", args.out, Path(args.out).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
