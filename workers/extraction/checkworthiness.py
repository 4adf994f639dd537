"""Check-worthiness: how much a sentence is worth fact-checking, as a number from 0 to 1.

A linear model over sparse binary features of the sentence (lower-cased words, word pairs and
a few shape cues such as "has a number"; character n-grams were tried and did not help), trained by
``scripts/train_checkworthiness.py`` and shipped as a small JSON file of feature weights. Scoring
is a sum of dictionary look-ups, so it needs no numerical library and runs in microseconds.
The same ``sentence_features`` function is used for training and scoring, so the two cannot
drift apart.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

MODEL_PATH = Path(__file__).resolve().parent / "models" / "checkworthiness.json"

_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?|\d[\d,]*(?:\.\d+)?|[$%?€£]")
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty sixty seventy "
    "eighty ninety hundred thousand million billion trillion percent half double triple dozen".split()
)


def _normalise_token(token: str) -> str:
    """Lower-case a token and fold numbers into classes, so "1,200" and "37" share a weight."""
    if token[0].isdigit():
        if _YEAR.match(token):
            return "<year>"
        return "<num>"
    return token.lower().replace("’", "'")


def sentence_features(sentence: str) -> set[str]:
    """The sparse binary features of one sentence (a set of feature names)."""
    raw_tokens = _TOKEN.findall(sentence)
    tokens = [_normalise_token(token) for token in raw_tokens]
    features = {"<bias>"}
    features.update("w:" + token for token in tokens)
    padded = ["<s>", *tokens, "</s>"]
    features.update(f"b:{left}_{right}" for left, right in itertools.pairwise(padded))
    # Shape cues: quantities, comparisons and named things are what checkers look for.
    word_count = len(tokens)
    features.add(f"len:{min(word_count // 5, 8)}")
    if any(token in ("<num>", "<year>") or token in _NUMBER_WORDS for token in tokens):
        features.add("shape:number")
    capitalised = sum(1 for token in raw_tokens[1:] if token[0].isupper())
    features.add(f"shape:caps{min(capitalised, 4)}")
    if sentence.rstrip(" \"'”’").endswith("?"):
        features.add("shape:question")
    return features


@dataclass(frozen=True, slots=True)
class CheckworthinessModel:
    """Weights of a logistic model over ``sentence_features``, and the default claim threshold."""

    weights: dict[str, float]
    threshold: float
    digest: str  # sha256 of the model file, part of EXTRACTOR_VERSION

    def score(self, sentence: str) -> float:
        """Probability-like check-worthiness of ``sentence`` in 0..1."""
        features = sentence_features(sentence)
        # Binary features, L2-normalised as in training: each active feature counts 1/sqrt(n).
        scale = 1.0 / math.sqrt(len(features))
        weights = self.weights
        total = self.weights.get("<intercept>", 0.0)
        total += scale * sum(weights.get(feature, 0.0) for feature in features)
        if total < -30:
            return 0.0
        return 1.0 / (1.0 + math.exp(-total))


def load_model(path: Path = MODEL_PATH) -> CheckworthinessModel:
    """Load the shipped model (plain JSON: {"weights": {...}, "threshold": float})."""
    payload = path.read_bytes()
    data = json.loads(payload)
    return CheckworthinessModel(
        weights={str(name): float(value) for name, value in data["weights"].items()},
        threshold=float(data["threshold"]),
        digest=hashlib.sha256(payload).hexdigest(),
    )
