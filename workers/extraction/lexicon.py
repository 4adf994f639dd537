"""Word lists that several rules of the engine share, each written once; the rules import them from here.

Where one rule uses only part of a concept (fewer titles, fewer month abbreviations), that part is a
named subset that the fuller list is built from, and its comment says what the fuller list would change.
Changing a list changes the rules: bump ``RULES_VERSION`` in ``scoring``.
"""

from __future__ import annotations

# Titles written before a name, abbreviated, as spelled in text without their full stop.
COURTESY_TITLES = ("Mr", "Mrs", "Ms", "Dr")
# The titles a run of capitalised words in ``names`` may open with. Only these: with the rest of
# TITLE_ABBREVIATIONS, "Pres. Obama" would be one person mention instead of "Pres" and "Obama",
# which changes the person facets of claims in the PolNeAR training articles.
NAME_RUN_TITLES = (*COURTESY_TITLES, "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Capt", "Sgt", "Prof", "Rev")
# Every title of a quote's speaker; its full stop never ends a sentence.
TITLE_ABBREVIATIONS = (*NAME_RUN_TITLES, "Pres", "Adm", "Maj", "Cpl", "Supt", "Insp", "Det", "Hon")
# Titles that only sentence segmentation knows. For the quote rules their full stop ends a sentence:
# as speaker titles, "Parish priest Fr. Tom Reyes said: “...”" would name "Fr. Tom Reyes", not "Tom Reyes".
SEGMENTATION_TITLES = ("Mx", "Cmdr", "Brig", "Fr")
# Abbreviations after a name; unlike a title, their full stop may end a sentence ("... Luther King Jr.").
NAME_SUFFIXES = ("Sr", "Jr")
# Titles spelled out (lower case), which ``names`` strips from the front of a mention.
SPELLED_TITLES = (
    "sir dame lord lady president senator governor general minister secretary chancellor judge justice mayor "
    "representative speaker congressman congresswoman ambassador director chairman chairwoman chief prime king "
    "queen prince princess pope sheriff commissioner councilman councilwoman candidate nominee former vice deputy "
    "spokesman spokeswoman"
).split()
# Titles that tell a person's gender (lower case).
MALE_TITLES = ("mr", "sir", "lord", "king", "prince", "congressman", "councilman", "spokesman", "chairman")
FEMALE_TITLES = (
    "mrs", "ms", "miss", "dame", "lady", "queen", "princess", "congresswoman", "councilwoman", "spokeswoman",
    "chairwoman",
)

# Lower-case words inside a name ("Charles de Gaulle"). A run of capitalised words in ``names``
# takes only these: with the rest of NAME_PARTICLES, "Marie du Pont ... Pont said" would resolve
# the speaker "Pont" to "Marie du Pont".
NAME_RUN_PARTICLES = ("de", "van", "von", "bin", "al", "da", "del", "la", "le", "di")
# Every particle a speaker's name in the quote rules may hold.
NAME_PARTICLES = (*NAME_RUN_PARTICLES, "du", "der", "den", "ter", "y")

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
)
MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec")
# The abbreviations that the quote rules take for a date rather than a name. Without "Mar", "Apr",
# "Jun" and "Jul": with them, "Mar-a-Lago's spokesman said" would lose its possessor ("spokesman").
SPEAKER_RULE_MONTH_ABBREVIATIONS = tuple(
    abbreviation for abbreviation in MONTH_ABBREVIATIONS if abbreviation not in ("Mar", "Apr", "Jun", "Jul")
)
# Days named from the day of writing (lower case). The quote rules add "tonight" where a speaker is
# followed by when he spoke ("Ames tonight said") and claim facets add "tomorrow" to dates; each
# other's word would change them ("tonight" becomes a date facet of claims in the PolNeAR articles,
# and "“...,” Ames tomorrow will say" would find "tomorrow will" as the speaker).
NEAR_DAYS = ("yesterday", "today")
SPEECH_DAYS = (*NEAR_DAYS, "tonight")
DATE_DAYS = (*NEAR_DAYS, "tomorrow")

# Pronouns that are the subject of a cue ("he said"), as written in lower case ("I" always upper).
THIRD_PERSON_PRONOUNS = ("he", "she", "they")
SUBJECT_PRONOUNS = (*THIRD_PERSON_PRONOUNS, "I", "we")
# Every pronoun that stands for a person named elsewhere ("he", "told them", "their").
PRONOUNS = (*SUBJECT_PRONOUNS, "it", "him", "her", "them", "his", "hers", "their")
MALE_PRONOUNS = ("he", "him", "his", "himself")
FEMALE_PRONOUNS = ("she", "her", "hers", "herself")
# Possessive determiners ("his adviser"); ``names`` also knows the first and second person ones.
THIRD_PERSON_POSSESSIVES = ("his", "her", "their", "its")
POSSESSIVES = (*THIRD_PERSON_POSSESSIVES, "our", "my", "your")

# Cue words that may open a sentence before the speaker ("Said Comey, “...”", "Asked Ames, “...”"),
# and so are not part of a capitalised name run (lower case).
SENTENCE_OPENING_CUES = ("said", "says", "added", "wrote", "replied", "asked")
