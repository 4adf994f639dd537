"""Inter-reviewer agreement: Cohen's kappa for a pair, Krippendorff's alpha for everyone.

Input is ``{item_id: {reviewer: label}}`` with nominal labels (the verdicts). Plain Python.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations


def cohen_kappa(pairs: list[tuple[str, str]]) -> float | None:
    """Cohen's kappa over items both reviewers labelled: (p_o - p_e) / (1 - p_e).

    ``None`` with no shared items. When chance agreement is total (both always gave the same
    single label), kappa is undefined; 1.0 is returned if they agreed on everything.
    """
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    expected = sum(first[label] * second[label] for label in first) / (n * n)
    if expected == 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return (observed - expected) / (1 - expected)


def krippendorff_alpha_nominal(units: dict[object, dict[str, str]]) -> float | None:
    """Krippendorff's alpha for nominal data: 1 - D_o / D_e, from the coincidence matrix.

    Units with fewer than two labels carry no pairable values and are left out. ``None`` when
    fewer than two pairable values exist; 1.0 when every value is the same label.
    """
    coincidences: Counter[tuple[str, str]] = Counter()
    for labels in units.values():
        values = list(labels.values())
        m = len(values)
        if m < 2:
            continue
        for i, a in enumerate(values):
            for j, b in enumerate(values):
                if i != j:
                    coincidences[(a, b)] += 1 / (m - 1)
    n = sum(coincidences.values())
    if n < 2:
        return None
    totals: Counter[str] = Counter()
    for (a, _), weight in coincidences.items():
        totals[a] += weight
    observed_disagreement = sum(w for (a, b), w in coincidences.items() if a != b) / n
    expected_disagreement = sum(totals[a] * totals[b] for a in totals for b in totals if a != b) / (n * (n - 1))
    if expected_disagreement == 0:
        return 1.0
    return 1 - observed_disagreement / expected_disagreement


def agreement_report(units: dict[object, dict[str, str]]) -> dict:
    """Alpha over all units with two or more labels, and kappa for every reviewer pair."""
    reviewers = sorted({reviewer for labels in units.values() for reviewer in labels})
    pairs = []
    for first, second in combinations(reviewers, 2):
        shared = [(labels[first], labels[second]) for labels in units.values() if first in labels and second in labels]
        if shared:
            kappa = cohen_kappa(shared)
            pairs.append(
                {
                    "reviewers": [first, second],
                    "items": len(shared),
                    "kappa": None if kappa is None else round(kappa, 4),
                }
            )
    multi = {unit: labels for unit, labels in units.items() if len(labels) >= 2}
    alpha = krippendorff_alpha_nominal(multi)
    return {
        "items": len(multi),
        "reviewers": reviewers,
        "krippendorff_alpha": None if alpha is None else round(alpha, 4),
        "pairs": pairs,
    }
