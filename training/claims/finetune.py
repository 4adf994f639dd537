"""Fine-tune all-MiniLM-L6-v2 end to end on check-worthiness, on CPU, for the claims encoder.

    ../train-venv/bin/python training/claims/finetune.py --data ../shared/datasets/checkworthiness --out /tmp/claims-ft
    ../train-venv/bin/python training/encoder/export.py --source /tmp/claims-ft \\
        --out workers/extraction/models/claims_encoder --name minilm-l6-v2-claims-int8 --per-channel \\
        --note "all-MiniLM-L6-v2 fine-tuned on CheckThat! 2024 English train (85%, \\
training/claims/finetune.py), dynamic int8, one scale per channel"
    ../train-venv/bin/python training/claims/train.py --data ../shared/datasets/checkworthiness

The encoder is tuned on a stratified 85% of the CheckThat! 2024 English train split
(``holdout_split``: seed 0); the other 15% is never shown to it, so that ``train.py`` can fit the
claim head, its calibration and its threshold on sentences the encoder scores as it will score
new ones. Dev splits take no part. The model is MiniLM mean-pooled over real tokens with one
logistic output, trained with AdamW (linear warm-up and decay) on length-bucketed shuffled batches
and a positive-class weight of the square root of the class ratio. Only the encoder body is
written (``config.json``, ``model.safetensors``, ``tokenizer.json``), with ``finetune.json``
(settings and the SHA-256 of the held-out rows, which ``export.py`` copies into the manifest and
``train.py`` checks): the runtime pools and normalises its token vectors (up to 128 word pieces,
where training saw 64) and the head is refitted on them. Fine-tuning on CPU threads is not
bit-reproducible; a rerun lands within about 0.01 F1.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import shutil
import sys
import time
from pathlib import Path

import numpy as np

# The base model's folder is found as the matching encoder's export finds it.
# Appended, not put first: ``finetune`` must stay this file, not training/encoder/finetune.py.
sys.path.append(str(Path(__file__).resolve().parents[1] / "encoder"))
from export import base_model_folder

SEED = 0
HOLDOUT_SHARE = 0.15
MAX_TOKENS = 64  # 99% of CheckThat! sentences are shorter than 80 word pieces; claims are early
BATCH_SIZE = 32
EPOCHS = 2
LEARNING_RATE = 8e-5


def load_split(data_dir: Path, split: str) -> tuple[list[str], np.ndarray]:
    """Sentences and 0/1 labels of one CheckThat! split."""
    with open(data_dir / f"ct24_english_{split}.tsv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [row["Text"] for row in rows], np.array([row["class_label"] == "Yes" for row in rows], dtype=int)


def holdout_split(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows the encoder is tuned on, rows held out for the head), stratified, seed 0."""
    from sklearn.model_selection import train_test_split

    return train_test_split(np.arange(len(labels)), test_size=HOLDOUT_SHARE, stratify=labels, random_state=SEED)


def holdout_digest(held: np.ndarray) -> str:
    """SHA-256 of the held-out row numbers, recorded with the encoder and checked by train.py."""
    return hashlib.sha256(",".join(str(int(row)) for row in sorted(held)).encode("ascii")).hexdigest()


def encoder_classifier(source: Path):
    """MiniLM from ``source``, mean-pooled over real tokens, and one logistic output."""
    import torch
    from transformers import AutoModel

    class EncoderClassifier(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(source), attn_implementation="eager")
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)

        def pooled(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).float()
            return (hidden * mask).sum(1) / mask.sum(1)

        def forward(self, input_ids, attention_mask):
            return torch.sigmoid(self.head(self.pooled(input_ids, attention_mask)).squeeze(-1))

    return EncoderClassifier()


def fine_tune(model, tokenizer, sentences: list[str], labels: np.ndarray, epochs: int, learning_rate: float) -> None:
    """Fine-tune end to end with AdamW, linear warm-up and decay, length-bucketed shuffled batches."""
    import torch

    generator = np.random.default_rng(SEED)
    steps = epochs * math.ceil(len(sentences) / BATCH_SIZE)
    warmup = max(1, int(0.06 * steps))
    optimiser = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: step / warmup if step < warmup else max(0.0, (steps - step) / (steps - warmup))
    )
    # The square root of the class ratio: recall matters, but full re-weighting overshoots.
    positive_weight = torch.tensor(math.sqrt((1 - labels.mean()) / labels.mean()))
    started = time.perf_counter()
    for epoch in range(epochs):
        model.train()
        shuffled = generator.permutation(len(sentences))
        # Sort chunks of 50 batches by length, then shuffle the batches: little padding, still random.
        chunk = BATCH_SIZE * 50
        batches = []
        for start in range(0, len(shuffled), chunk):
            rows = sorted(shuffled[start : start + chunk], key=lambda row: len(sentences[row]))
            batches += [np.array(rows[i : i + BATCH_SIZE]) for i in range(0, len(rows), BATCH_SIZE)]
        generator.shuffle(batches)
        for rows in batches:
            batch = tokenizer(
                [sentences[row] for row in rows],
                padding=True,
                truncation=True,
                max_length=MAX_TOKENS,
                return_tensors="pt",
            )
            logits = model.head(model.pooled(batch["input_ids"], batch["attention_mask"])).squeeze(-1)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, torch.tensor(labels[rows], dtype=torch.float), pos_weight=positive_weight
            )
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
        print(f"epoch {epoch + 1}/{epochs} done after {time.perf_counter() - started:.0f} s", flush=True)


def main() -> int:
    import torch
    from transformers import AutoTokenizer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder with ct24_english_train.tsv")
    parser.add_argument("--out", type=Path, required=True, help="model folder to write")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--learning-rate", type=float, default=LEARNING_RATE)
    parser.add_argument("--limit", type=int, default=0, help="use only this many training sentences (smoke test)")
    args = parser.parse_args()
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    settings = {
        "seed": SEED,
        "holdout_share": HOLDOUT_SHARE,
        "max_tokens": MAX_TOKENS,
        "batch_size": BATCH_SIZE,
        "epochs": args.epochs,
        "learning_rate": args.learning_rate,
        "limit": args.limit,
    }
    print(f"settings {json.dumps(settings)}", flush=True)

    sentences, labels = load_split(args.data, "train")
    if args.limit:
        sentences, labels = sentences[: args.limit], labels[: args.limit]
    tuned_rows, held_rows = holdout_split(labels)
    source = base_model_folder()
    tokenizer = AutoTokenizer.from_pretrained(str(source))
    model = encoder_classifier(source)
    tuned = [sentences[row] for row in tuned_rows]
    fine_tune(model, tokenizer, tuned, labels[tuned_rows], args.epochs, args.learning_rate)

    args.out.mkdir(parents=True, exist_ok=True)
    model.encoder.save_pretrained(str(args.out), safe_serialization=True)
    shutil.copyfile(source / "tokenizer.json", args.out / "tokenizer.json")
    (args.out / "finetune.json").write_text(
        json.dumps(
            {
                "made_by": "training/claims/finetune.py",
                "trained_on": f"CheckThat! 2024 English train, {len(tuned_rows)} of {len(labels)} sentences",
                "holdout_sha256": holdout_digest(held_rows),
                **settings,
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {args.out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
