"""The sentence-encoder runtime: texts in, unit vectors out, with onnxruntime and no torch.

Plain Python with no Django imports (like ``workers.extraction``), shared by claim matching and
any other stage that compares texts by meaning. Public entry points:

- ``get_encoder(folder=None)`` -> ``Encoder``, loaded once per process and folder; the folder's
  ``manifest.json`` and every file it lists are checked (size and SHA-256) before loading
- ``Encoder.embed(texts)`` -> float32 array ``(len(texts), Encoder.dim)``, each row L2-normalised,
  the same vector for the same text whatever it is batched with
- ``Encoder.version``: the model's name and the first 8 hex digits of its SHA-256, e.g.
  ``minilm-l6-v2-int8-1a2b3c4d``; store it beside every stored vector
- ``EncoderUnavailable``: a model file is missing or corrupt; the message names it and the fix.
  There is no silent fallback.
- ``vector_to_bytes`` / ``vector_from_bytes``: the float32 little-endian form vectors are stored in

The committed model lives in ``workers/encoder/model/`` (``MODEL_FOLDER``); it is produced by
``training/encoder/export.py``.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from workers.encoder.errors import EncoderUnavailable
from workers.encoder.runtime import Encoder, load_encoder

MODEL_FOLDER = Path(__file__).resolve().parent / "model"

_loaded: dict[Path, Encoder] = {}
_loading = threading.Lock()


def get_encoder(folder: Path | str | None = None) -> Encoder:
    """The encoder of ``folder`` (default: the committed model), loaded once per process."""
    path = Path(folder).resolve() if folder is not None else MODEL_FOLDER
    with _loading:
        if path not in _loaded:
            _loaded[path] = load_encoder(path)
        return _loaded[path]


def vector_to_bytes(vector: np.ndarray) -> bytes:
    """A vector as float32 little-endian bytes, the form it is stored in."""
    return np.ascontiguousarray(vector, dtype="<f4").tobytes()


def vector_from_bytes(data: bytes, dim: int | None = None) -> np.ndarray:
    """A stored vector back as float32; ``ValueError`` if its length is not ``dim`` numbers."""
    vector = np.frombuffer(data, dtype="<f4").astype(np.float32)
    if dim is not None and vector.shape[0] != dim:
        raise ValueError(f"a stored vector has {vector.shape[0]} numbers, the encoder gives {dim}: embed it again")
    return vector


__all__ = [
    "MODEL_FOLDER",
    "Encoder",
    "EncoderUnavailable",
    "get_encoder",
    "load_encoder",
    "vector_from_bytes",
    "vector_to_bytes",
]
