"""The matcher's version: the fusion's name and the encoder's, so stored scores say what made them."""

from __future__ import annotations

import json

from workers.encoder import MODEL_FOLDER, Encoder
from workers.matching.fusion import FUSION_NAME


def matcher_version(encoder: Encoder) -> str:
    """The version of matching with ``encoder``, e.g. ``bm25-fusion-1+minilm-l6-v2-int8-1a2b3c4d``."""
    return f"bm25-{FUSION_NAME}+{encoder.version}"


def committed_matcher_version() -> str:
    """The version with the committed model, read from its manifest (the files are checked at load)."""
    try:
        manifest = json.loads((MODEL_FOLDER / "manifest.json").read_text(encoding="utf-8"))
        encoder_version = f"{manifest['name']}-{manifest['files'][manifest['model_file']]['sha256'][:8]}"
    except (OSError, ValueError, KeyError, TypeError):
        # Only the label: loading the encoder raises EncoderUnavailable with the reason.
        encoder_version = "encoder-unavailable"
    return f"bm25-{FUSION_NAME}+{encoder_version}"
