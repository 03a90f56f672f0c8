"""A person's display name split into CSL's parts, for references and exports.

Papers keep each author as one display string (``Anne van der Berg``, ``John Smith
Jr.``: ``bibvalues.display_name`` puts BibTeX's ``von Last, Jr, First`` in reading
order). Styles and other formats need the parts: ``van der`` is a particle (APA prints
``van der Berg, A.``, not ``Berg, A. van der``), ``Jr.`` a suffix (``Smith, J., Jr.``,
not ``Jr., J. S.``). The string is split with BibTeX's grammar for ``First von Last``
(bibtexparser's, the same rules BibTeX applies), a trailing generational suffix taken
off first, since reading order loses the commas that marked it.

Where a file said where the family name starts (BibTeX's ``Grenier Ouimet, Antoine``,
CSL's ``family`` and ``given``, RIS's ``Family, Given``) and the split would put it
elsewhere (``Ouimet``, given ``Antoine Grenier``), the paper keeps that family name
(``Paper.family_names``, found by ``recorded_family``), and the name is split there.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Words that make an author an organisation, to be written whole (``World Health
# Organization``, ``Gemini Team``), never as ``Organization, W. H.``: a paper keeps each
# author as one display string, and does not say which are organisations.
# (Whole words only, not a hyphenated name's part: Juan Soler-Company is a person. No
# "board": Raymond Board is one too.)
_ORGANISATION = re.compile(
    r"(?<![\w-])(organi[sz]ation|consortium|association|institute|team|group|committee|"
    r"project|university|collaboration|initiative|foundation|inc|ltd|laborator(y|ies)|lab|"
    r"society|council|agency|corporation|company|center|centre|network|alliance|"
    r"department|ministry|office|research|google|deepmind|openai|meta|microsoft)(?![\w-])",
    re.IGNORECASE,
)

# Generational suffixes; a lone "V" is left alone: it is more often an initial.
_SUFFIX = re.compile(r"(?:jr|sr|jnr|snr|ii|iii|iv|2nd|3rd|4th)\.?", re.IGNORECASE)


def _take_suffix(name: str) -> tuple[str, str]:
    """``John Smith Jr.`` -> (``John Smith``, ``Jr.``); ``John Smith, Jr.`` too."""
    rest, _, last = name.rpartition(" ")
    if rest and " " in rest.strip(" ,") and _SUFFIX.fullmatch(last):
        return rest.rstrip(" ,"), last
    return name, ""


def is_organisation(name: str) -> bool:
    """Whether an author's name reads as an organisation's (``Google DeepMind``, ``The ACME
    Consortium``): written whole in references and exports."""
    return _ORGANISATION.search(name) is not None


def name_parts(name: str, literal: bool = False, family: str | None = None) -> dict[str, str]:
    """CSL name parts of a display name: ``family``, ``given``, ``non-dropping-particle``
    (BibTeX's von part), ``suffix``; a single word, a name still holding a comma, an
    organisation's (``is_organisation``), or one its file wrote whole (``literal``:
    ``Paper.literal_names``) is a ``literal``. ``family``: the family name its file gave
    (``Paper.family_of``), where the name is split instead: ``Antoine Grenier Ouimet``
    is then given ``Antoine``, family ``Grenier Ouimet``."""
    if literal:
        return {"literal": name}
    found = _parts_at(name, family) if family else None
    return found if found is not None else _parts(name)


def _parts_at(name: str, family: str) -> dict[str, str] | None:
    """The parts of a name split before ``family`` (its leading lower-case words the
    particle, as BibTeX's von part), or None when the name does not end with it."""
    base, suffix = _take_suffix(name)
    given = base[: -len(family)] if base.endswith(family) else ""
    if not given.endswith(" ") or not given.strip():
        return None
    words = family.split()
    cut = 0
    while cut < len(words) - 1 and words[cut][:1].islower():
        cut += 1
    found = {"family": " ".join(words[cut:]), "given": given.strip()}
    if cut:
        found["non-dropping-particle"] = " ".join(words[:cut])
    if suffix:
        found["suffix"] = suffix
    return found


def _full_family(parts: dict[str, str]) -> str:
    """The family name with its particle: ``van der Berg``."""
    return " ".join(p for p in (parts.get("non-dropping-particle"), parts["family"]) if p)


def recorded_family(name: str, family: str) -> tuple[str, str] | None:
    """(``name``, ``family``) when ``family``, the family name (with any particle) a file
    gave the person shown as ``name``, is not what splitting ``name`` gives: (``Antoine
    Grenier Ouimet``, ``Grenier Ouimet``), kept in ``Paper.family_names``. None for the
    usual name (``Anne van der Berg``, ``van der Berg``), an organisation's, or a family
    name the name does not end with."""
    if " " not in family:
        return None  # one word: the split's own (the common case, decided at once)
    parts = _parts(name)
    if "given" not in parts or _full_family(parts) == family:
        return None
    return (name, family) if _parts_at(name, family) is not None else None


@lru_cache(maxsize=65536)
def _parts(name: str) -> dict[str, str]:
    if name == "others":  # a person so named, not the "and others" marker
        return {"family": name}
    base, suffix = _take_suffix(name)
    if " " not in base or "," in base or is_organisation(name):
        return {"literal": name}
    if all(word[0].isupper() for word in base.split()):
        found = _first_last(base)  # no von part: most names, without the parser's cost
    else:
        found = _split_with_von(base)
    if suffix:
        found["suffix"] = suffix
    return found


def _first_last(base: str) -> dict[str, str]:
    given, _, family = base.rpartition(" ")
    return {"family": family, "given": given}


def _split_with_von(base: str) -> dict[str, str]:
    from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts

    try:
        parts = parse_single_name_into_parts(base, strict=False)
    except (InvalidNameError, ValueError, IndexError):
        parts = None
    if parts is None or not parts.first or not parts.last:
        # "danah boyd", all lower case, is all von part to BibTeX: split at the last space.
        return _first_last(base)
    found = {"family": " ".join(parts.last), "given": " ".join(parts.first)}
    if parts.von:
        given, particle = _capitalised_particle(parts.first, parts.von)
        found["given"] = " ".join(given)
        found["non-dropping-particle"] = " ".join(particle)
    return found


# Particles a name may start with a capital (``Tim Van de Cruys``, ``Anne Van der Berg``:
# Flemish names, and Dutch ones written family name first), lower-cased for comparing.
_PARTICLES = frozenset(
    "van von de den der di da du del della des dos das la le ten ter op".split()  # noqa: SIM905
)


def _capitalised_particle(first: list[str], von: list[str]) -> tuple[list[str], list[str]]:
    """BibTeX's grammar starts the von part at its first lower-case word, so ``Anne Van
    der Berg`` is given ``Anne Van`` and particle ``der`` (APA's ``der Berg, A. V.``): the
    capitalised particles just before it are moved from the given names to the particle,
    keeping at least one given name."""
    cut = len(first)
    while cut > 1 and first[cut - 1].lower() in _PARTICLES:
        cut -= 1
    return first[:cut], first[cut:] + von


def family_first(name: str, literal: bool = False, family: str | None = None) -> str:
    """``van der Berg, Anne``; ``Smith, John, Jr.`` (RIS's ``Last, First, Suffix``); a
    ``literal`` name as it is; split before the ``family`` its file gave (``Grenier
    Ouimet, Antoine``)."""
    parts = name_parts(name, literal, family)
    if "given" not in parts:
        return name
    return ", ".join(p for p in (_full_family(parts), parts["given"], parts.get("suffix")) if p)


def bibtex_name_order(name: str, family: str | None = None) -> tuple[str, ...] | None:
    """(``von Last``, ``Jr``, ``First``) for a name BibTeX would misread in reading order:
    one with a suffix (``John Smith Jr.`` is to BibTeX a man called ``Jr.``), one whose
    ``family`` its file gave (``Antoine Grenier Ouimet`` is to BibTeX a Mr Ouimet: written
    ``Grenier Ouimet, Antoine``, without ``Jr`` when there is none), or one whose family
    name BibTeX's grammar would cut elsewhere (``Tim Van de Cruys`` is to BibTeX given ``Tim
    Van``, family ``de Cruys``); else None."""
    if not family and not _take_suffix(name)[1] and _capitalised_words(name):
        return None  # the common case, decided without splitting the name
    parts = name_parts(name, family=family)
    if "given" not in parts:
        return None
    if not (family or parts.get("suffix")) and _bibtex_family(name) == _full_family(parts):
        return None
    return tuple(p for p in (_full_family(parts), parts.get("suffix"), parts["given"]) if p)


def _capitalised_words(name: str) -> bool:
    """Whether every word starts with a capital: BibTeX then splits at the last space too."""
    return all(word[0].isupper() for word in name.split())


@lru_cache(maxsize=65536)
def _bibtex_family(name: str) -> str | None:
    """The family name (von and last parts) BibTeX's grammar reads in ``name`` written in
    reading order, or None when it cannot be read."""
    from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts

    try:
        parts = parse_single_name_into_parts(name, strict=False)
    except (InvalidNameError, ValueError, IndexError):
        return None
    return " ".join([*parts.von, *parts.last]) if parts is not None else None
