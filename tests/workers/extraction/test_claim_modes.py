"""Claims modes: the encoder head loads offline and checks its files; the fast mode is unchanged."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from workers.encoder import get_encoder
from workers.extraction import ClaimModelUnavailable, extract, extractor_version, get_scorer
from workers.extraction.checkworthiness import load_model
from workers.extraction.claimhead import CLAIMS_ENCODER_FOLDER, HEAD_PATH, load_head, weights_digest
from workers.extraction.scoring import load_encoder_scorer, resolve_mode

TEXT = (
    "Russia fired over 330 missiles at Ukraine in June, the air force said. "
    "General Kellogg voiced admiration for the courage of Ukraine's defenders. "
    "The Senate passed the bill by 68 votes to 32 on Tuesday."
)


def _rewrite_head(tmp_path: Path, change) -> Path:
    data = json.loads(HEAD_PATH.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "claims_head.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_default_mode_is_encoder_and_env_chooses(monkeypatch) -> None:
    monkeypatch.delenv("CLAIMS_MODE", raising=False)
    assert resolve_mode() == "encoder"
    monkeypatch.setenv("CLAIMS_MODE", "fast")
    assert resolve_mode() == "fast" and resolve_mode("encoder") == "encoder"
    with pytest.raises(ValueError, match="unknown claims mode"):
        resolve_mode("large")


def test_encoder_mode_loads_offline_and_names_its_models(monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    scorer = get_scorer("encoder")
    encoder_sha = get_encoder(CLAIMS_ENCODER_FOLDER).manifest.model_sha256
    head = load_head()
    assert scorer.version == f"rules-11+encoder-{encoder_sha[:8]}+head-{head.digest[:8]}"
    assert re.fullmatch(r"rules-\d+\+encoder-[0-9a-f]{8}\+head-[0-9a-f]{8}", extractor_version("encoder"))
    assert extractor_version("encoder") != extractor_version("fast")
    assert extract(TEXT, mode="encoder").version == scorer.version
    assert 0.0 < scorer.threshold < 1.0


def test_encoder_scores_are_deterministic_calibrated_and_in_range() -> None:
    scorer = get_scorer("encoder")
    sentences = [sentence.strip() + "." for sentence in TEXT.split(".") if sentence.strip()]
    first = scorer.score_many(sentences)
    assert first == scorer.score_many(sentences)
    assert first == [scorer.score_many([sentence])[0] for sentence in sentences], "batching changes no score"
    assert all(0.0 <= score <= 1.0 for score in first)
    assert extract(TEXT, mode="encoder") == extract(TEXT, mode="encoder")


def test_fast_mode_is_the_sparse_model_alone() -> None:
    sparse = load_model()
    result = extract(TEXT, mode="fast", claim_threshold=0.0)
    assert result.version == f"rules-11+model-{sparse.digest[:12]}"
    assert [claim.score for claim in result.claims] == [round(sparse.score(claim.text), 4) for claim in result.claims]
    default = {claim.text for claim in extract(TEXT, mode="fast").claims}
    assert default == {claim.text for claim in result.claims if claim.score >= sparse.threshold}


def test_version_changes_when_the_head_changes(tmp_path) -> None:
    def nudge(data: dict) -> None:
        data["numbers"]["intercept"] += 0.01
        data["numbers_sha256"] = weights_digest(data["numbers"])

    changed = load_encoder_scorer(load_model(), load_head(_rewrite_head(tmp_path, nudge)))
    assert changed.version != get_scorer("encoder").version
    assert changed.version.startswith("rules-11+encoder-")


def test_corrupt_or_missing_head_is_a_clear_error(tmp_path) -> None:
    def tamper(data: dict) -> None:
        data["numbers"]["vector_weights"][0] += 1.0

    with pytest.raises(ClaimModelUnavailable, match=r"corrupt.*SHA-256"):
        load_head(_rewrite_head(tmp_path, tamper))
    truncated = tmp_path / "truncated.json"
    truncated.write_bytes(HEAD_PATH.read_bytes()[:1000])
    with pytest.raises(ClaimModelUnavailable, match="corrupt"):
        load_head(truncated)
    with pytest.raises(ClaimModelUnavailable, match=r"missing.*training/claims/train\.py"):
        load_head(tmp_path / "absent.json")


def test_head_of_another_encoder_or_sparse_model_is_refused(tmp_path) -> None:
    def other_encoder(data: dict) -> None:
        data["encoder_model_sha256"] = "0" * 64

    def other_sparse(data: dict) -> None:
        data["sparse_model_sha256"] = "0" * 64

    with pytest.raises(ClaimModelUnavailable, match="trained with encoder"):
        load_encoder_scorer(load_model(), load_head(_rewrite_head(tmp_path, other_encoder)))
    with pytest.raises(ClaimModelUnavailable, match="trained with sparse model"):
        load_encoder_scorer(load_model(), load_head(_rewrite_head(tmp_path, other_sparse)))


def test_worker_start_stops_on_a_broken_model(tmp_path, monkeypatch, settings) -> None:
    from workers import startup
    from workers.extraction import scoring

    broken = tmp_path / "claims_head.json"
    shutil.copy(HEAD_PATH, broken)
    broken.write_bytes(broken.read_bytes().replace(b'"numbers_sha256": "', b'"numbers_sha256": "0'))
    monkeypatch.setattr(scoring, "HEAD_PATH", broken)
    monkeypatch.setattr(scoring, "_scorers", {})
    settings.CLAIMS_MODE = "encoder"
    with pytest.raises(SystemExit, match=r"cannot score claims: .*claims_head\.json is corrupt"):
        startup.load_claim_models()
    settings.CLAIMS_MODE = "fast"
    startup.load_claim_models()  # the fast mode needs no head


def test_a_text_past_the_encoders_sentence_limit_is_scored_in_fast_mode(monkeypatch) -> None:
    from workers.extraction import engine

    text = "Unemployment fell to 4.1 percent in June. Exports rose by 12 percent last year. " * 2
    assert extract(text, mode="encoder").version == extractor_version("encoder")

    monkeypatch.setattr(engine, "ENCODER_MAX_SENTENCES", 3)
    past_limit = extract(text, mode="encoder")

    assert past_limit.version == extractor_version("fast")
    assert past_limit.claims == extract(text, mode="fast").claims


def _label_rows(name: str) -> list[dict[str, str]]:
    """The rows of a news label file beside training/claims/train.py (comment lines skipped)."""
    import csv

    path = Path(__file__).resolve().parents[3] / "training" / "claims" / name
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t"))


@pytest.mark.parametrize(
    ("name", "split", "at_least"), [("news_labels", "train", 400), ("news_check_labels", "dev", 200)]
)
def test_the_news_labels_are_offsets_into_their_own_split_only(name, split, at_least) -> None:
    """The rubric-labelled news sets keep no text (the shared data is never copied): the fitted one
    points into PolNeAR train articles, the check set into dev ones, neither into test."""
    rows = _label_rows(f"{name}.tsv")
    assert list(rows[0]) == ["article", "start", "end", "label"]
    assert len(rows) >= at_least and {row["label"] for row in rows} == {"0", "1"}
    assert all(0 <= int(row["start"]) < int(row["end"]) for row in rows)
    spans = [(row["article"], int(row["start"])) for row in rows]
    assert len(spans) == len(set(spans)), "a sentence is labelled once"
    polnear = Path(__file__).resolve().parents[4] / "shared" / "datasets" / "polnear"
    if polnear.is_dir():  # where the shared data is here: every article is one of its split's
        articles = {file.stem for file in (polnear / split / "text").glob("*.txt")}
        assert {row["article"] for row in rows} <= articles


def test_no_article_is_both_fitted_on_and_held_out() -> None:
    fitted = {row["article"] for row in _label_rows("news_labels.tsv")}
    held_out = {row["article"] for row in _label_rows("news_check_labels.tsv")}
    assert len(fitted) >= 20 and len(held_out) >= 10
    assert not fitted & held_out
