"""Train the text-mode line classifier (copydesk/data/textmode_model.json).

    .venv/bin/python models/textmode_train.py [--shared ../shared] [--out copydesk/data/textmode_model.json]

Training data only: dragnet (split "train"), cleaneval, trafilatura-eval-dev flattened pages. Labels come
from the gold references: a line of >= 4 words is body when most of its 4-word shingles are in the
reference; a shorter line when a shingle spanning it and its neighbour's words is; for
trafilatura-eval-dev (snippet gold) a line is body when it holds or is held by a "with" snippet, not body
for a "without" snippet, and unlabelled otherwise. Two numpy MLPs (stage 2 on stage 1's out-of-fold
probabilities). Deterministic: fixed seeds, documents in file order.

Experiments: `--add-set aeb=1` trains on a held-out set too, `--holdout aeb=0/2` leaves out one fold of a
set's pages (cross-validation by `fold_of`), `--ensemble 1` trains single nets (faster, noisier).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from copydesk.textmode.lines import extract_features, stage2_features  # noqa: E402
from copydesk.textmode.model import MLP, LineModel  # noqa: E402

WORD = re.compile(r"\w+")
SPACE = re.compile(r"\s+")
TRAIN_SETS = (("dragnet", "train"), ("cleaneval", None), ("trafilatura-eval-dev", None))
# Share of a line's shingles that must be in the reference for it to be body.
LABEL_MIN_SHARE = 0.5
# Per-dataset weight of a page (every page weighs the same by default). Until round 8 the weights (cleaneval
# 0.15, trafilatura-eval-dev 1.5) were applied before the per-page normalisation, which cancelled them; made
# effective they scored worse (models/TEXTMODE_CARD.md, round 8), so the shipped model keeps equal weights.
SET_WEIGHT = {"dragnet": 1.0, "cleaneval": 1.0, "trafilatura-eval-dev": 1.0}
HIDDEN = 64
EPOCHS = 30
BATCH = 2048
LR = 3e-3
SEED = 7
STAGES = 2
ENSEMBLE = 3  # nets per shipped stage, from different seeds, merged into one wider net (logits averaged)


def shingles(words: list[str], n: int = 4) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def label_text(lines: list[str], gold: str) -> np.ndarray:
    gs = shingles(WORD.findall(gold))
    toks = [WORD.findall(s) for s in lines]
    y = np.zeros(len(lines), np.float32)
    for i, w in enumerate(toks):
        if len(w) >= 4:
            sh = shingles(w)
            y[i] = float(sum(s in gs for s in sh) / len(sh) >= LABEL_MIN_SHARE)
        elif w:
            prev = toks[i - 1][-(4 - len(w)):] if i > 0 and toks[i - 1] else []
            nxt = toks[i + 1][: 4 - len(w)] if i + 1 < len(toks) and toks[i + 1] else []
            cands = []
            if len(prev) == 4 - len(w):
                cands.append(tuple(prev + w))
            if len(nxt) == 4 - len(w):
                cands.append(tuple(w + nxt))
            y[i] = float(any(c in gs for c in cands))
    return y


def label_snippets(lines: list[str], with_: list[str], without: list[str]) -> tuple[np.ndarray, np.ndarray]:
    y = np.zeros(len(lines), np.float32)
    m = np.zeros(len(lines), np.float32)
    W = [SPACE.sub(" ", s).strip() for s in with_ or [] if s.strip()]
    WO = [SPACE.sub(" ", s).strip() for s in without or [] if s.strip()]
    for i, s in enumerate(lines):
        s = SPACE.sub(" ", s)
        if any(w in s or (len(s) > 15 and s in w) for w in W):
            y[i], m[i] = 1, 1
        elif any(w in s or (len(s) > 15 and s in w) for w in WO):
            y[i], m[i] = 0, 1
    return y, m


def fold_of(page_id: str, k: int) -> int:
    """A page's cross-validation fold (stable across runs and machines)."""
    return zlib.crc32(page_id.encode("utf8")) % k


def load(shared: Path, holdout: dict[str, tuple[int, int]] | None = None,
         sets: tuple[tuple[str, str | None], ...] = TRAIN_SETS):
    """Features, labels and weights of every training page; `holdout` maps a dataset to (fold, folds):
    that fold's pages are left out (cross-validation)."""
    sys.path.insert(0, str(shared / "benchmarks"))
    import benchlib

    holdout = holdout or {}
    docs = []  # (feats, y, weight)
    for name, split in sets:
        for _id, text, g in benchlib.iter_flat(name, str(shared / "benchmarks")):
            if split and g.get("split") != split:
                continue
            if name in holdout and fold_of(_id, holdout[name][1]) == holdout[name][0]:
                continue
            f = extract_features(text)
            if len(f.text) == 0:
                continue
            if g.get("text") is not None:
                y = label_text(f.text, g["text"])
                m = np.ones(len(y), np.float32)
            else:
                y, m = label_snippets(f.text, g.get("with"), g.get("without"))
                if m.sum() == 0:
                    continue
            # Long lines carry more of the shingle score; every page counts about equally.
            w = m * np.sqrt(np.minimum(f.words, 60))
            # (the dataset's weight after the per-page normalisation, which would otherwise cancel it)
            w = w / max(w.sum(), 1e-9) * min(len(y), 200) * SET_WEIGHT[name]
            docs.append((f, y, w.astype(np.float32)))
        print(f"loaded {name}: {len(docs)} docs so far", file=sys.stderr)
    return docs


def train_mlp(X: np.ndarray, y: np.ndarray, w: np.ndarray, seed: int = SEED, hidden: int | None = None,
              epochs: int | None = None) -> MLP:
    hidden = hidden or HIDDEN
    epochs = epochs or EPOCHS
    rng = np.random.default_rng(seed)
    mean = X.mean(0)
    std = X.std(0)
    scale = np.where(std > 1e-6, 1 / np.maximum(std, 1e-6), 0.0).astype(np.float32)
    Z = ((X - mean) * scale).astype(np.float32)
    d = Z.shape[1]
    W1 = (rng.standard_normal((d, hidden)) * np.sqrt(2 / d)).astype(np.float32)
    b1 = np.zeros(hidden, np.float32)
    W2 = (rng.standard_normal(hidden) * np.sqrt(1 / hidden)).astype(np.float32)
    b2 = np.float32(0)
    params = [W1, b1, W2, np.array([b2], np.float32)]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    t = 0
    n = len(Z)
    wn = w / w.mean()
    for ep in range(epochs):
        order = rng.permutation(n)
        lr = LR * (0.5 ** (ep * 4 // epochs))
        for s in range(0, n, BATCH):
            idx = order[s:s + BATCH]
            x, yy, ww = Z[idx], y[idx], wn[idx]
            h_pre = x @ params[0] + params[1]
            h = np.maximum(h_pre, 0)
            z = h @ params[2] + params[3][0]
            p = 1 / (1 + np.exp(-np.clip(z, -30, 30)))
            g = (p - yy) * ww / len(idx)
            gW2 = h.T @ g
            gb2 = np.array([g.sum()], np.float32)
            gh = np.outer(g, params[2]) * (h_pre > 0)
            gW1 = x.T @ gh + 1e-5 * params[0]
            gb1 = gh.sum(0)
            t += 1
            for k, gr in enumerate((gW1, gb1, gW2, gb2)):
                m[k] = 0.9 * m[k] + 0.1 * gr
                v[k] = 0.999 * v[k] + 0.001 * gr * gr
                mh = m[k] / (1 - 0.9 ** t)
                vh = v[k] / (1 - 0.999 ** t)
                params[k] -= (lr * mh / (np.sqrt(vh) + 1e-8)).astype(np.float32)
    return MLP(mean.astype(np.float32), scale, params[0], params[1], params[2], float(params[3][0]))


def train_ensemble(X: np.ndarray, y: np.ndarray, w: np.ndarray, seed: int, members: int = ENSEMBLE,
                   **hp: int) -> MLP:
    """`members` nets from seeds seed, seed+100 ...; their average logit is one MLP with all their hidden
    units side by side, so inference costs one (wider) product, not `members` of them."""
    nets = [train_mlp(X, y, w, seed + 100 * i, **hp) for i in range(members)]
    if len(nets) == 1:
        return nets[0]
    k = np.float32(len(nets))
    return MLP(nets[0].mean, nets[0].scale, np.hstack([m.W1 for m in nets]), np.concatenate([m.b1 for m in nets]),
               np.concatenate([m.W2 for m in nets]) / k, float(np.mean([m.b2 for m in nets])))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--out", default=str(ROOT / "copydesk" / "data" / "textmode_model.json"))
    ap.add_argument("--hidden", type=int, default=HIDDEN)
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--stages", type=int, default=STAGES)
    ap.add_argument("--set-weight", action="append", default=[], metavar="DATASET=W",
                    help="override a dataset's sample weight (SET_WEIGHT)")
    ap.add_argument("--add-set", action="append", default=[], metavar="DATASET[:SPLIT]=W",
                    help="train on one more dataset (or split) with sample weight W")
    ap.add_argument("--holdout", action="append", default=[], metavar="DATASET=K/N",
                    help="leave out fold K of N of a dataset's pages (fold_of), for cross-validation")
    ap.add_argument("--ensemble", type=int, default=ENSEMBLE, help="nets per stage (ENSEMBLE)")
    a = ap.parse_args()
    hp = {"hidden": a.hidden, "epochs": a.epochs}
    for kv in a.set_weight:
        name, _, w = kv.partition("=")
        SET_WEIGHT[name] = float(w)
    sets = TRAIN_SETS
    for kv in a.add_set:
        spec, _, w = kv.partition("=")
        name, _, split = spec.partition(":")
        sets = (*sets, (name, split or None))
        SET_WEIGHT[name] = float(w or 1)  # (a held-out set trained on: say so wherever it is reported)
    holdout = {}
    for kv in a.holdout:
        name, _, kn = kv.partition("=")
        k, _, nf = kn.partition("/")
        holdout[name] = (int(k), int(nf))
    docs = load(Path(a.shared), holdout, sets)
    X1 = np.concatenate([f.X for f, _, _ in docs])
    Y = np.concatenate([y for _, y, _ in docs])
    Wt = np.concatenate([w for _, _, w in docs])
    print(f"{len(docs)} docs, {len(Y)} lines, {Y.mean():.3f} body", file=sys.stderr)
    # Each stage is trained on the previous stage's out-of-fold probabilities (two halves by document),
    # then refitted on everything for shipping.
    fold = np.concatenate([np.full(len(y), k % 2) for k, (_, y, _) in enumerate(docs)])
    lab = Wt > 0

    def oof(X: np.ndarray, seed: int) -> np.ndarray:
        p = np.zeros(len(Y), np.float32)
        for k in (0, 1):
            mk = train_mlp(X[fold != k], Y[fold != k], Wt[fold != k], seed + k, **hp)
            p[fold == k] = mk.predict(X[fold == k])
        return p

    def next_inputs(p: np.ndarray) -> np.ndarray:
        out, off = [], 0
        for f, y, _ in docs:
            out.append(stage2_features(f, p[off:off + len(y)]))
            off += len(y)
        return np.concatenate(out)

    stage1 = train_ensemble(X1, Y, Wt, SEED, a.ensemble, **hp)
    p = oof(X1, SEED)
    print(f"stage 1 out-of-fold line accuracy {float(((p >= 0.5) == (Y > 0.5))[lab].mean()):.3f}", file=sys.stderr)
    later = []
    for s in range(a.stages - 1):
        X2 = next_inputs(p)
        later.append(train_ensemble(X2, Y, Wt, SEED + 10 * (s + 1), a.ensemble, **hp))
        if s < a.stages - 2:
            p = oof(X2, SEED + 10 * (s + 1))
            print(f"stage {s + 2} out-of-fold line accuracy {float(((p >= 0.5) == (Y > 0.5))[lab].mean()):.3f}",
                  file=sys.stderr)
    model = LineModel(stage1, tuple(later), 0.5)
    Path(a.out).write_text(json.dumps(model.to_dict(), separators=(",", ":")), encoding="utf8")
    print(f"wrote {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
