"""Facets of a claim: what a reviewer has to check in it.

Heuristics without a tagger: numbers and quantities, dates, people, places, organisations and
the speaker the claim is attributed to. Each list keeps the order of appearance without
duplicates; an empty facet is left out of the result.
"""

from __future__ import annotations

import re
from typing import Any

from workers.extraction.lexicon import DATE_DAYS, MONTH_ABBREVIATIONS, MONTHS, THIRD_PERSON_PRONOUNS, WEEKDAYS
from workers.extraction.names import NameIndex, is_pronoun

# Longest first, so that "September" is tried before "Sept" and "Sep".
_MONTH = rf"(?:{'|'.join(sorted((*MONTHS, *MONTH_ABBREVIATIONS), key=len, reverse=True))})\.?"
_WEEKDAY = "|".join(WEEKDAYS)
_DATE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:\s+\d{{4}})?"
    rf"|{_MONTH}\s+\d{{4}}|(?:in|since|by|until|from|of|during)\s+(?:19|20)\d\d(?:s)?"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}"
    rf"|(?:last|next|this|on)\s+(?:{_WEEKDAY}|week|month|year)"
    rf"|(?:{_WEEKDAY})|{'|'.join(DATE_DAYS)})\b"
)
_SCALE = r"(?:hundred|thousand|million|billion|trillion|bn|m|k)\b"
_UNIT = (
    r"(?:percent|per\s+cent|percentage\s+points?|%|people|persons|troops|soldiers|jobs|votes|voters|"
    r"dollars|euros|pounds|years?|months?|weeks?|days?|hours?|km|kilometres|kilometers|miles|kg|tons|tonnes|"
    r"barrels|acres|units|times|points|seats|deaths|cases)"
)
_NUMBER_WORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"sixty|seventy|eighty|ninety|hundred|a\s+dozen|dozens|half|a\s+third|a\s+quarter)"
)
_QUANTITY = re.compile(
    rf"(?:[$€£¥]\s?)?\d[\d,]*(?:\.\d+)?(?:\s?{_SCALE})?(?:\s?{_UNIT})?"
    rf"|\b{_NUMBER_WORD}(?:[\s-]+{_NUMBER_WORD})*(?:\s+{_SCALE})?(?:\s+{_UNIT})\b",
    re.IGNORECASE,
)
_ORGANISATION = re.compile(
    r"\b(?:(?:the\s+)?(?:[A-Z][\w&'’\-]*\s+(?:of\s+(?:the\s+)?)?){0,4}"
    r"(?:Party|Ministry|Department|Council|Commission|Committee|Agency|Bank|University|Institute|Foundation|"
    r"Association|Union|Organi[sz]ation|Corporation|Company|Group|Court|Senate|Congress|Parliament|Army|Navy|"
    r"Force|Police|Service|Office|Board|Fund|Times|Post|News|Journal|Inc\.?|Corp\.?|Ltd\.?|PLC|LLC|"
    r"Campaign|Administration|Government|Cabinet|Assembly|Alliance|Federation|Authority|Bureau)"
    r"(?:\s+(?:of|for)\s+(?:the\s+)?[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*){0,3})?"
    r"|\b[A-Z]{2,6}\b(?!\.))"
)
# Capitals that are not organisations: numerals, places, times, and roles and measures written
# as acronyms ("the CEO of Boeing": Boeing is the organisation, CEO is a job).
_NOT_ORGANISATION = frozenset(
    "I II III IV US UK EU OK TV AM PM CEO CFO COO CTO CIO MP MPS MEP MEPS VP GDP CPI VAT DNA HIV COVID PHD MBA".split()
)
# A job before "of" is a person's, not part of the organisation's name: "the CEO of Acme Corp" is
# Acme Corp's CEO, and the organisation is "Acme Corp".
_ROLE_OF = re.compile(
    r"^(?:the\s+)?(?:(?:Chief|Deputy|Vice|Acting|Former|Executive|Senior)\s+)*"
    r"(?:CEO|CFO|COO|CTO|CIO|VP|Head|Director|Chairman|Chairwoman|Chair|President|Secretary|Minister|"
    r"Governor|Mayor|Spokesman|Spokeswoman|Spokesperson|Leader|Founder|Executive|Officer|Manager|Members?|"
    r"Staff|Employees?|Workers?)\s+of\s+(?:the\s+)?",
    re.IGNORECASE,
)
# Titles written short: a "name" ending in one ("Massachusetts Sen") is a title's first half.
_TITLE_ABBREVIATIONS = frozenset(
    "sen rep gov gen lt col dr mr mrs ms prof pres sgt capt adm maj rev st hon amb supt insp".split()
)
# The last word of a place, building, event or thing that a capitalised run names, not a person:
# "Romare Bearden Park", "The Steve Harvey Morning Show". Common surnames (Hall, Hill, Field, Day,
# Law, House) are left out of it; a run ending in one stays a person.
# The place nouns among them may also end a place after "in" ("in Romare Bearden Park").
_PLACE_NOUNS = frozenset(
    "park square plaza stadium arena airport station bridge river lake island valley beach hospital museum".split()
)
_NAMED_THINGS = _PLACE_NOUNS | frozenset(
    """islands mountain mountains coast canyon hotel tower building mall zoo show series magazine channel
    guard league prize award awards cup games olympics summit conference forum festival treaty accord
    agreement act bill plan program programme report survey index amendment energy street avenue road""".split()
)
# Countries, US states and large cities cover most places in news text; "in <Capitalised>" adds more.
_KNOWN_PLACES = frozenset(
    """afghanistan albania algeria argentina armenia australia austria azerbaijan belarus belgium bolivia bosnia
    brazil bulgaria canada chile china colombia croatia cuba cyprus czechia denmark egypt estonia ethiopia
    finland france georgia germany greece hungary iceland india indonesia iran iraq ireland israel italy japan
    jordan kazakhstan kenya korea kosovo kuwait latvia lebanon libya lithuania luxembourg mexico moldova
    montenegro morocco netherlands nigeria norway pakistan palestine peru philippines poland portugal qatar
    romania russia rwanda serbia slovakia slovenia somalia spain sudan sweden switzerland syria taiwan turkey
    ukraine venezuela vietnam yemen britain england scotland wales europe africa asia america gaza crimea
    donbas kyiv kiev moscow washington london paris berlin brussels beijing tokyo rome madrid warsaw
    alabama alaska arizona arkansas california colorado connecticut delaware florida hawaii idaho illinois
    indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota mississippi
    missouri montana nebraska nevada ohio oklahoma oregon pennsylvania tennessee texas utah vermont virginia
    wisconsin wyoming chicago boston houston philadelphia detroit atlanta miami seattle denver cleveland""".split()
)
_MULTIWORD_PLACE = re.compile(
    r"\b(?:New\s+(?:York|Jersey|Hampshire|Mexico|Zealand|Delhi|Orleans)|North\s+(?:Carolina|Dakota|Korea)|"
    r"South\s+(?:Carolina|Dakota|Korea|Africa|Sudan)|West\s+Virginia|Rhode\s+Island|Saudi\s+Arabia|"
    r"United\s+(?:States|Kingdom|Arab\s+Emirates)|Los\s+Angeles|San\s+Francisco|Hong\s+Kong|Middle\s+East|"
    r"Sri\s+Lanka|Czech\s+Republic|Ivory\s+Coast)\b"
)
_CAPITALISED_WORD = re.compile(r"\b[A-Z][a-zà-ÿ]+\b")
# Not cut from a longer run of capitals ("from Kevin McKinley" names no place "Kevin"), save that a
# place's own last word may follow ("in Romare Bearden Park").
# "Bay" ends places only: it is also a surname, so it does not stop a run from being a person.
_PLACE_WORDS = "|".join(sorted(noun.capitalize() for noun in (*_PLACE_NOUNS, "bay")))
_IN_PLACE = re.compile(
    r"\b(?:in|from|to|near|outside)\s+"
    rf"([A-Z][a-zà-ÿ]+(?:\s+[A-Z][a-zà-ÿ]+)?(?:\s+(?:{_PLACE_WORDS}))?)(?=[\s,.;])(?!\s+[A-Z])"
)
# "[Hh]e|[Ss]he|[Tt]hey"
_EITHER_CASE_PRONOUN = "|".join(f"[{pronoun[0].upper()}{pronoun[0]}]{pronoun[1:]}" for pronoun in THIRD_PERSON_PRONOUNS)
_ATTRIBUTED_TO = re.compile(
    r"\b[Aa]ccording\s+to\s+(?P<a>(?:the\s+)?[\w’'\-. ]{2,60}?)(?=[,.;]|$)"
    rf"|(?P<b>(?:the\s+)?(?:[A-Z][\w’'\-.]*\s+(?:of\s+(?:the\s+)?)?){{0,4}}[A-Z][\w’'\-.]*|{_EITHER_CASE_PRONOUN})\s+"
    r"(?:said|says|stated|told|claimed|announced|added|wrote|argued|insisted|warned)\b"
    r"|\b(?:said|says|stated|claimed|announced)\s+(?P<c>(?:the\s+)?(?:[A-Z][\w’'\-.]*\s*){1,4})(?=[,.;]|$)"
)


def _unique(items: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        cleaned = item.strip(" ,.;")
        if cleaned and cleaned not in seen:
            seen[cleaned] = None
    return list(seen)


def _organisation_name(match: str) -> str:
    """The organisation a match names, without a person's job before "of" ("The New York Times"
    keeps its "The": newspapers are named with it)."""
    return _ROLE_OF.sub("", match.strip())


def _person_name(name: str) -> str | None:
    """The person a run of capitalised words names, or None.

    A possessive ends the person there ("Donald Trump’s" is Donald Trump) or, inside the run,
    starts them after it ("the NFL Network’s Rich Eisen" is Rich Eisen; a lone word after it is
    not taken). Never a title's first half ("Massachusetts Sen"), only places and titles ("Texas
    Gov"), nor a place or thing named after someone ("Romare Bearden Park").
    """
    *owners, name = re.split(r"[’']s\s+", name)
    if owners and len(name.split()) < 2:
        return None
    name = re.sub(r"[’']s?$", "", name)
    words = [word.strip(".").lower() for word in name.split()]
    if not words or words[-1] in _TITLE_ABBREVIATIONS or words[-1] in _NAMED_THINGS:
        return None
    if all(word in _KNOWN_PLACES or word in _TITLE_ABBREVIATIONS for word in words):
        return None
    return name


def claim_facets(sentence: str, names: NameIndex | None = None, position: int = 0) -> dict[str, Any]:
    """The facets of one claim sentence; ``names``/``position`` resolve a pronoun speaker."""
    dates = _unique([match.group() for match in _DATE.finditer(sentence)])
    date_text = " ".join(dates)
    numbers = _unique(
        [match.group() for match in _QUANTITY.finditer(sentence) if match.group().strip() not in date_text]
    )
    organisations = _unique(
        [
            name
            for name in (_organisation_name(match.group()) for match in _ORGANISATION.finditer(sentence))
            if name.upper() not in _NOT_ORGANISATION
        ]
    )
    places = _unique(
        [match.group() for match in _MULTIWORD_PLACE.finditer(sentence)]
        + [word for word in _CAPITALISED_WORD.findall(sentence) if word.lower() in _KNOWN_PLACES]
        + [match.group(1) for match in _IN_PLACE.finditer(sentence)
           if not any(match.group(1) in organisation for organisation in organisations)
           and not re.match(_MONTH + "$", match.group(1))]
    )
    people = _unique([
        name for name in (_person_name(mention) for mention in NameIndex(sentence).mentions())
        if name and name not in places and not any(name in organisation for organisation in organisations)
    ])
    facets: dict[str, Any] = {
        "numbers": numbers, "dates": dates, "people": people, "places": places, "organisations": organisations,
    }
    speaker_match = _ATTRIBUTED_TO.search(sentence)
    if speaker_match:
        speaker = next(group for group in speaker_match.groups() if group).strip()
        if names is not None and (is_pronoun(speaker) or speaker[:1].isupper()):
            speaker = names.resolve(speaker, position + speaker_match.start()) or speaker
        facets["speaker"] = speaker
    return {key: value for key, value in facets.items() if value}
