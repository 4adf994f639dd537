"""Fine-tune the MiniLM encoder on claim-matching pairs (tweet -> the fact-check it repeats), on CPU.

    ../train-venv/bin/python training/encoder/finetune.py --out /tmp/minilm-cm [--epochs 3]
    ../train-venv/bin/python training/encoder/export.py --source /tmp/minilm-cm --name minilm-l6-v2-cm-int8

Training pairs come from the CLEF 2020 CheckThat! Task 2 train split only (never dev, never the
held-out test). The loss is multiple-negatives ranking: within a batch, each tweet's own
fact-check must score above every other pair's fact-check and above one hard negative per
tweet (the best BM25 fact-check that is not its gold one). Texts are prepared as the runtime
prepares them (``workers.matching.tokens.prepare_text``), vectors are mean-pooled and normalised
as ``workers/encoder`` does, so what is trained is what runs.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "training" / "matching"))

from data import load_facts, load_split  # noqa: E402
from export import MAX_TOKENS, base_model_folder  # noqa: E402

from workers.matching.bm25 import Bm25Index  # noqa: E402
from workers.matching.index import fact_text  # noqa: E402
from workers.matching.tokens import index_terms, prepare_text  # noqa: E402

# Cosine similarities are multiplied by this before the softmax (the sentence-transformers default).
SIMILARITY_SCALE = 20.0


def training_triples(seed: int) -> list[tuple[str, str, str]]:
    """(tweet, its fact-check, a hard negative fact-check) for every gold pair of train."""
    facts = load_facts()
    texts = {str(fact["id"]): prepare_text(fact_text(fact)) for fact in facts}
    ids = list(texts)
    lexical = Bm25Index([index_terms(texts[fact_id]) for fact_id in ids])
    queries, gold = load_split("train")
    triples = []
    for qid, tweet in queries.items():
        tweet = prepare_text(tweet)
        scores = lexical.scores(index_terms(tweet))
        negative = next(ids[row] for row in scores.argsort()[::-1] if ids[row] not in gold[qid])
        triples.extend((tweet, texts[fact_id], texts[negative]) for fact_id in sorted(gold[qid]))
    random.Random(seed).shuffle(triples)  # noqa: S311 - order of training data, not a secret
    return triples


def main() -> None:
    import torch
    from transformers import AutoModel, AutoTokenizer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-5)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    source = base_model_folder()
    tokenizer = AutoTokenizer.from_pretrained(str(source))
    model = AutoModel.from_pretrained(str(source))
    model.train()
    triples = training_triples(args.seed)
    steps = args.epochs * ((len(triples) + args.batch - 1) // args.batch)
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, (step + 1) / warmup) * max(0.0, (steps - step) / max(1, steps - warmup))
    )

    def embed(texts: list[str]):
        batch = tokenizer(texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
        tokens = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(tokens.dtype)
        pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=-1)

    print(f"{len(triples)} training triples, {steps} steps", flush=True)
    started = time.perf_counter()
    step = 0
    for epoch in range(args.epochs):
        order = list(range(len(triples)))
        random.Random(args.seed + epoch).shuffle(order)  # noqa: S311 - order of training data
        for first in range(0, len(order), args.batch):
            chunk = [triples[row] for row in order[first : first + args.batch]]
            tweets = embed([tweet for tweet, _, _ in chunk])
            candidates = embed([positive for _, positive, _ in chunk] + [negative for _, _, negative in chunk])
            logits = SIMILARITY_SCALE * tweets @ candidates.T
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(chunk)))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            step += 1
            if step % 10 == 0 or step == steps:
                print(
                    f"epoch {epoch + 1} step {step}/{steps} loss {loss.item():.3f} "
                    f"{time.perf_counter() - started:.0f} s",
                    flush=True,
                )
    model.eval()
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(args.out))
    tokenizer.save_pretrained(str(args.out))
    print(f"saved {args.out} after {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
