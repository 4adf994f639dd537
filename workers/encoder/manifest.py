"""The model folder's manifest: which files make the encoder, their sizes and SHA-256, read and checked.

``manifest.json`` beside the model files is written by ``training/encoder/export.py``. Loading
checks every file it lists before a single byte reaches onnxruntime, so a truncated download or a
Git LFS pointer left in place of the model is an ``EncoderUnavailable`` naming the file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from workers.encoder.errors import EncoderUnavailable

MANIFEST_NAME = "manifest.json"
HOW_TO_FIX = (
    "restore the committed files with `git checkout -- {folder}` (or `git lfs pull` if they are LFS "
    "pointers), or rebuild them with `python training/encoder/export.py` (see training/encoder/README.md)"
)
_CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class ModelManifest:
    """What the model folder declares: the model's name, vector size, token limit and checked files."""

    folder: Path
    name: str
    dim: int
    max_tokens: int
    model_file: str
    tokenizer_file: str
    model_sha256: str


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_manifest(folder: Path) -> ModelManifest:
    """Read ``folder/manifest.json`` and check every listed file's size and SHA-256.

    Raises ``EncoderUnavailable`` naming the first missing, truncated or altered file.
    """
    fix = HOW_TO_FIX.format(folder=folder)
    manifest_path = folder / MANIFEST_NAME
    try:
        declared = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise EncoderUnavailable(f"The encoder manifest {manifest_path} is missing: {fix}.") from exc
    except (OSError, ValueError) as exc:
        raise EncoderUnavailable(f"The encoder manifest {manifest_path} cannot be read ({exc}): {fix}.") from exc
    try:
        files: dict[str, dict] = declared["files"]
        manifest = ModelManifest(
            folder=folder,
            name=str(declared["name"]),
            dim=int(declared["dim"]),
            max_tokens=int(declared["max_tokens"]),
            model_file=str(declared["model_file"]),
            tokenizer_file=str(declared["tokenizer_file"]),
            model_sha256=str(files[declared["model_file"]]["sha256"]),
        )
        for needed in (manifest.model_file, manifest.tokenizer_file):
            if not {"sha256", "bytes"} <= set(files[needed]):
                raise KeyError(f"sha256 and bytes for {needed}")
    except (KeyError, TypeError, ValueError) as exc:
        raise EncoderUnavailable(
            f"The encoder manifest {manifest_path} lacks {exc} (it needs name, dim, max_tokens, model_file, "
            f"tokenizer_file and files with sha256 and bytes for each): {fix}."
        ) from exc
    for name, expected in sorted(files.items()):
        _check_file(folder / name, expected, fix)
    return manifest


def _check_file(path: Path, expected: dict, fix: str) -> None:
    if not path.is_file():
        raise EncoderUnavailable(f"The encoder file {path} is missing: {fix}.")
    size = path.stat().st_size
    if size != int(expected["bytes"]):
        raise EncoderUnavailable(
            f"The encoder file {path} has {size} bytes where the manifest says {expected['bytes']} "
            f"(truncated, or a pointer in place of the file): {fix}."
        )
    actual = file_sha256(path)
    if actual != expected["sha256"]:
        raise EncoderUnavailable(
            f"The encoder file {path} is corrupt: its SHA-256 is {actual[:12]}…, the manifest says "
            f"{str(expected['sha256'])[:12]}…: {fix}."
        )
