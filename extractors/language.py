"""Language identification by stop-word scoring.

Laws are long and full of function words, so counting a few dozen of the commonest words of
each language is enough and needs no model or download. Cyrillic text is Russian (the only
Cyrillic language we read). The answer is never assumed: text without evidence raises.
"""

from __future__ import annotations

import re
from collections import Counter

from corpus.errors import C177Error

# Own short lists of very frequent function words, chosen to be distinctive between the
# languages we read (words shared by several languages, like "de", "a", "en", "in", are left
# out or kept only where they are far more frequent in one language).
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the of and to in shall be any or by which is for such as with under this that "
        "on an are from not may his her it has have been who where".split()
    ),
    "es": frozenset(
        "el la los las del que por para con una uno se su sus al lo como será "
        "trabajo trabajadores cuando podrá deberá este esta dicho también ley".split()
    ),
    "pt": frozenset(
        "o os da do das dos que para com uma um não ao pela pelo ser será nos nas em "
        "são trabalho empregado lei também quando".split()
    ),
    "fr": frozenset(
        "le la les des du et est une un dans pour par sur qui que au aux sont ou être "
        "peut ne pas cette travail travailleur".split()
    ),
    "it": frozenset(
        "il lo la gli le dei della delle degli del che per con una uno non sono nel "
        "nella alla al dal essere lavoro lavoratore".split()
    ),
    "de": frozenset(
        "der die das und ist nicht den dem des mit für von zu auf eine ein einer sind "
        "wird werden oder im bei nach auch sich durch".split()
    ),
    "nl": frozenset(
        "de het een van en niet voor met op aan te zijn wordt worden door bij als "
        "dat ook deze artikel werkgever onder".split()
    ),
    "fi": frozenset(
        "ja ei tai sen joka jos kuin mukaan tämän työnantajan työntekijän "
        "työaika työntekijä lain voidaan sekä myös tässä".split()
    ),
}

_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
# How much text we look at: a few hundred thousand characters decide any law.
_SAMPLE = 400_000


class LanguageError(C177Error, ValueError):
    """The text has too little evidence for any language."""


def scores(text: str) -> dict[str, int]:
    """Stop-word hits per language (plus "ru" for Cyrillic letters)."""
    sample = text[:_SAMPLE]
    words = Counter(w.lower() for w in _WORD.findall(sample))
    result = {lang: sum(words[w] for w in stop) for lang, stop in STOPWORDS.items()}
    # Russian: count Cyrillic words; the Latin lists never match them.
    result["ru"] = sum(n for w, n in words.items() if _CYRILLIC.match(w))
    return result


def detect(text: str) -> str:
    """ISO 639-1 code of the text's dominant language; raises `LanguageError` without evidence."""
    sample = text[:_SAMPLE]
    cyr = len(_CYRILLIC.findall(sample))
    lat = len(_LATIN.findall(sample))
    if cyr > lat and cyr >= 20:
        return "ru"
    result = scores(sample)
    result.pop("ru")
    best = max(result, key=lambda lang: result[lang])
    if result[best] < 3:
        raise LanguageError("too little text to tell its language")
    return best
