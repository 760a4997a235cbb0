"""Train the customer-message kind model (src/apologylint/nlp/kinds.json) on
corpora/customer-kinds/train.jsonl, reproducibly, and report how it does.

    python scripts/train_kinds.py            # train, write the model, print training accuracy
    python scripts/train_kinds.py --sealed   # also score corpora/customer-kinds/sealed.jsonl
                                             # (measurement only: never tune on what it prints)
"""
from __future__ import annotations

import argparse
import json
import pathlib
from collections import Counter

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "corpora" / "customer-kinds"


def read(path: pathlib.Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sealed", action="store_true", help="score the sealed half too (texts also in train are left out)")
    ap.add_argument("--epochs", type=int, default=30)
    args = ap.parse_args()

    from apologylint.nlp import load
    from apologylint.nlp.kinds import MODEL_FILE, features, predict_features, train

    nlp = load()
    rows = read(DATA / "train.jsonl")
    examples = [(features(doc), r["kind"]) for r, doc in zip(rows, nlp.pipe(r["text"] for r in rows))]
    model = train(examples, epochs=args.epochs)
    MODEL_FILE.write_text(json.dumps(model, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_FILE.relative_to(ROOT)}: {len(model['weights'])} features, {MODEL_FILE.stat().st_size // 1024} KB")
    report("train", [(predict_features(f, model)[0], k) for f, k in examples])
    if args.sealed:
        seen = {r["text"] for r in rows}
        sealed = [r for r in read(DATA / "sealed.jsonl") if r["text"] not in seen]
        got = [(predict_features(features(doc), model)[0], r["kind"]) for r, doc in zip(sealed, nlp.pipe(r["text"] for r in sealed))]
        report("sealed", got)
    return 0


def report(name: str, pairs: list[tuple[str, str]]) -> None:
    right = sum(p == k for p, k in pairs)
    print(f"{name}: {right}/{len(pairs)} right ({right / max(len(pairs), 1):.2f})")
    for kind in ("problem", "question", "request", "praise", "chit-chat"):
        tp = sum(p == k == kind for p, k in pairs)
        fp = sum(p == kind != k for p, k in pairs)
        fn = sum(k == kind != p for p, k in pairs)
        prec = tp / (tp + fp) if tp + fp else float("nan")
        rec = tp / (tp + fn) if tp + fn else float("nan")
        print(f"  {kind:10} support {tp + fn:4}  precision {prec:.2f}  recall {rec:.2f}")
    confusion = Counter((k, p) for p, k in pairs if p != k)
    print("  most confused (true -> predicted):", ", ".join(f"{k}->{p} {n}" for (k, p), n in confusion.most_common(5)))


if __name__ == "__main__":
    raise SystemExit(main())
