"""The cleaner keeps a photo's caption and drops its credit line."""

from __future__ import annotations

from workers.extraction import clean_text, extract


def test_a_caption_stays_as_its_own_paragraph_and_its_credit_goes() -> None:
    raw = (
        "Air defence for the summit\n\n"
        "Soldiers unload a Patriot launcher at the Vilnius airport on Monday.\n"
        "Photo: Example Armed Forces\n"
        "The government said the system would stay until August."
    )

    body = clean_text(raw)

    assert body == (
        "Air defence for the summit\n\n"
        "Soldiers unload a Patriot launcher at the Vilnius airport on Monday.\n\n"
        "The government said the system would stay until August."
    )


def test_a_caption_can_be_a_claim_and_a_credit_never_is() -> None:
    body = clean_text(
        "Headline here\n\nTroops deployed 12 Patriot batteries to Lithuania in 2023.\n(Photo by A. Smith/Getty Images)"
    )

    texts = [claim.text for claim in extract(body, claim_threshold=0.0).claims]

    assert "Getty" not in body
    assert any("12 Patriot batteries" in text for text in texts)


def test_credit_lines_by_their_shape_and_prose_that_only_mentions_a_photo_is_kept() -> None:
    credits = ["(Photo by A. Smith/Getty Images)", "Photo courtesy of the Ministry of Defence", "Photo: Reuters"]
    prose = "Photo by photo, the archive shows how the city changed."

    body = clean_text("Headline here\n\n" + "\n".join(credits) + "\n\n" + prose)

    assert body == "Headline here\n\n" + prose
