"""The encoder runtime: unit vectors, the same for a text whatever it is batched with, and checked files."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from workers.encoder import (
    MODEL_FOLDER,
    EncoderUnavailable,
    get_encoder,
    load_encoder,
    vector_from_bytes,
    vector_to_bytes,
)


@pytest.fixture(scope="module")
def encoder():
    return get_encoder()


def _model_copy(tmp_path):
    """A copy of the committed model folder (the big model file linked, not copied)."""
    folder = tmp_path / "model"
    folder.mkdir()
    for path in MODEL_FOLDER.iterdir():
        if path.name == "model.onnx":
            (folder / path.name).symlink_to(path)
        else:
            shutil.copyfile(path, folder / path.name)
    return folder


def test_embed_gives_unit_float32_rows_of_the_declared_size(encoder):
    vectors = encoder.embed(["Vaccines cause autism.", "", "A second, longer sentence about the budget."])

    assert vectors.dtype == np.float32 and vectors.shape == (3, encoder.dim) == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_text_gets_the_same_vector_alone_and_in_a_batch(encoder):
    texts = ["The moon landing was staged.", "Crime fell by 20 percent last year in the city of Chicago."]

    batch = encoder.embed(texts)

    assert np.array_equal(batch[0], encoder.embed(texts[:1])[0])
    assert np.array_equal(batch[1], encoder.embed(texts[::-1])[0])
    assert encoder.embed([]).shape == (0, encoder.dim)


def test_paraphrases_are_closer_than_unrelated_sentences(encoder):
    claim, paraphrase, unrelated = encoder.embed(
        [
            "Obama released 122 Guantanamo detainees who went back to terrorism.",
            "122 prisoners freed from Guantanamo under President Obama returned to the battlefield.",
            "Butterflies drank water from a wombat hole after the Australian bushfires.",
        ]
    )

    assert claim @ paraphrase > 0.7 > 0.3 > claim @ unrelated


def test_version_names_the_model_and_its_checksum(encoder):
    manifest = json.loads((MODEL_FOLDER / "manifest.json").read_text())

    assert encoder.version == f"{manifest['name']}-{manifest['files']['model.onnx']['sha256'][:8]}"
    assert get_encoder() is encoder


def test_vectors_survive_the_stored_byte_form(encoder):
    vector = encoder.embed(["Stored as bytes."])[0]

    data = vector_to_bytes(vector)

    assert len(data) == 4 * encoder.dim
    assert np.array_equal(vector_from_bytes(data, encoder.dim), vector)
    with pytest.raises(ValueError, match="embed it again"):
        vector_from_bytes(data[:-4], encoder.dim)


def test_a_corrupt_file_is_refused_at_load_naming_it_and_the_fix(tmp_path):
    folder = _model_copy(tmp_path)
    tokenizer = folder / "tokenizer.json"
    data = bytearray(tokenizer.read_bytes())
    data[100] ^= 0x01
    tokenizer.write_bytes(bytes(data))

    with pytest.raises(EncoderUnavailable, match=r"tokenizer\.json is corrupt.*SHA-256.*training/encoder/export\.py"):
        load_encoder(folder)


def test_a_truncated_or_missing_file_is_refused_at_load(tmp_path):
    folder = _model_copy(tmp_path)
    tokenizer = folder / "tokenizer.json"
    tokenizer.write_bytes(tokenizer.read_bytes()[:1000])
    with pytest.raises(EncoderUnavailable, match=r"tokenizer\.json has 1000 bytes where the manifest says"):
        load_encoder(folder)

    tokenizer.unlink()
    with pytest.raises(EncoderUnavailable, match=r"tokenizer\.json is missing"):
        load_encoder(folder)


def test_a_missing_or_incomplete_manifest_is_refused(tmp_path):
    folder = _model_copy(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    del manifest["dim"]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(EncoderUnavailable, match="lacks 'dim'"):
        load_encoder(folder)

    (folder / "manifest.json").unlink()
    with pytest.raises(EncoderUnavailable, match=r"manifest .*manifest\.json is missing"):
        get_encoder(folder)
