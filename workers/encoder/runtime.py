"""The sentence encoder: a transformer run by onnxruntime, mean-pooled and L2-normalised in numpy.

Each text is encoded on its own, without padding. The int8 model quantises activations with one
scale per tensor, so a text batched with others (or with padding) would get a slightly different
vector; one text per run makes a text's vector depend on nothing but the text and the model, which
is what lets vectors stored at import time be compared with vectors computed for a new claim.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from workers.encoder.errors import EncoderUnavailable
from workers.encoder.manifest import HOW_TO_FIX, ModelManifest, load_manifest

# One thread per run: the service's workers run several processes side by side, and a text of
# 30-100 tokens is too small a problem to gain from more.
DEFAULT_THREADS = 1
# A vector's norm below this is treated as zero (an empty text still gets a unit vector).
_TINY_NORM = 1e-12


class Encoder:
    """Texts in, unit vectors out: ``embed(texts)`` -> float32 array of shape ``(len(texts), dim)``.

    ``version`` names the model and the first 8 hex digits of its file's SHA-256, so vectors from
    different models are never mistaken for one another.
    """

    def __init__(self, manifest: ModelManifest, *, threads: int = DEFAULT_THREADS) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.manifest = manifest
        self.dim = manifest.dim
        self.version = f"{manifest.name}-{manifest.model_sha256[:8]}"
        fix = HOW_TO_FIX.format(folder=manifest.folder)
        tokenizer_path = manifest.folder / manifest.tokenizer_file
        model_path = manifest.folder / manifest.model_file
        try:
            self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        except Exception as exc:  # the Rust library raises its own exception type
            raise EncoderUnavailable(
                f"The encoder tokenizer {tokenizer_path} cannot be loaded ({exc}): {fix}."
            ) from exc
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=manifest.max_tokens)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            self._session = onnxruntime.InferenceSession(
                str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own exception types
            raise EncoderUnavailable(f"The encoder model {model_path} cannot be loaded ({exc}): {fix}.") from exc
        self._input_names = {node.name for node in self._session.get_inputs()}
        output_shape = self._session.get_outputs()[0].shape
        if output_shape and isinstance(output_shape[-1], int) and output_shape[-1] != self.dim:
            raise EncoderUnavailable(
                f"The encoder model {model_path} gives vectors of {output_shape[-1]} numbers where the manifest "
                f"says {self.dim}: {fix}."
            )

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """The unit vector of each text, as float32 rows in the order given (deterministic)."""
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            vectors[row] = self._embed_one(text)
        return vectors

    def _embed_one(self, text: str) -> np.ndarray:
        encoding = self._tokenizer.encode(text or "")
        ids = np.asarray([encoding.ids], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        token_vectors = self._session.run(None, feeds)[0][0]
        pooled = token_vectors.mean(axis=0, dtype=np.float64)
        norm = float(np.linalg.norm(pooled))
        if norm < _TINY_NORM:
            pooled = np.ones(self.dim)
            norm = float(np.linalg.norm(pooled))
        return (pooled / norm).astype(np.float32)


def load_encoder(folder: Path, *, threads: int = DEFAULT_THREADS) -> Encoder:
    """Check the folder's manifest and files, then load the encoder (``EncoderUnavailable`` if any fails)."""
    return Encoder(load_manifest(folder), threads=threads)
