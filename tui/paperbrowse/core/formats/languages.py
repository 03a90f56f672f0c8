"""The languages and countries biblatex files name, as what they stand for.

- A paper's language (biblatex ``langid``, ``hyphenation`` or ``language``; CSL's
  ``language``) decides whether its title may change case: CSL title-cases only English
  items, and those naming no language (the style's own, English for ours). A title in
  German or French keeps its capitals as written ("Die Geschichte der modernen Kunst").
- biblatex's localisation keys (``countryfr``, ``langgerman``: the biblatex manual's
  "Localization Keys", the strings of its ``english.lbx``) are read as the names they
  print, "France" and "German"; a country key biblatex does not define is dropped,
  never printed; other words stay.
"""

from __future__ import annotations

import re

# biblatex's ``english.lbx``: the country keys (a patent's ``location``) and the language
# keys (``language``, ``origlanguage``), as English prints them.
COUNTRIES = {
    "countryde": "Germany",
    "countryeu": "European Union",
    "countryep": "European Union",
    "countryfr": "France",
    "countryuk": "United Kingdom",
    "countryus": "United States of America",
}
LANGUAGES = {
    "langamerican": "American",
    "langbasque": "Basque",
    "langbrazilian": "Brazilian",
    "langbulgarian": "Bulgarian",
    "langcatalan": "Catalan",
    "langcroatian": "Croatian",
    "langczech": "Czech",
    "langdanish": "Danish",
    "langdutch": "Dutch",
    "langenglish": "English",
    "langestonian": "Estonian",
    "langfinnish": "Finnish",
    "langfrench": "French",
    "langgalician": "Galician",
    "langgerman": "German",
    "langgreek": "Greek",
    "langhungarian": "Hungarian",
    "langitalian": "Italian",
    "langjapanese": "Japanese",
    "langlatin": "Latin",
    "langlatvian": "Latvian",
    "langlithuanian": "Lithuanian",
    "langnorwegian": "Norwegian",
    "langpolish": "Polish",
    "langportuguese": "Portuguese",
    "langrussian": "Russian",
    "langslovak": "Slovak",
    "langslovene": "Slovene",
    "langspanish": "Spanish",
    "langswedish": "Swedish",
    "langturkish": "Turkish",
    "langukrainian": "Ukrainian",
}
# A country's key, read as its name or dropped when biblatex has none ("countryxx"); a
# language's only when biblatex has it: a place written "langley" is a place.
_COUNTRY_KEY = re.compile(r"country[a-z]{2}")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)

# English by babel's names without "english" in them (biblatex ``langid``), and
# biblatex's key for one; the rest is told by "en" first or "english" in it (below).
_ENGLISH_NAMES = frozenset(
    {"american", "british", "canadian", "australian", "newzealand", "langamerican"}
)


def localised(value: str) -> str:
    """``countryfr and countryuk and countryde`` -> ``France, United Kingdom and Germany``
    (biblatex's list, as its English prints it); a country key biblatex does not define
    (``countryxx``) left out; anything else (``Paris and London``) as it is."""
    parts = [part.strip() for part in _AND.split(value.strip())]
    if not any(_COUNTRY_KEY.fullmatch(part) or part in LANGUAGES for part in parts):
        return value
    names = [name for name in map(_name_of, parts) if name]
    return " and ".join(filter(None, [", ".join(names[:-1]), *names[-1:]]))


def _name_of(part: str) -> str:
    if _COUNTRY_KEY.fullmatch(part):
        return COUNTRIES.get(part, "")
    return LANGUAGES.get(part, part)


# ISO 639's codes for no language in particular: undetermined, several, no language content.
_NO_LANGUAGE = frozenset({"und", "mul", "zxx"})


def is_english(language: str | None) -> bool:
    """Whether a paper in ``language`` (the first it names) may be title-cased: English,
    or none named."""
    if not language or not language.strip():
        return True
    first = _AND.split(language.strip())[0].strip().lower()
    if not first or first in _NO_LANGUAGE:
        return True
    # "en", "en-US", "en_GB", ISO 639-2's "eng" (Mendeley writes it), "British English": a
    # code that starts with "en" (ISO 639-3's Enga, "enq", aside), or a name with "english".
    return first in _ENGLISH_NAMES or first.startswith("en") or "english" in first
