"""`c177_lemmatizer`: lookup lemmas keyed on the lowercased form, plus the lexicons' domain
lemmas (configured by the name of a lexicon, loaded in `initialize`)."""

from __future__ import annotations

from importlib.metadata import version
from typing import Any, cast

from spacy.attrs import LEMMA, LOWER
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.strings import get_string_id
from spacy.tokens import Doc
from thinc.types import Ints2d

from classifiers.cache import cached
from classifiers.lexicon import NATIVE_LANGUAGES, load_lexicon


class LowerLookupLemmatizer:
    """Lookup lemmas keyed on the lowercased form, plus the lexicons' domain lemmas.

    spaCy's own lookup lemmatizer is case-sensitive ("Workers" stays "Workers") and lacks
    domain words; laws capitalise freely (headings, German nouns), so we lowercase first.
    """

    def __init__(self, nlp: Language, name: str, lexicon: str):
        self.name = name
        self.lexicon = lexicon
        self.vocab = nlp.vocab
        self._table: dict[int, Any] = {}
        self._extra: dict[str, str] = {}
        self._cache: dict[int, int] = {}  # lowercase id -> lemma id

    def initialize(self, get_examples: Any = None, *, nlp: Language | None = None) -> None:
        lang = self.vocab.lang
        if lang in NATIVE_LANGUAGES:
            self._table = cached(
                f"lemma_lookup/{lang}-{version('spacy-lookups-data')}",
                dict,
                lambda: _lemma_table(lang),
            )
        self._extra = {
            k.lower(): v.lower() for k, v in load_lexicon(self.lexicon).get("lemmas", {}).items()
        }
        self._cache = {}

    def lemma(self, lower: str) -> str:
        if lower in self._extra:
            return self._extra[lower]
        found = self._table.get(get_string_id(lower), lower)  # keyed as spaCy's Table keys
        if isinstance(found, list):
            found = found[0] if found else lower
        return found

    def __call__(self, doc: Doc) -> Doc:
        # through arrays of string ids: creating a Token object per word cost more than
        # the lookups themselves
        cache = self._cache
        strings = doc.vocab.strings
        lowers = doc.to_array([LOWER])
        lemmas = lowers.copy()
        for i, key in enumerate(lowers.tolist()):
            lemma = cache.get(key)
            if lemma is None:
                lemma = strings.add(self.lemma(strings[key]))
                if len(cache) < 500_000:  # bound memory on huge corpora
                    cache[key] = lemma
            lemmas[i] = lemma
        doc.from_array([LEMMA], cast(Ints2d, lemmas))  # spaCy's stub is narrower than its API
        return doc


@Language.factory("c177_lemmatizer", default_config={"lexicon": "en"})
def make_lemmatizer(nlp: Language, name: str, lexicon: str) -> LowerLookupLemmatizer:
    return LowerLookupLemmatizer(nlp, name, lexicon)


def _lemma_table(lang: str) -> dict[int, Any]:
    """spaCy's lookup lemmas of a language as a plain dict (string hash -> lemma): it
    unpickles in a fraction of the time the gzipped JSON takes to read into a Table."""
    lookups = load_lookups(lang=lang, tables=["lemma_lookup"], strict=False)
    if not lookups.has_table("lemma_lookup"):
        return {}
    return dict(lookups.get_table("lemma_lookup").items())
